package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"

	"github.com/efbackup/efbackup/internal/faultio"
	"github.com/efbackup/efbackup/internal/treetest"
)

// A disk that fails in the middle of a file: the error names the file and
// the byte, nothing carries a final name, and nothing is changed.

func TestReadErrorMidFileSnapshot(t *testing.T) {
	for _, at := range []int64{0, 1, 1 << 20, 3<<20 + 16} { // first byte, second byte, a buffer boundary, the last byte
		tmp := t.TempDir()
		db := filepath.Join(tmp, "db")
		makeDB(t, db)
		before := treetest.Content(t, db)
		out := filepath.Join(tmp, "out")
		reset := faultio.Set(faultio.Rule{Suffix: "efaktur.mv.db", Offset: at, Err: syscall.EIO})
		_, err := Snapshot(context.Background(), SnapshotOptions{DB: db, OutDir: out, Label: "x", Level: zstd.SpeedFastest})
		reset()
		var re *ReadError
		if !errors.As(err, &re) {
			t.Fatalf("fault at %d: want a ReadError, got %v", at, err)
		}
		if !errors.Is(err, syscall.EIO) || re.Offset != at || re.Path != filepath.Join(db, "efaktur.mv.db") {
			t.Fatalf("fault at %d: the error says %+v", at, re)
		}
		if !strings.Contains(err.Error(), "efaktur.mv.db") {
			t.Fatalf("the message does not name the file: %v", err)
		}
		if left, _ := os.ReadDir(out); len(left) != 0 {
			t.Fatalf("fault at %d: left in the snapshot folder: %v", at, left)
		}
		if diff := cmp.Diff(before, treetest.Content(t, db)); diff != "" {
			t.Fatalf("fault at %d: the source changed", at)
		}
	}
}

func TestReadErrorMidFileLiveCheck(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "db")
	makeDB(t, db)
	reset := faultio.Set(faultio.Rule{Suffix: "efaktur.trace.db", Offset: 5, Err: syscall.EIO})
	defer reset()
	_, err := HashFolder(context.Background(), db, FolderOptions{})
	var re *ReadError
	if !errors.As(err, &re) || re.Offset != 5 {
		t.Fatalf("want a ReadError at byte 5, got %v", err)
	}
}

func TestReadErrorInSnapshotFile(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "install", "db")
	makeDB(t, db)
	res := snap(t, db, filepath.Join(tmp, "out"))
	fi, err := os.Stat(res.Path)
	must(t, err)
	for _, at := range []int64{0, 100, fi.Size() / 2, fi.Size() - 1} {
		reset := faultio.Set(faultio.Rule{Suffix: filepath.Base(res.Path), Offset: at, Err: syscall.EIO})
		rep, err := VerifyArchive(context.Background(), res.Path, ReadOptions{})
		if err != nil {
			reset()
			t.Fatalf("fault at %d: %v", at, err)
		}
		if rep.OK() || !hasProblem(rep, ProblemUnreadable, "") {
			reset()
			t.Fatalf("fault at %d: want an %q problem, got %v", at, ProblemUnreadable, rep.Problems)
		}
		if !strings.Contains(rep.Problems[0].Detail, "input/output error") {
			t.Errorf("fault at %d: the detail does not say what the disk said: %s", at, rep.Problems[0].Detail)
		}

		// Restore refuses and changes nothing.
		must(t, os.WriteFile(filepath.Join(db, "entered-later"), []byte("x"), 0o644))
		before := treetest.Content(t, filepath.Dir(db))
		_, err = Restore(context.Background(), res.Path, RestoreOptions{DB: db})
		reset()
		var ie *IntegrityError
		if !errors.As(err, &ie) {
			t.Fatalf("fault at %d: restore: want an IntegrityError, got %v", at, err)
		}
		if diff := cmp.Diff(before, treetest.Content(t, filepath.Dir(db))); diff != "" {
			t.Fatalf("fault at %d: restore changed the install", at)
		}
		must(t, os.Remove(filepath.Join(db, "entered-later")))
	}
	// With the fault gone the same snapshot verifies: nothing was damaged.
	rep, err := VerifyArchive(context.Background(), res.Path, ReadOptions{})
	if err != nil || !rep.OK() {
		t.Fatalf("after the fault: %v %v", err, rep.Problems)
	}
}

func TestFaultSkip(t *testing.T) {
	tmp := t.TempDir()
	p := filepath.Join(tmp, "f")
	must(t, os.WriteFile(p, []byte("0123456789"), 0o600))
	reset := faultio.Set(faultio.Rule{Suffix: "f", Offset: 4, Skip: 1, Err: syscall.EIO})
	defer reset()
	read := func() (string, error) {
		f, err := os.Open(p)
		must(t, err)
		defer f.Close()
		var b strings.Builder
		buf := make([]byte, 3)
		r := faultio.Reader(p, f)
		for {
			n, err := r.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				return b.String(), err
			}
		}
	}
	if s, err := read(); s != "0123456789" || err.Error() != "EOF" {
		t.Fatalf("first reader: %q %v", s, err)
	}
	s, err := read()
	var pe *os.PathError
	if s != "0123" || !errors.As(err, &pe) || pe.Path != p || !errors.Is(err, syscall.EIO) {
		t.Fatalf("second reader: %q %v", s, err)
	}
}
