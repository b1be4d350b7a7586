package migrate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/engine/enginetest"
)

// mkInstall writes a small e-Faktur-like install: launchers, a version
// marker, lib/, and (withDB) a db/ with a database file, a trace file and a
// sub-folder. seed makes the contents differ between installs.
func mkInstall(t testing.TB, dir, version string, withDB bool, seed int64) {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "lib"), 0o755))
	for _, n := range []string{"ETaxInvoice.exe", "ETaxInvoiceMain.exe", "ETaxInvoiceUpd.exe"} {
		must(os.WriteFile(filepath.Join(dir, n), []byte("MZ launcher "+n), 0o755))
	}
	if version != "" {
		must(os.WriteFile(filepath.Join(dir, "ETaxInvoice.config"), []byte("app.name=e-Faktur\napp.version="+version+"\n"), 0o644))
	}
	must(os.WriteFile(filepath.Join(dir, "lib", "h2.jar"), []byte("PK jar"), 0o644))
	if !withDB {
		return
	}
	// A toy database (engine/enginetest): the migration's logic does not
	// depend on what the engine is. Random bytes never spell "BAD" in
	// these sizes with these seeds; TestDamagedSource writes it.
	db := filepath.Join(dir, "db")
	main := filepath.Join(db, "ETaxInvoice")
	must(os.MkdirAll(filepath.Join(main, "archive"), 0o755))
	must(os.WriteFile(filepath.Join(main, enginetest.Marker), []byte("toy"), 0o644))
	big := make([]byte, 300<<10+rng.Intn(4096))
	rng.Read(big)
	must(os.WriteFile(filepath.Join(main, "data.dat"), big, 0o644))
	must(os.WriteFile(filepath.Join(main, "trace.log"), []byte(fmt.Sprintf("trace %d\n", seed)), 0o644))
	small := make([]byte, 5000)
	rng.Read(small)
	must(os.WriteFile(filepath.Join(main, "archive", "old.dat"), small, 0o600))
	// Times in the past, so that a rewrite would show.
	old := time.Date(2024, 7, 1, 8, 0, 0, 123456789, time.UTC)
	_ = filepath.WalkDir(db, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			_ = os.Chtimes(p, old, old)
		}
		return nil
	})
}

// tree is every name under a folder with its type, mode, size, time and
// content hash: two equal trees are byte-identical and untouched.
func tree(t testing.TB, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		v := fi.Mode().String()
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s := sha256.Sum256(b)
			v += fmt.Sprintf(" %d %s %s", fi.Size(), fi.ModTime().UTC().Format(time.RFC3339Nano), hex.EncodeToString(s[:]))
		}
		out[filepath.ToSlash(rel)] = v
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return out
}

func diffTrees(a, b map[string]string) string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok {
			out = append(out, "- "+k)
		} else if w != v {
			out = append(out, "~ "+k+": "+v+" -> "+w)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, "+ "+k)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func sameTree(a, b map[string]string) bool { return diffTrees(a, b) == "" }

// env is a source, a target and a snapshot folder in one temp folder.
type env struct {
	root, src, tgt, snaps string
}

func newEnv(t testing.TB, targetDB bool) *env {
	t.Helper()
	root := fastTempDir(t)
	e := &env{root: root, src: filepath.Join(root, "eFaktur-3.2"), tgt: filepath.Join(root, "eFaktur-4.0"), snaps: filepath.Join(root, "snaps")}
	mkInstall(t, e.src, "3.2", true, 1)
	mkInstall(t, e.tgt, "4.0", targetDB, 2)
	return e
}

func (e *env) opts() Options {
	return Options{
		From: "3.2", To: "4.0", Source: e.src, Target: e.tgt, SnapshotDir: e.snaps,
		ToolVersion: "test", Engines: engine.Set{enginetest.Toy{}},
		FreeSpace: func(string) (int64, error) { return 1 << 40, nil },
	}
}

// snapshotFiles lists the finished snapshots in dir.
func snapshotFiles(t testing.TB, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "*"+backup.ArchiveSuffix))
	sort.Strings(m)
	return m
}

// checkSnapshots verifies every snapshot in dir in full.
func checkSnapshots(t testing.TB, dir string) {
	t.Helper()
	for _, p := range snapshotFiles(t, dir) {
		rep, err := backup.VerifyArchive(context.Background(), p, backup.ReadOptions{})
		if err != nil || !rep.OK() {
			t.Fatalf("snapshot %s does not verify: %v %v", p, err, rep.Problems)
		}
	}
}

// extraNames lists the names at the top of dir that are not in before.
func extraNames(t testing.TB, dir string, before map[string]string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if _, ok := before[e.Name()]; !ok {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// sub returns the part of a tree under prefix/, re-rooted.
func sub(tr map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range tr {
		if k == prefix {
			out["."] = v
		} else if rest, ok := strings.CutPrefix(k, prefix+"/"); ok {
			out[rest] = v
		}
	}
	return out
}

// fastTempDir is a temporary folder on a RAM file system when there is one
// (Linux's /dev/shm), unless EFBACKUP_TEST_DISK=1. These tests check which
// folder holds what after every step; the hundreds of fsyncs the migration
// makes cost seconds each on a busy disk and prove nothing here (no test
// can cut the power). Linux only: a Windows binary under Wine also sees
// /dev/shm, as a path without a drive letter (\dev\shm\...) that the
// migration rightly reads as Z:\dev\shm\..., and a test that compares the
// paths it gets with the ones it made would then fail for nothing.
func fastTempDir(t testing.TB) string {
	t.Helper()
	if os.Getenv("EFBACKUP_TEST_DISK") != "1" && runtime.GOOS == "linux" {
		if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
			if d, err := os.MkdirTemp("/dev/shm", "efbackup-migrate-test-"); err == nil {
				t.Cleanup(func() { os.RemoveAll(d) })
				return d
			}
		}
	}
	return t.TempDir()
}
