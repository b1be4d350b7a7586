package fsutil

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// caseInsensitive reports whether dir's file system ignores letter case.
func caseInsensitive(t *testing.T, dir string) bool {
	t.Helper()
	p := filepath.Join(dir, "CaseProbe")
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(p)
	_, err := os.Stat(filepath.Join(dir, "caseprobe"))
	return err == nil
}

func TestWithin(t *testing.T) {
	root := t.TempDir()
	db := filepath.Join(root, "inst", "db")
	for _, d := range []string{filepath.Join(db, "sub"), filepath.Join(root, "other"), filepath.Join(root, "dbx")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	links := runtime.GOOS != "windows"
	if links {
		// A link to db/, a link to a folder inside it, and a folder whose
		// name differs from db only in case (a link where the file system
		// tells case apart, so that the walk is the same either way).
		must(t, os.Symlink(db, filepath.Join(root, "to-db")))
		must(t, os.Symlink(filepath.Join(db, "sub"), filepath.Join(root, "to-sub")))
		if !caseInsensitive(t, root) {
			must(t, os.Symlink("db", filepath.Join(root, "inst", "DB")))
		}
	}
	cases := []struct {
		p    string
		want bool
		link bool
	}{
		{db, true, false},
		{filepath.Join(db, "sub"), true, false},
		{filepath.Join(db, "sub", "not", "yet"), true, false},
		{filepath.Join(db, "not-yet"), true, false},
		{filepath.Join(root, "inst"), false, false},
		{filepath.Join(root, "dbx"), false, false},
		{filepath.Join(root, "inst", "dbsnaps"), false, false},
		{filepath.Join(root, "other", "snaps"), false, false},
		{filepath.Join(root, "other", "..", "inst", "db", "snaps"), true, false},
		{filepath.Join(root, "to-db", "snaps"), true, true},
		{filepath.Join(root, "to-sub"), true, true},
		{root + string(filepath.Separator) + "to-sub" + string(filepath.Separator) + ".." + string(filepath.Separator) + "snaps", true, true}, // db/snaps, not root/snaps
		{filepath.Join(root, "inst", "DB", "snaps"), true, true},
	}
	for _, c := range cases {
		if c.link && !links {
			continue
		}
		if got := Within(c.p, db); got != c.want {
			t.Errorf("Within(%s, db) = %v, want %v", strings.TrimPrefix(c.p, root), got, c.want)
		}
	}
	// Relative paths are taken from the working folder.
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	must(t, os.Chdir(filepath.Join(root, "inst")))
	if !Within(filepath.Join("db", "snaps"), db) || Within("snaps", db) {
		t.Error("relative paths")
	}
	// A folder that does not exist yet: its name, as text.
	gone := filepath.Join(root, "gone")
	if !Within(filepath.Join(gone, "a"), gone) || Within(filepath.Join(root, "gonex"), gone) {
		t.Error("folder that does not exist")
	}
}

func TestSamePath(t *testing.T) {
	root := t.TempDir()
	a := filepath.Join(root, "a")
	must(t, os.Mkdir(a, 0o755))
	if !SamePath(a, filepath.Join(root, ".", "a")) || SamePath(a, root) {
		t.Error("plain paths")
	}
	if runtime.GOOS != "windows" {
		must(t, os.Symlink(a, filepath.Join(root, "link")))
		if !SamePath(filepath.Join(root, "link"), a) {
			t.Error("a link names the folder it points at")
		}
	}
	if !SamePath(filepath.Join(root, "nope", "x"), filepath.Join(root, "nope", "y", "..", "x")) {
		t.Error("names that do not exist compare as resolved text")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
