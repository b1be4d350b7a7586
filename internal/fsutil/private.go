package fsutil

import "os"

// PrivatePerm is the mode of every file efbackup itself creates: snapshots,
// sidecars, journals, reports, run logs and lock files hold taxpayer data
// or describe it.
const PrivatePerm os.FileMode = 0o600

// OpenPrivate opens path with flag, as os.OpenFile does, and creates it
// (when flag asks for that) readable and writable by its owner only: mode
// 0600 on Unix; on Windows a protected access list, inheriting nothing from
// the folder, that admits the current user, SYSTEM and the Administrators
// group, the Windows equivalents of the owner and root.
func OpenPrivate(path string, flag int) (*os.File, error) {
	return openPrivate(path, flag)
}
