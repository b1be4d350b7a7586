package fsutil

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// OpenShared opens a file or folder for reading without ever getting in the
// way of the program that owns it. Every read of a file in e-Faktur's db/
// goes through it.
//
// On Windows, os.Open shares the file for reading and writing but not for
// deleting or renaming, and Derby deletes db.lck each time it boots a
// database: were efbackup holding db.lck (or any file of the database) with
// os.Open at that moment, the delete would fail and e-Faktur would refuse to
// start ("another instance may have booted the database"). OpenShared adds
// FILE_SHARE_DELETE, so another process may delete or rename the file while
// it is read; the reader keeps the data it opened. It also sets
// FILE_FLAG_BACKUP_SEMANTICS, which folders need. On other systems sharing
// is not enforced and OpenShared is os.Open.
func OpenShared(path string) (*os.File, error) { return openShared(path) }

// ReadDirShared is os.ReadDir through OpenShared: the entries of dir,
// sorted by name.
func ReadDirShared(dir string) ([]fs.DirEntry, error) {
	f, err := OpenShared(dir)
	if err != nil {
		return nil, err
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}

// WalkDirShared is filepath.WalkDir with every folder read through
// ReadDirShared. Like filepath.WalkDir it follows no symbolic link below
// root, visits entries in lexical order, and calls fn a second time with the
// error when a folder cannot be read.
func WalkDirShared(root string, fn fs.WalkDirFunc) error {
	info, err := os.Lstat(root)
	if err != nil {
		err = fn(root, nil, err)
	} else {
		err = walkShared(root, fs.FileInfoToDirEntry(info), fn)
	}
	if err == filepath.SkipDir || err == filepath.SkipAll {
		return nil
	}
	return err
}

func walkShared(path string, d fs.DirEntry, fn fs.WalkDirFunc) error {
	if err := fn(path, d, nil); err != nil || !d.IsDir() {
		if err == filepath.SkipDir && d.IsDir() {
			err = nil
		}
		return err
	}
	entries, err := ReadDirShared(path)
	if err != nil {
		// Second call, to report the error reading the folder.
		err = fn(path, d, err)
		if err != nil {
			if err == filepath.SkipDir && d.IsDir() {
				err = nil
			}
			return err
		}
	}
	for _, e := range entries {
		if err := walkShared(filepath.Join(path, e.Name()), e, fn); err != nil {
			if err == filepath.SkipDir {
				break
			}
			return err
		}
	}
	return nil
}
