package local

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Options{
		New:    func(t *testing.T) store.Store { return New(filepath.Join(t.TempDir(), "snapshots")) },
		Reopen: func(t *testing.T, s store.Store) store.Store { return New(s.(*Store).Dir()) },
		Sub: func(t *testing.T, s store.Store, name string) store.Store {
			return New(filepath.Join(s.(*Store).Dir(), name))
		},
		Orphan: func(t *testing.T, s store.Store, name string) {
			p := filepath.Join(s.(*Store).Dir(), name+fsutil.PartialSuffix)
			if err := os.WriteFile(p, []byte("half a snapshot"), 0o600); err != nil {
				t.Fatal(err)
			}
		},
	})
}

// A folder cannot hold a retention: asking for one is an error, not a
// silent promise.
func TestLockDaysRefused(t *testing.T) {
	s := New(t.TempDir())
	_, err := s.Create(context.Background(), "a", store.CreateOptions{LockDays: 30})
	if store.KindOf(err) != store.KindUnsupported {
		t.Fatalf("create with LockDays: %v, want kind %q", err, store.KindUnsupported)
	}
	if _, err := s.Stat(context.Background(), "a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("stat: %v", err)
	}
}

// Files the store did not make are listed but never taken for pending
// creates unless the caller says they are ours; the lock is never listed.
func TestForeignFiles(t *testing.T) {
	dir := t.TempDir()
	s := New(dir)
	for _, n := range []string{"movie.mkv.partial", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	l, err := s.Lock(context.Background(), store.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	es, err := s.List(context.Background(), store.ListOptions{})
	if err != nil || len(es) != 1 || es[0].Name != "notes.txt" {
		t.Fatalf("list %+v, %v", es, err)
	}
	removed, err := s.CleanupOrphans(context.Background(), func(n string) bool { return n != "movie.mkv" })
	if err != nil || len(removed) != 0 {
		t.Fatalf("cleanup %v, %v", removed, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "movie.mkv"+fsutil.PartialSuffix)); err != nil {
		t.Fatalf("a foreign .partial file was removed: %v", err)
	}
}
