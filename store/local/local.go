// Package local is the store for a folder: a second disk, a USB drive or a
// NAS share. An object is a file; a create is a ".partial" file renamed to
// its final name at Commit, after fsync, with the folder fsynced after the
// rename (internal/fsutil); the lock is internal/folderlock's lock file.
package local

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/efbackup/efbackup/internal/folderlock"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/store"
)

// Store is a folder of snapshots. The folder is created, owner-only, by
// the first Create or Lock.
type Store struct {
	dir string
}

// New returns the store for dir. It does not touch the disk.
func New(dir string) *Store { return &Store{dir: filepath.Clean(dir)} }

// Dir is the folder.
func (s *Store) Dir() string { return s.dir }

func (s *Store) String() string { return s.dir }

// Path is the file that holds name; commands that hand a snapshot to
// another program (or show where it is) use it.
func (s *Store) Path(name string) string { return filepath.Join(s.dir, name) }

// ownFile reports the folder lock's own files, which are not objects.
func ownFile(name string) bool {
	return name == folderlock.Name || strings.HasPrefix(name, folderlock.Name+".")
}

func (s *Store) fail(op, name string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return (&store.Error{Kind: store.KindLocal, Op: op, Where: s.dir, Name: name, Err: store.ErrNotFound}).Say("store.detail.notfound")
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return (&store.Error{Kind: store.KindInterrupted, Op: op, Where: s.dir, Name: name, Err: err}).Say("store.detail.interrupted")
	}
	detail := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		detail = pe.Err.Error() // the path is already in Where and Name
	}
	return (&store.Error{Kind: store.KindLocal, Op: op, Where: s.dir, Name: name, Err: err}).Plain(detail)
}

// List lists the regular files of the folder, without sub-folders,
// ".partial" files (Pending) and the lock.
func (s *Store) List(ctx context.Context, _ store.ListOptions) ([]store.Entry, error) {
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, s.fail("list", "", err)
	}
	var out []store.Entry
	for _, d := range des {
		n := d.Name()
		if !d.Type().IsRegular() || ownFile(n) || strings.HasSuffix(n, fsutil.PartialSuffix) || store.CheckName(n) != nil {
			continue
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since ReadDir
		}
		if err != nil {
			return nil, s.fail("list", n, err)
		}
		out = append(out, store.Entry{Name: n, Size: fi.Size(), ModTime: fi.ModTime()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, ctx.Err()
}

func (s *Store) check(op, name string) error {
	if err := store.CheckName(name); err != nil {
		return (&store.Error{Kind: store.KindConfig, Op: op, Where: s.dir, Name: name}).Quote(err)
	}
	if ownFile(name) {
		return (&store.Error{Kind: store.KindConfig, Op: op, Where: s.dir, Name: name}).Say("store.detail.lockname")
	}
	return nil
}

// Stat returns one file's entry.
func (s *Store) Stat(ctx context.Context, name string) (store.Entry, error) {
	if err := s.check("stat", name); err != nil {
		return store.Entry{}, err
	}
	fi, err := os.Lstat(s.Path(name))
	if err != nil {
		return store.Entry{}, s.fail("stat", name, err)
	}
	if !fi.Mode().IsRegular() {
		return store.Entry{}, (&store.Error{Kind: store.KindLocal, Op: "stat", Where: s.dir, Name: name, Err: store.ErrNotFound}).Say("store.detail.notregular")
	}
	return store.Entry{Name: name, Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

// Open opens a file. A local file has one version: a VersionID is refused.
func (s *Store) Open(ctx context.Context, name string, opts store.OpenOptions) (store.Reader, error) {
	if err := s.check("open", name); err != nil {
		return nil, err
	}
	if opts.VersionID != "" {
		return nil, (&store.Error{Kind: store.KindUnsupported, Op: "open", Where: s.dir, Name: name}).Say("store.detail.noversions")
	}
	f, err := os.Open(s.Path(name))
	if err != nil {
		return nil, s.fail("open", name, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, s.fail("open", name, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, (&store.Error{Kind: store.KindLocal, Op: "open", Where: s.dir, Name: name, Err: store.ErrNotFound}).Say("store.detail.notregular")
	}
	return &reader{File: f, size: fi.Size()}, nil
}

type reader struct {
	*os.File
	size int64
}

func (r *reader) Size() int64       { return r.size }
func (r *reader) VersionID() string { return "" }

// Create starts NAME.partial beside NAME. A folder cannot hold a
// retention: LockDays is refused rather than silently ignored.
func (s *Store) Create(ctx context.Context, name string, opts store.CreateOptions) (store.Writer, error) {
	if err := s.check("create", name); err != nil {
		return nil, err
	}
	if opts.LockDays > 0 {
		return nil, (&store.Error{Kind: store.KindUnsupported, Op: "create", Where: s.dir, Name: name}).
			Say("store.detail.folderretention")
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return nil, s.fail("create", name, err)
	}
	a, err := fsutil.CreateAtomic(s.Path(name), fsutil.PrivatePerm)
	if errors.Is(err, fsutil.ErrExists) {
		return nil, (&store.Error{Kind: store.KindLocal, Op: "create", Where: s.dir, Name: name, Err: store.ErrExists}).Say("store.detail.exists")
	}
	if errors.Is(err, fs.ErrExist) {
		// NAME.partial: another writer, or one a crash left (CleanupOrphans).
		return nil, (&store.Error{Kind: store.KindLocal, Op: "create", Where: s.dir, Name: name, Err: store.ErrExists}).
			Say("store.detail.beingwritten")
	}
	if err != nil {
		return nil, s.fail("create", name, err)
	}
	return &writer{s: s, ctx: ctx, a: a, name: name}, nil
}

type writer struct {
	s    *Store
	ctx  context.Context
	a    *fsutil.AtomicFile
	name string
	done bool
}

func (w *writer) Write(p []byte) (int, error) {
	if w.done {
		return 0, errors.New("store: write after commit or abort")
	}
	if err := w.ctx.Err(); err != nil {
		return 0, w.s.fail("write", w.name, err)
	}
	n, err := w.a.Write(p)
	if err != nil {
		return n, w.s.fail("write", w.name, err)
	}
	return n, nil
}

func (w *writer) Written() int64 { return w.a.Written() }

func (w *writer) Commit() (store.Committed, error) {
	if w.done {
		return store.Committed{}, errors.New("store: commit after commit or abort")
	}
	if err := w.ctx.Err(); err != nil {
		w.Abort()
		return store.Committed{}, w.s.fail("commit", w.name, err)
	}
	w.done = true
	if err := w.a.Commit(); err != nil {
		if errors.Is(err, fsutil.ErrExists) {
			return store.Committed{}, (&store.Error{Kind: store.KindLocal, Op: "commit", Where: w.s.dir, Name: w.name, Err: store.ErrExists}).Say("store.detail.exists")
		}
		return store.Committed{}, w.s.fail("commit", w.name, err)
	}
	return store.Committed{Name: w.name, Size: w.a.Written()}, nil
}

func (w *writer) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	w.a.Abort()
	return nil
}

// Remove removes a file. A folder holds no retention.
func (s *Store) Remove(ctx context.Context, name string) error {
	if err := s.check("remove", name); err != nil {
		return err
	}
	fi, err := os.Lstat(s.Path(name))
	if err != nil {
		return s.fail("remove", name, err)
	}
	if !fi.Mode().IsRegular() {
		return (&store.Error{Kind: store.KindLocal, Op: "remove", Where: s.dir, Name: name, Err: store.ErrNotFound}).Say("store.detail.notregular")
	}
	if err := os.Remove(s.Path(name)); err != nil {
		return s.fail("remove", name, err)
	}
	return s.fail("remove", name, fsutil.SyncDir(s.dir))
}

// Retention is always none in a folder.
func (s *Store) Retention(ctx context.Context, name string) (store.Retention, error) {
	_, err := s.Stat(ctx, name)
	return store.Retention{}, err
}

// Lock takes the folder lock (internal/folderlock).
func (s *Store) Lock(ctx context.Context, opts store.LockOptions) (store.Lock, error) {
	wait := opts.Wait
	if wait == 0 {
		wait = store.DefaultLockWait
	}
	l, old, err := folderlock.Acquire(s.dir, folderlock.Options{Wait: wait, Stale: opts.Stale, Command: opts.Command, Poll: opts.Poll})
	var le *folderlock.LockedError
	if errors.As(err, &le) {
		out := &store.LockedError{Where: s.dir, Waited: le.Waited}
		if le.Holder != nil {
			h := lockInfo(*le.Holder)
			out.Holder = &h
		}
		return nil, out
	}
	if err != nil {
		return nil, s.fail("lock", "", err)
	}
	fl := &folderLock{l: l}
	if old != nil {
		o := lockInfo(*old)
		fl.old = &o
	}
	return fl, nil
}

func lockInfo(i folderlock.Info) store.LockInfo {
	return store.LockInfo{Tool: i.Tool, Host: i.Host, PID: i.PID, Time: i.Time, Command: i.Command, Token: i.Token, Why: i.Why}
}

type folderLock struct {
	l        *folderlock.Lock
	old      *store.LockInfo
	released bool
}

func (f *folderLock) Release() error {
	if f.released {
		return nil
	}
	f.released = true
	return f.l.Release()
}

func (f *folderLock) Info() store.LockInfo { return lockInfo(f.l.Info()) }

// Leftovers lists what killed efbackup processes had left of their lock
// files in the folder, and taking the lock removed.
func (f *folderLock) Leftovers() []fsutil.Leftover { return f.l.Leftovers() }
func (f *folderLock) TakenOver() *store.LockInfo   { return f.old }

// Check re-reads the lock file: another efbackup took the lock over (it
// judged it stale: see package folderlock) or someone removed it.
func (f *folderLock) Check() error {
	in, err := folderlock.Read(filepath.Dir(f.l.Path()))
	if err != nil {
		return err
	}
	if in == nil || in.Token != f.l.Info().Token {
		var by *store.LockInfo
		if in != nil {
			b := lockInfo(*in)
			by = &b
		}
		return &store.LockLostError{Where: filepath.Dir(f.l.Path()), By: by}
	}
	return nil
}

// Pending lists the ".partial" files.
func (s *Store) Pending(ctx context.Context) ([]store.Pending, error) {
	des, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, s.fail("list", "", err)
	}
	var out []store.Pending
	for _, d := range des {
		n := d.Name()
		final, ok := strings.CutSuffix(n, fsutil.PartialSuffix)
		if !ok || !d.Type().IsRegular() || store.CheckName(final) != nil {
			continue
		}
		p := store.Pending{Name: final, ID: n}
		if fi, err := d.Info(); err == nil {
			p.Started = fi.ModTime()
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// CleanupOrphans removes the ".partial" files of the names ours accepts.
// Other programs' ".partial" files (a download in the same folder) are
// left alone when ours says so.
func (s *Store) CleanupOrphans(ctx context.Context, ours func(string) bool) ([]string, error) {
	ps, err := s.Pending(ctx)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, p := range ps {
		if ours != nil && !ours(p.Name) {
			continue
		}
		if err := os.Remove(filepath.Join(s.dir, p.ID)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, s.fail("remove", p.ID, err)
		}
		removed = append(removed, p.Name)
	}
	if len(removed) > 0 {
		_ = fsutil.SyncDir(s.dir)
	}
	return removed, nil
}

// ListPrefixes lists the sub-folders.
func (s *Store) ListPrefixes(ctx context.Context) ([]string, error) {
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, s.fail("list", "", err)
	}
	var out []string
	for _, d := range des {
		if d.IsDir() {
			out = append(out, d.Name())
		}
	}
	return out, nil
}

var _ store.Store = (*Store)(nil)
