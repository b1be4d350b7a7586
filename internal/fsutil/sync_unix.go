//go:build !windows

package fsutil

import "os"

// SyncDir fsyncs a folder so that a rename inside it survives a power cut.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
