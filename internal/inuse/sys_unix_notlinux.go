//go:build unix && !linux

package inuse

import (
	"context"

	"golang.org/x/sys/unix"
)

func getlk(fd int, lk *unix.Flock_t) (string, error) {
	return "fcntl", unix.FcntlFlock(uintptr(fd), unix.F_GETLK, lk)
}

// scanProcs has nothing to scan here: without /proc there is no cheap,
// unprivileged way to list other processes' open files. Derby's lock is
// what shows a database open.
func scanProcs(context.Context, string, []fileInfo) []procHit { return nil }
