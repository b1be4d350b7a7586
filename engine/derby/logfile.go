package derby

import (
	"fmt"
	"hash/crc32"
)

// logEnd is how the valid log of one file ends, as Derby's forward scan
// (Scan.getNextRecordForward) decides it.
type logEnd int

const (
	endNone   logEnd = iota // the file is still streaming
	endZero                 // a zero length: Derby moves on to the next file, if there is one
	endEOF                  // the last record ends exactly at the end of the file
	endFuzzy                // a torn or damaged record: Derby stops reading the log here
	endHeader               // the file header is wrong: Derby cannot use the file
)

// ckptInfo is a checkpoint record found in a log file.
type ckptInfo struct {
	at           int64 // its instant
	redo, undo   int64
	hasXactTable bool
	xact         int64
	sigBefore    int64 // significant records up to and including it
	endSeen      bool  // its transaction's end record follows in the file
}

// maxCkpts bounds the checkpoint records kept per log file (the last ones
// win; Derby checkpoints every 10 MB of log by default, a few per file at
// most).
const maxCkpts = 16

// logSummary is what a log file leaves for the checks across files. It
// holds no slices, so that copying it snapshots it: the records a checksum
// record guards count only once the checksum matches.
type logSummary struct {
	num      int64 // the number in the file name
	hdrOK    bool
	hdrNum   int64
	hdrFid   uint32
	prev     int64 // the header's end of the previous file's records
	length   int64
	records  int64 // valid records, checksum records included
	sig      int64 // valid records other than checksum records
	verified int64 // checksum records whose data matched
	first    int64 // instant of the first valid record, 0 if none
	end      int64 // instant just past the last valid record
	endKind  logEnd
	endAt    int64  // offset where the valid log ends
	endWhy   string // for endFuzzy and endHeader, in English
	switched bool   // endZero exactly 4 bytes before the end of the file

	ckpts   [maxCkpts]ckptInfo
	nckpt   int
	dropped int // older checkpoint records not kept

	unparsable      int64 // valid-looking records whose body Derby could not read
	firstUnparsable int64

	targetRecords int64 // records up to and including the one at the target instant, 0 if none
}

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

type logState int

const (
	stHeader logState = iota
	stLen
	stInstant
	stBody
	stTrail
	stEnded
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
	sumCRC     uint32
	sumWant    uint64
	sumAt      int64 // offset of the checksum record
	sumLen     int64
	snap       logSummary
}

func newLogFileCheck(num, target int64) *logFileCheck {
	return &logFileCheck{s: logSummary{num: num, end: makeInstant(num, logFileHeaderSize)}, target: target}
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
	for len(p) > 0 {
		var k int
		guarded := l.sumPending // bytes of the checksum record itself are not guarded
		switch l.st {
		case stHeader:
			var full bool
			if k, full = l.fill(p, logFileHeaderSize); full {
				l.header()
			}
		case stLen:
			var full bool
			if k, full = l.fill(p, 4); full {
				l.length()
			}
		case stInstant:
			var full bool
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
			var full bool
			if k, full = l.fill(p, 4); full {
				l.trail()
			}
		case stEnded:
			k = len(p)
			l.pos += int64(k)
		}
		if guarded {
			l.guard(p[:k])
		}
		p = p[k:]
	}
}

func (l *logFileCheck) header() {
	h := l.acc[:logFileHeaderSize]
	l.s.hdrFid = be.Uint32(h)
	l.s.hdrNum = int64(be.Uint64(h[8:]))
	l.s.prev = int64(be.Uint64(h[16:]))
	l.s.hdrOK = l.s.hdrFid == fmtLogFile && l.s.hdrNum == l.s.num
	l.accN = 0
	if !l.s.hdrOK {
		l.endAt(endHeader, 0, fmt.Sprintf("its header has format id %d and file number %d", l.s.hdrFid, l.s.hdrNum))
		return
	}
	l.st = stLen
}

func (l *logFileCheck) endAt(kind logEnd, at int64, why string) {
	l.s.endKind, l.s.endAt, l.s.endWhy = kind, at, why
	l.st = stEnded
}

func (l *logFileCheck) length() {
	n := int32(be.Uint32(l.acc[:4]))
	l.recStart = l.pos - 4
	l.accN = 0
	switch {
	case n == 0:
		l.endAt(endZero, l.recStart, "")
	case n < 0:
		l.endAt(endFuzzy, l.recStart, fmt.Sprintf("the record at offset %d has a negative length", l.recStart))
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
	case l.recInst < l.s.end:
		l.endAt(endFuzzy, l.recStart, fmt.Sprintf("the record at offset %d has instant %s, before the end of the record it follows", l.recStart, instant(l.recInst)))
	case l.recInst != want:
		l.endAt(endFuzzy, l.recStart, fmt.Sprintf("the record at offset %d has instant %s, not %s", l.recStart, instant(l.recInst), instant(want)))
	default:
		l.bodyLeft = l.recLen
		l.bodyN = 0
		l.st = stBody
		if l.recLen == 0 {
			l.st = stTrail
		}
	}
}

func (l *logFileCheck) trail() {
	t := int64(int32(be.Uint32(l.acc[:4])))
	peek := l.body[:l.bodyN]
	if t < l.recLen {
		l.accN = 0
		l.endAt(endFuzzy, l.recStart, fmt.Sprintf("the record at offset %d ends with length %d, not %d", l.recStart, t, l.recLen))
		return
	}
	if t > l.recLen {
		// Derby reads on (Scan: "let's hope it's only the length part
		// that is incorrect"), and so does the check.
		l.trailDiff++
	}
	end := l.pos
	s := &l.s
	s.records++
	if s.first == 0 {
		s.first = l.recInst
	}
	s.end = makeInstant(s.num, end)
	if l.recInst == l.target {
		s.targetRecords = s.records
	}
	r, ok := parseLogBody(peek)
	switch {
	case !ok:
		s.sig++
		if s.unparsable == 0 {
			s.firstUnparsable = l.recStart
		}
		s.unparsable++
	case r.op == opChecksum:
		if !l.sumPending {
			l.startGuard(r)
		}
	default:
		s.sig++
		switch r.op {
		case opCheckpoint:
			s.addCkpt(ckptInfo{at: l.recInst, redo: r.redoLWM, undo: r.undoLWM,
				hasXactTable: r.hasXactTable, xact: r.xact, sigBefore: s.sig})
		case opEndXact:
			for i := range s.ckpts[:s.nckpt] {
				if s.ckpts[i].xact == r.xact && r.xact >= 0 {
					s.ckpts[i].endSeen = true
				}
			}
		}
	}
	l.accN = 0
	l.st = stLen
}

// startGuard begins checking the bytes a checksum record guards: the
// records they hold count only if the CRC matches.
func (l *logFileCheck) startGuard(r logBody) {
	l.sumAt = l.recStart
	if r.dataLength < 0 {
		l.endAt(endFuzzy, l.recStart, fmt.Sprintf("the checksum record at offset %d guards a negative length", l.recStart))
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
		l.s.verified++
		return
	}
	// Derby stops at the checksum record: what it guards is a torn write,
	// or damage.
	l.s = l.snap
	l.endAt(endFuzzy, l.sumAt, fmt.Sprintf("the checksum record at offset %d does not match the %d bytes it guards (stored %#x, computed %#x)", l.sumAt, l.sumLen, l.sumWant, l.sumCRC))
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
		l.endAt(endFuzzy, at, fmt.Sprintf("the checksum record at offset %d guards bytes beyond the end of the file", at))
	}
	switch l.st {
	case stHeader:
		l.endAt(endHeader, 0, fmt.Sprintf("it is %d bytes long, shorter than its %d-byte header", n, logFileHeaderSize))
	case stLen:
		if l.accN == 0 {
			l.endAt(endEOF, l.pos, "")
		} else {
			l.endAt(endFuzzy, l.pos-int64(l.accN), fmt.Sprintf("the file ends inside the length of a record at offset %d", l.pos-int64(l.accN)))
		}
	case stInstant, stBody, stTrail:
		l.endAt(endFuzzy, l.recStart, fmt.Sprintf("the record at offset %d (%d bytes) runs past the end of the file", l.recStart, l.recLen))
	}
	l.s.switched = l.s.endKind == endZero && l.s.endAt+4 == n
	return l.s
}
