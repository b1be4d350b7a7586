// Package inuse answers one question before efbackup copies, restores or
// migrates e-Faktur's db/ folder: is any of its Derby databases in use?
// Copying a database while e-Faktur (or its database server) has it open
// gives a copy that may not boot, or boots with silently older data, so
// every command that touches db/ asks first.
//
// Check is asked about db/ (or about one database folder, such as
// db/ETaxInvoice) and answers for each database folder in it. It is
// read-only: it never creates, writes, renames or deletes anything there,
// and it never deletes a lock file, even one left over from a crash (the
// next boot of the database does that).
//
// # How Derby marks a database in use
//
// When Derby boots a database it can write to, it deletes and recreates
// db.lck and then, depending on the system:
//
//   - Linux, macOS and other unix systems: the delete of the open db.lck
//     succeeds, so Derby takes a whole-file POSIX (fcntl) write lock on
//     dbex.lck and holds it, with the file open, until the database shuts
//     down. Check asks the kernel with F_GETLK (on Linux F_OFD_GETLK, which
//     also reports a classic lock our own process holds) on dbex.lck, opened
//     read-only and closed at once: any lock there means in use, and the
//     kernel names the holder's pid. On Linux a scan of /proc/*/fd also
//     finds any other process with a file of the database open, such as a
//     copy tool or another efbackup.
//   - Windows: the delete fails, because Derby's own handle does not share
//     deletion, so Derby keeps db.lck open (read and write, shared for read
//     and write) for as long as the database is booted; there is no
//     dbex.lck. Check asks the Restart Manager (rstrtmgr.dll), which lists
//     the processes that have a file open without touching the file. Only
//     where the Restart Manager is missing or does not work (it is checked
//     once per process against a file of our own) does Check fall back to
//     opening db.lck with no sharing at all: a sharing violation means
//     another process has it open. The handle is closed at once.
//
// db.lck and dbex.lck stay behind when Derby is killed, when the computer
// loses power, and when e-Faktur exits without shutting its database down
// (Derby has no shutdown hook). So a lock file that nobody holds means "not
// shut down cleanly": a warning, never "in use". The next boot recovers the
// database from its log.
//
// # Hazards of the Windows fallback
//
// The exclusive open holds db.lck for microseconds, but in that instant it
// races e-Faktur starting: Derby's delete of db.lck fails (e-Faktur then
// reports "another instance may have booted the database"), or Derby's own
// open of db.lck fails and Derby silently boots the database read-only.
// That is why the Restart Manager comes first, why the fallback touches no
// file but db.lck, and why Options.NoExclusiveOpen exists. Under Wine the
// Restart Manager is a stub that lists no process, so the fallback is what
// runs there; the Restart Manager path is checked only on real Windows.
//
// Reading a database's files must never block Derby either: a handle
// without FILE_SHARE_DELETE makes Derby's delete of db.lck fail. efbackup
// reads db/ through fsutil.OpenShared. Even then, where Windows keeps a
// deleted file's name until its last handle closes (before Windows 10 1903,
// or off NTFS), Derby's new db.lck cannot be created while a reader holds
// the old one, and Derby boots read-only; Wine removes the name at once.
// Nothing in this package holds a file longer than one probe.
//
// # What Check cannot see
//
//   - A database on a network share (NFS, SMB, a mapped drive) opened from
//     another computer: the engine's lock lives on that computer. Check
//     warns when the folder is on a network file system; back up on the PC
//     that holds the data.
//   - On macOS and other unix systems: a process with files of the database
//     open but no lock (there is no /proc to scan). Derby always holds its
//     lock while it can write.
//   - On Linux: open files of processes of other users when not run as root,
//     and of processes in another PID namespace. Their locks are seen.
//   - On Windows without the Restart Manager: files other than db.lck held
//     by another program.
//   - A database Derby booted read-only makes no lock file.
//
// The package never prints and never exits; the CLI maps an *InUseError to
// its "in use" exit code.
package inuse

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/internal/i18n"
)

// SignalKind names what kind of evidence a Signal is.
type SignalKind string

// Kinds that make a database in use.
const (
	// KindOSLock: another process holds Derby's fcntl lock on dbex.lck.
	KindOSLock SignalKind = "os-lock"
	// KindOpenByProcess: another process has a file of the database open
	// (Linux: /proc; Windows: the Restart Manager).
	KindOpenByProcess SignalKind = "open-by-process"
	// KindSharingViolation: db.lck does not open without sharing, so
	// another process has it open (the Windows fallback).
	KindSharingViolation SignalKind = "sharing-violation"
	// KindUnknown: a lock file exists but could not be probed. It counts
	// as in use: guessing wrong would copy a live database.
	KindUnknown SignalKind = "unknown"
)

// Kinds that are only warnings.
const (
	// KindNotShutDown: db.lck or dbex.lck is there but nobody holds it:
	// the database was not shut down cleanly (a crash, a kill, or an app
	// that exits without shutting Derby down). Its next boot recovers it.
	KindNotShutDown SignalKind = "not-shut-down"
	// KindNetworkFS: the folder is on a network file system, where the
	// lock of a database opened from another computer is not visible.
	KindNetworkFS SignalKind = "network-file-system"
)

// Program says what kind of program holds a database, as far as the
// operating system tells its name.
type Program string

const (
	// ProgramJava is a Java VM: e-Faktur, or the Derby network server it
	// starts ("Start Db Sebagai Server"), or another Java program.
	ProgramJava Program = "java"
	// ProgramEFBackup is another efbackup run (the same executable as
	// this one, or a program named efbackup).
	ProgramEFBackup Program = "efbackup"
	// ProgramOther is any other program whose name is known.
	ProgramOther Program = "other"
)

// Signal is one piece of evidence about one file.
type Signal struct {
	Kind SignalKind `json:"kind"`
	// File is the path of the file concerned (for a folder-wide signal,
	// the folder).
	File string `json:"file"`
	// Database is the database folder the signal belongs to, or "" for
	// one about the whole checked folder.
	Database string `json:"database,omitempty"`
	// Detail says in English what was seen. It names the file relative to
	// the checked folder, so it stands alone in an error message.
	Detail string `json:"detail"`
	// Text is Detail as a catalogue message and its arguments, for
	// wording it in the user's language (see In). It is not in JSON: a
	// signal read back has only Detail.
	Text i18n.Text `json:"-"`
	// PID is the process concerned, when known (0 otherwise).
	PID int `json:"pid,omitempty"`
	// Process is the process's name as the system reports it ("java",
	// "javaw.exe"), when known.
	Process string `json:"process,omitempty"`
	// Program classifies the process, when its name is known.
	Program Program `json:"program,omitempty"`
}

// say gives s the detail that the catalogue message key with args words:
// Text keeps the message, Detail its English wording. Every signal this
// package makes gets its detail here.
func (s Signal) say(key string, args ...any) Signal {
	s.Text = i18n.Say(key, args...)
	s.Detail = s.Text.String()
	return s
}

// In is the signal's detail in language l: its Text when it has one, else
// the English Detail it was made or read back with.
func (s Signal) In(l i18n.Lang) string {
	return s.Text.Or(s.Detail).In(l)
}

// Words is the signal's detail as a message (the English Detail, quoted,
// when it has no Text).
func (s Signal) Words() i18n.Text {
	return s.Text.Or(s.Detail)
}

// Database is the answer for one database folder.
type Database struct {
	// Dir is the database folder.
	Dir string `json:"dir"`
	// InUse is true when any of Signals is present.
	InUse bool `json:"in_use"`
	// Probe names how the engine's lock was probed: "fcntl" (unix),
	// "restart-manager" or "exclusive-open" (Windows), or "none" where the
	// system offers no probe.
	Probe string `json:"probe"`
	// ProbeNote says why the preferred probe was not used, if it was not.
	ProbeNote string   `json:"probe_note,omitempty"`
	Signals   []Signal `json:"signals,omitempty"`
	Warnings  []Signal `json:"warnings,omitempty"`
}

// Report is the answer for one checked folder.
type Report struct {
	// Dir is the folder Check was asked about.
	Dir string `json:"dir"`
	// InUse is true when any database, or any file of the folder, is in
	// use.
	InUse bool `json:"in_use"`
	// Signals are every signal that makes the folder in use, strongest
	// first: those of each database and those about files outside any
	// database.
	Signals []Signal `json:"signals,omitempty"`
	// Warnings are worth telling but do not make the folder in use.
	Warnings []Signal `json:"warnings,omitempty"`
	// Databases has one entry per database folder found, by path.
	Databases []Database `json:"databases,omitempty"`
}

// Err returns an *InUseError when the folder is in use, else nil.
func (r *Report) Err() error {
	if r == nil || !r.InUse {
		return nil
	}
	return &InUseError{Dir: r.Dir, Report: *r}
}

// Options tune Check. The zero value is what the commands use.
type Options struct {
	// NoExclusiveOpen forbids the Windows fallback, the exclusive open of
	// db.lck that could race e-Faktur starting (see the package doc).
	// Where the Restart Manager does not work, an existing db.lck is then
	// reported as KindUnknown, which counts as in use.
	NoExclusiveOpen bool
}

// InUseError is returned by callers that refuse to proceed because the
// folder is in use. The CLI maps it to its "in use" exit code.
type InUseError struct {
	Dir    string
	Report Report
}

func (e *InUseError) Error() string {
	detail := "in use"
	if len(e.Report.Signals) > 0 {
		detail = e.Report.Signals[0].Detail
	}
	return fmt.Sprintf("%s is in use: %s", e.Dir, detail)
}

// The names of Derby's lock files (BaseDataFileFactory: DB_LOCKFILE_NAME,
// DB_EX_LOCKFILE_NAME).
const (
	dbLck   = "db.lck"
	dbexLck = "dbex.lck"
)

// fileInfo is one regular file found under the checked folder.
type fileInfo struct {
	path string // as found under the checked folder
	rel  string // relative to the checked folder, with forward slashes
	fi   fs.FileInfo
}

// Check reports whether any database in dir is in use: dir is e-Faktur's
// db/ folder, whose database folders it checks one by one, or one database
// folder. It returns an error only when dir cannot be read or ctx ends; a
// lock file that cannot be probed is a KindUnknown signal instead.
func Check(ctx context.Context, dir string, opt Options) (*Report, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &os.PathError{Op: "check", Path: dir, Err: errors.New("not a folder")}
	}
	files, err := listFiles(dir)
	if err != nil {
		return nil, err
	}
	rep := &Report{Dir: dir}
	for _, db := range findDatabases(dir) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d := Database{Dir: db}
		d.Probe, d.ProbeNote, d.Signals = probeEngineLock(db, dbFiles(dir, db, files), opt)
		rep.Databases = append(rep.Databases, d)
	}

	// Other processes with files of the folder open (Linux), each given
	// to its database, or to the folder as a whole.
	hits := scanProcs(ctx, dir, files)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, h := range groupHits(dir, rep.Databases, hits) {
		if i := dbIndex(rep.Databases, h.Database); i >= 0 {
			rep.Databases[i].Signals = append(rep.Databases[i].Signals, h)
		} else {
			rep.Signals = append(rep.Signals, h)
		}
	}

	for i := range rep.Databases {
		d := &rep.Databases[i]
		d.InUse = len(d.Signals) > 0
		if !d.InUse {
			if w, ok := leftover(dir, d.Dir); ok {
				d.Warnings = append(d.Warnings, w)
			}
		}
		sortSignals(d.Signals)
		sortSignals(d.Warnings)
		rep.Signals = append(rep.Signals, d.Signals...)
		rep.Warnings = append(rep.Warnings, d.Warnings...)
	}
	if fstype, remote := networkFS(dir); remote {
		rep.Warnings = append(rep.Warnings, networkWarning(dir, fstype))
	}
	sortSignals(rep.Signals)
	sortSignals(rep.Warnings)
	rep.InUse = len(rep.Signals) > 0
	return rep, nil
}

// unprobed is the signal of a lock file of db, named lock, that the probe
// could not ask about: err says why.
func unprobed(db, lock string, err error) Signal {
	return Signal{Kind: KindUnknown, File: filepath.Join(db, lock), Database: db}.say("inuse.detail.unprobed", filepath.Base(db), lock, errors.Unwrap(err))
}

// networkWarning says that dir is on a network file system, which
// networkFS names as fstype.
func networkWarning(dir string, fstype any) Signal {
	return Signal{Kind: KindNetworkFS, File: dir}.say("inuse.detail.netfs", filepath.Base(dir), fstype)
}

// isDatabase reports whether dir looks like a Derby database folder: it
// holds service.properties, seg0/ or one of the lock files. Names are
// compared without case, as Windows and macOS do.
func isDatabase(dir string) bool {
	entries, err := readDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		n := strings.ToLower(e.Name())
		if n == "service.properties" || n == dbLck || n == dbexLck || (n == "seg0" && e.IsDir()) {
			return true
		}
	}
	return false
}

// findDatabases returns dir itself when it is a database folder, else the
// database folders directly inside it (e-Faktur keeps one folder per
// database in db/), sorted.
func findDatabases(dir string) []string {
	if isDatabase(dir) {
		return []string{dir}
	}
	entries, err := readDir(dir)
	if err != nil {
		return nil
	}
	var dbs []string
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() && isDatabase(p) {
			dbs = append(dbs, p)
		}
	}
	return dbs
}

// dbFiles returns the files of files that lie in the database folder db.
func dbFiles(root, db string, files []fileInfo) []fileInfo {
	prefix := relPrefix(root, db)
	var out []fileInfo
	for _, f := range files {
		if prefix == "" || strings.HasPrefix(f.rel, prefix) {
			out = append(out, f)
		}
	}
	return out
}

// relPrefix is db relative to root with a trailing slash, or "" when db is
// root.
func relPrefix(root, db string) string {
	rel, err := filepath.Rel(root, db)
	if err != nil || rel == "." {
		return ""
	}
	return filepath.ToSlash(rel) + "/"
}

func dbIndex(dbs []Database, dir string) int {
	for i, d := range dbs {
		if dir != "" && d.Dir == dir {
			return i
		}
	}
	return -1
}

// leftover returns the "not shut down" warning for a database nobody uses
// whose lock files are still there.
func leftover(root, db string) (Signal, bool) {
	var found []string
	for _, n := range []string{dbLck, dbexLck} {
		if fi, err := os.Lstat(filepath.Join(db, n)); err == nil && fi.Mode().IsRegular() {
			found = append(found, n)
		}
	}
	if len(found) == 0 {
		return Signal{}, false
	}
	var files any = found[0]
	if len(found) == 2 {
		files = i18n.Say("inuse.detail.both", found[0], found[1])
	}
	return Signal{Kind: KindNotShutDown, File: filepath.Join(db, found[0]), Database: db}.say("inuse.detail.notshutdown", displayName(root, db), files), true
}

// displayName is db as the messages name it: relative to the checked
// folder, or its base name when it is the checked folder.
func displayName(root, p string) string {
	if rel, err := filepath.Rel(root, p); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.Base(p)
}

// listFiles returns the regular files in dir and in folders below it,
// following no symbolic link except dir itself (a db folder moved elsewhere
// and linked back is still the folder e-Faktur uses). Only a failure to
// read dir is an error: a folder below it that cannot be read is skipped.
func listFiles(dir string) ([]fileInfo, error) {
	if _, err := readDir(dir); err != nil {
		return nil, err
	}
	var files []fileInfo
	err := walkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if d != nil && d.IsDir() && p != dir {
				return fs.SkipDir
			}
			return nil
		}
		if p == dir || !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil // vanished meanwhile
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return nil
		}
		files = append(files, fileInfo{path: p, rel: filepath.ToSlash(rel), fi: fi})
		return nil
	})
	return files, err
}

// Folders are read through fsutil, which on Windows shares them for delete
// and rename too: Derby wipes and recreates tmp/ when it boots.
var (
	readDir    = fsutil.ReadDirShared
	walkShared = fsutil.WalkDirShared
)

// walkDir walks dir, which may be a symbolic link to a folder.
func walkDir(dir string, fn fs.WalkDirFunc) error {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil || real == dir {
		return walkShared(dir, fn)
	}
	return walkShared(real, func(p string, d fs.DirEntry, err error) error {
		rel, rerr := filepath.Rel(real, p)
		if rerr != nil {
			return nil
		}
		return fn(filepath.Join(dir, rel), d, err)
	})
}

// kindRank orders signals so that the first one, which the CLI prints, is
// the most telling.
var kindRank = map[SignalKind]int{
	KindOSLock:           0,
	KindOpenByProcess:    1,
	KindSharingViolation: 2,
	KindUnknown:          3,
	KindNetworkFS:        4,
	KindNotShutDown:      5,
}

func sortSignals(s []Signal) {
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if kindRank[a.Kind] != kindRank[b.Kind] {
			return kindRank[a.Kind] < kindRank[b.Kind]
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.PID < b.PID
	})
}
