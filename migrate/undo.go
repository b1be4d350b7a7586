package migrate

import (
	"context"
	"errors"
	"path/filepath"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/folderlock"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/swap"
)

// UndoOptions say which target to put back.
type UndoOptions struct {
	Target string
	DryRun bool
	// InUse, Now, Hook and Log are as in Options.
	InUse func(ctx context.Context, db string) (warnings []i18n.Text, err error)
	Now   func() time.Time
	Hook  func(point string)
	Log   func(Event)
	// Lock is as in Options; its Command defaults to "migrate".
	Lock folderlock.Options
}

// UndoAction is one thing an undo does (or, with DryRun, would do).
type UndoAction struct {
	Op   string `json:"op"` // exchange, rename, remove
	From string `json:"from"`
	To   string `json:"to,omitempty"`
}

// UndoResult says what the journal showed and what the undo did.
type UndoResult struct {
	Target string `json:"target"`
	DryRun bool   `json:"dry_run"`
	// What the journal recorded.
	ID         string `json:"id"`
	From       string `json:"from"`
	To         string `json:"to"`
	Source     string `json:"source"`
	State      string `json:"migration_state"` // running, done, undoing
	LastStep   string `json:"last_step,omitempty"`
	LastStatus string `json:"last_status,omitempty"`
	Found      string `json:"found"` // the layout: before-swap, swapped, ...
	HadDB      bool   `json:"target_had_db"`
	// What the undo did.
	Actions []UndoAction `json:"actions"`
	// KeptAt is where the migrated db/ went, if it was ever in place: it
	// may hold work done in the new version, so it is never deleted.
	KeptAt string `json:"kept_at,omitempty"`
	// Snapshots are the safety snapshots; they are never deleted.
	Snapshots []string  `json:"snapshots"`
	Warnings  []Warning `json:"warnings,omitempty"`
	// Leftovers are what killed runs had left (an unfinished journal,
	// temporary files of journal writes, unfinished reports and safety
	// snapshots) and the undo removed, holding the target's lock.
	Leftovers []fsutil.Leftover `json:"leftovers,omitempty"`
	// TakenOverLock is the target's lock a killed run left, which the
	// undo took over.
	TakenOverLock *folderlock.Info `json:"taken_over_lock,omitempty"`
	Journal       *Journal         `json:"-"`
}

// Undo puts the target back as it was before the last migration into it,
// from whatever state that migration reached: finished, or interrupted at
// any moment. It touches only what the journal says the tool created. The
// original db/ is renamed back; a migrated db/ that was ever in place is
// moved aside (db.undone-migrate-<time>), never deleted; a staged copy that
// never was in place is removed. The safety snapshots are kept.
func Undo(ctx context.Context, opt UndoOptions) (*UndoResult, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.InUse == nil {
		opt.InUse = func(context.Context, string) ([]i18n.Text, error) { return nil, nil }
	}
	hook := opt.Hook
	if hook == nil {
		hook = func(string) {}
	}
	root, err := filepath.Abs(opt.Target)
	if err != nil {
		return nil, err
	}
	root = filepath.Clean(root)
	var left []fsutil.Leftover
	var over *folderlock.Info
	if !opt.DryRun {
		l, o, lo, err := lockInstall(root, opt.Lock)
		if err != nil {
			return nil, err
		}
		if l != nil {
			defer func() { _ = l.Release() }()
		}
		left, over = lo, o
	}
	j, err := ReadJournal(root)
	if err != nil {
		return nil, err
	}
	if j == nil {
		if _, err := Detect(root); err != nil {
			return nil, err
		}
		if len(left) > 0 || over != nil {
			// What the killed run left is gone; say so, with the
			// reason there is nothing else to do.
			return &UndoResult{Target: root, Leftovers: left, TakenOverLock: over}, &JournalError{Kind: JournalNothing, Target: root}
		}
		return nil, &JournalError{Kind: JournalNothing, Target: root}
	}
	res := &UndoResult{
		Target: root, DryRun: opt.DryRun, ID: j.ID, From: j.From, To: j.To, Source: j.Source,
		State: j.State, HadDB: j.TargetHadDB, Snapshots: j.SnapshotPaths(), Journal: j,
		Leftovers: left, TakenOverLock: over,
	}
	if last := j.LastStep(); last != nil {
		res.LastStep, res.LastStatus = last.Name, last.Status
	}
	lay, err := inspect(j)
	if err != nil {
		return nil, err
	}
	res.Found = string(lay.Kind)
	if lay.Kind == swap.Inconsistent {
		return nil, inconsistent(j, lay)
	}
	if lay.DB != swap.Nothing {
		ws, err := opt.InUse(ctx, j.path(j.TargetDB))
		if err != nil {
			return nil, err
		}
		for _, w := range ws {
			res.Warnings = append(res.Warnings, Warning{Code: WarnInUseSignal, Path: j.path(j.TargetDB), Detail: w.String(), Text: w})
		}
	}
	if opt.DryRun {
		res.Actions, res.KeptAt = planUndo(j, lay, opt.Now())
		return res, nil
	}
	jw := &journalWriter{j: j, now: opt.Now, log: opt.Log}
	done, err := undoLayout(ctx, j, jw, hook, opt.Now)
	if done != nil {
		res.Actions, res.KeptAt = done.Actions, done.KeptAt
		res.Leftovers = append(res.Leftovers, done.Leftovers...)
	}
	if err != nil {
		return res, err
	}
	return res, nil
}

// rollback is Undo for a migration that failed after its swap, in the
// same process.
func rollback(ctx context.Context, j *Journal, jw *journalWriter, hook func(string), now func() time.Time) (*UndoResult, error) {
	return undoLayout(ctx, j, jw, hook, now)
}

// planUndo lists the actions undoLayout would take from layout l, without
// doing them, and where a migrated db/ would be kept.
func planUndo(j *Journal, l *swap.Layout, now time.Time) ([]UndoAction, string) {
	u := j.Undone
	if u == "" {
		u = j.TargetDB + ".undone-migrate-" + fsutil.Timestamp(now)
	}
	jj := *j
	jj.Undone = u
	acts, kept := jj.swapper(nil, nil).PlanBack(l)
	var out []UndoAction
	for _, a := range acts {
		out = append(out, UndoAction(a))
	}
	if !kept {
		return out, ""
	}
	return out, jj.path(u)
}

// undoLayout moves the target back one action at a time, re-reading the
// layout after each, so that a kill at any point leaves a layout the next
// undo continues from. It then removes what the tool created that holds no
// user data, and finally the journal.
func undoLayout(ctx context.Context, j *Journal, jw *journalWriter, hook func(string), now func() time.Time) (*UndoResult, error) {
	res := &UndoResult{Target: j.Target}
	d := j.path(j.TargetDB)
	if j.Undone == "" {
		name, err := freeName(j.Target, filepath.Base(d)+".undone-migrate-"+fsutil.Timestamp(now()), "")
		if err != nil {
			return res, err
		}
		j.Undone = name
	}
	u := j.path(j.Undone)
	j.State = StateUndoing
	st, err := jw.begin(StepUndo)
	if err != nil {
		return res, err
	}
	hook("migrate-undo-started")
	sw := j.swapper(jw.save, nil)
	for i := 0; ; i++ {
		if i > 8 {
			return res, errors.New("undo: the folders keep changing under the tool")
		}
		l, err := inspectWith(j, sw)
		if err != nil {
			return res, err
		}
		if l.Undone == swap.Copy {
			res.KeptAt = u
		}
		act, more, err := sw.Back(l)
		if err != nil {
			return res, inconsistent(j, l)
		}
		if !more {
			break
		}
		if err := sw.Do(act); err != nil {
			return res, err
		}
		res.Actions = append(res.Actions, UndoAction(act))
		if act.To == u {
			res.KeptAt = u
		}
		hook("migrate-undo-" + act.Op)
	}
	var partials []string
	for _, sn := range j.Snapshots {
		partials = append(partials, sn.Path, sn.Path+backup.SidecarSuffix)
	}
	partials = append(partials, j.reportPaths()...)
	for _, p := range partials {
		got, err := fsutil.SweepPartial(p)
		res.Leftovers = append(res.Leftovers, got...)
		if err != nil {
			return res, err
		}
	}
	// The reports describe a migration that is no longer in place.
	for _, p := range j.reportPaths() {
		if err := removeIfExists(p); err != nil {
			return res, err
		}
	}
	if err := st.end("ok", i18n.Say("migrate.detail.undone", len(res.Actions))); err != nil {
		return res, err
	}
	hook("migrate-undo-before-journal")
	if err := removeJournal(j.Target); err != nil {
		return res, err
	}
	hook("migrate-undo-done")
	return res, nil
}
