package main

import (
	"errors"

	"golang.org/x/sys/windows"
)

// notReady: a card reader without its card, a drive letter whose disk is
// gone.
func notReady(err error) bool {
	return errors.Is(err, windows.ERROR_NOT_READY) || errors.Is(err, windows.ERROR_DEV_NOT_EXIST) || errors.Is(err, windows.ERROR_BAD_NETPATH) || errors.Is(err, windows.ERROR_BAD_NET_NAME)
}
