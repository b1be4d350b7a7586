package migrate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/crypt"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/install"
	"github.com/efbackup/efbackup/internal/folderlock"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/swap"
)

// Options say what to migrate where. The command layer fills them in; the
// package reads no flags and no environment.
type Options struct {
	From, To       string // the stated versions ("3.2", "4.0")
	Source, Target string // install folders
	// SnapshotDir receives the safety snapshots. The command resolves the
	// default (the snapshot command's: $EFBACKUP_OUT, else
	// efbackup-snapshots beside the source install).
	SnapshotDir  string
	DryRun       bool
	AllowDamaged bool
	ToolVersion  string

	// InUse reports whether the database folder db is in use: an error
	// when it is (the command passes its *inuse.InUseError through), and
	// warnings (a stale lock file, ...) otherwise.
	InUse func(ctx context.Context, db string) (warnings []i18n.Text, err error)
	// Engines are the database engines: they say which files a copy leaves
	// out (lock files, scratch space) and check the databases as they are
	// read. Nil leaves nothing out and checks nothing.
	Engines engine.Set
	// FreeSpace returns the bytes available in the file system holding an
	// existing folder. Nil means the system's figure.
	FreeSpace func(dir string) (int64, error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Hook is called at every step boundary with the point's name; the
	// command's test hook kills or pauses the process there. Some steps
	// run side by side, so it may be called from two goroutines at once;
	// so may Log and Progress.
	Hook func(point string)
	// Log receives each step as it starts and ends.
	Log func(Event)
	// Progress receives the bytes done in the long steps.
	Progress func(step string, done, total int64)
	// ThrottleCopy sleeps this long per MiB copied into the staging
	// folder (in 64 KiB steps), so that tests can kill the process inside
	// the copy. Zero in normal use.
	ThrottleCopy time.Duration
	// Lock tunes the lock on the target install folder (the one restore
	// takes too), held for the whole run except a dry run: no other
	// migrate, undo or restore works there meanwhile, so that what an
	// earlier, killed run left can be told from work in progress. Its
	// Command defaults to "migrate".
	Lock folderlock.Options
	// LockSnapshotDir, when set, takes the snapshot folder's lock (so that
	// a prune or another snapshot cannot work there at the same time) once
	// the folder exists, before the first safety snapshot; the returned
	// func releases it.
	LockSnapshotDir func(dir string) (release func(), err error)
	// Planned, when set, is called with the plan once the preflight has
	// passed, before anything is written: the command says there what it
	// found (warnings, an unfinished migration it is about to finish).
	Planned func(*Plan)
	// NextSteps returns the user's next steps, in the user's language, for
	// the report; ReportText renders the report's text version. Both may
	// be nil.
	NextSteps  func(*Report) []string
	ReportText func(*Report) []byte
	// Recipients, when set, encrypt the safety snapshots (package crypt):
	// NAME.tar.zst.age, as snapshot --encrypt-to writes them.
	Recipients []crypt.Recipient
	// Identities read encrypted safety snapshots back in full. Without
	// one that opens them, a safety snapshot is read back without its key:
	// every encrypted byte, against the SHA-256 it was written with.
	Identities []crypt.Identity
}

// Event is one line of the step log.
type Event struct {
	Step    string  `json:"step"`
	Phase   string  `json:"phase"` // start, end
	Status  string  `json:"status,omitempty"`
	Seconds float64 `json:"seconds,omitempty"`
	Detail  string  `json:"detail,omitempty"`
	// Text is Detail as a catalogue message, when the step has one (see
	// StepRecord.Text).
	Text i18n.Text `json:"-"`
}

// Warning is something the user should know that does not stop the
// migration. Code says which; the command renders it in the user's
// language from the other fields.
type Warning struct {
	Code   string `json:"code"`
	Side   string `json:"side,omitempty"`
	Path   string `json:"path,omitempty"`
	Stated string `json:"stated,omitempty"`
	Detail string `json:"detail,omitempty"`
	// Text is Detail as a message to word in the user's language, when
	// Detail is one (an in-use signal's).
	Text i18n.Text `json:"-"`
}

// In is the warning's detail in language l.
func (w Warning) In(l i18n.Lang) string {
	return w.Text.Or(w.Detail).In(l)
}

// detailEmpty is the Detail of a WarnChecksWarning about a source db/
// that holds no file: a code the command words itself, not a message.
const detailEmpty = "empty"

// Warning codes.
const (
	WarnVersionUndetected = "version-undetected" // the stated version is trusted
	WarnInUseSignal       = "in-use-signal"      // a sign of use that is not conclusive
	WarnDamagedAllowed    = "damaged-allowed"    // the source is damaged; --allow-damaged
	WarnChecksWarning     = "checks-warning"     // the database checks found something odd, not damage
)

// InstallInfo is an install folder as the plan and the report show it.
type InstallInfo struct {
	Root          string   `json:"install"`
	DB            string   `json:"db"`
	HasDB         bool     `json:"has_db"`
	Version       string   `json:"detected_version"`
	VersionSource string   `json:"version_marker,omitempty"`
	Launchers     []string `json:"launchers,omitempty"`
	Files         int      `json:"db_files"`
	Bytes         int64    `json:"db_bytes"`
}

// Plan is what a migration will do: the preflight's findings and every
// name it will create. --dry-run prints it.
type Plan struct {
	ID     string      `json:"id"`
	From   string      `json:"from"`
	To     string      `json:"to"`
	Source InstallInfo `json:"source"`
	Target InstallInfo `json:"target"`
	// Databases are the source's databases as their small files describe
	// them: name, state and versions.
	Databases      []engine.Database `json:"databases"`
	SnapshotDir    string            `json:"snapshot_dir"`
	SnapshotDirNew bool              `json:"snapshot_dir_created"`
	SourceSnapshot string            `json:"source_snapshot,omitempty"`
	TargetSnapshot string            `json:"target_snapshot,omitempty"`
	Staging        string            `json:"staging"`
	Aside          string            `json:"aside,omitempty"`
	Reports        []string          `json:"reports"`
	Space          []SpaceCheck      `json:"space"`
	Warnings       []Warning         `json:"warnings,omitempty"`
	// Checks is the database-check verdict on the source, when the
	// preflight read it (dry run only; a real run checks during the
	// safety snapshot, which reads the source once for both).
	Checks  *backup.ChecksSummary `json:"checks,omitempty"`
	Damaged []string              `json:"damaged,omitempty"`
	// Resume describes the unfinished migration this run continues.
	Resume *ResumeInfo `json:"resume,omitempty"`
	// Leftovers are what killed runs had left in the target (an
	// unfinished journal, temporary files of journal writes, unfinished
	// reports and safety snapshots) and this run removed, holding the
	// target's lock, before it planned.
	Leftovers []fsutil.Leftover `json:"leftovers,omitempty"`
	// TakenOverLock is the target's lock a killed run left, which this
	// run took over.
	TakenOverLock *folderlock.Info `json:"taken_over_lock,omitempty"`
}

// ResumeInfo says what an earlier, interrupted run of the same migration
// left, and what this run does about it.
type ResumeInfo struct {
	ID         string    `json:"id"`
	Started    time.Time `json:"started"`
	LastStep   string    `json:"last_step"`
	LastStatus string    `json:"last_status"`
	// Found describes the target's folders: before-swap, exchanged,
	// half-swapped, swapped.
	Found string `json:"found"`
}

// Result is what Run did.
type Result struct {
	Plan *Plan `json:"plan"`
	// AlreadyDone is set when the journal shows this very migration
	// finished before and the source has not changed since.
	AlreadyDone bool     `json:"already_done,omitempty"`
	Report      *Report  `json:"report,omitempty"`
	Journal     *Journal `json:"-"`
}

// Planned sizes: a safety snapshot is at most the data plus zstd's worst
// case and the tar headers; the margin leaves room for e-Faktur's updater,
// which rewrites the database in place, and for the system.
func snapshotBound(n int64) int64 { return n + n/64 + 1<<20 }

func margin(need int64) int64 { return 64<<20 + need/20 }

// run is one invocation of Run.
type run struct {
	opt      Options
	ctx      context.Context
	now      time.Time
	src, tgt *Install
	srcFiles []backup.SourceFile
	srcDirs  []backup.Dir
	tgtFiles []backup.SourceFile
	plan     *Plan
	j        *Journal
	jw       *journalWriter
	lay      *swap.Layout // what an earlier run left; nil for a fresh start
	hook     func(string)
	checks   *backup.ChecksSummary
	// left and over are what taking the target's lock found: leftovers
	// removed, a stale lock taken over.
	left    []fsutil.Leftover
	over    *folderlock.Info
	swapped bool
	report  *Report
	unlock  func()
	// stageTimer is the stage step's journal record: the copy starts it,
	// the read-back ends it.
	stageTimer *stepTimer
}

// Run migrates db/ from opt.Source into opt.Target, or with opt.DryRun
// only runs the preflight and returns the plan. See docs/migration.md.
//
// On a failure before the swap, the staging folder and the journal are
// removed and the target is as it was; after the swap, the migrated db/ is
// moved aside and the original is put back (it is never deleted). The
// safety snapshots are always kept. A kill at any moment leaves either the
// original target (with at most the staging folder and the journal) or
// the finished migration; the next Run or Undo reads the journal.
func Run(ctx context.Context, opt Options) (*Result, error) {
	r, err := newRun(ctx, opt)
	if err != nil {
		return nil, err
	}
	if !opt.DryRun {
		release, err := r.lockTarget()
		if err != nil {
			return nil, err
		}
		defer release()
	}
	start := time.Now()
	r.opt.Log(Event{Step: StepPreflight, Phase: "start"})
	done, err := r.preflight()
	if err != nil {
		return nil, err
	}
	r.opt.Log(Event{Step: StepPreflight, Phase: "end", Status: "ok", Seconds: time.Since(start).Seconds()})
	if done != nil {
		return done, nil
	}
	if opt.Planned != nil {
		opt.Planned(r.plan)
	}
	if opt.DryRun {
		return &Result{Plan: r.plan}, nil
	}
	return r.execute()
}

func newRun(ctx context.Context, opt Options) (*run, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.FreeSpace == nil {
		opt.FreeSpace = fsutil.FreeSpace
	}
	if opt.InUse == nil {
		opt.InUse = func(context.Context, string) ([]i18n.Text, error) { return nil, nil }
	}
	if opt.Log == nil {
		opt.Log = func(Event) {}
	}
	hook := opt.Hook
	if hook == nil {
		hook = func(string) {}
	}
	return &run{opt: opt, ctx: ctx, now: opt.Now().UTC().Truncate(time.Second), hook: hook}, nil
}

// lockTarget takes the target install's lock, when the target is a
// folder (otherwise the preflight refuses it, and nothing is written), and
// removes what killed runs left of the journal.
func (r *run) lockTarget() (release func(), err error) {
	l, over, left, err := lockInstall(r.opt.Target, r.opt.Lock)
	if err != nil || l == nil {
		return func() {}, err
	}
	r.over, r.left = over, left
	return func() { _ = l.Release() }, nil
}

// lockInstall takes the lock of the install folder target, if it is a
// folder (nil, nil otherwise), and then removes the leftovers of killed
// journal writes: the ".partial" of a first journal write (which would
// otherwise refuse every later run), and the temporary files of later
// ones. The lock's own leftovers are listed first.
func lockInstall(target string, opts folderlock.Options) (*folderlock.Lock, *folderlock.Info, []fsutil.Leftover, error) {
	root, err := filepath.Abs(target)
	if err != nil {
		return nil, nil, nil, err
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return nil, nil, nil, nil
	}
	if opts.Command == "" {
		opts.Command = "migrate"
	}
	l, over, err := folderlock.Acquire(root, opts)
	if err != nil {
		return nil, nil, nil, err
	}
	left := l.Leftovers()
	journal := filepath.Join(root, JournalName)
	for _, sweep := range []func(string) ([]fsutil.Leftover, error){fsutil.SweepPartial, fsutil.SweepReplaceLeftovers} {
		got, err := sweep(journal)
		left = append(left, got...)
		if err != nil {
			_ = l.Release()
			return nil, nil, left, err
		}
	}
	if len(left) > 0 {
		if err := fsutil.SyncDir(root); err != nil {
			_ = l.Release()
			return nil, nil, left, err
		}
	}
	return l, over, left, nil
}

// preflight checks everything it can without writing. It returns a
// non-nil Result only when the journal shows the migration already done.
func (r *run) preflight() (*Result, error) {
	opt := r.opt
	if opt.Source == "" || opt.Target == "" {
		return nil, errors.New("migrate: Source and Target are required")
	}
	from, to := NormalizeVersion(opt.From), NormalizeVersion(opt.To)
	if err := CheckTransition(from, to); err != nil {
		return nil, err
	}
	src, err := Detect(opt.Source)
	if err != nil {
		return nil, err
	}
	tgt, err := Detect(opt.Target)
	if err != nil {
		return nil, err
	}
	r.src, r.tgt = src, tgt
	if err := checkRelation(src.Root, tgt.Root); err != nil {
		return nil, err
	}
	var warnings []Warning
	for _, side := range []struct {
		name, stated string
		in           *Install
	}{{"source", from, src}, {"target", to, tgt}} {
		switch side.in.Version {
		case UnknownVersion:
			warnings = append(warnings, Warning{Code: WarnVersionUndetected, Side: side.name, Path: side.in.Root, Stated: side.stated})
		case side.stated:
		default:
			return nil, &VersionError{Kind: VersionContradicted, From: from, To: to, Side: side.name,
				Stated: side.stated, Detected: side.in.Version, Marker: side.in.VersionSource, Install: side.in.Root}
		}
	}
	if !src.HasDB {
		return nil, &FolderError{Kind: FolderNoSourceDB, A: src.Root}
	}
	if fi, err := os.Lstat(tgt.DB); err == nil && !fi.IsDir() {
		return nil, &FolderError{Kind: FolderTargetDBFile, A: tgt.DB}
	}
	snapDir, err := filepath.Abs(opt.SnapshotDir)
	if err != nil || opt.SnapshotDir == "" {
		return nil, fmt.Errorf("migrate: bad snapshot folder %q", opt.SnapshotDir)
	}
	snapDir = filepath.Clean(snapDir)
	if fi, err := os.Stat(snapDir); err == nil && !fi.IsDir() {
		return nil, &FolderError{Kind: FolderSnapshotNotDir, A: snapDir}
	}
	for _, db := range []string{src.DB, tgt.DB} {
		if fsutil.Within(snapDir, db) {
			return nil, &FolderError{Kind: FolderSnapshotInDB, A: snapDir, B: db}
		}
	}

	// The journal decides between a fresh start and finishing an
	// interrupted run.
	j, err := ReadJournal(tgt.Root)
	if err != nil {
		return nil, err
	}
	if j != nil {
		same := j.From == from && j.To == to && samePath(j.Source, src.Root)
		switch {
		case j.State == StateUndoing:
			return nil, &JournalError{Kind: JournalUndoing, Target: tgt.Root, Journal: j}
		case !same:
			return nil, (&JournalError{Kind: JournalOther, Target: tgt.Root, Journal: j}).withText(i18n.Say("migrate.detail.other", j.From, j.To, j.Source, j.State))
		}
	}

	// Nothing may be in use. The target's db/ is checked whatever it
	// holds now: the original, or an earlier run's copy.
	for _, db := range []string{src.DB, tgt.DB} {
		if _, err := os.Stat(db); err != nil {
			continue
		}
		ws, err := opt.InUse(r.ctx, db)
		if err != nil {
			return nil, err
		}
		for _, w := range ws {
			warnings = append(warnings, Warning{Code: WarnInUseSignal, Path: db, Detail: w.String(), Text: w})
		}
	}
	scan, err := backup.ScanDB(src.DB, r.opt.Engines)
	if err != nil {
		return nil, err
	}
	r.srcFiles, r.srcDirs = scan.Files, scan.Dirs
	srcDBs, err := checkTargetEngine(src, tgt, r.opt.Engines)
	if err != nil {
		return nil, err
	}

	if srcDBs == nil {
		srcDBs = []engine.Database{}
	}
	plan := &Plan{
		Databases: srcDBs,
		From:      from, To: to,
		Source:        info(src, r.srcFiles),
		Target:        info(tgt, nil),
		SnapshotDir:   snapDir,
		Warnings:      warnings,
		Leftovers:     r.left,
		TakenOverLock: r.over,
	}
	r.plan = plan
	if _, err := os.Stat(snapDir); errors.Is(err, fs.ErrNotExist) {
		plan.SnapshotDirNew = true
	}

	if j != nil && j.State == StateDone {
		// The same migration finished before. If the source is as it was
		// then, there is nothing to do; if it changed, copying it again
		// would replace the db/ the user may already work in: undo first.
		if !statMatches(r.srcFiles, j.Manifest) {
			return nil, (&JournalError{Kind: JournalDone, Target: tgt.Root, Journal: j}).withText(i18n.Say("migrate.detail.finished", j.Updated.Format(time.RFC3339)))
		}
		plan.ID, plan.Reports, plan.Staging = j.ID, j.reportPaths(), j.path(j.Staging)
		plan.Aside = j.path(j.Aside)
		for _, s := range j.Snapshots {
			if s.Kind == "source" {
				plan.SourceSnapshot = s.Path
			} else {
				plan.TargetSnapshot = s.Path
			}
		}
		return &Result{Plan: plan, AlreadyDone: true, Journal: j, Report: readReport(plan.Reports)}, nil
	}
	if j != nil {
		if !opt.DryRun {
			if err := r.sweepJournalPartials(j); err != nil {
				return nil, err
			}
		}
		return nil, r.planResume(j)
	}
	return nil, r.planFresh()
}

// planFresh chooses every name a new migration creates and checks the free
// space for all of it.
func (r *run) planFresh() error {
	p, tgt := r.plan, r.tgt
	if tgt.HasDB {
		scan, err := backup.ScanDB(tgt.DB, r.opt.Engines)
		if err != nil {
			return err
		}
		files := scan.Files
		r.tgtFiles = files
		p.Target = info(tgt, files)
	}
	if p.Source.Files == 0 {
		// An empty db/ is legal for the tool, but almost certainly the
		// wrong folder; the copy would still be exact.
		p.Warnings = append(p.Warnings, Warning{Code: WarnChecksWarning, Path: r.src.DB, Detail: detailEmpty})
	}
	id, err := r.freeID()
	if err != nil {
		return err
	}
	p.ID = id
	dbBase := filepath.Base(tgt.DB)
	staging, err := freeName(tgt.Root, dbBase+".efbackup-migrate-"+id, fsutil.PartialSuffix)
	if err != nil {
		return err
	}
	p.Staging = filepath.Join(tgt.Root, staging)
	if tgt.HasDB {
		aside, err := freeName(tgt.Root, dbBase+".before-migrate-"+id, "")
		if err != nil {
			return err
		}
		p.Aside = filepath.Join(tgt.Root, aside)
	}
	reports, err := reportNames(tgt.Root, id)
	if err != nil {
		return err
	}
	for _, n := range reports {
		p.Reports = append(p.Reports, filepath.Join(tgt.Root, n))
	}
	if p.SourceSnapshot, err = r.snapshotName("source"); err != nil {
		return err
	}
	if tgt.HasDB {
		if p.TargetSnapshot, err = r.snapshotName("target"); err != nil {
			return err
		}
	}
	var snapBytes int64 = snapshotBound(p.Source.Bytes)
	if tgt.HasDB {
		snapBytes += snapshotBound(p.Target.Bytes)
	}
	if err := r.checkSpace(snapBytes, p.Source.Bytes); err != nil {
		return err
	}
	if r.opt.DryRun {
		return r.dryRunChecks()
	}
	return nil
}

// freeID picks the migration's time stamp: now, or a later second when an
// earlier migration of this second left its names.
func (r *run) freeID() (string, error) {
	t := r.now
	for i := 0; i < 100; i++ {
		id := fsutil.Timestamp(t)
		taken := false
		for _, n := range []string{"efbackup-migrate-" + id + ".json", "efbackup-migrate-" + id + ".txt"} {
			if _, err := os.Lstat(filepath.Join(r.tgt.Root, n)); err == nil {
				taken = true
			}
		}
		if !taken {
			r.now = t
			return id, nil
		}
		t = t.Add(time.Second)
	}
	return "", errors.New("migrate: no free time stamp for the report")
}

func reportNames(dir, id string) ([]string, error) {
	for i := 1; i < 1000; i++ {
		base := "efbackup-migrate-" + id
		if i > 1 {
			base = fmt.Sprintf("%s-%d", base, i)
		}
		free := true
		for _, ext := range []string{".json", ".txt"} {
			for _, n := range []string{base + ext, base + ext + fsutil.PartialSuffix} {
				if _, err := os.Lstat(filepath.Join(dir, n)); !errors.Is(err, fs.ErrNotExist) {
					free = false
				}
			}
		}
		if free {
			return []string{base + ".json", base + ".txt"}, nil
		}
	}
	return nil, fmt.Errorf("no free name for the report in %s", dir)
}

// snapshotLabel is the label of a safety snapshot: the install folder's
// name and what it is, so that "efbackup list" tells them apart.
func snapshotLabel(root, kind string) string {
	base := backup.SafeLabel(filepath.Base(root))
	if len(base) > 40 {
		base = strings.TrimRight(base[:40], "-.")
	}
	return backup.SafeLabel(base + "-migrate-" + kind)
}

// snapshotName plans the path of a safety snapshot: the label, and the
// first second from now whose name is free.
func (r *run) snapshotName(kind string) (string, error) {
	root := r.src.Root
	if kind == "target" {
		root = r.tgt.Root
	}
	label := snapshotLabel(root, kind)
	t := r.opt.Now().UTC().Truncate(time.Second)
	for i := 0; i < 1000; i++ {
		p := filepath.Join(r.plan.SnapshotDir, backup.ArchiveName(label, t))
		if len(r.opt.Recipients) > 0 {
			p += backup.EncryptedSuffix
		}
		_, err1 := os.Lstat(p)
		_, err2 := os.Lstat(p + fsutil.PartialSuffix)
		if errors.Is(err1, fs.ErrNotExist) && errors.Is(err2, fs.ErrNotExist) {
			return p, nil
		}
		t = t.Add(time.Second)
	}
	return "", fmt.Errorf("no free snapshot name in %s", r.plan.SnapshotDir)
}

// checkSpace checks the file systems of the snapshot folder and the
// target: one figure when they are the same file system.
func (r *run) checkSpace(snapBytes, stageBytes int64) error {
	p := r.plan
	snapAnchor := existingAncestor(p.SnapshotDir)
	var all []SpaceCheck
	if sameDevice(snapAnchor, r.tgt.Root) {
		all = []SpaceCheck{{Dir: r.tgt.Root, Snapshots: snapBytes, Staged: stageBytes}}
	} else {
		all = []SpaceCheck{{Dir: snapAnchor, Snapshots: snapBytes}, {Dir: r.tgt.Root, Staged: stageBytes}}
	}
	var checks []SpaceCheck
	for _, c := range all {
		if c.Snapshots > 0 || c.Staged > 0 {
			checks = append(checks, c)
		}
	}
	var failed *SpaceCheck
	for i := range checks {
		c := &checks[i]
		c.Margin = margin(c.Snapshots + c.Staged)
		c.Need = c.Snapshots + c.Staged + c.Margin
		free, err := r.opt.FreeSpace(c.Dir)
		if err != nil {
			return err
		}
		c.Free = free
		c.OK = free >= c.Need
		if !c.OK && failed == nil {
			failed = c
		}
	}
	p.Space = checks
	if failed != nil {
		return &SpaceError{Check: *failed}
	}
	return nil
}

// dryRunChecks reads the source once, with the database checks, so that
// the plan can say whether the real run would stop at a damaged database.
func (r *run) dryRunChecks() error {
	rep, err := backup.HashFolder(r.ctx, r.src.DB, backup.FolderOptions{Engines: r.opt.Engines, Progress: r.progress(StepPreflight)})
	if err != nil {
		return err
	}
	m := &backup.Manifest{Files: rep.Files, Databases: rep.Databases}
	m.Finish()
	r.plan.Checks = m.Checks
	r.plan.Damaged = damagedFiles(m)
	return r.damageVerdict(m, "", true)
}

// damageVerdict stops on a damaged source unless AllowDamaged.
func (r *run) damageVerdict(m *backup.Manifest, snapshot string, dry bool) error {
	damaged := damagedFiles(m)
	if len(damaged) == 0 {
		if m.Checks != nil && m.Checks.Verdict == "warning" {
			r.plan.Warnings = append(r.plan.Warnings, Warning{Code: WarnChecksWarning, Path: r.src.DB, Detail: strings.Join(warnedFiles(m), ", ")})
		}
		return nil
	}
	if r.opt.AllowDamaged {
		r.plan.Warnings = append(r.plan.Warnings, Warning{Code: WarnDamagedAllowed, Path: r.src.DB, Detail: strings.Join(damaged, ", ")})
		return nil
	}
	return &DamagedError{DB: r.src.DB, Files: damaged, Snapshot: snapshot, DryRun: dry}
}

// damagedFiles names each place the database checks found damage: the
// file (db/-relative), or the database when no one file is to blame.
func damagedFiles(m *backup.Manifest) []string { return findingPlaces(m, engine.Damaged) }

func warnedFiles(m *backup.Manifest) []string { return findingPlaces(m, engine.Warning) }

func findingPlaces(m *backup.Manifest, v engine.Verdict) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range m.Databases {
		if d.Verdict != v && !(v == engine.Warning && d.Verdict == engine.Damaged) {
			continue
		}
		for _, f := range d.Findings {
			if f.Verdict != v {
				continue
			}
			place := d.Name
			if f.File != "" {
				place += "/" + f.File
			}
			if !seen[place] {
				seen[place] = true
				out = append(out, place)
			}
		}
		if d.Verdict == v && len(out) == 0 {
			out = append(out, d.Name)
		}
	}
	return out
}

func info(in *Install, files []backup.SourceFile) InstallInfo {
	ii := InstallInfo{Root: in.Root, DB: in.DB, HasDB: in.HasDB, Version: in.Version, VersionSource: in.VersionSource, Launchers: in.Launchers}
	for _, f := range files {
		ii.Files++
		ii.Bytes += f.Size()
	}
	return ii
}

func (r *run) progress(step string) func(done, total int64) {
	if r.opt.Progress == nil {
		return nil
	}
	return func(done, total int64) { r.opt.Progress(step, done, total) }
}

// checkRelation refuses the same folder twice and one install inside the
// other: the copy would read what it writes, and a move aside inside the
// source would change the source.
func checkRelation(src, tgt string) error {
	if samePath(src, tgt) {
		return &FolderError{Kind: FolderSame, A: src, B: tgt}
	}
	if fsutil.Within(tgt, src) {
		return &FolderError{Kind: FolderTargetInSource, A: src, B: tgt}
	}
	if fsutil.Within(src, tgt) {
		return &FolderError{Kind: FolderSourceInTarget, A: src, B: tgt}
	}
	return nil
}

// samePath says whether a and b name one folder (fsutil.SamePath).
func samePath(a, b string) bool { return fsutil.SamePath(a, b) }

// existingAncestor is dir, or its nearest parent that exists.
func existingAncestor(dir string) string {
	for {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return dir
		}
		dir = parent
	}
}

// statMatches says whether a scan shows the same files, sizes and times
// as a recorded manifest: the cheap test that a folder is unchanged.
func statMatches(files []backup.SourceFile, m *ManifestRecord) bool {
	if m == nil || len(files) != len(m.Files) {
		return false
	}
	want := map[string]backup.File{}
	for _, f := range m.Files {
		want[f.Path] = f
	}
	for _, f := range files {
		w, ok := want[f.Rel]
		if !ok || w.Size != f.Size() || !w.MTime.Equal(f.Info.ModTime()) {
			return false
		}
	}
	return true
}

// statesOf records a scan for the journal.
func statesOf(files []backup.SourceFile) []FileState {
	out := make([]FileState, 0, len(files))
	for _, f := range files {
		out = append(out, FileState{Path: f.Rel, Size: f.Size(), MTime: f.Info.ModTime().UTC()})
	}
	return out
}

// compareStates lists how a scan differs from recorded states, as
// catalogue messages; nil when they agree.
func compareStates(files []backup.SourceFile, states []FileState) []i18n.Text {
	want := map[string]FileState{}
	for _, s := range states {
		want[s.Path] = s
	}
	var diffs []i18n.Text
	seen := map[string]bool{}
	for _, f := range files {
		seen[f.Rel] = true
		s, ok := want[f.Rel]
		switch {
		case !ok:
			diffs = append(diffs, i18n.Say("migrate.detail.appeared", f.Rel))
		case s.Size != f.Size():
			diffs = append(diffs, i18n.Say("migrate.detail.resized", f.Rel, f.Size(), s.Size))
		case !s.MTime.Equal(f.Info.ModTime()):
			diffs = append(diffs, i18n.Say("migrate.detail.modified", f.Rel, f.Info.ModTime().UTC().Format(time.RFC3339Nano), s.MTime.Format(time.RFC3339Nano)))
		}
	}
	for _, s := range states {
		if !seen[s.Path] {
			diffs = append(diffs, i18n.Say("migrate.detail.disappeared", s.Path))
		}
	}
	return diffs
}

// zstdLevel is the compression of the safety snapshots: the snapshot
// command's default.
var zstdLevel = backup.DefaultLevel

func (j *Journal) reportPaths() []string {
	var out []string
	for _, n := range j.Reports {
		out = append(out, j.path(n))
	}
	return out
}

// EngineTooOldError says the Derby engine the target install bundles is
// older than a source database's on-disk level: it cannot open it (Derby
// refuses with XSLAN), and e-Faktur would not start on the moved data.
type EngineTooOldError struct {
	Database string // the database's folder name in db/
	OnDisk   string // the database's on-disk level: "10.14"
	Engine   string // the target's engine: "10.10.2.0"
	Jar      string // where the target's engine was found
}

func (e *EngineTooOldError) Error() string {
	return fmt.Sprintf("database %s is at Derby level %s, but the target install's Derby engine (%s, in %s) is %s: it cannot open it",
		e.Database, e.OnDisk, e.Engine, e.Jar, e.Engine)
}

// checkTargetEngine compares each source database's on-disk level with the
// Derby engine the target install ships, where both are known. An engine
// that is the same level or newer opens the database (a newer one upgrades
// it only when asked to).
// It returns the source's databases as their small files describe them.
func checkTargetEngine(src, tgt *Install, engines engine.Set) ([]engine.Database, error) {
	if len(engines) == 0 {
		return nil, nil
	}
	dbs, err := engines.Inspect(src.DB)
	if err != nil {
		return nil, nil // the checks that follow report what is wrong with db/
	}
	eng := tgt.BundledEngine()
	if eng == nil || eng.Version == "" {
		return dbs, nil
	}
	for _, d := range dbs {
		if d.DerbyVersion == "" {
			continue
		}
		if olderLevel(eng.Version, d.DerbyVersion) {
			return dbs, &EngineTooOldError{Database: d.Name, OnDisk: d.DerbyVersion, Engine: eng.Version, Jar: eng.Jars[0]}
		}
	}
	return dbs, nil
}

// olderLevel reports whether release (10.10.2.0) is below level (10.14),
// comparing major and minor only.
func olderLevel(release, level string) bool {
	rM, rm, ok1 := parseVersion(install.MajorMinor(release))
	lM, lm, ok2 := parseVersion(install.MajorMinor(level))
	if !ok1 || !ok2 {
		return false
	}
	return rM < lM || rM == lM && rm < lm
}
