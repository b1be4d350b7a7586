//go:build !windows

package main

import (
	"os"
	"path/filepath"

	"github.com/efbackup/efbackup/internal/volume"
)

// backupDrives are the places setup offers for the snapshot folder:
// removable and extra drives mounted where desktops mount them
// (/media/USER/..., /run/media/USER/..., /Volumes/... on macOS, /mnt/...),
// other than the drive of the install.
func backupDrives(installDir string) []string {
	user := os.Getenv("USER")
	var out []string
	inst, _ := volume.Of(installDir)
	for _, pat := range []string{"/media/" + user + "/*", "/run/media/" + user + "/*", "/Volumes/*", "/mnt/*", "/media/*"} {
		ms, _ := filepath.Glob(pat)
		for _, m := range ms {
			if fi, err := os.Stat(m); err != nil || !fi.IsDir() {
				continue
			}
			id, err := volume.Of(m)
			if err != nil || id.Root != m || (inst.Root != "" && id.Root == inst.Root) {
				continue // not a mount of its own, or the install's
			}
			out = append(out, m)
		}
	}
	return out
}
