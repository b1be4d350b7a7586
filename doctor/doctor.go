// Package doctor looks over the e-Faktur installs on a computer and says,
// for each, what puts its database at risk and what to do about it: no
// recent backup, backups on the same disk as the database, a damaged
// database, damaged app backups, the app's own backup switched off, no
// schedule, several installs side by side, a db/ without its ETaxInvoice
// database or with folders that are no database, a database left needing
// recovery.
//
// Every finding has a severity, a stable code, and the arguments of its
// message and next step; the command layer words them in the user's
// language. Where a finding helps avoid a known e-Faktur error (ETAX-40003,
// ETAX-10002), it names it.
//
// The package never prints and never exits. What it needs from the rest
// of efbackup (the in-use check, the database checks, the schedule query)
// is passed in as functions, so that it can be tested alone.
package doctor

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/install"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/retention"
	"github.com/efbackup/efbackup/schedule"
	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/verify/appzip"
)

// Severity of a finding.
type Severity string

const (
	Info     Severity = "info"
	Warning  Severity = "warning"
	Critical Severity = "critical"
)

// Finding codes. The command layer has a message and a next step for each.
const (
	CodeNoDB             = "no-db"              // info: the app was never started here
	CodeVersionUnknown   = "version-unknown"    // info
	CodeOldVersion       = "old-version"        // info: 3.x stopped working when 4.0 went live
	CodeSeveralDBs       = "several-databases"  // info
	CodeInUse            = "in-use"             // info
	CodeDBDamaged        = "db-damaged"         // critical
	CodeDBWarning        = "db-warning"         // warning
	CodeDBCheckFailed    = "db-check-failed"    // info: could not be checked (changed while read)
	CodeNoBackup         = "no-backup"          // critical: no snapshot, no app backup, no good run
	CodeBackupOld        = "backup-old"         // warning (> MaxAge) or critical (> CriticalAge)
	CodeSnapshotDamaged  = "snapshot-damaged"   // warning: the newest snapshot fails verification
	CodeSameDisk         = "same-disk"          // warning: snapshots on the database's disk
	CodeNoSchedule       = "no-schedule"        // warning
	CodeLastRunFailed    = "last-run-failed"    // warning
	CodeAutoBackupOff    = "autobackup-off"     // warning, or info when a schedule runs
	CodeAppBackupBad     = "app-backup-bad"     // warning: some zips are truncated or damaged
	CodeAppBackupsMany   = "app-backups-many"   // info: prune them
	CodeAppBackupsNone   = "app-backups-none"   // info
	CodeSeveralInstalls  = "several-installs"   // warning: several installs on one disk (ETAX-40003)
	CodeNoInstall        = "no-install"         // info: nothing found
	CodeScheduleNotCheck = "schedule-unchecked" // info: the schedule could not be queried
	CodeRestorePending   = "restore-pending"    // critical: a restore's journal: running, or interrupted
	CodeNoMainDB         = "no-etaxinvoice"     // critical: db/ holds no ETaxInvoice database (ETAX-10001)
	CodeNotADatabase     = "not-a-database"     // warning: a folder or file in db/ that is no database (ETAX-10001)
	CodeNeedsRecovery    = "needs-recovery"     // warning: not shut down cleanly; the next boot replays the log
	CodeDBNotChecked     = "db-not-checked"     // info: a database no check could read (encrypted)
	CodeDBElsewhere      = "db-elsewhere"       // warning: db/ on a network share, or its log outside db/
	CodeEngineFound      = "engine-found"       // info: the install's own Java runtime and Derby engine
	CodeEngineMissing    = "engine-missing"     // info: neither found in the install: verify --deep needs one
	CodeFutureSnapshot   = "future-snapshot"    // warning: a snapshot dated in the future (a wrong clock)
	CodeDBLink           = "db-link"            // critical: db is a link (or junction): every command refuses it, so no backup is made
)

// MainDatabase is the database every e-Faktur install has in db/.
const MainDatabase = "ETaxInvoice"

// Codes lists every finding code, for the command layer's tests.
var Codes = []string{
	CodeNoDB, CodeVersionUnknown, CodeOldVersion, CodeSeveralDBs, CodeInUse, CodeDBDamaged, CodeDBWarning,
	CodeDBCheckFailed, CodeNoBackup, CodeBackupOld, CodeSnapshotDamaged, CodeSameDisk, CodeNoSchedule,
	CodeLastRunFailed, CodeAutoBackupOff, CodeAppBackupBad, CodeAppBackupsMany, CodeAppBackupsNone,
	CodeSeveralInstalls, CodeNoInstall, CodeScheduleNotCheck, CodeRestorePending, CodeNoMainDB, CodeNotADatabase,
	CodeNeedsRecovery, CodeDBNotChecked, CodeDBElsewhere, CodeEngineFound, CodeEngineMissing, CodeFutureSnapshot,
	CodeDBLink,
}

// Finding is one thing doctor has to say.
type Finding struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	// Install is the install concerned ("" for findings across installs).
	Install string `json:"install,omitempty"`
	// ETAX names the e-Faktur error this finding helps avoid.
	ETAX string `json:"etax,omitempty"`
	// Args fill the message and NextArgs the next step, in the command
	// layer's wording of Code.
	Args     []any `json:"args,omitempty"`
	NextArgs []any `json:"next_args,omitempty"`
}

// Runtime is the Java runtime and database engine an install ships, as
// far as they were found: the very engine e-Faktur uses, which
// verify --deep prefers.
type Runtime struct {
	Java         string `json:"java,omitempty"`
	Derby        string `json:"derby,omitempty"` // the jar that holds the engine
	DerbyVersion string `json:"derby_version,omitempty"`
}

// Options tunes Run. Nil functions skip their check.
type Options struct {
	Roots   []string // where to look; empty means install.DefaultRoots()
	Depth   int      // folder levels below each root; 0 means 3, <0 only the roots
	MaxDirs int      // bound on the folders visited; 0 means 20000
	Now     func() time.Time
	// InUse says whether e-Faktur has db open, and what else the probe
	// saw (a network share, a lock file left by a crash).
	InUse func(ctx context.Context, db string) (inUse bool, detail i18n.Text, warnings []string, err error)
	// CheckDB reports each folder of db/: its engine, state, versions and
	// the verdict of the database checks (Quick may make them lighter).
	CheckDB func(ctx context.Context, db string) ([]engine.Database, error)
	// Runtime finds the Java runtime and database engine an install ships.
	Runtime func(root string) *Runtime
	// Engines verify the newest snapshot's databases as it is read.
	Engines engine.Set
	// Schedule finds the efbackup schedule of a label.
	Schedule func(ctx context.Context, label string) (*schedule.Status, error)
	// LabelOf, when set, gives the label of the install root's schedule
	// and scheduled runs, whose plain label (its folder's name) another
	// install with the same folder name may have.
	LabelOf func(root, plain string) string
	// SnapshotDirs are searched for snapshots besides each install's
	// efbackup-snapshots folder and its schedule's --out.
	SnapshotDirs []string
	// Quick skips reading the app's zips and the newest snapshot in full.
	Quick bool
	// MaxAge and CriticalAge: a newest backup older than these is a
	// warning, or critical. 0 means 7 and 30 days.
	MaxAge, CriticalAge time.Duration
	// AppBackupsKeep is how many app zips are plenty (more: suggest
	// pruning); 0 means 5.
	AppBackupsKeep int
	// Offsite are bucket prefixes (s3://BUCKET/PREFIX) to examine besides
	// those the installs' schedules write to; OpenStore opens them (nil:
	// buckets are not examined).
	Offsite   []string
	OpenStore func(raw string) (store.Store, error)
	// RunLogDirs are further folders that may hold the run log of a
	// label's scheduled runs (runs into a bucket keep theirs on the
	// computer).
	RunLogDirs func(label string) []string

	bucket func(raw string) *Offsite // Run's cache of examined buckets
}

// Report is everything doctor found.
type Report struct {
	Roots    []string         `json:"searched"`
	Installs []*InstallReport `json:"installs"`
	Findings []Finding        `json:"findings"` // across installs
	AtRisk   bool             `json:"at_risk"`
	// Offsite is every bucket prefix examined.
	Offsite []*Offsite `json:"offsite"`
}

// InstallReport is what doctor found about one install.
type InstallReport struct {
	Root          string            `json:"install"`
	Version       string            `json:"version"`
	VersionSource string            `json:"version_source,omitempty"`
	Label         string            `json:"label"`
	DB            string            `json:"db"`
	HasDB         bool              `json:"has_db"`
	DBBytes       int64             `json:"db_bytes"`
	DBFiles       int               `json:"db_files"`
	Databases     []engine.Database `json:"databases"`
	InUse         *bool             `json:"in_use,omitempty"`
	InUseDetail   string            `json:"in_use_detail,omitempty"`
	Runtime       *Runtime          `json:"runtime,omitempty"`
	AppBackups    AppBackups        `json:"app_backups"`
	AutoBackup    AutoBackup        `json:"auto_backup"`
	Snapshots     Snapshots         `json:"snapshots"`
	// Offsite is the newest snapshot of this install in the buckets
	// examined (its manifest names this install on this computer).
	Offsite  *OffsiteSnapshot    `json:"offsite,omitempty"`
	LastRun  *schedule.RunRecord `json:"last_run,omitempty"`
	Schedule *schedule.Status    `json:"schedule,omitempty"`
	// LastBackup is the newest good copy of any kind, and its age.
	LastBackup     *time.Time `json:"last_backup,omitempty"`
	LastBackupDays float64    `json:"last_backup_age_days,omitempty"`
	Device         string     `json:"device,omitempty"`
	Findings       []Finding  `json:"findings"`
}

// AppBackups summarises the app's own backup/ folder.
type AppBackups struct {
	Dir        string          `json:"folder"`
	Count      int             `json:"count"`
	Bytes      int64           `json:"bytes"`
	Newest     string          `json:"newest,omitempty"`
	NewestTime *time.Time      `json:"newest_time,omitempty"`
	NewestDays float64         `json:"newest_age_days,omitempty"`
	NewestGood string          `json:"newest_good,omitempty"`
	Bad        int             `json:"bad"`
	Results    []appzip.Result `json:"results"`
}

// AutoBackup says whether the app's updater (which makes the zips) still
// runs at start-up.
type AutoBackup struct {
	Updater  string   `json:"updater,omitempty"` // the ETaxInvoiceUpd launcher found
	Renamed  []string `json:"renamed,omitempty"` // renamed variants (ETaxInvoiceUpd_OLD.exe)
	Disabled bool     `json:"disabled"`          // renamed and no launcher left
	Unknown  bool     `json:"unknown,omitempty"` // neither found: this build may not have one
}

// Snapshots summarises the efbackup snapshots of an install.
type Snapshots struct {
	Searched   []string   `json:"searched"`
	Dir        string     `json:"folder,omitempty"`
	Count      int        `json:"count"`
	Newest     string     `json:"newest,omitempty"`
	NewestTime *time.Time `json:"newest_time,omitempty"`
	NewestDays float64    `json:"newest_age_days,omitempty"`
	// Verified is retention's verdict on the newest ("ok", "damaged",
	// "database-damaged", "not-checked"), "" when not read.
	Verified string `json:"verified,omitempty"`
	// Keyless is set when the newest is encrypted and was checked without
	// its key: its encrypted bytes against its sidecar, not what is inside.
	Keyless  bool  `json:"checked_without_key,omitempty"`
	SameDisk *bool `json:"same_disk,omitempty"`
	// FutureDated lists snapshots dated after now: a clock was wrong when
	// they were made, so none of them counts as the newest.
	FutureDated []string `json:"future_dated,omitempty"`
}

var (
	updaterRe = regexp.MustCompile(`(?i)^etaxinvoiceupd(\.exe)?$`)
	renamedRe = regexp.MustCompile(`(?i)^etaxinvoiceupd.+$`)
)

// Run finds the installs and examines each.
func Run(ctx context.Context, opts Options) (*Report, error) {
	switch {
	case opts.Depth == 0:
		opts.Depth = 3
	case opts.Depth < 0:
		opts.Depth = 0 // only the roots themselves
	}
	if opts.MaxDirs <= 0 {
		opts.MaxDirs = 20000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = 7 * 24 * time.Hour
	}
	if opts.CriticalAge <= 0 {
		opts.CriticalAge = 30 * 24 * time.Hour
	}
	opts.CriticalAge = max(opts.CriticalAge, opts.MaxAge)
	if opts.AppBackupsKeep <= 0 {
		opts.AppBackupsKeep = 5
	}
	roots := opts.Roots
	if len(roots) == 0 {
		roots = install.DefaultRoots()
	}
	rep := &Report{Roots: roots, Installs: []*InstallReport{}, Findings: []Finding{}, Offsite: []*Offsite{}}
	seen := map[string]*Offsite{}
	opts.bucket = func(raw string) *Offsite {
		raw = strings.TrimRight(raw, "/")
		if o := seen[raw]; o != nil || opts.OpenStore == nil {
			return o
		}
		o := examineOffsite(ctx, raw, opts, opts.Now())
		seen[raw] = o
		rep.Offsite = append(rep.Offsite, o)
		return o
	}
	for _, raw := range opts.Offsite {
		opts.bucket(raw)
	}
	installs, err := install.FindInstalls(roots, opts.Depth, opts.MaxDirs)
	if err != nil {
		return nil, err
	}
	for _, in := range installs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ir, err := examine(ctx, in, opts)
		if err != nil {
			return nil, err
		}
		rep.Installs = append(rep.Installs, ir)
	}
	if len(installs) == 0 {
		rep.Findings = append(rep.Findings, Finding{Severity: Info, Code: CodeNoInstall, Args: []any{strings.Join(roots, ", ")}})
	}
	for _, o := range rep.Offsite {
		rep.Findings = append(rep.Findings, offsiteFindings(o)...)
	}
	// Several installs with a database on one disk: one of the listed
	// causes of ETAX-40003 (several e-Faktur apps on one device).
	byDev := map[string][]string{}
	for _, ir := range rep.Installs {
		if ir.HasDB && ir.Device != "" {
			byDev[ir.Device] = append(byDev[ir.Device], ir.Root)
		}
	}
	devs := make([]string, 0, len(byDev))
	for d := range byDev {
		devs = append(devs, d)
	}
	sort.Strings(devs)
	for _, d := range devs {
		if roots := byDev[d]; len(roots) > 1 {
			rep.Findings = append(rep.Findings, Finding{Severity: Warning, Code: CodeSeveralInstalls, ETAX: "ETAX-40003",
				Args: []any{len(roots), strings.Join(roots, ", ")}})
		}
	}
	for _, f := range rep.Findings {
		rep.AtRisk = rep.AtRisk || f.Severity != Info
	}
	for _, ir := range rep.Installs {
		for _, f := range ir.Findings {
			rep.AtRisk = rep.AtRisk || f.Severity != Info
		}
	}
	return rep, nil
}

func examine(ctx context.Context, in *install.Install, opts Options) (*InstallReport, error) {
	now := opts.Now()
	ir := &InstallReport{Root: in.Root, Version: in.Version, VersionSource: in.VersionSource, Label: backup.SafeLabel(filepath.Base(in.Root)),
		DB: in.DB, HasDB: in.HasDB, Databases: []engine.Database{}, Findings: []Finding{}}
	add := func(sev Severity, code, etax string, args []any, next ...any) {
		ir.Findings = append(ir.Findings, Finding{Severity: sev, Code: code, Install: in.Root, ETAX: etax, Args: args, NextArgs: next})
	}
	if opts.LabelOf != nil {
		ir.Label = opts.LabelOf(in.Root, ir.Label)
	}
	if dev, err := deviceOfFunc(in.Root); err == nil {
		ir.Device = dev
	}
	switch {
	case in.Version == install.UnknownVersion:
		add(Info, CodeVersionUnknown, "", []any{in.Root})
	case strings.HasPrefix(in.Version, "3."):
		add(Info, CodeOldVersion, "", []any{in.Version}, in.Root)
	}

	// A restore that has not finished: db/ may be missing (Windows swaps
	// with two renames) or about to be replaced. The next restore finishes
	// or undoes it.
	restorePending := false
	if j, err := backup.PendingRestore(in.DB); j != nil || err != nil {
		restorePending = true
		snap, started := "?", "?"
		if j != nil {
			snap, started = j.Snapshot, j.Started.Local().Format("2006-01-02 15:04")
		}
		add(Critical, CodeRestorePending, "", []any{in.Root, started, snap}, snap, in.Root)
	}

	// db/: size, databases, in use, checks.
	if in.HasDB {
		_ = fsutil.WalkDirShared(in.DB, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if fi, err := d.Info(); err == nil && fi.Mode().IsRegular() {
				ir.DBBytes += fi.Size()
				ir.DBFiles++
			}
			return nil
		})
		busy := false
		if opts.InUse != nil {
			b, detail, warnings, err := opts.InUse(ctx, in.DB)
			if err == nil {
				busy = b
				ir.InUse, ir.InUseDetail = &b, detail.String()
				if busy {
					add(Info, CodeInUse, "", []any{detail})
				}
				for _, w := range warnings {
					add(Warning, CodeDBElsewhere, "", []any{w})
				}
			}
		}
		if opts.CheckDB != nil {
			dbs, err := opts.CheckDB(ctx, in.DB)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				add(Info, CodeDBCheckFailed, "", []any{err.Error()})
			}
			ir.Databases = append(ir.Databases, dbs...)
			examineDatabases(ir, dbs, busy, err == nil, add)
		}
	} else if target, link := install.DBLink(in.DB); link {
		add(Critical, CodeDBLink, "", []any{in.DB, target}, target)
	} else if !restorePending {
		add(Info, CodeNoDB, "", []any{in.DB})
	}
	if opts.Runtime != nil {
		rt := opts.Runtime(in.Root)
		ir.Runtime = rt
		switch {
		case rt == nil || rt.Derby == "":
			add(Info, CodeEngineMissing, "", []any{in.Root})
		case rt.Java == "":
			add(Info, CodeEngineFound, "", []any{rt.Derby, rt.DerbyVersion, "-"})
		default:
			add(Info, CodeEngineFound, "", []any{rt.Derby, rt.DerbyVersion, rt.Java})
		}
	}

	// The updater, and whether it was renamed to switch the auto-backup off.
	entries, _ := os.ReadDir(in.Root)
	for _, e := range entries {
		n := e.Name()
		switch {
		case e.IsDir():
		case updaterRe.MatchString(n):
			ir.AutoBackup.Updater = n
		case renamedRe.MatchString(n) && !strings.HasSuffix(strings.ToLower(n), ".config"):
			ir.AutoBackup.Renamed = append(ir.AutoBackup.Renamed, n)
		}
	}
	ir.AutoBackup.Disabled = ir.AutoBackup.Updater == "" && len(ir.AutoBackup.Renamed) > 0
	ir.AutoBackup.Unknown = ir.AutoBackup.Updater == "" && len(ir.AutoBackup.Renamed) == 0

	// The app's own zips.
	examineAppBackups(ctx, ir, opts, now)
	ab := &ir.AppBackups
	switch {
	case ab.Count == 0 && in.HasDB:
		add(Info, CodeAppBackupsNone, "", []any{ab.Dir})
	case ab.Bad > 0:
		args := []any{ab.Bad, ab.Count}
		var bad []string
		for _, r := range ab.Results {
			if !r.OK() {
				bad = append(bad, filepath.Base(r.Path)+" ("+string(r.Status)+")")
			}
		}
		args = append(args, strings.Join(bad, ", "))
		newestGood := ab.NewestGood
		if newestGood == "" {
			newestGood = "-"
		}
		add(Warning, CodeAppBackupBad, "", args, newestGood)
	}
	if ab.Count > opts.AppBackupsKeep {
		add(Info, CodeAppBackupsMany, "", []any{ab.Count, ab.Bytes >> 20}, in.Root, 3)
	}

	// efbackup's snapshots, the schedule and its last run.
	if opts.Schedule != nil {
		st, err := opts.Schedule(ctx, ir.Label)
		switch {
		case err != nil:
			add(Info, CodeScheduleNotCheck, "", []any{err.Error()})
		default:
			ir.Schedule = st
		}
	}
	dirs := append([]string{}, opts.SnapshotDirs...)
	var spec *schedule.Spec
	if ir.Schedule != nil && ir.Schedule.Spec != nil && ir.Schedule.Spec.Out != "" {
		spec = ir.Schedule.Spec
		dirs = append(dirs, spec.Out)
	}
	dirs = append(dirs, filepath.Join(filepath.Dir(in.Root), "efbackup-snapshots"))
	// Buckets are off-site stores: examined once for all installs, and
	// their newest snapshot of this install counts as a backup.
	var buckets []*Offsite
	local := dirs[:0]
	for _, d := range dirs {
		if !isBucket(d) {
			local = append(local, d)
		}
	}
	dirs = local
	if opts.bucket != nil {
		for _, raw := range append(append([]string{}, opts.Offsite...), offsiteLocations(spec)...) {
			if o := opts.bucket(raw); o != nil {
				buckets = append(buckets, o)
			}
		}
	}
	ir.Offsite = newestOffsite(ir, buckets, now)
	examineSnapshots(ctx, ir, dirs, opts, now)
	sn := &ir.Snapshots
	switch sn.Verified {
	case retention.VerifiedDamaged, retention.VerifiedDBDamage:
		add(Warning, CodeSnapshotDamaged, "", []any{sn.Newest}, sn.Dir)
	}
	if len(sn.FutureDated) > 0 {
		add(Warning, CodeFutureSnapshot, "", []any{len(sn.FutureDated), strings.Join(sn.FutureDated, ", ")})
	}
	if sn.SameDisk != nil && *sn.SameDisk {
		add(Warning, CodeSameDisk, "", []any{sn.Dir}, in.Root)
	}

	// The newest good copy of any kind.
	var last *time.Time
	newer := func(t *time.Time) {
		if t != nil && (last == nil || t.After(*last)) {
			tt := *t
			last = &tt
		}
	}
	if sn.Verified == retention.VerifiedOK || sn.Verified == retention.NotVerified {
		newer(sn.NewestTime)
	}
	if o := ir.Offsite; o != nil && !o.Tampered {
		t := o.Time
		newer(&t)
	}
	if opts.RunLogDirs != nil {
		dirs = append(dirs, opts.RunLogDirs(ir.Label)...)
	}
	if ab.NewestGood != "" {
		for _, r := range ab.Results {
			if r.Path == ab.NewestGood {
				t := r.Time
				newer(&t)
			}
		}
	}
	for _, d := range dirs {
		if r, _ := schedule.LastRunOf(d, ir.Label, true); r != nil {
			t := r.Time
			newer(&t)
		}
		if r, _ := schedule.LastRunOf(d, ir.Label, false); r != nil && (ir.LastRun == nil || r.Time.After(ir.LastRun.Time)) {
			ir.LastRun = r
		}
	}
	if in.HasDB {
		switch {
		case last == nil:
			add(Critical, CodeNoBackup, "", []any{in.DB}, in.Root)
		default:
			ir.LastBackup = last
			age := now.Sub(*last)
			ir.LastBackupDays = days(age)
			switch {
			case age > opts.CriticalAge:
				add(Critical, CodeBackupOld, "", []any{int(age.Hours() / 24)}, in.Root)
			case age > opts.MaxAge:
				add(Warning, CodeBackupOld, "", []any{int(age.Hours() / 24)}, in.Root)
			}
		}
	}
	if ir.LastRun != nil && !ir.LastRun.Success() {
		add(Warning, CodeLastRunFailed, "", []any{ir.LastRun.Time.Local().Format("2006-01-02 15:04"), ir.LastRun.Outcome, ir.LastRun.Message})
	}
	scheduled := ir.Schedule != nil && ir.Schedule.Installed
	if ir.Schedule != nil && !scheduled && in.HasDB {
		add(Warning, CodeNoSchedule, "", nil, in.Root)
	}
	if ir.AutoBackup.Disabled {
		sev := Warning
		if scheduled {
			sev = Info
		}
		add(sev, CodeAutoBackupOff, "", []any{strings.Join(ir.AutoBackup.Renamed, ", ")}, in.Root)
	}
	return ir, nil
}

// examineDatabases turns what the checks made of each folder of db/ into
// findings.
func examineDatabases(ir *InstallReport, dbs []engine.Database, busy, checked bool, add func(Severity, string, string, []any, ...any)) {
	var damaged, warned, stray, recovering, unchecked, names []string
	mainFound := false
	for i := range dbs {
		d := &dbs[i]
		if busy && d.Engine != engine.UnknownEngine {
			d.State = engine.InUse
		}
		if d.Engine == engine.UnknownEngine {
			stray = append(stray, d.Name)
			continue
		}
		names = append(names, d.Name)
		if strings.EqualFold(d.Name, MainDatabase) {
			mainFound = true
		}
		switch d.Verdict {
		case engine.Damaged:
			damaged = append(damaged, placesOf(*d, engine.Damaged)...)
		case engine.Warning:
			warned = append(warned, placesOf(*d, engine.Warning)...)
		case engine.NotChecked:
			unchecked = append(unchecked, d.Name)
		}
		if d.State == engine.NeedsRecovery {
			recovering = append(recovering, d.Name)
		}
		if d.LogDevice != "" {
			add(Warning, CodeDBElsewhere, "", []any{d.Name + ": log kept in " + d.LogDevice})
		}
	}
	if len(names) > 1 {
		add(Info, CodeSeveralDBs, "", []any{len(names), strings.Join(names, ", ")})
	}
	if checked && !mainFound {
		add(Critical, CodeNoMainDB, "ETAX-10001", []any{ir.DB, MainDatabase}, ir.Root)
	}
	if len(stray) > 0 {
		add(Warning, CodeNotADatabase, "ETAX-10001", []any{strings.Join(stray, ", ")}, ir.DB)
	}
	if len(damaged) > 0 {
		add(Critical, CodeDBDamaged, "ETAX-10001, ETAX-10002, ETAX-40003", []any{strings.Join(damaged, ", ")}, ir.Root)
	}
	if len(warned) > 0 {
		add(Warning, CodeDBWarning, "", []any{strings.Join(warned, ", ")}, ir.Root)
	}
	if len(recovering) > 0 && !busy {
		add(Warning, CodeNeedsRecovery, "", []any{strings.Join(recovering, ", ")})
	}
	if len(unchecked) > 0 {
		add(Info, CodeDBNotChecked, "", []any{strings.Join(unchecked, ", ")})
	}
}

// placesOf names where the findings of verdict v are: database/file, or
// the database alone.
func placesOf(d engine.Database, v engine.Verdict) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range d.Findings {
		if f.Verdict != v {
			continue
		}
		p := d.Name
		if f.File != "" {
			p += "/" + f.File
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		out = append(out, d.Name)
	}
	return out
}

// deviceOfFunc is deviceOf; tests replace it, since their folders all
// live on one disk.
var deviceOfFunc = deviceOf

func days(d time.Duration) float64 {
	return float64(int(d.Hours()/24*10)) / 10
}

func examineAppBackups(ctx context.Context, ir *InstallReport, opts Options, now time.Time) {
	ab := &ir.AppBackups
	ab.Dir = filepath.Join(ir.Root, "backup")
	ab.Results = []appzip.Result{}
	list, err := appzip.List(ab.Dir)
	if err != nil {
		return
	}
	for i, b := range list {
		if ctx.Err() != nil {
			return
		}
		ab.Count++
		ab.Bytes += b.Size
		if i == 0 {
			t := b.Time
			ab.Newest, ab.NewestTime, ab.NewestDays = b.Path, &t, days(now.Sub(t))
		}
		var r appzip.Result
		if opts.Quick {
			r = appzip.CheckQuick(b.Path)
		} else {
			r = appzip.CheckContext(ctx, b.Path)
		}
		if !r.OK() {
			ab.Bad++
		} else if ab.NewestGood == "" {
			ab.NewestGood = b.Path
		}
		ab.Results = append(ab.Results, r)
	}
}

func examineSnapshots(ctx context.Context, ir *InstallReport, dirs []string, opts Options, now time.Time) {
	sn := &ir.Snapshots
	sn.Searched = []string{}
	seen := map[string]bool{}
	var newest *retention.Snapshot
	var newestDir string
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil || seen[abs] {
			continue
		}
		seen[abs] = true
		sn.Searched = append(sn.Searched, abs)
		f, err := retention.Scan(abs)
		if err != nil {
			continue
		}
		for _, s := range f.Snapshots {
			if !ours(s, ir) {
				continue
			}
			sn.Count++
			if retention.FutureDated(s.Time, now) {
				sn.FutureDated = append(sn.FutureDated, s.Path)
				continue
			}
			if newest == nil || s.Time.After(newest.Time) {
				newest, newestDir = s, abs
			}
		}
	}
	if newest == nil {
		return
	}
	t := newest.Time
	sn.Dir, sn.Newest, sn.NewestTime, sn.NewestDays = newestDir, newest.Path, &t, days(now.Sub(t))
	if !opts.Quick {
		rep, err := backup.VerifyArchive(ctx, newest.Path, backup.ReadOptions{Engines: opts.Engines})
		if err == nil {
			m := rep.Manifest
			if m == nil {
				m = newest.Manifest
			}
			sn.Verified = retention.Judge(m, rep)
			sn.Keyless = rep.Encryption != nil && rep.Encryption.Keyless
		}
	}
	if ir.HasDB {
		a, err1 := deviceOfFunc(ir.DB)
		b, err2 := deviceOfFunc(newestDir)
		if err1 == nil && err2 == nil {
			same := a == b
			sn.SameDisk = &same
		}
	}
}

// ours says whether snapshot s was taken of this install: its manifest
// names the install, or (for snapshots taken with --db) it carries the
// install's default label.
func ours(s *retention.Snapshot, ir *InstallReport) bool {
	if s.Manifest != nil && s.Manifest.Install != "" && fsutil.SamePath(s.Manifest.Install, ir.Root) {
		return true
	}
	if s.Label != ir.Label {
		return false
	}
	// The same label: ours unless the manifest names another install that
	// still exists (two installs with the same folder name).
	if s.Manifest != nil && s.Manifest.Install != "" {
		_, err := os.Stat(s.Manifest.Install)
		return err != nil
	}
	return true
}
