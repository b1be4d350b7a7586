package main

import (
	"errors"
	"syscall"
)

// isDiskFull reports whether err says the disk is full: Windows reports
// ERROR_DISK_FULL, or ERROR_HANDLE_DISK_FULL for a file that cannot grow.
func isDiskFull(err error) bool {
	const errorHandleDiskFull, errorDiskFull = syscall.Errno(39), syscall.Errno(112)
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, errorDiskFull) || errors.Is(err, errorHandleDiskFull)
}
