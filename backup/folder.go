package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/internal/i18n"
)

// FolderOptions tunes VerifyFolder and HashFolder.
type FolderOptions struct {
	// Engines are the database engines whose files are left out and
	// checked, as in a snapshot (nil: none).
	Engines  engine.Set
	Progress func(done, total int64)
}

// FolderReport is what a pass over a live folder found.
type FolderReport struct {
	Dir       string
	Files     []File // what is there now, hashed
	Skipped   []string
	Databases []engine.Database
	Checks    map[string]FileCheck
	Problems  []Problem
}

// Err returns an *IntegrityError when there are problems.
func (r *FolderReport) Err() error {
	if len(r.Problems) == 0 {
		return nil
	}
	return &IntegrityError{Target: r.Dir, Problems: r.Problems}
}

// HashFolder reads every file of dir once, hashing it and running the
// database checks, with the same change detection as a snapshot: a file
// that changes while it is read fails the pass with *ChangedError.
func HashFolder(ctx context.Context, dir string, opt FolderOptions) (*FolderReport, error) {
	scan, err := ScanDB(dir, opt.Engines)
	if err != nil {
		return nil, err
	}
	files, total := scan.Files, scan.Bytes()
	rep := &FolderReport{Dir: dir, Skipped: scan.Skipped, Checks: map[string]FileCheck{}}
	pass := opt.Engines.NewPass()
	for _, d := range scan.Dirs {
		pass.Dir(d.Path)
	}
	for _, rel := range scan.Skipped {
		pass.Skipped(strings.TrimSuffix(rel, "/"), strings.HasSuffix(rel, "/"))
	}
	buf := make([]byte, 1<<20)
	var done int64
	for _, f := range files {
		mf, err := StreamFile(ctx, f, buf, nil, pass.File(f.Rel, f.Size()), func(n int64) {
			done += n
			if opt.Progress != nil {
				opt.Progress(done, total)
			}
		})
		if err != nil {
			return nil, err
		}
		rep.Files = append(rep.Files, mf)
	}
	rep.Databases = ApplyChecks(pass, rep.Files)
	for _, f := range rep.Files {
		if f.Check != nil {
			rep.Checks[f.Path] = *f.Check
		}
	}
	return rep, nil
}

// VerifyFolder reads every file of dir and compares it with m: the same
// files, no more and no fewer, each with the manifest's size and SHA-256.
// Modes and times are not compared: Windows keeps neither the way Unix
// does, and a restored database is judged by its bytes.
func VerifyFolder(ctx context.Context, dir string, m *Manifest, opt FolderOptions) (*FolderReport, error) {
	rep, err := HashFolder(ctx, dir, opt)
	if err != nil {
		return nil, err
	}
	CompareFiles(rep, m)
	return rep, nil
}

// CompareFiles adds to rep every way rep.Files differs from m.Files:
// missing, extra, or other size or bytes. For a copy that should equal the
// snapshot (a restore, a migration) each is a fault; ChangedSince says the
// same of a live database that has simply moved on.
func CompareFiles(rep *FolderReport, m *Manifest) {
	have := map[string]File{}
	for _, f := range rep.Files {
		have[strings.ToLower(f.Path)] = f
	}
	listed := map[string]bool{}
	for _, want := range m.Files {
		listed[strings.ToLower(want.Path)] = true
		got, ok := have[strings.ToLower(want.Path)]
		switch {
		case !ok:
			rep.Problems = append(rep.Problems, NewProblem(ProblemMissing, want.Path, "detail.missing.folderfile"))
		case got.Size != want.Size:
			rep.Problems = append(rep.Problems, NewProblem(ProblemSize, want.Path, "detail.size.folder", got.Size, want.Size))
		case got.SHA256 != want.SHA256:
			rep.Problems = append(rep.Problems, NewProblem(ProblemHash, want.Path, "detail.hash.differs", got.SHA256, want.SHA256))
		}
	}
	for _, f := range rep.Files {
		if !listed[strings.ToLower(f.Path)] {
			rep.Problems = append(rep.Problems, NewProblem(ProblemExtra, f.Path, "detail.extra.folder"))
		}
	}
}

// changedKinds are the differences ChangedSince rewords, with the word
// that names each in its detail.
var changedKinds = map[string]string{
	ProblemMissing: "detail.changedkind.missing",
	ProblemExtra:   "detail.changedkind.extra",
	ProblemSize:    "detail.changedkind.size",
	ProblemHash:    "detail.changedkind.hash",
}

// ChangedSince rewords the differences CompareFiles found as changes of a
// live database since the snapshot it was compared with: an ordinary
// INSERT changes files, and that is not damage (damage is what the
// database checks find).
func ChangedSince(ps []Problem) []Problem {
	out := make([]Problem, 0, len(ps))
	for _, p := range ps {
		if key, ok := changedKinds[p.Kind]; ok {
			p = problemText(ProblemChanged, p.File, i18n.Say("detail.changed.kind", i18n.Say(key), p.Words()))
		}
		out = append(out, p)
	}
	return out
}

// SHA256File hashes one file.
func SHA256File(path string) (string, int64, error) {
	f, err := fsutil.OpenShared(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
