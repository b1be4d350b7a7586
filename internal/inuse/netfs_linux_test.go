package inuse

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestNetworkMagic(t *testing.T) {
	for magic, want := range map[int64]bool{
		unix.NFS_SUPER_MAGIC: true, unix.SMB_SUPER_MAGIC: true, cifsMagic: true, smb2Magic: true,
		unix.V9FS_MAGIC: true, unix.CEPH_SUPER_MAGIC: true, vboxsfMagic: true,
		unix.EXT4_SUPER_MAGIC: false, unix.TMPFS_MAGIC: false, unix.BTRFS_SUPER_MAGIC: false,
		unix.XFS_SUPER_MAGIC: false, unix.OVERLAYFS_SUPER_MAGIC: false, unix.FUSE_SUPER_MAGIC: false,
	} {
		if _, got := networkMagic(magic); got != want {
			t.Errorf("networkMagic(%#x) = %v, want %v", magic, got, want)
		}
	}
}

// mountType finds the mount that holds a path, with escaped names, and
// networkFuse tells sshfs from ntfs-3g.
func TestMountType(t *testing.T) {
	info := []byte(`22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
30 22 0:40 / /mnt/kantor rw shared:20 - fuse.sshfs admin@nas:/data rw,user_id=0
31 22 0:41 / /media/Data\040Kantor rw shared:21 - fuseblk /dev/sdb1 rw
32 30 0:42 / /mnt/kantor/lokal rw - tmpfs tmpfs rw
33 22 0:43 / /run/user/1000/gvfs rw nosuid shared:22 - fuse.gvfsd-fuse gvfsd-fuse rw
`)
	for path, want := range map[string]string{
		"/home/pkp/eFaktur/db":                 "ext4",
		"/mnt/kantor/eFaktur/db":               "fuse.sshfs",
		"/mnt/kantorx/db":                      "ext4",
		"/mnt/kantor/lokal/db":                 "tmpfs",
		"/media/Data Kantor/eFaktur/db":        "fuseblk",
		"/run/user/1000/gvfs/smb-share:server": "fuse.gvfsd-fuse",
	} {
		if got := mountType(info, path); got != want {
			t.Errorf("mountType(%q) = %q, want %q", path, got, want)
		}
	}
	for fstype, want := range map[string]bool{"fuse.sshfs": true, "fuse.gvfsd-fuse": true, "fuse.rclone": true, "fuseblk": false, "fuse.ntfs-3g": false, "fuse": false} {
		if got := networkFuse(fstype); got != want {
			t.Errorf("networkFuse(%q) = %v, want %v", fstype, got, want)
		}
	}
}

// A folder on a local file system gets no network warning.
func TestLocalFolderNotNetwork(t *testing.T) {
	dir := tempDir(t)
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	if _, remote := networkMagic(int64(st.Type)); remote {
		t.Skipf("the test folder is on a network file system (%#x)", st.Type)
	}
	if name, remote := networkFS(dir); remote {
		t.Fatalf("networkFS(%s) = %q on f_type %#x", dir, name, st.Type)
	}
	rep := check(t, dir, Options{})
	for _, w := range rep.Warnings {
		if w.Kind == KindNetworkFS {
			t.Fatalf("network warning on a local folder: %+v", w)
		}
	}
}
