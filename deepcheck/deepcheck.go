// Package deepcheck proves a copy of a Derby database with the real engine:
// it boots the copy writable, so that recovery runs as it would when
// e-Faktur next starts, checks every table with SYSCS_CHECK_TABLE, reads
// every row of every table (LOBs included), shuts the database down and
// reads what the engine wrote in derby.log.
//
// The checks of package engine/derby read Derby's files without Java; they
// are fast and catch torn pages, missing files and a damaged log, but not a
// log that is whole yet older than the data it should describe, nor an
// index that disagrees with its table. Only the engine itself can tell
// those, so this package runs it: a small Java program, embedded here as a
// compiled class, on the Java runtime and Derby engine that FindRuntime
// finds, preferably the ones e-Faktur's own install folder ships.
//
// The engine writes to the database it boots (recovery, a checkpoint), so
// Run is only ever given scratch copies; Scratch makes room for them.
//
// Nothing here prints or exits, and no row content leaves the JVM: the
// program reports counts, order-independent hashes of the rows, SQLStates
// and Derby's messages, cut short before the page dumps some of them carry.
package deepcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/internal/i18n"
)

// Database is one scratch copy of a database folder for Run. The engine
// writes to Dir (recovery, checkpoints): never pass a live database or the
// only copy of one.
type Database struct {
	Name string // as reports name it: the folder's name inside db/
	Dir  string // the scratch copy
}

// EngineError is an error the Derby engine raised, as its SQLState and
// message (cut short: never a page dump). Cause is the exception Derby
// chained to it: XJ040 "Failed to start database" carries the reason there.
type EngineError struct {
	SQLState string       `json:"sqlstate"`
	Message  string       `json:"message"`
	Cause    *EngineError `json:"cause,omitempty"`
}

func (e *EngineError) Error() string {
	var b strings.Builder
	for c := e; c != nil; c = c.Cause {
		if c != e {
			b.WriteString(": ")
		}
		if c.SQLState != "" {
			b.WriteString(c.SQLState + " ")
		}
		b.WriteString(c.Message)
	}
	return b.String()
}

// Has reports whether state is the SQLState of e or of an error it chains.
func (e *EngineError) Has(state string) bool {
	for c := e; c != nil; c = c.Cause {
		if c.SQLState == state {
			return true
		}
	}
	return false
}

// States lists the SQLStates of e and the errors it chains, outermost
// first, skipping empty ones.
func (e *EngineError) States() []string {
	var s []string
	for c := e; c != nil; c = c.Cause {
		if c.SQLState != "" {
			s = append(s, c.SQLState)
		}
	}
	return s
}

// Table is what the engine made of one table.
type Table struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	// System is true for Derby's catalog tables (SYS.*, SYSIBM.*).
	System bool `json:"system,omitempty"`
	// Container is the file of the table's rows ("seg0/c4a0.dat"), and
	// IndexContainers those of its indexes, as the catalog names them.
	Container       string   `json:"container,omitempty"`
	IndexContainers []string `json:"index_containers,omitempty"`
	// Rows is the number of rows read: all of them when Complete, else
	// those read before the error.
	Rows     int64 `json:"rows"`
	Complete bool  `json:"complete"`
	// Hash is the sum of the SHA-256 digests of the rows modulo 2^256, in
	// hex: two reads of the same rows give the same hash in any order.
	// Empty unless Complete.
	Hash       string       `json:"hash,omitempty"`
	CheckOK    bool         `json:"check_ok"`
	CheckError *EngineError `json:"check_error,omitempty"`
	ReadError  *EngineError `json:"read_error,omitempty"`
}

// DatabaseReport is the engine's judgement of one database.
type DatabaseReport struct {
	Name      string       `json:"name"`
	Dir       string       `json:"-"` // a scratch folder, gone after the check
	Booted    bool         `json:"booted"`
	BootError *EngineError `json:"boot_error,omitempty"`
	// Recovered: the boot replayed or undid log records and wrote a new
	// checkpoint (the database had not been shut down cleanly).
	Recovered bool    `json:"recovered"`
	Tables    []Table `json:"tables,omitempty"`
	// ReopenError: after a damaged table closed the database, the engine
	// could not open it again; the tables after it were not checked.
	ReopenError *EngineError `json:"reopen_error,omitempty"`
	// ShutdownError: the final ;shutdown=true failed with something other
	// than the expected 08006.
	ShutdownError *EngineError `json:"shutdown_error,omitempty"`
	// LogFindings are the lines of derby.log that report an error or lost
	// or doubted log records, cut short.
	LogFindings []string         `json:"log_findings,omitempty"`
	Verdict     engine.Verdict   `json:"verdict"`
	Findings    []engine.Finding `json:"findings,omitempty"`
	Seconds     float64          `json:"seconds"`
}

// UserRows is the number of rows read from the tables that are not the
// engine's catalog.
func (d *DatabaseReport) UserRows() int64 {
	var n int64
	for _, t := range d.Tables {
		if !t.System {
			n += t.Rows
		}
	}
	return n
}

// Report is the result of one Run.
type Report struct {
	Runtime   Runtime          `json:"runtime"`
	Databases []DatabaseReport `json:"databases"`
	// OK: every database's verdict is engine.OK.
	OK bool `json:"ok"`
}

// Limits of one run. The JVM's heap does not grow with the database: rows
// are hashed as they stream past, LOBs in chunks.
const (
	maxHeap = "256m"
	// The hard timeout is baseTimeout plus a second for every
	// bytesPerSecond bytes of the databases: far slower than any disk, so
	// it only ever stops a JVM that hangs.
	baseTimeout    = 5 * time.Minute
	bytesPerSecond = 2 << 20
	// The program's output is a few hundred bytes per table.
	maxStdout = 64 << 20
	maxStderr = 16 << 10
)

// ErrNoDatabases is returned by Run when it is given nothing to check.
var ErrNoDatabases = errors.New("deepcheck: no database to check")

// RunError says the check program itself failed (the JVM did not start,
// crashed, was killed, or printed something unreadable): this says nothing
// about the databases.
type RunError struct {
	Err    error
	Stderr string // the end of what the JVM printed on stderr
}

func (e *RunError) Error() string {
	s := "deep check: the Java program failed: " + e.Err.Error()
	if e.Stderr != "" {
		s += ": " + e.Stderr
	}
	return s
}

func (e *RunError) Unwrap() error { return e.Err }

// timeoutFor is the hard limit of a run over databases of n bytes.
func timeoutFor(n int64) time.Duration {
	return baseTimeout + time.Duration(n/bytesPerSecond)*time.Second
}

// Run writes the embedded program into an owner-only temporary folder,
// runs it on the databases with rt, parses what it reports and removes the
// folder (derby.log there can hold page dumps: taxpayer data). The JVM is
// killed when ctx ends or a hard timeout, sized from the databases, runs
// out.
//
// The verdict of a database is Damaged when the engine refuses to boot it,
// a SYSCS_CHECK_TABLE fails, a table cannot be read to its end, or
// derby.log reports lost or inconsistent log records; NotChecked when the
// engine cannot judge it (a newer on-disk version, an encrypted database,
// no room to recover); otherwise OK.
func Run(ctx context.Context, rt *Runtime, dbs []Database) (*Report, error) {
	if len(dbs) == 0 {
		return nil, ErrNoDatabases
	}
	if rt == nil || rt.Java == "" || len(rt.Classpath) == 0 {
		return nil, errors.New("deepcheck: no runtime: call FindRuntime first")
	}
	var total int64
	dirs := make([]string, len(dbs))
	for i, db := range dbs {
		abs, err := filepath.Abs(db.Dir)
		if err != nil {
			return nil, err
		}
		fi, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("deepcheck: database %s: %w", db.Name, err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("deepcheck: database %s: %s is not a folder", db.Name, abs)
		}
		dirs[i] = abs
		total += treeSize(abs)
	}

	stdout, err := runProgram(ctx, rt, dirs, timeoutFor(total))
	if err != nil {
		return nil, err
	}
	out, err := parseOutput(stdout)
	if err != nil {
		return nil, &RunError{Err: err}
	}
	if len(out.Databases) != len(dbs) {
		return nil, &RunError{Err: fmt.Errorf("%d databases reported for %d checked", len(out.Databases), len(dbs))}
	}
	rep := &Report{Runtime: *rt, OK: true}
	for i, o := range out.Databases {
		d := o.report(dbs[i])
		if d.Verdict != engine.OK {
			rep.OK = false
		}
		rep.Databases = append(rep.Databases, d)
	}
	return rep, nil
}

// afterProgram, when set (by tests), sees the temporary folder of a run
// (the class, derby.log) before it is removed.
var afterProgram func(tmp string)

// runProgram runs the embedded program on dirs and returns its stdout.
func runProgram(ctx context.Context, rt *Runtime, dirs []string, limit time.Duration) ([]byte, error) {
	tmp, err := mkdirTempPrivate("", "efbackup-deepcheck-")
	if err != nil {
		return nil, fmt.Errorf("deepcheck: temporary folder: %w", err)
	}
	defer fsutil.RemoveAll(tmp) //nolint:errcheck // best effort; the folder is owner-only
	if err := writePrivate(filepath.Join(tmp, className+".class"), classFile); err != nil {
		return nil, fmt.Errorf("deepcheck: %w", err)
	}
	home := filepath.Join(tmp, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		return nil, fmt.Errorf("deepcheck: %w", err)
	}
	if afterProgram != nil {
		defer afterProgram(tmp)
	}

	runCtx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	// The folders go in a UTF-8 file, not on the command line, which the
	// java launcher reads through the ANSI code page on Windows.
	argFile := filepath.Join(tmp, "args.txt")
	if err := writePrivate(argFile, []byte(strings.Join(append([]string{home}, dirs...), "\n")+"\n")); err != nil {
		return nil, fmt.Errorf("deepcheck: %w", err)
	}
	cp := []string{launcherPath(tmp)}
	for _, p := range rt.Classpath {
		cp = append(cp, launcherPath(p))
	}
	args := []string{
		"-Xmx" + maxHeap,
		// English messages whatever the PC's locale: derby.log is
		// searched for Derby's English texts.
		"-Duser.language=en", "-Duser.country=US",
		"-Djava.io.tmpdir=" + launcherPath(tmp),
		"-cp", strings.Join(cp, string(os.PathListSeparator)),
		className, "@" + launcherPath(argFile),
	}
	cmd := exec.CommandContext(runCtx, rt.Java, args...)
	cmd.Dir = tmp // where a JVM crash file would land: removed with it
	cmd.Env = javaEnv()
	stdout := &limitedBuffer{max: maxStdout}
	stderr := &tailBuffer{max: maxStderr}
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	cmd.WaitDelay = 10 * time.Second
	runErr := cmd.Run()
	if err := ctx.Err(); err != nil {
		return nil, &RunError{Err: err}
	}
	if runCtx.Err() != nil {
		return nil, &RunError{Err: fmt.Errorf("stopped after %v: %w", limit, runCtx.Err())}
	}
	if runErr != nil {
		return nil, &RunError{Err: runErr, Stderr: stderr.String()}
	}
	if stdout.overflow {
		return nil, &RunError{Err: fmt.Errorf("more than %d bytes of output", maxStdout)}
	}
	return stdout.Bytes(), nil
}

// javaEnv is the JVM's environment: the caller's, without the variables
// that would add options or classes behind the command line's back.
func javaEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(k) {
		case "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// treeSize is the number of bytes of the regular files under dir, for the
// timeout; unreadable entries count as nothing.
func treeSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func writePrivate(path string, data []byte) error {
	f, err := fsutil.OpenPrivate(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// The JSON the Java program prints (format 1).
type programOutput struct {
	Format     int        `json:"format"`
	Java       string     `json:"java"`
	JavaVendor string     `json:"java_vendor"`
	Derby      string     `json:"derby"`
	Databases  []dbOutput `json:"databases"`
}

type dbOutput struct {
	Dir              string        `json:"dir"`
	Booted           bool          `json:"booted"`
	BootError        *EngineError  `json:"boot_error"`
	CheckpointBefore int64         `json:"checkpoint_before"`
	CheckpointAfter  int64         `json:"checkpoint_after"`
	ReopenError      *EngineError  `json:"reopen_error"`
	ShutdownSQLState *string       `json:"shutdown_sqlstate"`
	ShutdownError    *EngineError  `json:"shutdown_error"`
	Tables           []tableOutput `json:"tables"`
	Log              []string      `json:"log"`
	Seconds          float64       `json:"seconds"`
}

type tableOutput struct {
	Schema     string       `json:"schema"`
	Name       string       `json:"name"`
	Type       string       `json:"type"`
	CheckOK    bool         `json:"check_ok"`
	CheckError *EngineError `json:"check_error"`
	Rows       int64        `json:"rows"`
	Complete   bool         `json:"complete"`
	Hash       *string      `json:"hash"`
	ReadError  *EngineError `json:"read_error"`
	Heap       *int64       `json:"heap"`
	Indexes    []int64      `json:"indexes"`
}

const outputFormat = 1

func parseOutput(b []byte) (*programOutput, error) {
	var out programOutput
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("unreadable report: %w", err)
	}
	if dec.More() {
		return nil, errors.New("unreadable report: more than one JSON document")
	}
	if out.Format != outputFormat {
		return nil, fmt.Errorf("report format %d, want %d", out.Format, outputFormat)
	}
	return &out, nil
}

// SQLStates with which the engine says it cannot judge the database, not
// that the database is damaged: a newer or beta on-disk format, an
// encrypted database without its boot password, missing engine parts, or
// the scratch disk refusing writes (recovery and checkpoints write).
var cannotJudge = map[string]string{
	"XSLAN": "deepcheck.detail.why-newer",
	"XSLAC": "deepcheck.detail.why-newer",
	"XCW00": "deepcheck.detail.why-no-upgrade",
	"XSLAP": "deepcheck.detail.why-beta",
	"XBM06": "deepcheck.detail.why-encrypted",
	"XBM07": "deepcheck.detail.why-encrypted",
	"XBM0G": "deepcheck.detail.why-no-cipher",
	"XBM02": "deepcheck.detail.why-engine-part",
	"XBM05": "deepcheck.detail.why-engine-version",
	"XSDB6": "deepcheck.detail.why-open-elsewhere",
	"XSDG1": "deepcheck.detail.why-scratch-full",
	"XSLA4": "deepcheck.detail.why-scratch-log",
	"XSDG9": "deepcheck.detail.why-interrupted",
	"XBM0C": "deepcheck.detail.why-scratch-no-write",
	"XBM0H": "deepcheck.detail.why-scratch-no-write",
	"XSLAQ": "deepcheck.detail.why-scratch-no-write",
	"XSLAE": "deepcheck.detail.why-scratch-no-write",
}

// cannotJudgeReason is the message key of the reason e says the engine
// cannot judge, or "".
func cannotJudgeReason(e *EngineError) string {
	for c := e; c != nil; c = c.Cause {
		if r, ok := cannotJudge[c.SQLState]; ok {
			return r
		}
	}
	return ""
}

// logLoss lists the derby.log texts that mean log records were lost or
// doubted: recovery went on without them, so committed work may be gone.
var logLoss = []string{
	"Incomplete log record",
	"System may be in a inconsistent state",
	"Log file not found",
	"Deleting incompatible old Logfile",
	"Bad start instant",
	"Log record is Not first",
	"Log record is first but",
	"may not be able to recover",
}

var (
	errorLine = regexp.MustCompile(`ERROR ([0-9A-Z]{5})\b`)
	// Derby names a page "Page(3,Container(0, 1168))": container 1168 is
	// seg0/c490.dat.
	pageRef = regexp.MustCompile(`Page\((\d+),Container\((\d+), ?(\d+)\)\)`)
	// A missing container: "The conglomerate (1,168) requested does not exist."
	conglomRef = regexp.MustCompile(`conglomerate \(([\d,.]+)\)`)
)

func (o *dbOutput) report(db Database) DatabaseReport {
	d := DatabaseReport{
		Name:          db.Name,
		Dir:           db.Dir,
		Booted:        o.Booted,
		BootError:     o.BootError,
		Recovered:     o.Booted && o.CheckpointAfter != -1 && o.CheckpointAfter != o.CheckpointBefore,
		ReopenError:   o.ReopenError,
		ShutdownError: o.ShutdownError,
		LogFindings:   o.Log,
		Seconds:       o.Seconds,
		Verdict:       engine.OK,
	}
	add := func(v engine.Verdict, code string, e *EngineError, key string, args ...any) {
		file, page := "", int64(-1)
		if e != nil {
			file, page = locate(e)
		}
		f := engine.NewFinding(v, code, file, page, -1, key, args...)
		d.Findings = append(d.Findings, f)
		if engine.Worse(v, d.Verdict) {
			d.Verdict = v
		}
	}
	if !o.Booted {
		// The engine's own message stays as it said it; the one made up
		// here for an engine that said nothing is worded like the rest.
		var why any
		if o.BootError == nil {
			noReason := i18n.Say("deepcheck.detail.boot-no-reason")
			o.BootError = &EngineError{Message: noReason.String()}
			d.BootError = o.BootError
			why = noReason
		} else {
			why = o.BootError.Error()
		}
		if r := cannotJudgeReason(o.BootError); r != "" {
			add(engine.NotChecked, "engine-cannot-judge", o.BootError,
				"deepcheck.detail.cannot-judge", i18n.Say(r), why)
		} else {
			add(engine.Damaged, "engine-boot", o.BootError, "deepcheck.detail.boot", why)
		}
	}
	for _, t := range o.Tables {
		tab := Table{
			Schema: t.Schema, Name: t.Name, System: t.Type == "S",
			Rows: t.Rows, Complete: t.Complete,
			CheckOK: t.CheckOK, CheckError: t.CheckError, ReadError: t.ReadError,
		}
		if t.Hash != nil && t.Complete {
			tab.Hash = *t.Hash
		}
		if t.Heap != nil {
			tab.Container = containerFile(*t.Heap)
		}
		for _, id := range t.Indexes {
			tab.IndexContainers = append(tab.IndexContainers, containerFile(id))
		}
		d.Tables = append(d.Tables, tab)
		name := t.Schema + "." + t.Name
		if t.CheckError != nil {
			v, code := engine.Damaged, "engine-check-table"
			if cannotJudgeReason(t.CheckError) != "" {
				v, code = engine.NotChecked, "engine-cannot-judge"
			}
			add(v, code, t.CheckError, "deepcheck.detail.check-table", name, t.CheckError.Error())
		}
		if !t.Complete {
			e := t.ReadError
			var why any
			if e == nil {
				unended := i18n.Say("deepcheck.detail.read-unended")
				e, why = &EngineError{Message: unended.String()}, unended
			} else {
				why = e.Error()
			}
			v, code := engine.Damaged, "engine-read"
			if cannotJudgeReason(e) != "" {
				v, code = engine.NotChecked, "engine-cannot-judge"
			}
			add(v, code, e, "deepcheck.detail.read", name, t.Rows, why)
		}
	}
	if o.Booted && o.ReopenError != nil && len(o.Tables) == 0 {
		// The table list itself could not be read.
		add(engine.Damaged, "engine-catalog", o.ReopenError, "deepcheck.detail.catalog", o.ReopenError.Error())
	}
	if o.ShutdownError != nil {
		add(engine.Warning, "engine-shutdown", o.ShutdownError, "deepcheck.detail.shutdown", o.ShutdownError.Error())
	}
	for _, line := range o.Log {
		if v, code := classifyLogLine(line); v != engine.OK {
			add(v, code, &EngineError{Message: line}, "deepcheck.detail.log", line)
		}
	}
	return d
}

// classifyLogLine says what a line of derby.log means for the verdict.
// Errors the engine logs about its scratch disk say nothing about the
// database; every other error does.
func classifyLogLine(line string) (engine.Verdict, string) {
	// A copy the engine could not write (a read-only folder or medium)
	// boots read-only and skips recovery: its rows prove nothing.
	if strings.Contains(line, "READ ONLY mode") || strings.Contains(line, "changed to read only") {
		return engine.NotChecked, "engine-read-only"
	}
	for _, s := range logLoss {
		if strings.Contains(line, s) {
			return engine.Damaged, "engine-log-lost"
		}
	}
	if m := errorLine.FindStringSubmatch(line); m != nil {
		switch {
		case m[1] == "08006" || m[1] == "XJ015":
			return engine.OK, "" // shutdown notices
		case cannotJudge[m[1]] != "":
			return engine.NotChecked, "engine-cannot-judge"
		}
		return engine.Damaged, "engine-log-error"
	}
	return engine.OK, ""
}

// locate names the file and page an engine error is about, when its
// message says: "Page(3,Container(0, 1168))" is page 3 of seg0/c490.dat,
// "conglomerate (1,168)" is seg0/c490.dat.
func locate(e *EngineError) (file string, page int64) {
	page = -1
	for c := e; c != nil; c = c.Cause {
		if m := pageRef.FindStringSubmatch(c.Message); m != nil {
			p, err1 := strconv.ParseInt(m[1], 10, 64)
			id, err2 := strconv.ParseInt(m[3], 10, 64)
			if err1 == nil && err2 == nil && m[2] == "0" {
				return containerFile(id), p
			}
		}
		if m := conglomRef.FindStringSubmatch(c.Message); m != nil {
			digits := strings.NewReplacer(",", "", ".", "").Replace(m[1])
			if id, err := strconv.ParseInt(digits, 10, 64); err == nil {
				return containerFile(id), -1
			}
		}
	}
	return "", -1
}

// containerFile is the file of container id: "c" + lowercase hex + ".dat".
func containerFile(id int64) string {
	return "seg0/c" + strconv.FormatInt(id, 16) + ".dat"
}

// Difference is a table whose rows differ between two runs of the engine.
type Difference struct {
	Schema, Name string
	// What: "rows" (the counts differ), "content" (same count, other
	// rows), "missing" (recorded, not there now), "added" (there now, not
	// recorded), "unreadable" (not read to the end now).
	What          string
	Recorded, Now int64 // row counts
}

func (d Difference) String() string {
	name := d.Schema + "." + d.Name
	switch d.What {
	case "rows":
		return fmt.Sprintf("%s: %d rows recorded, %d now", name, d.Recorded, d.Now)
	case "content":
		return fmt.Sprintf("%s: %d rows as recorded, but their content differs", name, d.Now)
	case "missing":
		return fmt.Sprintf("%s: recorded with %d rows, missing now", name, d.Recorded)
	case "added":
		return fmt.Sprintf("%s: not recorded, %d rows now", name, d.Now)
	case "unreadable":
		return fmt.Sprintf("%s: recorded with %d rows, now unreadable after %d", name, d.Recorded, d.Now)
	}
	return name + ": " + d.What
}

// Compare reports the user tables whose rows differ between a recorded
// run and a run now, in schema and name order. Catalog tables are left
// out: they are the engine's business, and an engine newer than the one
// recorded may change them when it boots the database (soft upgrade)
// without anything being lost.
func Compare(recorded, now []Table) []Difference {
	type key struct{ schema, name string }
	rec := map[key]Table{}
	for _, t := range recorded {
		if !t.System {
			rec[key{t.Schema, t.Name}] = t
		}
	}
	var diffs []Difference
	seen := map[key]bool{}
	for _, n := range now {
		if n.System {
			continue
		}
		k := key{n.Schema, n.Name}
		seen[k] = true
		r, ok := rec[k]
		switch {
		case !ok:
			diffs = append(diffs, Difference{Schema: n.Schema, Name: n.Name, What: "added", Now: n.Rows})
		case !n.Complete:
			diffs = append(diffs, Difference{Schema: n.Schema, Name: n.Name, What: "unreadable", Recorded: r.Rows, Now: n.Rows})
		case r.Rows != n.Rows:
			diffs = append(diffs, Difference{Schema: n.Schema, Name: n.Name, What: "rows", Recorded: r.Rows, Now: n.Rows})
		case r.Hash != "" && n.Hash != "" && r.Hash != n.Hash:
			diffs = append(diffs, Difference{Schema: n.Schema, Name: n.Name, What: "content", Recorded: r.Rows, Now: n.Rows})
		}
	}
	for k, r := range rec {
		if !seen[k] {
			diffs = append(diffs, Difference{Schema: r.Schema, Name: r.Name, What: "missing", Recorded: r.Rows})
		}
	}
	sort.Slice(diffs, func(i, j int) bool {
		if diffs[i].Schema != diffs[j].Schema {
			return diffs[i].Schema < diffs[j].Schema
		}
		return diffs[i].Name < diffs[j].Name
	})
	return diffs
}

// limitedBuffer keeps at most max bytes and notes that more came.
type limitedBuffer struct {
	bytes.Buffer
	max      int
	overflow bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); len(p) > room {
		b.overflow = true
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	buf []byte
	max int
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.buf = append(b.buf, p...)
	if len(b.buf) > b.max {
		b.buf = append(b.buf[:0], b.buf[len(b.buf)-b.max:]...)
	}
	return len(p), nil
}

// String is the tail, trimmed, cut to a few hundred characters: enough to
// tell why a JVM failed, too little to carry much else.
func (b *tailBuffer) String() string {
	s := strings.TrimSpace(string(b.buf))
	if len(s) > 600 {
		s = "..." + s[len(s)-600:]
	}
	return s
}

var _ io.Writer = (*tailBuffer)(nil)
