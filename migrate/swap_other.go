//go:build !linux && !darwin

package migrate

// sysExchange is not available here (Windows has no atomic exchange of two
// folders): the swap uses two renames.
func sysExchange(a, b string) error { return errExchangeUnsupported }

// renameNoReplace renames from to to, failing if to exists. Windows
// refuses to rename a folder onto an existing one by itself.
func renameNoReplace(from, to string) error { return renameChecked(from, to) }
