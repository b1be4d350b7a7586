package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/migrate"
	"github.com/efbackup/efbackup/retention"
	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/location"
	"github.com/efbackup/efbackup/verify/appzip"
	"github.com/urfave/cli/v2"
)

// pruneOptions: which folder and labels, by which rules.
type pruneOptions struct {
	Out      string
	Labels   []string
	Keep     keepOptions
	DryRun   bool
	LockWait time.Duration
	Store    storeOptions
	// Install, when set, limits the prune to the snapshots of this
	// install on this computer: a scheduled run prunes only its own.
	Install string
}

// pruneAppBackupsOptions: the install whose backup/ folder is thinned,
// keeping the Keep newest zips.
type pruneAppBackupsOptions struct {
	Install string
	Keep    int
	DryRun  bool
}

func pruneCommand(u *ui) *cli.Command {
	var (
		opts       pruneOptions
		appOpts    pruneAppBackupsOptions
		labels     cli.StringSlice
		appBackups bool
	)
	flags := []cli.Flag{
		&cli.StringFlag{Name: "out", Usage: u.T("flag.listout"), Destination: &opts.Out},
		&cli.StringSliceFlag{Name: "label", Usage: u.T("flag.prunelabel"), Destination: &labels},
		&cli.BoolFlag{Name: "dry-run", Usage: u.T("flag.dryrun"), Destination: &opts.DryRun},
		&cli.DurationFlag{Name: "lock-wait", Usage: u.T("flag.lockwait"), Value: defaultLockWait(), Destination: &opts.LockWait},
		&cli.BoolFlag{Name: "app-backups", Usage: u.T("flag.pruneappbackups"), Destination: &appBackups},
		&cli.StringFlag{Name: "install", Usage: u.T("flag.install"), Destination: &appOpts.Install},
		&cli.IntFlag{Name: "keep", Usage: u.T("flag.keepn"), Destination: &appOpts.Keep},
	}
	return &cli.Command{
		Name:  "prune",
		Usage: u.T("prune.usage"),
		UsageText: "efbackup prune [--out DIR|s3://BUCKET/PREFIX] [--label NAME]... [--keep-last N] [--keep-daily N] [--keep-weekly N] [--keep-monthly N]\n" +
			"               [--keep-yearly N] [--keep-within DURATION] [--dry-run] [--s3-endpoint URL] [--s3-profile NAME]\n" +
			"efbackup prune --app-backups --install DIR --keep N [--dry-run]",
		Description: u.T("prune.description"),
		Flags:       append(append(flags, keepFlags(u)...), storeFlags(u, &opts.Store)...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return u.usageErr("err.extraargs", c.Args().First())
			}
			opts.Keep = keepFromFlags(c)
			if appBackups {
				if opts.Keep.given() || c.IsSet("out") || c.IsSet("label") {
					return u.usageErr("err.appbackupsflags")
				}
				appOpts.DryRun = opts.DryRun
				out, err := runPruneAppBackups(c.Context, u, appOpts)
				if out == nil {
					return err
				}
				if perr := printPruneAppBackups(u, out); perr != nil {
					return perr
				}
				if isKind[*integrityFinding](err) {
					return reported(err)
				}
				return err
			}
			if c.IsSet("keep") || c.IsSet("install") {
				return u.usageErr("err.keepnotapp")
			}
			opts.Labels = labels.Value()
			out, err := runPrune(c.Context, u, opts)
			if out == nil {
				return err
			}
			if perr := u.result(out, func(w io.Writer) { printPruneText(w, u, out) }); perr != nil {
				return perr
			}
			if isKind[*integrityFinding](err) {
				// The document lists the damaged snapshots and the labels
				// without a good one.
				return reported(err)
			}
			return err
		},
	}
}

type pruneOutput struct {
	*retention.Plan
	DryRun        bool            `json:"dry_run"`
	DefaultPolicy bool            `json:"default_policy"`
	Removed       int             `json:"removed"`
	RemovedBytes  int64           `json:"removed_bytes"`
	TakenOver     *store.LockInfo `json:"taken_over_lock,omitempty"`
	// Locked counts the snapshots the rules would remove but whose Object
	// Lock retention has not passed: they are kept until then.
	Locked  int               `json:"locked"`
	Damaged []string          `json:"damaged"`
	Failed  map[string]string `json:"failed,omitempty"`
}

// runPrune plans which snapshots to keep and, unless DryRun, removes the
// rest, holding the folder lock. A result comes back once a plan was made,
// also with an error: a removal that failed, or an *integrityFinding when
// a snapshot is damaged or a label has no snapshot that verifies.
func runPrune(ctx context.Context, u *ui, opts pruneOptions) (*pruneOutput, error) {
	policy, isDefault, err := opts.Keep.policy(u)
	if err != nil {
		return nil, err
	}
	dir := opts.Out
	if dir == "" {
		dir = os.Getenv("EFBACKUP_OUT")
	}
	if dir == "" {
		return nil, u.usageErr("err.pruneneedsout")
	}
	if !location.IsS3(dir) {
		// A missing folder is a backup drive that is not connected:
		// nothing to prune, and nothing is made.
		if err := checkOut(u, dir, false); err != nil {
			return nil, err
		}
	}
	st, err := openStore(dir, opts.Store)
	if err != nil {
		return nil, err
	}
	for _, l := range opts.Labels {
		if l == "" || strings.ContainsAny(l, `/\`) {
			return nil, u.usageErr("err.prunelabel", l)
		}
	}
	po := retention.PruneOptions{
		PlanOptions: retention.PlanOptions{
			Policy: policy, Labels: opts.Labels, Install: opts.Install,
			Read: readOptions(),
			OnVerify: func(p string) {
				u.info("%s", u.T("prune.verifying", filepath.Base(p)))
				reach("prune-verifying")
			},
		},
		DryRun: opts.DryRun,
		Lock:   store.LockOptions{Wait: opts.LockWait, Command: "prune"},
		Hook:   testHooks.At,
	}
	if opts.LockWait == 0 {
		po.Lock.Wait = -1
	}
	plan, over, err := retention.PruneStore(ctx, st, po)
	if plan == nil {
		return nil, storeLockErr(u, st, err)
	}
	execErr := err
	out := &pruneOutput{Plan: plan, DryRun: opts.DryRun, DefaultPolicy: isDefault, TakenOver: over, Damaged: []string{}}
	if over != nil {
		u.warn(u.T("lock.takenover", plan.Dir, over.Command, over.PID, over.Host, over.Why), "")
	}
	reportLeftovers(u, plan.Leftovers)
	if len(plan.Orphans) > 0 {
		u.info("%s", u.T("snapshot.abortedupload", strings.Join(plan.Orphans, ", ")))
	}
	noneGood := 0
	for _, g := range plan.Groups {
		if g.NewestGood == "" {
			noneGood++
		}
		for _, d := range g.Decisions {
			if d.Verified == retention.VerifiedDamaged || d.Verified == retention.VerifiedDBDamage {
				out.Damaged = append(out.Damaged, d.Path)
			}
			if d.LockedUntil != nil {
				out.Locked++
			}
			if d.Removed || (opts.DryRun && !d.Keep) {
				out.Removed++
				out.RemovedBytes += d.Size
			}
			if d.Error != "" {
				if out.Failed == nil {
					out.Failed = map[string]string{}
				}
				out.Failed[d.Path] = d.Error
			}
		}
	}
	switch {
	case execErr != nil && ctx.Err() != nil:
		// Stopped between two removals: say what is gone and what stays.
		return out, &interruptedError{msg: u.T("prune.interrupted", out.Removed, humanBytes(out.RemovedBytes)), hint: u.T("hint.pruneinterrupted")}
	case execErr != nil:
		return out, execErr
	case noneGood > 0:
		return out, &integrityFinding{msg: u.T("prune.nonegood", noneGood), hint: u.T("hint.prunenonegood")}
	case len(out.Damaged) > 0:
		return out, &integrityFinding{msg: u.T("prune.damaged", len(out.Damaged)), hint: u.T("hint.integrity")}
	}
	return out, nil
}

// readOptions are the verify options prune uses: the database checks too,
// so that a snapshot of a damaged database does not count as good.
func readOptions() backup.ReadOptions {
	return backup.ReadOptions{Engines: engines()}
}

func printPruneText(w io.Writer, u *ui, out *pruneOutput) {
	fmt.Fprintln(w, u.T("prune.rules", out.Dir, policyText(u, out.Policy, out.DefaultPolicy)))
	if len(out.Groups) == 0 {
		fmt.Fprintln(w, u.T("prune.nosnapshots"))
	}
	for _, g := range out.Groups {
		fmt.Fprintln(w, u.T("prune.label", g.Label))
		for _, d := range g.Decisions {
			action := u.T("prune.keep")
			switch {
			case d.Removed:
				action = u.T("prune.removed")
			case !d.Keep && out.DryRun:
				action = u.T("prune.wouldremove")
			case !d.Keep:
				action = u.T("prune.remove")
			}
			var why []string
			for _, r := range d.Reasons {
				why = append(why, u.T("reason."+r))
			}
			line := fmt.Sprintf("  %-9s %s", action, d.Name)
			if len(why) > 0 {
				line += "  (" + strings.Join(why, ", ") + ")"
			}
			if d.Verified == retention.VerifiedDamaged || d.Verified == retention.VerifiedDBDamage {
				line += "  " + u.T("prune.verified."+d.Verified)
			}
			if d.LockedUntil != nil {
				line += "  " + u.T("prune.lockeduntil", d.LockedUntil.Local().Format("2006-01-02 15:04"))
			}
			if d.Tamper != nil {
				line += "  " + u.T("prune.tampered")
			}
			if d.Error != "" {
				line += "  " + d.Error
			}
			fmt.Fprintln(w, line)
		}
		if g.NewestGood == "" {
			fmt.Fprintln(w, "  "+u.T("prune.labelnonegood"))
		}
	}
	for _, s := range out.Skipped {
		fmt.Fprintf(w, "%s\n", u.T("prune.leftalone", filepath.Base(s.Path), u.T("skip."+s.Reason)))
	}
	for _, o := range out.OrphanSidecars {
		switch {
		case o.Removed:
			fmt.Fprintln(w, u.T("prune.orphan", filepath.Base(o.Path)))
		case out.DryRun:
			fmt.Fprintln(w, u.T("prune.orphandry", filepath.Base(o.Path)))
		}
	}
	if out.Locked > 0 {
		fmt.Fprintln(w, u.T("prune.lockedsummary", out.Locked))
	}
	if out.DryRun {
		fmt.Fprintln(w, u.T("prune.drysummary", out.Removed, humanBytes(out.RemovedBytes)))
	} else {
		fmt.Fprintln(w, u.T("prune.summary", out.Removed, humanBytes(out.RemovedBytes)))
	}
}

type pruneAppBackupsOutput struct {
	*appzip.PruneResult
	DryRun bool  `json:"dry_run"`
	Freed  int64 `json:"freed_bytes"`
	// keep is the --keep asked for, for the text.
	keep int
}

// runPruneAppBackups removes the older zips in the install's backup/
// folder, but only when the newest Keep all read back complete. When they
// do not, the result comes back with an *integrityFinding and nothing is
// removed.
func runPruneAppBackups(ctx context.Context, u *ui, opts pruneAppBackupsOptions) (*pruneAppBackupsOutput, error) {
	if opts.Install == "" {
		return nil, u.usageErr("err.needinstallonly")
	}
	if opts.Keep < 1 {
		return nil, u.usageErr("err.keepn")
	}
	in, err := migrate.Detect(opts.Install)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(in.Root, "backup")
	res, err := appzip.Prune(ctx, dir, opts.Keep, opts.DryRun)
	if err != nil {
		return nil, err
	}
	out := &pruneAppBackupsOutput{PruneResult: res, DryRun: opts.DryRun, keep: opts.Keep}
	for _, b := range res.Older {
		if !res.Refused && (opts.DryRun || slices.Contains(res.Removed, b.Path)) {
			out.Freed += b.Size
		}
	}
	if res.Refused {
		bad := make([]string, len(res.Incomplete))
		for i, p := range res.Incomplete {
			bad[i] = filepath.Base(p)
		}
		return out, &integrityFinding{msg: u.T("appzip.refused", opts.Keep, strings.Join(bad, ", ")), hint: u.T("hint.appzip")}
	}
	for p, e := range res.Failed {
		return out, fmt.Errorf("%s: %s", p, e)
	}
	return out, nil
}

func printPruneAppBackups(u *ui, out *pruneAppBackupsOutput) error {
	res := out.PruneResult
	return u.result(out, func(w io.Writer) {
		for _, r := range res.Checked {
			fmt.Fprintln(w, u.T("appzip.kept", filepath.Base(r.Path), u.T("appzip.status."+string(r.Status))))
		}
		for _, b := range res.Older {
			switch {
			case res.Refused:
				fmt.Fprintln(w, u.T("appzip.notremoved", filepath.Base(b.Path)))
			case out.DryRun:
				fmt.Fprintln(w, u.T("appzip.wouldremove", filepath.Base(b.Path), humanBytes(b.Size)))
			case slices.Contains(res.Removed, b.Path):
				fmt.Fprintln(w, u.T("appzip.removed", filepath.Base(b.Path), humanBytes(b.Size)))
			default:
				fmt.Fprintln(w, u.T("appzip.removefailed", filepath.Base(b.Path), res.Failed[b.Path]))
			}
		}
		if len(res.Older) == 0 {
			fmt.Fprintln(w, u.T("appzip.nothing", len(res.Checked), out.keep))
		} else if !res.Refused {
			fmt.Fprintln(w, u.T("appzip.freed", humanBytes(out.Freed)))
		}
	})
}
