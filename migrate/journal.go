package migrate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/internal/i18n"
)

// JournalName is the journal's file name in the target install. It has one
// fixed name so that the next run finds it.
const JournalName = "efbackup-migrate.journal"

// JournalSchema identifies the journal layout; another value is refused.
const JournalSchema = "efbackup.migrate-journal/1"

// Journal states.
const (
	StateRunning = "running" // a migration started and has not finished
	StateDone    = "done"    // the migration finished; --undo may roll it back
	StateUndoing = "undoing" // an undo started and has not finished
)

// Swap methods. With "exchange" the kernel swaps the staged folder and db/
// in one step, so db/ is never missing; the journal then identifies the
// folders by their file-system identity. With "rename" (Windows, and file
// systems without an exchange) db/ is first renamed aside.
const (
	SwapExchange = "exchange"
	SwapRename   = "rename"
)

// Journal is the record, kept in the target install, of a migration in
// progress or finished. It is written atomically before and after every
// step. Every name the tool creates is recorded here before it is created,
// so that recovery touches only what the journal says the tool made.
type Journal struct {
	Schema      string    `json:"schema"`
	ID          string    `json:"id"` // UTC time of the first attempt, as in file names
	ToolVersion string    `json:"tool_version"`
	State       string    `json:"state"`
	Updated     time.Time `json:"updated"`
	Attempts    int       `json:"attempts"`

	From   string `json:"from"`
	To     string `json:"to"`
	Source string `json:"source"` // the source install folder
	Target string `json:"target"` // the target install folder

	SourceDB    string `json:"source_db"` // base name of the source's db folder
	TargetDB    string `json:"target_db"` // base name of the target's db folder
	TargetHadDB bool   `json:"target_had_db"`
	// TargetDBID is the file-system identity of the target's original db/
	// (Unix only; "" elsewhere).
	TargetDBID string `json:"target_db_id,omitempty"`

	SnapshotDir string `json:"snapshot_dir"`
	// Names inside Target, created by the tool (base names only).
	Staging    string   `json:"staging"`
	StagingID  string   `json:"staging_id,omitempty"`
	Aside      string   `json:"aside,omitempty"`
	Undone     string   `json:"undone,omitempty"`
	Reports    []string `json:"reports"`
	SwapMethod string   `json:"swap_method,omitempty"`

	Snapshots []SnapshotRecord `json:"snapshots"`
	// SourceState is the source as preflight saw it (path, size, time).
	SourceState []FileState `json:"source_state"`
	// Manifest is the source's content as its safety snapshot read it;
	// the staged copy, the swapped db/ and the source are checked
	// against it.
	Manifest *ManifestRecord `json:"manifest,omitempty"`
	// TargetManifest is the target's original db/ content, when it had one.
	TargetManifest *ManifestRecord `json:"target_manifest,omitempty"`
	// SourceChecks is the database checks' verdict on the source.
	SourceChecks *backup.ChecksSummary `json:"source_checks,omitempty"`

	Steps []StepRecord `json:"steps"`
	Error string       `json:"error,omitempty"`
}

// SnapshotRecord is a safety snapshot the tool planned, made or verified.
type SnapshotRecord struct {
	Kind      string `json:"kind"` // "source" or "target"
	Path      string `json:"path"`
	State     string `json:"state"` // planned, written, verified
	ContentID string `json:"content_id,omitempty"`
	Damaged   bool   `json:"damaged,omitempty"`
}

// FileState is a file as a directory scan saw it.
type FileState struct {
	Path  string    `json:"path"`
	Size  int64     `json:"size"`
	MTime time.Time `json:"mtime"`
}

// ManifestRecord is the part of a manifest the journal needs.
type ManifestRecord struct {
	ContentID string        `json:"content_id"`
	Files     []backup.File `json:"files"`
	Dirs      []backup.Dir  `json:"dirs,omitempty"`
	Bytes     int64         `json:"bytes"`
}

// Manifest returns the record as a manifest, for backup.CompareFiles.
func (r *ManifestRecord) Manifest() *backup.Manifest {
	m := &backup.Manifest{Files: r.Files, Dirs: r.Dirs}
	m.Finish()
	return m
}

func manifestRecord(m *backup.Manifest) *ManifestRecord {
	files := make([]backup.File, len(m.Files))
	for i, f := range m.Files {
		f.Check = nil
		files[i] = f
	}
	return &ManifestRecord{ContentID: m.ContentID, Files: files, Dirs: m.Dirs, Bytes: m.Totals.Bytes}
}

// StepRecord is one step, written when it starts and again when it ends.
type StepRecord struct {
	Name    string    `json:"name"`
	Attempt int       `json:"attempt"`
	Started time.Time `json:"started"`
	Ended   time.Time `json:"ended,omitzero"`
	Seconds float64   `json:"seconds"`
	Status  string    `json:"status"` // started, ok, failed, skipped
	Detail  string    `json:"detail,omitempty"`
	// Text is Detail as a catalogue message, for wording it in the
	// user's language (see In); not stored, so a step read back from a
	// journal or a report has only Detail. A failed step's Detail is its
	// error's text and has no Text.
	Text i18n.Text `json:"-"`
}

// Step names, in order.
const (
	StepPreflight      = "preflight"
	StepSnapshotSource = "snapshot-source"
	StepSnapshotTarget = "snapshot-target"
	StepStage          = "stage"
	StepSwap           = "swap"
	StepPostCheck      = "post-check"
	StepReport         = "report"
	StepUndo           = "undo"
)

// Names the tool creates. Recovery accepts only names of these forms, so
// that a damaged or hostile journal cannot make it rename or remove
// anything else.
var (
	stagingRe      = regexp.MustCompile(`^.+\.efbackup-migrate-[0-9]{8}T[0-9]{6}Z(-[0-9]+)?` + regexp.QuoteMeta(fsutil.PartialSuffix) + `$`)
	asideRe        = regexp.MustCompile(`^.+\.before-migrate-[0-9]{8}T[0-9]{6}Z(-[0-9]+)?$`)
	undoneRe       = regexp.MustCompile(`^.+\.undone-migrate-[0-9]{8}T[0-9]{6}Z(-[0-9]+)?$`)
	reportRe       = regexp.MustCompile(`^efbackup-migrate-[0-9]{8}T[0-9]{6}Z(-[0-9]+)?\.(json|txt)$`)
	errJournalName = errors.New("a name in the journal is not one efbackup creates")
)

// ReadJournal reads the journal of target, or returns nil, nil when there
// is none.
func ReadJournal(target string) (*Journal, error) {
	p := filepath.Join(target, JournalName)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(b) > 64<<20 {
		return nil, (&JournalError{Kind: JournalUnreadable, Target: target}).withText(i18n.Say("migrate.detail.toolarge"))
	}
	var j Journal
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, &JournalError{Kind: JournalUnreadable, Target: target, Detail: err.Error()}
	}
	if err := j.validate(target); err != nil {
		je := &JournalError{Kind: JournalUnreadable, Target: target, Detail: err.Error()}
		var fe *fieldError
		if errors.As(err, &fe) {
			je.Field = fe.field
		}
		return nil, je
	}
	return &j, nil
}

// fieldError is a journal field holding a value this release does not
// know.
type fieldError struct{ field, detail string }

func (e *fieldError) Error() string { return "field " + e.field + ": " + e.detail }

// enum refuses a value outside known.
func enum(field, v string, known ...string) error {
	if slices.Contains(known, v) {
		return nil
	}
	return &fieldError{field: field, detail: fmt.Sprintf("unknown value %q (known: %s)", v, strings.Join(known, ", "))}
}

// Step statuses, snapshot kinds and snapshot states a journal may hold.
var (
	stepNames      = []string{StepPreflight, StepSnapshotSource, StepSnapshotTarget, StepStage, StepSwap, StepPostCheck, StepReport, StepUndo}
	stepStatuses   = []string{"started", "ok", "failed", "skipped"}
	snapshotKinds  = []string{"source", "target"}
	snapshotStates = []string{"planned", "written", "verified"}
)

func (j *Journal) validate(target string) error {
	if j.Schema != JournalSchema {
		return fmt.Errorf("schema %q is not %q", j.Schema, JournalSchema)
	}
	if err := enum("state", j.State, StateRunning, StateDone, StateUndoing); err != nil {
		return err
	}
	if err := enum("swap_method", j.SwapMethod, "", SwapExchange, SwapRename); err != nil {
		return err
	}
	for i, st := range j.Steps {
		if err := enum(fmt.Sprintf("steps[%d].name", i), st.Name, stepNames...); err != nil {
			return err
		}
		if err := enum(fmt.Sprintf("steps[%d].status", i), st.Status, stepStatuses...); err != nil {
			return err
		}
	}
	for i, sn := range j.Snapshots {
		if err := enum(fmt.Sprintf("snapshots[%d].kind", i), sn.Kind, snapshotKinds...); err != nil {
			return err
		}
		if err := enum(fmt.Sprintf("snapshots[%d].state", i), sn.State, snapshotStates...); err != nil {
			return err
		}
	}
	if c := j.SourceChecks; c != nil {
		if err := enum("source_checks.verdict", c.Verdict, backup.Verdicts...); err != nil {
			return err
		}
	}
	if !samePath(j.Target, target) {
		return fmt.Errorf("it was written for %s", j.Target)
	}
	base := func(name string, re *regexp.Regexp, optional bool) error {
		if name == "" && optional {
			return nil
		}
		if name != filepath.Base(name) || strings.ContainsAny(name, `/\`) || !re.MatchString(name) {
			return fmt.Errorf("%w: %q", errJournalName, name)
		}
		return nil
	}
	if j.SourceDB == "" || j.TargetDB == "" || !strings.EqualFold(j.TargetDB, "db") || strings.ContainsAny(j.TargetDB, `/\`) {
		return fmt.Errorf("%w: db %q", errJournalName, j.TargetDB)
	}
	if err := base(j.Staging, stagingRe, false); err != nil {
		return err
	}
	if err := base(j.Aside, asideRe, !j.TargetHadDB); err != nil {
		return err
	}
	if err := base(j.Undone, undoneRe, true); err != nil {
		return err
	}
	for _, r := range j.Reports {
		if err := base(r, reportRe, false); err != nil {
			return err
		}
	}
	for _, s := range j.Snapshots {
		if !filepath.IsAbs(s.Path) || !samePath(filepath.Dir(s.Path), j.SnapshotDir) {
			return fmt.Errorf("%w: snapshot %q", errJournalName, s.Path)
		}
		if _, _, ok := backup.ParseArchiveName(filepath.Base(s.Path)); !ok {
			return fmt.Errorf("%w: snapshot %q", errJournalName, s.Path)
		}
	}
	return nil
}

// path joins a recorded base name to the target.
func (j *Journal) path(name string) string {
	if name == "" {
		return ""
	}
	return filepath.Join(j.Target, name)
}

// step returns the last record of the named step, or nil.
func (j *Journal) step(name string) *StepRecord {
	for i := len(j.Steps) - 1; i >= 0; i-- {
		if j.Steps[i].Name == name {
			return &j.Steps[i]
		}
	}
	return nil
}

// started says whether the named step was ever started.
func (j *Journal) started(name string) bool { return j.step(name) != nil }

// LastStep returns the last step recorded, for messages ("swap, started").
func (j *Journal) LastStep() *StepRecord {
	if len(j.Steps) == 0 {
		return nil
	}
	return &j.Steps[len(j.Steps)-1]
}

// SnapshotPaths lists the safety snapshots that were completed (written
// in full; "verified" once read back).
func (j *Journal) SnapshotPaths() []string {
	var out []string
	for _, s := range j.Snapshots {
		if s.State == "verified" || s.State == "written" {
			out = append(out, s.Path)
		}
	}
	return out
}

// journalWriter writes the journal after every change. It is the only
// place the journal file is written.
type journalWriter struct {
	mu  sync.Mutex // steps may run side by side
	j   *Journal
	now func() time.Time
	log func(Event)
}

// update changes the journal under the lock, and saves it.
func (w *journalWriter) update(f func()) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	f()
	return w.saveLocked()
}

func (w *journalWriter) encode() ([]byte, error) {
	w.j.Updated = w.now().UTC()
	b, err := json.MarshalIndent(w.j, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func (w *journalWriter) save() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.saveLocked()
}

func (w *journalWriter) saveLocked() error {
	b, err := w.encode()
	if err != nil {
		return err
	}
	return fsutil.ReplaceFileAtomic(filepath.Join(w.j.Target, JournalName), b, backup.FilePerm)
}

// begin records that a step starts, and saves.
func (w *journalWriter) begin(name string) (*stepTimer, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t := w.now().UTC()
	w.j.Steps = append(w.j.Steps, StepRecord{Name: name, Attempt: w.j.Attempts, Started: t, Status: "started"})
	if err := w.saveLocked(); err != nil {
		return nil, err
	}
	if w.log != nil {
		w.log(Event{Step: name, Phase: "start"})
	}
	return &stepTimer{w: w, idx: len(w.j.Steps) - 1, start: time.Now()}, nil
}

type stepTimer struct {
	w     *journalWriter
	idx   int
	start time.Time
}

// end records how a step ended, with its detail, and saves.
func (s *stepTimer) end(status string, detail i18n.Text) error {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	r := &s.w.j.Steps[s.idx]
	r.Ended = s.w.now().UTC()
	r.Seconds = time.Since(s.start).Seconds()
	r.Status = status
	*r = r.withText(detail)
	if err := s.w.saveLocked(); err != nil {
		return err
	}
	if s.w.log != nil {
		s.w.log(Event{Step: r.Name, Phase: "end", Status: status, Seconds: r.Seconds, Detail: r.Detail, Text: r.Text})
	}
	return nil
}

// removeJournal deletes the journal file and any temporary files a killed
// journal write left behind. Only called when the target is back to its
// original state, or holds nothing the journal describes any more.
func removeJournal(target string) error {
	if err := fsutil.RemoveReplaceLeftovers(filepath.Join(target, JournalName)); err != nil {
		return err
	}
	err := os.Remove(filepath.Join(target, JournalName))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return fsutil.SyncDir(target)
}

// freeName returns prefix+suffix, or prefix-2+suffix, prefix-3+suffix, ...:
// the first that does not exist in dir.
func freeName(dir, prefix, suffix string) (string, error) {
	for i := 1; i < 1000; i++ {
		name := prefix + suffix
		if i > 1 {
			name = fmt.Sprintf("%s-%d%s", prefix, i, suffix)
		}
		if _, err := os.Lstat(filepath.Join(dir, name)); errors.Is(err, fs.ErrNotExist) {
			// A ".partial" of the name is taken as well: someone is writing it.
			if _, err := os.Lstat(filepath.Join(dir, name+fsutil.PartialSuffix)); errors.Is(err, fs.ErrNotExist) {
				return name, nil
			}
		} else if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("no free name for %s%s in %s", prefix, suffix, dir)
}
