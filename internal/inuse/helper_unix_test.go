//go:build unix

package inuse

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// holdFcntl takes the lock Derby's FileChannel.tryLock() takes on dbex.lck:
// fcntl F_SETLK, F_WRLCK, from 0 to the end, on a read-write descriptor.
func holdFcntl(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: io.SeekStart}
	if err := unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

func holdJDK(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	return func() { f.Close() }, nil
}
