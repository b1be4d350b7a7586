package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/efbackup/efbackup/backup"
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
		rep.Verified = vr.OK()
		if vr.Manifest != nil {
			rep.Files, rep.Bytes = vr.Manifest.Totals.Files, vr.Manifest.Totals.Bytes
			rep.Warnings = damageWarnings(u, vr.Manifest, vr)
		}
		if err := u.result(rep, func(w io.Writer) {
			fmt.Fprintln(w, u.T("restore.plan", archive, in.DB))
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
	progress, finish := u.progress(u.T("progress.restore"), fi.Size())
	res, err := backup.Restore(c.Context, archive, backup.RestoreOptions{DB: in.DB, NewChecker: dbChecks(), FolderChecks: dbFolderChecks(), Progress: progress, Hook: testHook})
	finish()
	if err != nil {
		return err
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
