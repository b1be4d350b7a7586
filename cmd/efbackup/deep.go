package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/deepcheck"
	"github.com/efbackup/efbackup/engine"
	"github.com/urfave/cli/v2"
)

// deepOptions say how the real engine is found and where it works.
type deepOptions struct {
	Java           string // the java program, instead of the one found
	DerbyClasspath string // Derby's jars, instead of the ones found
	Scratch        string // where the scratch copy goes (the system's temporary folder)
	Install        string // the install whose own runtime and engine to prefer
}

// deepFlags are the flags of the engine's proof, for verify and snapshot.
func deepFlags(u *ui, o *deepOptions) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "java", Usage: u.T("flag.java"), Destination: &o.Java},
		&cli.StringFlag{Name: "derby-classpath", Usage: u.T("flag.derbycp"), Destination: &o.DerbyClasspath},
		&cli.StringFlag{Name: "scratch", Usage: u.T("flag.scratch"), Destination: &o.Scratch},
	}
}

// deepResult is the real engine's proof of one snapshot or folder.
type deepResult struct {
	Runtime   *deepcheck.Runtime         `json:"runtime,omitempty"`
	Databases []deepcheck.DatabaseReport `json:"databases"`
	// Differences are the tables whose rows differ from what the engine
	// read in an earlier proof of the same snapshot.
	Differences []string       `json:"differences,omitempty"`
	Verdict     engine.Verdict `json:"verdict"`
	Seconds     float64        `json:"seconds"`
	// Recorded is the proof file written beside the snapshot.
	Recorded string `json:"recorded,omitempty"`
}

// noRuntimeError is deepcheck's *NoRuntimeError, worded for people.
type noRuntimeError struct {
	err  *deepcheck.NoRuntimeError
	msg  string
	hint string
}

func (e *noRuntimeError) Error() string { return e.msg }
func (e *noRuntimeError) Unwrap() error { return e.err }

// findDeepRuntime finds the Java runtime and Derby engine: the ones named,
// then the install's own, then the system's.
func findDeepRuntime(u *ui, o deepOptions) (*deepcheck.Runtime, error) {
	install := o.Install
	if install != "" {
		if _, err := os.Stat(install); err != nil {
			install = ""
		}
	}
	rt, err := deepcheck.FindRuntime(deepcheck.FindOptions{Install: install, Java: o.Java, DerbyClasspath: o.DerbyClasspath})
	if err != nil {
		if nr, ok := err.(*deepcheck.NoRuntimeError); ok {
			what := u.T("deep.nojava")
			if nr.Missing == "derby" {
				what = u.T("deep.noderby")
			}
			hint := u.T("hint.nojava." + runtimeOS())
			if nr.Missing == "derby" {
				hint = u.T("hint.noderby." + runtimeOS())
			}
			return nil, &noRuntimeError{err: nr, msg: u.T("err.noruntime", what, strings.Join(nr.Tried, "; ")), hint: hint}
		}
		return nil, err
	}
	return rt, nil
}

func runtimeOS() string {
	if runtime.GOOS == "windows" {
		return "windows"
	}
	return "unix"
}

// runtimeName says which engine judged: "Derby 10.14.2.0 on Java 17.0.15".
func runtimeName(rt *deepcheck.Runtime) string {
	return fmt.Sprintf("Derby %s on Java %s", rt.DerbyVersion, rt.JavaVersion)
}

// proveSnapshot restores a verified snapshot's databases into an
// owner-only scratch folder, lets the real engine boot each one writable
// (so that recovery runs), check every table and read every row, compares
// the rows with an earlier proof of the same snapshot, records the proof
// beside the snapshot, and removes the scratch folder.
func proveSnapshot(ctx context.Context, u *ui, archive string, m *backup.Manifest, o deepOptions) (*deepResult, error) {
	if o.Install == "" {
		o.Install = m.Install
	}
	dbs := derbyDatabases(m.Databases)
	res := &deepResult{Databases: []deepcheck.DatabaseReport{}, Verdict: engine.NotChecked}
	if len(dbs) == 0 {
		return res, nil
	}
	rt, err := findDeepRuntime(u, o)
	if err != nil {
		return nil, err
	}
	res.Runtime = rt
	scratch, cleanup, err := deepcheck.Scratch(o.Scratch, m.Totals.Bytes)
	if err != nil {
		return nil, scratchErr(u, err)
	}
	defer cleanup()
	u.info("%s", u.T("deep.extracting", scratch))
	if err := backup.ExtractTo(ctx, archive, scratch, m, nil); err != nil {
		return nil, err
	}
	if err := prove(ctx, u, rt, scratch, dbs, res); err != nil {
		return nil, err
	}
	prev, _ := backup.ReadProof(archive)
	if prev != nil && prev.Reference {
		for name, tables := range prev.Tables {
			for _, d := range res.Databases {
				if d.Name != name {
					continue
				}
				for _, diff := range deepcheck.Compare(deepTables(tables), d.Tables) {
					res.Differences = append(res.Differences, name+": "+diff.String())
				}
			}
		}
		if len(res.Differences) > 0 {
			res.Verdict = engine.Damaged
		}
	}
	// The record says when the engine last judged the snapshot and what it
	// found; the rows it compares with stay those of the first good proof,
	// so that damage found later never becomes the reference.
	rec := &backup.DeepRecord{Checked: time.Now().UTC(), Engine: runtimeName(rt), Verdict: res.Verdict, Seconds: res.Seconds,
		Tables: map[string][]backup.DeepTable{}}
	switch {
	case prev != nil && prev.Reference && res.Verdict != engine.OK:
		rec.Tables, rec.Reference = prev.Tables, true
	default:
		rec.Reference = res.Verdict == engine.OK
		for _, d := range res.Databases {
			for _, t := range d.Tables {
				rec.Tables[d.Name] = append(rec.Tables[d.Name], backup.DeepTable{Schema: t.Schema, Name: t.Name, System: t.System, Rows: t.Rows, Hash: t.Hash})
			}
		}
	}
	if err := backup.WriteProof(archive, rec); err != nil {
		u.warn(u.T("deep.norecord", archive+backup.ProofSuffix, err), "")
	} else {
		res.Recorded = archive + backup.ProofSuffix
	}
	return res, nil
}

// proveFolder copies a live db/ (which the caller found not in use) into an
// owner-only scratch folder and lets the engine judge the copy: the live
// folder is never booted.
func proveFolder(ctx context.Context, u *ui, db string, dbs []engine.Database, o deepOptions) (*deepResult, error) {
	names := derbyDatabases(dbs)
	res := &deepResult{Databases: []deepcheck.DatabaseReport{}, Verdict: engine.NotChecked}
	if len(names) == 0 {
		return res, nil
	}
	rt, err := findDeepRuntime(u, o)
	if err != nil {
		return nil, err
	}
	res.Runtime = rt
	scan, err := backup.ScanDB(db, engines())
	if err != nil {
		return nil, err
	}
	scratch, cleanup, err := deepcheck.Scratch(o.Scratch, scan.Bytes())
	if err != nil {
		return nil, scratchErr(u, err)
	}
	defer cleanup()
	if err := copyScan(ctx, scan, scratch); err != nil {
		return nil, err
	}
	if err := prove(ctx, u, rt, scratch, names, res); err != nil {
		return nil, err
	}
	return res, nil
}

// copyScan copies the scanned files into dir, owner-only, each checked
// unchanged while it was read.
func copyScan(ctx context.Context, scan *backup.Scan, dir string) error {
	for _, d := range scan.Dirs {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d.Path)), 0o700); err != nil {
			return err
		}
	}
	buf := make([]byte, 1<<20)
	for _, f := range scan.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		_, err = backup.StreamFile(ctx, f, buf, out, nil, nil)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// prove runs the engine on the databases called names inside scratch.
func prove(ctx context.Context, u *ui, rt *deepcheck.Runtime, scratch string, names []string, res *deepResult) error {
	var dbs []deepcheck.Database
	for _, n := range names {
		dbs = append(dbs, deepcheck.Database{Name: n, Dir: filepath.Join(scratch, n)})
	}
	u.info("%s", u.T("deep.running", runtimeName(rt)))
	start := time.Now()
	rep, err := deepcheck.Run(ctx, rt, dbs)
	if err != nil {
		return err
	}
	res.Seconds = time.Since(start).Seconds()
	res.Databases = rep.Databases
	res.Verdict = engine.OK
	for _, d := range rep.Databases {
		if engine.Worse(d.Verdict, res.Verdict) {
			res.Verdict = d.Verdict
		}
	}
	return nil
}

// derbyDatabases names the databases the engine can judge: Derby's, not
// encrypted.
func derbyDatabases(dbs []engine.Database) []string {
	var out []string
	for _, d := range dbs {
		if d.Engine == "derby" && !d.Encrypted {
			out = append(out, d.Name)
		}
	}
	return out
}

func deepTables(ts []backup.DeepTable) []deepcheck.Table {
	out := make([]deepcheck.Table, len(ts))
	for i, t := range ts {
		out[i] = deepcheck.Table{Schema: t.Schema, Name: t.Name, System: t.System, Rows: t.Rows, Hash: t.Hash, Complete: true}
	}
	return out
}

// scratchErr words a scratch folder without room.
func scratchErr(u *ui, err error) error {
	if ns, ok := err.(*deepcheck.NoSpaceError); ok {
		return &usageError{msg: u.T("err.scratchspace", ns.Dir, humanBytes(ns.Free), humanBytes(ns.Need)), hint: u.T("hint.scratchspace")}
	}
	return err
}

// printDeep prints the engine's proof.
func printDeep(w io.Writer, u *ui, r *deepResult) {
	if r == nil {
		return
	}
	if r.Runtime == nil {
		fmt.Fprintln(w, "  "+u.T("deep.none"))
		return
	}
	fmt.Fprintln(w, "  "+u.T("deep.head", runtimeName(r.Runtime), u.lang.TData("deep.source.", r.Runtime.Source), u.lang.TData("verdict.", string(r.Verdict)), r.Seconds))
	for _, d := range r.Databases {
		switch {
		case !d.Booted:
			msg := ""
			if d.BootError != nil {
				msg = d.BootError.SQLState + " " + d.BootError.Message
			}
			fmt.Fprintln(w, "    "+u.T("deep.refused", d.Name, msg))
		default:
			tables, rows := 0, int64(0)
			for _, t := range d.Tables {
				if !t.System {
					tables++
					rows += t.Rows
				}
			}
			key := "deep.db"
			if d.Recovered {
				key = "deep.dbrecovered"
			}
			fmt.Fprintln(w, "    "+u.T(key, d.Name, tables, rows, u.lang.TData("verdict.", string(d.Verdict))))
		}
		for _, t := range d.Tables {
			if t.CheckError != nil {
				fmt.Fprintln(w, "      "+u.T("deep.tablecheck", t.Schema+"."+t.Name, t.CheckError.SQLState, t.CheckError.Message))
			}
			if t.ReadError != nil {
				fmt.Fprintln(w, "      "+u.T("deep.tableread", t.Schema+"."+t.Name, t.Rows, t.ReadError.SQLState, t.ReadError.Message))
			}
		}
		for _, l := range d.LogFindings {
			fmt.Fprintln(w, "      "+u.T("deep.log", l))
		}
	}
	for _, d := range r.Differences {
		fmt.Fprintln(w, "    "+u.T("deep.diff", d))
	}
	if r.Recorded != "" {
		fmt.Fprintln(w, "    "+u.T("deep.recorded", r.Recorded))
	}
}
