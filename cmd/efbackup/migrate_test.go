package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/efbackup/efbackup/fixtures/install"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/internal/treetest"
	"github.com/efbackup/efbackup/migrate"
)

// migrateEnv is an old 3.2 install, a new 4.0 install and a snapshot
// folder, in a fresh folder.
type migrateEnv struct {
	root, src, tgt, snaps string
}

// migrateTemplates are a generated 3.2 and 4.0 install, made once per test
// and copied for each run in it: generating is slower than copying.
type migrateTemplates struct{ src, tgt string }

func newMigrateTemplates(t testing.TB) *migrateTemplates {
	t.Helper()
	base := t.TempDir()
	tpl := &migrateTemplates{src: filepath.Join(base, "eFaktur-3.2"), tgt: filepath.Join(base, "eFaktur-4.0")}
	if _, err := install.Generate(tpl.src, install.Options{Version: "3.2", Seed: 1, AppBackups: -1}); err != nil {
		t.Fatal(err)
	}
	if _, err := install.Generate(tpl.tgt, install.Options{Version: "4.0", Seed: 2, AppBackups: -1}); err != nil {
		t.Fatal(err)
	}
	return tpl
}

// newMigrateEnv copies the templates (made afresh when tpl is nil). The
// target keeps its generated db/ when withDB, as an install in use would
// have; without it, it is a fresh 4.0 install that has never been started.
func newMigrateEnv(t testing.TB, withDB bool, tpl *migrateTemplates) *migrateEnv {
	t.Helper()
	if tpl == nil {
		tpl = newMigrateTemplates(t)
	}
	root := migrateTempDir(t)
	e := &migrateEnv{root: root, src: filepath.Join(root, "eFaktur-3.2"), tgt: filepath.Join(root, "eFaktur-4.0"), snaps: filepath.Join(root, "snaps")}
	copyTree(t, tpl.src, e.src)
	copyTree(t, tpl.tgt, e.tgt)
	if !withDB {
		if err := os.RemoveAll(filepath.Join(e.tgt, "db")); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *migrateEnv) args(extra ...string) []string {
	return append([]string{"migrate", "--from", "3.2", "--to", "4.0", "--source", e.src, "--target", e.tgt, "--snapshot-dir", e.snaps}, extra...)
}

// migrateTempDir is a temporary folder on a RAM file system when there is
// one, unless EFBACKUP_TEST_DISK=1: the crash tests check which folder
// holds what after a kill, and the many fsyncs of each run cost seconds
// on a busy disk while proving nothing there (no test can cut the power).
func migrateTempDir(t testing.TB) string {
	t.Helper()
	if os.Getenv("EFBACKUP_TEST_DISK") != "1" && runtime.GOOS == "linux" {
		if d, err := os.MkdirTemp("/dev/shm", "efbackup-cmd-migrate-"); err == nil {
			t.Cleanup(func() { os.RemoveAll(d) })
			return d
		}
	}
	return t.TempDir()
}

func copyTree(t testing.TB, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(dst, fi.Mode().Perm()|0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst, b, fi.Mode().Perm()); err != nil {
			return err
		}
		return os.Chtimes(dst, fi.ModTime(), fi.ModTime())
	})
	if err != nil {
		t.Fatal(err)
	}
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func mustTreeHash(t testing.TB, dir string) string {
	t.Helper()
	h, err := treeHash(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return h
}

func topLevel(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func migrateJSON(t testing.TB, stdout string) migrateOutput {
	t.Helper()
	var out migrateOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("migrate --json: %v\n%s", err, stdout)
	}
	return out
}

// A db/ with data in the target is kept aside byte for byte; the reports
// are owner-only; both databases have a verified safety snapshot.
func TestMigrateKeepsTargetData(t *testing.T) {
	e := newMigrateEnv(t, true, nil)
	orig := treetest.Content(t, filepath.Join(e.tgt, "db"))
	srcHash := mustTreeHash(t, e.src)
	code, stdout, stderr := runCLI(t, e.args("--json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	out := migrateJSON(t, stdout)
	r := out.Report
	if r == nil || r.MovedAside == "" || len(r.NextSteps) != 5 {
		t.Fatalf("report: %+v", out)
	}
	if !sameMap(orig, treetest.Content(t, r.MovedAside)) {
		t.Fatal("the target's db/ was not kept aside byte for byte")
	}
	if !sameMap(treetest.Content(t, filepath.Join(e.src, "db")), treetest.Content(t, filepath.Join(e.tgt, "db"))) {
		t.Fatal("db/ is not a copy of the source")
	}
	if mustTreeHash(t, e.src) != srcHash {
		t.Fatal("the source was written")
	}
	for _, p := range r.Reports {
		fi, err := os.Stat(p)
		// Windows has no Unix permission bits (Go reports 0666 or 0444).
		if err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Errorf("report %s: %v %v", p, fi, err)
		}
	}
	var verified int
	for _, s := range r.Snapshots {
		if s.State == "verified" && s.ContentID != "" {
			verified++
			if code, _, stderr := runCLI(t, "verify", s.Path); code != 0 {
				t.Errorf("snapshot %s does not verify: %s", s.Path, stderr)
			}
		}
	}
	if verified != 2 || r.SourceContentID == "" || r.TargetContentID == "" {
		t.Errorf("snapshots %+v, content ids %q %q", r.Snapshots, r.SourceContentID, r.TargetContentID)
	}
	names := map[string]bool{}
	for _, s := range r.Steps {
		names[s.Name] = s.Status == "ok"
	}
	for _, s := range []string{"preflight", "snapshot-source", "snapshot-target", "stage", "swap", "post-check"} {
		if !names[s] {
			t.Errorf("step %s missing or not ok in %+v", s, r.Steps)
		}
	}
	txt, _ := os.ReadFile(r.Reports[1])
	if !strings.Contains(string(txt), "ETaxInvoiceUpd_OLD.exe") || !strings.Contains(string(txt), r.SourceContentID) {
		t.Errorf("text report:\n%s", txt)
	}
}

// failingWriter fails every write after limit bytes.
type failingWriter struct {
	*os.File
	left int
	err  error
}

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.left {
		n, _ := f.File.Write(p[:f.left])
		f.left = 0
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: f.err}
	}
	f.left -= len(p)
	return f.File.Write(p)
}

// The migration failures that need an injected fault: each has a clear
// message, its documented exit code, and loses nothing.
func TestMigrateFailures(t *testing.T) {
	type fault struct {
		name  string
		setup func(t *testing.T, e *migrateEnv)
		code  int
		want  []string // in stderr
	}
	faults := []fault{
		{"disk full during the staged copy", func(t *testing.T, e *migrateEnv) {
			orig := migrate.CreateFile
			t.Cleanup(func() { migrate.CreateFile = orig })
			migrate.CreateFile = func(path string, perm os.FileMode) (fsutil.File, error) {
				f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
				if err != nil {
					return nil, err
				}
				return &failingWriter{File: f, left: 64 << 10, err: syscall.ENOSPC}, nil
			}
		}, ExitFailed, []string{`step "staged copy" failed: write .*db\.efbackup-migrate-.*ETaxInvoice.*: no space left on device`, `the staging folder and the journal were removed, and the target is exactly as it was`}},
		{"permission denied", func(t *testing.T, e *migrateEnv) {
			orig := migrate.CreateFile
			t.Cleanup(func() { migrate.CreateFile = orig })
			migrate.CreateFile = func(path string, perm os.FileMode) (fsutil.File, error) {
				return nil, &os.PathError{Op: "open", Path: path, Err: os.ErrPermission}
			}
		}, ExitFailed, []string{`open .*db\.efbackup-migrate-.*ETaxInvoice.*: permission denied`, `target is exactly as it was`}},
		{"source changes during the copy", func(t *testing.T, e *migrateEnv) {
			orig := testHooks.At
			t.Cleanup(func() { testHooks.At = orig })
			testHooks.At = func(p string) {
				if p == "migrate-staging-created" {
					f, err := os.OpenFile(filepath.Join(e.src, "db", "ETaxInvoice", "seg0", "c20.dat"), os.O_WRONLY|os.O_APPEND, 0)
					if err == nil {
						f.Write([]byte("a new invoice"))
						f.Close()
					}
				}
			}
		}, ExitInUse, []string{`is in use: .*(c20\.dat.*changed while it was being migrated \(|changed while it was being migrated \(.*c20\.dat)`, `target is exactly as it was`, `^hint: close e-Faktur`}},
		{"snapshot folder not writable", func(t *testing.T, e *migrateEnv) {
			if err := os.Mkdir(e.snaps, 0o755); err != nil {
				t.Fatal(err)
			}
			orig := fsutil.CreateTemp
			t.Cleanup(func() { fsutil.CreateTemp = orig })
			fsutil.CreateTemp = func(dir, name string, perm os.FileMode) (fsutil.File, error) {
				if dir == e.snaps {
					return nil, &os.PathError{Op: "open", Path: filepath.Join(dir, name), Err: os.ErrPermission}
				}
				return orig(dir, name, perm)
			}
		}, ExitFailed, []string{`step "safety snapshot of the source" failed: open .*snaps.*: permission denied`, `target is exactly as it was`}},
	}
	for _, f := range faults {
		for _, withDB := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/db=%v", f.name, withDB), func(t *testing.T) {
				e := newMigrateEnv(t, withDB, nil)
				f.setup(t, e)
				tgt, snaps := mustTreeHash(t, e.tgt), mustTreeHash(t, e.snaps)
				srcDB := treetest.Content(t, filepath.Join(e.src, "db"))
				code, _, stderr := runCLI(t, e.args()...)
				if code != f.code {
					t.Fatalf("exit %d, want %d:\n%s", code, f.code, stderr)
				}
				for _, w := range f.want {
					if !regexp.MustCompile("(?m)" + w).MatchString(stderr) {
						t.Errorf("stderr lacks %q:\n%s", w, stderr)
					}
				}
				if mustTreeHash(t, e.tgt) != tgt {
					t.Errorf("the target changed: %v", topLevel(t, e.tgt))
				}
				if f.name == "snapshot folder not writable" && mustTreeHash(t, e.snaps) != snaps {
					t.Error("the snapshot folder changed")
				}
				if f.name != "source changes during the copy" && !sameMap(srcDB, treetest.Content(t, filepath.Join(e.src, "db"))) {
					t.Error("the source changed")
				}
			})
		}
	}
}

// holdLock keeps a POSIX write lock on file in another process (Python's
// fcntl.lockf: the whole-file fcntl lock Derby holds on dbex.lck while the
// database is booted), until the returned func releases it.
func holdLock(t *testing.T, file string) func() {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is needed to hold a lock on the database the way Derby does")
	}
	cmd := exec.Command(py, "-c", "import fcntl,sys\nf=open(sys.argv[1],'r+b')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\nsys.stdin.read()\n", file)
	in, _ := cmd.StdinPipe()
	outp, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(outp).ReadString('\n')
	if strings.TrimSpace(line) != "locked" {
		in.Close()
		cmd.Wait()
		t.Fatalf("the lock holder did not lock: %q", line)
	}
	return func() { in.Close(); cmd.Wait() }
}

// derbyLockFile writes the lock files Derby makes when it boots the
// install's database, and returns dbex.lck, which Derby keeps locked.
func derbyLockFile(t *testing.T, inst string) string {
	t.Helper()
	dir := filepath.Join(inst, "db", "ETaxInvoice")
	if err := os.WriteFile(filepath.Join(dir, "db.lck"), []byte("\x00\x24"+strings.Repeat("0", 36)), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "dbex.lck")
	if err := os.WriteFile(p, []byte{0, 0, 0, 1}, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A database in use (a held lock on its dbex.lck, as Derby keeps) stops the migration
// with exit 4 before anything is written, on either side.
func TestMigrateInUse(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the lock holder is a unix test")
	}
	for _, side := range []string{"source", "target"} {
		t.Run(side, func(t *testing.T) {
			e := newMigrateEnv(t, true, nil)
			dir := e.src
			if side == "target" {
				dir = e.tgt
			}
			release := holdLock(t, derbyLockFile(t, dir))
			defer release()
			before := mustTreeHash(t, e.root)
			code, _, stderr := runCLI(t, e.args("--dry-run")...)
			if code != ExitInUse {
				t.Fatalf("dry run: exit %d, want %d:\n%s", code, ExitInUse, stderr)
			}
			code, _, stderr = runCLI(t, e.args()...)
			if code != ExitInUse {
				t.Fatalf("exit %d, want %d:\n%s", code, ExitInUse, stderr)
			}
			if !strings.Contains(stderr, "is in use") || !strings.Contains(stderr, "hint: close e-Faktur") {
				t.Errorf("stderr:\n%s", stderr)
			}
			if mustTreeHash(t, e.root) != before {
				t.Fatal("something was written")
			}
			// Undo refuses too, while the target's db/ is in use.
			if side == "target" {
				release()
				if code, _, stderr := runCLI(t, e.args()...); code != 0 {
					t.Fatalf("after the lock is gone: exit %d: %s", code, stderr)
				}
				release2 := holdLock(t, derbyLockFile(t, e.tgt))
				defer release2()
				if code, _, stderr := runCLI(t, "migrate", "--undo", "--target", e.tgt); code != ExitInUse {
					t.Fatalf("undo with db/ in use: exit %d: %s", code, stderr)
				}
			}
		})
	}
}

// The crash harness: the real efbackup (this test binary, as main) is
// killed with SIGKILL at every step boundary, at the four points of each
// atomic write (the journal, the safety snapshots, the reports), and at
// random points of its trace, most of them a MiB into a copy. After each
// kill: the source is byte-identical; db/ is the original or an exact copy
// of the source; nothing that existed is gone; then either a rerun finishes
// the migration (and an undo then restores the original), or an undo
// restores the original.
//
// go test runs a quick round (every boundary once, the first write of each
// file, plus a few random kills); EFBACKUP_CRASH_RUNS=N adds N random
// kills and kills at every write of every file.
func TestMigrateCrashHarness(t *testing.T) {
	crashHarnessOnly(t)
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL of a child process is a unix test")
	}
	random := 6
	if testing.Short() {
		random = 2
	}
	if v := os.Getenv("EFBACKUP_CRASH_RUNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatal(err)
		}
		random = n
	}
	long := os.Getenv("EFBACKUP_CRASH_RUNS") != ""
	h := &crashHarness{t: t, tpl: newMigrateTemplates(t)}
	start := time.Now()
	for _, withDB := range []bool{true, false} {
		pts := boundaries(h.trace(withDB, false))
		if !long {
			pts = firstOfEach(pts)
		}
		if !withDB && !long {
			// Quick round: without a db/ in the target, only the swap
			// and after differ from the run with one (the migrate
			// package's own crash test covers every point of both).
			for i, p := range pts {
				if p == "migrate-before-swap" {
					pts = pts[i:]
					break
				}
			}
		}
		for i, p := range pts {
			then := []string{"rerun", "undo"}[i%2]
			if long {
				// Both recoveries from every point.
				h.run(withDB, false, p, "rerun", true)
				then = "undo"
			}
			h.run(withDB, false, p, then, true)
		}
	}
	// Random points of a run whose source has a few MiB more: four in five
	// a MiB into a copy or a read, the rest anywhere.
	rng := crashRNG(t)
	traces := map[bool][]string{true: h.trace(true, true), false: h.trace(false, true)}
	for i := 0; i < random; i++ {
		withDB := i%3 != 2
		trace := traces[withDB]
		if i%5 != 4 {
			var mib []string
			for _, p := range trace {
				if strings.Contains(p, "-mib#") {
					mib = append(mib, p)
				}
			}
			trace = mib
		}
		h.run(withDB, true, randomPoints(rng, trace, 1)[0], []string{"rerun", "undo"}[rng.Intn(2)], false)
	}
	// An undo killed at each of its boundaries is finished by the next.
	for _, p := range boundaries(h.undoTrace()) {
		h.undoKill(p)
	}
	t.Logf("crash harness: %d kills (%d at step boundaries and atomic-write points, %d at random points, %d of them in the staged copy, %d during undo; %d runs ended before their point); %d reruns finished the migration, %d undos restored the original; %d kills left the journal's first temporary file, which the next run removed; %.1f s",
		h.kills, h.boundary, h.random, h.inCopy, h.undoKills, h.finished, h.reruns, h.undos, h.blocked, time.Since(start).Seconds())
}

// journalPartialLeft says whether a kill at point leaves the migration
// journal's temporary file from its first write,
// efbackup-migrate.journal.partial: the next migrate or migrate --undo
// must remove it (under the install's lock) and go on, never stop at it.
func journalPartialLeft(point string) bool {
	for _, p := range []string{fsutil.PointCreated, fsutil.PointWritten, fsutil.PointSynced} {
		if point == p+":"+migrate.JournalName+"#1" {
			return true
		}
	}
	return false
}

// firstOfEach keeps the first of the points that differ only in N.
func firstOfEach(points []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range points {
		name, _, _ := strings.Cut(p, "#")
		if !seen[name] {
			seen[name] = true
			out = append(out, p)
		}
	}
	return out
}

// trace runs one migration to the end and returns the points it passed.
func (h *crashHarness) trace(withDB, padded bool) []string {
	e := newMigrateEnv(h.t, withDB, h.tpl)
	defer os.RemoveAll(e.root)
	if padded {
		padSource(h.t, e)
	}
	return traceRun(h.t, h.child(nil, e.args()...), 0)
}

// undoTrace runs one migration and one undo, and returns the points the
// undo passed.
func (h *crashHarness) undoTrace() []string {
	e := newMigrateEnv(h.t, true, h.tpl)
	defer os.RemoveAll(e.root)
	if b, err := h.child(nil, e.args()...).CombinedOutput(); err != nil {
		h.t.Fatalf("migrate: %v\n%s", err, b)
	}
	return traceRun(h.t, h.child(nil, "migrate", "--undo", "--target", e.tgt), 0)
}

type crashHarness struct {
	t                                                                   *testing.T
	tpl                                                                 *migrateTemplates
	kills, boundary, random, inCopy, undoKills, reruns, undos, finished int
	blocked                                                             int
}

// child starts this test binary as efbackup with args and extra env.
func (h *crashHarness) child(env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), append([]string{"EFBACKUP_AS_MAIN=1", "EFBACKUP_LANG=en"}, env...)...)
	return cmd
}

// padSource adds a 2 MiB file to the source database folder, so that the
// copy has many chunks to be killed between.
func padSource(t testing.TB, e *migrateEnv) {
	b := make([]byte, 2<<20)
	rand.New(rand.NewSource(3)).Read(b)
	if err := os.WriteFile(filepath.Join(e.src, "db", "ETaxInvoice", "padding.bin"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// run kills one migration at point (padded: with the source padSource
// makes), checks what the kill left, then recovers with a rerun or an undo
// and checks again. A boundary must be reached.
func (h *crashHarness) run(withDB, padded bool, point, then string, boundary bool) {
	t := h.t
	e := newMigrateEnv(t, withDB, h.tpl)
	defer os.RemoveAll(e.root)
	if padded {
		padSource(t, e)
	}
	srcHash := mustTreeHash(t, e.src)
	srcDB := treetest.Content(t, filepath.Join(e.src, "db"))
	var origDB map[string]string
	if withDB {
		origDB = treetest.Content(t, filepath.Join(e.tgt, "db"))
	}
	before := topLevel(t, e.tgt)
	what := fmt.Sprintf("kill at %q (db=%v)", point, withDB)
	killed, out := killAt(t, h.child(nil, e.args()...), point, 0)
	switch {
	case !killed && boundary:
		t.Fatalf("%s: the process was not killed there\n%s", what, out)
	case !killed:
		h.finished++
		what = fmt.Sprintf("ended before its kill at %q (db=%v)", point, withDB)
	case boundary:
		h.boundary++
	default:
		h.random++
		if strings.HasPrefix(point, "migrate-copy-mib") {
			h.inCopy++
		}
	}
	if killed {
		h.kills++
	}
	h.check(e, what, srcHash, srcDB, origDB, before)
	partial := filepath.Join(e.tgt, migrate.JournalName+fsutil.PartialSuffix)
	partialLeft := false
	if killed && journalPartialLeft(point) {
		if _, err := os.Stat(partial); err != nil {
			t.Fatalf("%s: the kill left no %s: %v", what, partial, err)
		}
		partialLeft = true
		h.blocked++
	}
	defer func() {
		if _, err := os.Stat(partial); partialLeft && err == nil {
			t.Fatalf("%s: the next run left %s in place", what, partial)
		}
	}()

	switch then {
	case "rerun":
		code, stdout, stderr := runCLI(t, e.args("--json")...)
		if code != 0 {
			t.Fatalf("%s: the rerun failed with exit %d:\n%s", what, code, stderr)
		}
		out := migrateJSON(t, stdout)
		if !sameMap(srcDB, treetest.Content(t, filepath.Join(e.tgt, "db"))) {
			t.Fatalf("%s: after the rerun db/ is not the copy", what)
		}
		if withDB {
			aside := out.Plan.Aside
			if out.Report != nil {
				aside = out.Report.MovedAside
			}
			if !sameMap(origDB, treetest.Content(t, aside)) {
				t.Fatalf("%s: after the rerun the original is not at %s", what, aside)
			}
		}
		h.reruns++
		if code, _, stderr := runCLI(t, "migrate", "--undo", "--target", e.tgt); code != 0 {
			t.Fatalf("%s: undo after the rerun: exit %d:\n%s", what, code, stderr)
		}
	case "undo":
		code, _, stderr := runCLI(t, "migrate", "--undo", "--target", e.tgt)
		if code != 0 && !(code == ExitUsage && strings.Contains(stderr, "nothing to undo")) {
			t.Fatalf("%s: undo failed with exit %d:\n%s", what, code, stderr)
		}
	}
	h.checkOriginal(e, what, srcHash, srcDB, origDB, before)
	h.undos++
}

// toolName matches every name the migration may create in the target.
var toolName = regexp.MustCompile(`^(db|efbackup\.lock|efbackup-migrate\.journal(\.partial|\.[0-9]+\.tmp)?|db\.efbackup-migrate-[0-9TZ-]+\.partial|db\.before-migrate-[0-9TZ-]+|db\.undone-migrate-[0-9TZ-]+|efbackup-migrate-[0-9TZ-]+\.(json|txt)(\.partial)?)$`)

// check is what must hold right after a kill.
func (h *crashHarness) check(e *migrateEnv, what, srcHash string, srcDB, origDB map[string]string, before []string) {
	t := h.t
	if mustTreeHash(t, e.src) != srcHash {
		t.Fatalf("%s: the source changed", what)
	}
	db := filepath.Join(e.tgt, "db")
	state := "original"
	if _, err := os.Stat(db); err == nil {
		c := treetest.Content(t, db)
		switch {
		case origDB != nil && sameMap(c, origDB):
		case sameMap(c, srcDB):
			state = "migrated"
		default:
			t.Fatalf("%s: db/ is neither the original nor a copy of the source: %v", what, topLevel(t, db))
		}
	} else if origDB != nil {
		t.Fatalf("%s: db/ is missing", what)
	}
	now := map[string]bool{}
	for _, n := range topLevel(t, e.tgt) {
		now[n] = true
	}
	for _, n := range before {
		if !now[n] {
			t.Fatalf("%s: %s is gone", what, n)
		}
		delete(now, n)
	}
	foundOrig := origDB == nil || state == "original"
	for n := range now {
		if !toolName.MatchString(n) {
			t.Fatalf("%s: unexpected %s in the target", what, n)
		}
		if state == "original" && n != "db" && !regexp.MustCompile(`^(efbackup\.lock|efbackup-migrate\.journal(\.partial|\.[0-9]+\.tmp)?|db\.efbackup-migrate-.*\.partial)$`).MatchString(n) {
			t.Fatalf("%s: db/ is the original, but the target also holds %s", what, n)
		}
		if !foundOrig {
			if fi, err := os.Stat(filepath.Join(e.tgt, n)); err == nil && fi.IsDir() && sameMap(origDB, treetest.Content(t, filepath.Join(e.tgt, n))) {
				foundOrig = true
			}
		}
	}
	if !foundOrig {
		t.Fatalf("%s: the original db/ is nowhere in the target", what)
	}
}

// checkOriginal is what must hold after an undo: the target as before,
// plus at most db.undone-migrate folders holding the copy.
func (h *crashHarness) checkOriginal(e *migrateEnv, what, srcHash string, srcDB, origDB map[string]string, before []string) {
	t := h.t
	if mustTreeHash(t, e.src) != srcHash {
		t.Fatalf("%s: the source changed", what)
	}
	db := filepath.Join(e.tgt, "db")
	if origDB != nil {
		if !sameMap(origDB, treetest.Content(t, db)) {
			t.Fatalf("%s: after undo db/ is not the original", what)
		}
	} else if _, err := os.Stat(db); err == nil {
		t.Fatalf("%s: after undo there is a db/ that was not there before", what)
	}
	have := map[string]bool{}
	for _, n := range before {
		have[n] = true
	}
	for _, n := range topLevel(t, e.tgt) {
		if have[n] {
			continue
		}
		if !strings.HasPrefix(n, "db.undone-migrate-") || !sameMap(srcDB, treetest.Content(t, filepath.Join(e.tgt, n))) {
			t.Fatalf("%s: after undo the target holds %s", what, n)
		}
	}
}

// undoKill finishes a migration, kills an undo at point, and checks that
// the next undo puts the original back.
func (h *crashHarness) undoKill(point string) {
	t := h.t
	e := newMigrateEnv(t, true, h.tpl)
	defer os.RemoveAll(e.root)
	srcHash := mustTreeHash(t, e.src)
	srcDB := treetest.Content(t, filepath.Join(e.src, "db"))
	origDB := treetest.Content(t, filepath.Join(e.tgt, "db"))
	before := topLevel(t, e.tgt)
	if code, _, stderr := runCLI(t, e.args()...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	mustKillAt(t, h.child(nil, "migrate", "--undo", "--target", e.tgt), point)
	h.kills++
	h.undoKills++
	what := fmt.Sprintf("undo killed at %q", point)
	// db/ is never missing (an exchange) and holds the original or the copy.
	c := treetest.Content(t, filepath.Join(e.tgt, "db"))
	if !sameMap(c, origDB) && !sameMap(c, srcDB) {
		t.Fatalf("%s: db/ holds neither the original nor the copy", what)
	}
	code, _, stderr := runCLI(t, "migrate", "--undo", "--target", e.tgt)
	if code != 0 && !(code == ExitUsage && strings.Contains(stderr, "nothing to undo")) {
		t.Fatalf("%s: the next undo: exit %d:\n%s", what, code, stderr)
	}
	h.checkOriginal(e, what, srcHash, srcDB, origDB, before)
	h.undos++
}
