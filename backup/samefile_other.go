//go:build !windows

package backup

import "os"

// sameFile says whether two FileInfos describe the same file (device and
// inode), so that a file replaced between the scan and the read is caught.
func sameFile(a, b os.FileInfo) bool { return os.SameFile(a, b) }
