package local

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/efbackup/efbackup/internal/folderlock"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/storetest"
)

// Every failure a folder words itself is a catalogue message: Indonesian
// under --lang id, and the English detail it always had.
func TestDetailsWorded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	s := New(dir)
	write := func(name string) {
		t.Helper()
		w, err := s.Create(ctx, name, store.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	write("taken")
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "busy"+fsutil.PartialSuffix), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()

	var cases []struct {
		what, want string
		kind       store.Kind
		err        error
	}
	add := func(what, want string, kind store.Kind, err error) {
		cases = append(cases, struct {
			what, want string
			kind       store.Kind
			err        error
		}{what, want, kind, err})
	}
	_, err := s.Stat(ctx, "missing")
	add("not found", "not found", store.KindLocal, err)
	_, err = s.Create(ctx, "taken", store.CreateOptions{})
	add("exists", "already exists", store.KindLocal, err)
	_, err = s.Create(ctx, "busy", store.CreateOptions{})
	add("being written", "is being written by another process, or was left half-written by one that stopped", store.KindLocal, err)
	_, err = s.Stat(ctx, folderlock.Name)
	add("lock name", "the name is the lock's", store.KindConfig, err)
	_, err = s.Open(ctx, "..", store.OpenOptions{})
	add("bad name", `name ".." is not a file name`, store.KindConfig, err)
	_, err = s.Stat(ctx, "sub")
	add("stat folder", "not a regular file", store.KindLocal, err)
	err = s.Remove(ctx, "sub")
	add("remove folder", "not a regular file", store.KindLocal, err)
	_, err = s.Open(ctx, "taken", store.OpenOptions{VersionID: "v1"})
	add("versions", "a folder keeps no versions", store.KindUnsupported, err)
	_, err = s.Create(ctx, "kept", store.CreateOptions{LockDays: 30})
	add("retention", "a folder cannot hold an Object Lock retention; only an S3 bucket can", store.KindUnsupported, err)
	w, err := s.Create(cancelled, "late", store.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Commit()
	add("interrupted", "interrupted", store.KindInterrupted, err)
	w, err = s.Create(ctx, "raced", store.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "raced"), []byte("first"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = w.Commit()
	add("commit over another", "already exists", store.KindLocal, err)

	for _, c := range cases {
		storetest.CheckDetail(t, c.what, c.err, c.kind, c.want)
	}

}

// An operating system's own words stay as they are, in every language:
// the detail is not efbackup's to translate.
func TestDetailOfTheSystem(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("Windows calls a folder below a file not found, which efbackup words itself")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A folder below a file: the system refuses with its own words.
	_, err := New(filepath.Join(file, "sub")).Create(context.Background(), "a", store.CreateOptions{})
	var e *store.Error
	if !errors.As(err, &e) || e.Kind != store.KindLocal {
		t.Fatalf("create below a file: %v", err)
	}
	if e.Text.Key != "" || e.In(i18n.ID) != e.Detail || e.Detail == "" {
		t.Errorf("the system's words: Text %+v, In(ID) %q, Detail %q", e.Text, e.In(i18n.ID), e.Detail)
	}
}
