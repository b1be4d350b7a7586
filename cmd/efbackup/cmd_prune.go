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
	"github.com/efbackup/efbackup/retention"
	"github.com/efbackup/efbackup/verify/appzip"
	"github.com/urfave/cli/v2"
)

func init() { extraCommands = append(extraCommands, pruneCommand) }

// keepOptions are the --keep-... rules, shared by prune, schedule and
// run-scheduled.
type keepOptions struct {
	Last, Daily, Weekly, Monthly, Yearly int
	Within                               string
}

var keepFlagNames = []string{"keep-last", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly", "keep-within"}

func keepFlags(u *ui, k *keepOptions) []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "keep-last", Usage: u.T("flag.keeplast"), Destination: &k.Last},
		&cli.IntFlag{Name: "keep-daily", Usage: u.T("flag.keepdaily"), Destination: &k.Daily},
		&cli.IntFlag{Name: "keep-weekly", Usage: u.T("flag.keepweekly"), Destination: &k.Weekly},
		&cli.IntFlag{Name: "keep-monthly", Usage: u.T("flag.keepmonthly"), Destination: &k.Monthly},
		&cli.IntFlag{Name: "keep-yearly", Usage: u.T("flag.keepyearly"), Destination: &k.Yearly},
		&cli.StringFlag{Name: "keep-within", Usage: u.T("flag.keepwithin"), Destination: &k.Within},
	}
}

// anyKeepSet reports whether a --keep-... rule was given.
func anyKeepSet(c *cli.Context) bool {
	for _, n := range keepFlagNames {
		if c.IsSet(n) {
			return true
		}
	}
	return false
}

// policy turns the flags into rules; with none given, the documented
// defaults apply.
func (k keepOptions) policy(u *ui, c *cli.Context) (p retention.Policy, isDefault bool, err error) {
	if !anyKeepSet(c) {
		return retention.DefaultPolicy(), true, nil
	}
	for _, f := range []struct {
		name string
		v    int
		dst  *int
	}{{"keep-last", k.Last, &p.Last}, {"keep-daily", k.Daily, &p.Daily}, {"keep-weekly", k.Weekly, &p.Weekly}, {"keep-monthly", k.Monthly, &p.Monthly}, {"keep-yearly", k.Yearly, &p.Yearly}} {
		if f.v < retention.Unlimited {
			return p, false, u.usageErr("err.keepcount", f.name, f.v)
		}
		*f.dst = f.v
	}
	if c.IsSet("keep-within") {
		d, err := retention.ParseDuration(k.Within)
		if err != nil {
			return p, false, u.usageErr("err.keepwithin", k.Within)
		}
		p.Within = d
	}
	if p.Empty() {
		// Every rule given as 0: that would keep only what the safety
		// rules keep. Say so instead of guessing.
		return p, false, u.usageErr("err.keepnone")
	}
	return p, false, nil
}

// forward returns the --keep-... flags as given, to pass on to a prune.
func (k keepOptions) forward(c *cli.Context) []string {
	var out []string
	vals := map[string]string{
		"keep-last": fmt.Sprint(k.Last), "keep-daily": fmt.Sprint(k.Daily), "keep-weekly": fmt.Sprint(k.Weekly),
		"keep-monthly": fmt.Sprint(k.Monthly), "keep-yearly": fmt.Sprint(k.Yearly), "keep-within": k.Within,
	}
	for _, n := range keepFlagNames {
		if c.IsSet(n) {
			out = append(out, "--"+n, vals[n])
		}
	}
	return out
}

func policyText(u *ui, p retention.Policy, isDefault bool) string {
	var parts []string
	for _, r := range []struct {
		name string
		n    int
	}{{"keep-last", p.Last}, {"keep-daily", p.Daily}, {"keep-weekly", p.Weekly}, {"keep-monthly", p.Monthly}, {"keep-yearly", p.Yearly}} {
		switch {
		case r.n == retention.Unlimited:
			parts = append(parts, r.name+" "+u.T("prune.unlimited"))
		case r.n > 0:
			parts = append(parts, fmt.Sprintf("%s %d", r.name, r.n))
		}
	}
	if !p.Within.Zero() {
		parts = append(parts, "keep-within "+p.Within.String())
	}
	s := strings.Join(parts, ", ")
	if isDefault {
		s += " " + u.T("prune.defaultrules")
	}
	return s
}

type pruneOptions struct {
	Out        string
	Labels     cli.StringSlice
	Keep       keepOptions
	DryRun     bool
	LockWait   time.Duration
	AppBackups bool
	Install    string
	KeepN      int
}

func pruneCommand(u *ui) *cli.Command {
	var opts pruneOptions
	flags := []cli.Flag{
		&cli.StringFlag{Name: "out", Usage: u.T("flag.listout"), Destination: &opts.Out},
		&cli.StringSliceFlag{Name: "label", Usage: u.T("flag.prunelabel"), Destination: &opts.Labels},
		&cli.BoolFlag{Name: "dry-run", Usage: u.T("flag.dryrun"), Destination: &opts.DryRun},
		&cli.DurationFlag{Name: "lock-wait", Usage: u.T("flag.lockwait"), Value: defaultLockWait(), Destination: &opts.LockWait},
		&cli.BoolFlag{Name: "app-backups", Usage: u.T("flag.pruneappbackups"), Destination: &opts.AppBackups},
		&cli.StringFlag{Name: "install", Usage: u.T("flag.install"), Destination: &opts.Install},
		&cli.IntFlag{Name: "keep", Usage: u.T("flag.keepn"), Destination: &opts.KeepN},
	}
	return &cli.Command{
		Name:  "prune",
		Usage: u.T("prune.usage"),
		UsageText: "efbackup prune [--out DIR] [--label NAME]... [--keep-last N] [--keep-daily N] [--keep-weekly N] [--keep-monthly N]\n" +
			"               [--keep-yearly N] [--keep-within DURATION] [--dry-run]\n" +
			"efbackup prune --app-backups --install DIR --keep N [--dry-run]",
		Description: u.T("prune.description"),
		Flags:       append(flags, keepFlags(u, &opts.Keep)...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return u.usageErr("err.extraargs", c.Args().First())
			}
			if opts.AppBackups {
				if anyKeepSet(c) || c.IsSet("out") || c.IsSet("label") {
					return u.usageErr("err.appbackupsflags")
				}
				return runPruneAppBackups(c, u, opts)
			}
			if c.IsSet("keep") || c.IsSet("install") {
				return u.usageErr("err.keepnotapp")
			}
			return runPrune(c, u, opts)
		},
	}
}

// defaultLockWait is how long a writer waits for another efbackup to
// release a snapshot folder: EFBACKUP_LOCK_WAIT, else 5 s.
func defaultLockWait() time.Duration {
	if v := os.Getenv("EFBACKUP_LOCK_WAIT"); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return folderlock.DefaultWait
}

// lockedError is a snapshot folder held by another efbackup process.
// It exits 1, like any failure; with the main.go patch it gets the JSON
// kind "locked" and its hint.
type lockedError struct {
	msg, hint string
	holder    *folderlock.Info
}

func (e *lockedError) Error() string { return e.msg }

func lockErr(u *ui, err error) error {
	var le *folderlock.LockedError
	if !errors.As(err, &le) {
		return err
	}
	if le.Holder == nil {
		return &lockedError{msg: u.T("lock.heldunknown", le.Dir), hint: u.T("hint.locked", filepath.Join(le.Dir, folderlock.Name))}
	}
	h := le.Holder
	return &lockedError{msg: u.T("lock.held", le.Dir, h.Command, h.PID, h.Host, h.Time.Local().Format("2006-01-02 15:04:05")),
		hint: u.T("hint.locked", filepath.Join(le.Dir, folderlock.Name)), holder: h}
}

func warnTakeover(u *ui, dir string, over *folderlock.Info) {
	if over == nil {
		return
	}
	u.warn(u.T("lock.takenover", dir, over.Command, over.PID, over.Host, over.Why), "")
}

// lockFolder takes the folder lock for a command that writes into a
// snapshot folder, says so when it took over a stale lock, and returns
// the release. snapshot calls it with command "snapshot":
//
//	release, err := lockFolder(u, t.Out, "snapshot")
//	if err != nil {
//		return err
//	}
//	defer release()
func lockFolder(u *ui, dir, command string) (release func(), err error) {
	l, over, err := folderlock.Acquire(dir, folderlock.Options{Wait: defaultLockWait(), Command: command})
	if err != nil {
		return func() {}, lockErr(u, err)
	}
	warnTakeover(u, dir, over)
	reportLeftovers(u, l.Leftovers())
	return func() {
		if err := l.Release(); err != nil {
			u.warn(err.Error(), "")
		}
	}, nil
}

type pruneOutput struct {
	*retention.Plan
	DryRun        bool              `json:"dry_run"`
	DefaultPolicy bool              `json:"default_policy"`
	Removed       int               `json:"removed"`
	RemovedBytes  int64             `json:"removed_bytes"`
	TakenOver     *folderlock.Info  `json:"taken_over_lock,omitempty"`
	Damaged       []string          `json:"damaged"`
	Failed        map[string]string `json:"failed,omitempty"`
}

func runPrune(c *cli.Context, u *ui, opts pruneOptions) error {
	policy, isDefault, err := opts.Keep.policy(u, c)
	if err != nil {
		return err
	}
	dir := opts.Out
	if dir == "" {
		dir = os.Getenv("EFBACKUP_OUT")
	}
	if dir == "" {
		return u.usageErr("err.pruneneedsout")
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return u.usageErr("err.nofolder", dir)
	}
	for _, l := range opts.Labels.Value() {
		if l == "" || strings.ContainsAny(l, `/\`) {
			return u.usageErr("err.prunelabel", l)
		}
	}
	po := retention.PruneOptions{
		PlanOptions: retention.PlanOptions{
			Policy: policy, Labels: opts.Labels.Value(),
			Read:     readOptions(),
			OnVerify: func(p string) { u.info("%s", u.T("prune.verifying", filepath.Base(p))) },
		},
		DryRun: opts.DryRun,
		Lock:   folderlock.Options{Wait: opts.LockWait, Command: "prune"},
		Hook:   pruneHook(testSlow()),
	}
	if opts.LockWait == 0 {
		po.Lock.Wait = -1
	}
	plan, over, err := retention.Prune(c.Context, dir, po)
	if plan == nil {
		return lockErr(u, err)
	}
	execErr := err
	out := pruneOutput{Plan: plan, DryRun: opts.DryRun, DefaultPolicy: isDefault, TakenOver: over, Damaged: []string{}}
	warnTakeover(u, dir, over)
	reportLeftovers(u, plan.Leftovers)
	noneGood := 0
	for _, g := range plan.Groups {
		if g.NewestGood == "" {
			noneGood++
		}
		for _, d := range g.Decisions {
			if d.Verified == retention.VerifiedDamaged || d.Verified == retention.VerifiedDBDamage {
				out.Damaged = append(out.Damaged, d.Path)
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
	if err := u.result(out, func(w io.Writer) { printPrune(w, u, out, policy, isDefault) }); err != nil {
		return err
	}
	switch {
	case execErr != nil:
		return execErr
	case noneGood > 0 || len(out.Damaged) > 0:
		if u.json {
			u.deferredExit = ExitIntegrity
			return nil
		}
		if noneGood > 0 {
			return &integrityFinding{msg: u.T("prune.nonegood", noneGood), hint: u.T("hint.prunenonegood")}
		}
		return &integrityFinding{msg: u.T("prune.damaged", len(out.Damaged)), hint: u.T("hint.integrity")}
	}
	return nil
}

// pruneHook is the test hook, with the pause EFBACKUP_TEST_SLOW_MS asks
// for after each file removed, so that the crash tests' random kills land
// among the removals. Unset, it only calls testHook (inert).
func pruneHook(slow time.Duration) func(string) {
	return func(point string) {
		testHook(point)
		if slow > 0 && (point == "prune-sidecar-removed" || point == "prune-snapshot-removed") {
			time.Sleep(slow)
		}
	}
}

// readOptions are the verify options prune uses: the database checks too,
// so that a snapshot of a damaged database does not count as good.
func readOptions() backup.ReadOptions {
	return backup.ReadOptions{NewChecker: dbChecks(), FolderChecks: dbFolderChecks()}
}

func printPrune(w io.Writer, u *ui, out pruneOutput, policy retention.Policy, isDefault bool) {
	fmt.Fprintln(w, u.T("prune.rules", out.Dir, policyText(u, policy, isDefault)))
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
	if out.DryRun {
		fmt.Fprintln(w, u.T("prune.drysummary", out.Removed, humanBytes(out.RemovedBytes)))
	} else {
		fmt.Fprintln(w, u.T("prune.summary", out.Removed, humanBytes(out.RemovedBytes)))
	}
}

// runPruneAppBackups removes the older zips in the install's backup/
// folder, but only when the newest --keep all read back complete.
func runPruneAppBackups(c *cli.Context, u *ui, opts pruneOptions) error {
	if opts.Install == "" {
		return u.usageErr("err.needinstallonly")
	}
	if !c.IsSet("keep") || opts.KeepN < 1 {
		return u.usageErr("err.keepn")
	}
	in, err := migrate.Detect(opts.Install)
	if err != nil {
		return err
	}
	dir := filepath.Join(in.Root, "backup")
	res, err := appzip.Prune(c.Context, dir, opts.KeepN, opts.DryRun)
	if err != nil {
		return err
	}
	out := struct {
		*appzip.PruneResult
		DryRun bool  `json:"dry_run"`
		Freed  int64 `json:"freed_bytes"`
	}{PruneResult: res, DryRun: opts.DryRun}
	for _, b := range res.Older {
		if !res.Refused && (opts.DryRun || contains(res.Removed, b.Path)) {
			out.Freed += b.Size
		}
	}
	if err := u.result(out, func(w io.Writer) {
		for _, r := range res.Checked {
			fmt.Fprintln(w, u.T("appzip.kept", filepath.Base(r.Path), u.T("appzip.status."+string(r.Status))))
		}
		for _, b := range res.Older {
			switch {
			case res.Refused:
				fmt.Fprintln(w, u.T("appzip.notremoved", filepath.Base(b.Path)))
			case opts.DryRun:
				fmt.Fprintln(w, u.T("appzip.wouldremove", filepath.Base(b.Path), humanBytes(b.Size)))
			case contains(res.Removed, b.Path):
				fmt.Fprintln(w, u.T("appzip.removed", filepath.Base(b.Path), humanBytes(b.Size)))
			default:
				fmt.Fprintln(w, u.T("appzip.removefailed", filepath.Base(b.Path), res.Failed[b.Path]))
			}
		}
		if len(res.Older) == 0 {
			fmt.Fprintln(w, u.T("appzip.nothing", len(res.Checked), opts.KeepN))
		} else if !res.Refused {
			fmt.Fprintln(w, u.T("appzip.freed", humanBytes(out.Freed)))
		}
	}); err != nil {
		return err
	}
	if res.Refused {
		bad := make([]string, len(res.Incomplete))
		for i, p := range res.Incomplete {
			bad[i] = filepath.Base(p)
		}
		if u.json {
			u.deferredExit = ExitIntegrity
			return nil
		}
		return &integrityFinding{msg: u.T("appzip.refused", opts.KeepN, strings.Join(bad, ", ")), hint: u.T("hint.appzip")}
	}
	if len(res.Failed) > 0 {
		for p, e := range res.Failed {
			return fmt.Errorf("%s: %s", p, e)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
