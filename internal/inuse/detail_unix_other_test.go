//go:build unix && !linux

package inuse

// networkNames: the kernel names the type itself (statfs's f_fstypename).
func networkNames() []any { return []any{"smbfs"} }
