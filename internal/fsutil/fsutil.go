// Package fsutil holds the two file-system habits every efbackup command
// that writes relies on: write a file atomically, and move a folder aside
// instead of deleting it.
package fsutil

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// PartialSuffix marks a file that is still being written. A file with this
// suffix is never a finished snapshot.
const PartialSuffix = ".partial"

// CreateTemp creates the temporary file an atomic write goes through; with
// PrivatePerm it is private on Windows too (OpenPrivate). Tests swap it to
// simulate a full disk or a failing device.
var CreateTemp = func(dir, name string, perm os.FileMode) (File, error) {
	const flag = os.O_RDWR | os.O_CREATE | os.O_EXCL
	if perm == PrivatePerm {
		return OpenPrivate(filepath.Join(dir, name), flag)
	}
	return os.OpenFile(filepath.Join(dir, name), flag, perm)
}

// Hook, when set, is called at four points of every atomic write
// (CreateAtomic and Commit, WriteFileAtomic, ReplaceFileAtomic) with the
// point and the file's final name. It is nil in the program users run;
// the crash tests set it to stop the process at each point, as a power
// cut would.
var Hook func(point, final string)

// The points of an atomic write, in order.
const (
	PointCreated = "atomic-created" // the temporary file exists, empty
	PointWritten = "atomic-written" // every byte is written, nothing synced
	PointSynced  = "atomic-synced"  // the data is durable under the temporary name
	PointRenamed = "atomic-renamed" // the final name is taken; the folder is not yet synced
)

func hook(point, final string) {
	if Hook != nil {
		Hook(point, final)
	}
}

// File is what an atomic write needs of a file.
type File interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}

// AtomicFile is a file being written under a temporary name in its final
// folder. Commit makes it visible under its final name; Abort removes it.
// Until Commit returns nil, nothing carries the final name.
type AtomicFile struct {
	f       File
	final   string
	written int64
	done    bool
}

// ErrExists is returned when the final name is already taken: a finished
// file is never rewritten.
var ErrExists = errors.New("file already exists")

// CreateAtomic starts an atomic write of final, with the given permissions
// (snapshots use 0600). It fails with ErrExists if final already exists, and
// if final+".partial" exists (another writer, or a crash: the caller decides).
func CreateAtomic(final string, perm os.FileMode) (*AtomicFile, error) {
	if _, err := os.Lstat(final); err == nil {
		return nil, &os.PathError{Op: "create", Path: final, Err: ErrExists}
	}
	f, err := CreateTemp(filepath.Dir(final), filepath.Base(final)+PartialSuffix, perm)
	if err != nil {
		return nil, err
	}
	hook(PointCreated, final)
	return &AtomicFile{f: f, final: final}, nil
}

// Name is the temporary name the data is being written under.
func (a *AtomicFile) Name() string { return a.f.Name() }

// Final is the name the file will carry once committed.
func (a *AtomicFile) Final() string { return a.final }

// Written is the number of bytes written so far.
func (a *AtomicFile) Written() int64 { return a.written }

func (a *AtomicFile) Write(p []byte) (int, error) {
	n, err := a.f.Write(p)
	a.written += int64(n)
	return n, err
}

// Commit checks the length, fsyncs and closes the file, renames it to its
// final name and fsyncs the folder. On any error the temporary file is
// removed and the final name stays free.
func (a *AtomicFile) Commit() error {
	if a.done {
		return errors.New("fsutil: commit after commit or abort")
	}
	a.done = true
	hook(PointWritten, a.final)
	tmp := a.f.Name()
	fail := func(err error) error {
		_ = a.f.Close()
		_ = os.Remove(tmp)
		return err
	}
	if st, ok := a.f.(interface{ Stat() (os.FileInfo, error) }); ok {
		fi, err := st.Stat()
		if err != nil {
			return fail(err)
		}
		if fi.Size() != a.written {
			return fail(fmt.Errorf("%s: wrote %d bytes but the file holds %d", tmp, a.written, fi.Size()))
		}
	}
	if err := a.f.Sync(); err != nil {
		return fail(err)
	}
	if err := a.f.Close(); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	hook(PointSynced, a.final)
	// Link-then-remove would be exclusive, but not every file system (FAT
	// on a USB drive, some NAS shares) supports hard links; a final Lstat
	// check right before the rename is the portable best effort.
	if _, err := os.Lstat(a.final); err == nil {
		_ = os.Remove(tmp)
		return &os.PathError{Op: "rename", Path: a.final, Err: ErrExists}
	}
	if err := os.Rename(tmp, a.final); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	hook(PointRenamed, a.final)
	return SyncDir(filepath.Dir(a.final))
}

// Abort removes the temporary file. It is safe to call after Commit.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	_ = a.f.Close()
	_ = os.Remove(a.f.Name())
}

// WriteFileAtomic writes data to path through CreateAtomic, replacing
// nothing: path must not exist.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	a, err := CreateAtomic(path, perm)
	if err != nil {
		return err
	}
	if _, err := a.Write(data); err != nil {
		a.Abort()
		return err
	}
	return a.Commit()
}

// ReplaceFileAtomic writes data to path, replacing an existing file in one
// rename. It is meant for efbackup's own small state files (journals,
// records, unit files), never for snapshots.
func ReplaceFileAtomic(path string, data []byte, perm os.FileMode) error {
	return ReplaceFileHook(path, data, perm, nil)
}

// ReplaceFileHook is ReplaceFileAtomic, calling beforeRename (when not nil)
// once the new content is durable under its temporary name: tests stop the
// process there. The temporary name is NAME.<digits>.tmp beside path;
// RemoveReplaceLeftovers removes those a killed writer left.
func ReplaceFileHook(path string, data []byte, perm os.FileMode, beforeRename func()) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmpName := fmt.Sprintf("%s.%d.tmp", base, time.Now().UnixNano())
	f, err := CreateTemp(dir, tmpName, perm)
	if err != nil {
		return err
	}
	hook(PointCreated, path)
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		_ = os.Remove(tmp)
		return err
	}
	hook(PointWritten, path)
	if err := f.Sync(); err != nil {
		_ = f.Close()
		_ = os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	hook(PointSynced, path)
	if beforeRename != nil {
		beforeRename()
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	hook(PointRenamed, path)
	return SyncDir(dir)
}

// RemoveReplaceLeftovers removes the temporary files of path's that a
// killed ReplaceFileAtomic left: only names of the exact form
// NAME.<digits>.tmp beside it, and only plain files. SweepReplaceLeftovers
// also says which it removed.
func RemoveReplaceLeftovers(path string) error {
	_, err := SweepReplaceLeftovers(path)
	return err
}

// Timestamp formats t the way every efbackup file name does: UTC,
// YYYYMMDDTHHMMSSZ.
func Timestamp(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// AsideName returns the first free name of the form
// path+"."+tag+"-"+timestamp, adding -2, -3, ... if that name is taken.
func AsideName(path, tag string, now time.Time) (string, error) {
	base := fmt.Sprintf("%s.%s-%s", path, tag, Timestamp(now))
	dst := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(dst); errors.Is(err, fs.ErrNotExist) {
			return dst, nil
		} else if err != nil {
			return "", err
		}
		dst = fmt.Sprintf("%s-%d", base, i)
	}
}

// MoveAside renames path to its AsideName and fsyncs the parent. It never
// deletes anything. It returns the new name.
func MoveAside(path, tag string, now time.Time) (string, error) {
	return MoveAsideFrom(path, path, tag, now)
}

// MoveAsideFrom renames src to the AsideName of path: after an exchange,
// the previous contents of path sit under another name, and take path's
// aside name from there.
func MoveAsideFrom(src, path, tag string, now time.Time) (string, error) {
	dst, err := AsideName(path, tag, now)
	if err != nil {
		return "", err
	}
	if err := RenameNoReplace(src, dst); err != nil {
		return "", err
	}
	return dst, SyncDir(filepath.Dir(path))
}

// RemoveAll removes a folder efbackup itself created (a staging folder),
// like os.RemoveAll, with a slower file-by-file fallback for file systems
// where the fast path fails (seen under Wine). The fallback also gives the
// owner write permission on each folder first: a restored folder keeps a
// read-only mode (0500) from its snapshot, and its files could not be
// removed from it otherwise.
func RemoveAll(path string) error {
	err := os.RemoveAll(path)
	if err == nil {
		return nil
	}
	var paths []string
	werr := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if fi, err := d.Info(); err == nil && fi.Mode().Perm()&0o700 != 0o700 {
				_ = os.Chmod(p, fi.Mode().Perm()|0o700)
			}
		}
		paths = append(paths, p)
		return nil
	})
	if werr != nil {
		return err
	}
	for i := len(paths) - 1; i >= 0; i-- {
		if rerr := os.Remove(paths[i]); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			return rerr
		}
	}
	return nil
}
