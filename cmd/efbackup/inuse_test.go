package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The in-use refusal, end to end, against the real H2 engine holding the
// database open the way e-Faktur does.

func h2Jar(t *testing.T, candidates ...string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		// The Windows side of this check is in internal/inuse, against
		// holdlock.exe, which locks the file as Java does on Windows.
		t.Skip("runs the real H2 engine: a JVM and Debian's H2 jars (/usr/share/java); there is no Java inside Wine")
	}
	if _, err := exec.LookPath("java"); err == nil {
		for _, c := range candidates {
			if _, err := os.Stat(c); err == nil {
				return c
			}
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("java or %v missing in CI: make test installs default-jre-headless, libh2-java and jameica-h2database", candidates)
	}
	t.Skipf("java or %v not installed (make test installs them)", candidates)
	return ""
}

type javaHolder struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// holdOpen starts the engine on url in the given mode ("hold" or "crash")
// and waits until it says READY.
func holdOpen(t *testing.T, jar, url, mode string) *javaHolder {
	t.Helper()
	src, _ := filepath.Abs("../../internal/inuse/testdata/java/Hold.java")
	cmd := exec.Command("java", "-cp", jar, src, url, mode)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &javaHolder{cmd: cmd, stdin: stdin}
	t.Cleanup(h.stop)
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "READY") {
				ready <- true
				io.Copy(io.Discard, stdout)
				return
			}
		}
		ready <- false
	}()
	select {
	case ok := <-ready:
		if !ok && mode != "crash" {
			t.Fatal("the H2 engine did not start")
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the H2 engine did not say READY within 60 s")
	}
	if mode == "crash" {
		cmd.Wait()
	}
	return h
}

// stop closes stdin, which makes the holder close the database cleanly.
func (h *javaHolder) stop() {
	h.stdin.Close()
	done := make(chan struct{})
	go func() { h.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		h.cmd.Process.Kill()
		<-done
	}
}

func newInstall(t *testing.T) (inst, db string) {
	inst = filepath.Join(t.TempDir(), "eFaktur")
	db = filepath.Join(inst, "db")
	if err := os.MkdirAll(db, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(inst, "ETaxInvoice.exe"), []byte("MZ"), 0o755)
	return inst, db
}

func TestInUseRealEngine(t *testing.T) {
	t.Setenv("EFBACKUP_LOCK_WATCH", "300ms")
	cases := []struct {
		name, jar, url string
	}{
		{"mvstore-2.1.214", "/usr/share/java/h2.jar", "efaktur"},
		{"pagestore-1.4.197", "/usr/share/jameica/h2-1.4.197.jar", "efaktur;MV_STORE=FALSE"},
		{"socket-lock-2.1.214", "/usr/share/java/h2.jar", "efaktur;FILE_LOCK=SOCKET"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			jar := h2Jar(t, c.jar)
			inst, db := newInstall(t)
			h := holdOpen(t, jar, "jdbc:h2:"+filepath.Join(db, c.url), "hold")
			before, err := treeHash(db)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "snaps")
			code, _, stderr := runCLI(t, "snapshot", "--install", inst, "--out", out)
			if code != ExitInUse {
				t.Fatalf("snapshot of an open database: exit %d, want %d\n%s", code, ExitInUse, stderr)
			}
			if !strings.Contains(stderr, "is in use") || !strings.Contains(stderr, "close e-Faktur") {
				t.Errorf("message does not say what to do:\n%s", stderr)
			}
			if left, _ := os.ReadDir(out); len(left) != 0 {
				t.Fatalf("a refused snapshot left files: %v", left)
			}
			if code, _, stderr := runCLI(t, "verify", "--db", db); code != ExitInUse {
				t.Fatalf("verify --db of an open database: exit %d\n%s", code, stderr)
			}
			if after, _ := treeHash(db); after != before {
				t.Fatal("checking an open database changed it")
			}
			// Once e-Faktur is closed, the same command works.
			h.stop()
			if code, _, stderr := runCLI(t, "snapshot", "--install", inst, "--out", out, "--quiet"); code != 0 {
				t.Fatalf("snapshot after close: exit %d\n%s", code, stderr)
			}
			snap := onlySnapshot(t, out)
			// And restoring into the install while it is open again is refused.
			holdOpen(t, jar, "jdbc:h2:"+filepath.Join(db, c.url), "hold")
			if code, _, stderr := runCLI(t, "restore", snap, "--install", inst); code != ExitInUse {
				t.Fatalf("restore into an open database: exit %d\n%s", code, stderr)
			}
			if m, _ := filepath.Glob(filepath.Join(inst, "db.*")); len(m) != 0 {
				t.Fatalf("a refused restore left %v", m)
			}
		})
	}
}

// A crash leaves an H2 lock file behind; efbackup proves it stale without
// writing to it, warns, and takes the snapshot.
func TestStaleLockAfterCrash(t *testing.T) {
	t.Setenv("EFBACKUP_LOCK_WATCH", "300ms")
	jar := h2Jar(t, "/usr/share/jameica/h2-1.4.197.jar")
	inst, db := newInstall(t)
	holdOpen(t, jar, "jdbc:h2:"+filepath.Join(db, "efaktur;MV_STORE=FALSE"), "crash")
	lock := filepath.Join(db, "efaktur.lock.db")
	lockBefore, err := os.ReadFile(lock)
	if err != nil {
		t.Fatalf("the crash left no lock file: %v", err)
	}
	out := t.TempDir()
	code, _, stderr := runCLI(t, "snapshot", "--install", inst, "--out", out)
	if code != 0 {
		t.Fatalf("snapshot after a crash: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "efaktur.lock.db") {
		t.Errorf("no warning about the stale lock file:\n%s", stderr)
	}
	if b, _ := os.ReadFile(lock); string(b) != string(lockBefore) {
		t.Fatal("the lock file was written")
	}
}
