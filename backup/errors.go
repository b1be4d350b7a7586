package backup

import (
	"fmt"
	"strings"

	"github.com/efbackup/efbackup/internal/i18n"
)

// Problem is one thing verify found wrong. Kind is a stable word that
// scripts can match; File names the file concerned, relative to db/ or the
// archive member ("" for the archive as a whole).
//
// Detail is English and stable, for scripts (JSON) and logs; Text is the
// same message as a catalogue key with its arguments, which the commands
// word in the user's language.
type Problem struct {
	Kind   string    `json:"kind"`
	File   string    `json:"file,omitempty"`
	Detail string    `json:"detail"`
	Text   i18n.Text `json:"-"`
}

// NewProblem is a problem whose detail is the catalogue message key with
// args.
func NewProblem(kind, file, key string, args ...any) Problem {
	return problemText(kind, file, i18n.Say(key, args...))
}

func problemText(kind, file string, t i18n.Text) Problem {
	return Problem{Kind: kind, File: file, Detail: t.String(), Text: t}
}

// Words is the problem's detail as a message (Detail quoted when it has no
// Text).
func (p Problem) Words() i18n.Text {
	return p.Text.Or(p.Detail)
}

// In is the problem's detail in language l (its English Detail when it has
// no Text).
func (p Problem) In(l i18n.Lang) string {
	return p.Text.Or(p.Detail).In(l)
}

// Problem kinds.
const (
	ProblemCorrupt         = "corrupt"          // the compressed stream or tar structure is damaged
	ProblemTruncated       = "truncated"        // the archive ends early
	ProblemMissing         = "missing"          // the manifest lists a file the archive or folder lacks
	ProblemExtra           = "extra"            // the archive or folder holds a file the manifest does not list
	ProblemSize            = "size"             // size differs from the manifest
	ProblemHash            = "hash"             // SHA-256 differs from the manifest
	ProblemMode            = "mode"             // permission mode differs from the manifest
	ProblemManifest        = "manifest"         // the manifest is missing, unparsable or inconsistent
	ProblemSums            = "sha256sums"       // SHA256SUMS disagrees with the manifest
	ProblemSidecar         = "sidecar"          // the sidecar disagrees with the embedded manifest
	ProblemHostile         = "hostile"          // an entry that must never be extracted
	ProblemDuplicate       = "duplicate"        // an entry appears twice
	ProblemDatabaseDamaged = "database-damaged" // a database-file check found damage
	ProblemUnreadable      = "unreadable"       // the disk returned an error while the snapshot was read
	ProblemChanged         = "changed"          // a live folder differs from the snapshot it is compared with: it moved on since
)

// IntegrityError reports every problem found in a snapshot or folder.
type IntegrityError struct {
	Target   string // the snapshot or folder checked
	Problems []Problem
}

func (e *IntegrityError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s) found", e.Target, len(e.Problems))
	for i, p := range e.Problems {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-5)
			break
		}
		if p.File != "" {
			fmt.Fprintf(&b, "; %s: %s: %s", p.File, p.Kind, p.Detail)
		} else {
			fmt.Fprintf(&b, "; %s: %s", p.Kind, p.Detail)
		}
	}
	return b.String()
}

// ChangedError says a source file changed while it was being read: the
// database is in use, and the copy would be torn.
type ChangedError struct {
	Path   string
	Detail string
	Text   i18n.Text // Detail as a message to word in the user's language
}

// NewChangedError is a ChangedError whose detail is the catalogue message
// key with args.
func NewChangedError(path, key string, args ...any) *ChangedError {
	t := i18n.Say(key, args...)
	return &ChangedError{Path: path, Detail: t.String(), Text: t}
}

// Words is Error() as a message to word in the user's language.
func (e *ChangedError) Words() i18n.Text {
	return i18n.Say("detail.changed.error", e.Path, e.DetailWords())
}

// DetailWords is Detail as a message (Detail quoted when there is no Text).
func (e *ChangedError) DetailWords() i18n.Text {
	return e.Text.Or(e.Detail)
}

func (e *ChangedError) Error() string {
	return fmt.Sprintf("%s changed while it was being read (%s)", e.Path, e.Detail)
}

// ReadError says a source file could not be read part of the way through:
// the disk, a bad sector or a network share failed. Nothing was written
// under a final name; the file itself may be damaged.
type ReadError struct {
	Path   string
	Offset int64 // bytes read before the failure
	Size   int64
	Err    error
}

func (e *ReadError) Error() string {
	return fmt.Sprintf("%s could not be read at byte %d of %d: %v", e.Path, e.Offset, e.Size, e.Err)
}

func (e *ReadError) Unwrap() error { return e.Err }

// SidecarError says a snapshot was written and committed under its final
// name, complete and verifiable, but the sidecar copy of its manifest (used
// for fast listing) could not be written.
type SidecarError struct {
	Archive string
	Err     error
}

func (e *SidecarError) Error() string {
	return fmt.Sprintf("snapshot %s is complete, but its sidecar could not be written: %v", e.Archive, e.Err)
}

func (e *SidecarError) Unwrap() error { return e.Err }

// UnsupportedFileError says db/ holds something efbackup will not copy:
// a symbolic link, a device, a socket. Following a link could read
// outside db/; skipping it silently could leave the database out.
type UnsupportedFileError struct {
	Path string
	Type string    // English
	Text i18n.Text // Type as a message to word in the user's language
}

func unsupportedFile(path, key string, args ...any) *UnsupportedFileError {
	t := i18n.Say(key, args...)
	return &UnsupportedFileError{Path: path, Type: t.String(), Text: t}
}

func (e *UnsupportedFileError) Error() string {
	return fmt.Sprintf("%s is a %s, which efbackup does not copy", e.Path, e.Type)
}

// CaseCollisionError says db/ holds two names that differ only in letter
// case. Windows, and the archive reader on every system, treat them as one
// name: a restore could keep only one of them, so no snapshot is made.
type CaseCollisionError struct {
	A, B string // the two paths
}

func (e *CaseCollisionError) Error() string {
	return fmt.Sprintf("%s and %s differ only in letter case: a snapshot of both could not be restored on Windows", e.A, e.B)
}

// Hint says what to do.
func (e *CaseCollisionError) Hint() string {
	return "rename or move one of the two files out of db/ (e-Faktur never makes such names), then run the snapshot again"
}

// ManifestLimitError says db/ holds more files, or longer names, than a
// snapshot's manifest may describe: the reader refuses a manifest over its
// limits, so the writer refuses to make one.
type ManifestLimitError struct {
	Detail string    // English
	Text   i18n.Text // Detail as a message to word in the user's language
}

func manifestLimit(t i18n.Text) *ManifestLimitError {
	return &ManifestLimitError{Detail: t.String(), Text: t}
}

func (e *ManifestLimitError) Error() string {
	return "db/ cannot be described within a snapshot's limits: " + e.Detail
}

// Hint says what to do.
func (e *ManifestLimitError) Hint() string {
	return "db/ holds far more files than an e-Faktur database makes: move what does not belong to e-Faktur out of db/"
}
