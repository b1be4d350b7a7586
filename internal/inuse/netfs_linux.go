package inuse

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/efbackup/efbackup/internal/i18n"
)

// Magic numbers of network file systems that x/sys/unix does not name
// (linux/magic.h, fs/smb/client).
const (
	cifsMagic   = 0xFF534D42
	smb2Magic   = 0xFE534D42
	lustreMagic = 0x0BD00BD0
	vboxsfMagic = 0x786F4256
)

// networkFS reports whether dir is on a file system whose locks other
// computers (or the Windows side of WSL, or a virtual machine's host) take
// without this kernel knowing: their Derby lock would not be seen here.
// What it returns names the file system for a message: its type, or an
// i18n.Text where words describe it (as on every system).
func networkFS(dir string) (any, bool) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return "", false
	}
	if name, ok := networkMagic(int64(st.Type)); ok {
		return name, true
	}
	if int64(st.Type) == unix.FUSE_SUPER_MAGIC {
		info, err := os.ReadFile("/proc/self/mountinfo")
		if err != nil {
			return "", false
		}
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", false
		}
		if r, err := filepath.EvalSymlinks(abs); err == nil {
			abs = r
		}
		if t := mountType(info, abs); networkFuse(t) {
			return t, true
		}
	}
	return "", false
}

// networkMagic names the network file systems among statfs's f_type
// values: the type's name, or an i18n.Text where words say what it is.
func networkMagic(magic int64) (any, bool) {
	switch magic {
	case unix.NFS_SUPER_MAGIC:
		return "nfs", true
	case unix.SMB_SUPER_MAGIC, cifsMagic, smb2Magic:
		return "smb/cifs", true
	case unix.V9FS_MAGIC:
		// WSL mounts Windows drives (/mnt/c) this way: e-Faktur running
		// on Windows locks there, out of Linux's sight.
		return i18n.Say("inuse.detail.fs.9p"), true
	case unix.CODA_SUPER_MAGIC:
		return "coda", true
	case unix.AFS_SUPER_MAGIC, unix.AFS_FS_MAGIC:
		return "afs", true
	case unix.NCP_SUPER_MAGIC:
		return "ncp", true
	case unix.CEPH_SUPER_MAGIC:
		return "ceph", true
	case lustreMagic:
		return "lustre", true
	case vboxsfMagic:
		return i18n.Say("inuse.detail.fs.vboxsf"), true
	}
	return "", false
}

// networkFuse reports whether a FUSE file system type from mountinfo
// ("fuse.sshfs") reaches another computer. Local FUSE file systems, such as
// ntfs-3g on a dual-boot disk, are not network ones.
func networkFuse(fstype string) bool {
	t := strings.ToLower(fstype)
	for _, w := range []string{"sshfs", "rclone", "s3fs", "gvfsd-fuse", "glusterfs", "davfs", "smb", "cifs", "nfs", "webdav", "curlftpfs", "ftp"} {
		if strings.Contains(t, w) {
			return true
		}
	}
	return false
}

// mountType returns the file system type of the mount that holds path, from
// the text of /proc/self/mountinfo: the mount point that is the longest
// prefix of path. Fields: id parent dev root mountpoint options [optional
// fields...] - fstype source superoptions; spaces in names are "\040".
func mountType(mountinfo []byte, path string) string {
	best, bestType := -1, ""
	for _, line := range bytes.Split(mountinfo, []byte("\n")) {
		f := strings.Fields(string(line))
		if len(f) < 7 {
			continue
		}
		sep := -1
		for i := 6; i < len(f); i++ {
			if f[i] == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || sep+1 >= len(f) {
			continue
		}
		mp := unescapeMount(f[4])
		if !under(path, mp) || len(mp) < best {
			continue
		}
		best, bestType = len(mp), f[sep+1]
	}
	return bestType
}

func under(path, mp string) bool {
	return mp == "/" || path == mp || strings.HasPrefix(path, mp+"/")
}

// unescapeMount undoes the octal escapes mountinfo uses for space, tab,
// newline and backslash.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if v, ok := octal3(s[i+1 : i+4]); ok {
				b.WriteByte(v)
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func octal3(s string) (byte, bool) {
	if len(s) != 3 {
		return 0, false
	}
	v := 0
	for _, c := range s {
		if c < '0' || c > '7' {
			return 0, false
		}
		v = v*8 + int(c-'0')
	}
	if v > 255 {
		return 0, false
	}
	return byte(v), true
}
