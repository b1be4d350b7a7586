//go:build !unix

package fsutil

// ID is "" where it is not used: on Windows folders are never exchanged,
// journals tell them apart by which names exist, and file IDs are not
// reliable on every file system a user may keep e-Faktur on.
func ID(path string) string { return "" }
