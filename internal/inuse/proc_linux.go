package inuse

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// procRoot is where the process scan looks; tests never change it, but it
// keeps the paths below in one place.
const procRoot = "/proc"

// Bounds of the process scan. A desktop has a few hundred processes and some
// tens of thousands of open files, which take tens of milliseconds; the
// bounds only stop a pathological system from stalling a backup. Hitting one
// makes the scan inconclusive, never silently clean.
const (
	procScanBudget = 5 * time.Second
	procScanMaxFDs = 1 << 20
)

type devIno struct{ dev, ino uint64 }

// platformScanProcs reads the /proc/<pid>/fd links of every process but
// ours. A link names the file as its process sees it, so a match by path is
// a hit; a link whose base name matches one of ours, under another path (a
// bind mount, another mount namespace), is confirmed by device and inode.
// Processes we may not inspect are skipped; one that looks like a JVM or
// Wine makes the scan inconclusive, since it could hold the database.
func platformScanProcs(ctx context.Context, root string, files []fileInfo, wholeDir bool) procScan {
	rootAbs, err := filepath.Abs(root)
	if err != nil {
		return procScan{why: err.Error()}
	}
	if r, err := filepath.EvalSymlinks(rootAbs); err == nil {
		rootAbs = r
	}
	byPath := map[string]fileInfo{}
	byName := map[string]bool{}
	byID := map[devIno]fileInfo{}
	for _, f := range files {
		byPath[filepath.Join(rootAbs, filepath.FromSlash(f.rel))] = f
		byName[f.fi.Name()] = true
		if st, ok := f.fi.Sys().(*syscall.Stat_t); ok {
			byID[devIno{uint64(st.Dev), uint64(st.Ino)}] = f
		}
	}

	d, err := os.Open(procRoot)
	if err != nil {
		return procScan{why: fmt.Sprintf("cannot list processes: %v", err)}
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return procScan{why: fmt.Sprintf("cannot list processes: %v", err)}
	}

	scan := procScan{complete: true}
	incomplete := func(why string) {
		if scan.complete {
			scan.complete, scan.why = false, why
		}
	}
	self := os.Getpid()
	deadline := time.Now().Add(procScanBudget)
	seen := map[string]bool{} // pid + file, one signal each
	nfd := 0
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil || pid == self {
			continue
		}
		if ctx.Err() != nil {
			incomplete("the process scan was interrupted")
			break
		}
		if nfd > procScanMaxFDs || time.Now().After(deadline) {
			incomplete("the process scan hit its time or size limit")
			break
		}
		fdDir := procRoot + "/" + name + "/fd"
		fds, err := readDirNames(fdDir)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
				continue // exited meanwhile
			}
			if label, ok := engineLike(pid); ok {
				incomplete(fmt.Sprintf("pid %d (%s) could not be inspected (%v)", pid, label, errors.Unwrap(err)))
			}
			continue
		}
		nfd += len(fds)
		for _, fd := range fds {
			link := fdDir + "/" + fd
			target, err := os.Readlink(link)
			if err != nil || !strings.HasPrefix(target, "/") {
				continue
			}
			var hit string
			if f, ok := byPath[target]; ok {
				hit = f.path
			} else if wholeDir && strings.HasPrefix(target, rootAbs+"/") && !strings.HasSuffix(target, " (deleted)") {
				hit = filepath.Join(root, strings.TrimPrefix(target, rootAbs+"/"))
			} else if byName[filepath.Base(target)] {
				var st unix.Stat_t
				if unix.Stat(link, &st) == nil {
					if f, ok := byID[devIno{uint64(st.Dev), uint64(st.Ino)}]; ok {
						hit = f.path
					}
				}
			}
			if hit == "" || seen[name+"\x00"+hit] {
				continue
			}
			seen[name+"\x00"+hit] = true
			rel, err := filepath.Rel(root, hit)
			if err != nil {
				rel = filepath.Base(hit)
			}
			scan.hits = append(scan.hits, Signal{
				Kind:   KindOpenByProcess,
				File:   hit,
				PID:    pid,
				Detail: fmt.Sprintf("%s is open by pid %d%s", filepath.ToSlash(rel), pid, procLabel(pid)),
			})
		}
	}
	return scan
}

func readDirNames(dir string) ([]string, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.Readdirnames(-1)
}

// engineLike reports whether a process we may not inspect could be running
// an H2 engine: a JVM, Wine (e-Faktur is a Windows program, sometimes run
// under Wine) or anything naming e-Faktur or H2. Its name and command line
// stay readable when its open files are not.
func engineLike(pid int) (string, bool) {
	comm := procName(pid)
	cmd, _ := os.ReadFile(procRoot + "/" + strconv.Itoa(pid) + "/cmdline")
	s := strings.ToLower(comm + " " + strings.ReplaceAll(string(cmd), "\x00", " "))
	for _, w := range []string{"java", "jvm", "wine", ".exe", "faktur", "h2.jar", "org.h2"} {
		if strings.Contains(s, w) {
			if comm == "" {
				comm = "unknown"
			}
			return comm, true
		}
	}
	return comm, false
}
