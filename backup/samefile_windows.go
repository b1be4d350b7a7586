package backup

import "os"

// sameFile says whether two FileInfos describe the same unchanged file.
// Windows file IDs are not stable on every file system a user may keep
// e-Faktur on (network shares, some USB drives, Wine), so there the size
// and modification time decide; the read itself still checks both again.
func sameFile(a, b os.FileInfo) bool {
	return a.Size() == b.Size() && a.ModTime().Equal(b.ModTime()) && a.Mode().IsRegular() == b.Mode().IsRegular()
}
