package migrate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/swap"
)

// planResume takes over the journal of an interrupted run of the same
// migration and decides what this run does.
func (r *run) planResume(j *Journal) error {
	lay, err := inspect(j)
	if err != nil {
		return err
	}
	r.j, r.lay = j, lay
	p := r.plan
	p.ID = j.ID
	p.Staging = j.path(j.Staging)
	if j.TargetHadDB {
		p.Aside = j.path(j.Aside)
	}
	p.Reports = j.reportPaths()
	p.Target.HasDB = j.TargetHadDB
	p.Resume = &ResumeInfo{ID: j.ID, Found: string(lay.Kind)}
	if len(j.Steps) > 0 {
		p.Resume.Started = j.Steps[0].Started
	}
	if last := j.LastStep(); last != nil {
		p.Resume.LastStep, p.Resume.LastStatus = last.Name, last.Status
	}
	switch lay.Kind {
	case swap.BeforeSwap:
		if j.TargetHadDB {
			scan, err := backup.ScanDB(r.tgt.DB, r.opt.Engines)
			if err != nil {
				return err
			}
			files := scan.Files
			r.tgtFiles = files
			p.Target = info(r.tgt, files)
		}
		var snapBytes int64
		if rec := r.reusable("source"); rec != nil {
			p.SourceSnapshot = rec.Path
		} else {
			if p.SourceSnapshot, err = r.snapshotName("source"); err != nil {
				return err
			}
			snapBytes += snapshotBound(p.Source.Bytes)
		}
		if j.TargetHadDB {
			if rec := r.reusable("target"); rec != nil {
				p.TargetSnapshot = rec.Path
			} else {
				if p.TargetSnapshot, err = r.snapshotName("target"); err != nil {
					return err
				}
				snapBytes += snapshotBound(p.Target.Bytes)
			}
		}
		if err := r.checkSpace(snapBytes, p.Source.Bytes); err != nil {
			return err
		}
		if r.opt.DryRun {
			return r.dryRunChecks()
		}
		return nil
	case swap.Exchanged, swap.HalfSwapped, swap.Swapped:
		// The copy is (or is about to be) in place. Finishing is right
		// only if the source still holds what was copied.
		if !statMatches(r.srcFiles, j.Manifest) {
			return (&JournalError{Kind: JournalSourceChanged, Target: j.Target, Journal: j}).withText(joinTexts(compareStates(r.srcFiles, statesOfManifest(j.Manifest))))
		}
		return nil
	case swap.ForeignDB:
		return (&JournalError{Kind: JournalForeignDB, Target: j.Target, Journal: j}).withText(layoutText(lay))
	}
	return inconsistent(j, lay)
}

func statesOfManifest(m *ManifestRecord) []FileState {
	if m == nil {
		return nil
	}
	out := make([]FileState, 0, len(m.Files))
	for _, f := range m.Files {
		out = append(out, FileState{Path: f.Path, Size: f.Size, MTime: f.MTime})
	}
	return out
}

// reusable returns a verified safety snapshot of an earlier attempt that
// still describes the folder as it is now, or nil.
func (r *run) reusable(kind string) *SnapshotRecord {
	j := r.j
	var rec *SnapshotRecord
	for i := range j.Snapshots {
		if j.Snapshots[i].Kind == kind && j.Snapshots[i].State == "verified" {
			rec = &j.Snapshots[i]
		}
	}
	if rec == nil {
		return nil
	}
	if _, err := os.Stat(rec.Path); err != nil {
		return nil
	}
	if backup.IsEncrypted(rec.Path) != (len(r.opt.Recipients) > 0) {
		// Encrypted when this run asks for a plain one, or the other
		// way round: a new one is made as asked.
		return nil
	}
	switch kind {
	case "source":
		if j.Manifest == nil || j.Manifest.ContentID != rec.ContentID || !statMatches(r.srcFiles, j.Manifest) {
			return nil
		}
		if rec.Damaged && !r.opt.AllowDamaged {
			return nil
		}
	case "target":
		if j.TargetManifest == nil || j.TargetManifest.ContentID != rec.ContentID || !statMatches(r.tgtFiles, j.TargetManifest) {
			return nil
		}
	}
	return rec
}

// execute carries out the plan. It never cleans up in a deferred function:
// a kill runs no cleanup either, and the recovery paths are the ones a
// kill exercises.
func (r *run) execute() (*Result, error) {
	start := time.Now()
	if err := r.openJournal(start); err != nil {
		return nil, err
	}
	step, err := r.steps()
	if err != nil {
		return nil, r.fail(step, err)
	}
	return &Result{Plan: r.plan, Report: r.report, Journal: r.j}, nil
}

// openJournal writes the journal of a fresh migration, with every name it
// will create, before creating any of them; or takes over the journal of
// an interrupted one.
func (r *run) openJournal(start time.Time) error {
	p := r.plan
	if r.j == nil {
		j := &Journal{
			Schema: JournalSchema, ID: p.ID, ToolVersion: r.opt.ToolVersion, State: StateRunning, Attempts: 1,
			From: p.From, To: p.To, Source: r.src.Root, Target: r.tgt.Root,
			SourceDB: filepath.Base(r.src.DB), TargetDB: filepath.Base(r.tgt.DB), TargetHadDB: r.tgt.HasDB,
			SnapshotDir: p.SnapshotDir, Staging: filepath.Base(p.Staging),
			SourceState: statesOf(r.srcFiles),
		}
		if r.tgt.HasDB {
			j.TargetDBID = fsutil.ID(r.tgt.DB)
			j.Aside = filepath.Base(p.Aside)
		}
		for _, rp := range p.Reports {
			j.Reports = append(j.Reports, filepath.Base(rp))
		}
		r.j = j
	} else {
		r.j.Attempts++
		r.j.Error = ""
		r.j.SourceState = statesOf(r.srcFiles)
	}
	for kind, path := range map[string]string{"source": p.SourceSnapshot, "target": p.TargetSnapshot} {
		if path != "" && !r.j.hasSnapshot(path) {
			r.j.Snapshots = append(r.j.Snapshots, SnapshotRecord{Kind: kind, Path: path, State: "planned"})
		}
	}
	r.jw = &journalWriter{j: r.j, now: r.opt.Now, log: r.opt.Log}
	r.hook("migrate-after-preflight")
	// The preflight step is recorded as it ended: it wrote nothing.
	r.j.Steps = append(r.j.Steps, r.preflightDetail(StepRecord{Name: StepPreflight, Attempt: r.j.Attempts, Started: r.now, Ended: r.opt.Now().UTC(),
		Seconds: time.Since(start).Seconds(), Status: "ok"}))
	if r.lay == nil {
		// First write: exclusive, so that two runs racing into the same
		// target cannot both start.
		b, err := r.jw.encode()
		if err != nil {
			return err
		}
		if err := fsutil.WriteFileAtomic(filepath.Join(r.tgt.Root, JournalName), b, backup.FilePerm); err != nil {
			return err
		}
	} else if err := r.jw.save(); err != nil {
		return err
	}
	r.hook("migrate-journal-written")
	return nil
}

func (j *Journal) hasSnapshot(path string) bool {
	for _, s := range j.Snapshots {
		if s.Path == path {
			return true
		}
	}
	return false
}

// preflightDetail gives the preflight step its detail: what is migrated,
// and whether an interrupted run is resumed.
func (r *run) preflightDetail(s StepRecord) StepRecord {
	p := r.plan
	if p.Resume != nil {
		return s.withText(i18n.Say("migrate.detail.preflight.resume", p.Source.DB, p.From, p.To, p.Source.Files, p.Source.Bytes, p.Resume.Found))
	}
	return s.withText(i18n.Say("migrate.detail.preflight", p.Source.DB, p.From, p.To, p.Source.Files, p.Source.Bytes))
}

// steps runs what is left to do. It returns the step that failed.
func (r *run) steps() (string, error) {
	kind := swap.BeforeSwap
	if r.lay != nil {
		kind = r.lay.Kind
	}
	if kind == swap.BeforeSwap {
		if r.lay != nil {
			// An earlier attempt's staging folder was never put in place
			// (the journal shows no swap, or the layout shows the
			// original in db/): it is only a copy, and is redone.
			if err := r.cleanPartials(); err != nil {
				return StepStage, err
			}
		}
		if err := r.lockSnapshots(); err != nil {
			return StepSnapshotSource, err
		}
		// The safety snapshot of the source and the staged copy read the
		// source side by side; their two reads must agree byte for byte.
		// The read-backs of the snapshots and of the staged copy then
		// overlap too. The swap waits for all of it.
		var verifySource func(context.Context) error
		var copied []backup.File
		snapTimer, err := r.beginSnapshot("source")
		if err != nil {
			return StepSnapshotSource, err
		}
		if r.stageTimer, err = r.jw.begin(StepStage); err != nil {
			return StepStage, err
		}
		step, err := r.parallel(
			task{StepSnapshotSource, func(ctx context.Context) (err error) {
				verifySource, err = r.snapshot(ctx, "source", snapTimer)
				return err
			}},
			task{StepStage, func(ctx context.Context) (err error) {
				copied, err = r.stageCopy(ctx)
				return err
			}},
		)
		if err != nil {
			return step, err
		}
		if err := compareReads(r.src.DB, copied, r.j.Manifest.Manifest()); err != nil {
			return StepStage, err
		}
		tasks := []task{{StepStage, r.verifyStaged}}
		if verifySource != nil {
			tasks = append(tasks, task{StepSnapshotSource, verifySource})
		}
		if r.j.TargetHadDB {
			st, err := r.beginSnapshot("target")
			if err != nil {
				return StepSnapshotTarget, err
			}
			tasks = append(tasks, task{StepSnapshotTarget, func(ctx context.Context) error {
				verify, err := r.snapshot(ctx, "target", st)
				if err != nil || verify == nil {
					return err
				}
				return verify(ctx)
			}})
		}
		if step, err := r.parallel(tasks...); err != nil {
			return step, err
		}
		r.unlockSnapshots()
	}
	if kind != swap.Swapped {
		if err := r.swap(kind); err != nil {
			return StepSwap, err
		}
	}
	r.swapped = true
	if err := r.postCheck(); err != nil {
		return StepPostCheck, err
	}
	if err := r.writeReportStep(); err != nil {
		return StepReport, err
	}
	return "", nil
}

// lockSnapshots creates the snapshot folder and takes its lock, when a
// snapshot is to be written there.
func (r *run) lockSnapshots() error {
	need := false
	for _, s := range r.j.Snapshots {
		if (s.Path == r.plan.SourceSnapshot || s.Path == r.plan.TargetSnapshot) && s.State != "verified" {
			need = true
		}
	}
	if !need || r.opt.LockSnapshotDir == nil {
		return nil
	}
	if err := os.MkdirAll(r.j.SnapshotDir, 0o700); err != nil {
		return err
	}
	release, err := r.opt.LockSnapshotDir(r.j.SnapshotDir)
	if err != nil {
		return err
	}
	r.unlock = release
	return nil
}

func (r *run) unlockSnapshots() {
	if r.unlock != nil {
		r.unlock()
		r.unlock = nil
	}
}

// cleanPartials removes the staging folder a killed attempt left before
// its swap: named in the journal, it holds only a copy.
func (r *run) cleanPartials() error {
	j := r.j
	// In a running journal, a copy under the staging name with the
	// original in db/ was never in place: an exchange that happened is
	// only ever undone by --undo, which marks the journal "undoing".
	if r.lay != nil && r.lay.Staging == swap.Copy {
		if err := swap.RemoveStaging(j.path(j.Staging)); err != nil {
			return err
		}
	}
	j.StagingID = ""
	return nil
}

// sweepJournalPartials removes, under the target's lock, the unfinished
// files a killed attempt of the journal's migration left (safety
// snapshots and their sidecars, reports), and adds them to the plan's
// leftovers: every one is named in the journal, and no other process can
// be writing it.
func (r *run) sweepJournalPartials(j *Journal) error {
	var paths []string
	for _, s := range j.Snapshots {
		paths = append(paths, s.Path, s.Path+backup.SidecarSuffix)
	}
	paths = append(paths, j.reportPaths()...)
	for _, p := range paths {
		got, err := fsutil.SweepPartial(p)
		r.plan.Leftovers = append(r.plan.Leftovers, got...)
		if err != nil {
			return err
		}
	}
	return nil
}

func removeIfExists(p string) error {
	err := os.Remove(p)
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// snapshot makes the safety snapshot of the source or of the target's
// db/, and returns the function that reads it back in full (nil when an
// earlier attempt's verified snapshot is reused). The source's snapshot
// also runs the database checks: the source is read once for both; a
// damaged source stops here, and the staged copy running beside it is
// cancelled and removed.
func (r *run) snapshot(ctx context.Context, kind string, st *stepTimer) (verify func(context.Context) error, err error) {
	j, p := r.j, r.plan
	path, db, install, version, step := p.SourceSnapshot, r.src.DB, r.src.Root, r.src.Version, StepSnapshotSource
	if kind == "target" {
		path, db, install, version, step = p.TargetSnapshot, r.tgt.DB, r.tgt.Root, r.tgt.Version, StepSnapshotTarget
	}
	if version == UnknownVersion {
		version = j.From
		if kind == "target" {
			version = j.To
		}
	}
	rec := j.snapshotRecord(kind, path)
	if rec.State == "verified" {
		// Reused from an earlier attempt: the folder is unchanged since.
		if kind == "source" {
			r.checks = j.SourceChecks
		}
		return nil, st.end("skipped", i18n.Say("migrate.detail.reusing", path))
	}
	r.hook("migrate-before-snapshot-" + kind)
	label, t, _ := backup.ParseArchiveName(filepath.Base(path))
	// Only the source's snapshot shows progress: the target's (usually
	// small) runs beside the read-back of the staged copy, which does.
	var progress func(done, total int64)
	if kind == "source" {
		progress = r.progress(step)
	}
	res, err := backup.Snapshot(ctx, backup.SnapshotOptions{
		DB: db, Install: install, OutDir: j.SnapshotDir, Label: label, Level: zstdLevel,
		ToolVersion: r.opt.ToolVersion, EFakturVersion: version,
		Now:      func() time.Time { return t },
		Engines:  r.opt.Engines,
		Progress: progress,
		BeforeCommit: func() error {
			_, err := r.opt.InUse(ctx, db)
			return err
		},
		Hook:       r.hook,
		Recipients: r.opt.Recipients,
	})
	if err != nil {
		if res == nil || res.Path != path {
			return nil, err
		}
		// Only the sidecar failed: the archive is complete, and is
		// verified from its own manifest.
	}
	if res.Path != path {
		return nil, fmt.Errorf("the snapshot was written to %s, not the planned %s", res.Path, path)
	}
	m := res.Manifest
	err = r.jw.update(func() {
		rec.State, rec.ContentID = "written", m.ContentID
		if kind == "source" {
			j.Manifest = manifestRecord(m)
			j.SourceChecks = m.Checks
			rec.Damaged = len(damagedFiles(m)) > 0
		} else {
			j.TargetManifest = manifestRecord(m)
		}
	})
	if err != nil {
		return nil, err
	}
	r.hook("migrate-snapshot-" + kind + "-written")
	if kind == "source" {
		r.checks = m.Checks
		if diffs := compareManifest(m, j.SourceState); len(diffs) > 0 {
			return nil, backup.NewChangedError(db, "migrate.detail.changed.snapshot", joinTexts(diffs))
		}
		if err := r.damageVerdict(m, path, false); err != nil {
			return nil, err
		}
	}
	sealed := res.Encryption
	return func(ctx context.Context) error {
		vr, err := backup.VerifyArchive(ctx, path, backup.ReadOptions{Identities: r.opt.Identities})
		if err != nil {
			return err
		}
		if err := vr.Err(); err != nil {
			return err
		}
		how := i18n.Say("migrate.detail.readfull")
		if e := vr.Encryption; e != nil && e.Keyless {
			// Without the key: every encrypted byte, against what was
			// written.
			how = i18n.Say("migrate.detail.readkeyless")
			if sealed == nil || e.SHA256 != sealed.SHA256 || e.Size != sealed.Size {
				return &backup.IntegrityError{Target: path, Problems: []backup.Problem{backup.NewProblem(backup.ProblemHash, "", "migrate.detail.readback.encrypted")}}
			}
		} else if vr.Manifest == nil || vr.Manifest.ContentID != m.ContentID {
			return &backup.IntegrityError{Target: path, Problems: []backup.Problem{backup.NewProblem(backup.ProblemManifest, "", "migrate.detail.readback")}}
		}
		if err := r.jw.update(func() { rec.State = "verified" }); err != nil {
			return err
		}
		if err := st.end("ok", i18n.Say("migrate.detail.snapshot", path, m.Totals.Files, m.Totals.Bytes, short(m.ContentID), how)); err != nil {
			return err
		}
		r.hook("migrate-snapshot-" + kind + "-verified")
		return nil
	}, nil
}

// beginSnapshot records in the journal that a snapshot step starts.
func (r *run) beginSnapshot(kind string) (*stepTimer, error) {
	if kind == "target" {
		return r.jw.begin(StepSnapshotTarget)
	}
	return r.jw.begin(StepSnapshotSource)
}

// task is one of the steps parallel runs side by side.
type task struct {
	step string
	fn   func(context.Context) error
}

// parallel runs tasks side by side and returns the first failure, with
// its step; a failure cancels the others. A panic in a task (the
// in-process tests' stand-in for a kill) is re-raised here, once all have
// stopped.
func (r *run) parallel(tasks ...task) (string, error) {
	ctx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	errs := make([]error, len(tasks))
	panics := make([]any, len(tasks))
	var wg sync.WaitGroup
	for i, t := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					panics[i] = p
					cancel()
				}
			}()
			if err := t.fn(ctx); err != nil {
				errs[i] = err
				cancel()
			}
		}()
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
	// A task stopped by another's failure reports context.Canceled: the
	// other's error is the one that matters.
	for i, err := range errs {
		if err != nil && (!errors.Is(err, context.Canceled) || r.ctx.Err() != nil) {
			return tasks[i].step, err
		}
	}
	return "", nil
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func (j *Journal) snapshotRecord(kind, path string) *SnapshotRecord {
	for i := range j.Snapshots {
		if j.Snapshots[i].Path == path {
			return &j.Snapshots[i]
		}
	}
	j.Snapshots = append(j.Snapshots, SnapshotRecord{Kind: kind, Path: path, State: "planned"})
	return &j.Snapshots[len(j.Snapshots)-1]
}

// compareManifest lists how a snapshot's files differ from the preflight's
// scan.
func compareManifest(m *backup.Manifest, states []FileState) []i18n.Text {
	cur := statesOfManifest(manifestRecord(m))
	want := map[string]FileState{}
	for _, s := range states {
		want[s.Path] = s
	}
	var diffs []i18n.Text
	for _, c := range cur {
		s, ok := want[c.Path]
		switch {
		case !ok:
			diffs = append(diffs, i18n.Say("migrate.detail.appeared", c.Path))
		case s.Size != c.Size || !s.MTime.Equal(c.MTime):
			diffs = append(diffs, i18n.Say("migrate.detail.wasmodified", c.Path))
		}
		delete(want, c.Path)
	}
	for p := range want {
		diffs = append(diffs, i18n.Say("migrate.detail.disappeared", p))
	}
	return diffs
}

// stageCopy creates the staging folder and copies the source into it.
func (r *run) stageCopy(ctx context.Context) ([]backup.File, error) {
	j := r.j
	staging := j.path(j.Staging)
	r.hook("migrate-before-staging")
	if err := os.Mkdir(staging, 0o700); err != nil {
		return nil, err
	}
	r.hook("migrate-staging-created")
	if err := r.jw.update(func() { j.StagingID = fsutil.ID(staging) }); err != nil {
		return nil, err
	}
	// No progress of its own: it runs beside the source's snapshot,
	// whose progress is shown.
	files, err := stageCopy(ctx, r.src.DB, staging, copyOptions{engines: r.opt.Engines, throttle: r.opt.ThrottleCopy, hook: r.hook})
	if err != nil {
		return nil, err
	}
	if err := fsutil.SyncDir(j.Target); err != nil {
		return nil, err
	}
	r.hook("migrate-staged-copied")
	return files, nil
}

// verifyStaged reads the staged copy back from disk and compares it with
// the manifest.
func (r *run) verifyStaged(ctx context.Context) error {
	j := r.j
	staging := j.path(j.Staging)
	m := j.Manifest.Manifest()
	rep, err := backup.VerifyFolder(ctx, staging, m, backup.FolderOptions{Engines: r.opt.Engines, Progress: r.progress(StepStage)})
	if err != nil {
		return err
	}
	if err := rep.Err(); err != nil {
		return err
	}
	if err := r.stageTimer.end("ok", i18n.Say("migrate.detail.staged", staging, len(m.Files), m.Totals.Bytes)); err != nil {
		return err
	}
	r.hook("migrate-staged-verified")
	return nil
}

// swap puts the verified copy in place as db/ (swap.Swapper.Swap). With
// an exchange, db/ holds the original until one system call makes it hold
// the copy; the original then moves from the staging name to the aside
// name. A run that finds the swap interrupted finishes it.
func (r *run) swap(kind swap.Kind) error {
	j := r.j
	d, a := j.path(j.TargetDB), j.path(j.Aside)
	st, err := r.jw.begin(StepSwap)
	if err != nil {
		return err
	}
	sw := j.swapper(r.jw.save, func(p string) {
		switch p {
		case "exchanged", "placed":
			r.hook("migrate-swapped")
		case "aside", "aside-after-exchange":
			r.hook("migrate-aside")
		}
	})
	switch kind {
	case swap.Exchanged:
		// Killed after the exchange: the original waits under the
		// staging name.
		if err := sw.Finish(r.lay); err != nil {
			return err
		}
		return st.end("ok", i18n.Say("migrate.detail.swap.exchanged", a))
	case swap.HalfSwapped:
		rep, err := backup.VerifyFolder(r.ctx, j.path(j.Staging), j.Manifest.Manifest(), backup.FolderOptions{Engines: r.opt.Engines})
		if err != nil {
			return err
		}
		if err := rep.Err(); err != nil {
			return err
		}
		if err := sw.Finish(r.lay); err != nil {
			return err
		}
		return st.end("ok", i18n.Say("migrate.detail.swap.halfswapped", d))
	}
	// The target's db/ must still be the one preflight saw, and unused.
	if j.TargetHadDB {
		if j.TargetDBID != "" && fsutil.ID(d) != j.TargetDBID {
			return backup.NewChangedError(d, "migrate.detail.changed.replaced")
		}
		if _, err := r.opt.InUse(r.ctx, d); err != nil {
			return err
		}
	} else if _, err := os.Lstat(d); err == nil {
		return backup.NewChangedError(d, "migrate.detail.changed.appeared")
	}
	r.hook("migrate-before-swap")
	// The last moment an interruption leaves the target as it was.
	if err := r.ctx.Err(); err != nil {
		return err
	}
	if err := sw.Swap(true); err != nil {
		return err
	}
	if !j.TargetHadDB {
		return st.end("ok", i18n.Say("migrate.detail.swap.placed", d))
	}
	return st.end("ok", i18n.Say("migrate.detail.swap.swapped", d, a))
}

// postCheck reads the new db/ and the source once more, side by side: the
// new db/ must hold exactly the manifest, and the source must be
// byte-identical to what the preflight saw and the snapshot read.
func (r *run) postCheck() error {
	j := r.j
	st, err := r.jw.begin(StepPostCheck)
	if err != nil {
		return err
	}
	r.hook("migrate-before-post-check")
	m := j.Manifest.Manifest()
	var wg sync.WaitGroup
	var tgtRep, srcRep *backup.FolderReport
	var tgtErr, srcErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		tgtRep, tgtErr = backup.VerifyFolder(r.ctx, j.path(j.TargetDB), m, backup.FolderOptions{Engines: r.opt.Engines, Progress: r.progress(StepPostCheck)})
	}()
	go func() {
		defer wg.Done()
		srcRep, srcErr = backup.VerifyFolder(r.ctx, r.src.DB, m, backup.FolderOptions{Engines: r.opt.Engines})
	}()
	wg.Wait()
	if tgtErr != nil {
		return tgtErr
	}
	if err := tgtRep.Err(); err != nil {
		return err
	}
	if srcErr != nil {
		return srcErr
	}
	if len(srcRep.Problems) > 0 {
		p := srcRep.Problems[0]
		return backup.NewChangedError(filepath.Join(r.src.DB, filepath.FromSlash(p.File)), "migrate.detail.changed.aftercopy", p.Words())
	}
	scan, err := backup.ScanDB(r.src.DB, r.opt.Engines)
	if err != nil {
		return err
	}
	if diffs := compareStates(scan.Files, j.SourceState); len(diffs) > 0 {
		return backup.NewChangedError(r.src.DB, "migrate.detail.changed.preflight", joinTexts(diffs))
	}
	if err := st.end("ok", i18n.Say("migrate.detail.postchecked")); err != nil {
		return err
	}
	r.hook("migrate-post-checked")
	return nil
}

func (r *run) writeReportStep() error {
	j := r.j
	st, err := r.jw.begin(StepReport)
	if err != nil {
		return err
	}
	r.hook("migrate-before-report")
	rep := r.buildReport()
	if err := r.writeReport(rep); err != nil {
		return err
	}
	r.hook("migrate-report-written")
	j.State = StateDone
	if err := st.end("ok", i18n.Say("migrate.detail.paths", strings.Join(j.reportPaths(), ", "))); err != nil {
		return err
	}
	r.report = rep
	r.hook("migrate-done")
	return nil
}

// fail puts the target back after a failed step, and says what it did.
// Before the swap that means removing the staging folder and the journal:
// the target is then exactly as it was. After the swap, the migrated db/
// is moved aside and the original renamed back, as --undo does; an
// interruption (Ctrl-C) after the swap leaves the finished swap and the
// journal for the next run to complete.
func (r *run) fail(step string, cause error) error {
	j := r.j
	r.unlockSnapshots()
	se := &StepError{Step: step, Err: cause, Snapshots: j.SnapshotPaths()}
	_ = r.jw.update(func() {
		j.Error = cause.Error()
		for i := range j.Steps {
			if s := &j.Steps[i]; s.Status == "started" && s.Attempt == j.Attempts {
				s.Status, s.Ended = "failed", r.opt.Now().UTC()
				if s.Name == step {
					s.Detail = cause.Error()
				}
			}
		}
	})
	if step == StepReport {
		// The new db/ is in place and verified; only the report is
		// missing. The journal stays, and the next run writes it.
		return se
	}
	if r.swapped || j.started(StepSwap) {
		lay, err := inspect(j)
		if err != nil {
			return se
		}
		if lay.Kind == swap.BeforeSwap && !r.swapped {
			// The swap failed without changing anything.
			return r.cleanBeforeSwap(se)
		}
		if errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded) {
			return se
		}
		res, err := rollback(r.ctx, j, r.jw, r.hook, r.opt.Now)
		if err != nil {
			return &StepError{Step: step, Err: fmt.Errorf("%w; rolling back also failed: %v", cause, err), Snapshots: se.Snapshots}
		}
		se.RolledBack, se.KeptAt = true, res.KeptAt
		return se
	}
	return r.cleanBeforeSwap(se)
}

func (r *run) cleanBeforeSwap(se *StepError) error {
	j := r.j
	lay, err := inspect(j)
	if err != nil {
		return se
	}
	if lay.Staging == swap.Copy {
		if err := swap.RemoveStaging(j.path(j.Staging)); err != nil {
			se.Err = fmt.Errorf("%w; removing the staging folder %s also failed: %v", se.Err, j.path(j.Staging), err)
			return se
		}
	}
	for _, s := range j.Snapshots {
		_ = removeIfExists(s.Path + fsutil.PartialSuffix)
	}
	for _, p := range j.reportPaths() {
		_ = removeIfExists(p + fsutil.PartialSuffix)
	}
	if r.plan.SnapshotDirNew {
		// Only if it is still empty: a snapshot in it is kept.
		_ = os.Remove(j.SnapshotDir)
	}
	if err := removeJournal(j.Target); err != nil {
		se.Err = fmt.Errorf("%w; removing the journal also failed: %v", se.Err, err)
		return se
	}
	se.RolledBack = true
	return se
}
