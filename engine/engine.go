// Package engine is the seam between efbackup and the database engines it
// understands. e-Faktur keeps its data in Apache Derby databases, one folder
// each inside db/ (db/ETaxInvoice and any database added through the app's
// menu); package engine/derby implements this interface for them.
//
// An engine recognises a database folder, tells its state (shut down
// cleanly, needing recovery at its next boot), names the files a backup
// leaves out, reads its versions, and checks its bytes as they stream past
// the snapshot writer, so the database is read once. A folder of db/ that no
// engine recognises is still copied and hashed byte for byte; its verdict is
// "not checked", never "ok".
//
// Nothing here prints, exits or writes: engines read, and they never hold a
// file of a database open longer than one read.
package engine

import (
	"io"

	"github.com/efbackup/efbackup/internal/i18n"
)

// Verdict is what the checks concluded about a file or a database.
type Verdict string

const (
	// OK: every check that ran passed. Database.Checked says which ran.
	OK Verdict = "ok"
	// Warning: nothing is lost, but something needs attention (a log kept
	// outside db/, a leftover file).
	Warning Verdict = "warning"
	// Damaged: a check found damage the engine would refuse or lose data to.
	Damaged Verdict = "damaged"
	// NotChecked: nothing understood the bytes (an unknown folder, an
	// encrypted database without its key). Never reported as "ok".
	NotChecked Verdict = "not-checked"
)

// Worse reports whether a is a worse verdict than b.
func Worse(a, b Verdict) bool { return rank(a) > rank(b) }

func rank(v Verdict) int {
	switch v {
	case OK:
		return 0
	case NotChecked:
		return 1
	case Warning:
		return 2
	case Damaged:
		return 3
	}
	return 4 // unknown values are the worst: never upgrade them to ok
}

// State is how a database was left by the last engine that used it.
type State string

const (
	// Clean: shut down cleanly; the next boot has nothing to recover.
	Clean State = "clean"
	// NeedsRecovery: not shut down cleanly (e-Faktur usually exits this
	// way); the next boot replays the log. A valid backup, if complete.
	NeedsRecovery State = "needs-recovery"
	// InUse: an engine has the database open right now.
	InUse State = "in-use"
	// Unknown: the files do not say (an unknown folder, unreadable log).
	Unknown State = "unknown"
)

// What a verdict rests on. Database.Checked lists the ones that ran, so that
// "ok" always says what was checked.
const (
	CheckedBytes     = "bytes"     // every byte against the manifest's SHA-256
	CheckedStructure = "structure" // the engine's file structure, in Go
	CheckedEngine    = "engine"    // the real engine booted a copy and read every row
)

// Finding is one problem a check found. Detail is English, names no
// database content (no row data, no key material), and stands alone; it is
// what JSON and the manifest carry. Text is the same message as a catalogue
// key and its arguments, for wording it in the user's language; it is not
// stored, so a finding read back from a manifest has only Detail.
type Finding struct {
	Verdict Verdict   `json:"verdict"`        // Warning or Damaged; NotChecked for what could not be checked (an encrypted database)
	Code    string    `json:"code"`           // stable, for scripts: "page-checksum", ...
	File    string    `json:"file,omitempty"` // relative to the database folder, "/"
	Page    int64     `json:"page"`           // -1 when not about one page
	Offset  int64     `json:"offset"`         // byte offset in File, -1 when none
	Detail  string    `json:"detail"`
	Text    i18n.Text `json:"-"`
}

// NewFinding is a finding whose detail is the catalogue message key with
// args: Detail holds its English wording, Text the key for other languages.
func NewFinding(v Verdict, code, file string, page, off int64, key string, args ...any) Finding {
	t := i18n.Say(key, args...)
	return Finding{Verdict: v, Code: code, File: file, Page: page, Offset: off, Detail: t.String(), Text: t}
}

// In is the finding's detail in language l: its Text when it has one, else
// the English Detail it was stored with.
func (f Finding) In(l i18n.Lang) string {
	return f.Text.Or(f.Detail).In(l)
}

// Versions are the engine versions a database records.
type Versions struct {
	// OnDisk is the hard-upgrade level ("10.14"): an engine older than this
	// cannot open the database.
	OnDisk string `json:"on_disk,omitempty"`
	// Build is the release of the engine that last checkpointed, as a
	// release name ("10.14.2.0") when its build number is a known official
	// one, otherwise "unknown build N".
	Build       string `json:"engine_build,omitempty"`
	BuildNumber int64  `json:"build_number,omitempty"`
	// Catalog is the data dictionary version ("10.14"), and CreatedCatalog
	// the one the database was created with.
	Catalog        string `json:"catalog,omitempty"`
	CreatedCatalog string `json:"created_catalog,omitempty"`
}

// Database is what efbackup knows about one folder of db/.
type Database struct {
	Name   string `json:"name"`   // the folder name inside db/
	Engine string `json:"engine"` // "derby", or "unknown"
	State  State  `json:"state"`
	// DerbyVersion is Versions.OnDisk, repeated flat for scripts.
	DerbyVersion string    `json:"derby_version,omitempty"`
	Versions     *Versions `json:"versions,omitempty"`
	Files        int       `json:"files"`
	Bytes        int64     `json:"bytes"`
	Verdict      Verdict   `json:"verdict"`
	Checked      []string  `json:"checked"`
	Findings     []Finding `json:"findings,omitempty"`
	// Excluded lists what a backup leaves out (relative to the database
	// folder): lock files and scratch space the engine recreates.
	Excluded []string `json:"excluded,omitempty"`
	// Encrypted: the pages are encrypted; their checksums cannot be checked
	// without the key.
	Encrypted bool `json:"encrypted,omitempty"`
	// LogDevice is set when the log lives outside the database folder: a
	// backup of db/ alone does not contain it.
	LogDevice string `json:"log_device,omitempty"`
}

// FileResult is the verdict on one file of a database.
type FileResult struct {
	Kind     string    `json:"kind"` // "container", "log", "log-control", "properties", "other"
	Verdict  Verdict   `json:"verdict"`
	Findings []Finding `json:"findings,omitempty"`
}

// FileCheck sees one file's bytes as they stream past. Write never fails:
// damage is a result, not an error. It keeps a bounded amount of memory
// whatever the file's size.
type FileCheck interface {
	io.Writer
	Result() FileResult
}

// Check follows one database through a stream of its files. The caller
// feeds every file of the database folder that it reads, each one whole,
// in ascending path order, then calls Finish once.
type Check interface {
	// File starts the check of one file; rel is relative to the database
	// folder, with "/". It never returns nil.
	File(rel string, size int64) FileCheck
	// Skipped tells the check that rel was present in the database folder
	// but left out of the stream (a lock file, tmp/): its presence says
	// the engine was not shut down cleanly.
	Skipped(rel string, isDir bool)
	// Finish returns the database's verdict, state and versions, with every
	// finding (including the per-file ones), after the last file. It
	// returns nil when the files were not a database of this engine: a
	// snapshot is judged by its bytes, so which folder is a database is
	// decided by what its files turned out to be.
	Finish() *Database
}

// Engine is one database engine.
type Engine interface {
	// Name is the engine's name in reports: "derby".
	Name() string
	// Recognise reports whether dir holds a database of this engine. It
	// reads at most a few small files.
	Recognise(dir string) bool
	// Excluded reports whether rel (relative to the database folder, "/")
	// is left out of a backup: lock files and scratch space that the
	// engine recreates and that a restore must never bring back.
	Excluded(rel string, isDir bool) bool
	// Inspect tells the state and versions of the database in dir from its
	// small files (the log control files, the log, the properties), without
	// the full structure check. It is read-only.
	Inspect(dir string) (*Database, error)
	// NewCheck starts the streaming checks of the database called name.
	NewCheck(name string) Check
}
