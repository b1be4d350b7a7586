package derby

import (
	"bytes"
	"hash/crc32"

	"github.com/efbackup/efbackup/internal/i18n"
)

// logEnd is how a run of valid records ends, as Derby's forward scan
// (Scan.getNextRecordForward) decides it.
type logEnd int

const (
	endNone   logEnd = iota // the file is still streaming
	endZero                 // a zero length: Derby moves on to the next file, if there is one
	endEOF                  // the last record ends exactly at the end of the file
	endFuzzy                // a torn or damaged record: Derby stops reading the log here
	endHeader               // the file header is wrong: Derby cannot use the file
)

// segment is a run of valid records in a log file. Derby reads one run
// from where recovery starts and stops at its end; the check finds the
// later runs too (every record carries its own position, so the scan can
// pick up again after damage), to tell a torn tail from lost records.
type segment struct {
	start, end      int64 // offset of the first record, and just past the last
	records         int64 // checksum records included
	sig             int64 // records other than checksum records
	verified        int64 // checksum records whose guarded bytes matched
	endKind         logEnd
	endWhy          i18n.Text // for endFuzzy
	unparsable      int64     // framed records whose body Derby could not read
	firstUnparsable int64
	targetRecords   int64 // records up to and including the one at the target instant
}

// ckptInfo is a checkpoint record found in a log file.
type ckptInfo struct {
	at           int64 // its instant
	seg          int   // the segment holding it
	redo, undo   int64
	hasXactTable bool
	xact         int64
	sigBefore    int64 // significant records of its segment up to and including it
	endSeen      bool  // its transaction's end record follows in the segment
}

const (
	// maxCkpts bounds the checkpoint records kept per log file (the last
	// ones win; Derby checkpoints every 10 MB of log by default, so a file
	// holds a few at most).
	maxCkpts = 16
	// maxSegs bounds the runs of records kept per log file; past it the
	// scan does not look for more.
	maxSegs = 8
)

// logSummary is what a log file leaves for the checks across files. It
// holds no slices that change (a Text's arguments are never changed), so
// that copying it snapshots it: the records a checksum record guards count
// only once the checksum matches.
type logSummary struct {
	num    int64 // the number in the file name
	hdrOK  bool
	hdrNum int64
	hdrFid uint32
	prev   int64 // the header's end of the previous file's records
	length int64
	hdrWhy i18n.Text // why the header is wrong

	segs [maxSegs]segment
	nseg int

	ckpts   [maxCkpts]ckptInfo
	nckpt   int
	dropped int
}

func (s *logSummary) cur() *segment { return &s.segs[s.nseg-1] }

func (s *logSummary) addCkpt(k ckptInfo) {
	if s.nckpt == maxCkpts {
		copy(s.ckpts[:], s.ckpts[1:])
		s.nckpt--
		s.dropped++
	}
	s.ckpts[s.nckpt] = k
	s.nckpt++
}

// ckpt returns the checkpoint record at instant at, if the file holds it.
func (s *logSummary) ckpt(at int64) (ckptInfo, bool) {
	for _, k := range s.ckpts[:s.nckpt] {
		if k.at == at {
			return k, true
		}
	}
	return ckptInfo{}, false
}

// segmentAt returns the index of the segment that holds offset off, or -1.
func (s *logSummary) segmentAt(off int64) int {
	for i, g := range s.segs[:s.nseg] {
		if off >= g.start && (off < g.end || off == g.start) {
			return i
		}
	}
	return -1
}

// sigAfter counts the significant records of the segments after i.
func (s *logSummary) sigAfter(i int) int64 {
	var n int64
	for _, g := range s.segs[i+1 : s.nseg] {
		n += g.sig
	}
	return n
}

// sig counts all significant records of the file.
func (s *logSummary) sig() int64 { return s.sigAfter(-1) }

type logState int

const (
	stHeader logState = iota
	stLen
	stInstant
	stBody
	stTrail
	stEnded  // the records ended; a checksum may still be pending
	stResync // looking for the next record after damage
)

// logFileCheck follows one log file's bytes through Derby's record scan.
type logFileCheck struct {
	s      logSummary
	target int64 // the checkpoint instant named by log.ctrl, when known first

	st        logState
	pos       int64 // file offset of the next byte
	acc       [logPeek]byte
	accN      int
	body      [logPeek]byte // the start of the record body
	bodyN     int
	recStart  int64
	recLen    int64
	recInst   int64
	bodyLeft  int64
	trailDiff int64 // records whose trailing length exceeds the leading one

	// a checksum record's guarded bytes, while they stream
	sumPending bool
	sumLeft    int64
	sumLen     int64
	sumCRC     uint32
	sumWant    uint64
	sumAt      int64 // offset of the checksum record
	snap       logSummary

	// the resynchronising scan: the last bytes of the previous write
	carry  [11]byte
	carryN int
	hi     [4]byte // the file number as the high half of an instant
}

func newLogFileCheck(num, target int64) *logFileCheck {
	l := &logFileCheck{s: logSummary{num: num}, target: target}
	be.PutUint32(l.hi[:], uint32(num))
	return l
}

// fill moves bytes from p into acc until it holds n; it returns the bytes
// used and whether acc is full.
func (l *logFileCheck) fill(p []byte, n int) (int, bool) {
	k := copy(l.acc[l.accN:n], p)
	l.accN += k
	l.pos += int64(k)
	return k, l.accN == n
}

func (l *logFileCheck) write(p []byte) {
	// The bytes a checksum guards are passed on in runs, not step by
	// step: a CRC over a few bytes at a time costs several times more.
	// A run is passed on as soon as it reaches the end of what is
	// guarded, so the guard ends after the same step as it would byte by
	// byte.
	pendFrom, pend := 0, 0
	for i := 0; i < len(p); {
		guarded := l.sumPending // bytes of the checksum record itself are not guarded
		k := l.step(p[i:], int64(pend))
		if guarded {
			if pend == 0 {
				pendFrom = i
			}
			pend += k
			if int64(pend) >= l.sumLeft {
				l.guard(p[pendFrom : pendFrom+pend])
				pend = 0
			}
		}
		i += k
		if l.st == stEnded && !l.sumPending && l.s.nseg < maxSegs && l.s.hdrOK {
			l.st, l.carryN = stResync, 0
		}
	}
	if pend > 0 {
		l.guard(p[pendFrom : pendFrom+pend])
	}
}

// step moves the scan on by the first bytes of p, and returns how many it
// used; pend guarded bytes are not yet passed to the checksum.
func (l *logFileCheck) step(p []byte, pend int64) int {
	var k int
	var full bool
	switch l.st {
	case stHeader:
		if k, full = l.fill(p, logFileHeaderSize); full {
			l.header()
		}
	case stLen:
		if k, full = l.fill(p, 4); full {
			l.length()
		}
	case stInstant:
		if k, full = l.fill(p, 8); full {
			l.instantRead()
		}
	case stBody:
		k = len(p)
		if int64(k) > l.bodyLeft {
			k = int(l.bodyLeft)
		}
		if l.bodyN < logPeek {
			l.bodyN += copy(l.body[l.bodyN:], p[:k])
		}
		l.bodyLeft -= int64(k)
		l.pos += int64(k)
		if l.bodyLeft == 0 {
			l.st = stTrail
		}
	case stTrail:
		if k, full = l.fill(p, 4); full {
			l.trail()
		}
	case stEnded:
		k = len(p)
		if l.sumPending {
			// up to the end of what is guarded, so that the scan for
			// records after it starts right there
			k = int(min(int64(k), l.sumLeft-pend))
		}
		l.pos += int64(k)
	case stResync:
		k = l.resync(p)
	}
	return k
}

func (l *logFileCheck) header() {
	h := l.acc[:logFileHeaderSize]
	l.s.hdrFid = be.Uint32(h)
	l.s.hdrNum = int64(be.Uint64(h[8:]))
	l.s.prev = int64(be.Uint64(h[16:]))
	l.s.hdrOK = l.s.hdrFid == fmtLogFile && l.s.hdrNum == l.s.num
	l.accN = 0
	if !l.s.hdrOK {
		l.s.hdrWhy = i18n.Say("derby.detail.log-header-ids", l.s.hdrFid, l.s.hdrNum)
		l.st = stEnded
		return
	}
	l.newSegment(logFileHeaderSize)
	l.st = stLen
}

func (l *logFileCheck) newSegment(at int64) {
	l.s.segs[l.s.nseg] = segment{start: at, end: at}
	l.s.nseg++
}

// stop ends the current run of records.
func (l *logFileCheck) stop(kind logEnd, why i18n.Text) {
	g := l.s.cur()
	g.endKind, g.endWhy = kind, why
	l.st = stEnded
}

func (l *logFileCheck) length() {
	n := int32(be.Uint32(l.acc[:4]))
	l.recStart = l.pos - 4
	l.accN = 0
	switch {
	case n == 0:
		l.stop(endZero, i18n.Text{})
	case n < 0:
		l.stop(endFuzzy, i18n.Say("derby.detail.rec-negative", l.recStart))
	default:
		l.recLen = int64(n)
		l.st = stInstant
	}
}

func (l *logFileCheck) instantRead() {
	l.recInst = int64(be.Uint64(l.acc[:8]))
	l.accN = 0
	want := makeInstant(l.s.num, l.recStart)
	switch {
	case l.recInst < makeInstant(l.s.num, l.s.cur().end):
		l.stop(endFuzzy, i18n.Say("derby.detail.rec-instant-back", l.recStart, instant(l.recInst)))
	case l.recInst != want:
		l.stop(endFuzzy, i18n.Say("derby.detail.rec-instant", l.recStart, instant(l.recInst), instant(want)))
	default:
		l.bodyLeft = l.recLen
		l.bodyN = 0
		l.st = stBody
	}
}

func (l *logFileCheck) trail() {
	t := int64(int32(be.Uint32(l.acc[:4])))
	l.accN = 0
	if t < l.recLen {
		l.stop(endFuzzy, i18n.Say("derby.detail.rec-trailer", l.recStart, t, l.recLen))
		return
	}
	if t > l.recLen {
		// Derby reads on (Scan: "let's hope it's only the length part
		// that is incorrect"), and so does the check.
		l.trailDiff++
	}
	s := &l.s
	g := s.cur()
	g.records++
	g.end = l.pos
	if l.recInst == l.target {
		g.targetRecords = g.records
	}
	r, ok := parseLogBody(l.body[:l.bodyN])
	switch {
	case !ok:
		g.sig++
		if g.unparsable == 0 {
			g.firstUnparsable = l.recStart
		}
		g.unparsable++
	case r.op == opChecksum:
		if !l.sumPending {
			l.startGuard(r)
		}
	default:
		g.sig++
		switch r.op {
		case opCheckpoint:
			s.addCkpt(ckptInfo{at: l.recInst, seg: s.nseg - 1, redo: r.redoLWM, undo: r.undoLWM,
				hasXactTable: r.hasXactTable, xact: r.xact, sigBefore: g.sig})
		case opEndXact:
			for i := range s.ckpts[:s.nckpt] {
				if k := &s.ckpts[i]; k.xact == r.xact && r.xact >= 0 && k.seg == s.nseg-1 {
					k.endSeen = true
				}
			}
		}
	}
	if l.st == stTrail {
		l.st = stLen
	}
}

// startGuard begins checking the bytes a checksum record guards: the
// records they hold count only if the CRC matches.
func (l *logFileCheck) startGuard(r logBody) {
	l.sumAt = l.recStart
	if r.dataLength < 0 {
		l.stop(endFuzzy, i18n.Say("derby.detail.sum-negative", l.recStart))
		return
	}
	l.snap = l.s
	l.sumPending = true
	l.sumLeft = r.dataLength
	l.sumLen = r.dataLength
	l.sumCRC = 0
	l.sumWant = r.sum
	if l.sumLeft == 0 {
		l.guard(nil)
	}
}

// guard passes bytes the record scan has consumed to a pending checksum.
func (l *logFileCheck) guard(p []byte) {
	if !l.sumPending {
		return
	}
	if int64(len(p)) > l.sumLeft {
		p = p[:l.sumLeft]
	}
	l.sumCRC = crc32.Update(l.sumCRC, crc32.IEEETable, p)
	l.sumLeft -= int64(len(p))
	if l.sumLeft > 0 {
		return
	}
	l.sumPending = false
	if uint64(l.sumCRC) == l.sumWant {
		l.s.cur().verified++
		return
	}
	// Derby stops after the checksum record: what it guards is a torn
	// write, or damage. The scan picks up again after the guarded bytes.
	l.s = l.snap
	l.stop(endFuzzy, i18n.Say("derby.detail.sum-mismatch", l.sumAt, l.sumLen, l.sumWant, l.sumCRC))
}

// resync looks for the next record after the valid records ended: a
// positive length followed by the record's own instant, (this file,
// this offset). It returns the bytes of p it used.
func (l *logFileCheck) resync(p []byte) int {
	base := l.pos
	// a record starting in the carried bytes
	if l.carryN > 0 {
		var w [22]byte
		n := copy(w[:], l.carry[:l.carryN])
		n += copy(w[n:], p[:min(len(p), 11)])
		wbase := base - int64(l.carryN)
		for q := 0; q < l.carryN && q+12 <= n; q++ {
			if l.recordAt(w[q:q+12], wbase+int64(q)) {
				return l.resume(wbase+int64(q), w[q:q+12], base)
			}
		}
	}
	for i := 0; ; {
		j := bytes.Index(p[i:], l.hi[:])
		if j < 0 {
			break
		}
		h := i + j
		if q := h - 4; q >= 0 && h+8 <= len(p) && l.recordAt(p[q:q+12], base+int64(q)) {
			return l.resume(base+int64(q), p[q:q+12], base)
		}
		i = h + 1
	}
	l.pos += int64(len(p))
	if len(p) >= len(l.carry) {
		l.carryN = copy(l.carry[:], p[len(p)-len(l.carry):])
	} else {
		keep := min(l.carryN, len(l.carry)-len(p))
		copy(l.carry[:], l.carry[l.carryN-keep:l.carryN])
		l.carryN = keep + copy(l.carry[keep:], p)
	}
	return len(p)
}

// recordAt reports whether h, 12 bytes at offset q, start a record.
func (l *logFileCheck) recordAt(h []byte, q int64) bool {
	return q >= logFileHeaderSize && int32(be.Uint32(h)) > 0 &&
		int64(be.Uint64(h[4:])) == makeInstant(l.s.num, q)
}

// resume starts a new run of records at q, whose first 12 bytes h were
// found; base is the offset of the write being scanned. It returns the
// bytes of that write used.
func (l *logFileCheck) resume(q int64, h []byte, base int64) int {
	l.newSegment(q)
	l.recStart = q
	l.recLen = int64(be.Uint32(h))
	l.recInst = int64(be.Uint64(h[4:]))
	l.bodyLeft = l.recLen
	l.bodyN = 0
	l.st = stBody
	l.pos = q + 12
	return int(l.pos - base)
}

// finish decides how the file ends once all its bytes (n of them) were
// seen, and returns the summary.
func (l *logFileCheck) finish(n int64) logSummary {
	l.s.length = n
	if l.sumPending {
		l.sumPending = false
		at := l.sumAt
		l.s = l.snap
		l.s.length = n
		l.stop(endFuzzy, i18n.Say("derby.detail.sum-beyond", at))
	}
	switch l.st {
	case stHeader:
		l.s.hdrWhy = i18n.Say("derby.detail.log-header-short", n, logFileHeaderSize)
	case stLen:
		if l.accN == 0 {
			l.stop(endEOF, i18n.Text{})
		} else {
			l.stop(endFuzzy, i18n.Say("derby.detail.len-cut", l.pos-int64(l.accN)))
		}
	case stInstant, stBody, stTrail:
		l.stop(endFuzzy, i18n.Say("derby.detail.rec-past-end", l.recStart, l.recLen))
	}
	l.st = stEnded
	return l.s
}

// switched reports whether segment g ends with the marker Derby writes
// when it moves to a new log file: a zero length in the last 4 bytes.
func (s *logSummary) switched(g *segment) bool {
	return g.endKind == endZero && g.end+4 == s.length
}
