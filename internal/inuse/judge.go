package inuse

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// procScan is what a scan of the system's processes found.
type procScan struct {
	hits []Signal // open-by-process signals
	// complete is true when every process that could hold an H2 database
	// was inspected (or, on Windows, the exclusive opens settled it), so
	// "no hit" proves nothing has the files open.
	complete bool
	// why says what made the scan incomplete.
	why string
}

// lockJudge decides whether one lock file is live, stale or unknown.
type lockJudge struct {
	file  fileInfo
	files []fileInfo      // every regular file of the folder
	os    []Signal        // OS and process signals already found
	ok    map[string]bool // path -> the OS probe ran without error
	scan  procScan
	opt   Options
}

// dbPrefix is the part of a lock file's name shared by every file of its
// database: "db." for db.lock.db (db.mv.db, db.h2.db, db.trace.db and the
// LOB folder db.lobs.db/ all start with it).
func dbPrefix(rel string) string {
	return rel[:len(rel)-len("lock.db")]
}

func (j lockJudge) related(rel string) bool {
	p := dbPrefix(j.file.rel)
	return len(rel) >= len(p) && strings.EqualFold(rel[:len(p)], p)
}

func (j lockJudge) relOf(path string) string {
	for _, f := range j.files {
		if f.path == path {
			return f.rel
		}
	}
	return ""
}

func (j lockJudge) judge(ctx context.Context) (Signal, error) {
	path := j.file.path
	name := filepath.Base(path)
	content, readErr := readShared(path)
	var lf *LockFile
	var parseErr error
	if readErr == nil {
		lf, parseErr = ParseLockFile(content)
	}
	desc := lf.describe(name)
	sig := Signal{File: path}

	// An OS signal on a file of the same database settles it.
	for _, s := range j.os {
		if s.File == path || j.related(j.relOf(s.File)) {
			sig.Kind, sig.PID = KindLockFileLive, s.PID
			sig.Detail = fmt.Sprintf("%s: its database is open (%s)", desc, s.Detail)
			return sig, nil
		}
	}

	// Watch the file and knock on the addresses it names, at once.
	var addrs []string
	if lf != nil {
		addrs = lf.Addresses()
	}
	type knockResult struct {
		addr string
		knock
	}
	results := make(chan knockResult, len(addrs))
	for _, a := range addrs {
		go func() { results <- knockResult{a, j.knock(ctx, a)} }()
	}
	change, werr := watchLockFile(ctx, path, j.file.fi, content, readErr, j.opt.LockWatch)
	var accepted, refused, silent []string
	var silentErr error
	for range addrs {
		r := <-results
		switch r.verdict {
		case knockAccepted:
			accepted = append(accepted, r.addr)
		case knockRefused:
			refused = append(refused, r.addr)
		default:
			silent = append(silent, r.addr)
			silentErr = r.err
		}
	}
	if werr != nil {
		return Signal{}, werr
	}
	if err := ctx.Err(); err != nil {
		return Signal{}, err
	}

	switch {
	case change != "":
		sig.Kind = KindLockFileLive
		sig.Detail = fmt.Sprintf("%s %s during the %v watch: an H2 engine is opening, closing or taking over the database right now", desc, change, j.opt.LockWatch)
		return sig, nil
	case len(accepted) > 0:
		sig.Kind = KindLockFileLive
		sig.Detail = fmt.Sprintf("%s: %s accepted a connection, so its owner is running", desc, strings.Join(accepted, ", "))
		return sig, nil
	}

	// Stale needs proof: every address refused, or a conclusive local probe.
	var proofs, doubts []string
	if len(addrs) > 0 && len(refused) == len(addrs) {
		proofs = append(proofs, fmt.Sprintf("%s refused the connection", strings.Join(refused, ", ")))
	}
	if len(silent) > 0 {
		doubts = append(doubts, fmt.Sprintf("%s did not answer (%v)", strings.Join(silent, ", "), silentErr))
	}
	if ok, why := j.localProof(lf); ok {
		proofs = append(proofs, "no process has its database open")
	} else {
		doubts = append(doubts, why)
	}
	if len(proofs) > 0 {
		sig.Kind = KindLockFileStale
		sig.Detail = fmt.Sprintf("%s is left over from a crash: %s", desc, strings.Join(proofs, "; "))
		return sig, nil
	}
	if readErr != nil {
		doubts = append([]string{fmt.Sprintf("cannot read it (%v)", readErr)}, doubts...)
	} else if parseErr != nil {
		doubts = append([]string{fmt.Sprintf("cannot parse it (%v)", parseErr)}, doubts...)
	}
	sig.Kind = KindLockFileUnknown
	sig.Detail = fmt.Sprintf("%s: cannot tell whether its database is open: %s", desc, strings.Join(doubts, "; "))
	return sig, nil
}

// lookupHost resolves the host a lock file names; tests swap it.
var lookupHost = net.DefaultResolver.LookupHost

type knockVerdict int

const (
	knockSilent knockVerdict = iota
	knockAccepted
	knockRefused
)

type knock struct {
	verdict knockVerdict
	err     error // why it is silent
}

// knock connects to every IP address of addr. One that accepts means the
// lock's owner runs. Refused means nobody listens there any more; it proves
// the lock stale only when every address that could be reached refused: a
// name such as localhost has several addresses, and one refusing while
// another stays silent proves nothing. An address this machine has no route
// to at all (IPv6 switched off) is left out.
func (j lockJudge) knock(ctx context.Context, addr string) knock {
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return knock{err: err}
	}
	ips := []string{host}
	if net.ParseIP(host) == nil {
		if ips, err = lookupHost(ctx, host); err != nil {
			return knock{err: err}
		}
	}
	errs := make(chan error, len(ips))
	for _, ip := range ips {
		go func() {
			c, err := j.opt.Dial(ctx, "tcp", net.JoinHostPort(ip, port))
			if err == nil {
				c.Close()
			}
			errs <- err
		}()
	}
	var refused, silent int
	var lastErr error
	for range ips {
		err := <-errs
		switch {
		case err == nil:
			return knock{verdict: knockAccepted}
		case isRefused(err):
			refused++
		case isUnroutable(err):
			lastErr = err
		default:
			silent++
			lastErr = err
		}
	}
	if refused > 0 && silent == 0 {
		return knock{verdict: knockRefused}
	}
	return knock{err: lastErr}
}

// localProof reports whether this machine's probes prove that no process
// has the lock file's database open, and if not, why not.
func (j lockJudge) localProof(lf *LockFile) (bool, string) {
	if lf != nil {
		if host, ok := elsewhere(lf); ok {
			return false, fmt.Sprintf("it was written on %s, another computer, which local probes cannot see", host)
		}
	}
	for _, f := range j.files {
		if f.path == j.file.path || isLockFile(f.fi.Name()) || !j.related(f.rel) {
			continue
		}
		if !j.ok[f.path] {
			return false, fmt.Sprintf("%s could not be probed", f.rel)
		}
	}
	if j.scan.complete {
		return true, ""
	}
	return false, j.scan.why
}

// elsewhere reports a host named by the lock file that is not this
// computer: a database on a shared folder opened from another PC. The
// addresses decide; hostName, a reverse lookup of the server address, is
// not reliable enough to overrule them.
func elsewhere(lf *LockFile) (string, bool) {
	var hosts []string
	if lf.IPAddress != "" {
		hosts = append(hosts, lf.IPAddress)
	}
	if lf.Server != "" {
		if a, ok := serverAddr(lf.Server); ok {
			h, _, _ := net.SplitHostPort(a)
			hosts = append(hosts, h)
		}
	}
	for _, h := range hosts {
		if !isLocalHost(h) {
			return h, true
		}
	}
	return "", false
}

func isLocalHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	if ip := net.ParseIP(h); ip != nil {
		if ip.IsLoopback() || ip.IsUnspecified() {
			return true
		}
		addrs, err := net.InterfaceAddrs()
		if err != nil {
			return false
		}
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip) {
				return true
			}
		}
		return false
	}
	me, err := os.Hostname()
	if err != nil {
		return false
	}
	short := func(s string) string {
		if i := strings.IndexByte(s, '.'); i > 0 {
			return s[:i]
		}
		return s
	}
	return strings.EqualFold(short(h), short(me))
}

// watchLockFile polls the lock file for d and returns how it changed ("",
// "changed", "disappeared"). H2's watchdog rewrites its file only when
// someone else touched it, so a quiet live lock stays quiet; a change means
// an engine is opening, closing or taking over the database right now.
func watchLockFile(ctx context.Context, path string, fi os.FileInfo, content []byte, readErr error, d time.Duration) (string, error) {
	interval := min(max(d/10, 20*time.Millisecond), 250*time.Millisecond)
	deadline := time.Now().Add(d)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-t.C:
		}
		now, err := os.Lstat(path)
		if errors.Is(err, os.ErrNotExist) {
			return "disappeared", nil
		}
		if err == nil && (now.Size() != fi.Size() || !now.ModTime().Equal(fi.ModTime())) {
			return "changed", nil
		}
		if readErr == nil {
			b, err := readShared(path)
			if errors.Is(err, os.ErrNotExist) {
				return "disappeared", nil
			}
			if err == nil && !bytes.Equal(b, content) {
				return "changed", nil
			}
		}
		if !time.Now().Before(deadline) {
			return "", nil
		}
	}
}

// maxLockFileSize caps how much of a lock file is read: H2 writes about 150
// bytes, and a huge file there is not H2's.
const maxLockFileSize = 64 << 10
