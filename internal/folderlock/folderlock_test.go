package folderlock

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A child process that takes the lock and then sleeps until killed: the
// crash test's victim.
func TestMain(m *testing.M) {
	if dir := os.Getenv("FOLDERLOCK_TEST_HOLD"); dir != "" {
		// The holder may pose as another computer, have a clock that is
		// off, and beat faster than a real one.
		opts := Options{Command: "test-holder"}
		if h := os.Getenv("FOLDERLOCK_TEST_HOST"); h != "" {
			hostName = func() (string, error) { return h, nil }
		}
		if d, err := time.ParseDuration(os.Getenv("FOLDERLOCK_TEST_SKEW")); err == nil {
			opts.Now = func() time.Time { return time.Now().Add(d) }
		}
		if d, err := time.ParseDuration(os.Getenv("FOLDERLOCK_TEST_BEAT")); err == nil {
			opts.Heartbeat = d
		}
		if _, _, err := Acquire(dir, opts); err != nil {
			os.Stderr.WriteString("acquire: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	if path := os.Getenv("FOLDERLOCK_TEST_STOP_BEFORE_LINK"); path != "" {
		// What create does up to the link, then a stop until killed: a
		// kill at that moment.
		host, _ := os.Hostname()
		in := Info{Tool: "efbackup", Host: host, PID: os.Getpid(), Boot: bootID(), Time: time.Now().UTC(), Command: "test-victim", Token: "0123456789abcdef"}
		b, _ := json.Marshal(in)
		if err := writeSynced(fmt.Sprintf("%s.%d.%s.tmp", path, os.Getpid(), in.Token), b, os.O_WRONLY|os.O_CREATE|os.O_EXCL); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Stdout.WriteString("written\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func writeLock(t *testing.T, dir string, in Info) {
	t.Helper()
	b, _ := json.Marshal(in)
	if err := os.WriteFile(filepath.Join(dir, Name), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// ageLock sets the lock file's modification time d back: its holder has
// not written it for d.
func ageLock(t *testing.T, dir string, d time.Duration) {
	t.Helper()
	p := filepath.Join(dir, Name)
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	old := fi.ModTime().Add(-d)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
}

// The lock file records who holds the folder, owner-only, and Release
// removes it.
func TestAcquireRelease(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "snaps")
	l, over, err := Acquire(dir, Options{Command: "prune"})
	if err != nil || over != nil {
		t.Fatalf("Acquire: %v, %v", err, over)
	}
	fi, err := os.Stat(filepath.Join(dir, Name))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("lock mode %04o, want 0600", fi.Mode().Perm())
	}
	in, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	if in.PID != os.Getpid() || in.Host != host || in.Command != "prune" || in.Time.IsZero() || in.Token == "" {
		t.Errorf("lock records %+v", in)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, Name)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("lock file left after Release: %v", err)
	}
}

// A second writer waits about Options.Wait, then gets *LockedError naming
// the holder.
func TestSecondWriterWaitsThenFails(t *testing.T) {
	dir := t.TempDir()
	l, _, err := Acquire(dir, Options{Command: "snapshot"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	start := time.Now()
	_, _, err = Acquire(dir, Options{Wait: 300 * time.Millisecond})
	waited := time.Since(start)
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("want *LockedError, got %v", err)
	}
	if le.Holder == nil || le.Holder.Command != "snapshot" || le.Holder.PID != os.Getpid() {
		t.Errorf("holder %+v", le.Holder)
	}
	if waited < 300*time.Millisecond || waited > 3*time.Second {
		t.Errorf("waited %v, want about 300ms", waited)
	}
	// Wait < 0: fail at once.
	start = time.Now()
	if _, _, err := Acquire(dir, Options{Wait: -1}); !errors.As(err, &le) || time.Since(start) > 200*time.Millisecond {
		t.Errorf("no-wait Acquire: %v after %v", err, time.Since(start))
	}
}

// A writer that is waiting gets the lock as soon as the holder releases it.
func TestWaiterGetsReleasedLock(t *testing.T) {
	dir := t.TempDir()
	l, _, err := Acquire(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	go func() { time.Sleep(150 * time.Millisecond); l.Release() }()
	l2, over, err := Acquire(dir, Options{Wait: 5 * time.Second, Poll: 20 * time.Millisecond})
	if err != nil || over != nil {
		t.Fatalf("Acquire after release: %v %v", err, over)
	}
	l2.Release()
}

// The lock of another computer, written by a release without the
// heartbeat, is taken over once its file has gone unwritten for 6 h by
// the folder's clock, and the caller learns what it said. The time it
// records plays no part: the holder's clock may have been hours off.
func TestStaleByAge(t *testing.T) {
	dir := t.TempDir()
	writeLock(t, dir, Info{Tool: "efbackup", Host: "other-pc", PID: 4242, Time: time.Now(), Token: "old", Command: "snapshot"})
	ageLock(t, dir, 7*time.Hour)
	l, over, err := Acquire(dir, Options{Wait: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if over == nil || over.Host != "other-pc" || over.PID != 4242 || over.Why != "not refreshed for 6h0m0s" || over.Reason != ReasonSilent {
		t.Fatalf("takenOver = %+v", over)
	}
}

// Another PC's fresh lock is respected: its process cannot be checked
// from here.
func TestOtherHostRespected(t *testing.T) {
	dir := t.TempDir()
	writeLock(t, dir, Info{Tool: "efbackup", Host: "other-pc", PID: 1, Time: time.Now(), Token: "x"})
	var le *LockedError
	if _, _, err := Acquire(dir, Options{Wait: 50 * time.Millisecond}); !errors.As(err, &le) {
		t.Fatalf("want *LockedError, got %v", err)
	}
}

// An empty lock file (a crash between creating and writing it) is
// respected for a minute, then taken over.
func TestUnreadableLock(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, Name)
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var le *LockedError
	if _, _, err := Acquire(dir, Options{Wait: 50 * time.Millisecond}); !errors.As(err, &le) {
		t.Fatalf("fresh empty lock: want *LockedError, got %v", err)
	}
	old := time.Now().Add(-2 * time.Minute)
	os.Chtimes(p, old, old)
	l, over, err := Acquire(dir, Options{Wait: -1})
	if err != nil || over == nil || over.Why != "unreadable lock file" {
		t.Fatalf("old empty lock: %v %+v", err, over)
	}
	l.Release()
}

// After kill -9 of the holder, the next run takes the lock over at once
// instead of waiting for hours: the process is gone. On Linux this holds
// even before the parent reaps the child (a zombie).
func TestKilledHolderIsStale(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL is a Unix test")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "FOLDERLOCK_TEST_HOLD="+dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "locked\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q", line)
	}
	// While it runs, the lock holds.
	var le *LockedError
	if _, _, err := Acquire(dir, Options{Wait: 100 * time.Millisecond}); !errors.As(err, &le) || le.Holder.PID != cmd.Process.Pid {
		t.Fatalf("live holder: want *LockedError naming pid %d, got %v", cmd.Process.Pid, err)
	}
	cmd.Process.Kill()
	if runtime.GOOS != "linux" {
		cmd.Wait()
	} else {
		defer cmd.Wait()
		time.Sleep(50 * time.Millisecond) // let the kill land; the child stays a zombie
	}
	start := time.Now()
	l, over, err := Acquire(dir, Options{Wait: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if over == nil || over.PID != cmd.Process.Pid || over.Command != "test-holder" {
		t.Fatalf("takenOver = %+v", over)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("took %v to take over a dead process's lock", time.Since(start))
	}
}

// Release never removes a lock that is no longer ours.
func TestReleaseLeavesSuccessorsLock(t *testing.T) {
	dir := t.TempDir()
	l, _, err := Acquire(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	writeLock(t, dir, Info{Tool: "efbackup", Host: "h", PID: 9, Time: time.Now(), Token: "successor"})
	if err := l.Release(); err == nil {
		t.Fatal("Release of a taken-over lock said nothing")
	}
	if in, _ := Read(dir); in == nil || in.Token != "successor" {
		t.Fatalf("successor's lock gone: %+v", in)
	}
}

// Many writers racing for a folder with a stale lock: exactly one at a time
// holds it, and each gets it in the end.
func TestRaceForStaleLock(t *testing.T) {
	dir := t.TempDir()
	writeLock(t, dir, Info{Tool: "efbackup", Host: "h", PID: 1, Time: time.Now().Add(-24 * time.Hour), Token: "ancient"})
	ageLock(t, dir, 24*time.Hour)
	var inside, overs atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, over, err := Acquire(dir, Options{Wait: 10 * time.Second, Poll: 5 * time.Millisecond})
			if err != nil {
				errs <- err
				return
			}
			if over != nil {
				overs.Add(1)
			}
			if n := inside.Add(1); n != 1 {
				errs <- errors.New("two holders at once")
			}
			time.Sleep(10 * time.Millisecond)
			inside.Add(-1)
			if err := l.Release(); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if overs.Load() != 1 {
		t.Errorf("%d takeovers of one stale lock, want 1", overs.Load())
	}
}

// stopBeforeLink starts a process that writes the temporary file of a lock
// (name is Name or the takeover marker's) in dir and then stops, as if
// killed right before linking it into place. kill kills it and reaps it.
func stopBeforeLink(t *testing.T, dir, name string) (pid int, kill func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "FOLDERLOCK_TEST_STOP_BEFORE_LINK="+filepath.Join(dir, name))
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "written\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q", line)
	}
	return cmd.Process.Pid, func() {
		cmd.Process.Kill()
		cmd.Wait()
	}
}

// A process killed between writing its lock record and linking it into
// place leaves efbackup.lock.<pid>.<token>.tmp in the user's folder. The
// next process to hold the lock removes it and says so; the temporary file
// of a process that is still alive on this host is never touched.
func TestTempOfKilledWriterRemoved(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL is a Unix test")
	}
	dir := t.TempDir()
	deadPID, kill := stopBeforeLink(t, dir, Name)
	kill()
	dead := filepath.Join(dir, fmt.Sprintf("%s.%d.0123456789abcdef.tmp", Name, deadPID))
	livePID, killLive := stopBeforeLink(t, dir, Name)
	defer killLive()
	live := filepath.Join(dir, fmt.Sprintf("%s.%d.0123456789abcdef.tmp", Name, livePID))
	// A half-written one (no record yet) of a dead process: the PID in
	// its name decides.
	torn := filepath.Join(dir, fmt.Sprintf("%s.%d.fedcba9876543210.tmp", Name, deadPID))
	if err := os.WriteFile(torn, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// Not of the exact form: not ours to remove.
	mine := filepath.Join(dir, Name+".notes.tmp")
	if err := os.WriteFile(mine, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, _, err := Acquire(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	got := map[string]string{}
	for _, lo := range l.Leftovers() {
		got[lo.Path] = lo.Action
	}
	if len(got) != 2 || got[dead] != "removed" || got[torn] != "removed" {
		t.Fatalf("leftovers %+v, want %s and %s removed", l.Leftovers(), dead, torn)
	}
	for _, p := range []string{dead, torn} {
		if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there", p)
		}
	}
	for _, p := range []string{live, mine} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
}

// Another host's temporary file is removed only once it is older than a
// lock creation could take; a fresh one may be a writer there.
func TestTempOfOtherHost(t *testing.T) {
	dir := t.TempDir()
	b, _ := json.Marshal(Info{Tool: "efbackup", Host: "other-pc", PID: 4242, Time: time.Now(), Token: "aaaaaaaaaaaaaaaa"})
	p := filepath.Join(dir, Name+".4242.aaaaaaaaaaaaaaaa.tmp")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	processAliveHere := processAlive(4242)
	l, _, err := Acquire(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Leftovers()) != 0 {
		t.Fatalf("a fresh file of another host was removed: %+v", l.Leftovers())
	}
	l.Release()
	old := time.Now().Add(-2 * unreadableGrace)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	l, _, err = Acquire(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if len(l.Leftovers()) != 1 || l.Leftovers()[0].Path != p {
		t.Fatalf("an old file of another host was kept (pid alive here: %v): %+v", processAliveHere, l.Leftovers())
	}
}

// A takeover killed half-way leaves its marker; the next run takes the
// stale lock over at once (not after a minute) once the marker's process
// is gone, and says it removed the marker. A killed writer of the marker
// leaves only a temporary file, which is swept like the lock's.
func TestKilledTakeoverDoesNotHoldUp(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL is a Unix test")
	}
	dir := t.TempDir()
	host, _ := os.Hostname()
	writeLock(t, dir, Info{Tool: "efbackup", Host: host, PID: 1 << 30, Time: time.Now(), Token: "stale-lock"})
	deadPID, kill := stopBeforeLink(t, dir, takeoverName)
	kill()
	tmp := filepath.Join(dir, fmt.Sprintf("%s.%d.0123456789abcdef.tmp", takeoverName, deadPID))
	// The marker of a takeover killed after linking it.
	if err := os.Link(tmp, filepath.Join(dir, takeoverName)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	l, over, err := Acquire(dir, Options{Wait: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if over == nil || over.Token != "stale-lock" {
		t.Fatalf("takenOver %+v", over)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a dead takeover held the next run up for %v", d)
	}
	got := map[string]bool{}
	for _, lo := range l.Leftovers() {
		got[lo.Path] = true
	}
	if !got[filepath.Join(dir, takeoverName)] || !got[tmp] {
		t.Fatalf("leftovers %+v", l.Leftovers())
	}
	if names, _ := filepath.Glob(filepath.Join(dir, "*")); len(names) != 1 {
		t.Fatalf("left in the folder: %v", names)
	}
}
