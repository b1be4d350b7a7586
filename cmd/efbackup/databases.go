package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/engine"
)

// checkedText says what a verdict rests on, in the user's language: "ok"
// never stands alone.
func checkedText(u *ui, checked []string) string {
	if len(checked) == 0 {
		return u.T("checked.none")
	}
	parts := make([]string, 0, len(checked))
	for _, c := range checked {
		parts = append(parts, u.lang.TData("checked.", c))
	}
	return strings.Join(parts, ", ")
}

// withBytes adds "bytes" to what a database's verdict rests on, for a
// pass that also compared every byte with a manifest.
func withBytes(dbs []engine.Database) []engine.Database {
	out := make([]engine.Database, len(dbs))
	for i, d := range dbs {
		d.Checked = append([]string{engine.CheckedBytes}, d.Checked...)
		out[i] = d
	}
	return out
}

// databaseVerdict is "ok (checked: …)", "DAMAGED (checked: …)" or
// "not checked".
func databaseVerdict(u *ui, d engine.Database) string {
	v := u.lang.TData("verdict.", string(d.Verdict))
	if d.Verdict == engine.NotChecked {
		return v
	}
	return u.T("checked.by", v, checkedText(u, d.Checked))
}

// databaseEngine is "Derby 10.14, written by engine 10.14.2.0", or what an
// unknown folder is.
func databaseEngine(u *ui, d engine.Database) string {
	switch {
	case d.Engine == engine.UnknownEngine:
		return u.T("db.unknown")
	case d.Versions != nil && d.Versions.Build != "" && !strings.HasPrefix(d.Versions.Build, "unknown") && d.DerbyVersion != "":
		return u.T("db.derbybuild", d.DerbyVersion, d.Versions.Build)
	case d.DerbyVersion != "":
		return u.T("db.derby", d.DerbyVersion)
	}
	return d.Engine
}

// printDatabases lists each folder of db/ with its engine, state and
// verdict, and the findings of the checks.
func printDatabases(w io.Writer, u *ui, dbs []engine.Database) {
	if len(dbs) == 0 {
		fmt.Fprintln(w, "  "+u.T("db.none"))
		return
	}
	fmt.Fprintln(w, u.T("db.heading"))
	recovering := false
	for _, d := range dbs {
		parts := []string{databaseEngine(u, d)}
		if d.Engine != engine.UnknownEngine {
			if d.State != engine.Unknown && d.State != "" {
				parts = append(parts, u.lang.TData("state.", string(d.State)))
			}
			parts = append(parts, databaseVerdict(u, d))
		}
		fmt.Fprintf(w, "  %s: %s\n", d.Name, strings.Join(parts, "; "))
		if d.Encrypted {
			fmt.Fprintln(w, "    "+u.T("db.encrypted"))
		}
		if d.LogDevice != "" {
			fmt.Fprintln(w, "    "+u.T("db.logdevice", d.LogDevice))
		}
		for _, f := range d.Findings {
			fmt.Fprintln(w, "    "+findingText(u, f))
		}
		recovering = recovering || d.State == engine.NeedsRecovery
	}
	if recovering {
		fmt.Fprintln(w, "  "+u.T("db.recovernote"))
	}
}

// findingText is one finding: its place (file, page, byte), verdict, code
// and reason.
func findingText(u *ui, f engine.Finding) string {
	place := f.File
	switch {
	case f.Page >= 0 && f.Offset >= 0:
		place += " (" + u.T("finding.page", f.Page, f.Offset) + ")"
	case f.Offset >= 0:
		place += " (" + u.T("finding.offset", f.Offset) + ")"
	}
	head := u.lang.TData("verdict.", string(f.Verdict)) + " " + f.Code
	if place != "" {
		head = place + ": " + head
	}
	return u.T("finding.line", head, f.In(u.lang))
}

// refuseDatabaseFolder is the usage error for a --db that names one
// database's own folder (db/ETaxInvoice) instead of e-Faktur's db/ folder:
// a snapshot of it would restore as a db/ in which e-Faktur finds nothing.
func refuseDatabaseFolder(u *ui, db, command string) error {
	if !isDatabaseFolder(db) {
		return nil
	}
	return &usageError{msg: u.T("err.dbisdatabase", db), hint: u.T("hint.dbisdatabase", command, filepath.Dir(db))}
}

// isDatabaseFolder reports whether dir is itself a database's folder
// (service.properties, seg0/ or log/log.ctrl at its top) rather than a
// folder that holds databases.
func isDatabaseFolder(dir string) bool {
	if engines().Recognise(dir) != nil {
		return true
	}
	var names []string
	for _, m := range engine.DatabaseFolderMarkers {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(m))); err == nil {
			names = append(names, m)
			if m == "seg0" {
				names = append(names, "seg0/")
			}
		}
	}
	return engine.LooksLikeDatabaseFolder(names)
}

// fileCheckReport is one file's verdict, for the JSON of the commands.
type fileCheckReport struct {
	File string `json:"file"`
	backup.FileCheck
}

// fileChecks lists the files whose checks found something.
func fileChecks(files []backup.File) []fileCheckReport {
	out := []fileCheckReport{}
	for _, f := range files {
		if f.Check != nil && len(f.Check.Findings) > 0 {
			out = append(out, fileCheckReport{File: f.Path, FileCheck: *f.Check})
		}
	}
	return out
}

// summaryVerdict is the verdict over db/'s databases: "not-checked" when
// there is no summary (no engine recognised anything).
func summaryVerdict(m *backup.Manifest) string {
	if m == nil || m.Checks == nil {
		return string(engine.NotChecked)
	}
	return m.Checks.Verdict
}

// printIndented is printDatabases, two spaces further in.
func printIndented(w io.Writer, u *ui, dbs []engine.Database) {
	var b strings.Builder
	printDatabases(&b, u, dbs)
	for _, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
		fmt.Fprintln(w, "  "+line)
	}
}
