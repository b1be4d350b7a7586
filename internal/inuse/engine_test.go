package inuse

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// These tests run the real engines (testdata/java/Hold.java on H2 2.1.214
// and 1.4.197) and check what Check sees. They run in parallel: each JVM
// takes a second or two to start.

func kinds(ss []Signal) map[SignalKind][]Signal {
	m := map[SignalKind][]Signal{}
	for _, s := range ss {
		m[s.Kind] = append(m[s.Kind], s)
	}
	return m
}

// wantOSLock checks the signal an open MVStore leaves on its .mv.db: a
// whole-file lock, with the JVM's pid where the system reports it.
func wantOSLock(t *testing.T, rep Report, dir string, pid int) {
	t.Helper()
	locks := kinds(rep.Signals)[KindOSLock]
	if len(locks) != 1 || locks[0].File != filepath.Join(dir, "db.mv.db") {
		t.Fatalf("want one os-lock on db.mv.db, got %+v", rep)
	}
	if rep.Signals[0].Kind != KindOSLock {
		t.Errorf("the os-lock should come first: %+v", rep.Signals)
	}
	if runtime.GOOS != "windows" {
		if locks[0].PID != pid {
			t.Errorf("os-lock pid %d, want the JVM's %d", locks[0].PID, pid)
		}
		wantDetail(t, locks[0], "fcntl write lock on db.mv.db held by pid")
	}
	sig, found, err := CheckFile(filepath.Join(dir, "db.mv.db"))
	if err != nil || !found || sig.Kind != KindOSLock {
		t.Errorf("CheckFile = %+v, %v, %v", sig, found, err)
	}
}

// wantOpen checks that the JVM is seen holding db files open, where the
// system can tell.
func wantOpen(t *testing.T, rep Report, pid int) {
	t.Helper()
	switch runtime.GOOS {
	case "linux":
		open := kinds(rep.Signals)[KindOpenByProcess]
		if len(open) == 0 {
			t.Fatalf("no open-by-process signal: %+v", rep)
		}
		for _, s := range open {
			if s.PID != pid {
				t.Errorf("open by pid %d, want the JVM's %d: %+v", s.PID, pid, s)
			}
		}
	case "windows":
		if len(kinds(rep.Signals)[KindSharingViolation])+len(kinds(rep.Signals)[KindOSLock]) == 0 {
			t.Fatalf("no sharing-violation signal: %+v", rep)
		}
	}
}

// wantLockLive checks the verdict on db.lock.db.
func wantLockLive(t *testing.T, rep Report, dir string) {
	t.Helper()
	live := kinds(rep.Signals)[KindLockFileLive]
	if runtime.GOOS == "darwin" && len(live) == 0 {
		live = kinds(rep.Signals)[KindLockFileUnknown] // PageStore: no lock, no scan
	}
	if len(live) != 1 || live[0].File != filepath.Join(dir, "db.lock.db") {
		t.Fatalf("want a live db.lock.db, got %+v", rep)
	}
}

// judgeAlone judges a lock file as if no OS signal existed and the local
// probes proved nothing, so the verdict rests on the lock file itself: its
// content, its changes and the address it names.
func judgeAlone(t *testing.T, dir string) Signal {
	t.Helper()
	files, err := listFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.rel == "db.lock.db" {
			j := lockJudge{file: f, files: files, ok: map[string]bool{}, opt: Options{LockWatch: testWatch, Dial: (&net.Dialer{}).DialContext}}
			j.scan.why = "test: judged alone"
			s, err := j.judge(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
	}
	t.Fatalf("no db.lock.db in %s", dir)
	return Signal{}
}

func readLock(t *testing.T, dir string) *LockFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "db.lock.db"))
	if err != nil {
		t.Fatal(err)
	}
	lf, err := ParseLockFile(b)
	if err != nil {
		t.Fatalf("real lock file does not parse: %v\n%s", err, b)
	}
	return lf
}

// H2 2.1.214, default settings: an MVStore, no lock file, a whole-file
// fcntl lock held by the JVM.
func TestEngineMVStoreOpen(t *testing.T) {
	t.Parallel()
	dir := tempDir(t)
	h := startHold(t, h2Jar, jdbcURL(dir, ""), "hold")
	rep := check(t, dir, Options{})
	if !rep.InUse {
		t.Fatalf("not in use: %+v", rep)
	}
	wantOSLock(t, rep, dir, h.pid)
	wantOpen(t, rep, h.pid)
	if _, err := os.Stat(filepath.Join(dir, "db.lock.db")); err == nil {
		t.Error("an MVStore with default settings was not expected to write a lock file")
	}
}

// H2 1.4.197 PageStore, as older e-Faktur uses: no OS lock at all, only the
// lock file and the open files show it.
func TestEnginePageStoreOpen(t *testing.T) {
	t.Parallel()
	dir := tempDir(t)
	h := startHold(t, h2OldJar, jdbcURL(dir, ";MV_STORE=FALSE"), "hold")
	if _, err := os.Stat(filepath.Join(dir, "db.h2.db")); err != nil {
		t.Fatal(err)
	}
	if lf := readLock(t, dir); lf.Method != "file" {
		t.Errorf("method %q", lf.Method)
	}
	before := hashLock(t, dir)
	rep := check(t, dir, Options{})
	if !rep.InUse {
		t.Fatalf("not in use: %+v", rep)
	}
	if len(kinds(rep.Signals)[KindOSLock]) != 0 && runtime.GOOS != "windows" {
		t.Errorf("a PageStore takes no OS lock, yet: %+v", rep)
	}
	wantOpen(t, rep, h.pid)
	wantLockLive(t, rep, dir)
	if hashLock(t, dir) != before {
		t.Error("the lock file changed while Check ran")
	}
}

// hashLock fingerprints the lock file of a live engine (whose database file
// the engine itself may still write).
func hashLock(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "db.lock.db")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%q %d %d", b, fi.Size(), fi.ModTime().UnixNano())
}

func TestEngineFileLockFile(t *testing.T) {
	t.Parallel()
	dir := tempDir(t)
	h := startHold(t, h2Jar, jdbcURL(dir, ";FILE_LOCK=FILE"), "hold")
	if lf := readLock(t, dir); lf.Method != "file" {
		t.Errorf("method %q", lf.Method)
	}
	rep := check(t, dir, Options{})
	wantOSLock(t, rep, dir, h.pid)
	wantLockLive(t, rep, dir)
}

func TestEngineFileLockSocket(t *testing.T) {
	t.Parallel()
	dir := tempDir(t)
	h := startHold(t, h2Jar, jdbcURL(dir, ";FILE_LOCK=SOCKET"), "hold")
	lf := readLock(t, dir)
	if lf.Method != "socket" || lf.Port == "" {
		t.Errorf("lock file %+v", lf)
	}
	rep := check(t, dir, Options{})
	wantOSLock(t, rep, dir, h.pid)
	wantLockLive(t, rep, dir)
	// The lock file alone says it is live too: its socket answers.
	s := judgeAlone(t, dir)
	if s.Kind != KindLockFileLive {
		t.Fatalf("judged alone: %+v", s)
	}
	wantDetail(t, s, "method=socket", "accepted a connection")
}

func TestEngineAutoServer(t *testing.T) {
	t.Parallel()
	dir := tempDir(t)
	h := startHold(t, h2Jar, jdbcURL(dir, ";AUTO_SERVER=TRUE"), "hold")
	lf := readLock(t, dir)
	if lf.Server == "" || lf.HostName == "" {
		t.Errorf("lock file %+v", lf)
	}
	before := hashLock(t, dir)
	rep := check(t, dir, Options{})
	wantOSLock(t, rep, dir, h.pid)
	wantLockLive(t, rep, dir)
	s := judgeAlone(t, dir)
	if s.Kind != KindLockFileLive {
		t.Fatalf("judged alone: %+v", s)
	}
	wantDetail(t, s, "server="+lf.Server, "accepted a connection")
	// Knocking on H2's TCP server makes it write nothing either.
	if hashLock(t, dir) != before {
		t.Error("the lock file changed while Check ran")
	}
	if _, err := os.Stat(filepath.Join(dir, "db.trace.db")); err == nil {
		t.Error("the connection made H2 write a trace file")
	}
}

// A PageStore whose JVM halted (power cut, killed e-Faktur): the lock file
// stays behind, nothing holds the database. Stale where the system can
// prove it; and Check leaves the crashed folder exactly as it was.
func TestEnginePageStoreCrash(t *testing.T) {
	t.Parallel()
	dir := tempDir(t)
	startHold(t, h2OldJar, jdbcURL(dir, ";MV_STORE=FALSE"), "crash")
	readLock(t, dir)
	before := hashDir(t, dir)
	rep := check(t, dir, Options{})
	if hashDir(t, dir) != before {
		t.Fatal("Check changed the folder")
	}
	if !localProof {
		only(t, rep, KindLockFileUnknown)
		return
	}
	s := only(t, rep, KindLockFileStale)
	wantDetail(t, s, "left over from a crash", "no process has its database open")
}

// A socket-method lock after a crash: its port refuses connections, which
// proves it stale even without any local proof.
func TestEngineSocketCrash(t *testing.T) {
	t.Parallel()
	dir := tempDir(t)
	startHold(t, h2Jar, jdbcURL(dir, ";FILE_LOCK=SOCKET"), "crash")
	if lf := readLock(t, dir); lf.Method != "socket" {
		t.Fatalf("lock file %+v", lf)
	}
	before := hashDir(t, dir)
	s := only(t, check(t, dir, Options{}), KindLockFileStale)
	wantDetail(t, s, "refused the connection")
	s = judgeAlone(t, dir)
	if s.Kind != KindLockFileStale || !strings.Contains(s.Detail, "refused") {
		t.Fatalf("judged alone: %+v", s)
	}
	if hashDir(t, dir) != before {
		t.Fatal("Check changed the folder")
	}
}

// Closed cleanly: H2 deletes its lock file and releases everything.
func TestEngineClosedCleanly(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct{ jar, settings string }{
		"mvstore":   {h2Jar, ";FILE_LOCK=SOCKET"},
		"pagestore": {h2OldJar, ";MV_STORE=FALSE;AUTO_SERVER=TRUE"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := tempDir(t)
			startHold(t, c.jar, jdbcURL(dir, c.settings), "close")
			if _, err := os.Stat(filepath.Join(dir, "db.lock.db")); err == nil {
				t.Fatal("H2 left its lock file after a clean close")
			}
			before := hashDir(t, dir)
			rep := check(t, dir, Options{})
			if rep.InUse || len(rep.Signals)+len(rep.Warnings) != 0 {
				t.Fatalf("%+v", rep)
			}
			if hashDir(t, dir) != before {
				t.Fatal("Check changed the folder")
			}
		})
	}
}
