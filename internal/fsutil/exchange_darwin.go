package fsutil

import (
	"os"

	"golang.org/x/sys/unix"
)

// Exchange swaps the names of two folders in one step (renamex_np with
// RENAME_SWAP), so that db/ never goes missing.
func Exchange(a, b string) error {
	err := unix.RenamexNp(a, b, unix.RENAME_SWAP)
	switch err {
	case nil:
		return nil
	case unix.ENOTSUP, unix.EINVAL, unix.ENOSYS:
		return ErrExchangeUnsupported
	}
	return &os.LinkError{Op: "exchange", Old: a, New: b, Err: err}
}

// RenameNoReplace renames from to to, failing if to exists.
func RenameNoReplace(from, to string) error {
	err := unix.RenamexNp(from, to, unix.RENAME_EXCL)
	switch err {
	case nil:
		return nil
	case unix.ENOTSUP, unix.EINVAL, unix.ENOSYS:
		return renameChecked(from, to)
	}
	return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
}
