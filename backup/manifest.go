// Package backup writes and reads efbackup snapshots: a zstd-compressed tar
// of an e-Faktur db/ folder, carrying its own manifest and a SHA256SUMS file
// so that it can be checked and restored with or without efbackup.
//
// The package never prints and never exits. It returns values, and typed
// errors that the command layer maps to exit codes:
//   - *IntegrityError: a snapshot or folder does not match its manifest;
//   - *ChangedError: a source file changed while it was being read;
//   - *HostileError: an archive entry that must never be extracted.
package backup

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/i18n"
)

// Schema identifies the manifest layout efbackup writes. A reader accepts
// it and SchemaV1 (written by releases that knew no database engine), and
// refuses any other value: guessing at a future layout could make verify say
// "ok" about something it does not understand.
const (
	Schema   = "efbackup.manifest/2"
	SchemaV1 = "efbackup.manifest/1"
)

// Names of the two records that travel inside every archive, after the data.
const (
	ManifestName = "efbackup-manifest.json"
	SumsName     = "SHA256SUMS"
	DBPrefix     = "db/"
)

// Limits that keep a hostile manifest from exhausting memory. A real db/
// folder holds a handful of files.
const (
	MaxManifestBytes = 16 << 20
	MaxFiles         = 100000
	MaxFileSize      = 1 << 44 // 16 TiB: far beyond any e-Faktur database
)

// Manifest describes one snapshot. It is written last, after all the data,
// so a snapshot that has a manifest is complete.
type Manifest struct {
	Schema         string    `json:"schema"`
	Tool           string    `json:"tool"`
	ToolVersion    string    `json:"tool_version"`
	Created        time.Time `json:"created"`
	Host           string    `json:"host"`
	Source         string    `json:"source"`
	Install        string    `json:"install,omitempty"`
	Label          string    `json:"label"`
	EFakturVersion string    `json:"efaktur_version"`
	Compression    string    `json:"compression"`
	DBMode         Mode      `json:"db_mode"` // permissions of db/ itself
	Files          []File    `json:"files"`
	Dirs           []Dir     `json:"dirs,omitempty"`
	Totals         Totals    `json:"totals"`
	// ContentID is a hash over every file's path, size and SHA-256. Two
	// manifests with the same ContentID describe byte-identical folders,
	// whatever their times say.
	ContentID string `json:"content_id"`
	// Excluded lists what the scan left out (relative to db/, "/"; a
	// folder ends in "/"): the database engines' lock files and scratch
	// space, which they recreate and a restore must never bring back.
	Excluded []string `json:"excluded,omitempty"`
	// Databases is what the checks made of each folder of db/ (and of each
	// file directly in it) while the snapshot streamed: engine, state,
	// versions, verdict and findings.
	Databases []engine.Database `json:"databases,omitempty"`
	// Checks summarises the database checks made while streaming.
	Checks *ChecksSummary `json:"checks,omitempty"`
	// Encryption is set only in the sidecar of an encrypted snapshot
	// (schema SidecarSchemaEncrypted), which Marshal writes in its own
	// layout: the manifest inside the archive never carries it.
	Encryption *Encryption `json:"-"`
}

// DeepRecord is what the real database engine found when it booted a
// restored copy of a snapshot and read every row (verify --deep, snapshot
// --deep). It is kept beside the snapshot (ProofSuffix): the manifest is
// sealed inside the archive before the proof can run.
type DeepRecord struct {
	Checked time.Time `json:"checked"`
	// Engine names the runtime that judged: "Derby 10.14.2.0 on Java 17.0.15".
	Engine  string         `json:"engine"`
	Verdict engine.Verdict `json:"verdict"`
	Seconds float64        `json:"seconds"`
	// Tables holds, per database name, each table's row count and content
	// hash as the engine read them: counts and hashes, never rows. They
	// come from the first proof that found everything sound, when there
	// was one (Reference), so that later damage never becomes the
	// reference a proof compares with.
	Tables    map[string][]DeepTable `json:"tables,omitempty"`
	Reference bool                   `json:"reference,omitempty"`
}

// DeepTable is one table as the engine read it.
type DeepTable struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	System bool   `json:"system,omitempty"`
	Rows   int64  `json:"rows"`
	Hash   string `json:"hash,omitempty"`
}

// File is one regular file of db/.
type File struct {
	Path   string     `json:"path"` // relative to db/, with "/"
	Size   int64      `json:"size"`
	Mode   Mode       `json:"mode"`
	MTime  time.Time  `json:"mtime"`
	SHA256 string     `json:"sha256"`
	Check  *FileCheck `json:"check,omitempty"`
}

// Dir is one sub-folder of db/ (db/ itself is implied).
type Dir struct {
	Path string `json:"path"`
	Mode Mode   `json:"mode"`
}

// Totals are the sums over Files.
type Totals struct {
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
}

// FileCheck is the verdict of the database checks on one file, as
// recorded when the snapshot was made.
type FileCheck struct {
	Kind     string           `json:"kind"`
	Verdict  string           `json:"verdict"` // ok, warning, damaged, not-checked
	Findings []engine.Finding `json:"findings,omitempty"`
	// Format and H2Version were written by releases that checked H2 files
	// (manifest schema 1); they are read, never written.
	Format    string `json:"format,omitempty"`
	H2Version string `json:"h2_version,omitempty"`
}

// FileCheckOf records an engine's verdict on one file.
func FileCheckOf(r engine.FileResult) *FileCheck {
	return &FileCheck{Kind: r.Kind, Verdict: string(r.Verdict), Findings: r.Findings}
}

// ChecksSummary is the verdict over the databases of db/: the worst over
// those an engine recognised ("not-checked" when none was), with counts
// over every folder.
type ChecksSummary struct {
	Verdict    string `json:"verdict"`
	OK         int    `json:"ok"`
	Warning    int    `json:"warning"`
	Damaged    int    `json:"damaged"`
	NotChecked int    `json:"not_checked,omitempty"`
}

var knownStates = map[engine.State]bool{
	engine.Clean: true, engine.NeedsRecovery: true, engine.InUse: true, engine.Unknown: true,
}

// Mode is a permission mode, written as an octal string ("0644") so that a
// person reading the manifest sees what ls would show.
type Mode uint32

func (m Mode) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`"%04o"`, uint32(m))), nil
}

func (m *Mode) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := strconv.ParseUint(s, 8, 32)
	if err != nil || v > 0o7777 {
		return fmt.Errorf("invalid mode %q", s)
	}
	*m = Mode(v)
	return nil
}

// ComputeContentID hashes the identity of the files: path, size, SHA-256.
// Modes and times are left out on purpose: a copy with other times holds
// the same data.
func ComputeContentID(files []File) string {
	sorted := append([]File(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	h := sha256.New()
	for _, f := range sorted {
		fmt.Fprintf(h, "%s\x00%d\x00%s\n", f.Path, f.Size, f.SHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Finish fills in the derived fields: sorted files, totals, content id and
// the checks summary.
func (m *Manifest) Finish() {
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	sort.Slice(m.Dirs, func(i, j int) bool { return m.Dirs[i].Path < m.Dirs[j].Path })
	sort.Strings(m.Excluded)
	m.Totals = Totals{}
	for _, f := range m.Files {
		m.Totals.Files++
		m.Totals.Bytes += f.Size
	}
	m.Checks = nil
	if len(m.Databases) > 0 {
		s := engine.Summarise(m.Databases)
		m.Checks = &ChecksSummary{Verdict: string(s.Verdict), OK: s.OK, Warning: s.Warning, Damaged: s.Damaged, NotChecked: s.NotChecked}
	}
	m.ContentID = ComputeContentID(m.Files)
}

// Marshal encodes the manifest the one way efbackup writes it, so that the
// copy in the archive and the sidecar are byte-identical. The sidecar of an
// encrypted snapshot (EncryptedSidecar) has a layout of its own.
func (m *Manifest) Marshal() ([]byte, error) {
	var v any = m
	if m.Schema == SidecarSchemaEncrypted {
		v = encryptedSidecarOf(m)
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Sums renders the SHA256SUMS file in sha256sum's format, paths as they
// sit in the archive ("db/...").
func (m *Manifest) Sums() []byte {
	var buf bytes.Buffer
	for _, f := range m.Files {
		fmt.Fprintf(&buf, "%s  %s%s\n", f.SHA256, DBPrefix, f.Path)
	}
	return buf.Bytes()
}

// Verdicts a database check may record, in a file's check, a finding or
// the summary. A manifest holding any other value is refused: a release
// that does not know a verdict cannot say what it means.
var Verdicts = []string{"ok", "warning", "damaged", "not-checked"}

// Compression is the only compression a manifest may name.
const Compression = "zstd"

// ManifestError says a manifest (inside an archive, or a sidecar) cannot be
// accepted: it is not one JSON document, breaks a limit, contradicts itself,
// or holds a value this release does not know (a newer release's, or
// damage). File names the file when the manifest was read from one; Field
// is the JSON field at fault ("files[2].check.verdict"), "" when the
// document as a whole is.
type ManifestError struct {
	File   string
	Field  string
	Detail string
	Text   i18n.Text // Detail as a message to word in the user's language
}

func (e *ManifestError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File + ": ")
	}
	b.WriteString("manifest")
	if e.Field != "" {
		b.WriteString(" field " + e.Field)
	}
	b.WriteString(": " + e.Detail)
	return b.String()
}

// Words is Error() as a message to word in the user's language.
func (e *ManifestError) Words() i18n.Text {
	detail := e.Text.Or(e.Detail)
	switch {
	case e.File != "" && e.Field != "":
		return i18n.Say("detail.manifest.filefield", e.File, e.Field, detail)
	case e.File != "":
		return i18n.Say("detail.manifest.fileonly", e.File, detail)
	case e.Field != "":
		return i18n.Say("detail.manifest.field", e.Field, detail)
	}
	return i18n.Say("detail.manifest.whole", detail)
}

func manifestErr(field, key string, args ...any) *ManifestError {
	t := i18n.Say(key, args...)
	return &ManifestError{Field: field, Detail: t.String(), Text: t}
}

// ParseManifest decodes and validates a manifest from untrusted bytes.
// Every path must be a clean relative path inside db/, sizes must be sane,
// every enumerated field must hold a value this release knows, and the
// derived fields must agree with the file list. Every error is a
// *ManifestError.
func ParseManifest(b []byte) (*Manifest, error) {
	if len(b) > MaxManifestBytes {
		return nil, manifestErr("", "detail.manifest.toolarge", len(b), MaxManifestBytes)
	}
	if schemaOf(b) == SidecarSchemaEncrypted {
		return nil, manifestErr("schema", "detail.manifest.encsidecar")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, jsonErr(err)
	}
	if dec.More() {
		return nil, manifestErr("", "detail.manifest.trailing")
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// jsonErr names the field a decoding error is about, where encoding/json
// says.
func jsonErr(err error) *ManifestError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return manifestErr(te.Field, "detail.manifest.json", err)
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return manifestErr(strings.Trim(f, `"`), "detail.manifest.unknownfield")
	}
	return manifestErr("", "detail.manifest.json", err)
}

// checkEnum refuses a value outside known.
func checkEnum(field, v string, known []string) error {
	if slices.Contains(known, v) {
		return nil
	}
	return manifestErr(field, "detail.manifest.unknownvalue", v, strings.Join(known, ", "))
}

func (m *Manifest) validate() error {
	if m.Schema != Schema && m.Schema != SchemaV1 {
		return manifestErr("schema", "detail.manifest.schema", m.Schema, Schema)
	}
	if err := checkEnum("compression", m.Compression, []string{Compression}); err != nil {
		return err
	}
	if err := m.validateChecks(); err != nil {
		return err
	}
	if len(m.Files) > MaxFiles || len(m.Dirs) > MaxFiles {
		return manifestErr("files", "detail.manifest.toomany", len(m.Files), len(m.Dirs), MaxFiles)
	}
	if c := m.Checks; c != nil {
		if err := checkEnum("checks.verdict", c.Verdict, Verdicts); err != nil {
			return err
		}
		if c.OK < 0 || c.Warning < 0 || c.Damaged < 0 {
			return manifestErr("checks", "detail.manifest.negative")
		}
	}
	seen := make(map[string]bool, len(m.Files)+len(m.Dirs))
	var total int64
	for i, d := range m.Dirs {
		field := fmt.Sprintf("dirs[%d].path", i)
		if err := CheckRelPath(d.Path); err != nil {
			return manifestErr(field, "detail.manifest.folder", d.Path, err)
		}
		if seen[strings.ToLower(d.Path)] {
			return manifestErr(field, "detail.manifest.twiceq", d.Path)
		}
		seen[strings.ToLower(d.Path)] = true
	}
	for i, f := range m.Files {
		field := fmt.Sprintf("files[%d]", i)
		if err := CheckRelPath(f.Path); err != nil {
			return manifestErr(field+".path", "detail.manifest.file", f.Path, err)
		}
		// Case-folded: on Windows two names that differ only in case
		// would overwrite each other on restore.
		if seen[strings.ToLower(f.Path)] {
			return manifestErr(field+".path", "detail.manifest.twiceq", f.Path)
		}
		seen[strings.ToLower(f.Path)] = true
		if f.Size < 0 || f.Size > MaxFileSize {
			return manifestErr(field+".size", "detail.manifest.filesize", f.Path, f.Size)
		}
		if len(f.SHA256) != 64 || strings.ToLower(f.SHA256) != f.SHA256 {
			return manifestErr(field+".sha256", "detail.manifest.filesha", f.Path, f.SHA256)
		}
		if _, err := hex.DecodeString(f.SHA256); err != nil {
			return manifestErr(field+".sha256", "detail.manifest.filesha", f.Path, f.SHA256)
		}
		if c := f.Check; c != nil {
			if err := checkEnum(field+".check.verdict", c.Verdict, Verdicts); err != nil {
				return err
			}
			for k, fd := range c.Findings {
				if err := checkEnum(fmt.Sprintf("%s.check.findings[%d].verdict", field, k), string(fd.Verdict), Verdicts); err != nil {
					return err
				}
			}
		}
		total += f.Size
		if total > MaxFileSize {
			return manifestErr("totals.bytes", "detail.manifest.huge")
		}
	}
	for i, f := range m.Files {
		// A file's parent folders must not be listed as files.
		for p := path.Dir(f.Path); p != "."; p = path.Dir(p) {
			if seen[strings.ToLower(p)] && !m.hasDir(p) {
				return manifestErr(fmt.Sprintf("files[%d].path", i), "detail.manifest.fileandfolder", p)
			}
		}
	}
	if m.Totals.Files != len(m.Files) || m.Totals.Bytes != total {
		return manifestErr("totals", "detail.manifest.totalsdiffer",
			m.Totals.Files, m.Totals.Bytes, len(m.Files), total)
	}
	if m.ContentID != ComputeContentID(m.Files) {
		return manifestErr("content_id", "detail.manifest.contentid")
	}
	return nil
}

// validateChecks refuses values this release does not know in the
// recorded verdicts and states: a reader must never guess what a newer
// release meant.
func (m *Manifest) validateChecks() error {
	if len(m.Excluded) > MaxFiles || len(m.Databases) > MaxFiles {
		return manifestErr("databases", "detail.manifest.toomanydb", len(m.Excluded), len(m.Databases), MaxFiles)
	}
	for _, e := range m.Excluded {
		if err := CheckRelPath(strings.TrimSuffix(e, "/")); err != nil {
			return manifestErr("excluded", "detail.manifest.path", e, err)
		}
	}
	for _, d := range m.Databases {
		if err := checkEnum("databases.verdict", string(d.Verdict), Verdicts); err != nil {
			return err
		}
		if !knownStates[d.State] {
			return manifestErr("databases.state", "detail.manifest.dbstate", d.Name, d.State)
		}
		for _, f := range d.Findings {
			if err := checkEnum("databases.findings.verdict", string(f.Verdict), Verdicts); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *Manifest) hasDir(p string) bool {
	for _, d := range m.Dirs {
		if strings.EqualFold(d.Path, p) {
			return true
		}
	}
	return false
}

// CheckRelPath accepts only a clean, relative, forward-slash path with no
// "..", no drive letter, no backslash and no control characters: the only
// kind of name that can be extracted without escaping the target folder,
// on Windows as well as on Unix.
func CheckRelPath(p string) error {
	switch {
	case p == "" || p == ".":
		return i18n.NewError("detail.path.empty")
	case len(p) > 4096:
		return i18n.NewError("detail.path.long")
	case strings.HasPrefix(p, "/"):
		return i18n.NewError("detail.path.absolute")
	case strings.Contains(p, `\`):
		return i18n.NewError("detail.path.backslash")
	case strings.Contains(p, ":"):
		return i18n.NewError("detail.path.drive")
	case path.Clean(p) != p:
		return i18n.NewError("detail.path.unclean")
	}
	for _, part := range strings.Split(p, "/") {
		if part == ".." || part == "." {
			return i18n.NewError("detail.path.climbs")
		}
		// Windows drops trailing dots and spaces, which would let two
		// names collide or a name change on restore.
		if strings.HasSuffix(part, ".") || strings.HasSuffix(part, " ") {
			return i18n.NewError("detail.path.dotspace")
		}
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return i18n.NewError("detail.path.control")
		}
	}
	return nil
}

// ReadManifest reads and parses a manifest (never the sidecar of an
// encrypted snapshot) from r, up to MaxManifestBytes.
// When r is a file (a sidecar), a *ManifestError names it.
func ReadManifest(r io.Reader) (*Manifest, []byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxManifestBytes+1))
	if err != nil {
		return nil, nil, err
	}
	m, err := ParseManifest(b)
	if me, ok := err.(*ManifestError); ok {
		if f, ok := r.(interface{ Name() string }); ok {
			me.File = f.Name()
		}
	}
	return m, b, err
}
