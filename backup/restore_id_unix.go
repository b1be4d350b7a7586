//go:build unix

package backup

import (
	"fmt"
	"os"
	"syscall"
)

// dirID is the file-system identity of path (device and inode), stable
// across renames within one file system, so that the restore journal can
// tell which folder sits under which name after a kill; "" when it cannot
// be had.
func dirID(path string) string {
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
