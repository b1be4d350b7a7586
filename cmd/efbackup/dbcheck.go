package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/inuse"
	"github.com/efbackup/efbackup/verify/h2"
)

// newChecker wires the H2 file checks into the byte streams of snapshot,
// verify and restore: the checker sees the bytes as they pass, so the
// database is read once.
func newChecker(rel string, size int64) backup.FileChecker {
	return &h2Checker{c: h2.NewChecker(rel, size)}
}

type h2Checker struct{ c h2.Checker }

func (a *h2Checker) Write(p []byte) (int, error) { return a.c.Write(p) }

func (a *h2Checker) Result() backup.FileCheck { return fileCheck(a.c.Result()) }

// folderChecks adds the H2 findings that need the whole folder.
func folderChecks(in map[string]backup.FileCheck) map[string]backup.FileCheck {
	var rs []h2.Result
	for f, c := range in {
		r := h2.Result{File: f, Kind: c.Kind, Verdict: h2.Verdict(c.Verdict), Format: c.Format, H2Version: c.H2Version}
		for _, fd := range c.Findings {
			r.Findings = append(r.Findings, h2.Finding{Verdict: h2.Verdict(fd.Verdict), Code: fd.Code, Offset: fd.Offset, Detail: fd.Detail})
		}
		rs = append(rs, r)
	}
	out := map[string]backup.FileCheck{}
	for _, r := range h2.CheckFolder(rs) {
		out[r.File] = fileCheck(r)
	}
	return out
}

func fileCheck(r h2.Result) backup.FileCheck {
	fc := backup.FileCheck{Kind: r.Kind, Verdict: string(r.Verdict), Format: r.Format, H2Version: r.H2Version}
	for _, f := range r.Findings {
		fc.Findings = append(fc.Findings, backup.CheckFinding{Verdict: string(f.Verdict), Code: f.Code, Offset: f.Offset, Detail: f.Detail})
	}
	return fc
}

// checkInUse returns an *inuse.InUseError when anything in db is in use,
// and the warnings (a database not shut down cleanly, a network share)
// otherwise.
func checkInUse(ctx context.Context, db string) ([]inuse.Signal, error) {
	if _, err := os.Stat(db); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	rep, err := inuse.Check(ctx, db, inuse.Options{})
	if err != nil {
		return nil, err
	}
	return rep.Warnings, rep.Err()
}

// isInside reports whether p is dir or lies inside it.
func isInside(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	if err != nil {
		return false
	}
	return rel == "." || (rel != ".." && !filepath.IsAbs(rel) && !startsWithDotDot(rel))
}

func startsWithDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:2] == ".." && os.IsPathSeparator(rel[2])
}

// dbFolderChecks returns folderChecks, or nil when the checks are off.
func dbFolderChecks() backup.FolderCheckFunc {
	if dbChecks() == nil {
		return nil
	}
	return folderChecks
}

// dbChecks returns the checker factory, or nil when EFBACKUP_NO_DB_CHECKS=1.
// That switch exists so that `make bench` can show what the checks cost.
func dbChecks() func(rel string, size int64) backup.FileChecker {
	if os.Getenv("EFBACKUP_NO_DB_CHECKS") == "1" {
		return nil
	}
	return newChecker
}
