package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/fsutil"
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
			rep.Problems = append(rep.Problems, Problem{Kind: ProblemMissing, File: want.Path, Detail: "listed in the manifest but not in the folder"})
		case got.Size != want.Size:
			rep.Problems = append(rep.Problems, Problem{Kind: ProblemSize, File: want.Path, Detail: sizeDetail(got.Size, want.Size)})
		case got.SHA256 != want.SHA256:
			rep.Problems = append(rep.Problems, Problem{Kind: ProblemHash, File: want.Path, Detail: "SHA-256 is " + got.SHA256 + ", the manifest says " + want.SHA256})
		}
	}
	for _, f := range rep.Files {
		if !listed[strings.ToLower(f.Path)] {
			rep.Problems = append(rep.Problems, Problem{Kind: ProblemExtra, File: f.Path, Detail: "in the folder but not listed in the manifest"})
		}
	}
}

// ChangedSince rewords the differences CompareFiles found as changes of a
// live database since the snapshot it was compared with: an ordinary
// INSERT changes files, and that is not damage (damage is what the
// database checks find).
func ChangedSince(ps []Problem) []Problem {
	out := make([]Problem, 0, len(ps))
	for _, p := range ps {
		switch p.Kind {
		case ProblemMissing, ProblemExtra, ProblemSize, ProblemHash:
			p.Detail = p.Kind + ": " + p.Detail
			p.Kind = ProblemChanged
		}
		out = append(out, p)
	}
	return out
}

func sizeDetail(got, want int64) string {
	return fmt.Sprintf("the folder holds %d bytes, the manifest says %d", got, want)
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
