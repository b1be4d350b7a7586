package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/deepcheck"
	"github.com/efbackup/efbackup/doctor"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/install"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/inuse"
	"github.com/efbackup/efbackup/retention"
	"github.com/efbackup/efbackup/schedule"
	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/location"
	"github.com/efbackup/efbackup/verify/appzip"
	"github.com/urfave/cli/v2"
)

// doctorOptions: where to look for installs (Paths, or the usual places)
// and snapshot folders (Out), and how deep.
type doctorOptions struct {
	Paths  []string
	Out    []string
	Quick  bool
	MaxAge string
	Depth  int
	Store  storeOptions
}

func doctorCommand(u *ui) *cli.Command {
	var (
		opts doctorOptions
		out  cli.StringSlice
	)
	return &cli.Command{
		Name:        "doctor",
		Usage:       u.T("doctor.usage"),
		UsageText:   "efbackup doctor [PATH...] [--out DIR|s3://BUCKET/PREFIX]... [--quick] [--max-age DURATION] [--depth N]",
		Description: u.T("doctor.description"),
		Flags: append([]cli.Flag{
			&cli.StringSliceFlag{Name: "out", Usage: u.T("flag.doctorout"), Destination: &out},
			&cli.BoolFlag{Name: "quick", Usage: u.T("flag.quick"), Destination: &opts.Quick},
			&cli.StringFlag{Name: "max-age", Usage: u.T("flag.maxage"), Value: "7d", Destination: &opts.MaxAge},
			&cli.IntFlag{Name: "depth", Usage: u.T("flag.depth"), Value: 3, Destination: &opts.Depth},
		}, storeFlags(u, &opts.Store)...),
		Action: func(c *cli.Context) error {
			opts.Paths, opts.Out = c.Args().Slice(), out.Value()
			res, err := runDoctor(c.Context, u, opts)
			return printed(err, res, func() error { return u.result(res, func(w io.Writer) { printDoctor(w, u, *res) }) })
		},
	}
}

// doctorInUse is the injected in-use check: cmd's checkInUse. Warnings
// that say the database lives elsewhere (a network share) come back too;
// a lock file left by a crash is the database checks' "needs recovery".
func doctorInUse(u *ui) func(ctx context.Context, db string) (bool, i18n.Text, []string, error) {
	return func(ctx context.Context, db string) (bool, i18n.Text, []string, error) {
		sigs, err := checkInUse(ctx, db)
		var iu *inuse.InUseError
		if errors.As(err, &iu) {
			var detail i18n.Text
			if len(iu.Report.Signals) > 0 {
				detail = i18n.Say("detail.finding", iu.Report.Signals[0].File, iu.Report.Signals[0].Words())
			}
			return true, detail, nil, nil
		}
		var warnings []string
		for _, s := range sigs {
			if s.Kind == inuse.KindNetworkFS {
				warnings = append(warnings, u.T("db.network", db))
			}
		}
		return false, i18n.Text{}, warnings, err
	}
}

// doctorCheckDB reads db/ once with the database checks.
func doctorCheckDB(ctx context.Context, db string) ([]engine.Database, error) {
	rep, err := backup.HashFolder(ctx, db, backup.FolderOptions{Engines: engines()})
	if err != nil {
		return nil, err
	}
	return rep.Databases, nil
}

// doctorInspectDB is doctor --quick's look at db/: each database's state
// and versions from its small files, without reading the containers.
func doctorInspectDB(ctx context.Context, db string) ([]engine.Database, error) {
	return engines().Inspect(db)
}

// doctorRuntime finds the Derby engine an install ships, and the Java
// runtime verify --deep would run it with (the install's own, else java on
// PATH).
func doctorRuntime(root string) *doctor.Runtime {
	in, err := install.Detect(root)
	if err != nil {
		return nil
	}
	eng := in.BundledEngine()
	if eng == nil {
		return nil
	}
	rt := &doctor.Runtime{Derby: eng.Jars[0], DerbyVersion: eng.Version}
	if found, err := deepcheck.FindRuntime(deepcheck.FindOptions{Install: root}); err == nil {
		rt.Java = found.Java
	}
	return rt
}

// doctorFinding is a finding worded in the user's language.
type doctorFinding struct {
	doctor.Finding
	Message string `json:"message"`
	Next    string `json:"next"`
}

type doctorInstall struct {
	*doctor.InstallReport
	Findings []doctorFinding `json:"findings"`
}

type doctorOutput struct {
	Searched []string        `json:"searched"`
	Installs []doctorInstall `json:"installs"`
	Findings []doctorFinding `json:"findings"`
	AtRisk   bool            `json:"at_risk"`
	// Offsite is every bucket examined: whether it can protect snapshots,
	// and the newest snapshot of each install kept there.
	Offsite []*doctor.Offsite `json:"offsite"`
	// now is when doctor looked, for the ages in the text.
	now time.Time
}

func wordFindings(u *ui, fs []doctor.Finding) []doctorFinding {
	out := make([]doctorFinding, 0, len(fs))
	for _, f := range fs {
		out = append(out, doctorFinding{Finding: f, Message: u.T("doctor."+f.Code, f.Args...), Next: u.T("doctor.next."+f.Code, f.NextArgs...)})
	}
	sevRank := map[doctor.Severity]int{doctor.Critical: 0, doctor.Warning: 1, doctor.Info: 2}
	sort.SliceStable(out, func(i, j int) bool { return sevRank[out[i].Severity] < sevRank[out[j].Severity] })
	return out
}

// runDoctor looks for installs and their snapshots and judges how safe
// each database is. When any finding is a warning or critical, the result
// comes back with an *integrityFinding (exit 3).
func runDoctor(ctx context.Context, u *ui, opts doctorOptions) (*doctorOutput, error) {
	maxAge, err := retention.ParseDuration(opts.MaxAge)
	if err != nil {
		return nil, u.usageErr("err.maxage", opts.MaxAge)
	}
	now := time.Now()
	for _, p := range opts.Paths {
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
			return nil, u.usageErr("err.nofolder", p)
		}
	}
	if opts.Depth < 0 || opts.Depth > 10 {
		return nil, u.usageErr("err.depth", opts.Depth)
	}
	var dirs, buckets []string
	for _, d := range append(append([]string{}, opts.Out...), os.Getenv("EFBACKUP_OUT")) {
		switch {
		case d == "":
		case location.IsS3(d):
			buckets = append(buckets, d)
		default:
			dirs = append(dirs, d)
		}
	}
	env := scheduleEnv()
	do := doctor.Options{
		Roots: opts.Paths, Depth: opts.Depth, Now: func() time.Time { return now },
		InUse: doctorInUse(u), Quick: opts.Quick, SnapshotDirs: dirs, Engines: engines(),
		CheckDB: doctorInspectDB, Runtime: doctorRuntime,
		MaxAge: now.Sub(maxAge.Before(now)),
		Schedule: func(ctx context.Context, label string) (*schedule.Status, error) {
			return env.Find(ctx, label)
		},
		Offsite:    buckets,
		OpenStore:  func(raw string) (store.Store, error) { return openStore(raw, opts.Store) },
		RunLogDirs: func(label string) []string { return []string{runLogDir("s3://", label)} },
		LabelOf:    func(root, plain string) string { return doctorScheduleLabel(env, root, plain) },
	}
	if !opts.Quick {
		do.CheckDB = doctorCheckDB
	}
	if do.Depth == 0 {
		do.Depth = -1 // only the given paths themselves
	}
	u.info("%s", u.T("doctor.searching"))
	rep, err := doctor.Run(ctx, do)
	if err != nil {
		return nil, err
	}
	out := &doctorOutput{Searched: rep.Roots, Installs: []doctorInstall{}, Findings: wordFindings(u, rep.Findings), AtRisk: rep.AtRisk, now: now,
		Offsite: rep.Offsite}
	for _, ir := range rep.Installs {
		out.Installs = append(out.Installs, doctorInstall{InstallReport: ir, Findings: wordFindings(u, ir.Findings)})
	}
	if rep.AtRisk {
		n := len(rep.Findings)
		for _, ir := range rep.Installs {
			for _, f := range ir.Findings {
				if f.Severity != doctor.Info {
					n++
				}
			}
		}
		return out, &integrityFinding{msg: u.T("doctor.atrisk", n), hint: u.T("hint.doctor")}
	}
	return out, nil
}

func age(u *ui, t time.Time, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return u.T("age.future")
	case d < time.Hour:
		return u.T("age.minutes", int(d.Minutes()))
	case d < 48*time.Hour:
		return u.T("age.hours", int(d.Hours()))
	}
	return u.T("age.days", int(d.Hours()/24))
}

func printDoctor(w io.Writer, u *ui, out doctorOutput) {
	now := out.now
	for _, in := range out.Installs {
		fmt.Fprintln(w, u.T("doctor.install", in.Version, in.Root))
		if in.HasDB {
			var names []string
			for _, d := range in.Databases {
				names = append(names, d.Name)
			}
			db := u.T("doctor.db", humanBytes(in.DBBytes), in.DBFiles, strings.Join(names, ", "))
			if in.InUse != nil {
				if *in.InUse {
					db += "; " + u.T("doctor.inuse.yes")
				} else {
					db += "; " + u.T("doctor.inuse.no")
				}
			}
			fmt.Fprintln(w, "  "+db)
			printIndented(w, u, in.Databases)
		} else {
			fmt.Fprintln(w, "  "+u.T("doctor.nodbline"))
		}
		ab := in.AppBackups
		if ab.Count == 0 {
			fmt.Fprintln(w, "  "+u.T("doctor.apps.none", ab.Dir))
		} else {
			fmt.Fprintln(w, "  "+u.T("doctor.apps", ab.Count, humanBytes(ab.Bytes), filepath.Base(ab.Newest), age(u, *ab.NewestTime, now)))
			for _, r := range ab.Results {
				if !r.OK() {
					fmt.Fprintln(w, "    "+appzipLine(u, r))
				}
			}
			if ab.Bad == 0 {
				key := "doctor.apps.allgood"
				if len(ab.Results) > 0 && !ab.Results[0].Read {
					key = "doctor.apps.allgoodquick"
				}
				fmt.Fprintln(w, "    "+u.T(key))
			}
		}
		switch {
		case in.AutoBackup.Disabled:
			fmt.Fprintln(w, "  "+u.T("doctor.auto.off", strings.Join(in.AutoBackup.Renamed, ", ")))
		case in.AutoBackup.Updater != "":
			fmt.Fprintln(w, "  "+u.T("doctor.auto.on", in.AutoBackup.Updater))
		}
		sn := in.Snapshots
		if sn.Count == 0 {
			fmt.Fprintln(w, "  "+u.T("doctor.snaps.none", strings.Join(sn.Searched, ", ")))
		} else {
			line := u.T("doctor.snaps", sn.Count, filepath.Base(sn.Newest), age(u, *sn.NewestTime, now), sn.Dir)
			switch {
			case sn.Keyless && sn.Verified == retention.VerifiedOK:
				line += "; " + u.T("doctor.snaps.verified.keyless")
			case sn.Verified != "":
				line += "; " + u.lang.TData("doctor.snaps.verified.", sn.Verified)
			}
			if sn.SameDisk != nil {
				if *sn.SameDisk {
					line += "; " + u.T("doctor.snaps.samedisk")
				} else {
					line += "; " + u.T("doctor.snaps.otherdisk")
				}
			}
			fmt.Fprintln(w, "  "+line)
		}
		if o := in.Offsite; o != nil {
			fmt.Fprintln(w, "  "+u.T("doctor.offsite.newest", o.Count, baseName(o.Snapshot), age(u, o.Time, now), o.Snapshot[:len(o.Snapshot)-len(baseName(o.Snapshot))-1]))
		}
		if in.Schedule != nil {
			if in.Schedule.Installed {
				fmt.Fprintln(w, "  "+u.T("doctor.sched.yes", in.Schedule.Backend))
			} else {
				fmt.Fprintln(w, "  "+u.T("doctor.sched.no"))
			}
		}
		if in.LastRun != nil {
			fmt.Fprintln(w, "  "+u.T("doctor.lastrun", in.LastRun.Time.Local().Format("2006-01-02 15:04"), in.LastRun.Outcome, in.LastRun.ExitCode))
		}
		printFindings(w, u, in.Findings)
		fmt.Fprintln(w)
	}
	for _, o := range out.Offsite {
		printOffsite(w, u, o, now)
	}
	if len(out.Findings) > 0 {
		fmt.Fprintln(w, u.T("doctor.across"))
		printFindings(w, u, out.Findings)
	}
	if !out.AtRisk {
		fmt.Fprintln(w, u.T("doctor.allgood"))
	}
}

func printFindings(w io.Writer, u *ui, fs []doctorFinding) {
	for _, f := range fs {
		line := fmt.Sprintf("  %-8s %s", strings.ToUpper(u.T("severity."+string(f.Severity))), f.Message)
		if f.ETAX != "" {
			line += " " + u.T("doctor.etax", f.ETAX)
		}
		fmt.Fprintln(w, line)
		fmt.Fprintln(w, "           "+u.T("doctor.nextstep", f.Next))
	}
}

// appzipLine words one zip's verdict.
func appzipLine(u *ui, r appzip.Result) string {
	line := u.T("appzip.line", filepath.Base(r.Path), u.T("appzip.status."+string(r.Status)), r.Entries, humanBytes(r.Bytes))
	for _, p := range r.Problems {
		if p.Entry != "" {
			line += "; " + p.Entry + ": " + p.In(u.lang)
		} else {
			line += "; " + p.In(u.lang)
		}
	}
	return line
}

// printOffsite says what doctor found in one bucket: whether it protects
// snapshots, and the newest snapshot of each install there.
func printOffsite(w io.Writer, u *ui, o *doctor.Offsite, now time.Time) {
	fmt.Fprintln(w, u.T("doctor.offsite", o.Location))
	if o.Error != "" {
		fmt.Fprintln(w, "  "+u.T("doctor.offsite.error", o.Error))
		fmt.Fprintln(w)
		return
	}
	yes := func(b bool) string {
		if b {
			return u.T("doctor.offsite.yes")
		}
		return u.T("doctor.offsite.no")
	}
	fmt.Fprintln(w, "  "+u.T("doctor.offsite.status", yes(o.Versioning == "Enabled"), yes(o.ObjectLock)))
	if len(o.Installs) == 0 {
		fmt.Fprintln(w, "  "+u.T("doctor.offsite.none"))
	}
	for _, s := range o.Installs {
		who := s.Label
		if s.Prefix != "" {
			who = s.Prefix + "/" + s.Label
		}
		if s.Host != "" || s.Install != "" {
			who += " (" + s.Host + ": " + s.Install + ")"
		}
		line := u.T("doctor.offsite.install", who, s.Count, baseName(s.Snapshot), age(u, s.Time, now))
		if r := s.Retention; r != nil && r.Active(now) {
			line += "; " + u.T("list.lockedcell", r.Until.Local().Format("2006-01-02"))
		}
		if s.Tampered {
			line += "; " + u.T("list.tamperedcell")
		}
		fmt.Fprintln(w, "  "+line)
	}
	fmt.Fprintln(w)
}
