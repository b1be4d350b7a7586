package deepcheck

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestScratch(t *testing.T) {
	parent := t.TempDir()
	dir, cleanup, err := Scratch(parent, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(dir) != parent {
		t.Errorf("scratch %s not in %s", dir, parent)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		t.Errorf("scratch mode %v, want owner-only", fi.Mode().Perm())
	}
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := cleanup(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("scratch left behind: %v", err)
	}
}

// No disk has an exabyte free: the error names the folder and the space.
func TestScratchNoRoom(t *testing.T) {
	parent := t.TempDir()
	_, _, err := Scratch(parent, 1<<60)
	var nse *NoSpaceError
	if !errors.As(err, &nse) {
		t.Fatalf("err = %v, want a NoSpaceError", err)
	}
	if nse.Dir != parent || nse.Free <= 0 || nse.Need <= 1<<60 {
		t.Errorf("%+v", nse)
	}
	if msg := err.Error(); !strings.Contains(msg, parent) || !strings.Contains(msg, "free") || !strings.Contains(msg, "EiB") {
		t.Errorf("message %q", msg)
	}
	ents, _ := os.ReadDir(parent)
	if len(ents) != 0 {
		t.Errorf("a folder was made though there was no room")
	}
	if _, _, err := Scratch(filepath.Join(parent, "missing"), 1); err == nil {
		t.Errorf("a missing parent was accepted")
	}
}

func TestHuman(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KiB", 5 << 30: "5.0 GiB", 1 << 60: "1.0 EiB"} {
		if got := human(n); got != want {
			t.Errorf("human(%d) = %q, want %q", n, got, want)
		}
	}
}
