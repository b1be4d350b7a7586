// Package dbcheck connects the database-file checks to the byte streams of
// package backup: snapshot, verify and restore hand every file's bytes to
// a checker as they pass, so the database is read once. The command and the
// benchmark share it, so that the benchmark measures what the command
// runs, with the checks and without them.
package dbcheck

import (
	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/verify/h2"
)

// NewChecker wires the H2 file checks into the byte streams of snapshot,
// verify and restore: the checker sees the bytes as they pass, so the
// database is read once.
func NewChecker(rel string, size int64) backup.FileChecker {
	return &h2Checker{c: h2.NewChecker(rel, size)}
}

type h2Checker struct{ c h2.Checker }

func (a *h2Checker) Write(p []byte) (int, error) { return a.c.Write(p) }

func (a *h2Checker) Result() backup.FileCheck { return fileCheck(a.c.Result()) }

// FolderChecks adds the H2 findings that need the whole folder.
func FolderChecks(in map[string]backup.FileCheck) map[string]backup.FileCheck {
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
