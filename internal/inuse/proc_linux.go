package inuse

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// procRoot is where the process scan looks.
const procRoot = "/proc"

// Bounds of the process scan. A desktop has a few hundred processes and some
// tens of thousands of open files, which take tens of milliseconds; the
// bounds only stop a pathological system from stalling a backup. Derby's
// lock on dbex.lck, probed separately, does not depend on the scan.
const (
	procScanBudget = 5 * time.Second
	procScanMaxFDs = 1 << 20
)

type devIno struct{ dev, ino uint64 }

// scanProcs reads the /proc/<pid>/fd links of every process but ours and
// returns those that point at a file below root. A link names the file as
// its process sees it, so a path below root is a hit, including a file
// created after files was listed; a link whose base name matches one of
// files under another path (a bind mount, another mount namespace) is
// confirmed by device and inode. Processes we may not inspect (other users',
// unless we are root) are skipped.
func scanProcs(ctx context.Context, root string, files []fileInfo) []procHit {
	rootAbs, err := filepath.Abs(root)
	if err != nil {
		return nil
	}
	if r, err := filepath.EvalSymlinks(rootAbs); err == nil {
		rootAbs = r
	}
	byName := map[string]bool{}
	byID := map[devIno]fileInfo{}
	for _, f := range files {
		byName[f.fi.Name()] = true
		if st, ok := f.fi.Sys().(*syscall.Stat_t); ok {
			byID[devIno{uint64(st.Dev), uint64(st.Ino)}] = f
		}
	}
	names, err := readDirNames(procRoot)
	if err != nil {
		return nil
	}
	self := os.Getpid()
	deadline := time.Now().Add(procScanBudget)
	var hits []procHit
	nfd := 0
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil || pid == self {
			continue
		}
		if ctx.Err() != nil || nfd > procScanMaxFDs || time.Now().After(deadline) {
			break
		}
		fdDir := procRoot + "/" + name + "/fd"
		fds, err := readDirNames(fdDir)
		if err != nil {
			continue // exited meanwhile, or not ours to inspect
		}
		nfd += len(fds)
		seen := map[string]bool{}
		for _, fd := range fds {
			link := fdDir + "/" + fd
			target, err := os.Readlink(link)
			if err != nil || !strings.HasPrefix(target, "/") {
				continue
			}
			var hit string
			if strings.HasPrefix(target, rootAbs+"/") && !strings.HasSuffix(target, " (deleted)") {
				hit = filepath.Join(root, strings.TrimPrefix(target, rootAbs+"/"))
			} else if byName[filepath.Base(target)] {
				var st unix.Stat_t
				if unix.Stat(link, &st) == nil {
					if f, ok := byID[devIno{uint64(st.Dev), uint64(st.Ino)}]; ok {
						hit = f.path
					}
				}
			}
			if hit == "" || seen[hit] {
				continue
			}
			seen[hit] = true
			hits = append(hits, procHit{pid: pid, path: hit})
		}
		if len(seen) > 0 {
			n, exe := procName(pid), procExe(pid)
			for i := len(hits) - len(seen); i < len(hits); i++ {
				hits[i].name, hits[i].exe = n, exe
			}
		}
	}
	return hits
}

func readDirNames(dir string) ([]string, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.Readdirnames(-1)
}
