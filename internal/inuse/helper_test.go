package inuse

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// helperEnv makes the test binary a holder process: "MODE\nPATH". It holds
// PATH the way MODE says, prints READY, and lets go when its stdin closes
// (so it never outlives the test). Modes:
//
//	fcntl   a whole-file fcntl write lock, as Derby takes on dbex.lck (unix)
//	jdk     CreateFile(GENERIC_READ|GENERIC_WRITE, FILE_SHARE_READ|
//	        FILE_SHARE_WRITE, OPEN_ALWAYS): how the JDK opens Derby's db.lck
//	        on Windows (elsewhere a plain read-write open)
//	shared  open it for reading through fsutil.OpenShared, as another
//	        efbackup reading the database does
//	boot    what Derby does to a left-over db.lck when it boots: delete
//	        it, then create it anew and hold it as jdk does
const helperEnv = "EFBACKUP_INUSE_HELPER"

func TestMain(m *testing.M) {
	if v := os.Getenv(helperEnv); v != "" {
		mode, path, _ := strings.Cut(v, "\n")
		if err := hold(mode, path); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func hold(mode, path string) error {
	var release func()
	switch mode {
	case "fcntl":
		r, err := holdFcntl(path)
		if err != nil {
			return err
		}
		release = r
	case "jdk":
		r, err := holdJDK(path)
		if err != nil {
			return err
		}
		release = r
	case "boot":
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("delete: %w", err)
		}
		r, err := holdJDK(path)
		if err != nil {
			return fmt.Errorf("recreate: %w", err)
		}
		release = r
	case "shared":
		f, err := fsutil.OpenShared(path)
		if err != nil {
			return err
		}
		release = func() { f.Close() }
	default:
		return errors.New("unknown mode " + mode)
	}
	fmt.Println("READY")
	io.Copy(io.Discard, os.Stdin)
	release()
	return nil
}

// holder is a helper process holding a file.
type holder struct {
	pid   int
	stdin io.Closer
	done  chan error
}

// release makes the holder let go and waits until it has exited.
func (h *holder) release(t *testing.T) {
	t.Helper()
	h.stdin.Close()
	select {
	case err := <-h.done:
		if err != nil {
			t.Fatalf("holder %d: %v", h.pid, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("holder %d did not exit", h.pid)
	}
	h.done <- nil
}

// startHolder runs the test binary as a holder of path.
func startHolder(t *testing.T, mode, path string) *holder {
	t.Helper()
	h, err := tryHolder(t, mode, path)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// tryHolder is startHolder returning the holder's failure.
func tryHolder(t *testing.T, mode, path string) (*holder, error) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode+"\n"+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &holder{pid: cmd.Process.Pid, stdin: stdin, done: make(chan error, 1)}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	go func() { h.done <- cmd.Wait() }()
	t.Cleanup(func() {
		stdin.Close()
		select {
		case <-h.done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
		}
	})
	if strings.TrimSpace(line) != "READY" {
		stdin.Close()
		<-h.done
		h.done <- nil
		return nil, fmt.Errorf("holder %s %s said %q: %s", mode, path, line, strings.TrimSpace(stderr.String()))
	}
	return h, nil
}

func tempDir(t *testing.T) string {
	t.Helper()
	d, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// derbyLayout makes the files of a Derby database folder (contents do not
// matter here), with db.lck and dbex.lck when locks is set, as a booted or
// crashed database has them on unix.
func derbyLayout(t *testing.T, dir string, locks bool) {
	t.Helper()
	write(t, filepath.Join(dir, "service.properties"), "derby.serviceProtocol=org.apache.derby.database.Database\n")
	write(t, filepath.Join(dir, "README_DO_NOT_TOUCH_FILES.txt"), "x")
	write(t, filepath.Join(dir, "seg0", "c10.dat"), strings.Repeat("\x00", 4096))
	write(t, filepath.Join(dir, "seg0", "c20.dat"), strings.Repeat("\x00", 4096))
	write(t, filepath.Join(dir, "log", "log.ctrl"), strings.Repeat("\x00", 48))
	write(t, filepath.Join(dir, "log", "log1.dat"), strings.Repeat("\x00", 1024))
	if locks {
		write(t, filepath.Join(dir, dbLck), "\x00\x24"+"2e4c8b1a-0195-d1f2-3a4b-000012345678")
		write(t, filepath.Join(dir, dbexLck), "\x00\x00\x00\x01")
	}
}

func check(t *testing.T, dir string, opt Options) *Report {
	t.Helper()
	rep, err := Check(context.Background(), dir, opt)
	if err != nil {
		t.Fatalf("Check(%s): %v", dir, err)
	}
	t.Logf("Check(%s): %s", dir, describe(rep))
	for _, s := range append(rep.Signals, rep.Warnings...) {
		wantText(t, s)
	}
	return rep
}

// describe prints a report for test logs.
func describe(r *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "in use %v", r.InUse)
	for _, d := range r.Databases {
		fmt.Fprintf(&b, "\n  database %s: in use %v, probe %s", filepath.Base(d.Dir), d.InUse, d.Probe)
		if d.ProbeNote != "" {
			fmt.Fprintf(&b, " (%s)", d.ProbeNote)
		}
	}
	for _, s := range r.Signals {
		fmt.Fprintf(&b, "\n  signal %s pid=%d process=%q program=%q: %s", s.Kind, s.PID, s.Process, s.Program, s.Detail)
	}
	for _, s := range r.Warnings {
		fmt.Fprintf(&b, "\n  warning %s: %s", s.Kind, s.Detail)
	}
	return b.String()
}

// wantFree checks that a report shows nothing in use, and returns its
// warnings other than a network file system's (the test folder may be on
// one).
func wantFree(t *testing.T, rep *Report) []Signal {
	t.Helper()
	if rep.InUse || len(rep.Signals) > 0 || rep.Err() != nil {
		t.Fatalf("want free, got %s", describe(rep))
	}
	for _, d := range rep.Databases {
		if d.InUse || len(d.Signals) > 0 {
			t.Fatalf("database %s: want free, got %s", d.Dir, describe(rep))
		}
	}
	var ws []Signal
	for _, w := range rep.Warnings {
		if w.Kind != KindNetworkFS {
			ws = append(ws, w)
		}
	}
	return ws
}

// wantLeftover checks the one "not shut down" warning of db.
func wantLeftover(t *testing.T, rep *Report, db string, files ...string) {
	t.Helper()
	ws := wantFree(t, rep)
	if len(ws) != 1 || ws[0].Kind != KindNotShutDown || ws[0].Database != db || ws[0].File != filepath.Join(db, files[0]) {
		t.Fatalf("want one not-shut-down warning for %s, got %s", db, describe(rep))
	}
	for _, f := range files {
		if !strings.Contains(ws[0].Detail, f) {
			t.Errorf("warning does not name %s: %s", f, ws[0].Detail)
		}
	}
	if !strings.Contains(ws[0].Detail, "not shut down cleanly") {
		t.Errorf("warning detail: %s", ws[0].Detail)
	}
}

// The lock files Derby leaves on this system after a crash.
func crashLocks() []string {
	if runtime.GOOS == "windows" {
		return []string{dbLck}
	}
	return []string{dbLck, dbexLck}
}
