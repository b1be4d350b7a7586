//go:build !unix

package backup

// dirID is not used where folders are never exchanged (Windows): there the
// restore journal tells the folders apart by which names exist, and file
// IDs are not reliable on every file system a user may keep e-Faktur on.
func dirID(path string) string { return "" }
