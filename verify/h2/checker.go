package h2

import (
	"bytes"
	"io"
	"strings"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// Checker looks at a file's bytes as they stream past. The snapshot writer
// reads each file once and hands the same bytes to the archive, the hash
// and a Checker, so a Checker never reads the file itself, keeps only a few
// kilobytes however large the file is, and touches little more than block
// starts and page headers.
//
// Write never fails: damage is a result, not an error. Result may be called
// once all bytes were written; calling it earlier gives the verdict on a
// file that ends there.
type Checker interface {
	io.Writer
	Result() Result
}

// NewChecker returns the checker for the file relName (relative to the db
// folder, with "/"), which the caller says is size bytes long. The kind is
// chosen by name, as H2 does; a file H2 would not read as a database is
// "unknown" and costs nothing to check.
func NewChecker(relName string, size int64) Checker {
	base := relName
	if i := strings.LastIndexByte(base, '/'); i >= 0 {
		base = base[i+1:]
	}
	lower := strings.ToLower(base)
	switch {
	case strings.HasSuffix(lower, ".mv.db"):
		return newMVChecker(relName, size)
	case strings.HasSuffix(lower, ".h2.db"):
		return newPSChecker(relName, size)
	case strings.HasSuffix(lower, ".trace.db"), strings.HasSuffix(lower, ".trace.db.old"):
		return newTraceChecker(relName)
	case strings.HasSuffix(lower, ".mv.db.tempfile"):
		return &fixedChecker{r: leftover(relName, CodeLeftoverTempFile)}
	case strings.HasSuffix(lower, ".mv.db.newfile"):
		return &fixedChecker{r: leftover(relName, CodeLeftoverNewFile)}
	case strings.HasSuffix(lower, ".lock.db"):
		// Whether a lock is live is another package's question
		// (internal/inuse); here a lock file is just a known kind.
		return &fixedChecker{r: Result{File: relName, Kind: KindLock, Verdict: OK}}
	}
	return &fixedChecker{r: Result{File: relName, Kind: KindUnknown, Verdict: OK}}
}

func leftover(name, code string) Result {
	r := Result{File: name, Kind: KindLeftover}
	r.Findings = append(r.Findings, finding(Warning, code, -1,
		"%s is left from a compaction H2 did not finish; H2 deletes it the next time it opens the database", name))
	r.finish()
	return r
}

// fixedChecker is for files whose verdict does not depend on their bytes.
type fixedChecker struct{ r Result }

func (c *fixedChecker) Write(p []byte) (int, error) { return len(p), nil }

func (c *fixedChecker) Result() Result {
	r := c.r
	r.Findings = append([]Finding(nil), r.Findings...)
	return r
}

// CheckFile streams the file at path through NewChecker(relName, size).
// The error is only for failing to read the file; damage is in the Result.
func CheckFile(path, relName string) (Result, error) {
	f, err := fsutil.OpenShared(path)
	if err != nil {
		return Result{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Result{}, err
	}
	c := NewChecker(relName, st.Size())
	buf := make([]byte, 1<<20)
	if _, err := io.CopyBuffer(c, f, buf); err != nil {
		return Result{}, err
	}
	return c.Result(), nil
}

// buildScanner finds "SET CREATE_BUILD nnn", which H2 stores as plain text
// in uncompressed pages. It carries a few bytes across writes and stops at
// the first hit. Looking for it means touching every byte, which would
// cost more than all the structural checks together, so it looks only at
// the first and the last buildWindow bytes of the file: the metadata of a
// PageStore sits at its start, and an MVStore appends its newest chunks at
// the end. Where it finds nothing, the format's version range stands.
type buildScanner struct {
	carry [buildKeep]byte
	n     int
	build string
	size  int64 // the file size the caller announced, or -1
	last  int64 // end of the last bytes scanned, to see gaps
}

const buildWindow = 16 << 20

// feed passes the parts of p (at offset base) inside the windows on.
func (s *buildScanner) feed(p []byte, base int64) {
	if s.build != "" {
		return
	}
	end := base + int64(len(p))
	if base < buildWindow {
		s.writeAt(p[:min(end, buildWindow)-base], base)
	}
	if s.size > buildWindow {
		from := max(base, buildWindow, s.size-buildWindow)
		if from < end {
			s.writeAt(p[from-base:], from)
		}
	}
}

func (s *buildScanner) writeAt(p []byte, base int64) {
	if base != s.last {
		s.n = 0 // a gap: the carry does not join these bytes
	}
	s.last = base + int64(len(p))
	s.write(p)
}

var buildNeedle = []byte("SET CREATE_BUILD ")

// buildKeep is the needle and up to seven digits: enough to see a hit
// that a write boundary cut in two.
const buildKeep = 24

func (s *buildScanner) write(p []byte) {
	if s.build != "" || len(p) == 0 {
		return
	}
	if s.n > 0 {
		var seam [2 * buildKeep]byte
		k := copy(seam[:], s.carry[:s.n])
		k += copy(seam[k:], p)
		if s.search(seam[:k], s.n) {
			return
		}
	}
	if s.search(p, len(p)) {
		return
	}
	if len(p) >= buildKeep {
		s.n = copy(s.carry[:], p[len(p)-buildKeep:])
		return
	}
	var tmp [2 * buildKeep]byte
	k := copy(tmp[:], s.carry[:s.n])
	k += copy(tmp[k:], p)
	if k > buildKeep {
		s.n = copy(s.carry[:], tmp[k-buildKeep:k])
	} else {
		s.n = copy(s.carry[:], tmp[:k])
	}
}

// search looks for a complete hit in b that starts before limit.
func (s *buildScanner) search(b []byte, limit int) bool {
	off := 0
	for {
		i := bytes.Index(b[off:], buildNeedle)
		if i < 0 || off+i >= limit {
			return false
		}
		off += i + len(buildNeedle)
		if s.parse(b[off:]) {
			return true
		}
	}
}

// parse reads the digits after the needle; false when there are none, or
// when they may go on past the end of b.
func (s *buildScanner) parse(b []byte) bool {
	n := 0
	for n < len(b) && b[n] >= '0' && b[n] <= '9' {
		n++
	}
	if n == len(b) || n == 0 || n > 6 {
		return false
	}
	s.build = string(b[:n])
	return true
}
