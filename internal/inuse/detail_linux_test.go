package inuse

import "golang.org/x/sys/unix"

// networkNames are the names of every network file system statfs tells.
func networkNames() []any {
	var out []any
	for _, m := range []int64{unix.NFS_SUPER_MAGIC, unix.SMB_SUPER_MAGIC, cifsMagic, smb2Magic, unix.V9FS_MAGIC, unix.CODA_SUPER_MAGIC,
		unix.AFS_SUPER_MAGIC, unix.NCP_SUPER_MAGIC, unix.CEPH_SUPER_MAGIC, lustreMagic, vboxsfMagic} {
		if n, ok := networkMagic(m); ok {
			out = append(out, n)
		}
	}
	return out
}
