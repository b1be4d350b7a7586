//go:build !windows

package main

import (
	"errors"
	"syscall"
)

// notReady: a network file system whose server is gone.
func notReady(err error) bool {
	return errors.Is(err, syscall.EHOSTDOWN) || errors.Is(err, syscall.ENXIO) || errors.Is(err, syscall.ENODEV)
}
