package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// failAfter accepts n writes, then fails every one.
type failAfter struct{ n int }

var errWriteFull = errors.New("no space left on device")

func (w *failAfter) Write(b []byte) (int, error) {
	if w.n == 0 {
		return 0, errWriteFull
	}
	w.n--
	return len(b), nil
}

// A writer that fails part-way through a file ends StreamFile with that
// error, whichever buffer the reading goroutine holds at the time (run
// under the race detector: the error crosses from one goroutine to the
// other).
func TestStreamFileWriteError(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c10.dat")
	if err := os.WriteFile(p, make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < 6; n++ {
		_, err := StreamFile(context.Background(), SourceFile{Rel: "c10.dat", Abs: p, Info: fi}, make([]byte, 8<<10), &failAfter{n: n}, nil, nil)
		if !errors.Is(err, errWriteFull) {
			t.Fatalf("after %d good writes: %v, want the writer's error", n, err)
		}
	}
}
