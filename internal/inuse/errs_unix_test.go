//go:build unix

package inuse

import "syscall"

var (
	errRefused    error = syscall.ECONNREFUSED
	errUnroutable error = syscall.ENETUNREACH
)
