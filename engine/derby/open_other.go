//go:build !windows

package derby

import "os"

// openShared opens a file of a database folder for reading.
func openShared(path string) (*os.File, error) { return os.Open(path) }
