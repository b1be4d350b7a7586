package backup

import (
	"bytes"
	"context"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"
)

func makeDB(t *testing.T, dir string) {
	t.Helper()
	rng := rand.New(rand.NewSource(1))
	big := make([]byte, 3<<20+17)
	for i := range big {
		big[i] = byte('a' + rng.Intn(8))
	}
	must(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "efaktur.mv.db"), big, 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "efaktur.trace.db"), []byte("2024-07-20 10:00:00 jdbc[3]: hello\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "sub", "empty"), nil, 0o600))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func snap(t *testing.T, db, out string) *SnapshotResult {
	t.Helper()
	res, err := Snapshot(context.Background(), SnapshotOptions{DB: db, OutDir: out, Label: "test", Level: zstd.SpeedDefault,
		ToolVersion: "test", EFakturVersion: "3.2", Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRoundTrip(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "install", "db")
	makeDB(t, db)
	res := snap(t, db, filepath.Join(tmp, "out"))
	if filepath.Base(res.Path) != "test-20260102T030405Z.tar.zst" {
		t.Fatalf("name %s", res.Path)
	}
	for _, p := range []string{res.Path, res.Sidecar} {
		fi, err := os.Stat(p)
		must(t, err)
		// Windows has no Unix permission bits (Go reports 0666 or 0444).
		if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", p, fi.Mode().Perm())
		}
	}
	rep, err := VerifyArchive(context.Background(), res.Path, ReadOptions{})
	must(t, err)
	if !rep.OK() {
		t.Fatalf("verify: %v", rep.Problems)
	}
	if diff := cmp.Diff(res.Manifest, rep.Manifest); diff != "" {
		t.Fatalf("manifest differs (-written +read):\n%s", diff)
	}
	// Change the live folder, then restore over it.
	must(t, os.WriteFile(filepath.Join(db, "efaktur.mv.db"), []byte("changed"), 0o644))
	rr, err := Restore(context.Background(), res.Path, RestoreOptions{DB: db})
	must(t, err)
	if rr.MovedTo == "" {
		t.Fatal("old db was not moved aside")
	}
	if b, _ := os.ReadFile(filepath.Join(rr.MovedTo, "efaktur.mv.db")); string(b) != "changed" {
		t.Fatal("moved-aside copy lost its content")
	}
	after, err := HashFolder(context.Background(), db, FolderOptions{})
	must(t, err)
	if diff := cmp.Diff(res.Manifest.Files, after.Files); diff != "" {
		t.Fatalf("restored folder differs:\n%s", diff)
	}
}

func TestVerifyFlippedByte(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "db")
	makeDB(t, db)
	res := snap(t, db, tmp)
	b, err := os.ReadFile(res.Path)
	must(t, err)
	b[len(b)/2] ^= 0x10
	must(t, os.WriteFile(res.Path, b, 0o600))
	rep, err := VerifyArchive(context.Background(), res.Path, ReadOptions{})
	must(t, err)
	if rep.OK() {
		t.Fatal("flipped byte not detected")
	}
	var ie *IntegrityError
	if !errors.As(rep.Err(), &ie) {
		t.Fatal("no IntegrityError")
	}
	t.Log(rep.Problems)
}

func TestChangedWhileReading(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "db")
	makeDB(t, db)
	out := filepath.Join(tmp, "out")
	n := 0
	_, err := Snapshot(context.Background(), SnapshotOptions{DB: db, OutDir: out, Label: "x", Level: zstd.SpeedFastest,
		Progress: func(done, total int64) {
			n++
			if n == 1 {
				f, _ := os.OpenFile(filepath.Join(db, "efaktur.mv.db"), os.O_APPEND|os.O_WRONLY, 0)
				f.Write(bytes.Repeat([]byte{1}, 100))
				f.Close()
			}
		}})
	var ce *ChangedError
	if !errors.As(err, &ce) {
		t.Fatalf("want ChangedError, got %v", err)
	}
	left, _ := os.ReadDir(out)
	if len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}
