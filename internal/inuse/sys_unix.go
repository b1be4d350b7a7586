//go:build unix

package inuse

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// probeFile asks the kernel whether another process holds a POSIX lock that
// conflicts with a whole-file write lock. The file is opened read-only:
// F_GETLK with F_WRLCK only asks, it takes nothing, so it needs no write
// access. One POSIX trap remains: closing any descriptor of a file releases
// every classic POSIX lock the closing process holds on it, so probing a
// file our own process has locked drops that lock. efbackup locks nothing in
// db/, so only a library caller that does must not probe its own files.
func probeFile(path string) (Signal, bool, error) {
	// O_NONBLOCK: if the path was swapped for a FIFO since it was listed,
	// open must not hang.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return Signal{}, false, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return Signal{}, false, err
	} else if !fi.Mode().IsRegular() {
		return Signal{}, false, fmt.Errorf("%s: not a regular file", path)
	}
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: io.SeekStart}
	how, err := getlk(int(f.Fd()), &lk)
	if err != nil {
		return Signal{}, false, &os.PathError{Op: "fcntl", Path: path, Err: err}
	}
	if lk.Type == unix.F_UNLCK {
		return Signal{}, false, nil
	}
	kind := "write"
	if lk.Type == unix.F_RDLCK {
		kind = "read"
	}
	sig := Signal{Kind: KindOSLock, File: path}
	pid := int(lk.Pid)
	if pid > 0 {
		sig.PID = pid
		sig.Detail = fmt.Sprintf("%s %s lock on %s held by pid %d%s", how, kind, filepath.Base(path), pid, procLabel(pid))
	} else {
		// an open-file-description lock (Linux) has no single owner pid
		sig.Detail = fmt.Sprintf("%s %s lock on %s held by another open file (process unknown)", how, kind, filepath.Base(path))
	}
	return sig, true, nil
}

// procLabel is " (name)" for a pid whose name is known, else "".
func procLabel(pid int) string {
	if n := procName(pid); n != "" {
		return " (" + n + ")"
	}
	return ""
}

// readShared reads a small file without taking any lock and, where the
// system allows it, without updating its access time.
func readShared(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|noATime, 0)
	if errors.Is(err, os.ErrPermission) && noATime != 0 {
		// O_NOATIME needs ownership of the file
		f, err = os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxLockFileSize))
}

func isRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}

// isUnroutable reports a connection that could not even be attempted: no
// route, or an address family this machine does not have.
func isUnroutable(err error) bool {
	return errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EAFNOSUPPORT)
}
