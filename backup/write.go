package backup

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/efbackup/efbackup/crypt"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/faultio"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/local"
	"github.com/klauspost/compress/zstd"
)

// Level is a compression level as the command line names it.
type Level string

const (
	LevelFastest Level = "fastest"
	LevelDefault Level = "default"
	LevelBetter  Level = "better"
	LevelBest    Level = "best"
)

// DefaultLevel is the compression of a snapshot unless --level says
// otherwise: zstd's fastest strategy (about zstd -1). Measured on the 1 GiB
// Derby benchmark database it comes within 2% of zstd -3's size (the BLOB
// attachments do not compress at any level) while leaving the second core
// room for hashing and the database checks (docs/performance.md), so
// "fastest" and "default" are the same setting today.
const DefaultLevel = zstd.SpeedFastest

// ParseLevel maps a level name to the zstd encoder level.
func ParseLevel(s string) (zstd.EncoderLevel, error) {
	switch Level(s) {
	case LevelFastest, LevelDefault, "":
		return DefaultLevel, nil
	case LevelBetter:
		return zstd.SpeedDefault, nil
	case LevelBest:
		return zstd.SpeedBetterCompression, nil
	}
	return 0, fmt.Errorf("unknown compression level %q (use fastest, default, better or best)", s)
}

// Suffixes of the files a snapshot consists of.
const (
	ArchiveSuffix = ".tar.zst"
	SidecarSuffix = ".manifest.json"
)

// FilePerm is the mode of every file efbackup creates that holds or
// describes taxpayer data: owner only.
const FilePerm = 0o600

var (
	unsafeLabelRe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)
	nameRe        = regexp.MustCompile(`^(.+)-([0-9]{8}T[0-9]{6}Z)` + regexp.QuoteMeta(ArchiveSuffix) + `(` + regexp.QuoteMeta(EncryptedSuffix) + `)?$`)
)

// SafeLabel turns any folder name into a label that is safe in a file name
// on every system: letters, digits, '.', '_' and '-'.
func SafeLabel(s string) string {
	s = unsafeLabelRe.ReplaceAllString(s, "-")
	s = strings.Trim(s, "-.")
	if len(s) > 64 {
		s = strings.TrimRight(s[:64], "-.")
	}
	if s == "" {
		s = "efaktur"
	}
	return s
}

// ArchiveName is "<label>-<UTC time>.tar.zst".
func ArchiveName(label string, t time.Time) string {
	return label + "-" + fsutil.Timestamp(t) + ArchiveSuffix
}

// ParseArchiveName splits a snapshot file name (NAME.tar.zst, or
// NAME.tar.zst.age for an encrypted one) into label and time. It fails
// for any name efbackup would not have written.
func ParseArchiveName(name string) (label string, t time.Time, ok bool) {
	m := nameRe.FindStringSubmatch(name)
	if m == nil || SafeLabel(m[1]) != m[1] {
		return "", time.Time{}, false
	}
	t, err := time.Parse("20060102T150405Z", m[2])
	if err != nil {
		return "", time.Time{}, false
	}
	return m[1], t, true
}

// SnapshotOptions says what to snapshot and where.
type SnapshotOptions struct {
	DB      string // the db/ folder to read; never written
	Install string // the install folder, for the record
	// Store is where the snapshot goes: a folder or a bucket prefix. Nil
	// means the folder OutDir.
	Store store.Store
	// Create tunes the store's creates (an Object Lock retention on each
	// object written).
	Create         store.CreateOptions
	OutDir         string
	Label          string
	Level          zstd.EncoderLevel
	ToolVersion    string
	EFakturVersion string
	Now            func() time.Time
	// Engines are the database engines whose files the snapshot leaves
	// out (lock files, scratch space) and checks as they stream past. Nil
	// leaves nothing out and checks nothing: every folder is "not checked".
	Engines engine.Set
	// Progress, when set, is called with the number of bytes read so far.
	Progress func(done, total int64)
	// BeforeCommit, when set, runs after all data is written and before the
	// snapshot gets its final name; an error aborts the snapshot.
	BeforeCommit func() error
	// Hook is called at named points; tests use it to stop the process
	// there. Nil in normal use.
	Hook func(point string)
	// Recipients, when set, encrypt the snapshot (package crypt): the
	// whole tar.zst stream, as NAME.tar.zst.age, to public keys or to one
	// passphrase. The plaintext never reaches the disk.
	Recipients []crypt.Recipient
}

// SnapshotResult describes a finished snapshot.
type SnapshotResult struct {
	Path    string // where it is: a file path, or s3://bucket/prefix/NAME
	Sidecar string
	// Name is the archive's name in its store; Committed what the store
	// says it wrote (the version, the retention).
	Name        string
	Committed   store.Committed
	Manifest    *Manifest
	ArchiveSize int64
	// Encryption is set for an encrypted snapshot: what its sidecar says
	// of the encrypted file.
	Encryption *Encryption
}

// SourceFile is one regular file of db/ as the scan saw it.
type SourceFile struct {
	Rel  string // relative to db/, with "/"
	Abs  string
	Info fs.FileInfo
}

// Size is the file's size when it was scanned.
func (f SourceFile) Size() int64 { return f.Info.Size() }

// Scan is what a scan of db/ found.
type Scan struct {
	Files []SourceFile // sorted by path
	Dirs  []Dir
	// Skipped are the paths (relative to db/, "/") the engines leave out
	// of a backup, as they were found; a folder ends in "/" and stands for
	// everything in it.
	Skipped []string
}

// Bytes is the total size of the scanned files.
func (s *Scan) Bytes() int64 {
	var n int64
	for _, f := range s.Files {
		n += f.Info.Size()
	}
	return n
}

// ScanDB lists the regular files and folders of db/, refusing links and
// special files, and leaving out what the engines say a backup leaves out
// (engines may be nil). Paths are relative, with "/", sorted.
func ScanDB(db string, engines engine.Set) (*Scan, error) {
	scan := &Scan{}
	exclude := func(string, bool) bool { return false }
	if len(engines) > 0 {
		fi, err := os.Lstat(db)
		if err == nil && fi.IsDir() {
			ex, err := engines.Excluder(db)
			if err != nil {
				return nil, err
			}
			exclude = ex
		}
	}
	err := fsutil.WalkDirShared(db, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == db {
			if !d.IsDir() {
				return unsupportedFile(p, "detail.filetype.notfolder")
			}
			return nil
		}
		rel, err := filepath.Rel(db, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if exclude(rel, d.IsDir()) {
			if d.IsDir() {
				scan.Skipped = append(scan.Skipped, rel+"/")
				return filepath.SkipDir
			}
			scan.Skipped = append(scan.Skipped, rel)
			return nil
		}
		if err := CheckRelPath(rel); err != nil {
			return unsupportedFile(p, "detail.filetype.badname", err)
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case fi.Mode().IsRegular():
			scan.Files = append(scan.Files, SourceFile{Rel: rel, Abs: p, Info: fi})
		case fi.IsDir():
			scan.Dirs = append(scan.Dirs, Dir{Path: rel, Mode: Mode(fi.Mode().Perm())})
		case fi.Mode()&fs.ModeSymlink != 0:
			return unsupportedFile(p, "detail.filetype.symlink")
		default:
			return unsupportedFile(p, "detail.filetype.special", fi.Mode().Type().String())
		}
		return nil
	})
	sort.Slice(scan.Files, func(i, j int) bool { return scan.Files[i].Rel < scan.Files[j].Rel })
	if err != nil {
		return nil, err
	}
	if len(scan.Files) > MaxFiles || len(scan.Dirs) > MaxFiles {
		return nil, manifestLimit(i18n.Say("detail.limit.files", len(scan.Files), len(scan.Dirs), MaxFiles))
	}
	// The reader refuses two names that differ only in case (Windows would
	// merge them on restore): the writer refuses them first.
	seen := make(map[string]string, len(scan.Files)+len(scan.Dirs))
	for _, rel := range scan.names() {
		key := strings.ToLower(rel)
		if other, dup := seen[key]; dup {
			return nil, &CaseCollisionError{A: filepath.Join(db, filepath.FromSlash(other)), B: filepath.Join(db, filepath.FromSlash(rel))}
		}
		seen[key] = rel
	}
	return scan, nil
}

func (s *Scan) names() []string {
	out := make([]string, 0, len(s.Files)+len(s.Dirs))
	for _, d := range s.Dirs {
		out = append(out, d.Path)
	}
	for _, f := range s.Files {
		out = append(out, f.Rel)
	}
	return out
}

// EncoderWindow is the zstd window efbackup compresses with. The parallel
// encoder keeps several jobs of four windows each in flight, so the window
// sets the memory a snapshot needs. Measured on the 1 GiB Derby benchmark
// database: 512 KiB keeps a snapshot's peak resident memory near 48 MiB
// (1 MiB: 65 MiB, over the 64 MiB promise) and makes the archive 0.08%
// larger (see docs/performance.md).
const EncoderWindow = 512 << 10

// NewEncoder returns the zstd encoder efbackup uses: frame checksum on, and
// parallel block compression so that both cores of a small office PC work.
func NewEncoder(w io.Writer, level zstd.EncoderLevel) (*zstd.Encoder, error) {
	return zstd.NewWriter(w,
		zstd.WithEncoderLevel(level),
		zstd.WithEncoderCRC(true),
		zstd.WithWindowSize(EncoderWindow),
		zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)),
		zstd.WithConcurrentBlocks(true),
	)
}

// RemoveStalePartials removes the ".partial" files that interrupted
// snapshots left in dir: half-written archives and sidecars, never a
// finished snapshot; and the sidecars of encrypted snapshots whose archive
// never got its name (OrphanSidecar). Call it only while holding the
// folder lock, when no other efbackup can be writing one. It returns the
// names removed.
func RemoveStalePartials(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && OrphanSidecar(dir, n) {
			if err := os.Remove(filepath.Join(dir, n)); err != nil {
				return removed, err
			}
			removed = append(removed, n)
			continue
		}
		if !e.Type().IsRegular() || !strings.HasSuffix(n, fsutil.PartialSuffix) {
			continue
		}
		base := strings.TrimSuffix(n, fsutil.PartialSuffix)
		base = strings.TrimSuffix(base, SidecarSuffix)
		if _, _, ok := ParseArchiveName(base); !ok {
			continue // not ours
		}
		if err := os.Remove(filepath.Join(dir, n)); err != nil {
			return removed, err
		}
		removed = append(removed, n)
	}
	return removed, nil
}

// Snapshot reads db/ once and streams a snapshot into the store (OutDir):
// data first, then the manifest and SHA256SUMS, all through one create of
// the store that gets its final name only when everything is written (a
// ".partial" file renamed, a multipart upload completed). On any error, or
// when ctx is cancelled, the create is aborted and nothing else is left.
//
// With Recipients, the tar.zst stream is encrypted as it is written, and
// the sidecar (EncryptedSidecar) is written before the archive takes its
// final name, so that an encrypted snapshot is never without the record a
// check without its key needs.
func Snapshot(ctx context.Context, opt SnapshotOptions) (*SnapshotResult, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	hook := opt.Hook
	if hook == nil {
		hook = func(string) {}
	}
	encrypted := len(opt.Recipients) > 0
	if encrypted {
		if err := crypt.CheckRecipients(opt.Recipients...); err != nil {
			return nil, err
		}
	}
	scan, err := ScanDB(opt.DB, opt.Engines)
	if err != nil {
		return nil, err
	}
	files, dirs, total := scan.Files, scan.Dirs, scan.Bytes()
	st := opt.Store
	if st == nil {
		st = local.New(opt.OutDir)
	}
	// Names have one-second resolution; a second snapshot of the same
	// label within the same second waits for the next one rather than
	// fail or touch the first.
	var (
		created time.Time
		name    string
		out     store.Writer
	)
	for attempt := 0; ; attempt++ {
		created = opt.Now().UTC().Truncate(time.Second)
		name = ArchiveName(opt.Label, created)
		if encrypted {
			name += EncryptedSuffix
		}
		out, err = st.Create(ctx, name, opt.Create)
		if err == nil {
			break
		}
		if !errors.Is(err, store.ErrExists) || attempt == 2 {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Until(created.Add(time.Second)) + 10*time.Millisecond):
		}
	}
	final := store.Path(st, name)
	sidecarName := name + SidecarSuffix
	committed, sidecarWritten := false, false
	defer func() {
		if !committed {
			_ = out.Abort()
			if sidecarWritten {
				_ = st.Remove(context.WithoutCancel(ctx), sidecarName)
			}
		}
	}()
	hook("snapshot-created-partial")

	var (
		sink   io.Writer = out
		sealer io.WriteCloser
		sum    hash.Hash
	)
	if encrypted {
		// The encrypted bytes are hashed on their way to the disk: the
		// sidecar records their SHA-256 for checks without the key.
		sum = sha256.New()
		if sealer, err = crypt.Encrypt(io.MultiWriter(out, sum), opt.Recipients...); err != nil {
			return nil, err
		}
		sink = sealer
	}
	enc, err := NewEncoder(sink, opt.Level)
	if err != nil {
		return nil, err
	}
	defer enc.Close()
	tw := tar.NewWriter(enc)

	host, _ := os.Hostname()
	m := &Manifest{
		Schema:         Schema,
		Tool:           "efbackup",
		ToolVersion:    opt.ToolVersion,
		Created:        created,
		Host:           host,
		Source:         opt.DB,
		Install:        opt.Install,
		Label:          opt.Label,
		EFakturVersion: opt.EFakturVersion,
		Compression:    "zstd",
		Dirs:           dirs,
	}
	if fi, err := os.Stat(opt.DB); err == nil {
		m.DBMode = Mode(fi.Mode().Perm())
	}
	if err := tw.WriteHeader(dirHeader(DBPrefix, fs.FileMode(m.DBMode), created)); err != nil {
		return nil, err
	}
	for _, d := range dirs {
		if err := tw.WriteHeader(dirHeader(DBPrefix+d.Path+"/", fs.FileMode(d.Mode), created)); err != nil {
			return nil, err
		}
	}
	pass := opt.Engines.NewPass()
	for _, d := range scan.Dirs {
		pass.Dir(d.Path)
	}
	for _, rel := range scan.Skipped {
		pass.Skipped(strings.TrimSuffix(rel, "/"), strings.HasSuffix(rel, "/"))
	}
	buf := make([]byte, 1<<20)
	var done int64
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		mf, err := copyFile(ctx, tw, f, buf, pass.File(f.Rel, f.Size()), func(n int64) {
			done += n
			if opt.Progress != nil {
				opt.Progress(done, total)
			}
		})
		if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, mf)
		if i == 0 {
			hook("snapshot-first-file")
		}
	}
	m.Databases = ApplyChecks(pass, m.Files)
	m.Excluded = scan.Skipped
	m.Finish()
	mb, err := m.Marshal()
	if err != nil {
		return nil, err
	}
	// Whatever the reader would refuse, the writer refuses first: a
	// snapshot that its own verify and restore reject must never carry a
	// final name.
	if _, err := ParseManifest(mb); err != nil {
		return nil, manifestLimit(i18n.Say("detail.error", err))
	}
	hook("snapshot-data-written")
	for _, rec := range []struct {
		name string
		data []byte
	}{{SumsName, m.Sums()}, {ManifestName, mb}} {
		hdr := &tar.Header{Typeflag: tar.TypeReg, Name: rec.name, Size: int64(len(rec.data)), Mode: 0o600, ModTime: created, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(rec.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	var sealed *Encryption
	if encrypted {
		if err := sealer.Close(); err != nil {
			return nil, err
		}
		sealed = &Encryption{Format: EncryptionFormat, Recipients: recipientNames(opt.Recipients),
			SHA256: hex.EncodeToString(sum.Sum(nil)), Size: out.Written()}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opt.BeforeCommit != nil {
		if err := opt.BeforeCommit(); err != nil {
			return nil, err
		}
	}
	if encrypted {
		sb, err := EncryptedSidecar(m, *sealed).Marshal()
		if err != nil {
			return nil, err
		}
		// A sidecar under this name in a folder can only be one a killed
		// run left without its archive; any other file is never replaced.
		if ls, ok := st.(*local.Store); ok {
			if err := removeOrphanSidecar(ls.Path(name)); err != nil {
				return nil, err
			}
		}
		if _, err := store.WriteAll(ctx, st, sidecarName, sb, opt.Create); err != nil {
			return nil, err
		}
		sidecarWritten = true
		hook("snapshot-sidecar-written")
	}
	hook("snapshot-before-commit")
	size := out.Written()
	c, err := out.Commit()
	committed = true // Commit ends the create either way
	if err != nil && c.Name == "" {
		return nil, err
	}
	res := &SnapshotResult{Path: final, Name: name, Committed: c, Manifest: m, ArchiveSize: size}
	if err != nil {
		// Written, but the store could not confirm the retention asked
		// for: the snapshot exists and the caller hears both.
		return res, err
	}
	hook("snapshot-committed")
	if encrypted {
		res.Sidecar = store.Path(st, sidecarName)
		res.Encryption = sealed
		return res, nil
	}
	if _, err := store.WriteAll(ctx, st, sidecarName, mb, opt.Create); err != nil {
		// The archive is complete and carries its own manifest; only the
		// fast-listing copy is missing.
		return res, &SidecarError{Archive: final, Err: err}
	}
	res.Sidecar = store.Path(st, sidecarName)
	return res, nil
}

func dirHeader(name string, mode fs.FileMode, t time.Time) *tar.Header {
	return &tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: int64(mode.Perm()), ModTime: t, Format: tar.FormatPAX}
}

// copyFile writes one file's tar header and streams its bytes into the tar.
func copyFile(ctx context.Context, tw *tar.Writer, f SourceFile, buf []byte, chk engine.FileCheck, progress func(int64)) (File, error) {
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     DBPrefix + f.Rel,
		Size:     f.Info.Size(),
		Mode:     int64(f.Info.Mode().Perm()),
		ModTime:  f.Info.ModTime(),
		Format:   tar.FormatPAX,
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return File{}, err
	}
	return StreamFile(ctx, f, buf, tw, chk, progress)
}

// ApplyChecks ends a pass: it records the verdict of the engine that
// claimed each file's folder in files (and clears any other), and returns
// what the pass made of each folder of db/.
func ApplyChecks(pass *engine.Pass, files []File) []engine.Database {
	dbs, results := pass.Finish()
	for i := range files {
		files[i].Check = nil
		if r, ok := results[files[i].Path]; ok {
			files[i].Check = FileCheckOf(r)
		}
	}
	return dbs
}

// StreamFile reads one scanned file exactly once: it writes the bytes to w
// (when not nil), hashes them, feeds the database check (when not nil;
// its Result is taken after the last byte), and fails with
// *ChangedError if the file is not the one the scan saw, or changes, grows
// or shrinks while it is read. Snapshots, live-folder checks and the staged
// copy of a migration all read the source through it.
func StreamFile(ctx context.Context, f SourceFile, buf []byte, w io.Writer, chk engine.FileCheck, progress func(int64)) (File, error) {
	// Shared: e-Faktur may start while the snapshot runs, and Derby must
	// be able to delete and rename files that are being read.
	src, err := fsutil.OpenShared(f.Abs)
	if err != nil {
		return File{}, err
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return File{}, err
	}
	// The scan saw one file; make sure the open found the same one, and
	// not a link or a replacement put there in between, unchanged.
	if !sameFile(fi, f.Info) {
		return File{}, NewChangedError(f.Abs, "detail.changed.replaced")
	}
	size := fi.Size()
	if size != f.Info.Size() || !fi.ModTime().Equal(f.Info.ModTime()) {
		return File{}, NewChangedError(f.Abs, "detail.changed.scan", f.Info.Size(), size)
	}
	r := faultio.Reader(f.Abs, src)
	h := sha256.New()
	// Reading, and hashing, checking and passing the bytes on, each take a
	// good part of a core: a second goroutine does the latter with one
	// half of buf while this one fills the other, so that the compressor's
	// own workers are never kept waiting on a single thread.
	half := len(buf) / 2
	free := make(chan []byte, 2)
	free <- buf[:half:half]
	free <- buf[half:]
	work := make(chan []byte)
	done := make(chan struct{})
	// werr belongs to the second goroutine until done is closed; failed
	// tells the reading loop to stop early.
	var werr error
	var failed atomic.Bool
	go func() {
		defer close(done)
		for b := range work {
			if werr == nil {
				h.Write(b)
				if chk != nil {
					chk.Write(b)
				}
				if w != nil {
					if _, err := w.Write(b); err != nil {
						werr = err
						failed.Store(true)
					}
				}
				if werr == nil && progress != nil {
					progress(int64(len(b)))
				}
			}
			free <- b[:cap(b)]
		}
	}()
	var n int64
	readErr := func() error {
		for n < size {
			if err := ctx.Err(); err != nil {
				return err
			}
			b := <-free
			if failed.Load() {
				return nil // the second goroutine's error is returned below
			}
			want := int64(len(b))
			if size-n < want {
				want = size - n
			}
			k, err := io.ReadFull(r, b[:want])
			if k > 0 {
				work <- b[:k]
				n += int64(k)
			} else {
				free <- b
			}
			if err != nil {
				if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
					return NewChangedError(f.Abs, "detail.changed.shrank", size, n)
				}
				var pe *os.PathError
				if errors.As(err, &pe) {
					err = pe.Err // the path is already in the ReadError
				}
				return &ReadError{Path: f.Abs, Offset: n, Size: size, Err: err}
			}
		}
		return nil
	}()
	close(work)
	<-done
	if readErr != nil {
		return File{}, readErr
	}
	if werr != nil {
		return File{}, werr
	}
	// More data after the size we started with means it grew.
	var one [1]byte
	if k, _ := src.Read(one[:]); k > 0 {
		return File{}, NewChangedError(f.Abs, "detail.changed.grew", size)
	}
	after, err := src.Stat()
	if err != nil {
		return File{}, err
	}
	if after.Size() != size || !after.ModTime().Equal(fi.ModTime()) {
		return File{}, NewChangedError(f.Abs, "detail.changed.sizetime",
			size, fi.ModTime().UTC().Format(time.RFC3339Nano), after.Size(), after.ModTime().UTC().Format(time.RFC3339Nano))
	}
	if now, err := os.Lstat(f.Abs); err != nil || !sameFile(now, fi) {
		return File{}, NewChangedError(f.Abs, "detail.changed.renamed")
	}
	mf := File{
		Path:   f.Rel,
		Size:   size,
		Mode:   Mode(fi.Mode().Perm()),
		MTime:  fi.ModTime().UTC(),
		SHA256: hex.EncodeToString(h.Sum(nil)),
	}
	if chk != nil {
		mf.Check = FileCheckOf(chk.Result())
	}
	return mf, nil
}
