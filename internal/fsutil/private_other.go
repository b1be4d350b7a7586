//go:build !windows

package fsutil

import "os"

func openPrivate(path string, flag int) (*os.File, error) {
	return os.OpenFile(path, flag, PrivatePerm)
}
