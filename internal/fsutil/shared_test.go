package fsutil

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// helperEnv makes the test binary act as another process that deletes or
// renames a file: "delete PATH" or "rename OLD NEW" (fields separated by
// newlines). It exits 0 when the operation succeeded and 3 when it failed.
const helperEnv = "EFBACKUP_FSUTIL_HELPER"

func TestMain(m *testing.M) {
	if v := os.Getenv(helperEnv); v != "" {
		args := strings.Split(v, "\n")
		var err error
		switch args[0] {
		case "delete":
			err = os.Remove(args[1])
		case "rename":
			err = os.Rename(args[1], args[2])
		default:
			err = errors.New("unknown helper operation " + args[0])
		}
		if err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(3)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// otherProcess runs op in a child process and returns its error, if any,
// with what the child printed.
func otherProcess(t *testing.T, op ...string) error {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+strings.Join(op, "\n"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return errors.New(strings.TrimSpace(string(out)))
	}
	return nil
}

func TestOpenSharedReads(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c490.dat")
	want := strings.Repeat("0123456789", 1000)
	if err := os.WriteFile(p, []byte(want), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := OpenShared(p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(f)
	if err != nil || string(b) != want {
		t.Fatalf("read %d bytes, %v", len(b), err)
	}
	if fi, err := f.Stat(); err != nil || fi.Size() != int64(len(want)) || !fi.Mode().IsRegular() {
		t.Fatalf("stat: %v, %v", fi, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenShared(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v, want fs.ErrNotExist", err)
	}
	var pe *os.PathError
	if _, err := OpenShared(filepath.Join(dir, "missing")); !errors.As(err, &pe) || pe.Path != filepath.Join(dir, "missing") {
		t.Fatalf("missing file: %#v, want an *os.PathError naming it", err)
	}
}

// A folder opens too (Windows needs FILE_FLAG_BACKUP_SEMANTICS for that),
// and its entries read like os.ReadDir's.
func TestReadDirShared(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"seg0", "log"} {
		if err := os.Mkdir(filepath.Join(dir, n), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"service.properties", "db.lck", "README_DO_NOT_TOUCH_FILES.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(n), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadDirShared(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if names(got) != names(want) {
		t.Fatalf("ReadDirShared = %s, os.ReadDir = %s", names(got), names(want))
	}
	for i := range got {
		if got[i].IsDir() != want[i].IsDir() {
			t.Errorf("%s: IsDir %v, os.ReadDir says %v", got[i].Name(), got[i].IsDir(), want[i].IsDir())
		}
	}
	if _, err := ReadDirShared(filepath.Join(dir, "service.properties")); err == nil {
		t.Error("ReadDirShared of a file succeeded")
	}
}

func names(es []fs.DirEntry) string {
	var s []string
	for _, e := range es {
		s = append(s, e.Name())
	}
	return strings.Join(s, ",")
}

// WalkDirShared visits what filepath.WalkDir visits, in the same order,
// and honours SkipDir and SkipAll the same way.
func TestWalkDirSharedMatchesWalkDir(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{"a/seg0/c10.dat", "a/seg0/c20.dat", "a/log/log1.dat", "a/tmp/T1.tmp", "b/x", "top"} {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, stop := range []struct {
		at  string
		err error
	}{{"", nil}, {"tmp", filepath.SkipDir}, {"c10.dat", filepath.SkipDir}, {"log1.dat", filepath.SkipAll}} {
		visit := func(out *[]string) fs.WalkDirFunc {
			return func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(root, p)
				*out = append(*out, filepath.ToSlash(rel))
				if stop.at != "" && d.Name() == stop.at {
					return stop.err
				}
				return nil
			}
		}
		var got, want []string
		if err := WalkDirShared(root, visit(&got)); err != nil {
			t.Fatal(err)
		}
		if err := filepath.WalkDir(root, visit(&want)); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("stop at %q (%v): WalkDirShared visited %v, filepath.WalkDir %v", stop.at, stop.err, got, want)
		}
	}
	var seen error
	err := WalkDirShared(filepath.Join(root, "missing"), func(p string, d fs.DirEntry, err error) error {
		seen = err
		return err
	})
	if !errors.Is(err, fs.ErrNotExist) || !errors.Is(seen, fs.ErrNotExist) {
		t.Fatalf("missing root: %v (fn saw %v)", err, seen)
	}
}

// While OpenShared has a file open, another process can delete it and
// rename it: Derby deletes db.lck when it boots, and a reader that blocked
// that would stop e-Faktur from starting. The reader keeps reading the data
// it opened. On Windows, os.Open is the control: it blocks both.
func TestOpenSharedLetsOthersDeleteAndRename(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	content := strings.Repeat("derby", 4096)
	lck := write("db.lck", content)
	f, err := OpenShared(lck)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, 5)
	if _, err := io.ReadFull(f, head); err != nil || string(head) != "derby" {
		t.Fatalf("read %q, %v", head, err)
	}
	if err := otherProcess(t, "delete", lck); err != nil {
		t.Fatalf("another process could not delete the file OpenShared holds: %v", err)
	}
	rest, err := io.ReadAll(f)
	if err != nil || len(rest) != len(content)-5 {
		t.Fatalf("reading on after the delete: %d bytes, %v", len(rest), err)
	}

	seg := write("c490.dat", content)
	g, err := OpenShared(seg)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	moved := filepath.Join(dir, "c490.moved")
	if err := otherProcess(t, "rename", seg, moved); err != nil {
		t.Fatalf("another process could not rename the file OpenShared holds: %v", err)
	}
	if b, err := io.ReadAll(g); err != nil || string(b) != content {
		t.Fatalf("reading on after the rename: %d bytes, %v", len(b), err)
	}

	// A folder held by ReadDirShared's kind of open can be renamed too.
	sub := filepath.Join(dir, "tmp")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	d, err := OpenShared(sub)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := otherProcess(t, "rename", sub, sub+".old"); err != nil {
		t.Fatalf("another process could not rename the folder OpenShared holds: %v", err)
	}

	if runtime.GOOS != "windows" {
		return
	}
	// The control: Go's own os.Open leaves FILE_SHARE_DELETE out.
	ctl := write("control.dat", content)
	c, err := os.Open(ctl)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := otherProcess(t, "delete", ctl); err == nil {
		t.Fatal("another process deleted a file os.Open holds: the test cannot tell shared opens from others")
	} else {
		t.Logf("control, as expected: deleting a file os.Open holds fails: %v", err)
	}
	if err := otherProcess(t, "rename", ctl, ctl+".x"); err == nil {
		t.Fatal("another process renamed a file os.Open holds")
	}
}
