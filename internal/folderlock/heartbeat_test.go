package folderlock

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// holder starts a child process that takes the lock on dir with the extra
// environment (a host it poses as, a skewed clock, a heartbeat) and keeps
// it until killed. kill kills it and reaps it.
func holder(t *testing.T, dir string, env ...string) (pid int, kill func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "FOLDERLOCK_TEST_HOLD="+dir), env...)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	kill = func() {
		if !killed {
			killed = true
			cmd.Process.Kill()
			cmd.Wait()
		}
	}
	t.Cleanup(kill)
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "locked\n" {
		kill()
		t.Fatalf("holder said %q", line)
	}
	return cmd.Process.Pid, kill
}

// skewed is a local clock d off.
func skewed(d time.Duration) func() time.Time {
	return func() time.Time { return time.Now().Add(d) }
}

// A live holder on this host keeps its lock whatever the clocks say: its
// own clock was 7 h behind when it took the lock, the file has not been
// written for 7 h, and the waiter's clock is 7 h ahead or behind. Before,
// a lock that looked older than 6 h was taken over, with the .partial
// being written under it.
func TestClockOffNeverStealsLiveLock(t *testing.T) {
	dir := t.TempDir()
	pid, _ := holder(t, dir, "FOLDERLOCK_TEST_SKEW=-7h", "FOLDERLOCK_TEST_BEAT=-1s")
	ageLock(t, dir, 7*time.Hour)
	for _, skew := range []time.Duration{-7 * time.Hour, 0, 7 * time.Hour, 10 * 365 * 24 * time.Hour} {
		_, over, err := Acquire(dir, Options{Wait: 150 * time.Millisecond, Poll: 20 * time.Millisecond, Now: skewed(skew)})
		var le *LockedError
		if !errors.As(err, &le) || le.Holder == nil || le.Holder.PID != pid {
			t.Fatalf("clock %v off: want *LockedError naming pid %d, got %v (took over %+v)", skew, pid, err, over)
		}
	}
}

// Another computer's lock is judged by its heartbeat, by the folder's own
// clock. A real holder posing as another computer beats every 50 ms: it
// keeps its lock though its clock is 7 h behind and the waiter's is 7 h
// ahead, for longer than Stale. Killed, its heartbeat stops, and the lock
// is taken over once Stale has passed by the folder's clock.
func TestOtherHostHeartbeat(t *testing.T) {
	dir := t.TempDir()
	pid, kill := holder(t, dir, "FOLDERLOCK_TEST_HOST=other-pc", "FOLDERLOCK_TEST_SKEW=-7h", "FOLDERLOCK_TEST_BEAT=50ms")
	in, err := Read(dir)
	if err != nil || in.Host != "other-pc" || in.Heartbeat != 1 {
		t.Fatalf("the holder's lock records %+v, %v", in, err)
	}
	opts := Options{Stale: 600 * time.Millisecond, Poll: 20 * time.Millisecond, Now: skewed(7 * time.Hour)}
	opts.Wait = 1500 * time.Millisecond
	var le *LockedError
	if _, over, err := Acquire(dir, opts); !errors.As(err, &le) || le.Holder.PID != pid {
		t.Fatalf("a live holder's lock: want *LockedError naming pid %d, got %v (took over %+v)", pid, err, over)
	}
	kill()
	start := time.Now()
	opts.Wait = 10 * time.Second
	l, over, err := Acquire(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if over == nil || over.PID != pid || over.Why != "not refreshed for 600ms" {
		t.Fatalf("takenOver = %+v", over)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v to take over a silent lock", d)
	}
}

// The folder's clock alone decides for another computer's lock: with the
// folder's clock 9 min after the lock was last written it holds, at 11 min
// it is stale, while the local clock is ten years off either way.
func TestOtherHostByFolderClock(t *testing.T) {
	dir := t.TempDir()
	writeLock(t, dir, Info{Tool: "efbackup", Host: "other-pc", PID: 4242, Time: time.Now().Add(-7 * time.Hour), Token: "t", Heartbeat: 60})
	fi, err := os.Stat(filepath.Join(dir, Name))
	if err != nil {
		t.Fatal(err)
	}
	written := fi.ModTime()
	for _, tc := range []struct {
		after time.Duration
		stale bool
	}{{9 * time.Minute, false}, {11 * time.Minute, true}} {
		opts := Options{Wait: -1, Now: skewed(-10 * 365 * 24 * time.Hour)}
		opts.folderNow = func(string) (time.Time, error) { return written.Add(tc.after), nil }
		l, over, err := Acquire(dir, opts)
		if !tc.stale {
			var le *LockedError
			if !errors.As(err, &le) {
				t.Fatalf("%v after its last heartbeat: want *LockedError, got %v (took over %+v)", tc.after, err, over)
			}
			continue
		}
		if err != nil || over == nil || over.Why != "not refreshed for 10m0s" {
			t.Fatalf("%v after its last heartbeat: %v %+v", tc.after, err, over)
		}
		l.Release()
	}
}

// A folder whose clock cannot be read (no file can be written there) never
// makes another computer's lock stale.
func TestFolderClockUnreadable(t *testing.T) {
	dir := t.TempDir()
	writeLock(t, dir, Info{Tool: "efbackup", Host: "other-pc", PID: 4242, Time: time.Now(), Token: "t", Heartbeat: 60})
	ageLock(t, dir, 24*time.Hour)
	opts := Options{Wait: -1}
	opts.folderNow = func(string) (time.Time, error) { return time.Time{}, os.ErrPermission }
	var le *LockedError
	if _, over, err := Acquire(dir, opts); !errors.As(err, &le) {
		t.Fatalf("want *LockedError, got %v (took over %+v)", err, over)
	}
}

// The holder rewrites its lock file every beat, so its modification time
// stays fresh; when the file is replaced by another's, the holder learns
// that it lost the lock, and Held says so.
func TestHeartbeatRefreshesAndNoticesLoss(t *testing.T) {
	dir := t.TempDir()
	l, _, err := Acquire(dir, Options{Heartbeat: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	before, _ := os.ReadFile(filepath.Join(dir, Name))
	ageLock(t, dir, time.Hour)
	deadline := time.Now().Add(5 * time.Second)
	for {
		fi, err := os.Stat(filepath.Join(dir, Name))
		if err != nil {
			t.Fatal(err)
		}
		if time.Since(fi.ModTime()) < time.Minute {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the heartbeat did not rewrite the lock file")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, Name)); string(after) != string(before) {
		t.Fatalf("the heartbeat changed the lock's content:\n%s\n%s", before, after)
	}
	if err := l.Held(); err != nil {
		t.Fatal(err)
	}
	writeLock(t, dir, Info{Tool: "efbackup", Host: "h", PID: 9, Time: time.Now(), Token: "successor"})
	select {
	case <-l.Lost():
	case <-time.After(5 * time.Second):
		t.Fatal("the holder did not notice it lost the lock")
	}
	if err := l.Held(); err == nil {
		t.Fatal("Held says the lock is still held")
	}
	if in, _ := Read(dir); in == nil || in.Token != "successor" {
		t.Fatalf("the successor's lock was touched: %+v", in)
	}
}

// A lock whose process number now belongs to a process that started
// later (the holder died and the number was reused) is stale: the start
// recorded in the lock tells them apart.
func TestReusedPIDIsStale(t *testing.T) {
	pid, _ := holder(t, t.TempDir())
	start := processStart(pid)
	if start == "" {
		t.Skipf("%s gives no process start time", runtime.GOOS)
	}
	host, _ := os.Hostname()
	dir := t.TempDir()
	writeLock(t, dir, Info{Tool: "efbackup", Host: host, PID: pid, Boot: bootID(), Start: start, Time: time.Now(), Token: "live"})
	var le *LockedError
	if _, _, err := Acquire(dir, Options{Wait: -1}); !errors.As(err, &le) {
		t.Fatalf("the live holder's own start: want *LockedError, got %v", err)
	}
	writeLock(t, dir, Info{Tool: "efbackup", Host: host, PID: pid, Boot: bootID(), Start: start + "0", Time: time.Now(), Token: "reused"})
	l, over, err := Acquire(dir, Options{Wait: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if over == nil || over.Token != "reused" {
		t.Fatalf("takenOver = %+v", over)
	}
}
