//go:build !windows

package deepcheck

// launcherPath is p as the java launcher's command line can carry it:
// unchanged outside Windows.
func launcherPath(p string) string { return p }
