package inuse

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// testWatch keeps the lock-file watch short.
const testWatch = 300 * time.Millisecond

// localProof says whether this system can prove that no process has a
// database open (Linux: /proc; Windows: exclusive opens).
var localProof = runtime.GOOS == "linux" || runtime.GOOS == "windows"

// makeDB writes a fake PageStore database "db" with the given lock file
// text into a new folder, as a crash leaves it.
func makeDB(t *testing.T, lock string) string {
	t.Helper()
	dir := tempDir(t)
	write(t, filepath.Join(dir, "db.h2.db"), strings.Repeat("-- H2 0.5/B -- \n", 3))
	if lock != "" {
		write(t, filepath.Join(dir, "db.lock.db"), lock)
	}
	return dir
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func fileLock(extra string) string {
	return "#FileLock\n#Sat Nov 21 04:59:38 UTC 2026\n" + extra + "method=file\nid=1a1fc796d5b33d25bc0803569ddc831c02ab32eb8d9\n"
}

// closedPort returns a local address nobody listens on: connecting to it
// is refused.
func closedPort(t *testing.T) (host, port string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	host, port, _ = net.SplitHostPort(addr)
	return host, port
}

// inconclusiveScan makes the process scan unable to prove anything, as on
// macOS, so that a verdict must rest on the lock file alone. Tests using
// it must not be parallel: the variable is shared.
func inconclusiveScan(t *testing.T) {
	saved := scanProcs
	scanProcs = func(ctx context.Context, root string, files []fileInfo, wholeDir bool) procScan {
		s := saved(ctx, root, files, wholeDir)
		s.complete, s.why = false, "test: scan made inconclusive"
		return s
	}
	t.Cleanup(func() { scanProcs = saved })
}

func check(t *testing.T, dir string, opt Options) Report {
	t.Helper()
	if opt.LockWatch == 0 {
		opt.LockWatch = testWatch
	}
	rep, err := Check(context.Background(), dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// only returns the single signal of rep (a Signal or a Warning), failing
// unless there is exactly one and it has the wanted kind.
func only(t *testing.T, rep Report, kind SignalKind) Signal {
	t.Helper()
	all := append(append([]Signal(nil), rep.Signals...), rep.Warnings...)
	if len(all) != 1 || all[0].Kind != kind {
		t.Fatalf("want one %s signal, got %+v", kind, rep)
	}
	wantInUse := kind != KindLockFileStale
	if rep.InUse != wantInUse {
		t.Fatalf("InUse = %v with %+v", rep.InUse, rep)
	}
	if (len(rep.Warnings) == 1) == wantInUse {
		t.Fatalf("a %s must be a %s: %+v", kind, map[bool]string{true: "Signal", false: "Warning"}[wantInUse], rep)
	}
	return all[0]
}

func wantDetail(t *testing.T, s Signal, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s.Detail, p) {
			t.Errorf("detail %q lacks %q", s.Detail, p)
		}
	}
}

// hashDir fingerprints a folder: every name, type, size, modification time
// and content below it.
func hashDir(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %v %d %d\n", p, fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestEmptyAndCleanFolders(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{tempDir(t), makeDB(t, "")} {
		start := time.Now()
		rep := check(t, dir, Options{LockWatch: time.Hour})
		if rep.InUse || len(rep.Signals)+len(rep.Warnings) != 0 {
			t.Errorf("%s: %+v", dir, rep)
		}
		if time.Since(start) > 10*time.Second {
			t.Errorf("Check waited without a lock file: %v", time.Since(start))
		}
	}
}

func TestMissingFolder(t *testing.T) {
	t.Parallel()
	_, err := Check(context.Background(), filepath.Join(tempDir(t), "nope"), Options{})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
}

// A lock file with nobody behind it: stale where the system can prove
// nothing has the database open, unknown (and so in use) elsewhere.
func TestLeftOverLockFile(t *testing.T) {
	t.Parallel()
	dir := makeDB(t, fileLock(""))
	rep := check(t, dir, Options{})
	if !localProof {
		s := only(t, rep, KindLockFileUnknown)
		wantDetail(t, s, "cannot tell")
		return
	}
	s := only(t, rep, KindLockFileStale)
	wantDetail(t, s, "db.lock.db", "method=file", "no process has its database open")
	if s.File != filepath.Join(dir, "db.lock.db") {
		t.Errorf("File = %q", s.File)
	}
}

func TestInconclusiveScanMeansUnknown(t *testing.T) {
	inconclusiveScan(t)
	dir := makeDB(t, fileLock(""))
	s := only(t, check(t, dir, Options{}), KindLockFileUnknown)
	wantDetail(t, s, "cannot tell", "test: scan made inconclusive")
}

func TestRefusedConnectionMeansStale(t *testing.T) {
	inconclusiveScan(t)
	host, port := closedPort(t)
	for name, lock := range map[string]string{
		"auto-server": fileLock("server=" + host + "\\:" + port + "\nhostName=localhost\n"),
		"socket":      "#FileLock\nmethod=socket\nipAddress=" + host + "\nport=" + port + "\nid=1a1fc799c5827141e98315f83166db28580838b4f49\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := makeDB(t, lock)
			before := hashDir(t, dir)
			s := only(t, check(t, dir, Options{}), KindLockFileStale)
			wantDetail(t, s, host+":"+port+" refused the connection")
			if hashDir(t, dir) != before {
				t.Fatal("Check changed the folder")
			}
		})
	}
}

func TestAcceptedConnectionMeansLive(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	host, port, _ := net.SplitHostPort(l.Addr().String())
	dir := makeDB(t, fileLock("server="+host+"\\:"+port+"\n"))
	s := only(t, check(t, dir, Options{}), KindLockFileLive)
	wantDetail(t, s, host+":"+port+" accepted a connection")
	if accepted.Load() == 0 {
		t.Error("no connection reached the listener")
	}
}

func TestSilentAddressMeansUnknown(t *testing.T) {
	inconclusiveScan(t)
	dir := makeDB(t, fileLock("server=127.0.0.1\\:9092\n"))
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: context.DeadlineExceeded}
	}
	s := only(t, check(t, dir, Options{Dial: dial}), KindLockFileUnknown)
	wantDetail(t, s, "127.0.0.1:9092 did not answer")
}

// A lock written on another PC (a database on a shared folder) cannot be
// proven stale by probing this machine: only a refused connection can.
func TestLockFromAnotherComputer(t *testing.T) {
	t.Parallel()
	dir := makeDB(t, fileLock("server=10.255.255.1\\:9092\nhostName=PC-KASIR-LAIN\n"))
	var dialed atomic.Int32
	silent := func(ctx context.Context, network, addr string) (net.Conn, error) {
		dialed.Add(1)
		if addr != "10.255.255.1:9092" {
			t.Errorf("dialed %q", addr)
		}
		return nil, &net.OpError{Op: "dial", Net: network, Err: context.DeadlineExceeded}
	}
	s := only(t, check(t, dir, Options{Dial: silent}), KindLockFileUnknown)
	wantDetail(t, s, "another computer", "did not answer")
	if dialed.Load() != 1 {
		t.Errorf("dialed %d times", dialed.Load())
	}

	host, port := closedPort(t)
	refused := func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, net.JoinHostPort(host, port))
	}
	s = only(t, check(t, dir, Options{Dial: refused}), KindLockFileStale)
	wantDetail(t, s, "10.255.255.1:9092 refused the connection")
}

// H2 rewrites its lock file while an engine opens, closes or takes over the
// database. A file that changes while it is watched is live even where the
// local probes find nothing.
func TestChangingLockFileIsLive(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"db.lock.db", "sub/other.lock.db"} {
		t.Run(name, func(t *testing.T) {
			dir := makeDB(t, "")
			path := filepath.Join(dir, filepath.FromSlash(name))
			write(t, path, fileLock(""))
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					case <-time.After(20 * time.Millisecond):
					}
					os.WriteFile(path, []byte(fileLock(fmt.Sprintf("x=%d\n", i))), 0o644)
				}
			}()
			rep := check(t, dir, Options{})
			close(stop)
			<-done
			s := only(t, rep, KindLockFileLive)
			wantDetail(t, s, "changed during the 300ms watch")
			if s.File != path {
				t.Errorf("File = %q, want %q", s.File, path)
			}
		})
	}
}

func TestVanishingLockFileIsLive(t *testing.T) {
	t.Parallel()
	dir := makeDB(t, fileLock(""))
	go func() {
		time.Sleep(50 * time.Millisecond)
		os.Remove(filepath.Join(dir, "db.lock.db"))
	}()
	s := only(t, check(t, dir, Options{}), KindLockFileLive)
	wantDetail(t, s, "disappeared")
}

func TestUnparsableLockFile(t *testing.T) {
	inconclusiveScan(t)
	dir := makeDB(t, "\x00\x01garbage")
	s := only(t, check(t, dir, Options{}), KindLockFileUnknown)
	wantDetail(t, s, "cannot parse it")
}

func TestCancel(t *testing.T) {
	t.Parallel()
	dir := makeDB(t, fileLock(""))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Check(ctx, dir, Options{LockWatch: time.Minute})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatalf("Check took %v after cancel", time.Since(start))
	}
}

// Check never writes: a folder with every kind of lock file, including
// nested ones, is byte-for-byte, name-for-name and mtime-for-mtime the same
// afterwards.
func TestCheckIsReadOnly(t *testing.T) {
	t.Parallel()
	host, port := closedPort(t)
	dir := makeDB(t, fileLock("server="+host+"\\:"+port+"\n"))
	write(t, filepath.Join(dir, "db.trace.db"), "2026-11-21 04:59:38 database: opening\n")
	write(t, filepath.Join(dir, "nested", "x.lock.db"), "#FileLock\nmethod=socket\nipAddress="+host+"\nport="+port+"\nid=1\n")
	write(t, filepath.Join(dir, "nested", "x.mv.db"), "H:2,block:2\n")
	write(t, filepath.Join(dir, "junk.lock.db"), "not a lock file")
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		return os.Chtimes(p, old, old)
	})
	before := hashDir(t, dir)
	rep := check(t, dir, Options{})
	if after := hashDir(t, dir); after != before {
		t.Fatalf("Check changed the folder (%+v)", rep)
	}
	for _, s := range append(rep.Signals, rep.Warnings...) {
		if !strings.HasSuffix(s.File, ".lock.db") || !strings.HasPrefix(string(s.Kind), "lock-file-") {
			t.Errorf("unexpected signal %+v", s)
		}
	}
	if n := len(rep.Signals) + len(rep.Warnings); n != 3 {
		t.Errorf("want a verdict on each of the 3 lock files, got %+v", rep)
	}
}

func TestInUseError(t *testing.T) {
	e := &InUseError{Dir: "/x/db", Report: Report{InUse: true, Signals: []Signal{
		{Kind: KindOSLock, Detail: "fcntl write lock on db.mv.db held by pid 1234 (java)"},
		{Kind: KindOpenByProcess, Detail: "db.mv.db is open by pid 1234 (java)"},
	}}}
	if got, want := e.Error(), "/x/db is in use: fcntl write lock on db.mv.db held by pid 1234 (java)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var target *InUseError
	if !errors.As(fmt.Errorf("snapshot: %w", e), &target) {
		t.Error("errors.As failed")
	}
}

func TestSignalOrder(t *testing.T) {
	s := []Signal{
		{Kind: KindLockFileUnknown, File: "a"},
		{Kind: KindOpenByProcess, File: "b"},
		{Kind: KindLockFileLive, File: "a"},
		{Kind: KindOSLock, File: "z"},
		{Kind: KindSharingViolation, File: "c"},
	}
	sortSignals(s)
	var got []string
	for _, x := range s {
		got = append(got, string(x.Kind))
	}
	if want := "os-lock sharing-violation open-by-process lock-file-live lock-file-unknown"; strings.Join(got, " ") != want {
		t.Errorf("order %v", got)
	}
}

// tempDir is t.TempDir with a cleanup that works under Wine 8 too: Go's
// os.RemoveAll on Windows now uses a file-disposition call Wine 8 lacks
// ("Invalid function"), while plain os.Remove works everywhere.
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "inuse-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if os.RemoveAll(dir) == nil {
			return
		}
		var paths []string
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			paths = append(paths, p)
			return nil
		})
		for i := len(paths) - 1; i >= 0; i-- {
			os.Remove(paths[i])
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("could not remove %s", dir)
		}
	})
	return dir
}

// A name with several addresses proves a lock stale only when every
// address refuses; one that stays silent leaves it unknown, one that
// accepts makes it live, and one this machine cannot route to is ignored.
func TestKnockEveryAddress(t *testing.T) {
	saved := lookupHost
	lookupHost = func(ctx context.Context, host string) ([]string, error) {
		if host != "pc-kasir" {
			return nil, fmt.Errorf("unexpected lookup of %q", host)
		}
		return []string{"192.0.2.1", "192.0.2.2", "2001:db8::1"}, nil
	}
	t.Cleanup(func() { lookupHost = saved })
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", errRefused)}
	unroutable := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", errUnroutable)}
	silent := &net.OpError{Op: "dial", Net: "tcp", Err: context.DeadlineExceeded}
	tests := []struct {
		name string
		errs map[string]error // by address; nil error means accepted
		want knockVerdict
	}{
		{"all refused", map[string]error{"192.0.2.1:9092": refused, "192.0.2.2:9092": refused, "[2001:db8::1]:9092": refused}, knockRefused},
		{"refused and unroutable", map[string]error{"192.0.2.1:9092": refused, "192.0.2.2:9092": refused, "[2001:db8::1]:9092": unroutable}, knockRefused},
		{"one silent", map[string]error{"192.0.2.1:9092": refused, "192.0.2.2:9092": silent, "[2001:db8::1]:9092": refused}, knockSilent},
		{"one accepts", map[string]error{"192.0.2.1:9092": refused, "192.0.2.2:9092": nil, "[2001:db8::1]:9092": silent}, knockAccepted},
		{"all unroutable", map[string]error{"192.0.2.1:9092": unroutable, "192.0.2.2:9092": unroutable, "[2001:db8::1]:9092": unroutable}, knockSilent},
	}
	for _, tt := range tests {
		dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
			err, ok := tt.errs[addr]
			if !ok {
				return nil, fmt.Errorf("unexpected address %q", addr)
			}
			if err != nil {
				return nil, err
			}
			c1, c2 := net.Pipe()
			c2.Close()
			return c1, nil
		}
		j := lockJudge{opt: Options{Dial: dial}}
		if got := j.knock(context.Background(), "pc-kasir:9092"); got.verdict != tt.want {
			t.Errorf("%s: verdict %v (%v), want %v", tt.name, got.verdict, got.err, tt.want)
		}
	}
}
