package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/efbackup/efbackup/install"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/inuse"
	"github.com/efbackup/efbackup/schedule"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

// setupOptions: everything setup would otherwise ask.
type setupOptions struct {
	Install      string
	Out          string
	Daily        string
	CreateOut    bool
	AnyDrive     bool
	Notify       string
	AlertAfter   int
	Keep         keepOptions
	Backend      string
	WhenLoggedOn bool
	Exe          string
	// Encrypt are the public keys (--encrypt-to, --encrypt-to-file) the
	// snapshots are encrypted to; NewKey a folder, on another drive than
	// the install and the snapshots, where setup makes a new key for them.
	Encrypt encryptOptions
	NewKey  string
	// Yes asks nothing: what the flags do not say is an error.
	Yes bool
	// langChosen says the language was given (--lang, EFBACKUP_LANG):
	// then setup does not ask for it.
	langChosen bool
}

// encrypts reports whether the snapshots are to be encrypted.
func (o *setupOptions) encrypts() bool { return o.Encrypt.keys() || o.NewKey != "" }

// The keep rules setup installs when none is given: a week of days, a
// month of weeks, a year of months.
var setupKeep = func() keepOptions {
	d, w, m := 7, 4, 12
	return keepOptions{Daily: &d, Weekly: &w, Monthly: &m}
}

func setupCommand(u *ui) *cli.Command {
	var opts setupOptions
	return &cli.Command{
		Name:  "setup",
		Usage: u.T("setup.usage"),
		UsageText: "efbackup setup                      (on a terminal: asks, in Indonesian or English)\n" +
			"efbackup setup --install DIR --out DIR --daily HH:MM [--create-out] [--any-drive] [--notify URL]\n" +
			"               [--keep-... N] [--alert-after DAYS] [--backend ...] [--when-logged-on] [--yes] [--json]\n" +
			"               [--new-key DIR] [--encrypt-to age1... ...] [--encrypt-to-file FILE]",
		Description: u.T("setup.description"),
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "install", Usage: u.T("flag.install"), Destination: &opts.Install},
			&cli.StringFlag{Name: "out", Usage: u.T("flag.out"), Destination: &opts.Out},
			&cli.StringFlag{Name: "daily", Usage: u.T("flag.daily"), Destination: &opts.Daily},
			&cli.BoolFlag{Name: "create-out", Usage: u.T("flag.createout"), Destination: &opts.CreateOut},
			&cli.BoolFlag{Name: "any-drive", Usage: u.T("flag.anydrive"), Destination: &opts.AnyDrive},
			&cli.StringFlag{Name: "notify", Usage: u.T("flag.notify"), Destination: &opts.Notify},
			&cli.IntFlag{Name: "alert-after", Usage: u.T("flag.alertafter"), Value: defaultAlertAfter, Destination: &opts.AlertAfter},
			&cli.StringFlag{Name: "backend", Usage: u.T("flag.backend"), Value: "auto", Destination: &opts.Backend},
			&cli.BoolFlag{Name: "when-logged-on", Usage: u.T("flag.whenloggedon"), Destination: &opts.WhenLoggedOn},
			&cli.StringFlag{Name: "exe", Usage: u.T("flag.exe"), Hidden: true, Destination: &opts.Exe},
			&cli.StringFlag{Name: "new-key", Usage: u.T("flag.newkey"), Destination: &opts.NewKey},
			&cli.GenericFlag{Name: "encrypt-to", Usage: u.T("flag.scheduleencryptto"), Value: &opts.Encrypt.To},
			&cli.GenericFlag{Name: "encrypt-to-file", Usage: u.T("flag.scheduleencrypttofile"), Value: &opts.Encrypt.ToFiles},
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: u.T("flag.yes"), Destination: &opts.Yes},
		}, keepFlags(u)...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return u.usageErr("err.extraargs", c.Args().First())
			}
			opts.Keep = keepFromFlags(c)
			for _, ctx := range c.Lineage() {
				if ctx.IsSet("lang") {
					opts.langChosen = true
				}
			}
			if os.Getenv("EFBACKUP_LANG") != "" {
				opts.langChosen = true
			}
			res, err := runSetup(c.Context, u, opts)
			return printed(err, res, func() error { return printSetup(u, res) })
		},
	}
}

// setupResult is what setup did.
type setupResult struct {
	Install string `json:"install"`
	Out     string `json:"out"`
	Daily   string `json:"daily"`
	// Snapshot is the first snapshot, verified (empty when e-Faktur was
	// open: the schedule makes it).
	Snapshot string `json:"snapshot,omitempty"`
	Verified bool   `json:"verified"`
	// EncryptTo are the public keys the snapshots are encrypted to (the
	// first one and the schedule's); Key is the key setup made, by its
	// file and public key. The secret key is never in the result.
	EncryptTo []string        `json:"encrypt_to,omitempty"`
	Key       *keyResult      `json:"key,omitempty"`
	Waiting   bool            `json:"waiting_for_efaktur,omitempty"`
	Schedule  *scheduleOutput `json:"schedule"`
	// Restore is the command that puts the snapshot back.
	Restore string `json:"restore_command,omitempty"`
}

// runSetup asks what it needs on a terminal (unless --yes or --json),
// then makes and verifies the first snapshot, installs the schedule and
// says how to restore. A result comes back once the schedule is
// installed, also with an error: e-Faktur was open (exit 4: the schedule
// will make the snapshot) or the first snapshot failed.
func runSetup(ctx context.Context, u *ui, opts setupOptions) (*setupResult, error) {
	if interactive(u) && !opts.Yes {
		d := &dialogue{u: u, in: bufio.NewReader(u.stdin), w: u.stderr}
		if err := d.ask(ctx, &opts); err != nil {
			return nil, err
		}
	}
	switch {
	case opts.Install == "":
		return nil, u.usageErr("err.needinstallonly")
	case opts.Out == "":
		return nil, u.usageErr("err.setupneedsout")
	case opts.Daily == "":
		return nil, u.usageErr("err.needdaily")
	}
	if !opts.Keep.given() {
		opts.Keep = setupKeep()
	}
	sopts := scheduleOptions{
		Install: opts.Install, Out: opts.Out, Daily: opts.Daily, Keep: opts.Keep, SkipUnchanged: true,
		Backend: opts.Backend, WhenLoggedOn: opts.WhenLoggedOn, Exe: opts.Exe, CreateOut: opts.CreateOut,
		AnyDrive: opts.AnyDrive, NewDrive: !opts.AnyDrive, Notify: opts.Notify, AlertAfter: opts.AlertAfter,
		Encrypt: encryptOptions{To: opts.Encrypt.To, ToFiles: opts.Encrypt.ToFiles},
	}
	if opts.encrypts() {
		// An encrypted snapshot is never skipped as unchanged (a plain
		// one does not stand in for it); the day's first good snapshot
		// ends the day's tries all the same.
		sopts.SkipUnchanged = false
	}
	// Everything is checked before anything is written.
	spec, err := scheduleSpec(u, sopts)
	if err != nil {
		return nil, err
	}
	keyDir := ""
	if opts.NewKey != "" {
		if keyDir, err = checkKeyDir(u, opts.NewKey, spec.Install, spec.Out); err != nil {
			return nil, err
		}
	}
	if err := checkOut(u, spec.Out, opts.CreateOut); err != nil {
		return nil, err
	}
	res := &setupResult{Install: spec.Install, Out: spec.Out, Daily: spec.Daily}
	if keyDir != "" {
		if res.Key, err = makeSetupKey(u, keyDir, time.Now()); err != nil {
			return nil, err
		}
		u.info("%s", u.T("key.new.done", res.Key.IdentityFile))
		sopts.Encrypt.To = append(sopts.Encrypt.To, res.Key.PublicKey)
	}
	recipients, err := sopts.Encrypt.recipients(u, false)
	if err != nil {
		return nil, err
	}
	for _, r := range recipients {
		res.EncryptTo = append(res.EncryptTo, r.PublicKey())
	}
	u.info("%s", u.T("setup.snapshotting", spec.Install))
	var snapErr error
	for {
		snap, err := runSnapshot(ctx, u.quietResults(), snapshotOptions{Install: spec.Install, Out: spec.Out, Label: spec.Label, Recipients: recipients})
		if snap != nil && snap.Report != nil {
			res.Snapshot = snap.Report.Snapshot
		}
		snapErr = err
		if err != nil && isKind[*inuse.InUseError](err) && interactive(u) && !opts.Yes {
			d := &dialogue{u: u, in: bufio.NewReader(u.stdin), w: u.stderr}
			if d.yesNo(u.T("setup.q.closeapp"), true) {
				continue
			}
		}
		break
	}
	if res.Snapshot != "" && snapErr == nil {
		u.info("%s", u.T("setup.verifying", filepath.Base(res.Snapshot)))
		v, err := runVerifySnapshots(ctx, u.quietResults(), verifyOptions{Paths: []string{res.Snapshot}})
		res.Verified = err == nil && v != nil && v.OK
		if err != nil {
			snapErr = err
		}
	}
	if snapErr != nil && isKind[*inuse.InUseError](snapErr) {
		res.Waiting = true
	}
	if snapErr != nil && !res.Waiting {
		// A snapshot that failed for another reason (damage, a full disk)
		// is not papered over by a schedule.
		return nil, snapErr
	}
	res.Schedule, err = runScheduleInstall(ctx, u, sopts, false)
	if err != nil {
		return nil, err
	}
	if res.Verified {
		// The schedule's first try today has nothing to do.
		env := scheduleEnv()
		s := res.Schedule.Spec
		st, _ := env.LoadState(s.Label, s.Install, s.Out)
		st.Record(time.Now(), "ok", true, filepath.Base(res.Snapshot))
		if err := env.SaveState(st); err != nil {
			u.warn(u.T("runscheduled.nostate", err), "")
		}
		res.Restore = "efbackup restore " + quoteArg(res.Snapshot) + " --install " + quoteArg(res.Install)
		if res.Key != nil {
			res.Restore += " --identity " + quoteArg(res.Key.IdentityFile)
		} else if len(res.EncryptTo) > 0 {
			res.Restore += " --identity FILE"
		}
	}
	return res, snapErr
}

// quoteArg quotes a path for the command line shown to the user.
func quoteArg(s string) string {
	if strings.ContainsAny(s, " \t'\"&()") {
		return `"` + s + `"`
	}
	return s
}

// interactive reports whether a person answers: stdin and stderr are a
// terminal and no --json was asked for.
func interactive(u *ui) bool {
	if u.json {
		return false
	}
	in, ok1 := u.stdin.(*os.File)
	errf, ok2 := u.stderr.(*os.File)
	return ok1 && ok2 && term.IsTerminal(int(in.Fd())) && term.IsTerminal(int(errf.Fd()))
}

func printSetup(u *ui, res *setupResult) error {
	out := *res
	if res.Schedule != nil {
		out.Schedule = redactHook(res.Schedule)
	}
	return u.result(&out, func(w io.Writer) {
		fmt.Fprintln(w, u.T("setup.done.title"))
		if res.Snapshot != "" {
			fmt.Fprintln(w, "  "+u.T("setup.done.snapshot", res.Snapshot))
			switch {
			case res.Verified && len(res.EncryptTo) > 0:
				// Read back without the key: against its sidecar.
				fmt.Fprintln(w, "  "+u.T("setup.done.verifiedkeyless"))
			case res.Verified:
				fmt.Fprintln(w, "  "+u.T("setup.done.verified"))
			}
		}
		if res.Waiting {
			fmt.Fprintln(w, "  "+u.T("setup.done.waiting"))
		}
		if s := out.Schedule; s != nil {
			fmt.Fprintln(w, "  "+u.T("setup.done.schedule", s.Plan.Backend, s.Spec.Daily, s.Spec.Out))
			fmt.Fprintln(w, "  "+u.T("setup.done.keep", strings.Join(s.Spec.Args, " ")))
			if s.Spec.DriveName != "" {
				fmt.Fprintln(w, "  "+u.T("schedule.drive", s.Spec.DriveName))
			}
			for _, n := range s.Plan.Notes {
				fmt.Fprintln(w, "  "+u.T("schedule.note."+n))
			}
		}
		if len(res.EncryptTo) > 0 {
			fmt.Fprintln(w, "  "+u.T("setup.done.encrypted", strings.Join(res.EncryptTo, ", ")))
		}
		if k := res.Key; k != nil {
			fmt.Fprintln(w, "  "+u.T("key.new.done", k.IdentityFile))
			fmt.Fprintln(w, "  "+u.T("key.new.public", k.PublicKey))
			if k.Sheet != "" {
				fmt.Fprintln(w, "  "+u.T("setup.done.sheet", k.Sheet))
			}
			fmt.Fprintln(w, k.Warning)
		}
		fmt.Fprintln(w, u.T("setup.done.restore"))
		if res.Restore != "" {
			fmt.Fprintln(w, "  "+res.Restore)
		} else {
			fmt.Fprintln(w, "  efbackup list --out "+quoteArg(res.Out))
		}
		fmt.Fprintln(w, u.T("setup.done.docs"))
	})
}

// dialogue asks setup's questions on the terminal, one per line, each
// with its default in brackets (Enter takes it).
type dialogue struct {
	u  *ui
	in *bufio.Reader
	w  io.Writer
}

func (d *dialogue) line(prompt string) (string, error) {
	fmt.Fprint(d.w, prompt+" ")
	s, err := d.in.ReadString('\n')
	if err != nil && s == "" {
		return "", err
	}
	return strings.TrimSpace(s), nil
}

func (d *dialogue) yesNo(q string, def bool) bool {
	hint := d.u.T("setup.yn.yes")
	if !def {
		hint = d.u.T("setup.yn.no")
	}
	for {
		a, err := d.line(q + " " + hint)
		if err != nil {
			return def
		}
		switch strings.ToLower(a) {
		case "":
			return def
		case "y", "ya", "yes", "iya":
			return true
		case "n", "t", "no", "tidak", "tdk":
			return false
		}
	}
}

// choose shows numbered choices and returns the index taken, or -1 with
// the text typed when it is not a number of the list.
func (d *dialogue) choose(q string, choices []string, def int) (int, string, error) {
	return d.chooseAs(q, d.u.T("setup.choose", def+1), choices, def)
}

// chooseAs is choose with its own prompt.
func (d *dialogue) chooseAs(q, prompt string, choices []string, def int) (int, string, error) {
	fmt.Fprintln(d.w, q)
	for i, c := range choices {
		fmt.Fprintf(d.w, "  %d) %s\n", i+1, c)
	}
	if len(choices) == 0 || def < 0 {
		prompt = d.u.T("setup.type")
	}
	for {
		a, err := d.line(prompt)
		if err != nil {
			return 0, "", err
		}
		if a == "" && def >= 0 && def < len(choices) {
			return def, "", nil
		}
		if n, err := strconv.Atoi(a); err == nil && n >= 1 && n <= len(choices) {
			return n - 1, "", nil
		}
		if a != "" {
			return -1, a, nil
		}
	}
}

// ask fills in what the flags left open: the language (Indonesian
// first), the install, the backup folder, the time; then shows the plan
// and asks to go ahead.
func (d *dialogue) ask(ctx context.Context, opts *setupOptions) error {
	u := d.u
	if !opts.langChosen {
		i, _, err := d.chooseAs("Bahasa / Language:", u.T("setup.chooselang", 1), []string{"Bahasa Indonesia", "English"}, 0)
		if err != nil {
			return err
		}
		u.lang = i18n.ID
		if i == 1 {
			u.lang = i18n.EN
		}
	}
	fmt.Fprintln(d.w, u.T("setup.welcome"))
	if opts.Install == "" {
		found, _ := install.FindInstalls(install.DefaultRoots(), 3, 20000)
		var names []string
		for _, in := range found {
			names = append(names, in.Root)
		}
		def := 0
		if len(found) == 0 {
			fmt.Fprintln(d.w, u.T("setup.noinstall"))
			def = -1
		}
		for opts.Install == "" {
			i, typed, err := d.choose(u.T("setup.q.install"), names, def)
			if err != nil {
				return err
			}
			p := typed
			if i >= 0 {
				p = names[i]
			}
			if _, err := install.Detect(p); err != nil {
				fmt.Fprintln(d.w, u.T("setup.notinstall", p))
				continue
			}
			opts.Install = p
		}
	}
	if opts.Out == "" {
		var choices []string
		for _, r := range backupDrives(opts.Install) {
			choices = append(choices, filepath.Join(r, "efbackup-snapshots"))
		}
		def := 0
		if len(choices) == 0 {
			fmt.Fprintln(d.w, u.T("setup.nodrive"))
			def = -1
		}
		for opts.Out == "" {
			i, typed, err := d.choose(u.T("setup.q.out"), choices, def)
			if err != nil {
				return err
			}
			p := typed
			if i >= 0 {
				p = choices[i]
			}
			if p, err = filepath.Abs(p); err != nil {
				continue
			}
			if _, err := os.Stat(p); err != nil {
				if !d.yesNo(u.T("setup.q.create", p), true) {
					continue
				}
				opts.CreateOut = true
			}
			opts.Out = p
		}
	}
	if !opts.encrypts() {
		if err := d.askKey(opts); err != nil {
			return err
		}
	}
	for opts.Daily == "" {
		a, err := d.line(u.T("setup.q.daily", "17:30"))
		if err != nil {
			return err
		}
		if a == "" {
			a = "17:30"
		}
		if _, _, err := schedule.ParseDaily(a); err != nil {
			fmt.Fprintln(d.w, u.T("err.daily", a))
			continue
		}
		opts.Daily = a
	}
	fmt.Fprintln(d.w, u.T("setup.plan", opts.Install, opts.Out, opts.Daily))
	if opts.NewKey != "" {
		fmt.Fprintln(d.w, u.T("setup.plan.newkey", opts.NewKey))
	} else if opts.encrypts() {
		fmt.Fprintln(d.w, u.T("setup.plan.encrypted"))
	}
	if !d.yesNo(u.T("setup.q.go"), true) {
		return &usageError{msg: u.T("setup.cancelled")}
	}
	return nil
}
