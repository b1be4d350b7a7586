package derby

import (
	"fmt"
	"hash/crc32"
	"reflect"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/engine"
)

func TestCompressedNumbers(t *testing.T) {
	for _, v := range []int64{0, 1, 0x3f, 0x40, 0x3fff, 0x4000, 0x3fffffff, 0x40000000, 0x7fffffff} {
		b := appendCompressedInt(nil, v)
		got, n, ok := compressedInt(b)
		if !ok || got != v || n != len(b) {
			t.Errorf("int %#x: % x decodes to %#x, %d, %v", v, b, got, n, ok)
		}
		if _, _, ok := compressedInt(b[:len(b)-1]); ok {
			t.Errorf("int %#x: a short encoding decodes", v)
		}
	}
	for _, v := range []int64{0, 0x3fff, 0x4000, 0x3fffffff, 0x40000000, 1<<62 - 1, 1<<63 - 1} {
		b := appendCompressedLong(nil, v)
		got, n, ok := compressedLong(b)
		if !ok || got != v || n != len(b) {
			t.Errorf("long %#x: % x decodes to %#x, %d, %v", v, b, got, n, ok)
		}
		if _, _, ok := compressedLong(b[:len(b)-1]); ok {
			t.Errorf("long %#x: a short encoding decodes", v)
		}
	}
	// docs/derby-format.md §2: a SYSCONGLOMERATES number field
	if v, _, _ := compressedInt([]byte{0x08}); v != 8 {
		t.Errorf("one-byte length: %d", v)
	}
}

func TestProperties(t *testing.T) {
	in := "#/home/x/db\n# comment\n! also a comment\n\n" +
		"derby.serviceProtocol=org.apache.derby.database.Database\n" +
		"   spaced   =   value with spaces  \n" +
		"colon:v\n" +
		"blank key\n" +
		"cont=one\\\n    two\\\n three\n" +
		"esc\\=key=a\\tb\\u0041\\\\\n" +
		"latin=caf\xe9\r\n" +
		"bad=\\u12G4\n" +
		"last=x\\"
	p, bad := parseProperties([]byte(in))
	want := map[string]string{
		"derby.serviceProtocol": "org.apache.derby.database.Database",
		"spaced":                "value with spaces  ",
		"colon":                 "v",
		"blank":                 "key",
		"cont":                  "onetwothree",
		"esc=key":               "a\tbA\\",
		"latin":                 "caf\u00e9",
		"last":                  "x",
	}
	for k, v := range want {
		if p[k] != v {
			t.Errorf("%q = %q, want %q", k, p[k], v)
		}
	}
	if len(p) != len(want) || bad != 1 {
		t.Errorf("%d keys, %d bad: %q", len(p), bad, p)
	}
}

func TestControlFile(t *testing.T) {
	b := make([]byte, 48)
	be.PutUint32(b, fmtLogFile)
	be.PutUint32(b[4:], obsoleteLogVersion)
	be.PutUint64(b[8:], uint64(makeInstant(3, 784865)))
	be.PutUint32(b[16:], 10)
	be.PutUint32(b[20:], 14)
	be.PutUint32(b[24:], 1828579)
	b[28] = flagDurabilityTest
	be.PutUint64(b[40:], uint64(crc32.ChecksumIEEE(b[:40])))
	c := parseControlFile(b)
	if !c.usable || c.checkpoint != makeInstant(3, 784865) || c.major != 10 || c.minor != 14 || buildName(c.build) != "10.14.2.0" || c.flags != flagDurabilityTest {
		t.Fatalf("%+v", c)
	}
	bad := append([]byte(nil), b...)
	bad[10] ^= 1
	if c := parseControlFile(bad); c.usable || c.refuse || !strings.Contains(c.problem.String(), "checksum") {
		t.Errorf("flipped: %+v", c)
	}
	zero := append([]byte(nil), bad...)
	be.PutUint64(zero[40:], 0)
	if c := parseControlFile(zero); !c.usable || !c.noCRC {
		t.Errorf("zero checksum: %+v", c)
	}
	wrong := append([]byte(nil), b...)
	be.PutUint32(wrong, 7)
	be.PutUint64(wrong[40:], uint64(crc32.ChecksumIEEE(wrong[:40])))
	if c := parseControlFile(wrong); c.usable || !c.refuse {
		t.Errorf("wrong format id: %+v", c)
	}
	if c := parseControlFile(b[:16]); !c.usable || c.checkpoint != makeInstant(3, 784865) {
		t.Errorf("16-byte file: %+v", c)
	}
	if c := parseControlFile(b[:15]); c.usable {
		t.Errorf("15-byte file: %+v", c)
	}
	if buildName(-1) != "unknown build -1" {
		t.Error(buildName(-1))
	}
}

func TestCatalogRelease(t *testing.T) {
	for v, want := range map[int32]string{220: "10.10", 260: "10.14", 280: "10.16", 130: "10.1", 120: "10.0", 290: "unknown catalog version 290", 261: "unknown catalog version 261"} {
		if got := catalogRelease(v); got != want {
			t.Errorf("%d: %q", v, got)
		}
	}
}

func TestNames(t *testing.T) {
	for rel, want := range map[string]int64{"seg0/c490.dat": 0x490, "seg0/C4A1.DAT": 0x4a1, "seg0/c10.dat": 16} {
		if id, stub, ok := containerName(rel); !ok || stub || id != want {
			t.Errorf("%s: %d %v %v", rel, id, stub, ok)
		}
	}
	if id, stub, ok := containerName("seg0/d4d0.dat"); !ok || !stub || id != 0x4d0 {
		t.Errorf("stub: %d %v %v", id, stub, ok)
	}
	for _, rel := range []string{"seg0/c.dat", "seg0/cxyz.dat", "seg0/c10.dat.bak", "c10.dat", "seg0/x/c10.dat", "seg0/c-10.dat", "seg0/README_DO_NOT_TOUCH_FILES.txt"} {
		if _, _, ok := containerName(rel); ok {
			t.Errorf("%s is a container", rel)
		}
	}
	if containerPath(0x490) != "seg0/c490.dat" {
		t.Error(containerPath(0x490))
	}
	for rel, want := range map[string]int64{"log/log1.dat": 1, "log/log123.dat": 123} {
		if n, ok := logFileName(rel); !ok || n != want {
			t.Errorf("%s: %d %v", rel, n, ok)
		}
	}
	for _, rel := range []string{"log/log.ctrl", "log/logmirror.ctrl", "log/log0.dat", "log/log-1.dat", "log/log1.dat.x", "log/logx.dat", "log1.dat"} {
		if _, ok := logFileName(rel); ok {
			t.Errorf("%s is a log file", rel)
		}
	}
}

// logBuilder writes a log file the way LogToFile does: a header, then
// records framed by their length and instant, and checksum records that
// guard the records written after them.
type logBuilder struct {
	num int64
	b   []byte
}

func newLogBuilder(num, prev int64) *logBuilder {
	l := &logBuilder{num: num}
	l.b = be.AppendUint32(l.b, fmtLogFile)
	l.b = be.AppendUint32(l.b, obsoleteLogVersion)
	l.b = be.AppendUint64(l.b, uint64(num))
	l.b = be.AppendUint64(l.b, uint64(prev))
	return l
}

func recordBody(op int, xact int64, rest []byte) []byte {
	b := be.AppendUint16(nil, fmtLogRecord)
	b = appendCompressedInt(b, 0x900)
	if xact < 0 {
		b = be.AppendUint16(b, fmtNull)
	} else {
		b = be.AppendUint16(b, fmtXactID)
		b = appendCompressedLong(b, xact)
	}
	b = be.AppendUint16(b, uint16(op))
	return append(b, rest...)
}

func checkpointBody(xact, redo, undo int64) []byte {
	var rest []byte
	rest = appendCompressedLong(rest, redo)
	rest = appendCompressedLong(rest, undo)
	rest = appendCompressedInt(rest, 0)
	rest = appendCompressedInt(rest, 1)
	rest = append(rest, 1, 2, 3, 4) // stands for the transaction table
	return recordBody(opCheckpoint, xact, rest)
}

// record appends a record and returns its instant.
func (l *logBuilder) record(body []byte) int64 {
	at := int64(len(l.b))
	l.b = be.AppendUint32(l.b, uint32(len(body)))
	l.b = be.AppendUint64(l.b, uint64(makeInstant(l.num, at)))
	l.b = append(l.b, body...)
	l.b = be.AppendUint32(l.b, uint32(len(body)))
	return makeInstant(l.num, at)
}

// flush appends the records of bodies behind a checksum record guarding
// them, as one buffer of the log writer, and returns their instants.
func (l *logBuilder) flush(bodies ...[]byte) (at []int64) {
	guarded := newLogBuilder(l.num, 0)
	start := int64(len(l.b)) + logRecordOverhead + int64(len(recordBody(opChecksum, -1, make([]byte, 13))))
	guarded.b = make([]byte, start) // positions as they will be
	for _, b := range bodies {
		at = append(at, guarded.record(b))
	}
	data := guarded.b[start:]
	rest := []byte{checksumAlgoCRC32}
	rest = be.AppendUint32(rest, uint32(len(data)))
	rest = be.AppendUint64(rest, uint64(crc32.ChecksumIEEE(data)))
	l.record(recordBody(opChecksum, -1, rest))
	l.b = append(l.b, data...)
	return at
}

func (l *logBuilder) end() int64 { return makeInstant(l.num, int64(len(l.b))) }

func (l *logBuilder) zeros(n int) { l.b = append(l.b, make([]byte, n)...) }

// scan runs a log file through the check in chunks of every size from 1
// to 17 bytes and whole, and fails unless all give the same summary.
func scan(t *testing.T, b []byte, num, target int64) logSummary {
	t.Helper()
	whole := newLogFileCheck(num, target)
	whole.write(b)
	want := whole.finish(int64(len(b)))
	for n := 1; n <= 17; n++ {
		l := newLogFileCheck(num, target)
		for p := b; len(p) > 0; {
			k := min(n, len(p))
			l.write(p[:k])
			p = p[k:]
		}
		if got := l.finish(int64(len(b))); !reflect.DeepEqual(got, want) {
			t.Fatalf("chunks of %d:\n%+v\nwhole:\n%+v", n, got, want)
		}
	}
	return want
}

func TestLogScan(t *testing.T) {
	l := newLogBuilder(3, makeInstant(2, 1000))
	l.flush(recordBody(opBeginXact, 7, []byte("begin")), recordBody(500, 7, make([]byte, 300)), recordBody(opEndXact, 7, nil))
	redo := l.end()
	ck := l.flush(recordBody(opBeginXact, 9, nil), checkpointBody(9, redo, redo))[1]
	l.flush(recordBody(opEndXact, 9, nil))
	end := l.end()
	l.zeros(4096)

	s := scan(t, l.b, 3, ck)
	if !s.hdrOK || s.prev != makeInstant(2, 1000) || s.nseg != 1 {
		t.Fatalf("%+v", s)
	}
	g := s.segs[0]
	if g.endKind != endZero || makeInstant(3, g.end) != end || g.records != 9 || g.sig != 6 || g.verified != 3 || g.unparsable != 0 {
		t.Fatalf("%+v", g)
	}
	k, ok := s.ckpt(ck)
	if !ok || k.redo != redo || k.undo != redo || !k.endSeen || k.sigBefore != 5 || k.xact != 9 || !k.hasXactTable {
		t.Fatalf("checkpoint %+v %v", k, ok)
	}
	if g.targetRecords != 7 {
		t.Errorf("target at record %d", g.targetRecords)
	}
	if s.switched(&s.segs[0]) {
		t.Error("switched")
	}

	// A file that ends with the switch marker.
	sw := append(append([]byte(nil), l.b[:int(uint32(end))]...), 0, 0, 0, 0)
	if s := scan(t, sw, 3, -1); !s.switched(&s.segs[0]) {
		t.Errorf("not switched: %+v", s.segs[0])
	}
	// One that ends right after its last record.
	if s := scan(t, l.b[:int(uint32(end))], 3, -1); s.segs[0].endKind != endEOF {
		t.Errorf("%+v", s.segs[0])
	}
	// A header of another file.
	if s := scan(t, l.b, 4, -1); s.hdrOK || s.nseg != 0 || s.hdrWhy.Key == "" {
		t.Errorf("%+v", s)
	}
	if s := scan(t, l.b[:10], 3, -1); s.hdrOK || !strings.Contains(s.hdrWhy.String(), "shorter") {
		t.Errorf("%+v", s)
	}
}

// The records a checksum record guards count only when the checksum
// matches; after a mismatch, the scan finds the records further on.
func TestLogScanDamage(t *testing.T) {
	build := func() (*logBuilder, []int64) {
		l := newLogBuilder(5, makeInstant(4, 24))
		var at []int64
		for i := 0; i < 6; i++ {
			at = append(at, int64(uint32(l.flush(recordBody(500, int64(i), make([]byte, 100+i)), recordBody(opEndXact, int64(i), nil))[0])))
		}
		l.zeros(1000)
		return l, at
	}
	l, at := build()
	base := scan(t, l.b, 5, -1)
	if base.nseg != 1 || base.segs[0].sig != 12 {
		t.Fatalf("%+v", base.segs[0])
	}
	for _, tt := range []struct {
		name    string
		damage  func(b []byte) []byte
		segs    int
		why     string
		firstTo int64 // where the first run ends
	}{
		// Derby's valid log ends after the checksum record that fails.
		{"flip in the third buffer", func(b []byte) []byte { b[at[2]+40] ^= 0x10; return b }, 2, "does not match", at[2]},
		{"torn tail", func(b []byte) []byte { return b[:at[5]+50] }, 1, "beyond the end", at[5]},
		{"zeroed second buffer", func(b []byte) []byte {
			copy(b[at[1]-37:at[2]-37], make([]byte, at[2]-at[1]))
			return b
		}, 2, "", at[1] - 37},
		{"negative length", func(b []byte) []byte { be.PutUint32(b[at[3]-37:], 0xffffff00); return b }, 2, "negative", at[3] - 37},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l, _ := build()
			b := tt.damage(l.b)
			s := scan(t, b, 5, -1)
			g := s.segs[0]
			if s.nseg != tt.segs || g.end != tt.firstTo || !strings.Contains(g.endWhy.String(), tt.why) {
				t.Fatalf("%d runs, the first ends at %d (%s), want %d runs, the first ending at %d (%q)", s.nseg, g.end, g.endWhy, tt.segs, tt.firstTo, tt.why)
			}
			if s.nseg > 1 && s.segs[1].sig == 0 {
				t.Errorf("the records after the damage were not found again: %+v", s.segs[1])
			}
		})
	}
}

// The analysis of a log tells a torn tail from lost records.
func TestLogAnalysis(t *testing.T) {
	mk := func(buffers int, damage func(b []byte, at []int64) []byte) *engine.Database {
		l := newLogBuilder(1, 0)
		redo := l.end()
		ck := l.flush(recordBody(opBeginXact, 1, nil), checkpointBody(1, redo, redo))[1]
		l.flush(recordBody(opEndXact, 1, nil))
		var at []int64
		for i := 0; i < buffers; i++ {
			at = append(at, int64(uint32(l.flush(recordBody(500, int64(10+i), make([]byte, 1000)), recordBody(opEndXact, int64(10+i), nil))[0])))
		}
		l.zeros(4096)
		b := l.b
		if damage != nil {
			b = damage(b, at)
		}
		ctrl := make([]byte, 48)
		be.PutUint32(ctrl, fmtLogFile)
		be.PutUint64(ctrl[8:], uint64(ck))
		be.PutUint32(ctrl[16:], 10)
		be.PutUint32(ctrl[20:], 14)
		be.PutUint64(ctrl[40:], uint64(crc32.ChecksumIEEE(ctrl[:40])))
		c := newCheck("db")
		c.partial = true
		for _, f := range []struct {
			rel string
			b   []byte
		}{{logControlName, ctrl}, {"log/log1.dat", b}, {logMirrorName, ctrl}, {propertiesName, []byte(minimalProperties)}} {
			c.File(f.rel, int64(len(f.b))).Write(f.b)
		}
		return c.Finish()
	}
	if db := mk(0, nil); db.State != engine.Clean || len(findings(db, CodeLogFuzzyEnd)) != 0 {
		t.Errorf("clean: %s", describe(db))
	}
	if db := mk(3, nil); db.State != engine.NeedsRecovery {
		t.Errorf("work after the checkpoint: %s", describe(db))
	}
	// A torn last buffer: a crash in the middle of a write.
	db := mk(200, func(b []byte, at []int64) []byte { return b[:at[199]+100] })
	wantFinding(t, db, CodeLogFuzzyEnd, engine.Warning, "log/log1.dat")
	// A flip far from the end loses everything after it.
	db = mk(200, func(b []byte, at []int64) []byte { b[at[20]+30] ^= 1; return b })
	f := wantFinding(t, db, CodeLogFuzzyEnd, engine.Damaged, "log/log1.dat")
	// the records of the buffer that fails are not counted: they are not valid
	if !strings.Contains(f.Detail, fmt.Sprintf("%d records", 2*(200-21))) {
		t.Errorf("%s", f.Detail)
	}
	// A flip in the last buffers, with valid ones just behind it: the
	// disk may write a flush's buffers in any order.
	db = mk(200, func(b []byte, at []int64) []byte { b[at[198]+30] ^= 1; return b })
	wantFinding(t, db, CodeLogFuzzyEnd, engine.Warning, "log/log1.dat")
	// A zeroed range far from the end is a hole.
	db = mk(200, func(b []byte, at []int64) []byte {
		copy(b[at[10]-37:], make([]byte, 3000))
		return b
	})
	wantFinding(t, db, CodeLogHole, engine.Damaged, "log/log1.dat")
	// Unreadable records inside the log Derby reads.
	db = mk(5, func(b []byte, at []int64) []byte {
		// a record with a wrong format id, its checksum made to match
		l := newLogBuilder(1, 0)
		l.b = append([]byte(nil), b[:at[2]-37]...)
		l.flush([]byte{0, 0x82, 1, 2, 3})
		return append(l.b, make([]byte, 100)...)
	})
	wantFinding(t, db, CodeLogRecord, engine.Damaged, "log/log1.dat")
}

// minimalProperties is a service.properties with the keys Derby needs.
const minimalProperties = `derby.serviceProtocol=org.apache.derby.database.Database
SysconglomeratesIdentifier=32
SysconglomeratesIndex1Identifier=49
SysconglomeratesIndex2Identifier=65
SysconglomeratesIndex3Identifier=81
SystablesIdentifier=96
SystablesIndex1Identifier=113
SystablesIndex2Identifier=129
SyscolumnsIdentifier=144
SyscolumnsIndex1Identifier=161
SyscolumnsIndex2Identifier=177
SysschemasIdentifier=192
SysschemasIndex1Identifier=209
SysschemasIndex2Identifier=225
derby.storage.propertiesId=16
`
