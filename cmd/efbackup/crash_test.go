//go:build unix

package main

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/fsutil"
)

// The crash harness for snapshot: the real program is killed (SIGKILL, no
// cleanup) at every step boundary and at random moments, and after each
// kill the invariants a user relies on must hold. EFBACKUP_CRASH_RUNS sets
// the number of random kills (default 12; make crash runs thousands).

var snapshotPoints = []string{
	"snapshot-created-partial", "snapshot-first-file", "snapshot-data-written",
	"snapshot-before-commit", "snapshot-committed",
}

func crashRuns() int {
	if n, err := strconv.Atoi(os.Getenv("EFBACKUP_CRASH_RUNS")); err == nil && n >= 0 {
		return n
	}
	return 12
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
	cmd.Env = append(os.Environ(), append([]string{"EFBACKUP_AS_MAIN=1", "EFBACKUP_LOCK_WATCH=20ms", "EFBACKUP_LANG=en", "GORACE=" + race}, env...)...)
	return cmd
}

// killAfter starts cmd and kills it (SIGKILL) after d, unless it ended
// first, with exit code want. killed says whether the kill landed while it
// ran; ran is how long it ran.
func killAfter(t *testing.T, cmd *exec.Cmd, d time.Duration, want int) (killed bool, ran time.Duration) {
	t.Helper()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		code := exitStatus(t, err)
		if code != want {
			t.Fatalf("%v ended with exit %d before the kill, want %d", cmd.Args, code, want)
		}
		return false, time.Since(start)
	case <-time.After(d):
	}
	_ = cmd.Process.Kill()
	return killedBySignal(<-done), time.Since(start)
}

// killSpan is the span random kills are drawn from: at first how long one
// slowed-down run took; a run that ends before its kill shortens it to its
// own length, so that the kills keep landing inside runs when the machine
// gets faster than when it was measured.
type killSpan struct{ d time.Duration }

func (s *killSpan) next(rng *rand.Rand) time.Duration {
	return time.Duration(rng.Int63n(int64(s.d)*11/10 + 1))
}

func (s *killSpan) finished(ran time.Duration) {
	if ran < s.d {
		s.d = ran
	}
}

// timed runs cmd to the end, wanting exit code want, and returns how long
// it took.
func timed(t *testing.T, cmd *exec.Cmd, want int) time.Duration {
	t.Helper()
	start := time.Now()
	b, err := cmd.CombinedOutput()
	code := exitStatus(t, err)
	if code != want {
		t.Fatalf("%v: exit %d, want %d\n%s", cmd.Args, code, want, b)
	}
	return time.Since(start)
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

func killedBySignal(err error) bool {
	ee, ok := err.(*exec.ExitError)
	if !ok {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// checkSnapshotInvariants: every file with a final snapshot name verifies;
// the source is byte-identical.
func checkSnapshotInvariants(t *testing.T, out, db, dbHash, when string) {
	t.Helper()
	checkFinalsVerify(t, out, when)
	if h, _ := treeHash(db); h != dbHash {
		t.Fatalf("%s: the source db/ changed", when)
	}
}

// verifiedFinals remembers the snapshots checkFinalsVerify has read in
// full, by name, identity, size and time: the snapshot folder gains one
// after every kill, and reading them all again each time would make a long
// run quadratic. A file that changed in any way is read again.
var verifiedFinals sync.Map

func finalKey(f string) (string, bool) {
	fi, err := os.Stat(f)
	if err != nil {
		return "", false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", false
	}
	return fmt.Sprintf("%s %d:%d %d %d", f, st.Dev, st.Ino, fi.Size(), fi.ModTime().UnixNano()), true
}

// checkFinalsVerify: every file in out with a final snapshot name verifies.
func checkFinalsVerify(t *testing.T, out, when string) {
	t.Helper()
	finals, _ := filepath.Glob(filepath.Join(out, "*"+backup.ArchiveSuffix))
	for _, f := range finals {
		key, ok := finalKey(f)
		if _, seen := verifiedFinals.Load(key); ok && seen {
			continue
		}
		rep, err := backup.VerifyArchive(context.Background(), f, backup.ReadOptions{})
		if err != nil || !rep.OK() {
			var problems []backup.Problem
			if rep != nil {
				problems = rep.Problems
			}
			t.Fatalf("%s: %s carries a final name but fails verify: %v %v", when, f, err, problems)
		}
		if ok {
			verifiedFinals.Store(key, true)
		}
	}
}

// keepNewestFinals removes complete snapshots, each with its sidecar, once
// they have been verified, until n are left (the ones whose names sort
// last).
func keepLastFinals(t *testing.T, out string, n int) {
	t.Helper()
	finals, _ := filepath.Glob(filepath.Join(out, "*"+backup.ArchiveSuffix))
	sort.Strings(finals)
	for len(finals) > n {
		os.Remove(finals[0] + backup.SidecarSuffix)
		if err := os.Remove(finals[0]); err != nil {
			t.Fatal(err)
		}
		finals = finals[1:]
	}
}

func TestCrashSnapshot(t *testing.T) {
	if testing.Short() {
		t.Skip("crash harness: not in -short mode")
	}
	src := genInstall(t, "3.2")
	db := filepath.Join(src, "db")
	// Some bulk, so that random kills can land inside the copy.
	bulk := make([]byte, 24<<20)
	rand.New(rand.NewSource(1)).Read(bulk)
	if err := os.WriteFile(filepath.Join(db, "lampiran.bin"), bulk, 0o644); err != nil {
		t.Fatal(err)
	}
	dbHash, _ := treeHash(db)
	out := t.TempDir()
	kills := 0
	next := func(when string, label ...string) {
		// The next run of the same command succeeds and leaves no
		// .partial from the killed one.
		cmd := child(append([]string{"snapshot", "--install", src, "--out", out, "--quiet"}, label...))
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: the next snapshot failed: %v\n%s", when, err, b)
		}
		if m, _ := filepath.Glob(filepath.Join(out, "*"+fsutil.PartialSuffix)); len(m) != 0 {
			t.Fatalf("%s: .partial files survive the next run: %v", when, m)
		}
		checkSnapshotInvariants(t, out, db, dbHash, when+", after the next run")
	}
	for _, p := range snapshotPoints {
		cmd := child([]string{"snapshot", "--install", src, "--out", out}, "EFBACKUP_TEST_KILL_AT="+p)
		err := cmd.Run()
		if !killedBySignal(err) {
			t.Fatalf("kill at %s: the process was not killed there (%v)", p, err)
		}
		kills++
		checkSnapshotInvariants(t, out, db, dbHash, "killed at "+p)
		next("killed at " + p)
	}
	rng := crashRNG(t)
	midCopy, finished := 0, 0
	for i := 0; i < crashRuns(); i++ {
		// Slow the copy down so that a random moment lands inside it. A
		// label of its own keeps the run from waiting for the next second
		// (two snapshots of one label never share a name), which would
		// push the copy past the kill.
		label := []string{"--label", "run" + strconv.Itoa(i)}
		cmd := child(append([]string{"snapshot", "--install", src, "--out", out, "--quiet"}, label...), "EFBACKUP_TEST_SLOW_MS=15")
		if killed, _ := killAfter(t, cmd, time.Duration(rng.Intn(500))*time.Millisecond, 0); !killed {
			finished++
		} else {
			kills++
		}
		if m, _ := filepath.Glob(filepath.Join(out, "*"+fsutil.PartialSuffix)); len(m) > 0 {
			midCopy++
		}
		when := "random kill " + strconv.Itoa(i)
		checkSnapshotInvariants(t, out, db, dbHash, when)
		next(when, label...)
		keepLastFinals(t, out, 4) // a long run would otherwise fill the disk
	}
	t.Logf("snapshot crash harness: %d kills (%d at step boundaries, %d at random moments, %d of them inside the copy; %d more runs finished before their kill), invariants held after each",
		kills, len(snapshotPoints), crashRuns()-finished, midCopy, finished)
	if names, _ := os.ReadDir(out); len(names) == 0 {
		t.Fatal("no snapshot was ever made")
	} else {
		n := 0
		for _, e := range names {
			if strings.HasSuffix(e.Name(), backup.ArchiveSuffix) {
				n++
			}
		}
		t.Logf("%d complete snapshots in the folder", n)
	}
}

// The crash harness for restore: the real program is killed at each of its
// step boundaries, with both ways of swapping the folders (the one-step
// exchange of Linux and macOS, and the two renames of Windows, forced here
// with EFBACKUP_TEST_NO_EXCHANGE), and at random moments, with the
// extraction slowed down (EFBACKUP_TEST_SLOW_MS) so that they land inside
// it. After each kill: db/ is the previous folder or the complete restored
// one (with two renames it may be missing between them, and then the
// journal names the folder that holds the previous one); the previous db/
// still exists whole; nothing else in the install changed; the snapshot
// folder is byte-identical (its snapshot verifies: checked before the
// first kill and after the last). The next restore then
// succeeds, reports what it finished or undid, leaves no .partial, journal
// or lock behind, and the previous db/ is where a user looks for it, under
// a db.before-restore-<time> name.
func TestCrashRestore(t *testing.T) {
	if testing.Short() {
		t.Skip("crash harness: not in -short mode")
	}
	src := genInstall(t, "3.2")
	// Some bulk, so that random kills can land inside the extraction.
	bulk := make([]byte, 4<<20)
	rand.New(rand.NewSource(2)).Read(bulk)
	if err := os.WriteFile(filepath.Join(src, "db", "lampiran.bin"), bulk, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if b, err := child([]string{"snapshot", "--install", src, "--out", out, "--quiet"}).CombinedOutput(); err != nil {
		t.Fatalf("snapshot: %v\n%s", err, b)
	}
	snap := onlySnapshot(t, out)
	m, err := backup.ReadSidecar(snap)
	if err != nil {
		t.Fatal(err)
	}
	checkFinalsVerify(t, out, "before the first kill")
	outHash, _ := treeHash(out)
	h := &restoreHarness{t: t, snap: snap, out: out, outHash: outHash, manifest: m, inst: genInstall(t, "3.2"), where: map[string]int{}, recovered: map[string]int{}}
	h.db = filepath.Join(h.inst, "db")

	points := map[bool][]string{
		false: {"restore-verified", "restore-staging-created", "restore-extracted", "restore-before-swap", "restore-exchanged", "restore-swapped", "restore-done"},
		true:  {"restore-verified", "restore-staging-created", "restore-extracted", "restore-before-swap", "restore-moved-aside", "restore-swapped", "restore-done"},
	}
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		points[false] = nil // no exchange here
	}
	for _, rename := range []bool{false, true} {
		for _, p := range points[rename] {
			h.round(p, 0, rename)
		}
	}
	// How long a slowed-down restore takes: random kills are drawn from
	// that span.
	h.prepare()
	measured := timed(t, child([]string{"restore", snap, "--install", h.inst, "--quiet"}, restoreSlow), 0)
	h.span = &killSpan{measured}
	h.tidy()
	rng := crashRNG(t)
	for i := 0; i < crashRuns(); i++ {
		h.round("", h.span.next(rng), i%2 == 1)
	}
	checkFinalsVerify(t, out, "after the last kill")
	random := h.kills - h.boundary
	t.Logf("restore crash harness: %d kills (%d at step boundaries, %d at random moments: %d before anything was written, %d inside the extraction, %d during the swap, %d after it; %d left no db/ between the two renames; %d more runs finished before their kill; a slowed restore takes %v); the next restore finished %d interrupted restores, rolled back %d, tidied up after %d; invariants held after each",
		h.kills, h.boundary, random, h.where["before"], h.where["extracting"], h.where["swapping"], h.where["after"], h.gaps, h.finished, measured.Round(time.Millisecond),
		h.recovered[backup.RecoveryFinished], h.recovered[backup.RecoveryRolledBack], h.recovered[backup.RecoveryCleanedUp])
}

const restoreSlow = "EFBACKUP_TEST_SLOW_MS=50"

type restoreHarness struct {
	t              *testing.T
	snap, out      string
	outHash        string
	manifest       *backup.Manifest
	inst, db       string
	n              int
	kills          int
	boundary       int
	finished, gaps int
	where          map[string]int
	recovered      map[string]int
	oldHash        string
	before         map[string]string
	span           *killSpan
}

func (h *restoreHarness) isRestored(dir string) bool {
	rep, err := backup.VerifyFolder(context.Background(), dir, h.manifest, backup.FolderOptions{})
	return err == nil && len(rep.Problems) == 0
}

// prepare makes db/ differ from the snapshot (work entered since), and
// records the install as it is.
func (h *restoreHarness) prepare() {
	t := h.t
	h.n++
	if err := os.WriteFile(filepath.Join(h.db, fmt.Sprintf("entered-later-%d.txt", h.n)), []byte("faktur 010.000-26."+strconv.Itoa(h.n)), 0o644); err != nil {
		t.Fatal(err)
	}
	h.oldHash, _ = treeHash(h.db)
	h.before = map[string]string{}
	entries, _ := os.ReadDir(h.inst)
	for _, e := range entries {
		if e.Name() != "db" {
			h.before[e.Name()], _ = treeHash(filepath.Join(h.inst, e.Name()))
		}
	}
}

// tidy removes the db.before-restore-* folders, as a user would once the
// restore is known good, so that a long run stays within the disk.
func (h *restoreHarness) tidy() {
	m, _ := filepath.Glob(filepath.Join(h.inst, "db."+backup.AsideTag+"-*"))
	for _, p := range m {
		if err := os.RemoveAll(p); err != nil {
			h.t.Fatal(err)
		}
	}
}

// holdsOld lists the folders beside db/ (db/ included) that hold the
// previous db/.
func (h *restoreHarness) holdsOld() []string {
	var out []string
	cands, _ := filepath.Glob(filepath.Join(h.inst, "db*"))
	for _, c := range cands {
		if fi, err := os.Lstat(c); err != nil || !fi.IsDir() {
			continue
		}
		if hh, _ := treeHash(c); hh == h.oldHash {
			out = append(out, filepath.Base(c))
		}
	}
	return out
}

func (h *restoreHarness) names() []string {
	var out []string
	entries, _ := os.ReadDir(h.inst)
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// checkCommon: nothing else in the install changed, the previous db/
// exists whole, the snapshot folder is byte-identical (its snapshot was
// verified at the start, so it still verifies; verified again at the end).
func (h *restoreHarness) checkCommon(when string) {
	t := h.t
	t.Helper()
	if len(h.holdsOld()) == 0 {
		t.Fatalf("%s: the previous db/ is gone (have %v)", when, h.names())
	}
	for name, want := range h.before {
		if got, err := treeHash(filepath.Join(h.inst, name)); err != nil || got != want {
			t.Fatalf("%s: %s changed or is gone (%v)", when, name, err)
		}
	}
	if got, _ := treeHash(h.out); got != h.outHash {
		t.Fatalf("%s: the snapshot folder changed", when)
	}
}

// round runs one restore and kills it at point, or after delay.
func (h *restoreHarness) round(point string, delay time.Duration, rename bool) {
	t := h.t
	h.prepare()
	var env []string
	method := "exchange"
	if rename {
		env = append(env, "EFBACKUP_TEST_NO_EXCHANGE=1")
		method = "two renames"
	}
	args := []string{"restore", h.snap, "--install", h.inst}
	when := fmt.Sprintf("killed at %s (%s)", point, method)
	if point != "" {
		var stderr strings.Builder
		cmd := child(args, append(env, "EFBACKUP_TEST_KILL_AT="+point)...)
		cmd.Stderr = &stderr
		if err := cmd.Run(); !killedBySignal(err) {
			t.Fatalf("kill at %s: the process was not killed there (%v)\n%s", point, err, stderr.String())
		}
		h.kills++
		h.boundary++
	} else {
		when = fmt.Sprintf("killed after %v (%s)", delay, method)
		killed, ran := killAfter(t, child(args, append(env, restoreSlow)...), delay, 0)
		if killed {
			h.kills++
		} else {
			h.finished++
			h.span.finished(ran)
			when = fmt.Sprintf("finished before its kill at %v (%s)", delay, method)
		}
	}

	// What the kill left.
	j, jerr := backup.ReadRestoreJournal(h.inst)
	if jerr != nil {
		t.Fatalf("%s: the journal cannot be read: %v", when, jerr)
	}
	_, dberr := os.Lstat(h.db)
	switch {
	case os.IsNotExist(dberr):
		// Only between the two renames, and then the journal names the
		// folder holding the previous db/.
		if !rename || j == nil || j.State != backup.RestoreStateSwapping || j.Aside == "" {
			t.Fatalf("%s: db/ is missing (have %v, journal %+v)", when, h.names(), j)
		}
		if hh, _ := treeHash(filepath.Join(h.inst, j.Aside)); hh != h.oldHash {
			t.Fatalf("%s: db/ is missing and %s, named by the journal, is not the previous db/", when, j.Aside)
		}
		h.gaps++
	case dberr != nil:
		t.Fatal(dberr)
	default:
		if hh, _ := treeHash(h.db); hh != h.oldHash && !h.isRestored(h.db) {
			t.Fatalf("%s: db/ is neither the previous nor the restored folder", when)
		}
	}
	h.checkCommon(when)
	if point == "" && !strings.HasPrefix(when, "finished") {
		switch {
		case j == nil && len(h.holdsOld()) == 1 && h.holdsOld()[0] == "db":
			h.where["before"]++
		case j == nil:
			h.where["after"]++
		case j.State == backup.RestoreStateStaging:
			h.where["extracting"]++
		default:
			h.where["swapping"]++
		}
	}

	// The next restore succeeds and finishes or undoes the killed one.
	b, err := child(args, env...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: the next restore failed: %v\n%s", when, err, b)
	}
	if j != nil && !strings.Contains(string(b), "an earlier restore of") {
		t.Fatalf("%s: the next restore did not say what it did about the interrupted one:\n%s", when, b)
	}
	if j != nil {
		switch {
		case strings.Contains(string(b), "it is now finished"):
			h.recovered[backup.RecoveryFinished]++
		case strings.Contains(string(b), "before db/ was touched"):
			h.recovered[backup.RecoveryRolledBack]++
		default:
			h.recovered[backup.RecoveryCleanedUp]++
		}
	}
	after := when + ", after the next restore"
	if !h.isRestored(h.db) {
		t.Fatalf("%s: db/ does not match the snapshot", after)
	}
	for _, name := range h.names() {
		if strings.HasSuffix(name, fsutil.PartialSuffix) || strings.HasPrefix(name, backup.RestoreJournalName) || name == "efbackup.lock" {
			t.Fatalf("%s: %s is left behind (have %v)", after, name, h.names())
		}
	}
	// The previous db/ is where a user looks for it.
	aside := false
	for _, name := range h.holdsOld() {
		if strings.HasPrefix(name, "db."+backup.AsideTag+"-") {
			aside = true
		}
	}
	if !aside {
		t.Fatalf("%s: the previous db/ is not under a db.%s-<time> name (it is in %v; have %v)", after, backup.AsideTag, h.holdsOld(), h.names())
	}
	h.checkCommon(after)
	h.tidy()
}
