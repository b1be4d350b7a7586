package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/efbackup/efbackup/crypt"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/swap"
)

// RestoreOptions says what to restore where.
type RestoreOptions struct {
	// DB is the db/ folder to replace (it may not exist). Its parent, the
	// install folder, receives the staging folder, the moved-aside copy and
	// the restore journal.
	DB  string
	Now func() time.Time
	// Engines check the databases as the snapshot is verified.
	Engines engine.Set
	// AsDatabase restores a snapshot that holds one database's own folder
	// (taken by an earlier release from --db pointing into db/) into
	// db/AsDatabase, so that e-Faktur finds it where it looks. Such a
	// snapshot is refused without it, and it is refused for any other.
	AsDatabase string
	// Progress is called while the snapshot is verified (compressed bytes
	// read so far).
	Progress func(compressedDone int64)
	// ExtractProgress is called while the snapshot is extracted into the
	// staging folder (compressed bytes read so far).
	ExtractProgress func(compressedDone int64)
	// NoExchange makes the swap take two renames even where the system
	// can exchange the folders in one step: the path Windows always takes.
	// Tests use it to exercise that path elsewhere.
	NoExchange bool
	// Committing, when set, is called once the restore has passed its
	// point of no return (the journal records the swap about to begin):
	// from there on it no longer stops for ctx, and finishes.
	Committing func()
	// Accept, when set, is asked about the verified manifest before
	// anything is written; its error ends the restore there.
	Accept func(m *Manifest) error
	Hook   func(point string)
	// Identities open an encrypted snapshot (package crypt). It is
	// decrypted as it is read, twice (verified, then extracted), and the
	// decrypted stream is never written: only the restored files are.
	Identities []crypt.Identity
}

// RestorePlan is what a restore will do, and what --dry-run prints.
type RestorePlan struct {
	Archive   string    `json:"archive"`
	Target    string    `json:"target"`
	Staging   string    `json:"staging"`
	MoveAside string    `json:"move_aside,omitempty"` // where the current db/ goes; "" if there is none
	Manifest  *Manifest `json:"-"`
	Files     int       `json:"files"`
	Bytes     int64     `json:"bytes"`
}

// Staging and move-aside names. Both sit beside db/, in the same folder, so
// that every move is a rename on one file system.
const (
	StagingTag = "efbackup-restore"
	AsideTag   = "before-restore"
)

// PlanRestore works out the names a restore at time now would use.
func PlanRestore(archive, db string, now time.Time) RestorePlan {
	p := RestorePlan{
		Archive: archive,
		Target:  db,
		Staging: fmt.Sprintf("%s.%s-%s%s", db, StagingTag, fsutil.Timestamp(now), fsutil.PartialSuffix),
	}
	if fi, err := os.Lstat(db); err == nil && fi.IsDir() {
		p.MoveAside = fmt.Sprintf("%s.%s-%s", db, AsideTag, fsutil.Timestamp(now))
	}
	return p
}

// RestoreResult says what a restore did.
type RestoreResult struct {
	Plan      RestorePlan
	MovedTo   string // where the previous db/ now is, "" if there was none
	Manifest  *Manifest
	Verify    *VerifyReport
	Extracted *FolderReport
	// Recovered is what the restore found and did about an earlier restore
	// of the same install that was interrupted (nil: nothing).
	Recovered *RestoreRecovery
}

// Restore verifies the snapshot, extracts it into a staging folder beside
// db/, verifies the extracted files against the manifest, moves the current
// db/ aside (never deleting it) and renames the staging folder into place.
// If anything fails before the swap, the staging folder is removed and db/
// is untouched.
//
// From the moment it reserves the staging folder until both folders carry
// their final names, a journal beside db/ (RestoreJournalName) records the
// names and, on Unix, the folders' identities. A restore killed anywhere in
// between is finished or rolled back by the next one (RecoverRestore), which
// Restore runs first. The caller keeps other restores of the same install
// out meanwhile (the command takes the install folder's lock).
func Restore(ctx context.Context, archive string, opt RestoreOptions) (*RestoreResult, error) {
	return RestoreSource(ctx, FileSource(archive), opt)
}

// RestoreSource is Restore for a snapshot of any store: it is read twice
// from the store, once to verify it and once to extract it, and never
// copied whole to the local disk.
func RestoreSource(ctx context.Context, src Source, opt RestoreOptions) (*RestoreResult, error) {
	archive := src.Name
	if opt.Now == nil {
		opt.Now = time.Now
	}
	hook := opt.Hook
	if hook == nil {
		hook = func(string) {}
	}
	res := &RestoreResult{}
	rec, err := RecoverRestore(opt.DB)
	res.Recovered = rec
	if err != nil {
		return res, err
	}
	rep, err := VerifySource(ctx, src, ReadOptions{Engines: opt.Engines, Progress: opt.Progress, Identities: opt.Identities, RequireKey: true})
	if err != nil {
		return res, err
	}
	// Damage inside the databases is the user's call (restore warns); any
	// other problem means the archive cannot be trusted.
	var fatal []Problem
	for _, p := range rep.Problems {
		if p.Kind != ProblemDatabaseDamaged {
			fatal = append(fatal, p)
		}
	}
	res.Verify, res.Manifest = rep, rep.Manifest
	if len(fatal) > 0 || rep.Manifest == nil {
		return res, &IntegrityError{Target: archive, Problems: rep.Problems}
	}
	m := rep.Manifest
	if err := CheckLayout(archive, m, opt.AsDatabase); err != nil {
		return res, err
	}
	if opt.Accept != nil {
		if err := opt.Accept(m); err != nil {
			return res, err
		}
	}
	now := opt.Now()
	plan := PlanRestore(archive, opt.DB, now)
	plan.Manifest, plan.Files, plan.Bytes = m, m.Totals.Files, m.Totals.Bytes
	res.Plan = plan
	hook("restore-verified")

	dir := filepath.Dir(opt.DB)
	host, _ := os.Hostname()
	j := &RestoreJournal{
		Schema: RestoreJournalSchema, State: RestoreStateStaging, Started: now.UTC(), Snapshot: archive,
		DB: filepath.Base(opt.DB), PID: os.Getpid(), Host: host,
	}
	// The staging folder's name is written to the journal before the
	// folder is created: a folder of that name is then provably ours, and
	// the next run may remove it. A name already taken (a folder left by
	// an older version, say) is never reused or removed.
	for i := 2; ; i++ {
		_, err := os.Lstat(plan.Staging)
		if errors.Is(err, fs.ErrNotExist) {
			j.Staging = filepath.Base(plan.Staging)
			if err := writeRestoreJournal(dir, j); err != nil {
				return res, err
			}
			err = os.Mkdir(plan.Staging, 0o700)
			if err == nil {
				break
			}
			if !errors.Is(err, fs.ErrExist) {
				_ = removeRestoreJournal(dir)
				return res, err
			}
		} else if err != nil {
			return res, err
		}
		if i > 100 {
			return res, fmt.Errorf("no free name for the staging folder beside %s", opt.DB)
		}
		plan.Staging = fmt.Sprintf("%s.%s-%s-%d%s", opt.DB, StagingTag, fsutil.Timestamp(now), i, fsutil.PartialSuffix)
	}
	res.Plan = plan
	hook("restore-staging-created")
	// Until the swap begins, a failure removes the staging folder (only
	// our own fresh folder, holding only what we extracted) and then the
	// journal; db/ was never touched.
	abandon := true
	defer func() {
		if abandon {
			if fsutil.RemoveAll(plan.Staging) == nil {
				_ = removeRestoreJournal(dir)
			}
		}
	}()
	into := plan.Staging
	if opt.AsDatabase != "" {
		into = filepath.Join(plan.Staging, opt.AsDatabase)
		if err := os.Mkdir(into, 0o700); err != nil {
			return res, err
		}
	}
	if err := extract(ctx, src, into, m, ReadOptions{Progress: opt.ExtractProgress, Identities: opt.Identities}); err != nil {
		return res, err
	}
	hook("restore-extracted")
	ext, err := VerifyFolder(ctx, into, m, FolderOptions{})
	if err != nil {
		return res, err
	}
	res.Extracted = ext
	if err := ext.Err(); err != nil {
		return res, err
	}
	// The owner keeps full access whatever the snapshot recorded, so that
	// a restored folder can always be moved aside again.
	if err := os.Chmod(into, fs.FileMode(m.DBMode)&0o777|0o700); err != nil {
		return res, err
	}
	if err := fsutil.SyncDir(plan.Staging); err != nil {
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}

	// The swap. First the journal learns every name and identity the swap
	// involves, so that a kill at any moment from here on leaves a state
	// the next run can recognise.
	j.State = RestoreStateSwapping
	j.StagingID = folderID(plan.Staging)
	j.Method = RestoreSwapRename
	plan.MoveAside = ""
	if fi, err := os.Lstat(opt.DB); err == nil && fi.IsDir() {
		aside, err := fsutil.AsideName(opt.DB, AsideTag, now)
		if err != nil {
			return res, err
		}
		plan.MoveAside = aside
		j.HadDB, j.DBID, j.Aside = true, folderID(opt.DB), filepath.Base(aside)
		if !opt.NoExchange && exchangeAvailable {
			// Exchange the two folders in one step, so that db/ is never
			// missing, not even after a power cut; the previous db/ then
			// takes its aside name. Where the file system cannot, two
			// renames, recorded first.
			j.Method = RestoreSwapExchange
		}
	}
	res.Plan = plan
	if err := writeRestoreJournal(dir, j); err != nil {
		return res, err
	}
	if opt.Committing != nil {
		opt.Committing()
	}
	hook("restore-before-swap")
	// From here on the journal decides what happens to every folder; a
	// failure that left them all as they were removes the staging folder
	// and the journal, as before the swap.
	abandon = false
	sw := j.swapper(dir, func(p string) {
		switch p {
		case "exchanged":
			hook("restore-exchanged")
		case "aside":
			hook("restore-moved-aside")
		}
	})
	if err := sw.Swap(j.Method == RestoreSwapExchange); err != nil {
		var se *swap.Error
		if !errors.As(err, &se) {
			return res, err
		}
		if se.Unchanged() {
			if fsutil.RemoveAll(plan.Staging) == nil {
				_ = removeRestoreJournal(dir)
			}
		}
		switch se.Op {
		case swap.OpAsideAfterExchange:
			return res, fmt.Errorf("the snapshot is restored into %s, but the previous db/ could not be renamed from %s to its aside name: %w (it is safe where it is; the next restore finishes the rename)", opt.DB, plan.Staging, se.Err)
		case swap.OpAside:
			return res, fmt.Errorf("moving %s aside: %w", opt.DB, se.Err)
		case swap.OpPlace:
			if se.Back != nil {
				res.MovedTo = filepath.Join(dir, j.Aside)
				// The journal stays: the next restore finishes this one.
				return res, fmt.Errorf("putting the restored folder in place failed (%v), and moving the original back from %s also failed: %w (the restored folder is %s; the next restore puts it in place)", se.Err, res.MovedTo, se.Back, plan.Staging)
			}
		}
		return res, se.Err
	}
	if j.HadDB {
		res.MovedTo = filepath.Join(dir, j.Aside)
	}
	return res, finishRestore(dir, hook)
}

// ExtractTo extracts a snapshot's db/ into dir, an empty folder, and
// checks every extracted file against m (the snapshot's verified
// manifest): the scratch copy the real engine then judges. Nothing but dir
// is written. An encrypted snapshot is decrypted with opt.Identities as it
// is read (Extract).
func ExtractTo(ctx context.Context, archive, dir string, m *Manifest, opt ReadOptions) error {
	if err := Extract(ctx, archive, dir, m, opt); err != nil {
		return err
	}
	rep, err := VerifyFolder(ctx, dir, m, FolderOptions{})
	if err != nil {
		return err
	}
	return rep.Err()
}

// DatabaseFolderError says a snapshot holds one database's own folder
// (service.properties, seg0/, log/ at its top) rather than e-Faktur's db/
// folder: restored as db/, e-Faktur would find no database in it.
type DatabaseFolderError struct {
	Archive string
	// Unexpected is set when --as-database was given for a snapshot of a
	// whole db/ folder.
	Unexpected bool
}

func (e *DatabaseFolderError) Error() string {
	if e.Unexpected {
		return fmt.Sprintf("%s holds a whole db/ folder, not one database's folder: it is restored as db/ itself", e.Archive)
	}
	return fmt.Sprintf("%s holds one database's own folder (seg0/, log/, service.properties), not e-Faktur's db/ folder: restored as db/, e-Faktur would find no data", e.Archive)
}

// CheckLayout refuses to restore a database's own folder as db/, and a
// whole db/ folder as one database.
func CheckLayout(archive string, m *Manifest, asDatabase string) error {
	paths := make([]string, 0, len(m.Files))
	for _, f := range m.Files {
		paths = append(paths, f.Path)
	}
	single := engine.LooksLikeDatabaseFolder(paths)
	switch {
	case asDatabase != "" && (strings.ContainsAny(asDatabase, `/\`) || CheckRelPath(asDatabase) != nil):
		return fmt.Errorf("%q cannot be the name of a database folder", asDatabase)
	case single && asDatabase == "":
		return &DatabaseFolderError{Archive: archive}
	case !single && asDatabase != "":
		return &DatabaseFolderError{Archive: archive, Unexpected: true}
	}
	return nil
}

// finishRestore makes the final names durable and removes the journal.
func finishRestore(dir string, hook func(string)) error {
	if err := fsutil.SyncDir(dir); err != nil {
		return err
	}
	hook("restore-swapped")
	if err := removeRestoreJournal(dir); err != nil {
		return err
	}
	hook("restore-done")
	return nil
}

// swapper is the journaled swap this journal records: every change of
// method or aside name is written to the journal before the move that
// needs it. hook receives the swap's points (nil: none).
func (j *RestoreJournal) swapper(dir string, hook func(string)) *swap.Swapper {
	f := &swap.Folders{
		Dir: dir, DB: j.DB, HadDB: j.HadDB, DBID: j.DBID, Staging: j.Staging, StagingID: j.StagingID,
		Aside: j.Aside, Method: j.Method, Started: j.State == RestoreStateSwapping,
	}
	return &swap.Swapper{
		F: f,
		Save: func() error {
			j.Method, j.Aside = f.Method, f.Aside
			return writeRestoreJournal(dir, j)
		},
		Hook: hook,
		ID:   folderID,
		NewAside: func() (string, error) {
			return fsutil.AsideName(filepath.Join(dir, j.DB), AsideTag, j.Started)
		},
	}
}

// The restore journal.

// RestoreJournalName is the file, in the install folder beside db/, in which
// a restore records what it is doing while it works. A restore that finishes
// removes it; one that was killed leaves it for the next to act on.
const RestoreJournalName = "efbackup-restore.journal"

// RestoreJournalSchema identifies the journal layout; another is refused.
const RestoreJournalSchema = "efbackup.restore-journal/1"

// Journal states.
const (
	// RestoreStateStaging: the staging folder is reserved, created or being
	// filled; db/ has not been touched.
	RestoreStateStaging = "staging"
	// RestoreStateSwapping: the staging folder is complete and verified;
	// the swap may have started.
	RestoreStateSwapping = "swapping"
)

// Swap methods.
const (
	RestoreSwapExchange = "exchange" // one exchange of the two folders, then a rename of the previous one
	RestoreSwapRename   = "rename"   // db/ renamed aside, then the staging folder renamed to db/
)

// exchangeAvailable says whether this system can exchange two folders in
// one step (a file system may still refuse; then two renames are used).
var exchangeAvailable = runtime.GOOS == "linux" || runtime.GOOS == "darwin"

// folderID is fsutil.ID; tests replace it to take the path of a system without
// file identities.
var folderID = fsutil.ID

// RestoreJournal is the record of a restore in progress. Names are base
// names inside the install folder; IDs are file-system identities (Unix).
type RestoreJournal struct {
	Schema    string    `json:"schema"`
	State     string    `json:"state"`
	Started   time.Time `json:"started"`
	Snapshot  string    `json:"snapshot"`
	DB        string    `json:"db"`
	HadDB     bool      `json:"had_db"`
	DBID      string    `json:"db_id,omitempty"`
	Staging   string    `json:"staging"`
	StagingID string    `json:"staging_id,omitempty"`
	Aside     string    `json:"aside,omitempty"`
	Method    string    `json:"method,omitempty"`
	PID       int       `json:"pid"`
	Host      string    `json:"host,omitempty"`
}

// What a recovery did.
const (
	// RecoveryRolledBack: killed before the swap; its staging folder was
	// removed and db/ had never been touched.
	RecoveryRolledBack = "rolled-back"
	// RecoveryFinished: killed during the swap; the renames were completed,
	// db/ holds the snapshot that restore was restoring.
	RecoveryFinished = "finished"
	// RecoveryCleanedUp: killed after the swap; only its journal was left.
	RecoveryCleanedUp = "cleaned-up"
)

// RestoreRecovery is what RecoverRestore found and did.
type RestoreRecovery struct {
	Journal  string    `json:"journal,omitempty"`
	Snapshot string    `json:"snapshot,omitempty"` // what the interrupted restore was restoring
	Started  time.Time `json:"started,omitzero"`
	DB       string    `json:"db"`
	Action   string    `json:"action,omitempty"`          // Recovery...; "" when there was no journal
	Staging  string    `json:"removed_staging,omitempty"` // the unfinished staging folder it removed
	MovedTo  string    `json:"previous_db,omitempty"`     // where the db/ the interrupted restore replaced now is
	// Leftovers are folders named like a restore's staging folder that no
	// journal accounts for (left by an older efbackup, say). They may hold
	// a previous db/, and are never touched.
	Leftovers []string `json:"leftovers,omitempty"`
	// Removed are the temporary files of journal writes a killed restore
	// left, which this one removed (they hold nothing the journal does not).
	Removed []fsutil.Leftover `json:"removed_leftovers,omitempty"`
}

// RestoreJournalError says the journal of an interrupted restore cannot be
// read, or the folders no longer match it. Nothing was changed.
type RestoreJournalError struct {
	Journal string
	Detail  string
	// Field is the JSON field holding a value this release does not know
	// ("state", "method"); "" otherwise.
	Field string
	// The folders the journal names (full paths; "" when not recorded).
	DB, Staging, Aside string
}

func (e *RestoreJournalError) Error() string {
	return fmt.Sprintf("%s records a restore that was interrupted, but %s; nothing was changed", e.Journal, e.Detail)
}

// Hint says what to do next.
func (e *RestoreJournalError) Hint() string {
	var where []string
	for _, p := range []string{e.DB, e.Aside, e.Staging} {
		if p != "" {
			where = append(where, p)
		}
	}
	return fmt.Sprintf("look in %s: one of them is the db/ you had before that restore. Put the one you want back as db/, then delete %s and run the restore again",
		strings.Join(where, ", "), e.Journal)
}

// Names a restore creates. A journal naming anything else is refused, so
// that a damaged or hostile journal cannot make recovery rename or remove
// anything else.
func stagingRe(db string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(db) + `\.` + StagingTag + `-[0-9]{8}T[0-9]{6}Z(-[0-9]+)?` + regexp.QuoteMeta(fsutil.PartialSuffix) + `$`)
}

func asideRe(db string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(db) + `\.` + AsideTag + `-[0-9]{8}T[0-9]{6}Z(-[0-9]+)?$`)
}

func (j *RestoreJournal) validate() error {
	if j.Schema != RestoreJournalSchema {
		return fmt.Errorf("its schema %q is not %q", j.Schema, RestoreJournalSchema)
	}
	baseOK := func(name string) bool {
		return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, `/\:`) && filepath.Base(name) == name
	}
	if !baseOK(j.DB) {
		return fmt.Errorf("it names %q as the db folder", j.DB)
	}
	if !baseOK(j.Staging) || !stagingRe(j.DB).MatchString(j.Staging) {
		return fmt.Errorf("%q is not a staging folder name efbackup uses", j.Staging)
	}
	if j.Aside != "" && (!baseOK(j.Aside) || !asideRe(j.DB).MatchString(j.Aside)) {
		return fmt.Errorf("%q is not an aside name efbackup uses", j.Aside)
	}
	switch j.State {
	case RestoreStateStaging:
		if j.Method != "" && j.Method != RestoreSwapExchange && j.Method != RestoreSwapRename {
			return &journalFieldError{"method", fmt.Sprintf("its swap method %q is unknown", j.Method)}
		}
	case RestoreStateSwapping:
		switch j.Method {
		case RestoreSwapExchange:
			if !j.HadDB || j.Aside == "" || j.DBID == "" || j.StagingID == "" {
				return errors.New("it records an exchange without the folders' names and identities")
			}
		case RestoreSwapRename:
			if j.HadDB != (j.Aside != "") {
				return errors.New("it records a previous db/ without an aside name")
			}
		default:
			return &journalFieldError{"method", fmt.Sprintf("its swap method %q is unknown", j.Method)}
		}
	default:
		return &journalFieldError{"state", fmt.Sprintf("its state %q is unknown", j.State)}
	}
	return nil
}

// journalFieldError is a journal field holding a value this release does
// not know.
type journalFieldError struct{ field, detail string }

func (e *journalFieldError) Error() string { return e.detail + " (field " + e.field + ")" }

// ReadRestoreJournal reads the restore journal in dir (the install folder),
// or returns nil, nil when there is none.
func ReadRestoreJournal(dir string) (*RestoreJournal, error) {
	p := filepath.Join(dir, RestoreJournalName)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var j RestoreJournal
	if len(b) > 1<<20 {
		return nil, &RestoreJournalError{Journal: p, Detail: "it is too large to be one efbackup wrote"}
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, &RestoreJournalError{Journal: p, Detail: "it cannot be read: " + err.Error()}
	}
	if err := j.validate(); err != nil {
		je := &RestoreJournalError{Journal: p, Detail: err.Error()}
		if fe, ok := err.(*journalFieldError); ok {
			je.Field = fe.field
		}
		return nil, je
	}
	return &j, nil
}

func writeRestoreJournal(dir string, j *RestoreJournal) error {
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	return fsutil.ReplaceFileAtomic(filepath.Join(dir, RestoreJournalName), append(b, '\n'), FilePerm)
}

// removeRestoreJournal removes the journal and any temporary file a killed
// journal write left (only names of that exact form).
func removeRestoreJournal(dir string) error {
	if err := fsutil.RemoveReplaceLeftovers(filepath.Join(dir, RestoreJournalName)); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(dir, RestoreJournalName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return fsutil.SyncDir(dir)
}

// PendingRestore returns the journal of an interrupted restore into db's
// install folder, or nil when there is none. It changes nothing (for
// restore --dry-run).
func PendingRestore(db string) (*RestoreJournal, error) {
	return ReadRestoreJournal(filepath.Dir(db))
}

// RecoverRestore acts on the journal an interrupted restore into db left in
// its install folder:
//   - killed before the swap (db/ untouched): the staging folder, which the
//     journal proves is the restore's own, is removed;
//   - killed during the swap: the renames are completed, so that db/ holds
//     the restored snapshot and the previous db/ its aside name
//     (db.before-restore-<time>), where the user will look for it;
//   - killed after it: only the journal is removed.
//
// Nothing that could hold a previous db/ is ever removed. When the folders
// match none of these states, it changes nothing and returns
// *RestoreJournalError, which names every folder. It returns nil, nil when
// there is nothing to report.
func RecoverRestore(db string) (*RestoreRecovery, error) {
	dir := filepath.Dir(db)
	removed, err := fsutil.SweepReplaceLeftovers(filepath.Join(dir, RestoreJournalName))
	if err != nil {
		return nil, err
	}
	j, err := ReadRestoreJournal(dir)
	if err != nil {
		return nil, err
	}
	var rec *RestoreRecovery
	if j != nil {
		rec, err = recoverJournal(dir, j)
		if rec != nil {
			rec.Removed = removed
		}
		if err != nil {
			return rec, err
		}
	}
	if rec == nil && len(removed) > 0 {
		rec = &RestoreRecovery{DB: db, Removed: removed}
	}
	if left := restoreLeftovers(db); len(left) > 0 {
		if rec == nil {
			rec = &RestoreRecovery{DB: db}
		}
		rec.Leftovers = left
	}
	return rec, nil
}

// restoreLeftovers lists folders beside db named like a staging folder.
func restoreLeftovers(db string) []string {
	entries, err := os.ReadDir(filepath.Dir(db))
	if err != nil {
		return nil
	}
	re := stagingRe(filepath.Base(db))
	var out []string
	for _, e := range entries {
		if e.IsDir() && re.MatchString(e.Name()) {
			out = append(out, filepath.Join(filepath.Dir(db), e.Name()))
		}
	}
	return out
}

func recoverJournal(dir string, j *RestoreJournal) (*RestoreRecovery, error) {
	join := func(name string) string {
		if name == "" {
			return ""
		}
		return filepath.Join(dir, name)
	}
	db, staging, aside := join(j.DB), join(j.Staging), join(j.Aside)
	rec := &RestoreRecovery{Journal: filepath.Join(dir, RestoreJournalName), Snapshot: j.Snapshot, Started: j.Started, DB: db}
	// A name that cannot be examined counts as present: that can only make
	// recovery refuse, never remove.
	exists := func(p string) bool {
		if p == "" {
			return false
		}
		_, err := os.Lstat(p)
		return !errors.Is(err, fs.ErrNotExist)
	}
	describe := func() string {
		var parts []string
		for _, p := range []string{db, staging, aside} {
			if p == "" {
				continue
			}
			st := "is missing"
			if exists(p) {
				st = "exists"
				if id := folderID(p); id != "" {
					switch id {
					case j.DBID:
						st = "holds the previous db/"
					case j.StagingID:
						st = "holds the restored folder"
					default:
						st = "holds a folder the journal does not know"
					}
				}
			}
			parts = append(parts, filepath.Base(p)+" "+st)
		}
		return "the folders do not match it (" + strings.Join(parts, ", ") + ")"
	}
	bad := func() error {
		return &RestoreJournalError{Journal: rec.Journal, Detail: describe(), DB: db, Staging: staging, Aside: aside}
	}
	rollBack := func() error {
		if exists(staging) {
			if err := swap.RemoveStaging(staging); err != nil {
				return fmt.Errorf("removing %s, the unfinished staging folder of an interrupted restore: %w", staging, err)
			}
			rec.Staging = staging
		}
		rec.Action = RecoveryRolledBack
		return nil
	}
	if j.State == RestoreStateStaging {
		// The swap had not begun: db/ was never touched, and the staging
		// folder, named in the journal before it was created, holds only
		// what the restore extracted.
		if err := rollBack(); err != nil {
			return rec, err
		}
		return rec, removeRestoreJournal(dir)
	}
	sw := j.swapper(dir, nil)
	l, err := sw.Inspect()
	var nf *swap.NotFolderError
	if errors.As(err, &nf) {
		return rec, bad()
	}
	if err != nil {
		return rec, err
	}
	switch l.Kind {
	case swap.BeforeSwap:
		err = rollBack() // nothing moved yet
	case swap.Exchanged, swap.HalfSwapped:
		// Exchanged: the previous db/ sits under the staging name.
		// Between two renames: db/ is missing, the previous one is at its
		// aside name, and the staging folder was verified in full before
		// the first rename. Finish either way.
		err = sw.Finish(l)
		rec.MovedTo, rec.Action = filepath.Join(dir, j.Aside), RecoveryFinished
	case swap.Swapped:
		if j.HadDB {
			rec.MovedTo = aside
		}
		rec.Action = RecoveryCleanedUp
	default:
		return rec, bad()
	}
	if err != nil {
		return rec, err
	}
	if err := fsutil.SyncDir(dir); err != nil {
		return rec, err
	}
	return rec, removeRestoreJournal(dir)
}

// Extract writes the db/ members of archive into dir, which must be a new,
// empty folder, for a restore or for the scratch copy the real engine
// proves (verify --deep). m is the manifest a VerifyArchive of archive
// returned. Only names that passed classify and are listed in m, with the
// size m gives, are written; nothing is ever written outside dir, and no
// link is ever created or followed. An encrypted snapshot is decrypted
// with opt.Identities as it is read; only the files are written.
// opt.Progress sees the bytes read of archive; opt.Engines are not used.
func Extract(ctx context.Context, archive, dir string, m *Manifest, opt ReadOptions) error {
	return extract(ctx, FileSource(archive), dir, m, opt)
}

// extract is Extract for a snapshot of any store.
func extract(ctx context.Context, source Source, dir string, m *Manifest, opt ReadOptions) error {
	archive := source.Name
	want := map[string]File{}
	for _, f := range m.Files {
		want[f.Path] = f
	}
	wantDir := map[string]Dir{}
	for _, d := range m.Dirs {
		wantDir[d.Path] = d
	}
	src, err := source.Open(ctx)
	if err != nil {
		return err
	}
	defer src.Close()
	rep := &VerifyReport{Archive: archive}
	var cur *os.File
	fail := func(p Problem) error {
		rep.Problems = append(rep.Problems, p)
		return &IntegrityError{Target: archive, Problems: rep.Problems}
	}
	p := &pass{rep: rep, entries: map[string]*entry{}, checks: map[string]FileCheck{}, opt: ReadOptions{Progress: opt.Progress}}
	encrypted, in := encryptedStream(archive, src)
	var plain *plainSource
	if encrypted {
		var side *Manifest
		if raw, err := source.Sidecar(ctx); err == nil {
			if s, err := ParseSidecar(raw); err == nil && s.Encryption != nil {
				side = s
			}
		}
		if plain, err = openEncrypted(in, archive, side, opt.Identities, opt.Progress); err != nil {
			var ke *crypt.KeyError
			if errors.As(err, &ke) {
				return &KeyError{Archive: archive, Err: ke}
			}
			var de *crypt.DamageError
			if errors.As(err, &de) {
				return fail(cryptProblem(de))
			}
			return err
		}
		in, p.src, p.opt.Progress = plain.r, plain.r, nil
	}
	p.sink = func(e *entry) (io.Writer, error) {
		f, ok := want[e.rel]
		if !ok {
			return nil, fail(NewProblem(ProblemExtra, e.rel, "detail.restore.extra"))
		}
		if f.Size != e.size {
			return nil, fail(NewProblem(ProblemSize, e.rel, "detail.restore.size", e.size, f.Size))
		}
		target, err := safeJoin(dir, e.rel)
		if err != nil {
			return nil, fail(NewProblem(ProblemHostile, e.rel, "detail.error", err))
		}
		if err := mkdirs(dir, e.rel); err != nil {
			return nil, err
		}
		out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, FilePerm)
		if err != nil {
			return nil, err
		}
		cur = out
		return &limitWriter{w: out, left: f.Size, name: e.rel}, nil
	}
	p.sinkDone = func(e *entry) error {
		out := cur
		cur = nil
		f := want[e.rel]
		if e.sha256 != f.SHA256 {
			out.Close()
			return fail(NewProblem(ProblemHash, e.rel, "detail.restore.hash"))
		}
		if err := out.Sync(); err != nil {
			out.Close()
			return err
		}
		if err := out.Close(); err != nil {
			return err
		}
		target, _ := safeJoin(dir, e.rel)
		if err := os.Chmod(target, fs.FileMode(f.Mode)&0o777); err != nil {
			return err
		}
		return os.Chtimes(target, f.MTime, f.MTime)
	}
	err = p.run(ctx, in)
	if cur != nil {
		cur.Close()
	}
	if err != nil {
		return err
	}
	if plain != nil && p.complete && len(rep.Problems) == 0 {
		// Every byte written came from a chunk that authenticated; the
		// file is only known whole once its last chunk has.
		if err := plain.finishPlain(); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			p.streamProblem(err, i18n.Say("detail.doing.encend"))
		}
	}
	if len(rep.Problems) > 0 {
		return &IntegrityError{Target: archive, Problems: rep.Problems}
	}
	// Every folder first, then their modes, the deepest first: a folder
	// made read-only (0500) before the folders inside it exist would
	// refuse them. Each keeps the snapshot's mode; only read and search
	// for the owner are added when it lacks them, so that the folder can
	// be verified now and copied or moved aside later. (Moving db/ aside
	// renames it inside the install folder, which needs write permission
	// on the install folder, not on the folders inside db/.)
	rels := make([]string, 0, len(wantDir))
	for rel := range wantDir {
		if err := mkdirs(dir, rel+"/x"); err != nil {
			return err
		}
		rels = append(rels, rel)
	}
	sort.Slice(rels, func(i, j int) bool {
		if a, b := strings.Count(rels[i], "/"), strings.Count(rels[j], "/"); a != b {
			return a > b
		}
		return rels[i] < rels[j]
	})
	for _, rel := range rels {
		target, _ := safeJoin(dir, rel)
		if err := os.Chmod(target, RestoredDirMode(wantDir[rel].Mode)); err != nil {
			return err
		}
	}
	return nil
}

// RestoredDirMode is the mode a restore gives a folder inside db/ whose
// recorded mode is mode: that mode, with read and search for the owner
// added when it lacks them (0500 stays 0500; 0300 becomes 0700).
func RestoredDirMode(mode Mode) fs.FileMode {
	return fs.FileMode(mode)&0o777 | 0o500
}

// safeJoin joins a checked relative path to dir and makes sure the result
// stays inside dir.
func safeJoin(dir, rel string) (string, error) {
	if err := CheckRelPath(rel); err != nil {
		return "", err
	}
	p := filepath.Join(dir, filepath.FromSlash(rel))
	r, err := filepath.Rel(dir, p)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) || filepath.IsAbs(r) {
		return "", i18n.NewError("detail.restore.outside", rel)
	}
	return p, nil
}

// mkdirs creates the parent folders of rel inside dir, one level at a time,
// refusing anything on the way that is not a plain folder we can enter.
func mkdirs(dir, rel string) error {
	parts := strings.Split(rel, "/")
	cur := dir
	for _, part := range parts[:len(parts)-1] {
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		switch {
		case err == nil && fi.IsDir():
			continue
		case err == nil:
			return fmt.Errorf("%s exists and is not a folder", cur)
		case os.IsNotExist(err):
			if err := os.Mkdir(cur, 0o700); err != nil {
				return err
			}
		default:
			return err
		}
	}
	return nil
}

// limitWriter refuses to write more than the manifest allows, so that an
// entry lying about its size can never fill the disk.
type limitWriter struct {
	w    io.Writer
	left int64
	name string
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		return 0, &IntegrityError{Problems: []Problem{NewProblem(ProblemSize, l.name, "detail.restore.toolong")}}
	}
	l.left -= int64(len(p))
	return l.w.Write(p)
}
