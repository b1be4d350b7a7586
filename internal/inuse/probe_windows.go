package inuse

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/windows"
)

// Retries of the exclusive open. Antivirus and the search indexer open
// files for a moment; a second look avoids blaming e-Faktur for them.
const (
	shareRetries  = 3
	shareRetryGap = 50 * time.Millisecond
)

// rmMaxFiles bounds how many files of one database are handed to the
// Restart Manager after db.lck. e-Faktur's databases hold a few hundred.
const rmMaxFiles = 4096

// probeEngineLock asks who has db.lck open: Derby on Windows keeps it open
// for as long as the database is booted. The Restart Manager answers
// without touching the file and names the process; if nobody holds db.lck,
// it is asked about every other file of the database too, so that another
// program reading them (another efbackup, a copy tool) is seen. Without a
// working Restart Manager the fallback is one exclusive open of db.lck.
func probeEngineLock(db string, files []fileInfo, opt Options) (probe, note string, sigs []Signal) {
	lck := filepath.Join(db, dbLck)
	fi, err := os.Lstat(lck)
	haveLck := err == nil && fi.Mode().IsRegular()
	rmErr := restartManager()
	if rmErr == nil {
		sigs, err := rmProbe(db, lck, haveLck, files)
		if err == nil {
			return "restart-manager", "", sigs
		}
		rmErr = err
	}
	note = fmt.Sprintf("the Restart Manager is not usable here: %v", rmErr)
	if !haveLck {
		return "exclusive-open", note, nil
	}
	if opt.NoExclusiveOpen {
		return "none", note + "; the exclusive open is turned off", []Signal{
			Signal{Kind: KindUnknown, File: lck, Database: db}.say("inuse.detail.noexclusive", filepath.Base(db), dbLck),
		}
	}
	sig, found, err := exclusiveProbe(lck)
	switch {
	case err != nil:
		return "exclusive-open", note, []Signal{unprobed(db, dbLck, err)}
	case found:
		sig.Database = db
		return "exclusive-open", note, []Signal{sig}
	}
	return "exclusive-open", note, nil
}

// rmProbe asks the Restart Manager about db.lck, then about the other
// files of the database.
func rmProbe(db, lck string, haveLck bool, files []fileInfo) ([]Signal, error) {
	self := uint32(os.Getpid())
	name := filepath.Base(db)
	var sigs []Signal
	if haveLck {
		procs, err := rmList([]string{lck})
		if err != nil {
			return nil, err
		}
		for _, p := range procs {
			if p.PID == self {
				continue
			}
			s := rmSignal(p, lck, db)
			sigs = append(sigs, s.say("inuse.detail.lckopen", name, dbLck, holderLabel(s.PID, s.Process, s.Program)))
		}
		if len(sigs) > 0 {
			return sigs, nil
		}
	}
	var others []string
	for _, f := range files {
		if !strings.EqualFold(f.path, lck) && len(others) < rmMaxFiles {
			others = append(others, f.path)
		}
	}
	if len(others) == 0 {
		return nil, nil
	}
	procs, err := rmList(others)
	if err != nil {
		return nil, err
	}
	for _, p := range procs {
		if p.PID == self {
			continue
		}
		s := rmSignal(p, db, db)
		sigs = append(sigs, s.say("inuse.detail.filesopen", name, holderLabel(s.PID, s.Process, s.Program)))
	}
	return sigs, nil
}

func rmSignal(p rmProcessInfo, file, db string) Signal {
	name, exe := processImage(p.PID)
	if name == "" {
		name = windows.UTF16ToString(p.AppName[:])
	}
	if svc := windows.UTF16ToString(p.ServiceName[:]); svc != "" {
		name += " (service " + svc + ")"
	}
	return Signal{
		Kind:     KindOpenByProcess,
		File:     file,
		Database: db,
		PID:      int(p.PID),
		Process:  name,
		Program:  classify(name, exe),
	}
}

// processImage returns the executable's base name and path of pid, when
// this process may query it.
func processImage(pid uint32) (name, exe string) {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, pid)
	if err != nil {
		return "", ""
	}
	defer windows.CloseHandle(h)
	buf := make([]uint16, windows.MAX_LONG_PATH)
	n := uint32(len(buf))
	if err := windows.QueryFullProcessImageName(h, 0, &buf[0], &n); err != nil {
		return "", ""
	}
	exe = windows.UTF16ToString(buf[:n])
	return filepath.Base(exe), exe
}

// exclusiveProbe opens path with no sharing (dwShareMode 0) and closes it
// at once. Success proves no other handle exists. A sharing violation means
// another process has it open. See the package doc for the race this
// cannot avoid.
func exclusiveProbe(path string) (Signal, bool, error) {
	p, err := windows.UTF16PtrFromString(longPath(path))
	if err != nil {
		return Signal{}, false, err
	}
	for i := 0; ; i++ {
		h, err := windows.CreateFile(p, windows.GENERIC_READ, 0, nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
		if err == nil {
			windows.CloseHandle(h)
			return Signal{}, false, nil
		}
		if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) || errors.Is(err, windows.ERROR_PATH_NOT_FOUND) {
			return Signal{}, false, nil // shut down meanwhile
		}
		if !errors.Is(err, windows.ERROR_SHARING_VIOLATION) {
			return Signal{}, false, &os.PathError{Op: "open", Path: path, Err: err}
		}
		if i+1 == shareRetries {
			break
		}
		time.Sleep(shareRetryGap)
	}
	return Signal{Kind: KindSharingViolation, File: path}.say("inuse.detail.sharing", filepath.Base(filepath.Dir(path)), filepath.Base(path)), true, nil
}

// longPath gives a long path the \\?\ form CreateFile needs beyond 260
// characters (the os package does this for its own calls).
func longPath(path string) string {
	if len(path) < 248 || strings.HasPrefix(path, `\\?\`) {
		return path
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if strings.HasPrefix(abs, `\\`) {
		return `\\?\UNC\` + abs[2:]
	}
	return `\\?\` + abs
}

// scanProcs has nothing to add on Windows: the Restart Manager, asked per
// database, is the scan.
func scanProcs(context.Context, string, []fileInfo) []procHit { return nil }
