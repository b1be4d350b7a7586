package main

// Tests of prune, the folder lock, run-scheduled, schedule, doctor and the
// app's own backups through the real main. The scripts
// testdata/script/{prune,schedule,doctor,appbackups}_*.txtar cover the
// command lines; these cover what needs fixed times, a killed process or
// the scheduler's own command line.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/doctor"
	"github.com/efbackup/efbackup/fixtures/install"
	"github.com/efbackup/efbackup/internal/folderlock"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/retention"
	"github.com/efbackup/efbackup/schedule"
	"github.com/efbackup/efbackup/store/local"
	"github.com/klauspost/compress/zstd"
)

func opsInstall(t *testing.T, version string, appBackups int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "eFaktur-"+version)
	if _, err := install.Generate(dir, install.Options{Version: version, AppBackups: appBackups, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func opsEnv(t *testing.T) {
	t.Setenv("EFBACKUP_LANG", "en")
	t.Setenv("EFBACKUP_LOCK_WAIT", "200ms")
	t.Setenv("EFBACKUP_OUT", "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
}

func archives(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "*"+backup.ArchiveSuffix))
	sort.Strings(m)
	return m
}

// The scheduler's own command line, run as cron would run it: the line
// "schedule show" prints, through sh, three days running. Each run makes a
// snapshot, prunes with the schedule's rules and appends a log line;
// schedule.LastRun reads the last one back (what list shows).
func TestScheduledRunEndToEnd(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("runs the cron line through sh")
	}
	opsEnv(t)
	inst := opsInstall(t, "4.0", 1)
	out := filepath.Join(t.TempDir(), "USB BACKUP 100%")
	code, stdout, stderr := runCLI(t, "schedule", "show", "--install", inst, "--out", out, "--daily", "18:30",
		"--keep-last", "2", "--backend", "cron", "--json")
	if code != 0 {
		t.Fatalf("schedule show: %d %s", code, stderr)
	}
	var shown scheduleOutput
	if err := json.Unmarshal([]byte(stdout), &shown); err != nil {
		t.Fatal(err)
	}
	line := shown.Plan.Commands[0].Stdin
	label := shown.Spec.Label
	// From the time on, hourly to the end of the day.
	cmdline, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "30 18-23 * * * ")
	if !ok || !strings.HasSuffix(cmdline, " # efbackup:"+label) {
		t.Fatalf("cron line %q", line)
	}
	cmdline = strings.TrimSuffix(cmdline, " # efbackup:"+label)
	cmdline = strings.ReplaceAll(cmdline, `\%`, "%") // cron's own unescaping
	// The drive is connected: the run never makes the folder.
	if err := os.MkdirAll(out, 0o700); err != nil {
		t.Fatal(err)
	}
	env := scheduleEnv()
	for day := 0; day < 3; day++ {
		if day > 0 {
			time.Sleep(1100 * time.Millisecond) // snapshot names have one-second resolution
			// A day on: the last good snapshot was made yesterday.
			st, err := env.LoadState(label, inst, out)
			if err != nil || st.LastGood == nil {
				t.Fatalf("state after run %d: %+v %v", day-1, st, err)
			}
			yesterday := st.LastGood.Add(-24 * time.Hour)
			st.LastGood = &yesterday
			if err := env.SaveState(st); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command("sh", "-c", cmdline)
		cmd.Dir = "/"
		cmd.Env = append(os.Environ(), "EFBACKUP_AS_MAIN=1", "EFBACKUP_OUT=")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("run %d: %v\n%s", day, err, b)
		}
	}
	snaps := archives(t, out)
	if len(snaps) != 2 {
		t.Fatalf("after three runs with --keep-last 2: %v", snaps)
	}
	runs, err := schedule.Runs(out)
	if err != nil || len(runs) != 3 {
		t.Fatalf("run log: %v %+v", err, runs)
	}
	for i, r := range runs {
		if r.Outcome != schedule.OutcomeOK || r.ExitCode != 0 || r.Label != label || r.Snapshot == "" {
			t.Errorf("run %d: %+v", i, r)
		}
	}
	if runs[2].Pruned != 1 || runs[0].Pruned != 0 {
		t.Errorf("pruned counts %d, %d", runs[0].Pruned, runs[2].Pruned)
	}
	last, err := schedule.LastRun(out)
	if err != nil || last.Snapshot != filepath.Base(snaps[1]) {
		t.Errorf("LastRun = %+v, %v; newest snapshot %s", last, err, snaps[1])
	}
	rec := lastScheduled(out)
	if line := lastRunLine(&ui{lang: i18n.EN}, rec); rec == nil || !strings.Contains(line, "last scheduled run: ") || !strings.Contains(line, ", ok ("+last.Snapshot+")") {
		t.Errorf("list's line: %q", line)
	}
	// Windows has no Unix permission bits (Go reports 0666 or 0444).
	if fi, _ := os.Stat(filepath.Join(out, schedule.RunLogName)); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("run log mode %v", fi.Mode())
	}
	for _, p := range snaps {
		if _, err := os.Stat(p + backup.SidecarSuffix); err != nil {
			t.Errorf("sidecar of %s: %v", p, err)
		}
	}
}

// --skip-unchanged: a database byte-identical to the newest snapshot
// writes nothing and is logged "unchanged since <snapshot>"; new times
// alone are no change; a changed byte is.
func TestSkipUnchanged(t *testing.T) {
	opsEnv(t)
	inst := opsInstall(t, "3.2", -1)
	out := filepath.Join(t.TempDir(), "snaps")
	os.MkdirAll(out, 0o700) // the backup drive is connected
	runSched := func() schedule.RunRecord {
		t.Helper()
		code, stdout, stderr := runCLI(t, "run-scheduled", "--install", inst, "--out", out, "--skip-unchanged", "--keep-last", "5", "--json")
		if code != 0 {
			t.Fatalf("run-scheduled: %d\n%s\n%s", code, stdout, stderr)
		}
		var r schedule.RunRecord
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatalf("%v\n%s", err, stdout)
		}
		return r
	}
	first := runSched()
	if first.Outcome != schedule.OutcomeOK {
		t.Fatalf("first run %+v", first)
	}
	later := time.Now().Add(time.Hour)
	os.Chtimes(filepath.Join(inst, "db", "ETaxInvoice", "seg0", "c20.dat"), later, later)
	second := runSched()
	if second.Outcome != schedule.OutcomeUnchanged || second.Snapshot != first.Snapshot || len(archives(t, out)) != 1 {
		t.Fatalf("second run %+v, archives %v", second, archives(t, out))
	}
	// snapshot --skip-unchanged says the same, and writes nothing.
	code, stdout, stderr := runCLI(t, "snapshot", "--install", inst, "--out", out, "--create-out", "--label", first.Label, "--skip-unchanged")
	if code != 0 || !strings.Contains(stdout, "unchanged since "+filepath.Join(out, first.Snapshot)) || len(archives(t, out)) != 1 {
		t.Fatalf("snapshot --skip-unchanged: exit %d\n%s%s", code, stdout, stderr)
	}
	// One more file in db/: changed.
	os.WriteFile(filepath.Join(inst, "db", "ETaxInvoice", "seg0", "README_DO_NOT_TOUCH_FILES.txt"), []byte("changed\n"), 0o644)
	time.Sleep(1100 * time.Millisecond)
	third := runSched()
	if third.Outcome != schedule.OutcomeOK || third.Snapshot == first.Snapshot || len(archives(t, out)) != 2 {
		t.Fatalf("third run %+v", third)
	}
	if un, _ := snapshotUnchanged(context.Background(), filepath.Join(inst, "db"), local.New(t.TempDir()), first.Label); un != nil {
		t.Error("unchanged against an empty folder")
	}
}

// A scheduled run that finds e-Faktur open logs "in-use" with exit code 4
// and the message, and prunes nothing.
func TestScheduledRunInUse(t *testing.T) {
	opsEnv(t)
	inst := opsInstall(t, "4.0", -1)
	out := filepath.Join(t.TempDir(), "snaps")
	os.MkdirAll(out, 0o700)
	// e-Faktur open: the real engine holds the database.
	requireDerby(t)
	hold(t, holdModes[0], filepath.Join(inst, "db", "ETaxInvoice"))
	code, _, stderr := runCLI(t, "run-scheduled", "--install", inst, "--out", out)
	if code != ExitInUse {
		t.Fatalf("run-scheduled while e-Faktur is open: exit %d, want %d: %s", code, ExitInUse, stderr)
	}
	last, err := schedule.LastRun(out)
	if err != nil || last == nil || last.Outcome != schedule.OutcomeInUse || last.ExitCode != ExitInUse || last.Message == "" {
		t.Fatalf("log %+v %v", last, err)
	}
	if !strings.Contains(stderr, "hint: ") {
		t.Errorf("no hint on stderr:\n%s", stderr)
	}
}

// kill -9 of a prune holding the folder: the next run takes the lock over
// at once (its process is gone) and says so, instead of being blocked.
func TestKilledPruneLeavesNoBlockingLock(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the test hook kills with SIGKILL")
	}
	opsEnv(t)
	inst := opsInstall(t, "4.0", -1)
	out := filepath.Join(t.TempDir(), "snaps")
	if code, _, stderr := runCLI(t, "snapshot", "--install", inst, "--out", out, "--create-out", "-q"); code != 0 {
		t.Fatal(stderr)
	}
	cmd := exec.Command(os.Args[0], "prune", "--out", out, "--keep-last", "1")
	cmd.Env = append(os.Environ(), "EFBACKUP_AS_MAIN=1", "EFBACKUP_TEST_KILL_AT=prune-locked")
	b, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || !strings.Contains(string(b), "killed at prune-locked") {
		t.Fatalf("child: %v\n%s", err, b)
	}
	held, err := folderlock.Read(out)
	if err != nil || held == nil || held.PID != cmd.Process.Pid || held.Command != "prune" {
		t.Fatalf("lock after the kill: %+v %v", held, err)
	}
	start := time.Now()
	code, stdout, stderr := runCLI(t, "prune", "--out", out, "--keep-last", "1")
	if code != 0 {
		t.Fatalf("next prune: %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "took over a stale lock") || !strings.Contains(stderr, "is gone") {
		t.Errorf("takeover not reported:\n%s", stderr)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
	if held, _ := folderlock.Read(out); held != nil {
		t.Errorf("lock left: %+v", held)
	}
}

// lockFolder, the one-line wiring for snapshot: a second writer gets the
// "locked" error (exit 1), and release removes the lock.
func TestLockFolderHelper(t *testing.T) {
	opsEnv(t)
	dir := t.TempDir()
	var so, se bytes.Buffer
	u := &ui{lang: i18n.EN, stdout: &so, stderr: &se}
	release, err := lockFolder(u, dir, "snapshot")
	if err != nil {
		t.Fatal(err)
	}
	_, err = lockFolder(u, dir, "snapshot")
	var le *lockedError
	if c := classify(err); !errors.As(err, &le) || c.Code != ExitFailed || c.Kind != "locked" || c.Outcome != schedule.OutcomeLocked || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("second lock: %v (%+v)", err, c)
	}
	release()
	if _, err := os.Stat(filepath.Join(dir, folderlock.Name)); !os.IsNotExist(err) {
		t.Fatalf("lock left after release: %v", err)
	}
}

// The default rules over 40 daily snapshots: 7 dailies, 3 more weeklies,
// the end of January as a monthly, and the oldest (monthly counts remain).
// Removed archives and sidecars are gone; --json gives every reason.
func TestPruneDefaultPolicy(t *testing.T) {
	opsEnv(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	derbyDB(t, db)
	out := filepath.Join(dir, "snaps")
	day := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 12, 0, 0, 0, time.Local) }
	for i := 0; i < 40; i++ {
		at := day(1, 1+i)
		if _, err := backup.Snapshot(context.Background(), backup.SnapshotOptions{DB: db, OutDir: out, Label: "pkp", Level: zstd.SpeedFastest,
			Now: func() time.Time { return at }, Engines: engines()}); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runCLI(t, "prune", "--out", out, "--json")
	if code != 0 {
		t.Fatalf("prune: %d %s", code, stderr)
	}
	var res struct {
		DefaultPolicy bool `json:"default_policy"`
		Removed       int  `json:"removed"`
		Labels        []struct {
			Snapshots []struct {
				Name    string    `json:"name"`
				Time    time.Time `json:"time"`
				Keep    bool      `json:"keep"`
				Removed bool      `json:"removed"`
				Reasons []string  `json:"reasons"`
			} `json:"snapshots"`
		} `json:"labels"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, s := range res.Labels[0].Snapshots {
		if s.Keep == s.Removed {
			t.Errorf("%s: keep %v removed %v", s.Name, s.Keep, s.Removed)
		}
		if s.Keep {
			kept = append(kept, s.Time.Local().Format("01-02"))
		}
	}
	want := []string{"02-09", "02-08", "02-07", "02-06", "02-05", "02-04", "02-03", "01-28", "01-21", "01-31", "01-01"}
	sort.Sort(sort.Reverse(sort.StringSlice(want)))
	sort.Sort(sort.Reverse(sort.StringSlice(kept)))
	if !res.DefaultPolicy || !slices.Equal(kept, want) || res.Removed != 40-len(want) {
		t.Fatalf("kept %v (removed %d), want %v", kept, res.Removed, want)
	}
	newest := res.Labels[0].Snapshots[0]
	if !slices.Equal(newest.Reasons, []string{retention.ReasonDaily, retention.ReasonWeekly, retention.ReasonMonthly, retention.ReasonNewestGood}) {
		t.Errorf("newest reasons %v", newest.Reasons)
	}
	if n := len(archives(t, out)); n != len(want) {
		t.Errorf("%d archives left", n)
	}
	sidecars, _ := filepath.Glob(filepath.Join(out, "*"+backup.SidecarSuffix))
	if len(sidecars) != len(want) {
		t.Errorf("%d sidecars left", len(sidecars))
	}
}

// The app's own zips, made by the fixture generator like the updater makes
// them: one truncated, one with a flipped bit. verify names each verdict
// and the newest good one; prune --app-backups refuses while the newest
// are bad, then removes only older ones.
func TestAppBackups(t *testing.T) {
	opsEnv(t)
	inst := opsInstall(t, "4.0", 4)
	zips, _ := filepath.Glob(filepath.Join(inst, "backup", "*.zip"))
	sort.Strings(zips) // names carry the time: oldest first
	if len(zips) != 4 {
		t.Fatalf("zips %v", zips)
	}
	fi, _ := os.Stat(zips[3])
	os.Truncate(zips[3], fi.Size()/2)
	b, _ := os.ReadFile(zips[2])
	b[len(b)/3] ^= 0x08
	os.WriteFile(zips[2], b, 0o644)

	code, stdout, _ := runCLI(t, "verify-app-backups", "--install", inst, "--json")
	if code != ExitIntegrity {
		t.Fatalf("exit %d", code)
	}
	var v appBackupsOutput
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatal(err)
	}
	var statuses []string
	for _, r := range v.Results {
		statuses = append(statuses, string(r.Status))
	}
	if !slices.Equal(statuses, []string{"truncated", "damaged", "complete", "complete"}) || v.NewestGood != zips[1] || v.OK {
		t.Fatalf("statuses %v, newest good %s", statuses, v.NewestGood)
	}
	code, _, stderr := runCLI(t, "prune", "--app-backups", "--install", inst, "--keep", "2")
	if code != ExitIntegrity || !strings.Contains(stderr, "nothing was removed") {
		t.Fatalf("prune with bad newest: %d %s", code, stderr)
	}
	if now, _ := filepath.Glob(filepath.Join(inst, "backup", "*.zip")); len(now) != 4 {
		t.Fatalf("removed something: %v", now)
	}
	os.Remove(zips[3])
	os.Remove(zips[2])
	code, stdout, stderr = runCLI(t, "prune", "--app-backups", "--install", inst, "--keep", "1", "--json")
	if code != 0 {
		t.Fatalf("prune: %d %s", code, stderr)
	}
	var p struct {
		Removed []string `json:"removed"`
		Freed   int64    `json:"freed_bytes"`
	}
	json.Unmarshal([]byte(stdout), &p)
	if !slices.Equal(p.Removed, []string{zips[0]}) || p.Freed == 0 {
		t.Fatalf("removed %v freed %d", p.Removed, p.Freed)
	}
}

// doctor --json: machine output, exit 3 at risk; every finding worded in
// both languages without a formatting slip.
func TestDoctorJSON(t *testing.T) {
	opsEnv(t)
	inst := opsInstall(t, "3.2", 2)
	os.Rename(filepath.Join(inst, "ETaxInvoiceUpd.exe"), filepath.Join(inst, "ETaxInvoiceUpd_OLD.exe"))
	for _, lang := range []string{"en", "id"} {
		code, stdout, stderr := runCLI(t, "--lang", lang, "doctor", inst, "--json")
		if code != ExitIntegrity {
			t.Fatalf("%s: exit %d %s", lang, code, stderr)
		}
		if strings.Contains(stdout, "%!") {
			t.Errorf("%s: formatting slip in\n%s", lang, stdout)
		}
		var d doctorOutput
		if err := json.Unmarshal([]byte(stdout), &d); err != nil {
			t.Fatal(err)
		}
		if !d.AtRisk || len(d.Installs) != 1 {
			t.Fatalf("%+v", d)
		}
		codes := map[string]doctorFinding{}
		for _, f := range d.Installs[0].Findings {
			codes[f.Code] = f
			if f.Message == "" || f.Next == "" || f.Severity == "" {
				t.Errorf("%s: finding %+v", lang, f)
			}
		}
		for _, c := range []string{doctor.CodeBackupOld, doctor.CodeAutoBackupOff, doctor.CodeNoSchedule, doctor.CodeOldVersion} {
			if _, ok := codes[c]; !ok {
				t.Errorf("%s: no %s finding", lang, c)
			}
		}
		if d.Installs[0].AppBackups.Count != 2 || !d.Installs[0].AutoBackup.Disabled {
			t.Errorf("%+v", d.Installs[0])
		}
	}
}

// Every word the operations commands look up by a computed key exists, in
// both languages.
func TestMessageKeys(t *testing.T) {
	var keys []string
	for _, c := range doctor.Codes {
		keys = append(keys, "doctor."+c, "doctor.next."+c)
	}
	for _, r := range []string{retention.ReasonLast, retention.ReasonDaily, retention.ReasonWeekly, retention.ReasonMonthly, retention.ReasonYearly,
		retention.ReasonWithin, retention.ReasonNewestGood, retention.ReasonNoneVerified, retention.ReasonFuture, retention.ReasonRemoveFailed, retention.ReasonChangedOnDisk} {
		keys = append(keys, "reason."+r)
	}
	for _, s := range []string{retention.SkipForeign, retention.SkipNoManifest, retention.SkipNameMismatch, retention.SkipPartial, retention.SkipSidecarOrphan, retention.SkipFolder} {
		keys = append(keys, "skip."+s)
	}
	for _, n := range []string{schedule.NoteS4U, schedule.NoteS4UFallback, schedule.NoteLinger, schedule.NoteCronCatchUp, schedule.NoteLaunchdWake} {
		keys = append(keys, "schedule.note."+n)
	}
	for _, s := range []string{"complete", "truncated", "damaged"} {
		keys = append(keys, "appzip.status."+s)
	}
	for _, s := range []string{"info", "warning", "critical"} {
		keys = append(keys, "severity."+s)
	}
	keys = append(keys, "prune.verified."+retention.VerifiedDamaged, "prune.verified."+retention.VerifiedDBDamage,
		"doctor.snaps.verified."+retention.VerifiedOK, "doctor.snaps.verified."+retention.VerifiedDamaged)
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("no message %s", k)
		}
	}
}
