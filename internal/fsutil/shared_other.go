//go:build !windows

package fsutil

import "os"

func openShared(path string) (*os.File, error) { return os.Open(path) }
