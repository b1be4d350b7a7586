//go:build unix

package crypt

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// An identity file is readable by its owner only, whatever the umask.
func TestIdentityFileOwnerOnly(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "key.txt")
	if _, err := NewIdentityFile(path, time.Now()); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("identity file mode %v, want 0600", fi.Mode().Perm())
	}
}
