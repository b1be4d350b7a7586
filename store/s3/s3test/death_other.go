//go:build !linux

package s3test

import "os/exec"

// setDeathSignal: the server runs on Linux only (see Binary).
func setDeathSignal(*exec.Cmd) {}
