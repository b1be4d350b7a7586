package fsutil

import (
	"os"

	"golang.org/x/sys/windows"
)

// FreeSpace is the number of bytes the user may still write on the volume
// holding dir (quotas included).
func FreeSpace(dir string) (int64, error) {
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
