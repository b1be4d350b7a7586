package volume

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/internal/volume/volumetest"
	"golang.org/x/sys/unix"
)

func TestParseMountInfo(t *testing.T) {
	m, ok := parseMountInfo(`45 27 7:0 / /media/budi/USB\040BACKUP rw,relatime shared:1 - ext4 /dev/loop0 rw`)
	if !ok || m.point != "/media/budi/USB BACKUP" || m.fstype != "ext4" || m.source != "/dev/loop0" || m.dev != unix.Mkdev(7, 0) {
		t.Errorf("%+v %v", m, ok)
	}
	m, ok = parseMountInfo(`50 27 0:51 / /mnt/nas rw - cifs //nas/backup rw,vers=3.0`)
	if !ok || m.source != "//nas/backup" || !isNetwork(m.fstype) {
		t.Errorf("%+v", m)
	}
	if _, ok := parseMountInfo("garbage"); ok {
		t.Error("garbage parsed")
	}
}

// Mounts is the real thing: file system images on loop devices, mounted
// and unmounted at one path, as a USB drive comes and goes. It needs root
// and mkfs.ext4; without them it says why and skips.
func TestRealMounts(t *testing.T) {
	volumetest.RequireMounts(t)
	dir := t.TempDir()
	at := filepath.Join(dir, "usb")
	os.Mkdir(at, 0o700)
	a := volumetest.Image(t, dir, "a", "11111111-2222-3333-4444-555555555555")
	b := volumetest.Image(t, dir, "b", "99999999-8888-7777-6666-555555555555")

	local, err := Of(at)
	if err == nil && local.Kind == KindUUID && strings.HasPrefix(local.Value, "11111111") {
		t.Fatal("the empty mount point has the image's identity")
	}
	volumetest.Mount(t, a, at)
	id, err := Of(filepath.Join(at))
	if err != nil || id.Kind != KindUUID || id.Value != "11111111-2222-3333-4444-555555555555" || id.Root != at || id.FS != "ext4" {
		t.Fatalf("drive a: %+v %v", id, err)
	}
	os.Mkdir(filepath.Join(at, "efbackup"), 0o700)
	if sub, err := Of(filepath.Join(at, "efbackup")); err != nil || !sub.Same(id) {
		t.Errorf("a folder on drive a: %+v %v", sub, err)
	}
	volumetest.Unmount(t, at)
	if after, err := Of(at); err == nil && after.Same(id) {
		t.Errorf("unmounted, the path still has drive a's identity: %+v", after)
	}
	volumetest.Mount(t, b, at)
	other, err := Of(at)
	if err != nil || other.Value != "99999999-8888-7777-6666-555555555555" || other.Same(id) {
		t.Errorf("drive b: %+v %v", other, err)
	}
	volumetest.Unmount(t, at)
	// tmpfs has no identity: none is invented.
	if err := unix.Mount("tmpfs", at, "tmpfs", 0, "size=1m"); err != nil {
		t.Fatal(err)
	}
	defer unix.Unmount(at, unix.MNT_DETACH)
	if id, err := Of(at); !errors.Is(err, ErrUnknown) || id.Root != at || id.FS != "tmpfs" {
		t.Errorf("tmpfs: %+v %v", id, err)
	}
}
