package doctor

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/engine/derby"
	derbyfix "github.com/efbackup/efbackup/fixtures/derby"
	"github.com/efbackup/efbackup/fixtures/install"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/schedule"
	"github.com/klauspost/compress/zstd"
)

func gen(t *testing.T, dir, version string, backups int) string {
	t.Helper()
	if _, err := install.Generate(dir, install.Options{Version: version, AppBackups: backups, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func snapshotOf(t *testing.T, root, out string, at time.Time) string {
	t.Helper()
	res, err := backup.Snapshot(context.Background(), backup.SnapshotOptions{DB: filepath.Join(root, "db"), Install: root, OutDir: out,
		Label: backup.SafeLabel(filepath.Base(root)), Level: zstd.SpeedFastest, Now: func() time.Time { return at }, Engines: derbyOnly})
	if err != nil {
		t.Fatal(err)
	}
	return res.Path
}

// fakeDevices puts every path under one of the prefixes on its own
// "disk"; everything else on "disk-0".
func fakeDevices(t *testing.T, disks ...string) {
	orig := deviceOfFunc
	t.Cleanup(func() { deviceOfFunc = orig })
	deviceOfFunc = func(p string) (string, error) {
		for i, d := range disks {
			if strings.HasPrefix(p, d) {
				return "disk-" + string(rune('1'+i)), nil
			}
		}
		return "disk-0", nil
	}
}

func codes(fs []Finding) map[string]Finding {
	m := map[string]Finding{}
	for _, f := range fs {
		m[f.Code] = f
	}
	return m
}

var derbyOnly = engine.Set{derby.New()}

// realChecks runs the Derby checks over a live db/, as the command does.
func realChecks(ctx context.Context, db string) ([]engine.Database, error) {
	rep, err := backup.HashFolder(ctx, db, backup.FolderOptions{Engines: derbyOnly})
	if err != nil {
		return nil, err
	}
	return rep.Databases, nil
}

func notInUse(context.Context, string) (bool, i18n.Text, []string, error) {
	return false, i18n.Text{}, nil, nil
}

func installed(context.Context, string) (*schedule.Status, error) {
	return &schedule.Status{Backend: "systemd", Installed: true}, nil
}

// A well-kept install: a fresh snapshot on another disk, a schedule, the
// app's own backups intact. Nothing at risk.
func TestHealthy(t *testing.T) {
	base := t.TempDir()
	root := gen(t, filepath.Join(base, "pc", "eFaktur-4.0"), "4.0", 2)
	usb := filepath.Join(base, "usb")
	fakeDevices(t, usb)
	now := time.Now()
	snapshotOf(t, root, usb, now.Add(-time.Hour))
	rep, err := Run(context.Background(), Options{Roots: []string{filepath.Join(base, "pc")}, Now: func() time.Time { return now },
		InUse: notInUse, CheckDB: realChecks, Schedule: installed, SnapshotDirs: []string{usb}, Engines: derbyOnly})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Installs) != 1 {
		t.Fatalf("installs %+v", rep.Installs)
	}
	ir := rep.Installs[0]
	for _, f := range ir.Findings {
		if f.Severity != Info {
			t.Errorf("finding %+v", f)
		}
	}
	if rep.AtRisk {
		t.Error("at risk")
	}
	if ir.Version != "4.0" || ir.DBBytes == 0 || len(ir.Databases) != 1 || *ir.InUse {
		t.Fatalf("install %+v", ir)
	}
	if d := ir.Databases[0]; d.Name != "ETaxInvoice" || d.Engine != "derby" || d.State != engine.Clean || d.Verdict != engine.OK || d.DerbyVersion != "10.14" {
		t.Errorf("database %+v", d)
	}
	if ir.AppBackups.Count != 2 || ir.AppBackups.Bad != 0 || ir.AppBackups.NewestGood == "" || ir.AppBackups.Bytes == 0 {
		t.Errorf("app backups %+v", ir.AppBackups)
	}
	if ir.Snapshots.Count != 1 || ir.Snapshots.Verified != "ok" || *ir.Snapshots.SameDisk || ir.Snapshots.Dir != usb {
		t.Errorf("snapshots %+v", ir.Snapshots)
	}
	if ir.AutoBackup.Disabled || ir.AutoBackup.Updater != "ETaxInvoiceUpd.exe" {
		t.Errorf("auto backup %+v", ir.AutoBackup)
	}
}

// Everything wrong at once: each risk gets its finding, severity and, where
// one applies, the ETAX error it helps avoid.
func TestAtRisk(t *testing.T) {
	base := t.TempDir()
	root := gen(t, filepath.Join(base, "eFaktur"), "3.2", 3)
	fakeDevices(t)
	// The updater renamed, as users do to stop the slow backup at login.
	os.Rename(filepath.Join(root, "ETaxInvoiceUpd.exe"), filepath.Join(root, "ETaxInvoiceUpd_OLD.exe"))
	// The newest app zip cut short.
	zips, _ := filepath.Glob(filepath.Join(root, "backup", "*.zip"))
	slices.Sort(zips)
	fi, _ := os.Stat(zips[2])
	os.Truncate(zips[2], fi.Size()/2)
	// A snapshot on the same disk, old.
	out := filepath.Join(base, "efbackup-snapshots")
	snapshotOf(t, root, out, time.Date(2024, 7, 19, 12, 0, 0, 0, time.UTC))
	now := time.Date(2024, 9, 1, 12, 0, 0, 0, time.UTC)
	damaged := func(context.Context, string) ([]engine.Database, error) {
		return []engine.Database{{Name: "ETaxInvoice", Engine: "derby", State: engine.Clean, Verdict: engine.Damaged,
			Findings: []engine.Finding{{Verdict: engine.Damaged, Code: "page-checksum", File: "seg0/c490.dat", Page: 10, Offset: 40960}}}}, nil
	}
	none := func(context.Context, string) (*schedule.Status, error) { return &schedule.Status{}, nil }
	rep, err := Run(context.Background(), Options{Roots: []string{root}, Now: func() time.Time { return now },
		InUse: notInUse, CheckDB: damaged, Schedule: none, Engines: derbyOnly})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.AtRisk {
		t.Error("not at risk")
	}
	got := codes(rep.Installs[0].Findings)
	want := map[string]Severity{
		CodeDBDamaged: Critical, CodeBackupOld: Critical, CodeAutoBackupOff: Warning, CodeNoSchedule: Warning,
		CodeAppBackupBad: Warning, CodeSameDisk: Warning, CodeOldVersion: Info,
	}
	for c, sev := range want {
		f, ok := got[c]
		if !ok || f.Severity != sev {
			t.Errorf("%s: %+v (want %s)", c, f, sev)
		}
	}
	if e := got[CodeDBDamaged].ETAX; !strings.Contains(e, "ETAX-10002") || !strings.Contains(e, "ETAX-40003") {
		t.Errorf("db-damaged names %q", e)
	}
	ab := rep.Installs[0].AppBackups
	if ab.Bad != 1 || ab.NewestGood != zips[1] || ab.Results[0].Status != "truncated" {
		t.Errorf("app backups %+v", ab)
	}
	if got[CodeAppBackupBad].NextArgs[0] != zips[1] {
		t.Errorf("next step does not name the newest good zip: %+v", got[CodeAppBackupBad])
	}
	if a := rep.Installs[0].AutoBackup; !a.Disabled || !slices.Equal(a.Renamed, []string{"ETaxInvoiceUpd_OLD.exe"}) {
		t.Errorf("auto backup %+v", a)
	}
	// The newest good copy is the snapshot of 19 July: 44 days.
	if d := rep.Installs[0].LastBackupDays; d < 43.9 || d > 44.1 {
		t.Errorf("last backup %v days ago", d)
	}
}

// No backup of any kind: critical.
func TestNoBackup(t *testing.T) {
	root := gen(t, filepath.Join(t.TempDir(), "eFaktur"), "4.0", -1)
	rep, err := Run(context.Background(), Options{Roots: []string{root}})
	if err != nil {
		t.Fatal(err)
	}
	got := codes(rep.Installs[0].Findings)
	if got[CodeNoBackup].Severity != Critical || got[CodeAppBackupsNone].Severity != Info {
		t.Errorf("findings %+v", rep.Installs[0].Findings)
	}
	if _, ok := got[CodeNoSchedule]; ok {
		t.Error("no-schedule without a schedule query")
	}
}

// Two installs with a database on one disk: ETAX-40003. On two disks:
// nothing.
func TestSeveralInstalls(t *testing.T) {
	base := t.TempDir()
	gen(t, filepath.Join(base, "old", "eFaktur-3.2"), "3.2", -1)
	gen(t, filepath.Join(base, "new", "eFaktur-4.0"), "4.0", -1)
	fakeDevices(t)
	rep, err := Run(context.Background(), Options{Roots: []string{base}, Quick: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Installs) != 2 || len(rep.Findings) != 1 || rep.Findings[0].Code != CodeSeveralInstalls || rep.Findings[0].ETAX != "ETAX-40003" {
		t.Fatalf("findings %+v (installs %d)", rep.Findings, len(rep.Installs))
	}
	fakeDevices(t, filepath.Join(base, "new"))
	rep, _ = Run(context.Background(), Options{Roots: []string{base}, Quick: true})
	if len(rep.Findings) != 0 {
		t.Errorf("two disks: %+v", rep.Findings)
	}
}

// The last scheduled run failed: said, with its message.
func TestLastRunFailed(t *testing.T) {
	base := t.TempDir()
	root := gen(t, filepath.Join(base, "eFaktur"), "4.0", 2)
	out := filepath.Join(base, "efbackup-snapshots")
	now := time.Now()
	snapshotOf(t, root, out, now.Add(-48*time.Hour))
	schedule.AppendRun(out, schedule.RunRecord{Time: now.Add(-48 * time.Hour), Label: "eFaktur", Outcome: schedule.OutcomeOK, ExitCode: 0})
	schedule.AppendRun(out, schedule.RunRecord{Time: now.Add(-24 * time.Hour), Label: "eFaktur", Outcome: schedule.OutcomeInUse, ExitCode: 4, Message: "e-Faktur is open"})
	rep, err := Run(context.Background(), Options{Roots: []string{root}, Now: func() time.Time { return now }, Schedule: installed})
	if err != nil {
		t.Fatal(err)
	}
	ir := rep.Installs[0]
	f, ok := codes(ir.Findings)[CodeLastRunFailed]
	if !ok || f.Args[1] != "in-use" || f.Args[2] != "e-Faktur is open" || ir.LastRun.ExitCode != 4 {
		t.Fatalf("findings %+v, last run %+v", ir.Findings, ir.LastRun)
	}
}

func TestDeviceOfReal(t *testing.T) {
	a, err := deviceOf(t.TempDir())
	if err != nil {
		t.Skip(err)
	}
	b, _ := deviceOf(t.TempDir())
	if a != b {
		t.Errorf("two temp folders on different devices: %s %s", a, b)
	}
	if _, err := deviceOf(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing path: %v", err)
	}
}

// What doctor says about the databases in db/: the one e-Faktur needs is
// missing, a folder that is no database (both ETAX-10001 causes), a
// database left needing recovery, a snapshot dated in the future, and
// whether the install ships the engine a deep check would use.
func TestDatabaseFindings(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "eFaktur")
	if _, err := install.Generate(root, install.Options{Version: "4.0", AppBackups: -1, Seed: 5, State: derbyfix.Exited}); err != nil {
		t.Fatal(err)
	}
	fakeDevices(t, filepath.Join(base, "usb"))
	if err := os.MkdirAll(filepath.Join(root, "db", "copy of ETaxInvoice (2)"), 0o755); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	usb := filepath.Join(base, "usb")
	snapshotOf(t, root, usb, now.Add(-time.Hour))
	ahead := snapshotOf(t, root, usb, now.AddDate(10, 0, 0))
	found := func(string) *Runtime {
		return &Runtime{Java: "java/bin/java", Derby: "lib/derby.jar", DerbyVersion: "10.14.2.0"}
	}
	rep, err := Run(context.Background(), Options{Roots: []string{root}, Now: func() time.Time { return now },
		InUse: notInUse, CheckDB: realChecks, SnapshotDirs: []string{usb}, Engines: derbyOnly, Runtime: found})
	if err != nil {
		t.Fatal(err)
	}
	ir := rep.Installs[0]
	got := codes(ir.Findings)
	for c, sev := range map[string]Severity{CodeNotADatabase: Warning, CodeNeedsRecovery: Warning, CodeFutureSnapshot: Warning, CodeEngineFound: Info} {
		if f, ok := got[c]; !ok || f.Severity != sev {
			t.Errorf("%s: %+v (want %s); all: %+v", c, f, sev, ir.Findings)
		}
	}
	if _, ok := got[CodeNoMainDB]; ok {
		t.Errorf("ETaxInvoice reported missing")
	}
	if !strings.Contains(got[CodeNotADatabase].Args[0].(string), "copy of ETaxInvoice (2)") || got[CodeNotADatabase].ETAX != "ETAX-10001" {
		t.Errorf("not-a-database: %+v", got[CodeNotADatabase])
	}
	if ir.Snapshots.Newest == ahead || len(ir.Snapshots.FutureDated) != 1 || ir.Snapshots.NewestDays > 0.1 || ir.Snapshots.NewestDays < 0 {
		t.Errorf("snapshots %+v", ir.Snapshots)
	}
	// Without ETaxInvoice, and without an engine in the install.
	if err := os.Rename(filepath.Join(root, "db", "ETaxInvoice"), filepath.Join(base, "moved")); err != nil {
		t.Fatal(err)
	}
	rep, err = Run(context.Background(), Options{Roots: []string{root}, Now: func() time.Time { return now },
		InUse: notInUse, CheckDB: realChecks, Runtime: func(string) *Runtime { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	got = codes(rep.Installs[0].Findings)
	if f := got[CodeNoMainDB]; f.Severity != Critical || f.ETAX != "ETAX-10001" {
		t.Errorf("no-etaxinvoice: %+v", f)
	}
	if _, ok := got[CodeEngineMissing]; !ok {
		t.Errorf("engine-missing not reported: %+v", rep.Installs[0].Findings)
	}
}
