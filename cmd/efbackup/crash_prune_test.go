//go:build unix

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/folderlock"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/klauspost/compress/zstd"
)

// The crash harness for prune: a folder of 46 snapshots (41 to remove) (two labels; the
// newest of one is damaged, so that the newest snapshot that verifies is
// kept by the safety rule alone) and a file of the user's, pruned by the
// real program, which is killed at each step boundary and at random points
// of its trace (while it verifies, among the removals). After each kill:
// every file prune was not going to remove is there, byte-identical; every
// file with a final snapshot name verifies (the damaged one planted aside,
// which is unchanged); at most one archive has lost its sidecar, and only
// one being removed, and no sidecar has lost its archive; prune left no file
// of its own but its lock (or the lock's temporary file). The next prune is
// not blocked by the lock, ends as an uninterrupted prune does (same exit
// code, same damaged list) and leaves the same final set: the lock gone.

var pruneArgs = []string{"--keep-last", "1", "--keep-monthly", "2"}

type pruneHarness struct {
	t        *testing.T
	tpl, out string
	files    map[string]string // the template's files and their SHA-256
	damaged  string            // the planted damaged snapshot's name
	final    []string          // what an uninterrupted prune leaves
	refCode  int
	refOut   pruneJSON
	remove   map[string]bool // archives the prune removes
	kills    int
	boundary int
	finished int
	midway   int // random kills that came after some removals and before the last
	noSide   int // kills that left an archive without its sidecar
}

type pruneJSON struct {
	Removed int      `json:"removed"`
	Damaged []string `json:"damaged"`
}

func fileSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.IsDir() {
			out[e.Name()] = "dir"
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		s := sha256.Sum256(b)
		out[e.Name()] = hex.EncodeToString(s[:])
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// reset makes the work folder a fresh copy of the template.
func (h *pruneHarness) reset() {
	t := h.t
	if err := os.RemoveAll(h.out); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(h.out, 0o700); err != nil {
		t.Fatal(err)
	}
	for name := range h.files {
		b, err := os.ReadFile(filepath.Join(h.tpl, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(h.out, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func (h *pruneHarness) prune(env ...string) *exec.Cmd {
	args := append([]string{"prune", "--out", h.out, "--json"}, pruneArgs...)
	return child(args, append([]string{"EFBACKUP_LOCK_WAIT=3s"}, env...)...)
}

// next runs the next prune and checks that it ends as an uninterrupted one.
func (h *pruneHarness) next(when string) {
	t := h.t
	var stdout, stderr strings.Builder
	cmd := h.prune()
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := exitStatus(t, err)
	if code != h.refCode || strings.Contains(stderr.String(), `"locked"`) {
		t.Fatalf("%s: the next prune ended with exit %d, an uninterrupted one with %d:\n%s", when, code, h.refCode, stderr.String())
	}
	var got pruneJSON
	if err := json.Unmarshal([]byte(stdout.String()), &got); err != nil {
		t.Fatalf("%s: the next prune's output: %v\n%s", when, err, stdout.String())
	}
	if !slices.Equal(got.Damaged, h.refOut.Damaged) {
		t.Fatalf("%s: the next prune found damaged %v, an uninterrupted one %v", when, got.Damaged, h.refOut.Damaged)
	}
	if final := sortedKeys(fileSums(t, h.out)); !slices.Equal(final, h.final) {
		t.Fatalf("%s: the next prune left %v, an uninterrupted one %v", when, final, h.final)
	}
	h.check(when + ", after the next prune")
}

// check is what must hold after every kill and every run.
func (h *pruneHarness) check(when string) {
	t := h.t
	now := fileSums(t, h.out)
	for _, name := range h.final {
		if now[name] != h.files[name] {
			t.Fatalf("%s: %s, which prune keeps, is gone or changed", when, name)
		}
	}
	noSidecar := 0
	for name, sum := range now {
		if folderLockLeftover.MatchString(name) {
			continue // a killed prune's lock: the next run takes it over
		}
		if h.files[name] != sum {
			t.Fatalf("%s: %s was not in the folder before, or changed", when, name)
		}
		if strings.HasSuffix(name, backup.SidecarSuffix) {
			if _, ok := now[strings.TrimSuffix(name, backup.SidecarSuffix)]; !ok {
				t.Fatalf("%s: the sidecar %s is left without its archive", when, name)
			}
			continue
		}
		if _, _, ok := backup.ParseArchiveName(name); !ok {
			continue
		}
		if _, ok := now[name+backup.SidecarSuffix]; !ok {
			noSidecar++
			if !h.remove[name] {
				t.Fatalf("%s: %s, which prune keeps, lost its sidecar", when, name)
			}
		}
		if name == h.damaged {
			continue // planted; unchanged, as checked above
		}
		rep, err := backup.VerifyArchive(context.Background(), filepath.Join(h.out, name), backup.ReadOptions{})
		if err != nil || !rep.OK() {
			t.Fatalf("%s: %s carries a final name but fails verify: %v", when, name, err)
		}
	}
	if noSidecar > 1 {
		t.Fatalf("%s: %d archives without their sidecar", when, noSidecar)
	}
	if noSidecar == 1 {
		h.noSide++
	}
}

func TestCrashPrune(t *testing.T) {
	crashHarnessOnly(t)
	if testing.Short() {
		t.Skip("crash harness: not in -short mode")
	}
	dir := t.TempDir()
	// A real Derby database: prune keeps the newest snapshot whose
	// database checks passed, so the snapshots must hold one.
	db := filepath.Join(dir, "db")
	derbyDB(t, db)
	h := &pruneHarness{t: t, tpl: filepath.Join(dir, "template"), out: filepath.Join(dir, "work"), remove: map[string]bool{}}
	day := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 12, 0, 0, 0, time.Local) }
	var newestCabang string
	for i := 0; i < 46; i++ {
		label, at := "pkp", day(1, 1+i)
		if i >= 40 {
			label, at = "cabang", day(3, i-39)
		}
		res, err := backup.Snapshot(context.Background(), backup.SnapshotOptions{DB: db, OutDir: h.tpl, Label: label, Level: zstd.SpeedFastest,
			Now: func() time.Time { return at }, Engines: engines()})
		if err != nil {
			t.Fatal(err)
		}
		newestCabang = res.Path
	}
	// The newest of "cabang" is damaged: one byte in its middle flipped.
	b, err := os.ReadFile(newestCabang)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x40
	if err := os.WriteFile(newestCabang, b, 0o600); err != nil {
		t.Fatal(err)
	}
	h.damaged = filepath.Base(newestCabang)
	if err := os.WriteFile(filepath.Join(h.tpl, "catatan-saya.txt"), []byte("my own notes, not a snapshot"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.files = fileSums(t, h.tpl)

	// An uninterrupted prune, for reference, with the trace of the points
	// it passes.
	h.reset()
	tracePath := filepath.Join(dir, "trace")
	var stdout, stderr strings.Builder
	cmd := h.prune(envTrace + "=" + tracePath)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	h.refCode = exitStatus(t, cmd.Run())
	tb, err := os.ReadFile(tracePath)
	if err != nil {
		t.Fatal(err)
	}
	trace := strings.Fields(string(tb))
	if err := json.Unmarshal([]byte(stdout.String()), &h.refOut); err != nil {
		t.Fatalf("reference prune: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	h.final = sortedKeys(fileSums(t, h.out))
	for name := range h.files {
		if !slices.Contains(h.final, name) && !strings.HasSuffix(name, backup.SidecarSuffix) {
			h.remove[name] = true
		}
	}
	// The rules keep the newest of each label, the newest of each of two
	// months (the oldest "cabang" too: its second monthly count remains);
	// the newest "cabang" fails verify, so the one before it is kept as the
	// newest that verifies. 41 removed.
	if h.refCode != ExitIntegrity || len(h.remove) != 41 || !slices.Contains(h.final, "cabang-20240305T120000Z.tar.zst") || len(h.refOut.Damaged) != 1 ||
		!slices.Contains(h.final, filepath.Base(newestCabang)) || !slices.Contains(h.final, "catatan-saya.txt") {
		t.Fatalf("reference prune: exit %d, removes %d, damaged %v, leaves %v\n%s", h.refCode, len(h.remove), h.refOut.Damaged, h.final, stderr.String())
	}
	h.check("after an uninterrupted prune")

	round := func(point string) bool {
		h.reset()
		when := "killed at " + point
		killed, _ := killAt(t, h.prune(), point, h.refCode)
		if killed {
			h.kills++
		} else {
			h.finished++
			when = "ended before its kill at " + point
		}
		left := 0
		for name := range fileSums(t, h.out) {
			if h.remove[name] {
				left++
			}
		}
		if left > 0 && left < len(h.remove) {
			h.midway++
		}
		h.check(when)
		if killed && point == "prune-locked" {
			if held, _ := folderlock.Read(h.out); held == nil {
				t.Fatalf("%s: no lock left by the killed prune: the next run's takeover is not tested", when)
			}
		}
		h.next(when)
		return killed
	}
	bounds := boundaries(trace)
	for _, p := range bounds {
		if !round(p) {
			t.Fatalf("the prune was not killed at its step boundary %s", p)
		}
	}
	h.boundary = len(bounds)
	rng := crashRNG(t)
	for _, p := range randomPoints(rng, trace, crashRuns()) {
		round(p)
	}
	if names, _ := filepath.Glob(filepath.Join(h.out, "*"+fsutil.PartialSuffix)); len(names) > 0 {
		t.Fatalf(".partial files: %v", names)
	}
	t.Logf("prune crash harness: %d kills (%d at step boundaries, %d at random points of the %d in a run, %d of them among the removals; %d left an archive without its sidecar; %d more runs ended before their point), invariants held after each",
		h.kills, h.boundary, h.kills-h.boundary, len(trace), h.midway, h.noSide, h.finished)
}
