//go:build !linux && !darwin && !windows

package folderlock

// processStart is "" where the system gives no start time easily: the
// process check alone applies.
func processStart(int) string { return "" }
