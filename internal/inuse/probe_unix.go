//go:build unix

package inuse

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// probeEngineLock asks the kernel whether another process holds a POSIX
// lock on dbex.lck that conflicts with a whole-file write lock: Derby's
// FileChannel.tryLock() takes exactly that (fcntl F_SETLK, F_WRLCK, start
// 0, length 0) for as long as the database is booted. No dbex.lck means no
// Derby on this system has the database open for writing.
func probeEngineLock(db string, _ []fileInfo, _ Options) (probe, note string, sigs []Signal) {
	path := filepath.Join(db, dbexLck)
	sig, found, err := fcntlProbe(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "fcntl", "", nil
	case err != nil:
		return "fcntl", "", []Signal{{
			Kind:     KindUnknown,
			File:     path,
			Database: db,
			Detail:   fmt.Sprintf("%s/%s cannot be probed (%v), so whether Derby has the database open is unknown", filepath.Base(db), dbexLck, errors.Unwrap(err)),
		}}
	case found:
		sig.Database = db
		return "fcntl", "", []Signal{sig}
	}
	return "fcntl", "", nil
}

// fcntlProbe opens path read-only and asks F_GETLK (Linux: F_OFD_GETLK)
// with a whole-file write lock. Asking takes nothing, so read access is
// enough. The descriptor is closed at once. One POSIX trap remains:
// closing any descriptor of a file releases every classic lock the closing
// process holds on it, so probing a file our own process has locked drops
// that lock. efbackup locks nothing in db/.
func fcntlProbe(path string) (Signal, bool, error) {
	// O_NONBLOCK: if the path was swapped for a FIFO, open must not hang.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return Signal{}, false, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return Signal{}, false, err
	} else if !fi.Mode().IsRegular() {
		return Signal{}, false, &os.PathError{Op: "probe", Path: path, Err: errors.New("not a regular file")}
	}
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: io.SeekStart, Start: 0, Len: 0}
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
	name := filepath.Base(filepath.Dir(path)) + "/" + filepath.Base(path)
	sig := Signal{Kind: KindOSLock, File: path}
	if pid := int(lk.Pid); pid > 0 {
		sig.PID = pid
		sig.Process = procName(pid)
		sig.Program = classify(sig.Process, procExe(pid))
		sig.Detail = fmt.Sprintf("%s is locked (%s %s lock) by %s: Derby has the database open", name, how, kind, holderLabel(pid, sig.Process, sig.Program))
	} else {
		// an open-file-description lock (Linux) has no single owner
		sig.Detail = fmt.Sprintf("%s is locked (%s %s lock) by another open file, process unknown", name, how, kind)
	}
	return sig, true, nil
}
