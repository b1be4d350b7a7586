//go:build !windows

package fsutil

import (
	"os"

	"golang.org/x/sys/unix"
)

// FreeSpace is the number of bytes an unprivileged user may still write on
// the file system holding dir.
func FreeSpace(dir string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, &os.PathError{Op: "statfs", Path: dir, Err: err}
	}
	return int64(st.Bavail) * int64(st.Bsize), nil //nolint:unconvert // field types differ between systems
}
