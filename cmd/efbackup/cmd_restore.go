package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/folderlock"
	"github.com/efbackup/efbackup/migrate"
	"github.com/urfave/cli/v2"
)

type restoreOptions struct {
	Install string
	DryRun  bool
}

func restoreCommand(u *ui) *cli.Command {
	var opts restoreOptions
	return &cli.Command{
		Name:      "restore",
		Usage:     u.T("restore.usage"),
		UsageText: "efbackup restore SNAPSHOT --install DIR [--dry-run]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "install", Usage: u.T("flag.restoreinstall"), Destination: &opts.Install},
			&cli.BoolFlag{Name: "dry-run", Usage: u.T("flag.dryrun"), Destination: &opts.DryRun},
		},
		Action: func(c *cli.Context) error {
			switch {
			case c.NArg() == 0:
				return u.usageErr("err.restorenothing")
			case c.NArg() > 1:
				return u.usageErr("err.extraargs", c.Args().Get(1))
			case opts.Install == "":
				return u.usageErr("err.needinstall")
			}
			return runRestore(c, u, c.Args().First(), opts)
		},
	}
}

type restoreReport struct {
	DryRun    bool     `json:"dry_run"`
	Snapshot  string   `json:"snapshot"`
	Target    string   `json:"target"`
	Staging   string   `json:"staging"`
	MovedTo   string   `json:"moved_aside_to,omitempty"`
	MoveAside string   `json:"would_move_aside_to,omitempty"`
	Files     int      `json:"files"`
	Bytes     int64    `json:"bytes"`
	Verified  bool     `json:"verified"`
	Warnings  []string `json:"warnings,omitempty"`
	// Recovered is what the restore did about an earlier one that was
	// interrupted; Pending is such a restore, found by --dry-run.
	Recovered *backup.RestoreRecovery `json:"recovered,omitempty"`
	Pending   *backup.RestoreJournal  `json:"pending,omitempty"`
}

func runRestore(c *cli.Context, u *ui, archive string, opts restoreOptions) error {
	fi, err := os.Stat(archive)
	if err != nil || fi.IsDir() {
		return u.usageErr("err.nosnapshot", archive)
	}
	archive, _ = filepath.Abs(archive)
	in, err := migrate.Detect(opts.Install)
	if err != nil {
		return err
	}
	if in.HasDB {
		if _, err := checkInUse(c.Context, in.DB); err != nil {
			return err
		}
	}
	rep := restoreReport{DryRun: opts.DryRun, Snapshot: archive, Target: in.DB}
	if opts.DryRun {
		vr, err := backup.VerifyArchive(c.Context, archive, backup.ReadOptions{NewChecker: dbChecks(), FolderChecks: dbFolderChecks()})
		if err != nil {
			return err
		}
		plan := backup.PlanRestore(archive, in.DB, time.Now())
		rep.Staging, rep.MoveAside = plan.Staging, plan.MoveAside
		if rep.Pending, err = backup.PendingRestore(in.DB); err != nil {
			return restoreErr(u, err)
		}
		rep.Verified = vr.OK()
		if vr.Manifest != nil {
			rep.Files, rep.Bytes = vr.Manifest.Totals.Files, vr.Manifest.Totals.Bytes
			rep.Warnings = damageWarnings(u, vr.Manifest, vr)
		}
		if err := u.result(rep, func(w io.Writer) {
			fmt.Fprintln(w, u.T("restore.plan", archive, in.DB))
			if j := rep.Pending; j != nil {
				fmt.Fprintln(w, "  "+u.T("restore.plan.pending", j.Snapshot, filepath.Join(filepath.Dir(in.DB), backup.RestoreJournalName), j.State))
			}
			fmt.Fprintln(w, "  "+u.T("restore.plan.files", rep.Files, humanBytes(rep.Bytes)))
			fmt.Fprintln(w, "  "+u.T("restore.plan.staging", rep.Staging))
			if rep.MoveAside != "" {
				fmt.Fprintln(w, "  "+u.T("restore.plan.aside", in.DB, rep.MoveAside))
			} else {
				fmt.Fprintln(w, "  "+u.T("restore.plan.nodb", in.DB))
			}
			if rep.Verified {
				fmt.Fprintln(w, "  "+u.T("restore.plan.verified"))
			}
			for _, wn := range rep.Warnings {
				fmt.Fprintln(w, "  "+wn)
			}
			fmt.Fprintln(w, u.T("restore.plan.nothing"))
		}); err != nil {
			return err
		}
		return vr.Err()
	}
	// One restore at a time per install: the journal of an interrupted one
	// is acted on only by a restore that holds the lock.
	release, err := lockInstall(u, in.Root)
	if err != nil {
		return err
	}
	defer release()
	progress, finish := u.progress(u.T("progress.restore"), fi.Size())
	res, err := backup.Restore(c.Context, archive, backup.RestoreOptions{
		DB: in.DB, NewChecker: dbChecks(), FolderChecks: dbFolderChecks(), Progress: progress,
		ExtractProgress: slowPerMiB(testSlow()),
		NoExchange:      os.Getenv("EFBACKUP_TEST_NO_EXCHANGE") == "1", // tests only: the Windows path
		Hook:            testHook,
	})
	finish()
	if res != nil {
		rep.Recovered = res.Recovered
		reportRecovery(u, res.Recovered)
	}
	if err != nil {
		return restoreErr(u, err)
	}
	rep.Staging, rep.MovedTo, rep.Verified = res.Plan.Staging, res.MovedTo, true
	rep.Files, rep.Bytes = res.Manifest.Totals.Files, res.Manifest.Totals.Bytes
	rep.Warnings = damageWarnings(u, res.Manifest, res.Verify)
	for _, w := range rep.Warnings {
		u.warn(w, u.T("hint.damaged"))
	}
	return u.result(rep, func(w io.Writer) {
		fmt.Fprintln(w, u.T("restore.done", archive, in.DB))
		fmt.Fprintln(w, "  "+u.T("restore.plan.files", rep.Files, humanBytes(rep.Bytes)))
		if rep.MovedTo != "" {
			fmt.Fprintln(w, "  "+u.T("restore.movedaside", rep.MovedTo))
		}
	})
}

// damageWarnings says when the snapshot holds a database that was already
// damaged when it was taken, or that the checks find damaged now.
func damageWarnings(u *ui, m *backup.Manifest, vr *backup.VerifyReport) []string {
	var out []string
	if m.Checks != nil && m.Checks.Verdict == "damaged" {
		out = append(out, u.T("restore.recordeddamage", m.Checks.Damaged))
	}
	for _, p := range vr.Problems {
		if p.Kind == backup.ProblemDatabaseDamaged {
			out = append(out, u.T("restore.damagenow", p.File, p.Detail))
		}
	}
	return out
}

// lockInstall takes the install folder's lock for a restore.
func lockInstall(u *ui, dir string) (release func(), err error) {
	l, over, err := folderlock.Acquire(dir, folderlock.Options{Wait: defaultLockWait(), Command: "restore"})
	if err != nil {
		var le *folderlock.LockedError
		if !errors.As(err, &le) {
			return func() {}, err
		}
		return func() {}, installLockedErr(u, le)
	}
	warnTakeover(u, dir, over)
	reportLeftovers(u, l.Leftovers())
	return func() {
		if err := l.Release(); err != nil {
			u.warn(err.Error(), "")
		}
	}, nil
}

// installLockedErr is an install folder held by another efbackup process
// (a restore, a migrate or an undo).
func installLockedErr(u *ui, le *folderlock.LockedError) error {
	hint := u.T("hint.locked", filepath.Join(le.Dir, folderlock.Name))
	if h := le.Holder; h != nil {
		return &lockedError{msg: u.T("lock.heldinstall", le.Dir, h.Command, h.PID, h.Host, h.Time.Local().Format("2006-01-02 15:04:05")), hint: hint, holder: h}
	}
	return &lockedError{msg: u.T("lock.heldinstallunknown", le.Dir), hint: hint}
}

// reportRecovery says what a restore did about an earlier, interrupted
// one, and names every folder it left alone.
func reportRecovery(u *ui, r *backup.RestoreRecovery) {
	if r == nil {
		return
	}
	reportLeftovers(u, r.Removed)
	switch r.Action {
	case backup.RecoveryRolledBack:
		if r.Staging != "" {
			u.warn(u.T("restore.recovered.rolledback", r.Snapshot, r.DB, r.Staging), "")
		} else {
			u.warn(u.T("restore.recovered.rolledbacknothing", r.Snapshot, r.DB), "")
		}
	case backup.RecoveryFinished:
		u.warn(u.T("restore.recovered.finished", r.Snapshot, r.DB, r.MovedTo), "")
	case backup.RecoveryCleanedUp:
		if r.MovedTo != "" {
			u.warn(u.T("restore.recovered.cleanedup", r.Snapshot, r.DB, r.MovedTo), "")
		} else {
			u.warn(u.T("restore.recovered.cleanedupnodb", r.Snapshot, r.DB), "")
		}
	}
	for _, l := range r.Leftovers {
		u.warn(u.T("restore.leftover", l), u.T("hint.restoreleftover"))
	}
}

// restoreJournalError is *backup.RestoreJournalError in the user's
// language (exit 1).
type restoreJournalError struct{ msg, hint string }

func (e *restoreJournalError) Error() string { return e.msg }
func (e *restoreJournalError) Hint() string  { return e.hint }

func restoreErr(u *ui, err error) error {
	var je *backup.RestoreJournalError
	if !errors.As(err, &je) {
		return err
	}
	var where []string
	for _, p := range []string{je.DB, je.Aside, je.Staging} {
		if p != "" {
			where = append(where, p)
		}
	}
	if len(where) == 0 {
		where = []string{filepath.Dir(je.Journal)}
	}
	return &restoreJournalError{msg: u.T("err.restorejournal", je.Journal, je.Detail), hint: u.T("hint.restorejournal", strings.Join(where, ", "), je.Journal)}
}

// slowPerMiB is the pause EFBACKUP_TEST_SLOW_MS asks for, once per MiB of
// the archive read, so that the crash tests' random kills land inside the
// extraction. Unset, it is nil.
func slowPerMiB(d time.Duration) func(int64) {
	if d <= 0 {
		return nil
	}
	next := int64(1 << 20)
	return func(done int64) {
		for done >= next {
			time.Sleep(d)
			next += 1 << 20
		}
	}
}
