package fsutil

import (
	"os"

	"golang.org/x/sys/unix"
)

// Exchange swaps the names of two folders in one step (renameat2 with
// RENAME_EXCHANGE), so that db/ never goes missing. ErrExchangeUnsupported
// means the file system cannot: the caller falls back to two renames.
func Exchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	switch err {
	case nil:
		return nil
	case unix.ENOSYS, unix.EINVAL, unix.EOPNOTSUPP:
		return ErrExchangeUnsupported
	}
	return &os.LinkError{Op: "exchange", Old: a, New: b, Err: err}
}

// RenameNoReplace renames from to to, failing if to exists: on Linux a
// plain rename would silently replace an empty folder.
func RenameNoReplace(from, to string) error {
	err := unix.Renameat2(unix.AT_FDCWD, from, unix.AT_FDCWD, to, unix.RENAME_NOREPLACE)
	switch err {
	case nil:
		return nil
	case unix.ENOSYS, unix.EINVAL, unix.EOPNOTSUPP:
		return renameChecked(from, to)
	}
	return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
}
