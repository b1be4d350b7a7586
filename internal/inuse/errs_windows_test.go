package inuse

import "golang.org/x/sys/windows"

var (
	errRefused    error = windows.WSAECONNREFUSED
	errUnroutable error = windows.WSAENETUNREACH
)
