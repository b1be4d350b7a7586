package main

// Tests of the backups a clerk can leave alone: a missing backup drive is
// refused and nothing is written anywhere; a daily schedule's tries wait
// while e-Faktur is open, do nothing once the day's snapshot is made and
// raise the alarm after days without one; every try is told to the
// system's log, the web hook and, when something is wrong, the desktop.

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/efbackup/efbackup/notify"
	"github.com/efbackup/efbackup/schedule"
)

// listing is every name under dir, for "nothing was written".
func listing(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil {
			names = append(names, p)
		}
		return nil
	})
	return names
}

// A named snapshot folder that is not there is a backup drive that is not
// connected: snapshot, prune and run-scheduled exit 1, in the user's
// language, and write nothing anywhere; --create-out makes the folder,
// owner-only.
func TestMissingDriveWritesNothing(t *testing.T) {
	opsEnv(t)
	inst := opsInstall(t, "4.0", -1)
	parent := t.TempDir()
	out := filepath.Join(parent, "USB BACKUP", "efbackup")
	before := listing(t, parent)
	instBefore := listing(t, filepath.Dir(inst))
	for _, args := range [][]string{
		{"snapshot", "--install", inst, "--out", out},
		{"prune", "--out", out},
		{"run-scheduled", "--install", inst, "--out", out, "--daily", "00:00"},
	} {
		code, _, stderr := runCLI(t, args...)
		if code != ExitFailed || !strings.Contains(stderr, "the backup drive is not connected: "+out+" is not there") || !strings.Contains(stderr, "hint: connect the backup drive") {
			t.Errorf("%s: exit %d\n%s", args[0], code, stderr)
		}
	}
	code, _, stderr := runCLI(t, "--lang", "id", "snapshot", "--install", inst, "--out", out, "--json")
	var je jsonError
	if code != ExitFailed || json.Unmarshal([]byte(stderr), &je) != nil || je.Error.Kind != "no-drive" || !strings.Contains(je.Error.Message, "drive cadangan tidak tersambung") {
		t.Errorf("JSON, Indonesian: exit %d %s", code, stderr)
	}
	if got := listing(t, parent); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Errorf("written beside the missing folder: %v", got)
	}
	if got := listing(t, filepath.Dir(inst)); strings.Join(got, "\n") != strings.Join(instBefore, "\n") {
		t.Errorf("written beside the install: %v", got)
	}
	// Told to, snapshot makes it.
	if code, _, stderr := runCLI(t, "snapshot", "--install", inst, "--out", out, "--create-out", "--quiet"); code != 0 {
		t.Fatalf("--create-out: %d %s", code, stderr)
	}
	if fi, err := os.Stat(out); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700) {
		t.Errorf("made folder: %v %v", fi, err)
	}
	if len(archives(t, out)) != 1 {
		t.Error("no snapshot in the folder made")
	}
	// The default folder beside the install (no --out named) is still made.
	if code, _, stderr := runCLI(t, "snapshot", "--install", inst, "--quiet"); code != 0 {
		t.Fatalf("default folder: %d %s", code, stderr)
	}
}

// systemLog listens where the system's log is written (journald's socket
// on Linux, syslog elsewhere) and returns the messages that arrived.
func systemLog(t *testing.T) func() []string {
	t.Helper()
	dir, err := os.MkdirTemp("", "efb")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	p := filepath.Join(dir, "log")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: p, Net: "unixgram"})
	if err != nil {
		t.Skipf("no datagram sockets: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	oldJ, oldS := notify.JournalSocket, notify.SyslogSockets
	notify.JournalSocket, notify.SyslogSockets = p, []string{p}
	t.Cleanup(func() { notify.JournalSocket, notify.SyslogSockets = oldJ, oldS })
	var mu sync.Mutex
	var msgs []string
	go func() {
		for {
			b := make([]byte, 64<<10)
			n, err := conn.Read(b)
			if err != nil {
				return
			}
			mu.Lock()
			msgs = append(msgs, string(b[:n]))
			mu.Unlock()
		}
	}()
	return func() []string {
		time.Sleep(50 * time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), msgs...)
	}
}

// hookServer is a local web hook: it records each request's path and
// JSON body.
type hookServer struct {
	mu    sync.Mutex
	paths []string
	runs  []schedule.RunRecord
}

func newHook(t *testing.T) (*hookServer, string, func()) {
	h := &hookServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.paths = append(h.paths, r.URL.Path)
		var rec schedule.RunRecord
		if len(b) > 0 && json.Unmarshal(b, &rec) == nil {
			h.runs = append(h.runs, rec)
		}
	}))
	t.Cleanup(srv.Close)
	return h, srv.URL, srv.Close
}

func (h *hookServer) take() ([]string, []schedule.RunRecord) {
	h.mu.Lock()
	defer h.mu.Unlock()
	p, r := h.paths, h.runs
	h.paths, h.runs = nil, nil
	return p, r
}

// fakeNotifySend puts a notify-send on PATH that appends its title and
// text to a file, and returns a reader of that file.
func fakeNotifySend(t *testing.T) func() string {
	t.Helper()
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("the desktop channel tested here is notify-send")
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "notes")
	os.WriteFile(filepath.Join(dir, "notify-send"), []byte("#!/bin/sh\nfor a; do last2=\"$last1\"; last1=\"$a\"; done\nprintf '%s | %s\\n' \"$last2\" \"$last1\" >> '"+log+"'\n"), 0o755)
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
	return func() string { b, _ := os.ReadFile(log); os.Remove(log); return string(b) }
}

// The tries of a daily schedule, with e-Faktur open and then closed, the
// way the system's scheduler starts them: waiting (not a failure), the
// snapshot, then nothing for the rest of the day; after days without a
// good snapshot every try raises the alarm. Each try reaches the system's
// log and the healthchecks-style hook; the desktop hears of the alarm.
func TestDailyTriesWaitForEFaktur(t *testing.T) {
	opsEnv(t)
	requireDerby(t)
	logged := systemLog(t)
	notes := fakeNotifySend(t)
	hook, base, _ := newHook(t)
	inst := opsInstall(t, "4.0", -1)
	out := filepath.Join(t.TempDir(), "usb")
	os.MkdirAll(out, 0o700)
	daily := time.Now().Add(-time.Minute).Format("15:04")
	if time.Now().Hour() == 0 && time.Now().Minute() == 0 {
		daily = "00:00"
	}
	url := base + "/ping/0f1e2d3c-0000-4000-8000-000000000001"
	try := func() (int, schedule.RunRecord, string) {
		t.Helper()
		code, stdout, stderr := runCLI(t, "run-scheduled", "--install", inst, "--out", out, "--daily", daily, "--notify", url, "--keep-last", "3", "--json")
		var rec schedule.RunRecord
		if err := json.Unmarshal([]byte(stdout), &rec); err != nil {
			t.Fatalf("exit %d: %v\n%s\n%s", code, err, stdout, stderr)
		}
		return code, rec, stderr
	}
	h := hold(t, holdModes[0], filepath.Join(inst, "db", "ETaxInvoice"))
	code, rec, stderr := try()
	if code != 0 || rec.Outcome != schedule.OutcomeWaiting || rec.Alert != "" || len(archives(t, out)) != 0 {
		t.Fatalf("try with e-Faktur open: exit %d %+v\n%s", code, rec, stderr)
	}
	if runs, _ := schedule.Runs(out); len(runs) != 1 || runs[0].Outcome != schedule.OutcomeWaiting {
		t.Errorf("run log: %+v", runs)
	}
	if msgs := logged(); len(msgs) != 1 || !strings.Contains(msgs[0], "waiting: e-Faktur is open") || !strings.Contains(msgs[0], "PRIORITY=6") {
		t.Errorf("system log: %q", msgs)
	}
	// A monitor hears of the wait, but nothing started.
	if paths, runs := hook.take(); len(paths) != 1 || !strings.HasSuffix(paths[0], "/log") || runs[0].Outcome != schedule.OutcomeWaiting {
		t.Errorf("hook: %v %+v", paths, runs)
	}
	if n := notes(); n != "" {
		t.Errorf("desktop notified of a wait: %s", n)
	}

	h.Stop()
	code, rec, stderr = try()
	if code != 0 || rec.Outcome != schedule.OutcomeOK || len(archives(t, out)) != 1 {
		t.Fatalf("try with e-Faktur closed: exit %d %+v\n%s", code, rec, stderr)
	}
	if paths, runs := hook.take(); len(paths) != 2 || !strings.HasSuffix(paths[0], "/start") || strings.HasSuffix(paths[1], "/fail") || runs[0].Outcome != schedule.OutcomeOK {
		t.Errorf("hook: %v %+v", paths, runs)
	}
	if msgs := logged(); len(msgs) != 2 || !strings.Contains(msgs[1], "scheduled run: snapshot "+rec.Snapshot) {
		t.Errorf("system log: %q", msgs)
	}

	// Later that day: nothing to do, nothing logged, no one told.
	code, rec, _ = try()
	if code != 0 || rec.Outcome != schedule.OutcomeDone || len(archives(t, out)) != 1 {
		t.Fatalf("later try: exit %d %+v", code, rec)
	}
	if runs, _ := schedule.Runs(out); len(runs) != 2 {
		t.Errorf("the later try was logged: %+v", runs)
	}
	if paths, _ := hook.take(); len(paths) != 0 || len(logged()) != 2 {
		t.Errorf("the later try told someone: %v", paths)
	}

	// Three days on, e-Faktur open again at every try: the alarm.
	env := scheduleEnv()
	st, err := env.LoadState(rec.Label, inst, out)
	if err != nil || st.LastGood == nil {
		t.Fatalf("state %+v %v", st, err)
	}
	old := time.Now().Add(-73 * time.Hour)
	st.LastGood = &old
	if err := env.SaveState(st); err != nil {
		t.Fatal(err)
	}
	hold(t, holdModes[0], filepath.Join(inst, "db", "ETaxInvoice"))
	code, rec, stderr = try()
	if code != 0 || rec.Outcome != schedule.OutcomeWaiting || !strings.Contains(rec.Alert, "NO GOOD BACKUP FOR 3 DAYS") || !strings.Contains(stderr, "NO GOOD BACKUP FOR 3 DAYS") {
		t.Fatalf("try after three days: exit %d %+v\n%s", code, rec, stderr)
	}
	if msgs := logged(); len(msgs) != 3 || !strings.Contains(msgs[2], "NO GOOD BACKUP FOR 3 DAYS") || !strings.Contains(msgs[2], "PRIORITY=4") {
		t.Errorf("system log: %q", msgs)
	}
	if n := notes(); !strings.Contains(n, "efbackup: no recent backup | ") || !strings.Contains(n, "NO GOOD BACKUP FOR 3 DAYS") {
		t.Errorf("desktop: %q", n)
	}
	if _, runs := hook.take(); len(runs) != 1 || runs[0].Alert == "" {
		t.Errorf("hook: %+v", runs)
	}
}

// A missing drive reaches every channel as a failure (the run log, on
// that drive, cannot), and a channel that fails is said on stderr without
// changing the outcome or showing the hook's secret.
func TestMissingDriveIsTold(t *testing.T) {
	opsEnv(t)
	logged := systemLog(t)
	notes := fakeNotifySend(t)
	hook, base, stop := newHook(t)
	inst := opsInstall(t, "4.0", -1)
	out := filepath.Join(t.TempDir(), "gone")
	code, _, stderr := runCLI(t, "run-scheduled", "--install", inst, "--out", out, "--daily", "00:00", "--notify", base+"/hook/s3cret")
	if code != ExitFailed {
		t.Fatalf("exit %d %s", code, stderr)
	}
	if msgs := logged(); len(msgs) != 1 || !strings.Contains(msgs[0], "no-drive") || !strings.Contains(msgs[0], "PRIORITY=3") || !strings.Contains(msgs[0], "the backup drive is not connected") {
		t.Errorf("system log: %q", msgs)
	}
	if paths, runs := hook.take(); len(paths) != 1 || paths[0] != "/hook/s3cret" || runs[0].Outcome != schedule.OutcomeNoDrive || runs[0].ExitCode != 1 {
		t.Errorf("hook: %v %+v", paths, runs)
	}
	if n := notes(); !strings.Contains(n, "efbackup: the backup failed | the backup drive is not connected") {
		t.Errorf("desktop: %q", n)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the folder was made")
	}
	// The hook's server is gone, and so is the desktop: both are said,
	// the run's outcome stays what it was, and the secret stays out.
	dead := base + "/hook/s3cret"
	stop()
	t.Setenv("PATH", t.TempDir())
	code, _, stderr = runCLI(t, "run-scheduled", "--install", inst, "--out", out, "--daily", "00:00", "--notify", dead)
	if code != ExitFailed || !strings.Contains(stderr, "could not tell through the web hook") || !strings.Contains(stderr, "could not tell through a desktop notification") || strings.Contains(stderr, "s3cret") {
		t.Errorf("failing channels: exit %d\n%s", code, stderr)
	}
	if msgs := logged(); len(msgs) != 3 || !strings.Contains(msgs[2], "could not tell through the web hook") {
		t.Errorf("the failed channels are not in the system log: %q", msgs)
	}
}
