package inuse

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests run the real Derby engine (Debian's libderby-java 10.14 and
// the JDK on PATH) through testdata/java/DerbyHold.java, embedded as
// e-Faktur runs it and through the Network Server as "Start Db Sebagai
// Server" runs it, and check what Check sees while it holds a database,
// after a clean shutdown and after the JVM is killed.

var derbyJars = []string{"/usr/share/java/derby.jar", "/usr/share/java/derbynet.jar", "/usr/share/java/derbyclient.jar"}

// javaEnv compiles testdata/java once per test run.
var javaEnv struct {
	once    sync.Once
	java    string
	classes string
	err     string
}

func cleanupJava() {
	if javaEnv.classes != "" {
		os.RemoveAll(javaEnv.classes)
	}
}

// derbyCmd returns a command running DerbyHold, or skips the test when
// Java or Derby is missing (in CI that is a failure).
func derbyCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	missing := func(why string) {
		if runtime.GOOS == "windows" {
			t.Skipf("the real engine runs on unix here: %s", why)
		}
		if os.Getenv("CI") != "" {
			t.Fatalf("%s in CI: install a JDK and libderby-java", why)
		}
		t.Skip(why)
	}
	if runtime.GOOS == "windows" {
		missing("there is no Java inside Wine; the Windows lock is held by the test's own helper instead")
	}
	for _, j := range derbyJars {
		if _, err := os.Stat(j); err != nil {
			missing(j + " is missing")
		}
	}
	javaEnv.once.Do(func() {
		java, err := exec.LookPath("java")
		if err != nil {
			javaEnv.err = "java not found in PATH"
			return
		}
		javac, err := exec.LookPath("javac")
		if err != nil {
			javaEnv.err = "javac not found in PATH"
			return
		}
		dir, err := os.MkdirTemp("", "inuse-java-")
		if err != nil {
			javaEnv.err = err.Error()
			return
		}
		cp := strings.Join(derbyJars, string(os.PathListSeparator))
		out, err := exec.Command(javac, "-d", dir, "-cp", cp, filepath.Join("testdata", "java", "DerbyHold.java")).CombinedOutput()
		if err != nil {
			os.RemoveAll(dir)
			javaEnv.err = fmt.Sprintf("javac failed: %v\n%s", err, out)
			return
		}
		javaEnv.java, javaEnv.classes = java, dir
	})
	if javaEnv.err != "" {
		missing(javaEnv.err)
	}
	cp := strings.Join(append([]string{javaEnv.classes}, derbyJars...), string(os.PathListSeparator))
	// Fast start: C1 only, a small heap.
	jvm := []string{"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-cp", cp, "DerbyHold"}
	cmd := exec.Command(javaEnv.java, append(jvm, args...)...)
	cmd.Dir = t.TempDir() // derby.log goes here, not into db/
	return cmd
}

// derbyHolder is a JVM holding a Derby database.
type derbyHolder struct {
	cmd    *exec.Cmd
	pid    int
	stdin  *os.File
	lines  chan string
	exited chan error
	stderr *bytes.Buffer
}

// startDerby boots the database at path in mode ("embedded" or "server")
// and waits until it has written rows and said READY.
func startDerby(t *testing.T, mode, path string) *derbyHolder {
	t.Helper()
	cmd := derbyCmd(t, mode, path)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdin = pr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	h := &derbyHolder{cmd: cmd, stdin: pw, lines: make(chan string, 8), exited: make(chan error, 1), stderr: new(bytes.Buffer)}
	cmd.Stderr = h.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pr.Close()
	h.pid = cmd.Process.Pid
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			h.lines <- sc.Text()
		}
		close(h.lines)
		h.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		pw.Close() // the holder halts at the end of stdin
		cmd.Process.Kill()
		select {
		case <-h.exited:
		case <-time.After(30 * time.Second):
		}
	})
	l := h.expect(t, "READY ")
	if pid, _ := strconv.Atoi(strings.TrimPrefix(l, "READY ")); pid != h.pid {
		t.Fatalf("holder says pid %s, started pid %d", l, h.pid)
	}
	return h
}

func (h *derbyHolder) expect(t *testing.T, prefix string) string {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-h.lines:
			if !ok {
				t.Fatalf("DerbyHold exited before %q: %s", prefix, h.stderr)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-timeout:
			t.Fatalf("DerbyHold: no %q within 60s: %s", prefix, h.stderr)
		}
	}
}

// shutdown shuts the database down cleanly; the JVM keeps running.
func (h *derbyHolder) shutdown(t *testing.T) {
	t.Helper()
	if _, err := h.stdin.WriteString("shutdown\n"); err != nil {
		t.Fatal(err)
	}
	h.expect(t, "DOWN")
}

// kill ends the JVM with SIGKILL and waits until it is gone.
func (h *derbyHolder) kill(t *testing.T) {
	t.Helper()
	if err := h.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for range h.lines {
	}
	select {
	case err := <-h.exited:
		h.exited <- err
	case <-time.After(30 * time.Second):
		t.Fatal("the killed JVM did not exit")
	}
}

// wantDerbyInUse checks the report on db/ while the JVM pid holds etax.
func wantDerbyInUse(t *testing.T, rep *Report, etax string, pid int) {
	t.Helper()
	if !rep.InUse || len(rep.Signals) == 0 {
		t.Fatalf("want in use: %s", describe(rep))
	}
	s := rep.Signals[0]
	if s.Kind != KindOSLock || s.File != filepath.Join(etax, dbexLck) || s.PID != pid || s.Database != etax {
		t.Fatalf("first signal %+v, want the fcntl lock on dbex.lck by the JVM, pid %d", s, pid)
	}
	if s.Program != ProgramJava || !strings.Contains(s.Detail, "e-Faktur or its database server") {
		t.Errorf("the JVM is not named as such: %+v", s)
	}
	if runtime.GOOS == "linux" {
		var open *Signal
		for i := range rep.Signals {
			if rep.Signals[i].Kind == KindOpenByProcess && rep.Signals[i].PID == pid {
				open = &rep.Signals[i]
			}
		}
		if open == nil || open.Database != etax || open.File != filepath.Join(etax, dbexLck) || open.Program != ProgramJava {
			t.Errorf("the /proc scan did not find the JVM holding dbex.lck: %s", describe(rep))
		}
	}
	if len(rep.Databases) != 1 || !rep.Databases[0].InUse || rep.Databases[0].Probe != "fcntl" {
		t.Errorf("databases: %+v", rep.Databases)
	}
	for _, w := range rep.Warnings {
		if w.Kind == KindNotShutDown {
			t.Errorf("a live database is not a crashed one: %+v", w)
		}
	}
}

// Embedded, as e-Faktur runs it: in use with the JVM's pid while booted;
// after a clean shutdown free, with no lock file and no warning.
func TestDerbyEmbedded(t *testing.T) {
	t.Parallel()
	db := tempDir(t)
	etax := filepath.Join(db, "ETaxInvoice")
	h := startDerby(t, "embedded", etax)
	start := time.Now()
	rep := check(t, db, Options{})
	t.Logf("Check took %v", time.Since(start))
	wantDerbyInUse(t, rep, etax, h.pid)

	h.shutdown(t)
	rep = check(t, db, Options{})
	if ws := wantFree(t, rep); len(ws) != 0 {
		t.Fatalf("warnings after a clean shutdown: %s", describe(rep))
	}
	if len(rep.Databases) != 1 || rep.Databases[0].Dir != etax {
		t.Fatalf("databases: %+v", rep.Databases)
	}
}

// Through the Network Server, as "Start Db Sebagai Server" runs it: the
// server's JVM holds the same lock. A clean shutdown frees it.
func TestDerbyNetworkServer(t *testing.T) {
	t.Parallel()
	db := tempDir(t)
	etax := filepath.Join(db, "ETaxInvoice")
	h := startDerby(t, "server", etax)
	wantDerbyInUse(t, check(t, db, Options{}), etax, h.pid)
	// Asked about the database folder alone: the same.
	wantDerbyInUse(t, check(t, etax, Options{}), etax, h.pid)
	h.shutdown(t)
	if ws := wantFree(t, check(t, db, Options{})); len(ws) != 0 {
		t.Fatalf("warnings after a clean shutdown: %+v", ws)
	}
}

// A JVM killed with the database open (or an e-Faktur that exits without
// shutting Derby down) leaves db.lck and dbex.lck, held by nobody: not in
// use, and the "not shut down cleanly" warning. Both ways of running Derby
// leave the same.
func TestDerbyKilled(t *testing.T) {
	t.Parallel()
	db := tempDir(t)
	for _, mode := range []string{"embedded", "server"} {
		etax := filepath.Join(db, mode)
		h := startDerby(t, mode, etax)
		if rep := check(t, db, Options{}); !rep.InUse {
			t.Fatalf("%s: want in use before the kill: %s", mode, describe(rep))
		}
		h.kill(t)
		for _, n := range []string{dbLck, dbexLck} {
			if _, err := os.Stat(filepath.Join(etax, n)); err != nil {
				t.Fatalf("%s: the kill left no %s: %v", mode, n, err)
			}
		}
		wantLeftover(t, check(t, etax, Options{}), etax, dbLck, dbexLck)
	}
}
