package inuse

import (
	"errors"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// getlk uses F_OFD_GETLK (Linux 3.15 and later) and falls back to F_GETLK.
// The OFD variant also reports classic POSIX locks held by our own process,
// which F_GETLK by definition cannot; both report the holder's pid for a
// classic lock, which is what Java takes.
func getlk(fd int, lk *unix.Flock_t) (string, error) {
	probe := *lk
	err := unix.FcntlFlock(uintptr(fd), unix.F_OFD_GETLK, &probe)
	if err == nil {
		*lk = probe
		return "fcntl", nil
	}
	if !errors.Is(err, unix.EINVAL) {
		return "", err
	}
	return "fcntl", unix.FcntlFlock(uintptr(fd), unix.F_GETLK, lk)
}

// procName is the command name of pid, from /proc/<pid>/comm.
func procName(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// procExe is the executable of pid, when we may read it.
func procExe(pid int) string {
	exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	if err != nil {
		return ""
	}
	return exe
}
