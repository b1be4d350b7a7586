package migrate

import (
	"path/filepath"
	"strings"
)

// sameDevice compares volume names; a folder mounted into another volume
// is missed, which only makes the free-space check more lenient there.
func sameDevice(a, b string) bool {
	return strings.EqualFold(filepath.VolumeName(a), filepath.VolumeName(b))
}
