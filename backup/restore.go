package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// RestoreOptions says what to restore where.
type RestoreOptions struct {
	// DB is the db/ folder to replace (it may not exist). Its parent, the
	// install folder, receives the staging folder and the moved-aside copy.
	DB           string
	Now          func() time.Time
	NewChecker   func(rel string, size int64) FileChecker
	FolderChecks FolderCheckFunc
	Progress     func(compressedDone int64)
	Hook         func(point string)
}

// RestorePlan is what a restore will do, and what --dry-run prints.
type RestorePlan struct {
	Archive   string    `json:"archive"`
	Target    string    `json:"target"`
	Staging   string    `json:"staging"`
	MoveAside string    `json:"move_aside,omitempty"` // where the current db/ goes; "" if there is none
	Manifest  *Manifest `json:"-"`
	Files     int       `json:"files"`
	Bytes     int64     `json:"bytes"`
}

// Staging and move-aside names. Both sit beside db/, in the same folder, so
// that every move is a rename on one file system.
const (
	StagingTag = "efbackup-restore"
	AsideTag   = "before-restore"
)

// PlanRestore works out the names a restore at time now would use.
func PlanRestore(archive, db string, now time.Time) RestorePlan {
	p := RestorePlan{
		Archive: archive,
		Target:  db,
		Staging: fmt.Sprintf("%s.%s-%s%s", db, StagingTag, fsutil.Timestamp(now), fsutil.PartialSuffix),
	}
	if fi, err := os.Lstat(db); err == nil && fi.IsDir() {
		p.MoveAside = fmt.Sprintf("%s.%s-%s", db, AsideTag, fsutil.Timestamp(now))
	}
	return p
}

// RestoreResult says what a restore did.
type RestoreResult struct {
	Plan      RestorePlan
	MovedTo   string // where the previous db/ now is, "" if there was none
	Manifest  *Manifest
	Verify    *VerifyReport
	Extracted *FolderReport
}

// Restore verifies the snapshot, extracts it into a staging folder beside
// db/, verifies the extracted files against the manifest, moves the current
// db/ aside (never deleting it) and renames the staging folder into place.
// If anything fails before the swap, the staging folder is removed and db/
// is untouched.
func Restore(ctx context.Context, archive string, opt RestoreOptions) (*RestoreResult, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	hook := opt.Hook
	if hook == nil {
		hook = func(string) {}
	}
	rep, err := VerifyArchive(ctx, archive, ReadOptions{NewChecker: opt.NewChecker, FolderChecks: opt.FolderChecks, Progress: opt.Progress})
	if err != nil {
		return nil, err
	}
	// Damage inside the databases is the user's call (restore warns); any
	// other problem means the archive cannot be trusted.
	var fatal []Problem
	for _, p := range rep.Problems {
		if p.Kind != ProblemDatabaseDamaged {
			fatal = append(fatal, p)
		}
	}
	res := &RestoreResult{Verify: rep, Manifest: rep.Manifest}
	if len(fatal) > 0 || rep.Manifest == nil {
		return res, &IntegrityError{Target: archive, Problems: rep.Problems}
	}
	m := rep.Manifest
	now := opt.Now()
	plan := PlanRestore(archive, opt.DB, now)
	plan.Manifest, plan.Files, plan.Bytes = m, m.Totals.Files, m.Totals.Bytes
	res.Plan = plan
	hook("restore-verified")

	// A staging folder left by a killed run keeps its name: it is never
	// removed blindly (after an exchange it can hold the previous db/).
	for i := 2; ; i++ {
		err := os.Mkdir(plan.Staging, 0o700)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) || i > 100 {
			return res, err
		}
		plan.Staging = fmt.Sprintf("%s.%s-%s-%d%s", opt.DB, StagingTag, fsutil.Timestamp(now), i, fsutil.PartialSuffix)
	}
	res.Plan = plan
	staged := false
	defer func() {
		if !staged {
			// Only our own fresh folder, holding only what we extracted.
			_ = fsutil.RemoveAll(plan.Staging)
		}
	}()
	if err := extract(ctx, archive, plan.Staging, m); err != nil {
		return res, err
	}
	hook("restore-extracted")
	ext, err := VerifyFolder(ctx, plan.Staging, m, FolderOptions{})
	if err != nil {
		return res, err
	}
	res.Extracted = ext
	if err := ext.Err(); err != nil {
		return res, err
	}
	// The owner keeps full access whatever the snapshot recorded, so that
	// a restored folder can always be moved aside again.
	if err := os.Chmod(plan.Staging, fs.FileMode(m.DBMode)&0o777|0o700); err != nil {
		return res, err
	}
	if err := fsutil.SyncDir(plan.Staging); err != nil {
		return res, err
	}
	hook("restore-before-swap")
	if plan.MoveAside != "" {
		// Where the system can, exchange the two folders in one step, so
		// that db/ is never missing, not even after a power cut; the
		// previous db/ then takes its aside name. Elsewhere (Windows), two
		// renames.
		err := fsutil.Exchange(plan.Staging, opt.DB)
		switch {
		case err == nil:
			// The staging name now holds the previous db/: it must never
			// be cleaned up as a staging folder.
			staged = true
			hook("restore-exchanged")
			moved, err := fsutil.MoveAsideFrom(plan.Staging, opt.DB, AsideTag, now)
			if err != nil {
				return res, fmt.Errorf("the snapshot is restored into %s, but the previous db/ could not be renamed from %s: %w", opt.DB, plan.Staging, err)
			}
			res.MovedTo = moved
			if err := fsutil.SyncDir(filepath.Dir(opt.DB)); err != nil {
				return res, err
			}
			hook("restore-done")
			return res, nil
		case !errors.Is(err, fsutil.ErrExchangeUnsupported):
			return res, err
		}
		moved, err := fsutil.MoveAside(opt.DB, AsideTag, now)
		if err != nil {
			return res, fmt.Errorf("moving %s aside: %w", opt.DB, err)
		}
		res.MovedTo = moved
		hook("restore-moved-aside")
	}
	if err := fsutil.RenameNoReplace(plan.Staging, opt.DB); err != nil {
		if res.MovedTo != "" {
			if rerr := os.Rename(res.MovedTo, opt.DB); rerr != nil {
				return res, fmt.Errorf("putting the restored folder in place failed (%v), and moving the original back from %s also failed: %w", err, res.MovedTo, rerr)
			}
			res.MovedTo = ""
		}
		return res, err
	}
	staged = true
	if err := fsutil.SyncDir(filepath.Dir(opt.DB)); err != nil {
		return res, err
	}
	hook("restore-done")
	return res, nil
}

// extract writes the db/ members of archive into dir, which must be a new,
// empty folder. Only names that passed classify and are listed in m, with
// the size m gives, are written; nothing is ever written outside dir, and
// no link is ever created or followed.
func extract(ctx context.Context, archive, dir string, m *Manifest) error {
	want := map[string]File{}
	for _, f := range m.Files {
		want[f.Path] = f
	}
	wantDir := map[string]Dir{}
	for _, d := range m.Dirs {
		wantDir[d.Path] = d
	}
	src, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer src.Close()
	rep := &VerifyReport{Archive: archive}
	var cur *os.File
	fail := func(p Problem) error {
		rep.Problems = append(rep.Problems, p)
		return &IntegrityError{Target: archive, Problems: rep.Problems}
	}
	p := &pass{rep: rep, entries: map[string]*entry{}, checks: map[string]FileCheck{}}
	p.sink = func(e *entry) (io.Writer, error) {
		f, ok := want[e.rel]
		if !ok {
			return nil, fail(Problem{Kind: ProblemExtra, File: e.rel, Detail: "not listed in the manifest; refused"})
		}
		if f.Size != e.size {
			return nil, fail(Problem{Kind: ProblemSize, File: e.rel, Detail: fmt.Sprintf("entry claims %d bytes, the manifest says %d; refused", e.size, f.Size)})
		}
		target, err := safeJoin(dir, e.rel)
		if err != nil {
			return nil, fail(Problem{Kind: ProblemHostile, File: e.rel, Detail: err.Error()})
		}
		if err := mkdirs(dir, e.rel); err != nil {
			return nil, err
		}
		out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, FilePerm)
		if err != nil {
			return nil, err
		}
		cur = out
		return &limitWriter{w: out, left: f.Size, name: e.rel}, nil
	}
	p.sinkDone = func(e *entry) error {
		out := cur
		cur = nil
		f := want[e.rel]
		if e.sha256 != f.SHA256 {
			out.Close()
			return fail(Problem{Kind: ProblemHash, File: e.rel, Detail: "extracted bytes do not match the manifest"})
		}
		if err := out.Sync(); err != nil {
			out.Close()
			return err
		}
		if err := out.Close(); err != nil {
			return err
		}
		target, _ := safeJoin(dir, e.rel)
		if err := os.Chmod(target, fs.FileMode(f.Mode)&0o777); err != nil {
			return err
		}
		return os.Chtimes(target, f.MTime, f.MTime)
	}
	err = p.run(ctx, src)
	if cur != nil {
		cur.Close()
	}
	if err != nil {
		return err
	}
	if len(rep.Problems) > 0 {
		return &IntegrityError{Target: archive, Problems: rep.Problems}
	}
	for rel, d := range wantDir {
		if err := mkdirs(dir, rel+"/x"); err != nil {
			return err
		}
		target, _ := safeJoin(dir, rel)
		if err := os.Chmod(target, fs.FileMode(d.Mode)&0o777|0o700); err != nil {
			return err
		}
	}
	return nil
}

// safeJoin joins a checked relative path to dir and makes sure the result
// stays inside dir.
func safeJoin(dir, rel string) (string, error) {
	if err := CheckRelPath(rel); err != nil {
		return "", err
	}
	p := filepath.Join(dir, filepath.FromSlash(rel))
	r, err := filepath.Rel(dir, p)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) || filepath.IsAbs(r) {
		return "", fmt.Errorf("%q would land outside the restore folder", rel)
	}
	return p, nil
}

// mkdirs creates the parent folders of rel inside dir, one level at a time,
// refusing anything on the way that is not a plain folder we can enter.
func mkdirs(dir, rel string) error {
	parts := strings.Split(rel, "/")
	cur := dir
	for _, part := range parts[:len(parts)-1] {
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		switch {
		case err == nil && fi.IsDir():
			continue
		case err == nil:
			return fmt.Errorf("%s exists and is not a folder", cur)
		case os.IsNotExist(err):
			if err := os.Mkdir(cur, 0o700); err != nil {
				return err
			}
		default:
			return err
		}
	}
	return nil
}

// limitWriter refuses to write more than the manifest allows, so that an
// entry lying about its size can never fill the disk.
type limitWriter struct {
	w    io.Writer
	left int64
	name string
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		return 0, &IntegrityError{Problems: []Problem{{Kind: ProblemSize, File: l.name, Detail: "entry holds more data than the manifest allows"}}}
	}
	l.left -= int64(len(p))
	return l.w.Write(p)
}
