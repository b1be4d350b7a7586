package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/migrate"
	"github.com/efbackup/efbackup/retention"
	"github.com/efbackup/efbackup/schedule"
	"github.com/urfave/cli/v2"
)

func init() {
	extraCommands = append(extraCommands, scheduleCommand, runScheduledCommand)
}

// scheduleEnv is the system the schedule commands work on. Tests point it
// at fake tools through PATH and at a temporary config folder through
// XDG_CONFIG_HOME, like any user could.
var scheduleEnv = schedule.DefaultEnv

type scheduleOptions struct {
	Install       string
	Out           string
	Label         string
	Daily         string
	Keep          keepOptions
	SkipUnchanged bool
	Backend       string
	WhenLoggedOn  bool
	Exe           string
}

// scheduleCommand is one command whose first argument says what to do:
// install, show or remove. (Flags may come before or after it: main moves
// them in front of the arguments.)
func scheduleCommand(u *ui) *cli.Command {
	var opts scheduleOptions
	flags := []cli.Flag{
		&cli.StringFlag{Name: "install", Usage: u.T("flag.install"), Destination: &opts.Install},
		&cli.StringFlag{Name: "out", Usage: u.T("flag.out"), Destination: &opts.Out},
		&cli.StringFlag{Name: "label", Usage: u.T("flag.label"), Destination: &opts.Label},
		&cli.StringFlag{Name: "daily", Usage: u.T("flag.daily"), Destination: &opts.Daily},
		&cli.BoolFlag{Name: "skip-unchanged", Usage: u.T("flag.skipunchanged"), Destination: &opts.SkipUnchanged},
		&cli.StringFlag{Name: "backend", Usage: u.T("flag.backend"), Value: "auto", Destination: &opts.Backend},
		&cli.BoolFlag{Name: "when-logged-on", Usage: u.T("flag.whenloggedon"), Destination: &opts.WhenLoggedOn},
		&cli.StringFlag{Name: "exe", Usage: u.T("flag.exe"), Hidden: true, Destination: &opts.Exe},
	}
	return &cli.Command{
		Name:  "schedule",
		Usage: u.T("schedule.usage"),
		UsageText: "efbackup schedule install|show --install DIR [--out DIR] [--label NAME] --daily HH:MM [--keep-... N]\n" +
			"                  [--skip-unchanged] [--backend auto|schtasks|systemd|cron|launchd] [--when-logged-on]\n" +
			"efbackup schedule remove --install DIR | --label NAME [--backend ...]",
		Description: u.T("schedule.description"),
		Flags:       append(flags, keepFlags(u, &opts.Keep)...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return u.usageErr("err.extraargs", c.Args().Get(1))
			}
			switch c.Args().First() {
			case "install":
				return runScheduleInstall(c, u, opts, false)
			case "show":
				return runScheduleInstall(c, u, opts, true)
			case "remove":
				return runScheduleRemove(c, u, opts)
			}
			return u.usageErr("err.schedulesub", c.Args().First())
		},
	}
}

// scheduleSpec resolves the flags into what will run every day. Paths are
// made absolute now: the scheduled run starts in another folder, without
// EFBACKUP_OUT.
func scheduleSpec(c *cli.Context, u *ui, opts scheduleOptions) (schedule.Spec, error) {
	var s schedule.Spec
	if opts.Install == "" {
		return s, u.usageErr("err.needinstallonly")
	}
	if opts.Daily == "" {
		return s, u.usageErr("err.needdaily")
	}
	if _, _, err := schedule.ParseDaily(opts.Daily); err != nil {
		return s, u.usageErr("err.daily", opts.Daily)
	}
	if _, _, err := opts.Keep.policy(u, c); err != nil {
		return s, err
	}
	t, err := resolveSnapshotTarget(u, snapshotOptions{Install: opts.Install, Out: opts.Out, Label: opts.Label})
	if err != nil {
		return s, err
	}
	exe := opts.Exe
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return s, err
		}
		if r, err := filepath.EvalSymlinks(exe); err == nil {
			exe = r
		}
	}
	if !schedule.IsAbs(exe) {
		// --exe names a program for another system as it is (a Windows
		// path shown on Linux); a relative one is made absolute here.
		if exe, err = filepath.Abs(exe); err != nil {
			return s, err
		}
	}
	s = schedule.Spec{Label: t.Label, Exe: exe, Install: t.Install, Out: t.Out, Daily: opts.Daily, WhenLoggedOn: opts.WhenLoggedOn}
	s.Args = opts.Keep.forward(c)
	if opts.SkipUnchanged {
		s.Args = append(s.Args, "--skip-unchanged")
	}
	s.Args = append(s.Args, "--lang", string(u.lang))
	if runtime.GOOS == "windows" {
		if cur, err := user.Current(); err == nil {
			s.User = cur.Username
		}
	}
	if err := s.Validate(); err != nil {
		return s, u.usageErr("err.schedulespec", err.Error())
	}
	return s, nil
}

type scheduleOutput struct {
	Installed bool             `json:"installed"`
	DryRun    bool             `json:"dry_run"`
	Spec      schedule.Spec    `json:"spec"`
	Command   []string         `json:"command"`
	Plan      *schedule.Plan   `json:"plan"`
	Current   *schedule.Status `json:"current,omitempty"`
}

func runScheduleInstall(c *cli.Context, u *ui, opts scheduleOptions, show bool) error {
	s, err := scheduleSpec(c, u, opts)
	if err != nil {
		return err
	}
	env := scheduleEnv()
	env.Hook = scheduleHook(testSlow())
	b, err := env.Backend(c.Context, opts.Backend)
	if err != nil {
		return u.usageErr("err.backend", opts.Backend, strings.Join(schedule.Backends, ", "))
	}
	out := scheduleOutput{Spec: s, Command: append([]string{s.Exe}, s.Command()...), DryRun: show}
	if show {
		out.Plan, err = env.PlanWithRecord(b, s)
		if err != nil {
			return err
		}
		if st, err := b.Query(c.Context, s.Label); err == nil {
			out.Current = st
		}
	} else {
		out.Plan, err = env.Install(c.Context, b, s)
		if out.Plan != nil {
			reportLeftovers(u, out.Plan.Leftovers)
		}
		if err != nil {
			var no *schedule.NotOursError
			if errors.As(err, &no) {
				return &usageError{msg: u.T("schedule.notours", no.What), hint: u.T("hint.notours")}
			}
			return err
		}
		out.Installed = true
	}
	return u.result(out, func(w io.Writer) {
		if show {
			fmt.Fprintln(w, u.T("schedule.showheader", out.Plan.Backend))
		} else {
			fmt.Fprintln(w, u.T("schedule.installed", out.Plan.Backend, s.Daily))
		}
		fmt.Fprintln(w, u.T("schedule.runs", strings.Join(out.Command, " ")))
		if show {
			for _, f := range out.Plan.Files {
				key := "schedule.file"
				if f.Temporary {
					key = "schedule.tempfile"
				}
				fmt.Fprintln(w, u.T(key, f.Path))
				for _, l := range strings.SplitAfter(f.Content, "\n") {
					if l != "" {
						fmt.Fprint(w, "    "+l)
					}
				}
			}
			for _, cmd := range out.Plan.Commands {
				fmt.Fprintln(w, u.T("schedule.command", strings.Join(cmd.Args, " ")))
				if cmd.Stdin != "" {
					fmt.Fprint(w, u.T("schedule.stdin")+"\n    "+cmd.Stdin)
				}
			}
			if out.Current != nil && out.Current.Installed {
				fmt.Fprintln(w, u.T("schedule.alreadyinstalled"))
			}
		}
		for _, n := range out.Plan.Notes {
			fmt.Fprintln(w, u.T("schedule.note."+n))
		}
		fmt.Fprintln(w, u.T("schedule.logat", filepath.Join(s.Out, schedule.RunLogName)))
	})
}

// scheduleHook is the test hook of schedule install. A point reached more
// than once is also offered as POINT#N (the N-th time), so that a test can
// stop the install at, say, the second file's rename:
// EFBACKUP_TEST_KILL_AT=schedule-file-written#2. EFBACKUP_TEST_SLOW_MS
// pauses at every point, so that random kills land between them. Unset,
// it does nothing.
func scheduleHook(slow time.Duration) func(string) {
	seen := map[string]int{}
	return func(point string) {
		seen[point]++
		testHook(point)
		testHook(fmt.Sprintf("%s#%d", point, seen[point]))
		if slow > 0 {
			time.Sleep(slow)
		}
	}
}

func runScheduleRemove(c *cli.Context, u *ui, opts scheduleOptions) error {
	label := opts.Label
	if label == "" && opts.Install != "" {
		in, err := migrate.Detect(opts.Install)
		if err != nil {
			return err
		}
		label = backup.SafeLabel(filepath.Base(in.Root))
	}
	if label == "" {
		return u.usageErr("err.removeneeds")
	}
	env := scheduleEnv()
	b, err := env.Backend(c.Context, opts.Backend)
	if err != nil {
		return u.usageErr("err.backend", opts.Backend, strings.Join(schedule.Backends, ", "))
	}
	removed, err := env.Remove(c.Context, b, label)
	var no *schedule.NotOursError
	switch {
	case errors.Is(err, schedule.ErrNotInstalled):
		return &usageError{msg: u.T("schedule.notinstalled", label, b.Name()), hint: u.T("hint.scheduleshow")}
	case errors.As(err, &no):
		return &usageError{msg: u.T("schedule.notours", no.What), hint: u.T("hint.notours")}
	case err != nil:
		return err
	}
	out := struct {
		Label   string   `json:"label"`
		Backend string   `json:"backend"`
		Removed []string `json:"removed"`
	}{label, b.Name(), removed}
	return u.result(out, func(w io.Writer) {
		fmt.Fprintln(w, u.T("schedule.removed", label, b.Name()))
		for _, r := range removed {
			fmt.Fprintln(w, "  "+r)
		}
	})
}

// run-scheduled is what the schedule runs: a snapshot, then a prune of the
// label's snapshots, then one line in the run log. It is hidden from the
// help: people run snapshot and prune.
type runScheduledOptions struct {
	Install       string
	Out           string
	Label         string
	Keep          keepOptions
	SkipUnchanged bool
	NoPrune       bool
}

func runScheduledCommand(u *ui) *cli.Command {
	var opts runScheduledOptions
	return &cli.Command{
		Name:      "run-scheduled",
		Usage:     u.T("runscheduled.usage"),
		UsageText: "efbackup run-scheduled --install DIR --out DIR [--label NAME] [--keep-... N] [--skip-unchanged] [--no-prune]",
		Hidden:    true,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "install", Usage: u.T("flag.install"), Destination: &opts.Install},
			&cli.StringFlag{Name: "out", Usage: u.T("flag.out"), Destination: &opts.Out},
			&cli.StringFlag{Name: "label", Usage: u.T("flag.label"), Destination: &opts.Label},
			&cli.BoolFlag{Name: "skip-unchanged", Usage: u.T("flag.skipunchanged"), Destination: &opts.SkipUnchanged},
			&cli.BoolFlag{Name: "no-prune", Usage: u.T("flag.noprune"), Destination: &opts.NoPrune},
		}, keepFlags(u, &opts.Keep)...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return u.usageErr("err.extraargs", c.Args().First())
			}
			return runScheduled(c, u, opts)
		},
	}
}

// nestedResult is what a command run through the real main left.
type nestedResult struct {
	Code   int
	Stdout []byte
	Error  *jsonError // nil when it succeeded
}

// nested runs another efbackup command through the real main, with --json,
// so that its result and its failure are read exactly as a script would.
// Warnings on its stderr pass through.
func nested(u *ui, args ...string) nestedResult {
	var stdout, stderr bytes.Buffer
	full := append([]string{"efbackup", "--lang", string(u.lang), "--json"}, args...)
	code := run(full, u.stdin, &stdout, &stderr)
	res := nestedResult{Code: code, Stdout: stdout.Bytes()}
	sc := bufio.NewScanner(&stderr)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, `{"error":`) {
			var je jsonError
			if json.Unmarshal([]byte(line), &je) == nil {
				res.Error = &je
				continue
			}
		}
		if !u.quiet {
			fmt.Fprintln(u.stderr, line)
		}
	}
	return res
}

func outcomeOf(code int, kind string) string {
	if kind == "locked" {
		return schedule.OutcomeLocked
	}
	switch code {
	case ExitOK:
		return schedule.OutcomeOK
	case ExitUsage:
		return schedule.OutcomeUsage
	case ExitIntegrity:
		return schedule.OutcomeIntegrity
	case ExitInUse:
		return schedule.OutcomeInUse
	case ExitInterrupted:
		return schedule.OutcomeInterrupted
	}
	return schedule.OutcomeFailed
}

func runScheduled(c *cli.Context, u *ui, opts runScheduledOptions) error {
	if opts.Install == "" || opts.Out == "" {
		return u.usageErr("err.runscheduledneeds")
	}
	if _, _, err := opts.Keep.policy(u, c); err != nil {
		return err
	}
	start := time.Now()
	host, _ := os.Hostname()
	rec := schedule.RunRecord{Time: start.UTC().Truncate(time.Second), Label: opts.Label, Host: host}
	t, err := resolveSnapshotTarget(u, snapshotOptions{Install: opts.Install, Out: opts.Out, Label: opts.Label})
	if err != nil {
		// The install moved or the schedule is stale: record it where the
		// log would be, so that doctor and list can tell.
		rec.Outcome, rec.ExitCode = outcomeOf(exitCode(err), ""), exitCode(err)
		rec.Message, rec.Hint = describeError(u.lang, err)
		return finishScheduled(u, opts.Out, rec, start, err)
	}
	rec.Label = t.Label

	unchanged := false
	if opts.SkipUnchanged {
		same, newest, err := retention.Unchanged(c.Context, t.DB, t.Out, t.Label, dbChecks())
		switch {
		case err != nil && c.Context.Err() != nil:
			rec.Outcome, rec.ExitCode = schedule.OutcomeInterrupted, ExitInterrupted
			return finishScheduled(u, t.Out, rec, start, nil)
		case err != nil:
			// Could not compare (the app is writing, ...): the snapshot
			// decides and reports.
			u.info("%s", u.T("runscheduled.nocompare", err))
		case same:
			unchanged = true
			rec.Outcome, rec.Snapshot = schedule.OutcomeUnchanged, filepath.Base(newest)
		}
	}
	if !unchanged {
		r := nested(u, "snapshot", "--install", t.Install, "--out", t.Out, "--label", t.Label)
		rec.ExitCode = r.Code
		kind := ""
		if r.Error != nil {
			kind = r.Error.Error.Kind
			rec.Message, rec.Hint = r.Error.Error.Message, r.Error.Error.Hint
		}
		rec.Outcome = outcomeOf(r.Code, kind)
		var sr struct {
			Snapshot string `json:"snapshot"`
		}
		if json.Unmarshal(r.Stdout, &sr) == nil && sr.Snapshot != "" {
			rec.Snapshot = filepath.Base(sr.Snapshot)
		}
		if r.Code != ExitOK {
			if rec.Message == "" && r.Code == ExitIntegrity {
				rec.Message = u.T("runscheduled.damaged", rec.Snapshot)
			}
			return finishScheduled(u, t.Out, rec, start, nil)
		}
	}
	if !opts.NoPrune {
		args := append([]string{"prune", "--out", t.Out, "--label", t.Label}, opts.Keep.forward(c)...)
		r := nested(u, args...)
		var pr struct {
			Removed int `json:"removed"`
		}
		if json.Unmarshal(r.Stdout, &pr) == nil {
			rec.Pruned = pr.Removed
		}
		if r.Code != ExitOK {
			kind := ""
			if r.Error != nil {
				kind = r.Error.Error.Kind
				rec.Message, rec.Hint = r.Error.Error.Message, r.Error.Error.Hint
			} else if r.Code == ExitIntegrity {
				rec.Message = u.T("runscheduled.prunedamaged")
			}
			rec.ExitCode, rec.Outcome = r.Code, outcomeOf(r.Code, kind)
		}
	}
	return finishScheduled(u, t.Out, rec, start, nil)
}

// finishScheduled appends the run to the log, prints the summary and sets
// the exit code. The log is written only into an existing folder: a
// missing snapshot folder is often an unplugged USB drive, and creating
// it would put the log on the internal disk.
func finishScheduled(u *ui, out string, rec schedule.RunRecord, start time.Time, cause error) error {
	rec.Seconds = float64(time.Since(start).Milliseconds()) / 1000
	if fi, err := os.Stat(out); err == nil && fi.IsDir() {
		left, err := schedule.AppendRun(out, rec)
		if err != nil {
			u.warn(u.T("runscheduled.nolog", filepath.Join(out, schedule.RunLogName), err), "")
		}
		reportLeftovers(u, left)
	} else {
		u.warn(u.T("runscheduled.nolog", filepath.Join(out, schedule.RunLogName), u.T("runscheduled.nofolder")), "")
	}
	if err := u.result(rec, func(w io.Writer) {
		switch rec.Outcome {
		case schedule.OutcomeOK:
			fmt.Fprintln(w, u.T("runscheduled.ok", rec.Snapshot, rec.Pruned))
		case schedule.OutcomeUnchanged:
			fmt.Fprintln(w, u.T("runscheduled.unchanged", rec.Snapshot, rec.Pruned))
		default:
			fmt.Fprintln(w, u.T("runscheduled.failed", rec.Outcome, rec.ExitCode))
		}
	}); err != nil {
		return err
	}
	if cause != nil && !u.json {
		return cause
	}
	if rec.ExitCode != ExitOK {
		if !u.json && rec.Message != "" {
			u.warn(lowerFirst(rec.Message), rec.Hint)
		}
		u.deferredExit = rec.ExitCode
	}
	return nil
}

// snapshotUnchanged is snapshot --skip-unchanged: when db/ is
// byte-identical to the label's newest snapshot (same content_id, and that
// snapshot verifies), it prints "unchanged since <snapshot>" and reports
// done, and no new archive is written. In cmd_snapshot.go, after
// resolveSnapshotTarget:
//
//	if opts.SkipUnchanged {
//		if done, err := snapshotUnchanged(c.Context, u, t.DB, t.Out, t.Label); done || err != nil {
//			return err
//		}
//	}
func snapshotUnchanged(ctx context.Context, u *ui, db, out, label string) (done bool, err error) {
	same, newest, err := retention.Unchanged(ctx, db, out, label, dbChecks())
	if err != nil || !same {
		return false, err
	}
	rep := struct {
		Unchanged bool   `json:"unchanged"`
		Snapshot  string `json:"snapshot"`
		Label     string `json:"label"`
		Source    string `json:"source"`
	}{true, newest, label, db}
	return true, u.result(rep, func(w io.Writer) { fmt.Fprintln(w, u.T("snapshot.unchanged", newest)) })
}

// lastScheduledRun is the record list shows (an alias, so that list needs
// no import for it).
type lastScheduledRun = schedule.RunRecord

// scheduledRunNote is for list: the last scheduled run recorded in dir's
// run log, and a line saying how it ended ("" when there is none).
func scheduledRunNote(u *ui, dir string) (*lastScheduledRun, string) {
	r, err := schedule.LastRun(dir)
	if err != nil || r == nil {
		return nil, ""
	}
	when := r.Time.Local().Format("2006-01-02 15:04")
	switch r.Outcome {
	case schedule.OutcomeOK, schedule.OutcomeUnchanged:
		return r, u.T("list.lastrun", when, r.Outcome, r.Snapshot)
	}
	return r, u.T("list.lastrunfailed", when, r.Outcome, r.ExitCode, r.Message)
}
