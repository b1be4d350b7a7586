package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// FolderOptions tunes VerifyFolder and HashFolder.
type FolderOptions struct {
	NewChecker   func(rel string, size int64) FileChecker
	FolderChecks FolderCheckFunc
	Progress     func(done, total int64)
}

// FolderReport is what a pass over a live folder found.
type FolderReport struct {
	Dir      string
	Files    []File // what is there now, hashed
	Checks   map[string]FileCheck
	Problems []Problem
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
	files, _, err := ScanDB(dir)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, f := range files {
		total += f.Info.Size()
	}
	rep := &FolderReport{Dir: dir, Checks: map[string]FileCheck{}}
	buf := make([]byte, 1<<20)
	var done int64
	for _, f := range files {
		mf, err := StreamFile(ctx, f, buf, nil, opt.NewChecker, func(n int64) {
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
	applyFolderChecks(opt.FolderChecks, rep.Files)
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

// CompareFiles adds to rep every way rep.Files differs from m.Files.
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
