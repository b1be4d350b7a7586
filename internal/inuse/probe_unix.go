//go:build unix

package inuse

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/efbackup/efbackup/internal/i18n"
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
		return "fcntl", "", []Signal{unprobed(db, dbexLck, err)}
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
	return lockSignal(path, how, lk.Type == unix.F_RDLCK, int(lk.Pid)), true, nil
}

// lockSignal is the signal of a lock on path that F_GETLK reported: how
// names the probe ("fcntl"), read a read lock (else a write lock), pid its
// holder (0 or less: none, as for an open-file-description lock).
func lockSignal(path, how string, read bool, pid int) Signal {
	kind := i18n.Say("inuse.detail.lock.write", how)
	if read {
		kind = i18n.Say("inuse.detail.lock.read", how)
	}
	name := filepath.Base(filepath.Dir(path)) + "/" + filepath.Base(path)
	sig := Signal{Kind: KindOSLock, File: path}
	if pid <= 0 {
		// an open-file-description lock (Linux) has no single owner
		return sig.say("inuse.detail.lockednoowner", name, kind)
	}
	sig.PID = pid
	sig.Process = procName(pid)
	sig.Program = classify(sig.Process, procExe(pid))
	return sig.say("inuse.detail.locked", name, kind, holderLabel(pid, sig.Process, sig.Program))
}
