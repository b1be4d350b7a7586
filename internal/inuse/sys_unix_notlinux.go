//go:build unix && !linux

package inuse

import (
	"context"

	"golang.org/x/sys/unix"
)

const noATime = 0

func getlk(fd int, lk *unix.Flock_t) (string, error) {
	return "fcntl", unix.FcntlFlock(uintptr(fd), unix.F_GETLK, lk)
}

// platformScanProcs has nothing to scan here: without /proc there is no
// cheap, unprivileged way to list other processes' open files.
func platformScanProcs(context.Context, string, []fileInfo, bool) procScan {
	return procScan{why: "this system offers no way to list open files, and a database open without a lock (H2 PageStore) is invisible"}
}
