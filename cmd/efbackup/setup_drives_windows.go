package main

import (
	"strings"

	"golang.org/x/sys/windows"
)

// backupDrives are the places setup offers for the snapshot folder: the
// removable and fixed drives other than the install's, by letter.
func backupDrives(installDir string) []string {
	mask, err := windows.GetLogicalDrives()
	if err != nil {
		return nil
	}
	var out []string
	for i := 0; i < 26; i++ {
		if mask&(1<<i) == 0 {
			continue
		}
		root := string(rune('A'+i)) + `:\`
		if strings.HasPrefix(strings.ToUpper(installDir), root) {
			continue
		}
		r16, _ := windows.UTF16PtrFromString(root)
		switch windows.GetDriveType(r16) {
		case windows.DRIVE_REMOVABLE, windows.DRIVE_FIXED, windows.DRIVE_REMOTE:
			out = append(out, root)
		}
	}
	return out
}
