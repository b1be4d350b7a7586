package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/crypt"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/migrate"
	"github.com/efbackup/efbackup/store/location"
	"github.com/urfave/cli/v2"
)

// restoreOptions: which snapshot, into which install.
type restoreOptions struct {
	Snapshot string
	Install  string
	DryRun   bool
	// AsDatabase restores a snapshot of one database's own folder (made by
	// an earlier release from --db pointing into db/) into db/AsDatabase.
	AsDatabase string
	// Identities open an encrypted snapshot.
	Identities []crypt.Identity
	Store      storeOptions
	// FromOtherInstall lets a snapshot taken of another install replace
	// this install's db/.
	FromOtherInstall bool
}

func restoreCommand(u *ui) *cli.Command {
	var opts restoreOptions
	var keys identityOptions
	return &cli.Command{
		Name:      "restore",
		Usage:     u.T("restore.usage"),
		UsageText: "efbackup restore SNAPSHOT|s3://BUCKET/PREFIX/NAME --install DIR [--dry-run] [--as-database NAME] [--from-other-install] [--identity FILE | --passphrase-file FILE]",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "install", Usage: u.T("flag.restoreinstall"), Destination: &opts.Install},
			&cli.BoolFlag{Name: "dry-run", Usage: u.T("flag.dryrun"), Destination: &opts.DryRun},
			&cli.StringFlag{Name: "as-database", Usage: u.T("flag.asdatabase"), Destination: &opts.AsDatabase},
			&cli.BoolFlag{Name: "from-other-install", Usage: u.T("flag.fromotherinstall"), Destination: &opts.FromOtherInstall},
		}, append(keys.flags(u), storeFlags(u, &opts.Store)...)...),
		Action: func(c *cli.Context) error {
			switch {
			case c.NArg() == 0:
				return u.usageErr("err.restorenothing")
			case c.NArg() > 1:
				return u.usageErr("err.extraargs", c.Args().Get(1))
			case opts.Install == "":
				return u.usageErr("err.needinstall")
			}
			opts.Snapshot = c.Args().First()
			ids, err := keys.identities(u)
			if err != nil {
				return err
			}
			opts.Identities = ids
			rep, err := runRestore(c.Context, u, opts)
			if rep != nil {
				if perr := printRestore(u, rep); perr != nil {
					return perr
				}
			}
			return err
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
	// Databases are the databases restored, as the snapshot recorded them.
	Databases []engine.Database `json:"databases"`
	// Recovered is what the restore did about an earlier one that was
	// interrupted; Pending is such a restore, found by --dry-run.
	Recovered *backup.RestoreRecovery `json:"recovered,omitempty"`
	Pending   *backup.RestoreJournal  `json:"pending,omitempty"`
	// Encrypted is set when the snapshot was encrypted: it was decrypted
	// as it was read, and never written out.
	Encrypted bool `json:"encrypted,omitempty"`
	// Interrupted is set when Ctrl-C or a signal came after the point of
	// no return: the restore went on to the end rather than leave db/
	// half swapped.
	Interrupted bool `json:"interrupted_after_commit,omitempty"`
}

// restoreCommitting watches for an interruption once a restore has passed
// its point of no return: it says at once that the restore will finish
// (the swap takes a moment; stopping half-way would help nobody), and
// finishing reports, when the restore has returned, whether that happened.
func restoreCommitting(ctx context.Context, u *ui) (committing func(), finishing func() bool) {
	var (
		committed atomic.Bool
		returned  = make(chan struct{})
		watching  sync.WaitGroup
	)
	committing = func() {
		committed.Store(true)
		watching.Add(1)
		go func() {
			defer watching.Done()
			select {
			case <-ctx.Done():
				u.warn(u.T("restore.finishing"), "")
			case <-returned:
			}
		}()
	}
	finishing = func() bool {
		close(returned)
		watching.Wait()
		return committed.Load() && ctx.Err() != nil
	}
	return committing, finishing
}

// runRestore puts a snapshot's db/ in place of the install's, after
// reading it back in full; the previous db/ is moved aside, never deleted.
// With DryRun it only verifies and plans: the plan comes back, with the
// snapshot's problems as the error when it fails verification.
func runRestore(ctx context.Context, u *ui, opts restoreOptions) (*restoreReport, error) {
	archive := opts.Snapshot
	var (
		src  backup.Source
		size int64
	)
	if location.IsS3(archive) {
		s, e, err := snapshotSource(ctx, u, archive, opts.Store)
		if err != nil {
			return nil, err
		}
		if e.Tamper != nil {
			// The version efbackup wrote is the one restored.
			u.warn(tamperLine(u, s.Name, e.Tamper), "")
		}
		src, size = s, e.Size
	} else {
		fi, err := os.Stat(archive)
		if err != nil || fi.IsDir() {
			return nil, u.usageErr("err.nosnapshot", archive)
		}
		archive, _ = filepath.Abs(archive)
		src, size = backup.FileSource(archive), fi.Size()
	}
	archive = src.Name
	in, err := migrate.Detect(opts.Install)
	if err != nil {
		return nil, err
	}
	if err := refuseDBLink(u, in.DB); err != nil {
		return nil, err
	}
	if in.HasDB {
		if _, err := checkInUse(ctx, in.DB); err != nil {
			return nil, err
		}
	}
	rep := &restoreReport{DryRun: opts.DryRun, Snapshot: archive, Target: in.DB}
	// Whose snapshot it is: refused early on what its sidecar says, and
	// again on the verified manifest before anything is written.
	accept := func(m *backup.Manifest) error {
		return acceptInstall(u, rep, m, in.Root, in.HasDB, opts.FromOtherInstall)
	}
	if m, err := backup.ReadSidecar(archive); err == nil {
		if err := acceptInstall(u, &restoreReport{}, m, in.Root, in.HasDB, opts.FromOtherInstall); err != nil {
			return nil, err
		}
	}
	if opts.DryRun {
		vr, err := backup.VerifySource(ctx, src, backup.ReadOptions{Engines: engines(), Identities: opts.Identities, RequireKey: true})
		if err != nil {
			return nil, err
		}
		rep.Encrypted = vr.Encryption != nil
		plan := backup.PlanRestore(archive, in.DB, time.Now())
		rep.Staging, rep.MoveAside = plan.Staging, plan.MoveAside
		if rep.Pending, err = backup.PendingRestore(in.DB); err != nil {
			return nil, restoreErr(u, err)
		}
		rep.Verified = vr.OK()
		rep.Databases = []engine.Database{}
		if vr.Manifest != nil {
			rep.Files, rep.Bytes = vr.Manifest.Totals.Files, vr.Manifest.Totals.Bytes
			rep.Warnings = damageWarnings(u, vr.Manifest, vr)
			rep.Databases = recordedDatabases(vr.Manifest)
			if err := backup.CheckLayout(archive, vr.Manifest, opts.AsDatabase); err != nil {
				return nil, err
			}
			if err := accept(vr.Manifest); err != nil {
				return nil, err
			}
		}
		return rep, vr.Err()
	}
	// One restore at a time per install: the journal of an interrupted one
	// is acted on only by a restore that holds the lock.
	release, err := lockInstall(u, in.Root)
	if err != nil {
		return nil, err
	}
	defer release()
	progress, finish := u.progress(u.T("progress.restore"), size)
	if mib := mibPoints("restore-verify-mib"); mib != nil {
		bar := progress
		progress = func(done int64) {
			if bar != nil {
				bar(done)
			}
			mib(done)
		}
	}
	committing, finishing := restoreCommitting(ctx, u)
	res, err := backup.RestoreSource(ctx, src, backup.RestoreOptions{
		DB: in.DB, Engines: engines(), Progress: progress, AsDatabase: opts.AsDatabase,
		ExtractProgress: mibPoints("restore-extract-mib"),
		NoExchange:      testHooks.NoExchange != nil && testHooks.NoExchange(),
		Committing:      committing,
		Accept:          accept,
		Hook:            testHooks.At,
		Identities:      opts.Identities,
	})
	finish()
	if finishing() {
		rep.Interrupted = true
		if err == nil {
			u.warn(u.T("restore.finishedanyway", in.DB), "")
		} else {
			// What the swap left is in err, not "interrupted".
			err = &pastInterruptError{err}
		}
	}
	if res != nil {
		rep.Recovered = res.Recovered
		reportRecovery(u, res.Recovered)
	}
	if err != nil {
		return nil, restoreErr(u, err)
	}
	rep.Staging, rep.MovedTo, rep.Verified = res.Plan.Staging, res.MovedTo, true
	rep.Encrypted = res.Verify != nil && res.Verify.Encryption != nil
	rep.Files, rep.Bytes = res.Manifest.Totals.Files, res.Manifest.Totals.Bytes
	damage := damageWarnings(u, res.Manifest, res.Verify)
	rep.Warnings = append(rep.Warnings, damage...)
	rep.Databases = recordedDatabases(res.Manifest)
	for _, w := range damage {
		u.warn(w, u.T("hint.damaged"))
	}
	return rep, nil
}

func printRestore(u *ui, rep *restoreReport) error {
	if rep.DryRun {
		return u.result(rep, func(w io.Writer) {
			fmt.Fprintln(w, u.T("restore.plan", rep.Snapshot, rep.Target))
			if j := rep.Pending; j != nil {
				fmt.Fprintln(w, "  "+u.T("restore.plan.pending", j.Snapshot, filepath.Join(filepath.Dir(rep.Target), backup.RestoreJournalName), j.State))
			}
			fmt.Fprintln(w, "  "+u.T("restore.plan.files", rep.Files, humanBytes(rep.Bytes)))
			fmt.Fprintln(w, "  "+u.T("restore.plan.staging", rep.Staging))
			if rep.MoveAside != "" {
				fmt.Fprintln(w, "  "+u.T("restore.plan.aside", rep.Target, rep.MoveAside))
			} else {
				fmt.Fprintln(w, "  "+u.T("restore.plan.nodb", rep.Target))
			}
			if rep.Verified {
				fmt.Fprintln(w, "  "+u.T("restore.plan.verified"))
			}
			if rep.Encrypted {
				fmt.Fprintln(w, u.T("verify.decrypted"))
			}
			for _, wn := range rep.Warnings {
				fmt.Fprintln(w, "  "+wn)
			}
			fmt.Fprintln(w, u.T("restore.plan.nothing"))
		})
	}
	return u.result(rep, func(w io.Writer) {
		fmt.Fprintln(w, u.T("restore.done", rep.Snapshot, rep.Target))
		fmt.Fprintln(w, "  "+u.T("restore.plan.files", rep.Files, humanBytes(rep.Bytes)))
		if rep.MovedTo != "" {
			fmt.Fprintln(w, "  "+u.T("restore.movedaside", rep.MovedTo))
		}
		if rep.Encrypted {
			fmt.Fprintln(w, u.T("restore.decrypted"))
		}
		printDatabases(w, u, rep.Databases)
	})
}

// recordedDatabases are a snapshot's databases as it recorded them, never
// nil.
func recordedDatabases(m *backup.Manifest) []engine.Database {
	if m == nil || m.Databases == nil {
		return []engine.Database{}
	}
	return m.Databases
}

// damageWarnings says when the snapshot holds a database that was already
// damaged when it was taken, or that the checks find damaged now.
func damageWarnings(u *ui, m *backup.Manifest, vr *backup.VerifyReport) []string {
	var out []string
	if m.Checks != nil && m.Checks.Verdict == string(engine.Damaged) {
		out = append(out, u.T("restore.recordeddamage", m.Checks.Damaged))
	}
	for _, p := range vr.Problems {
		if p.Kind == backup.ProblemDatabaseDamaged {
			out = append(out, u.T("restore.damagenow", p.File, p.In(u.lang)))
		}
	}
	return out
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
