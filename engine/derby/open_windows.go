package derby

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"
)

// openShared opens a file of a database folder for reading with every
// sharing flag, delete included: Derby deletes db.lck and old log files
// while it runs, and fails to boot (XSDB6) if another handle without
// FILE_SHARE_DELETE holds one of its files when it tries. Go's os.Open
// leaves that flag out.
func openShared(path string) (*os.File, error) {
	p := path
	if len(p) >= 248 && !strings.HasPrefix(p, `\\?\`) {
		if abs, err := filepath.Abs(p); err == nil {
			if strings.HasPrefix(abs, `\\`) {
				p = `\\?\UNC\` + abs[2:]
			} else {
				p = `\\?\` + abs
			}
		}
	}
	u, err := windows.UTF16PtrFromString(p)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	h, err := windows.CreateFile(u, windows.GENERIC_READ,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) || errors.Is(err, windows.ERROR_PATH_NOT_FOUND) {
			err = os.ErrNotExist
		}
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}
