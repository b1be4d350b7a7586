// Package volumetest makes real drives for tests: small ext4 file-system
// images with chosen UUIDs, mounted on loop devices at one path, as USB
// drives come and go. Only tests import it; it needs root, loop devices
// and mkfs.ext4, and skips, saying which, without them.
package volumetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// RequireMounts skips t unless file-system images can be made and mounted.
func RequireMounts(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting file system images needs root")
	}
	if _, err := exec.LookPath("mkfs.ext4"); err != nil {
		t.Skip("mkfs.ext4 (e2fsprogs) is not installed")
	}
	if _, err := os.Stat("/dev/loop-control"); err != nil {
		t.Skip("no loop devices here")
	}
}

// Image makes an 8 MiB ext4 image in dir with the file-system UUID uuid
// and the label NAME, and returns its path.
func Image(t *testing.T, dir, name, uuid string) string {
	t.Helper()
	p := filepath.Join(dir, name+".img")
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, 8<<20); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mkfs.ext4", "-q", "-F", "-U", uuid, "-L", strings.ToUpper(name), p).CombinedOutput(); err != nil {
		t.Fatalf("mkfs.ext4: %v\n%s", err, out)
	}
	return p
}

// Mount mounts img at the folder at until Unmount or the end of the test.
func Mount(t *testing.T, img, at string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "loop", img, at).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a loop device here: %v %s", err, out)
	}
	t.Cleanup(func() { unix.Unmount(at, unix.MNT_DETACH) })
}

// Unmount unmounts what is mounted at the folder at, as pulling a drive out.
func Unmount(t *testing.T, at string) {
	t.Helper()
	if out, err := exec.Command("umount", at).CombinedOutput(); err != nil {
		t.Fatalf("umount: %v %s", err, out)
	}
}
