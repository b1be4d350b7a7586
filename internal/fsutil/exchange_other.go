//go:build !linux && !darwin

package fsutil

// Exchange is not available here (Windows has no atomic exchange of two
// folders): the swap uses two renames.
func Exchange(a, b string) error { return ErrExchangeUnsupported }

// RenameNoReplace renames from to to, failing if to exists. Windows
// refuses to rename a folder onto an existing one by itself.
func RenameNoReplace(from, to string) error { return renameChecked(from, to) }
