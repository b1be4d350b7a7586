package doctor

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

var errNoDevice = errors.New("device unknown")

// deviceOf identifies the volume path lives on: the drive letter or the
// \\server\share of a network path. As on Unix, a path that does not
// exist is an error (fs.ErrNotExist), not the volume its name points to.
func deviceOf(path string) (string, error) {
	if _, err := os.Stat(path); err != nil {
		return "", err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	v := filepath.VolumeName(abs)
	if v == "" {
		return "", errNoDevice
	}
	return "vol:" + strings.ToUpper(v), nil
}
