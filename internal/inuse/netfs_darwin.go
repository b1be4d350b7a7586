package inuse

import (
	"golang.org/x/sys/unix"

	"github.com/efbackup/efbackup/internal/i18n"
)

// networkFS reports whether dir is on a file system the kernel does not
// call local (MNT_LOCAL unset: nfs, smbfs, afpfs, webdav, ...), where the
// lock of a database opened from another computer is not visible.
func networkFS(dir string) (any, bool) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return "", false
	}
	if st.Flags&unix.MNT_LOCAL != 0 {
		return "", false
	}
	n := 0
	for n < len(st.Fstypename) && st.Fstypename[n] != 0 {
		n++
	}
	if n == 0 {
		return i18n.Say("inuse.detail.fs.notlocal"), true
	}
	return string(st.Fstypename[:n]), true
}
