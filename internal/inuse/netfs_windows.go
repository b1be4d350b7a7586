package inuse

import (
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"

	"github.com/efbackup/efbackup/internal/i18n"
)

// networkFS reports whether dir is on a network share: a UNC path
// (\\server\share) or a drive letter mapped to one. Derby's lock on a
// share is seen only by the computer that runs it.
func networkFS(dir string) (any, bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	if isUNC(abs) {
		return i18n.Say("inuse.detail.fs.unc", uncShare(abs)), true
	}
	p, err := windows.UTF16PtrFromString(abs)
	if err != nil {
		return "", false
	}
	var root [windows.MAX_PATH + 1]uint16
	if err := windows.GetVolumePathName(p, &root[0], uint32(len(root))); err != nil {
		return "", false
	}
	if windows.GetDriveType(&root[0]) == windows.DRIVE_REMOTE {
		return i18n.Say("inuse.detail.fs.drive", windows.UTF16ToString(root[:])), true
	}
	return "", false
}

// isUNC reports a path of the form \\server\share\... or \\?\UNC\...; the
// \\?\C:\ and \\.\ forms name local devices.
func isUNC(p string) bool {
	p = strings.ReplaceAll(p, "/", `\`)
	if strings.HasPrefix(strings.ToUpper(p), `\\?\UNC\`) {
		return true
	}
	return strings.HasPrefix(p, `\\`) && !strings.HasPrefix(p, `\\?\`) && !strings.HasPrefix(p, `\\.\`)
}

// uncShare is the \\server\share part of a UNC path.
func uncShare(p string) string {
	p = strings.ReplaceAll(p, "/", `\`)
	if strings.HasPrefix(strings.ToUpper(p), `\\?\UNC\`) {
		p = `\\` + p[len(`\\?\UNC\`):]
	}
	parts := strings.SplitN(strings.TrimPrefix(p, `\\`), `\`, 3)
	if len(parts) >= 2 {
		return `\\` + parts[0] + `\` + parts[1]
	}
	return p
}
