package inuse

import (
	"errors"

	"golang.org/x/sys/windows"
)

func holdFcntl(string) (func(), error) { return nil, errors.New("no fcntl on Windows") }

// holdJDK opens path exactly as the JDK's RandomAccessFile(path, "rw") does
// (io_util_md.c, winFileHandleOpen), which is how Derby holds db.lck for as
// long as a database is booted: read and write access, shared for reading
// and writing but not for deleting, created if missing.
func holdJDK(path string) (func(), error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_ALWAYS, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, err
	}
	return func() { windows.CloseHandle(h) }, nil
}
