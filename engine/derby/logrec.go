package derby

// Log records (LogRecord, CheckpointOperation, ChecksumOperation). On disk
// each record is
//
//	int length | long instant | length bytes of body | int length
//
// and its body is the LogRecord format id, a compressed group, the
// transaction id (a format id and a compressed long, or the null format id)
// and the operation (a format id and its fields).
const (
	logRecordOverhead = 16 // the two lengths and the instant
	logFileHeaderSize = 24 // fid, obsolete version, file number, previous record end

	fmtNull      = 0
	fmtLogRecord = 129
	fmtXactID    = 147

	opEndXact    = 102
	opBeginXact  = 169
	opCheckpoint = 263
	opChecksum   = 453

	// logPeek is how much of a record body the check keeps: enough for
	// every field it reads, whatever the record's size.
	logPeek = 64

	checksumAlgoCRC32 = 1
)

// logBody is what the check reads of a record body.
type logBody struct {
	group int64
	xact  int64 // -1 when the record belongs to no transaction
	op    int

	// checkpoint records
	redoLWM, undoLWM int64
	hasXactTable     bool

	// checksum records: a CRC over the next dataLength bytes of the file
	algo       byte
	dataLength int64
	sum        uint64
}

// parseLogBody reads the start of a record body (at most logPeek bytes of
// it). ok is false when the bytes cannot be a record Derby wrote in the
// clear: a wrong format id or a truncated field.
func parseLogBody(b []byte) (r logBody, ok bool) {
	if len(b) < 2 || be.Uint16(b) != fmtLogRecord {
		return r, false
	}
	p := 2
	g, n, ok := compressedInt(b[p:])
	if !ok {
		return r, false
	}
	r.group = g
	p += n
	if len(b) < p+2 {
		return r, false
	}
	switch be.Uint16(b[p:]) {
	case fmtNull:
		r.xact = -1
		p += 2
	case fmtXactID:
		p += 2
		x, n, ok := compressedLong(b[p:])
		if !ok {
			return r, false
		}
		r.xact = x
		p += n
	default:
		return r, false
	}
	if len(b) < p+2 {
		return r, false
	}
	r.op = int(be.Uint16(b[p:]))
	p += 2
	switch r.op {
	case opCheckpoint:
		var n int
		if r.redoLWM, n, ok = compressedLong(b[p:]); !ok {
			return r, false
		}
		p += n
		if r.undoLWM, n, ok = compressedLong(b[p:]); !ok {
			return r, false
		}
		p += n
		if _, n, ok = compressedInt(b[p:]); !ok {
			return r, false
		}
		p += n
		t, _, ok := compressedInt(b[p:])
		if !ok {
			return r, false
		}
		r.hasXactTable = t == 1
	case opChecksum:
		if len(b) < p+13 {
			return r, false
		}
		r.algo = b[p]
		r.dataLength = int64(int32(be.Uint32(b[p+1:])))
		r.sum = be.Uint64(b[p+5:])
	}
	return r, true
}
