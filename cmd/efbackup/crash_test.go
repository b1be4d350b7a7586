//go:build unix

package main

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/fsutil"
)

// The crash harness for snapshot: the real program is killed (SIGKILL, no
// cleanup) at every step boundary, at the four points of each of its
// atomic writes (the archive, the sidecar) and at random points of its
// trace (crash_common_test.go), and after each kill the invariants a user
// relies on must hold.

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
	crashHarnessOnly(t)
	if testing.Short() {
		t.Skip("crash harness: not in -short mode")
	}
	src := genInstall(t, "3.2")
	db := filepath.Join(src, "db")
	// Some bulk, so that the copy has MiBs to be killed between.
	bulk := make([]byte, 6<<20)
	rand.New(rand.NewSource(1)).Read(bulk)
	if err := os.WriteFile(filepath.Join(db, "lampiran.bin"), bulk, 0o644); err != nil {
		t.Fatal(err)
	}
	dbHash, _ := treeHash(db)
	out := t.TempDir()
	snapshot := func(label string) *exec.Cmd {
		return child([]string{"snapshot", "--install", src, "--out", out, "--create-out", "--quiet", "--label", label})
	}
	finals := func() map[string]bool {
		keep := map[string]bool{}
		for _, f := range finalsIn(out) {
			keep[filepath.Base(f)] = true
			keep[filepath.Base(f)+backup.SidecarSuffix] = true
		}
		return keep
	}
	// Each run has a label of its own, so that it never waits for the
	// next second (two snapshots of one label never share a name); the
	// points of the trace name the label "census".
	trace := traceRun(t, snapshot("census"), 0)
	kills, finished, inCopy := 0, 0, 0
	round := func(i int, point string) {
		label := fmt.Sprintf("run%d", i)
		point = strings.Replace(point, ":census-", ":"+label+"-", 1)
		when := "killed at " + point
		if killed, _ := killAt(t, snapshot(label), point, 0); killed {
			kills++
			if strings.HasPrefix(point, "snapshot-mib") {
				inCopy++
			}
		} else {
			finished++
			when = "finished before its kill at " + point
		}
		checkSnapshotInvariants(t, out, db, dbHash, when)
		// A kill may leave a half-written archive or sidecar, and the
		// lock; the next run removes them.
		checkNames(t, when, out, finals(), partialLeftover, folderLockLeftover)
		if b, err := snapshot(label).CombinedOutput(); err != nil {
			t.Fatalf("%s: the next snapshot failed: %v\n%s", when, err, b)
		}
		checkSnapshotInvariants(t, out, db, dbHash, when+", after the next run")
		checkNames(t, when+", after the next run", out, finals())
		keepLastFinals(t, out, 4) // a long run would otherwise fill the disk
	}
	bounds := boundaries(trace)
	for i, p := range bounds {
		round(i, p)
	}
	if finished > 0 {
		t.Fatalf("%d runs were not killed at their step boundary", finished)
	}
	rng := crashRNG(t)
	for i, p := range randomPoints(rng, trace, crashRuns()) {
		round(len(bounds)+i, p)
	}
	t.Logf("snapshot crash harness: %d kills (%d at step boundaries and atomic-write points, %d at random points of the %d in a run, %d of them inside the copy; %d more runs ended before their point), invariants held after each",
		kills, len(bounds), kills-len(bounds), len(trace), inCopy, finished)
}

// The crash harness for restore: the real program is killed at each of its
// step boundaries and at the four points of each write of its journal,
// with both ways of swapping the folders (the one-step exchange of Linux
// and macOS, and the two renames of Windows, forced here with
// EFBACKUP_TEST_NO_EXCHANGE), and at random points of its trace (a MiB into
// the verification or the extraction, ...). After each kill: db/ is the
// previous folder or the complete restored one (with two renames it may be
// missing between them, and then the journal names the folder that holds
// the previous one); the previous db/ still exists whole; nothing else in
// the install changed, and beside db/ there is nothing but the staging
// folder, the previous db/, the journal (or its temporary file) and the
// lock; the snapshot folder is byte-identical (its snapshot verifies:
// checked before the first kill and after the last). The next restore then
// succeeds, reports what it finished or undid, leaves no .partial, journal
// or lock behind, and the previous db/ is where a user looks for it, under
// a db.before-restore-<time> name.
func TestCrashRestore(t *testing.T) {
	crashHarnessOnly(t)
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
	if b, err := child([]string{"snapshot", "--install", src, "--out", out, "--create-out", "--quiet"}).CombinedOutput(); err != nil {
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
	for _, rename := range []bool{false, true} {
		if !rename && runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
			continue // no exchange here
		}
		h.prepare()
		trace := traceRun(t, h.restore(rename), 0)
		h.tidy()
		bounds := boundaries(trace)
		for _, p := range bounds {
			if !h.round(p, rename) {
				t.Fatalf("the restore was not killed at its step boundary %s", p)
			}
		}
		h.boundary += len(bounds)
		h.traced += len(trace)
		h.traces = append(h.traces, trace)
	}
	rng := crashRNG(t)
	for i := 0; i < crashRuns(); i++ {
		rename := len(h.traces) == 1 || i%2 == 1
		trace := h.traces[len(h.traces)-1]
		if !rename {
			trace = h.traces[0]
		}
		h.round(randomPoints(rng, trace, 1)[0], rename)
	}
	checkFinalsVerify(t, out, "after the last kill")
	random := h.kills - h.boundary
	t.Logf("restore crash harness: %d kills (%d at step boundaries and atomic-write points, %d at random points of the %d in the traced runs; %d before anything was written, %d while staging, %d during the swap, %d after it; %d left no db/ between the two renames; %d more runs ended before their point); the next restore finished %d interrupted restores, rolled back %d, tidied up after %d; invariants held after each",
		h.kills, h.boundary, random, h.traced, h.where["before"], h.where["extracting"], h.where["swapping"], h.where["after"], h.gaps, h.finished,
		h.recovered[backup.RecoveryFinished], h.recovered[backup.RecoveryRolledBack], h.recovered[backup.RecoveryCleanedUp])
}

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
	traced         int
	traces         [][]string
}

// restore is the restore command, through the exchange or (rename) the
// two renames Windows needs.
func (h *restoreHarness) restore(rename bool) *exec.Cmd {
	var env []string
	if rename {
		env = append(env, envNoExchange+"=1")
	}
	return child([]string{"restore", h.snap, "--install", h.inst, "--from-other-install"}, env...)
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

// round runs one restore and kills it at point; it reports whether the
// kill landed (else the restore ended first).
func (h *restoreHarness) round(point string, rename bool) bool {
	t := h.t
	h.prepare()
	method := "exchange"
	if rename {
		method = "two renames"
	}
	when := fmt.Sprintf("killed at %s (%s)", point, method)
	killed, _ := killAt(t, h.restore(rename), point, 0)
	if killed {
		h.kills++
	} else {
		h.finished++
		when = fmt.Sprintf("ended before its kill at %s (%s)", point, method)
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
	// Beside db/: the staging folder, the previous db/ moved aside, the
	// journal and its temporary file, the lock; the next restore removes
	// or renames them.
	h.checkNames(when, regexp.MustCompile(`^db(\.`+backup.AsideTag+`-[0-9TZ-]+|\.`+backup.StagingTag+`-[0-9TZ-]+`+regexp.QuoteMeta(fsutil.PartialSuffix)+`)?$`),
		regexp.MustCompile(`^`+regexp.QuoteMeta(backup.RestoreJournalName)+`(\.[0-9]+\.tmp)?$`), folderLockLeftover)
	if killed {
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
	b, err := h.restore(rename).CombinedOutput()
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
	h.checkNames(after, regexp.MustCompile(`^db(\.`+backup.AsideTag+`-[0-9TZ-]+)?$`))
	h.tidy()
	return killed
}

// checkNames: the install holds what it held before, db/, and names the
// allow patterns match.
func (h *restoreHarness) checkNames(when string, allow ...*regexp.Regexp) {
	keep := map[string]bool{}
	for n := range h.before {
		keep[n] = true
	}
	checkNames(h.t, when, h.inst, keep, allow...)
}

// finalsIn lists the snapshots under their final names in dir.
func finalsIn(dir string) []string {
	m, _ := filepath.Glob(filepath.Join(dir, "*"+backup.ArchiveSuffix))
	return m
}
