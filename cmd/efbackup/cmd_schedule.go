package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/internal/inuse"
	"github.com/efbackup/efbackup/internal/volume"
	"github.com/efbackup/efbackup/migrate"
	"github.com/efbackup/efbackup/notify"
	"github.com/efbackup/efbackup/retention"
	"github.com/efbackup/efbackup/schedule"
	"github.com/efbackup/efbackup/store/location"
	"github.com/efbackup/efbackup/store/s3"
	"github.com/urfave/cli/v2"
)

// scheduleEnv is the system the schedule commands work on. Tests point it
// at fake tools through PATH and at a temporary config folder through
// XDG_CONFIG_HOME, like any user could.
var scheduleEnv = schedule.DefaultEnv

// scheduleOptions: the daily run to install, show or remove.
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
	// Encrypt are the public keys every scheduled snapshot is encrypted
	// to; a passphrase is refused.
	Encrypt encryptOptions
	CopyTo  string
	Store   storeOptions
	Lock    lockOptions
	// CreateOut makes the snapshot folder when it is missing (install).
	CreateOut bool
	// AnyDrive records no drive: any drive at the folder's place will do
	// (two USB drives used in turn). NewDrive accepts a drive other than
	// the one an installed schedule of the label records.
	AnyDrive bool
	NewDrive bool
	// Notify is a web hook's URL; AlertAfter the days without a good
	// snapshot before every try raises the alarm.
	Notify     string
	AlertAfter int
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
		&cli.GenericFlag{Name: "encrypt-to", Usage: u.T("flag.scheduleencryptto"), Value: &opts.Encrypt.To},
		&cli.GenericFlag{Name: "encrypt-to-file", Usage: u.T("flag.scheduleencrypttofile"), Value: &opts.Encrypt.ToFiles},
		&cli.StringFlag{Name: "passphrase-file", Usage: u.T("flag.schedulepassphrase"), Destination: &opts.Encrypt.PassphraseFile},
		&cli.StringFlag{Name: "copy-to", Usage: u.T("flag.schedcopyto"), Destination: &opts.CopyTo},
		&cli.BoolFlag{Name: "create-out", Usage: u.T("flag.createout"), Destination: &opts.CreateOut},
		&cli.BoolFlag{Name: "any-drive", Usage: u.T("flag.anydrive"), Destination: &opts.AnyDrive},
		&cli.BoolFlag{Name: "new-drive", Usage: u.T("flag.newdrive"), Destination: &opts.NewDrive},
		&cli.StringFlag{Name: "notify", Usage: u.T("flag.notify"), Destination: &opts.Notify},
		&cli.IntFlag{Name: "alert-after", Usage: u.T("flag.alertafter"), Value: defaultAlertAfter, Destination: &opts.AlertAfter},
	}
	flags = append(append(flags, storeFlags(u, &opts.Store)...), lockFlags(u, &opts.Lock)...)
	return &cli.Command{
		Name:  "schedule",
		Usage: u.T("schedule.usage"),
		UsageText: "efbackup schedule install|show --install DIR [--out DIR [--create-out] | s3://BUCKET/PREFIX] [--label NAME] --daily HH:MM [--keep-... N]\n" +
			"                  [--skip-unchanged] [--backend auto|schtasks|systemd|cron|launchd] [--when-logged-on]\n" +
			"                  [--any-drive | --new-drive] [--notify URL] [--alert-after DAYS]\n" +
			"                  [--encrypt-to age1... ...] [--encrypt-to-file FILE]\n" +
			"                  [--copy-to s3://BUCKET/PREFIX] [--s3-endpoint URL] [--s3-profile NAME] [--lock-days N] [--lock-mode MODE]\n" +
			"efbackup schedule remove --install DIR | --label NAME [--backend ...]",
		Description: u.T("schedule.description"),
		Flags:       append(flags, keepFlags(u)...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return u.usageErr("err.extraargs", c.Args().Get(1))
			}
			opts.Keep = keepFromFlags(c)
			switch c.Args().First() {
			case "install", "show":
				out, err := runScheduleInstall(c.Context, u, opts, c.Args().First() == "show")
				if err != nil {
					return err
				}
				return printScheduleInstall(u, out)
			case "remove":
				out, err := runScheduleRemove(c.Context, u, opts)
				if err != nil {
					return err
				}
				return printScheduleRemove(u, out)
			}
			return u.usageErr("err.schedulesub", c.Args().First())
		},
	}
}

// scheduleSpec resolves the flags into what will run every day. Paths are
// made absolute now: the scheduled run starts in another folder, without
// EFBACKUP_OUT.
func scheduleSpec(u *ui, opts scheduleOptions) (schedule.Spec, error) {
	var s schedule.Spec
	if opts.Install == "" {
		return s, u.usageErr("err.needinstallonly")
	}
	if opts.Daily == "" {
		return s, u.usageErr("err.needdaily")
	}
	if opts.AnyDrive && opts.NewDrive {
		return s, u.usageErr("err.anynewdrive")
	}
	if _, _, err := schedule.ParseDaily(opts.Daily); err != nil {
		return s, u.usageErr("err.daily", opts.Daily)
	}
	if _, _, err := opts.Keep.policy(u); err != nil {
		return s, err
	}
	if opts.Encrypt.PassphraseFile != "" {
		return s, &usageError{msg: u.T("err.schedulepassphrase"), hint: u.T("hint.schedulepassphrase")}
	}
	// Keys only, read now: the task stores public keys, never a secret,
	// and never a file it would depend on.
	rs, err := opts.Encrypt.recipients(u, false)
	if err != nil {
		return s, err
	}
	if len(rs) > 0 && opts.SkipUnchanged {
		return s, &usageError{msg: u.T("err.skipunchangedencrypted"), hint: u.T("hint.help")}
	}
	t, err := resolveSnapshotTarget(u, snapshotOptions{Install: opts.Install, Out: opts.Out, Label: opts.Label})
	if err != nil {
		return s, err
	}
	copyTo, err := resolveCopyTo(u, opts.CopyTo, t.Out)
	if err != nil {
		return s, err
	}
	if err := checkScheduleStores(u, &opts, t.Out, copyTo); err != nil {
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
	s.Args = opts.Keep.args()
	if opts.SkipUnchanged {
		s.Args = append(s.Args, "--skip-unchanged")
	}
	for _, r := range rs {
		s.Args = append(s.Args, "--encrypt-to", r.PublicKey())
	}
	if copyTo != "" {
		s.Args = append(s.Args, "--copy-to", copyTo)
	}
	// The keys stay where they are (a profile, the environment): the
	// schedule names at most the profile.
	s.Args = append(s.Args, opts.Store.args()...)
	s.Args = append(s.Args, opts.Lock.args()...)
	if opts.Notify != "" {
		if _, err := notify.ParseHook(opts.Notify); err != nil {
			return s, u.usageErr("err.notify", notify.Redact(opts.Notify))
		}
		s.Args = append(s.Args, "--notify", opts.Notify)
	}
	if opts.AlertAfter < 1 {
		return s, u.usageErr("err.alertafter", opts.AlertAfter)
	}
	if opts.AlertAfter != defaultAlertAfter {
		s.Args = append(s.Args, "--alert-after", fmt.Sprint(opts.AlertAfter))
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

// runScheduleInstall installs the daily run, or with show only says what
// installing would write and run.
func runScheduleInstall(ctx context.Context, u *ui, opts scheduleOptions, show bool) (*scheduleOutput, error) {
	s, err := scheduleSpec(u, opts)
	if err != nil {
		return nil, err
	}
	env := scheduleEnv()
	env.Hook = testHooks.At
	b, err := env.Backend(ctx, opts.Backend)
	if err != nil {
		return nil, u.usageErr("err.backend", opts.Backend, strings.Join(schedule.Backends, ", "))
	}
	if err := keyScheduleByInstall(u, env, opts, &s); err != nil {
		return nil, err
	}
	if !show {
		// The folder must be there now: its drive is what the runs will
		// insist on.
		if err := checkOut(u, s.Out, opts.CreateOut); err != nil {
			return nil, err
		}
	}
	notes := scheduleNotes(u, &s, opts)
	if !show && s.Drive != "" && !opts.NewDrive {
		if st, _ := env.Find(ctx, s.Label); st != nil && st.Installed && st.Spec != nil && st.Spec.Drive != "" &&
			st.Spec.Drive != s.Drive && fsutil.SamePath(st.Spec.Out, s.Out) {
			return nil, &driveError{msg: u.T("drive.changed", s.Out, st.Spec.DriveName, s.DriveName), hint: u.T("hint.newdrive")}
		}
	}
	out := &scheduleOutput{Spec: s, Command: append([]string{s.Exe}, s.Command()...), DryRun: show}
	if show {
		out.Plan, err = env.PlanWithRecord(b, s)
		if err != nil {
			return nil, err
		}
		out.Plan.Notes = append(append(out.Plan.Notes, notes...), s3Notes(opts, s)...)
		if st, err := b.Query(ctx, s.Label); err == nil {
			out.Current = st
		}
		return out, nil
	}
	if runtime.GOOS == "windows" {
		// Best effort: registering the Event Log source needs an
		// administrator; without it the messages are logged all the same.
		_ = notify.RegisterSource()
	}
	out.Plan, err = env.Install(ctx, b, s)
	if out.Plan != nil {
		out.Plan.Notes = append(out.Plan.Notes, notes...)
	}
	if out.Plan != nil {
		reportLeftovers(u, out.Plan.Leftovers)
	}
	if err != nil {
		var no *schedule.NotOursError
		if errors.As(err, &no) {
			return nil, &usageError{msg: u.T("schedule.notours", no.What), hint: u.T("hint.notours")}
		}
		return nil, err
	}
	out.Installed = true
	out.Plan.Notes = append(out.Plan.Notes, s3Notes(opts, s)...)
	return out, nil
}

func printScheduleInstall(u *ui, out *scheduleOutput) error {
	out = redactHook(out)
	s, show := out.Spec, out.DryRun
	return u.result(out, func(w io.Writer) {
		if show {
			fmt.Fprintln(w, u.T("schedule.showheader", out.Plan.Backend))
		} else {
			fmt.Fprintln(w, u.T("schedule.installed", out.Plan.Backend, s.Daily))
		}
		fmt.Fprintln(w, u.T("schedule.runs", schedule.CommandLine(out.Plan.Backend, out.Command)))
		if s.DriveName != "" {
			fmt.Fprintln(w, u.T("schedule.drive", s.DriveName))
		}
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
				fmt.Fprintln(w, u.T("schedule.command", schedule.CommandLine(out.Plan.Backend, cmd.Args)))
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

// scheduleRemoved is what schedule remove took away.
type scheduleRemoved struct {
	Label   string   `json:"label"`
	Backend string   `json:"backend"`
	Removed []string `json:"removed"`
}

// runScheduleRemove removes the daily run of a label (or of an install's
// default label).
func runScheduleRemove(ctx context.Context, u *ui, opts scheduleOptions) (*scheduleRemoved, error) {
	env := scheduleEnv()
	label := opts.Label
	if label == "" && opts.Install != "" {
		in, err := migrate.Detect(opts.Install)
		if err != nil {
			return nil, err
		}
		if label, err = installScheduleLabel(u, env, in.Root); err != nil {
			return nil, err
		}
	}
	if label == "" {
		return nil, u.usageErr("err.removeneeds")
	}
	b, err := env.Backend(ctx, opts.Backend)
	if err != nil {
		return nil, u.usageErr("err.backend", opts.Backend, strings.Join(schedule.Backends, ", "))
	}
	removed, err := env.Remove(ctx, b, label)
	var no *schedule.NotOursError
	switch {
	case errors.Is(err, schedule.ErrNotInstalled):
		return nil, &usageError{msg: u.T("schedule.notinstalled", label, b.Name()), hint: u.T("hint.scheduleshow")}
	case errors.As(err, &no):
		return nil, &usageError{msg: u.T("schedule.notours", no.What), hint: u.T("hint.notours")}
	case err != nil:
		return nil, err
	}
	return &scheduleRemoved{label, b.Name(), removed}, nil
}

func printScheduleRemove(u *ui, out *scheduleRemoved) error {
	return u.result(out, func(w io.Writer) {
		fmt.Fprintln(w, u.T("schedule.removed", out.Label, out.Backend))
		for _, r := range out.Removed {
			fmt.Fprintln(w, "  "+r)
		}
	})
}

// run-scheduled is what the schedule runs: a snapshot, then a prune of the
// label's snapshots, then one line in the run log, and the outcome told
// to the system's log, the web hook and, when something is wrong, the
// desktop. It is hidden from the help: people run snapshot and prune.
type runScheduledOptions struct {
	Install       string
	Out           string
	Label         string
	Keep          keepOptions
	SkipUnchanged bool
	NoPrune       bool
	// EncryptTo are the public keys the snapshot is encrypted to.
	EncryptTo repeated
	CopyTo    string
	Store     storeOptions
	Lock      lockOptions
	// Daily is the schedule's time: a try once that day's snapshot is
	// made does nothing, and a try that finds e-Faktur open waits for the
	// next one instead of failing.
	Daily string
	// DriveID is the drive the snapshot folder must be on (KIND:VALUE).
	DriveID string
	// Notify is the web hook's URL.
	Notify string
	// AlertAfter is how many days without a good snapshot make every try
	// say so loudly.
	AlertAfter int
	// DeepEvery is how often the real engine proves the newest snapshot
	// (when a Java runtime and Derby engine are found); 0 never.
	DeepEvery string
}

func runScheduledCommand(u *ui) *cli.Command {
	var opts runScheduledOptions
	return &cli.Command{
		Name:      "run-scheduled",
		Usage:     u.T("runscheduled.usage"),
		UsageText: "efbackup run-scheduled --install DIR --out DIR|s3://BUCKET/PREFIX [--label NAME] [--daily HH:MM] [--drive-id KIND:VALUE] [--notify URL] [--alert-after DAYS] [--keep-... N] [--skip-unchanged] [--no-prune] [--copy-to s3://BUCKET/PREFIX]",
		Hidden:    true,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "install", Usage: u.T("flag.install"), Destination: &opts.Install},
			&cli.StringFlag{Name: "out", Usage: u.T("flag.out"), Destination: &opts.Out},
			&cli.StringFlag{Name: "label", Usage: u.T("flag.label"), Destination: &opts.Label},
			&cli.BoolFlag{Name: "skip-unchanged", Usage: u.T("flag.skipunchanged"), Destination: &opts.SkipUnchanged},
			&cli.BoolFlag{Name: "no-prune", Usage: u.T("flag.noprune"), Destination: &opts.NoPrune},
			&cli.GenericFlag{Name: "encrypt-to", Usage: u.T("flag.scheduleencryptto"), Value: &opts.EncryptTo},
			&cli.StringFlag{Name: "copy-to", Usage: u.T("flag.schedcopyto"), Destination: &opts.CopyTo},
			&cli.StringFlag{Name: "daily", Usage: u.T("flag.daily"), Destination: &opts.Daily},
			&cli.StringFlag{Name: "drive-id", Usage: u.T("flag.driveid"), Destination: &opts.DriveID},
			&cli.StringFlag{Name: "notify", Usage: u.T("flag.notify"), Destination: &opts.Notify},
			&cli.IntFlag{Name: "alert-after", Usage: u.T("flag.alertafter"), Value: defaultAlertAfter, Destination: &opts.AlertAfter},
			&cli.StringFlag{Name: "deep-every", Usage: u.T("flag.deepevery"), Value: "7d", Destination: &opts.DeepEvery},
		}, append(append(keepFlags(u), storeFlags(u, &opts.Store)...), lockFlags(u, &opts.Lock)...)...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return u.usageErr("err.extraargs", c.Args().First())
			}
			opts.Keep = keepFromFlags(c)
			rec, err := runScheduled(c.Context, u, opts)
			return printed(err, rec, func() error { return printScheduled(u, rec) })
		},
	}
}

// defaultAlertAfter is how many days without a good snapshot it takes for
// every try to raise the alarm.
const defaultAlertAfter = 2

// scheduledRun is one try of a schedule: what it was asked, what it
// remembers between tries and whom it tells.
type scheduledRun struct {
	u       *ui
	opts    runScheduledOptions
	env     schedule.Env
	state   *schedule.State
	hook    *notify.Hook
	start   time.Time
	install string
	out     string
}

// logDir is where the run log of label is: the snapshot folder, or for a
// bucket a folder on this computer (runLogDir).
func (r *scheduledRun) logDir(label string) string {
	if location.IsS3(r.out) {
		return runLogDir(r.out, label)
	}
	return r.out
}

// runScheduled takes the snapshot and prunes, calling them as any command
// would, and records the run in the log of the snapshot folder. Once the
// command line is understood, the record comes back, with the error that
// ended the run (its class is the run's exit code and outcome).
func runScheduled(ctx context.Context, u *ui, opts runScheduledOptions) (*schedule.RunRecord, error) {
	if opts.Install == "" || opts.Out == "" {
		return nil, u.usageErr("err.runscheduledneeds")
	}
	if _, _, err := opts.Keep.policy(u); err != nil {
		return nil, err
	}
	var deepEvery time.Duration
	if opts.DeepEvery != "" && opts.DeepEvery != "0" {
		d, err := retention.ParseDuration(opts.DeepEvery)
		if err != nil {
			return nil, u.usageErr("err.deepevery", opts.DeepEvery)
		}
		deepEvery = time.Since(d.Before(time.Now()))
	}
	if opts.Daily != "" {
		if _, _, err := schedule.ParseDaily(opts.Daily); err != nil {
			return nil, u.usageErr("err.daily", opts.Daily)
		}
	}
	if opts.DriveID != "" {
		if _, err := volume.Parse(opts.DriveID); err != nil {
			return nil, u.usageErr("err.driveid", opts.DriveID)
		}
	}
	if opts.AlertAfter < 1 {
		return nil, u.usageErr("err.alertafter", opts.AlertAfter)
	}
	r := &scheduledRun{u: u, opts: opts, env: scheduleEnv(), start: time.Now()}
	if opts.Notify != "" {
		h, err := notify.ParseHook(opts.Notify)
		if err != nil {
			return nil, u.usageErr("err.notify", notify.Redact(opts.Notify))
		}
		h.UserAgent = "efbackup/" + version
		r.hook = h
	}
	var err error
	if r.install, err = filepath.Abs(opts.Install); err != nil {
		return nil, err
	}
	r.out = opts.Out
	if !location.IsS3(opts.Out) {
		if r.out, err = filepath.Abs(opts.Out); err != nil {
			return nil, err
		}
	}
	host, _ := os.Hostname()
	label := opts.Label
	if label == "" {
		label = backup.SafeLabel(filepath.Base(r.install))
	}
	rec := schedule.RunRecord{Time: r.start.UTC().Truncate(time.Second), Label: label, Host: host}
	r.state, err = r.env.LoadState(label, r.install, r.out)
	if err != nil {
		u.warn(u.T("runscheduled.nostate", err), "")
	}
	if r.state.LastGood == nil {
		// No state yet (a schedule installed by an earlier release): the
		// run log on the drive knows the last good run.
		if last, _ := schedule.LastRunOf(r.logDir(label), label, true); last != nil {
			t := last.Time
			r.state.LastGood, r.state.LastSnapshot = &t, last.Snapshot
		}
	}
	if opts.Daily != "" {
		day, _ := schedule.PeriodStart(r.start, opts.Daily)
		if r.state.DoneSince(day) {
			// That day's snapshot is made: this try does nothing, logs
			// nothing and tells no one.
			rec.Outcome, rec.Snapshot, rec.LastGood = schedule.OutcomeDone, r.state.LastSnapshot, r.state.LastGood
			return &rec, nil
		}
	}
	// The destination is the destination: a missing folder, or another
	// drive at its place, ends the run before anything is written.
	if err := checkOut(u, r.out, false); err != nil {
		return r.finish(ctx, rec, err, false)
	}
	if opts.DriveID != "" {
		if err := checkDrive(u, r.out, r.install, opts.DriveID); err != nil {
			return r.finish(ctx, rec, err, false)
		}
	}
	// Public keys only: a scheduled run never reads a passphrase, not even
	// from the environment.
	enc := encryptOptions{To: opts.EncryptTo}
	rs, err := enc.recipients(u, false)
	if err != nil {
		return r.finish(ctx, rec, err, true)
	}
	t, err := resolveSnapshotTarget(u, snapshotOptions{Install: opts.Install, Out: r.out, Label: opts.Label})
	if err != nil {
		// The install moved or the schedule is stale: record it where the
		// log would be, so that doctor and list can tell.
		return r.finish(ctx, rec, err, true)
	}
	rec.Label = t.Label
	if opts.Daily != "" {
		// e-Faktur open: this try waits for the next one, and tells a
		// monitor nothing started.
		if _, err := checkInUse(ctx, t.DB); err != nil && (isKind[*inuse.InUseError](err) || ctx.Err() != nil) {
			return r.finish(ctx, rec, err, true)
		}
	}
	if r.hook != nil {
		if err := r.hook.Start(ctx); err != nil {
			u.warn(u.T("notify.failed", u.T("notify.channel.hook"), err), "")
		}
	}
	// The commands it runs print no result and no progress: their
	// warnings still reach the log of the task.
	sub := u.quietResults()
	st, err := openStore(t.Out, opts.Store)
	if err != nil {
		return r.finish(ctx, rec, err, true)
	}
	made := "" // the snapshot made, or the one db/ still matches
	if opts.SkipUnchanged && len(rs) == 0 {
		un, err := snapshotUnchanged(ctx, t.DB, st, t.Label)
		switch {
		case err != nil && ctx.Err() != nil:
			return r.finish(ctx, rec, err, true)
		case err != nil:
			// Could not compare (the app is writing, ...): the snapshot
			// decides and reports.
			u.info("%s", u.T("runscheduled.nocompare", err))
		case un != nil:
			rec.Outcome, rec.Snapshot = schedule.OutcomeUnchanged, baseName(un.Snapshot)
			made = un.Snapshot
		}
	}
	if rec.Outcome != schedule.OutcomeUnchanged {
		res, err := runSnapshot(ctx, sub, snapshotOptions{Install: t.Install, Out: t.Out, Label: t.Label, Recipients: rs, Store: opts.Store, Lock: lockFor(opts.Lock, t.Out)})
		if res != nil && res.Report != nil {
			rec.Snapshot = baseName(res.Report.Snapshot)
			made = res.Report.Snapshot
		}
		if err != nil {
			return r.finish(ctx, rec, err, true)
		}
	}
	// Off-site: the same snapshot, read back and verified there.
	if opts.CopyTo != "" && made != "" {
		res, err := runCopy(ctx, sub, copyOptions{Snapshot: made, To: opts.CopyTo, Store: opts.Store, Lock: lockFor(opts.Lock, opts.CopyTo)})
		if res != nil {
			rec.Copied = res.Copy
		}
		if err != nil {
			return r.finish(ctx, rec, err, true)
		}
	}
	if !opts.NoPrune {
		for _, out := range []string{t.Out, opts.CopyTo} {
			if out == "" {
				continue
			}
			res, err := runPrune(ctx, sub, pruneOptions{Out: out, Labels: []string{t.Label}, Install: t.Install, Keep: opts.Keep, LockWait: defaultLockWait(), Store: opts.Store})
			if res != nil {
				rec.Pruned += res.Removed
			}
			if isKind[*integrityFinding](err) {
				err = &integrityFinding{msg: u.T("runscheduled.prunedamaged")}
			}
			if err != nil {
				return r.finish(ctx, rec, err, true)
			}
		}
	}
	if deepEvery > 0 {
		if err := proveWhenDue(ctx, sub, t, deepEvery, &rec); err != nil {
			return r.finish(ctx, rec, err, true)
		}
	}
	return r.finish(ctx, rec, nil, true)
}

// lockFor is the retention for the snapshots written into raw: only a
// bucket holds one (the schedule's --lock-days is for whichever of --out
// and --copy-to is a bucket).
func lockFor(lo lockOptions, raw string) lockOptions {
	if !location.IsS3(raw) {
		return lockOptions{}
	}
	return lo
}

// baseName is the last element of a path or s3:// URL.
func baseName(p string) string {
	if location.IsS3(p) {
		return p[strings.LastIndex(p, "/")+1:]
	}
	return filepath.Base(p)
}

// resolveCopyTo checks --copy-to: a bucket prefix, or an absolute folder
// other than --out.
func resolveCopyTo(u *ui, raw, out string) (string, error) {
	if raw == "" {
		return "", nil
	}
	if location.IsS3(raw) {
		if _, _, err := s3.ParseURL(raw); err != nil {
			return "", u.usageErr("err.s3url", raw, err)
		}
	} else {
		abs, err := filepath.Abs(raw)
		if err != nil {
			return "", err
		}
		raw = abs
	}
	if raw == out {
		return "", u.usageErr("err.copytoout", raw)
	}
	return raw, nil
}

// checkScheduleStores checks, before anything is installed, what the
// scheduled run will need of its buckets: a --lock-days for one of them,
// and keys it can find without this shell (a profile). The profile in use
// (AWS_PROFILE) is named in the schedule; the keys never are.
func checkScheduleStores(u *ui, opts *scheduleOptions, out, copyTo string) error {
	var buckets []string
	for _, raw := range []string{out, copyTo} {
		if location.IsS3(raw) {
			buckets = append(buckets, raw)
		}
	}
	if opts.Lock.Days != 0 && len(buckets) == 0 {
		return u.usageErr("err.locklocal", out)
	}
	if _, err := opts.Lock.create(u, "s3://x"); err != nil {
		return err
	}
	if len(buckets) == 0 {
		return nil
	}
	if opts.Store.Profile == "" {
		opts.Store.Profile = os.Getenv("AWS_PROFILE")
	}
	for _, raw := range buckets {
		if _, err := openStore(raw, opts.Store); err != nil {
			return err
		}
	}
	return nil
}

// proveWhenDue lets the real engine prove the newest snapshot of the label
// when the last proof of it is older than every (or there is none), and a
// Java runtime and Derby engine are found; without them the run goes on
// without a proof. A damaged proof ends the run as damage.
func proveWhenDue(ctx context.Context, u *ui, t *snapshotTarget, every time.Duration, rec *schedule.RunRecord) error {
	if location.IsS3(t.Out) {
		// The engine proves a snapshot on this computer; a bucket's
		// snapshots are proven after a copy comes back.
		return nil
	}
	newest, _, err := retention.NewestOfLabel(t.Out, t.Label)
	if err != nil || newest == "" {
		return nil
	}
	if p, err := backup.ReadProof(newest); err == nil && time.Since(p.Checked) < every {
		return nil
	}
	if backup.IsEncrypted(newest) {
		// Its key is not on this PC: the proof is made where the key is
		// (verify --deep --identity FILE).
		u.info("%s", u.T("runscheduled.nodeepencrypted"))
		return nil
	}
	if _, err := findDeepRuntime(u, deepOptions{Install: t.Install}); err != nil {
		u.info("%s", u.T("runscheduled.nodeep"))
		return nil
	}
	vr, err := backup.VerifyArchive(ctx, newest, backup.ReadOptions{Engines: engines()})
	if err != nil {
		return err
	}
	if err := vr.Err(); err != nil {
		return err
	}
	d, err := proveSnapshot(ctx, u, newest, vr.Manifest, deepOptions{Install: t.Install})
	if err != nil {
		return err
	}
	rec.Proved, rec.ProofVerdict = filepath.Base(newest), string(d.Verdict)
	if d.Verdict == engine.Damaged {
		return &integrityFinding{msg: u.T("snapshot.deepdamaged", newest), hint: u.T("hint.damaged")}
	}
	return nil
}

// s3Notes are what the person installing a schedule that writes to a
// bucket must know: where the scheduled run finds its keys.
func s3Notes(opts scheduleOptions, s schedule.Spec) []string {
	uses := location.IsS3(s.Out) || slices.ContainsFunc(s.Args, location.IsS3)
	if !uses {
		return nil
	}
	if opts.Store.Profile == "" {
		return []string{"s3env"}
	}
	return []string{"s3profile"}
}

// finish completes the record from the error that ended the run (nil: it
// succeeded), remembers it, appends it to the run log (when log is set
// and the folder is there: a missing snapshot folder is often an
// unplugged USB drive, and creating it would put the log on the internal
// disk) and tells the system's log, the web hook and the desktop.
func (r *scheduledRun) finish(ctx context.Context, rec schedule.RunRecord, cause error, log bool) (*schedule.RunRecord, error) {
	u := r.u
	if cause != nil && ctx.Err() != nil && !isKind[*usageError](cause) && !isKind[*interruptedError](cause) {
		cause = &interruptedError{}
	}
	class := classify(cause)
	rec.ExitCode = class.Code
	switch {
	case cause != nil && r.opts.Daily != "" && class.Outcome == schedule.OutcomeInUse:
		// A daily schedule tries again within the hour: not a failure.
		rec.Outcome, rec.ExitCode = schedule.OutcomeWaiting, ExitOK
		rec.Message, rec.Hint = describeError(u.lang, cause)
		cause = nil
	case cause != nil:
		rec.Outcome = class.Outcome
		rec.Message, rec.Hint = describeError(u.lang, cause)
	case rec.Outcome == "":
		rec.Outcome = schedule.OutcomeOK
	}
	now := time.Now()
	rec.Seconds = float64(now.Sub(r.start).Milliseconds()) / 1000
	r.state.Record(now, rec.Outcome, rec.Success(), rec.Snapshot)
	rec.LastGood = r.state.LastGood
	if without := r.state.Without(now); !rec.Success() && without >= time.Duration(r.opts.AlertAfter)*24*time.Hour {
		days := int(without.Hours() / 24)
		if r.state.LastGood != nil {
			rec.Alert = u.T("alert.nogood", days, r.state.LastGood.Local().Format("2006-01-02 15:04"))
		} else {
			rec.Alert = u.T("alert.nogoodever", days)
		}
	}
	if err := r.env.SaveState(r.state); err != nil {
		u.warn(u.T("runscheduled.nostate", err), "")
	}
	logDir := r.logDir(rec.Label)
	if log && location.IsS3(r.out) {
		// A bucket's objects are written once: the log of a run into a
		// bucket is kept on this computer.
		if err := os.MkdirAll(logDir, 0o700); err != nil {
			u.warn(u.T("runscheduled.nolog", filepath.Join(logDir, schedule.RunLogName), err), "")
		}
	}
	if fi, err := os.Stat(logDir); log && err == nil && fi.IsDir() {
		left, err := schedule.AppendRun(logDir, rec)
		if err != nil {
			u.warn(u.T("runscheduled.nolog", filepath.Join(logDir, schedule.RunLogName), err), "")
		}
		reportLeftovers(u, left)
	} else if !log {
		u.info("%s", u.T("runscheduled.nologdrive", filepath.Join(logDir, schedule.RunLogName)))
	} else {
		u.warn(u.T("runscheduled.nolog", filepath.Join(logDir, schedule.RunLogName), u.T("runscheduled.nofolder")), "")
	}
	if rec.Alert != "" {
		u.warn(rec.Alert, u.T("hint.alert"))
	}
	r.tell(ctx, &rec)
	return &rec, cause
}

// runLogDir is the folder of the run log of scheduled runs into out: out
// itself, or for a bucket a folder of this computer's efbackup settings.
func runLogDir(out, label string) string {
	if !location.IsS3(out) {
		return out
	}
	return filepath.Join(scheduleEnv().ConfigDir, "efbackup", "runs", label)
}

func printScheduled(u *ui, rec *schedule.RunRecord) error {
	return u.result(rec, func(w io.Writer) {
		switch rec.Outcome {
		case schedule.OutcomeOK:
			fmt.Fprintln(w, u.T("runscheduled.ok", rec.Snapshot, rec.Pruned))
		case schedule.OutcomeUnchanged:
			fmt.Fprintln(w, u.T("runscheduled.unchanged", rec.Snapshot, rec.Pruned))
		case schedule.OutcomeDone:
			fmt.Fprintln(w, u.T("runscheduled.done", rec.LastGood.Local().Format("15:04"), rec.Snapshot))
		case schedule.OutcomeWaiting:
			fmt.Fprintln(w, u.T("runscheduled.waiting"))
		default:
			fmt.Fprintln(w, u.T("runscheduled.failed", rec.Outcome, rec.ExitCode))
		}
	})
}

// lastScheduledRun is the record list shows (an alias, so that list needs
// no import for it).
type lastScheduledRun = schedule.RunRecord

// lastScheduled is for list: the last scheduled run recorded in dir's run
// log, or nil.
func lastScheduled(dir string) *lastScheduledRun {
	r, err := schedule.LastRun(dir)
	if err != nil {
		return nil
	}
	return r
}

// lastRunLine says how a scheduled run ended ("" for none).
func lastRunLine(u *ui, r *lastScheduledRun) string {
	if r == nil {
		return ""
	}
	when := r.Time.Local().Format("2006-01-02 15:04")
	switch r.Outcome {
	case schedule.OutcomeOK, schedule.OutcomeUnchanged:
		return u.T("list.lastrun", when, r.Outcome, r.Snapshot)
	}
	return u.T("list.lastrunfailed", when, r.Outcome, r.ExitCode, r.Message)
}
