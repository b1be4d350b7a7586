//go:build !windows

package deepcheck

import (
	"os"
)

// mkdirTempPrivate is os.MkdirTemp, whose folders are already mode 0700
// here.
func mkdirTempPrivate(parent, pattern string) (string, error) {
	return os.MkdirTemp(parent, pattern)
}
