//go:build !unix && !windows

package inuse

import "errors"

var (
	errRefused    = errors.New("connection refused")
	errUnroutable = errors.New("network is unreachable")
)
