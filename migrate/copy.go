package migrate

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/fsutil"
)

// CreateFile creates one file of the staged copy. Tests swap it to simulate
// a full disk or a denied permission.
var CreateFile = func(path string, perm os.FileMode) (fsutil.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
}

// copyOptions tune stageCopy.
type copyOptions struct {
	engines  engine.Set
	progress func(done, total int64)
	throttle time.Duration
	hook     func(string)
}

// stageCopy copies the source db/ into the new, empty folder staging, and
// returns what it read: every file with its size, time, mode and SHA-256.
// The caller compares that with what the safety snapshot read; a file that
// changes while it is copied fails here with *backup.ChangedError. Every
// file and folder is fsynced before it returns, so that the rename that
// follows publishes data that is on disk.
func stageCopy(ctx context.Context, srcDB, staging string, opt copyOptions) ([]backup.File, error) {
	scan, err := backup.ScanDB(srcDB, opt.engines)
	if err != nil {
		return nil, err
	}
	files, dirs := scan.Files, scan.Dirs
	var total int64
	for _, f := range files {
		total += f.Size()
	}
	sort.Slice(dirs, func(i, k int) bool { return dirs[i].Path < dirs[k].Path })
	for _, d := range dirs {
		if err := os.Mkdir(filepath.Join(staging, filepath.FromSlash(d.Path)), 0o700); err != nil {
			return nil, err
		}
	}
	buf := make([]byte, 1<<20)
	if opt.throttle > 0 {
		// Slowed down for tests: small chunks, so that a kill can land
		// between any two of them.
		buf = make([]byte, 64<<10)
		opt.throttle /= 16
	}
	var done int64
	nextMiB := int64(1 << 20)
	out := make([]backup.File, 0, len(files))
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		dst := filepath.Join(staging, filepath.FromSlash(f.Rel))
		cf, err := copyOne(ctx, f, dst, buf, opt, func(n int64) {
			done += n
			if opt.progress != nil {
				opt.progress(done, total)
			}
			// A point for every MiB copied: the crash tests stop the
			// copy at a chosen MiB.
			for opt.hook != nil && done >= nextMiB {
				opt.hook("migrate-copy-mib")
				nextMiB += 1 << 20
			}
		})
		if err != nil {
			return nil, err
		}
		out = append(out, cf)
		if i == 0 && opt.hook != nil {
			opt.hook("migrate-copy-first-file")
		}
	}
	// Folder modes last: a read-only source folder must still have been
	// writable while it was filled.
	for i := len(dirs) - 1; i >= 0; i-- {
		p := filepath.Join(staging, filepath.FromSlash(dirs[i].Path))
		if err := fsutil.SyncDir(p); err != nil {
			return nil, err
		}
		if err := os.Chmod(p, fs.FileMode(dirs[i].Mode)&fs.ModePerm|0o700); err != nil {
			return nil, err
		}
	}
	if fi, err := os.Stat(srcDB); err == nil {
		if err := os.Chmod(staging, fi.Mode().Perm()|0o700); err != nil {
			return nil, err
		}
	}
	return out, fsutil.SyncDir(staging)
}

// compareReads checks that the staged copy read exactly what the safety
// snapshot read: two reads of the source that disagree mean it changed
// in between.
func compareReads(srcDB string, copied []backup.File, m *backup.Manifest) error {
	want := make(map[string]backup.File, len(m.Files))
	for _, f := range m.Files {
		want[f.Path] = f
	}
	for _, c := range copied {
		w, ok := want[c.Path]
		abs := filepath.Join(srcDB, filepath.FromSlash(c.Path))
		switch {
		case !ok:
			return backup.NewChangedError(abs, "migrate.detail.changed.appearedsnap")
		case w.Size != c.Size:
			return backup.NewChangedError(abs, "migrate.detail.changed.sizes", c.Size, w.Size)
		case w.SHA256 != c.SHA256:
			return backup.NewChangedError(abs, "migrate.detail.changed.bytes")
		}
		delete(want, c.Path)
	}
	for p := range want {
		return backup.NewChangedError(filepath.Join(srcDB, filepath.FromSlash(p)), "migrate.detail.changed.disappeared")
	}
	return nil
}

// copyOne copies one file, hashing what it reads, and fails with
// *backup.ChangedError when the file is not the one the scan saw, or
// changes while it is read.
func copyOne(ctx context.Context, f backup.SourceFile, dst string, buf []byte, opt copyOptions, progress func(int64)) (backup.File, error) {
	out, err := CreateFile(dst, backup.FilePerm)
	if err != nil {
		return backup.File{}, err
	}
	closed := false
	defer func() {
		if !closed {
			out.Close()
		}
	}()
	mf, err := backup.StreamFile(ctx, f, buf, out, nil, func(n int64) {
		progress(n)
		if opt.throttle > 0 {
			time.Sleep(opt.throttle)
		}
	})
	if err != nil {
		return backup.File{}, err
	}
	if err := out.Sync(); err != nil {
		return backup.File{}, err
	}
	closed = true
	if err := out.Close(); err != nil {
		return backup.File{}, err
	}
	if err := os.Chmod(dst, os.FileMode(mf.Mode)); err != nil {
		return backup.File{}, err
	}
	if err := os.Chtimes(dst, mf.MTime, mf.MTime); err != nil {
		return backup.File{}, err
	}
	return mf, nil
}
