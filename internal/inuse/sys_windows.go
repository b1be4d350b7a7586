package inuse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/windows"
)

// Retries of the exclusive open. Antivirus and the search indexer open
// files for a moment; a second look avoids blaming e-Faktur for them.
const (
	shareRetries  = 3
	shareRetryGap = 50 * time.Millisecond
)

// lockProbeOffset is the one byte the LockFileEx probe asks for. Java's
// FileChannel.lock(), which H2's MVStore uses, locks [0, 2^63-1), so this
// byte is inside its range, yet far beyond any data: should the probe get
// the lock, it blocks no read or write of e-Faktur's in the microseconds it
// holds it. A whole-file probe could make e-Faktur's own I/O fail.
const lockProbeOffset uint64 = 1<<63 - 2

// probeFile opens the file with no sharing (dwShareMode 0). Success proves
// no other handle exists; the handle is closed at once, so e-Faktur starting
// in that instant is the only thing it could disturb. A sharing violation
// means another process has it open; a second, fully shared handle then
// asks whether that process also holds a byte-range lock, as an open H2
// MVStore does. A handle of our own process counts as "another" here:
// Windows sharing does not tell processes apart.
func probeFile(path string) (Signal, bool, error) {
	p, err := winPath(path)
	if err != nil {
		return Signal{}, false, err
	}
	for i := 0; ; i++ {
		h, err := windows.CreateFile(p, windows.GENERIC_READ, 0, nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
		if err == nil {
			windows.CloseHandle(h)
			return Signal{}, false, nil
		}
		if !errors.Is(err, windows.ERROR_SHARING_VIOLATION) {
			return Signal{}, false, &os.PathError{Op: "open", Path: path, Err: err}
		}
		if i+1 == shareRetries {
			break
		}
		time.Sleep(shareRetryGap)
	}
	name := filepath.Base(path)
	sig := Signal{
		Kind:   KindSharingViolation,
		File:   path,
		Detail: fmt.Sprintf("%s is open in another process (an exclusive open failed with a sharing violation)", name),
	}
	if how, locked := lockedByOther(p); locked {
		sig.Kind = KindOSLock
		sig.Detail = fmt.Sprintf("%s is locked by another process (%s)", name, how)
	}
	return sig, true, nil
}

// lockedByOther asks, without disturbing the holder, whether another
// process holds a byte-range lock on the file: a one-byte LockFileEx probe
// far beyond the data, then a one-byte read at offset 0, which fails with
// ERROR_LOCK_VIOLATION inside an exclusive lock held by someone else.
func lockedByOther(p *uint16) (string, bool) {
	h, err := windows.CreateFile(p, windows.GENERIC_READ,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return "", false
	}
	defer windows.CloseHandle(h)
	err = windows.LockFileEx(h, windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, probeOverlapped())
	switch {
	case err == nil:
		windows.UnlockFileEx(h, 0, 1, 0, probeOverlapped())
	case errors.Is(err, windows.ERROR_LOCK_VIOLATION), errors.Is(err, windows.ERROR_IO_PENDING):
		return "LockFileEx: lock violation", true
	}
	var b [1]byte
	var n uint32
	rov := windows.Overlapped{}
	if err := windows.ReadFile(h, b[:], &n, &rov); errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return "reading it failed with a lock violation", true
	}
	return "", false
}

func probeOverlapped() *windows.Overlapped {
	off := lockProbeOffset // a variable, so that the conversions truncate
	return &windows.Overlapped{Offset: uint32(off), OffsetHigh: uint32(off >> 32)}
}

// winPath converts a path for CreateFile, with the \\?\ prefix a long path
// needs (the os package does this for its own calls).
func winPath(path string) (*uint16, error) {
	if len(path) >= 248 && !strings.HasPrefix(path, `\\?\`) {
		if abs, err := filepath.Abs(path); err == nil {
			if strings.HasPrefix(abs, `\\`) {
				path = `\\?\UNC\` + abs[2:]
			} else {
				path = `\\?\` + abs
			}
		}
	}
	return windows.UTF16PtrFromString(path)
}

// readShared reads a small file with every sharing flag set, delete
// included: H2 deletes its lock file when it closes, and a handle without
// FILE_SHARE_DELETE would make that delete fail and leave the lock behind.
func readShared(path string) ([]byte, error) {
	p, err := winPath(path)
	if err != nil {
		return nil, err
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) || errors.Is(err, windows.ERROR_PATH_NOT_FOUND) {
			err = os.ErrNotExist
		}
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(h), path)
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxLockFileSize))
}

func isRefused(err error) bool {
	return errors.Is(err, windows.WSAECONNREFUSED)
}

// platformScanProcs has nothing to add on Windows, and nothing is left
// unknown: when a file opens with no sharing at all (probeFile), no other
// handle to it exists, so no process has it open and none holds a lock on
// it. The probes of the files are the complete scan.
func platformScanProcs(context.Context, string, []fileInfo, bool) procScan {
	return procScan{complete: true}
}

// isUnroutable reports a connection that could not even be attempted: no
// route, or an address family this machine does not have.
func isUnroutable(err error) bool {
	return errors.Is(err, windows.WSAENETUNREACH) || errors.Is(err, windows.WSAEADDRNOTAVAIL) || errors.Is(err, windows.WSAEAFNOSUPPORT)
}
