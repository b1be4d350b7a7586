//go:build unix

package fsutil

import (
	"fmt"
	"os"
	"syscall"
)

// ID is the file-system identity of path (device and inode, without
// following a link), stable across renames within one file system, so that
// a journal can tell which folder sits under which name after a crash; ""
// when it cannot be had.
func ID(path string) string {
	fi, err := os.Lstat(path)
	if err != nil {
		return ""
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%d:%d", uint64(st.Dev), uint64(st.Ino)) //nolint:unconvert // field types differ between systems
}
