//go:build !windows

package folderlock

import (
	"bytes"
	"errors"
	"os"
	"runtime"
	"strconv"
	"syscall"
)

// processAlive reports whether pid names a running process on this host.
// A zombie (killed, not yet reaped by its parent) counts as gone: it will
// never release anything.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if runtime.GOOS == "linux" {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err == nil {
			// pid (comm) state ...: comm may hold spaces and parentheses.
			if i := bytes.LastIndexByte(b, ')'); i >= 0 && i+2 < len(b) && (b[i+2] == 'Z' || b[i+2] == 'X') {
				return false
			}
		}
	}
	return true
}

// bootID identifies the current boot on Linux; elsewhere it is empty and
// only the process check and the age apply.
func bootID() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return string(bytes.TrimSpace(b))
}

// isSharingViolation is for Windows: elsewhere an open file can be removed.
func isSharingViolation(error) bool { return false }
