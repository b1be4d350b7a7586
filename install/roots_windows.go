package install

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// defaultRoots on Windows: Program Files (both), the user's Documents and
// Desktop (also under OneDrive), and the root of every fixed drive.
func defaultRoots() []string {
	home, _ := os.UserHomeDir()
	roots := []string{os.Getenv("ProgramFiles"), os.Getenv("ProgramFiles(x86)")}
	for _, base := range []string{home, os.Getenv("OneDrive")} {
		if base != "" {
			roots = append(roots, filepath.Join(base, "Documents"), filepath.Join(base, "Desktop"))
		}
	}
	mask, err := windows.GetLogicalDrives()
	if err == nil {
		for i := 0; i < 26; i++ {
			if mask&(1<<uint(i)) == 0 {
				continue
			}
			root := string(rune('A'+i)) + `:\`
			p, _ := windows.UTF16PtrFromString(root)
			if windows.GetDriveType(p) == windows.DRIVE_FIXED {
				roots = append(roots, root)
			}
		}
	}
	return roots
}

// deviceOf identifies the volume path lives on: the drive letter or the
// \\server\share of a network path. As on Unix, a path that does not
