//go:build !windows

package notify

// RegisterSource is needed only for the Windows Event Log.
func RegisterSource() error { return nil }
