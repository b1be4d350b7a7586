// Package inuse answers one question before efbackup copies, restores or
// migrates an e-Faktur database folder: is anything in it in use? Copying
// db/ while e-Faktur runs gives a torn copy that may not open, or opens with
// silently older data, so every command that touches db/ asks first.
//
// The answer combines every signal the operating system and the H2 engine
// leave behind, and it is strictly read-only: the package never creates,
// writes, renames or deletes anything in the folder. In particular it never
// writes or deletes an H2 lock file (*.lock.db), even a stale one: H2's own
// takeover protocol writes to it, and a backup tool must not take part in
// that protocol. Clearing a left-over lock is e-Faktur's job (open and close
// it once).
//
// The signals, strongest first:
//
//   - os-lock: another process holds an OS lock on a file. An open H2
//     MVStore (*.mv.db) holds a whole-file POSIX fcntl lock on unix and a
//     LockFileEx lock on Windows. On unix it is seen with F_GETLK (on Linux
//     F_OFD_GETLK, which also sees classic locks of our own process), and
//     the holder's pid comes with it. On other systems POSIX makes classic
//     locks of the asking process invisible to F_GETLK.
//   - open-by-process (Linux): a process other than ours has a file of the
//     folder open, found in /proc/*/fd. An open PageStore (*.h2.db: H2
//     before 1.4, or 1.4 with MV_STORE=FALSE) takes no OS lock; this and its
//     lock file are the only signs that it is open.
//   - sharing-violation (Windows): opening a file with no sharing fails, so
//     another handle to it exists. Java opens files with shared read and
//     write, so an exclusive open fails while e-Faktur runs.
//   - lock-file-live, lock-file-stale, lock-file-unknown: the verdict on an
//     H2 lock file. It is live when a signal above shows its database open,
//     when the file changes while it is watched, or when the socket or
//     AUTO_SERVER address it names accepts a connection. It is stale when
//     every address of that server refuses the connection, or when a
//     conclusive local probe shows nothing has the database open (Linux: no
//     lock and no process has a file of it open; Windows: every file of it
//     opens exclusively) and the lock names no other computer. A stale lock
//     file is a warning, left over from a crash. Anything else is unknown,
//     which counts as in use: guessing wrong would copy a live database.
//
// What the probes cannot see, and so leave to the lock file (whose verdict
// is then unknown unless its address refuses):
//
//   - on macOS and other unix systems, a database open without a lock (a
//     PageStore): there is no /proc to scan;
//   - on Linux, processes of other users when not run as root (one that
//     looks like a JVM or Wine makes the scan inconclusive), and processes
//     in another PID namespace;
//   - a database on a shared folder opened from another computer, except
//     through what the file system forwards: Windows file servers enforce
//     share modes and byte-range locks for every client, Linux network file
//     systems vary.
//
// Side effects, all on Windows and all brief: the exclusive open holds the
// file for microseconds, so an e-Faktur starting in that instant could fail
// to open it; it also counts handles of our own process as "another".
//
// The package never prints and never exits; the CLI maps an *InUseError to
// its "in use" exit code.
package inuse

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// SignalKind names what kind of evidence a Signal is.
type SignalKind string

// The kinds of evidence. The first three are OS-level, the last three are
// verdicts on an H2 lock file.
const (
	KindOSLock           SignalKind = "os-lock"
	KindOpenByProcess    SignalKind = "open-by-process"
	KindSharingViolation SignalKind = "sharing-violation"
	KindLockFileLive     SignalKind = "lock-file-live"
	KindLockFileStale    SignalKind = "lock-file-stale"
	KindLockFileUnknown  SignalKind = "lock-file-unknown"
)

// Signal is one piece of evidence about one file.
type Signal struct {
	Kind SignalKind `json:"kind"`
	// File is the path of the file concerned.
	File string `json:"file"`
	// Detail says in English what was seen; it names the file's base name,
	// so it stands alone in an error message.
	Detail string `json:"detail"`
	// PID is the process concerned, when known (0 otherwise).
	PID int `json:"pid,omitempty"`
}

// Report is the answer for one folder.
type Report struct {
	// InUse is true when any signal shows live use, or when a lock file
	// cannot be proven stale.
	InUse bool `json:"in_use"`
	// Signals are the signals that make the folder in use, strongest first.
	Signals []Signal `json:"signals,omitempty"`
	// Warnings are worth telling but do not make the folder in use, such as
	// a stale lock file left after a crash.
	Warnings []Signal `json:"warnings,omitempty"`
}

// Options tune Check. The zero value is ready to use.
type Options struct {
	// LockWatch is how long an existing *.lock.db is watched for changes;
	// 2.5s when zero. H2 rewrites its lock file about once a second while
	// another process tries to take it over, so a change shows the lock is
	// contested right now.
	LockWatch time.Duration
	// Dial connects to the address a lock file names (socket method,
	// AUTO_SERVER); net.Dialer when nil. Tests swap it.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// DefaultLockWatch is the LockWatch used when Options leaves it zero.
const DefaultLockWatch = 2500 * time.Millisecond

// dialTimeout bounds one connection attempt to a lock file's address. A
// refused connection comes back at once (about 1s on Windows, which retries);
// silence until the timeout proves nothing either way.
const dialTimeout = 2 * time.Second

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

// fileInfo is one regular file found under the folder.
type fileInfo struct {
	path string // as found under dbDir
	rel  string // relative to dbDir, with forward slashes
	fi   fs.FileInfo
}

// scanProcs looks for processes other than ours that have files of root
// open: the listed files, and with wholeDir any file below root. It is a
// variable so that tests can make the scan inconclusive.
var scanProcs = platformScanProcs

// isLockFile reports whether name is an H2 lock file. Case does not matter:
// Windows and macOS file names are case-insensitive.
func isLockFile(name string) bool {
	return strings.HasSuffix(strings.ToLower(name), ".lock.db")
}

// Check reports whether anything in dbDir, or in folders below it, is in
// use. It returns an error only when dbDir cannot be read or ctx ends; a
// file that cannot be probed makes a lock-file verdict less certain but is
// not an error (the copy that follows would fail loudly on it anyway).
//
// Check waits opt.LockWatch only when a lock file exists that no OS signal
// already explains.
func Check(ctx context.Context, dbDir string, opt Options) (Report, error) {
	if opt.LockWatch <= 0 {
		opt.LockWatch = DefaultLockWatch
	}
	if opt.Dial == nil {
		var d net.Dialer
		opt.Dial = d.DialContext
	}
	files, err := listFiles(dbDir)
	if err != nil {
		return Report{}, err
	}

	// OS-level probes of every file. Lock files are left out: H2 writes
	// and closes them and never keeps them open or locked, and an exclusive
	// open on Windows, however short, could make H2's own rewrite or delete
	// of the file fail. The lock-file verdict below covers them, and the
	// Linux process scan still sees them if someone holds one open.
	var osSigs []Signal
	probeOK := map[string]bool{} // path -> probed without error
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		if isLockFile(f.fi.Name()) {
			continue
		}
		sig, found, err := probeFile(f.path)
		probeOK[f.path] = err == nil
		if found {
			osSigs = append(osSigs, sig)
		}
	}
	scan := scanProcs(ctx, dbDir, files, true)
	if err := ctx.Err(); err != nil {
		return Report{}, err
	}
	osSigs = append(osSigs, scan.hits...)

	var rep Report
	rep.Signals = append(rep.Signals, osSigs...)

	var locks []fileInfo
	for _, f := range files {
		if isLockFile(f.fi.Name()) {
			locks = append(locks, f)
		}
	}
	verdicts := make([]Signal, len(locks))
	errs := make([]error, len(locks))
	done := make(chan int)
	for i, lf := range locks {
		j := lockJudge{
			file:  lf,
			files: files,
			os:    osSigs,
			ok:    probeOK,
			scan:  scan,
			opt:   opt,
		}
		go func() {
			verdicts[i], errs[i] = j.judge(ctx)
			done <- i
		}()
	}
	for range locks {
		<-done
	}
	if err := ctx.Err(); err != nil {
		return Report{}, err
	}
	if err := errors.Join(errs...); err != nil {
		return Report{}, err
	}
	for _, v := range verdicts {
		if v.Kind == KindLockFileStale {
			rep.Warnings = append(rep.Warnings, v)
		} else {
			rep.Signals = append(rep.Signals, v)
		}
	}
	sortSignals(rep.Signals)
	sortSignals(rep.Warnings)
	rep.InUse = len(rep.Signals) > 0
	return rep, nil
}

// listFiles returns the regular files in dbDir and in folders below it,
// following no symbolic link except dbDir itself (a db folder moved
// elsewhere and linked back is still the folder e-Faktur uses). Only a
// failure to read dbDir is an error: a folder below it that cannot be read
// is skipped.
func listFiles(dbDir string) ([]fileInfo, error) {
	entries, err := os.ReadDir(dbDir)
	if err != nil {
		return nil, err
	}
	var files []fileInfo
	visit := func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil // vanished meanwhile
		}
		rel, err := filepath.Rel(dbDir, p)
		if err != nil {
			return nil
		}
		files = append(files, fileInfo{path: p, rel: filepath.ToSlash(rel), fi: fi})
		return nil
	}
	for _, e := range entries {
		p := filepath.Join(dbDir, e.Name())
		if e.IsDir() {
			filepath.WalkDir(p, visit)
		} else {
			visit(p, e, nil)
		}
	}
	return files, nil
}

// kindRank orders signals so that the first one, which the CLI prints, is
// the most telling.
var kindRank = map[SignalKind]int{
	KindOSLock:           0,
	KindSharingViolation: 1,
	KindOpenByProcess:    2,
	KindLockFileLive:     3,
	KindLockFileUnknown:  4,
	KindLockFileStale:    5,
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

// CheckFile probes one file at the OS level: does another process hold a
// lock on it or, where the system can tell, have it open? found is false
// when nothing was seen. On Linux it also scans /proc for processes that
// have the file open. On macOS and other unix systems only locks can be
// seen: a file open without a lock (an H2 PageStore) looks free.
func CheckFile(path string) (sig Signal, found bool, err error) {
	sig, found, err = probeFile(path)
	if found || err != nil {
		return sig, found, err
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return Signal{}, false, err
	}
	dir := filepath.Dir(path)
	scan := scanProcs(context.Background(), dir, []fileInfo{{path: path, rel: filepath.Base(path), fi: fi}}, false)
	if len(scan.hits) > 0 {
		return scan.hits[0], true, nil
	}
	return Signal{}, false, nil
}
