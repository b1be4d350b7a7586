//go:build !windows

package install

import "os"

// defaultRoots on Linux and macOS: the home folder and /opt.
func defaultRoots() []string {
	home, _ := os.UserHomeDir()
	return []string{home, "/opt"}
}
