package inuse

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

const noATime = syscall.O_NOATIME

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
