package main

import (
	"bytes"
	"errors"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// What the crash harnesses share. Each runs the real program (this test
// binary as main) and kills it with SIGKILL, as a power cut would, at named
// points it reaches (EFBACKUP_TEST_KILL_AT=POINT#N, hooks_test.go), never
// after a wall-clock delay: a kill lands at the same place however busy the
// machine is, so a failure repeats from its seed.
//
// A harness first runs the command once with EFBACKUP_TEST_TRACE to learn
// every point it passes, in order. It then kills it at each step boundary
// and at each of the four points of each atomic write, and at points drawn
// at random from the whole trace (a MiB into a copy, the 17th file prune
// removes, ...), EFBACKUP_CRASH_RUNS of them (default 12), drawn by a random
// source whose seed it prints (EFBACKUP_CRASH_SEED repeats a run).

func crashRuns() int {
	if n, err := strconv.Atoi(os.Getenv("EFBACKUP_CRASH_RUNS")); err == nil && n >= 0 {
		return n
	}
	return 12
}

// crashRNG is the random source of a harness; its seed is logged so that
// a failing run can be repeated with EFBACKUP_CRASH_SEED.
func crashRNG(t *testing.T) *rand.Rand {
	seed := time.Now().UnixNano()
	if s, err := strconv.ParseInt(os.Getenv("EFBACKUP_CRASH_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("random kills with EFBACKUP_CRASH_SEED=%d", seed)
	return rand.New(rand.NewSource(seed))
}

// child runs the test binary as efbackup with extra environment. Under the
// race detector a program sleeps a second before it exits
// (atexit_sleep_ms); the harnesses start thousands, so that is turned off.
func child(args []string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	race := "atexit_sleep_ms=0"
	if g := os.Getenv("GORACE"); g != "" {
		race = g + " " + race
	}
	cmd.Env = append(os.Environ(), append([]string{"EFBACKUP_AS_MAIN=1", "EFBACKUP_LANG=en", "GORACE=" + race}, env...)...)
	return cmd
}

func killedBySignal(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// traceRun runs cmd to the end, wanting exit code want, and returns every
// point it reached, in order, each as POINT#N.
func traceRun(t *testing.T, cmd *exec.Cmd, want int) []string {
	t.Helper()
	f, err := os.CreateTemp("", "efbackup-trace-")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	defer os.Remove(f.Name())
	cmd.Env = append(cmd.Env, envTrace+"="+f.Name())
	b, err := cmd.CombinedOutput()
	if code := exitStatus(t, err); code != want {
		t.Fatalf("%v: exit %d, want %d\n%s", cmd.Args, code, want, b)
	}
	data, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	trace := strings.Fields(string(data))
	if len(trace) == 0 {
		t.Fatalf("%v reached no point", cmd.Args)
	}
	return trace
}

// killAt runs cmd with a kill at point. killed says whether it died
// there; when it ended first (the point was not reached), it must have
// ended with exit code want.
func killAt(t *testing.T, cmd *exec.Cmd, point string, want int) (killed bool, output string) {
	t.Helper()
	cmd.Env = append(cmd.Env, envKillAt+"="+point)
	b, err := cmd.CombinedOutput()
	if killedBySignal(err) {
		if !strings.Contains(string(b), "killed at "+point) {
			t.Fatalf("%v was killed, but not at %s:\n%s", cmd.Args, point, b)
		}
		return true, string(b)
	}
	if code := exitStatus(t, err); code != want {
		t.Fatalf("%v with a kill at %s: exit %d, want %d\n%s", cmd.Args, point, code, want, b)
	}
	return false, string(b)
}

// mustKillAt is killAt for a point the command always reaches.
func mustKillAt(t *testing.T, cmd *exec.Cmd, point string) string {
	t.Helper()
	killed, out := killAt(t, cmd, point, -1)
	if !killed {
		t.Fatalf("%v: the process was not killed at %s\n%s", cmd.Args, point, out)
	}
	return out
}

// isAtomicPoint says whether a traced point is one of an atomic write's.
func isAtomicPoint(p string) bool { return strings.HasPrefix(p, "atomic-") }

// boundaries are the kills every run of a harness makes: the first time
// each named step point is reached (the points of every MiB copied are
// left to the random kills), and every point of every atomic write.
func boundaries(trace []string) []string {
	var out []string
	for _, p := range trace {
		name, n, _ := strings.Cut(p, "#")
		switch {
		case isAtomicPoint(name):
			out = append(out, p)
		case n == "1" && !strings.HasSuffix(name, "-mib"):
			out = append(out, name)
		}
	}
	return out
}

// randomPoints draws n points from the trace. It draws from the points in
// sorted order: steps that run side by side (migrate's safety snapshot and
// staged copy) pass their points in an order that varies from run to run,
// but each POINT#N is passed in every run, so the same seed draws the same
// points.
func randomPoints(rng *rand.Rand, trace []string, n int) []string {
	sorted := slices.Sorted(slices.Values(trace))
	out := make([]string, n)
	for i := range out {
		out[i] = sorted[rng.Intn(len(sorted))]
	}
	return out
}

// folderLockLeftover is what a process killed inside the folder lock's
// creation leaves: the next run that takes the lock removes it.
var folderLockLeftover = regexp.MustCompile(`^efbackup\.lock(\.[0-9]+\.[0-9a-f]+\.tmp)?$`)

// partialLeftover is an atomic write's temporary file: NAME.partial for a
// new file, NAME.<digits>.tmp for a replaced one.
var partialLeftover = regexp.MustCompile(`(` + regexp.QuoteMeta(fsutil.PartialSuffix) + `|\.[0-9]+\.tmp)$`)

// checkNames fails when dir holds a name that is neither in keep nor
// matched by one of allow: after a kill, exactly the leftovers the next run
// removes are allowed; after the next run, none.
func checkNames(t *testing.T, when, dir string, keep map[string]bool, allow ...*regexp.Regexp) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
names:
	for _, e := range entries {
		n := e.Name()
		if keep[n] {
			continue
		}
		for _, re := range allow {
			if re.MatchString(n) {
				continue names
			}
		}
		t.Fatalf("%s: %s is left in %s", when, n, filepath.Base(dir))
	}
}

// crashHarnessOnly skips a crash harness under the race detector. Its
// children are killed with SIGKILL, which the detector cannot look into,
// and instrumented children are about ten times slower; make test runs
// the harnesses in a step of their own, without it (make crash-quick).
func crashHarnessOnly(t *testing.T) {
	t.Helper()
	if raceDetector {
		t.Skip("crash harness: runs without the race detector (make crash-quick, part of make test)")
	}
}

// syncBuffer is a bytes.Buffer safe for a reader while exec writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
