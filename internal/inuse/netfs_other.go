//go:build !linux && !darwin && !windows

package inuse

// networkFS cannot tell here.
func networkFS(string) (any, bool) { return "", false }
