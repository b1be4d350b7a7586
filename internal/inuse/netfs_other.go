//go:build !linux && !darwin && !windows

package inuse

// networkFS cannot tell here.
func networkFS(string) (string, bool) { return "", false }
