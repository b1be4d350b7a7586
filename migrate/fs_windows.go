package migrate

import (
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"
)

// freeSpace is the number of bytes the user may still write on the volume
// holding dir (quotas included).
func freeSpace(dir string) (int64, error) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0, err
	}
	var avail, total, free uint64
	if err := windows.GetDiskFreeSpaceEx(p, &avail, &total, &free); err != nil {
		return 0, &os.PathError{Op: "GetDiskFreeSpaceEx", Path: dir, Err: err}
	}
	return int64(avail), nil
}

// sameDevice compares volume names; a folder mounted into another volume
// is missed, which only makes the free-space check more lenient there.
func sameDevice(a, b string) bool {
	return strings.EqualFold(filepath.VolumeName(a), filepath.VolumeName(b))
}
