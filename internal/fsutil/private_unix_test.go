//go:build unix

package fsutil

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// On Unix the files efbackup creates are 0600, whatever the umask.
func TestPrivateFilesOnUnix(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := t.TempDir()
	logf := appendTwice(t, dir)
	snap := filepath.Join(dir, "snap")
	if err := WriteFileAtomic(snap, []byte("x"), PrivatePerm); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{logf, snap} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", p, fi.Mode(), err)
		}
	}
}
