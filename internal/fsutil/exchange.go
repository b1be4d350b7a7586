package fsutil

import (
	"errors"
	"io/fs"
	"os"
)

// ErrExchangeUnsupported says the system or file system cannot exchange
// two names in one step; the caller falls back to two renames.
var ErrExchangeUnsupported = errors.New("atomic exchange not supported")

// renameChecked renames from to to after checking that to is free: the
// portable best effort where the system has no "no replace" rename.
func renameChecked(from, to string) error {
	if _, err := os.Lstat(to); err == nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: fs.ErrExist}
	}
	return os.Rename(from, to)
}
