package derby

import (
	"context"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/efbackup/efbackup/engine"
	derbyfix "github.com/efbackup/efbackup/fixtures/derby"
)

// Every parser of bytes from disk is fuzzed. The seeds are the small files
// in testdata/fuzz and, where the engine is installed, whole pages and
// files of a database it made.

// realFile returns a file of the small clean fixture, or nil when the
// engine cannot make it here.
func realFile(f *testing.F, rel string) []byte {
	f.Helper()
	if _, err := derbyfix.Find(); err != nil {
		return nil
	}
	dir, err := derbyfix.Ensure(context.Background(), derbyfix.Spec{Seed: 1, State: derbyfix.Crashed})
	if err != nil {
		return nil
	}
	b, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	return b
}

// realLog returns the start of the fixture's log file, or nil.
func realLog(f *testing.F, n int) []byte {
	f.Helper()
	if _, err := derbyfix.Find(); err != nil {
		return nil
	}
	dir, err := derbyfix.Ensure(context.Background(), derbyfix.Spec{Seed: 1, State: derbyfix.Crashed})
	if err != nil {
		return nil
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "log", "log*.dat"))
	if len(logs) == 0 {
		return nil
	}
	b, _ := os.ReadFile(logs[0])
	return b[:min(n, len(b))]
}

func FuzzCompressedNumbers(f *testing.F) {
	f.Add([]byte{0x3f})
	f.Add([]byte{0x7f, 0xff})
	f.Add([]byte{0x80, 0, 0, 1, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		if v, n, ok := compressedInt(b); ok {
			if v < 0 || v >= 1<<31 || n > len(b) {
				t.Fatalf("int %d from %d of %d bytes", v, n, len(b))
			}
			if w, _, _ := compressedInt(appendCompressedInt(nil, v)); w != v {
				t.Fatalf("int %d re-encodes to %d", v, w)
			}
		}
		if v, n, ok := compressedLong(b); ok {
			if v < 0 || n > len(b) {
				t.Fatalf("long %d from %d of %d bytes", v, n, len(b))
			}
			if w, _, _ := compressedLong(appendCompressedLong(nil, v)); w != v {
				t.Fatalf("long %d re-encodes to %d", v, w)
			}
		}
	})
}

func FuzzPage(f *testing.F) {
	if b := realFile(f, "seg0/c20.dat"); len(b) >= 2*4096 {
		f.Add(b[:4096], true)
		f.Add(b[4096:8192], false)
	}
	f.Fuzz(func(t *testing.T, pg []byte, first bool) {
		if len(pg) < checksumSize {
			return
		}
		stored, sum := pageChecksum(pg, first)
		if stored != be.Uint64(pg[len(pg)-8:]) {
			t.Fatal("stored checksum read from the wrong place")
		}
		if !first && sum != crc32.ChecksumIEEE(pg[:len(pg)-8]) {
			t.Fatal("checksum of a page past the first")
		}
		zero := true
		for _, c := range pg {
			zero = zero && c == 0
		}
		if allZero(pg) != zero {
			t.Fatal("allZero")
		}
		if h, ok := parsePageHeader(pg); ok && h.slots >= 0 {
			for i := 0; i < h.slots && i < 1000; i++ {
				if off, n, ok := slot(pg, h.slots, i); ok && (off < recordSpaceOffset || off+n > len(pg)-checksumSize) {
					t.Fatalf("slot %d at %d+%d outside the page", i, off, n)
				}
			}
		}
	})
}

func FuzzAllocPage(f *testing.F) {
	if b := realFile(f, "seg0/c20.dat"); len(b) >= 4096 {
		f.Add(b[:4096])
	}
	f.Fuzz(func(t *testing.T, pg []byte) {
		a, ok := parseAllocPage(pg)
		if ok && borrowedOffset+a.borrowed+extentFixedSize > len(pg)-checksumSize {
			t.Fatal("extent read past the page")
		}
	})
}

func FuzzContainerInfo(f *testing.F) {
	if b := realFile(f, "seg0/c20.dat"); len(b) >= 4096 {
		f.Add(b[borrowedOffset : borrowedOffset+containerInfoSize])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in, ok := parseContainerInfo(b)
		if ok != (len(b) >= containerInfoSize) {
			t.Fatal("ok")
		}
		if ok && in.crc != crc32.ChecksumIEEE(b[:72]) {
			t.Fatal("crc")
		}
	})
}

// streamContainer runs bytes through a container check in chunks of n.
func streamContainer(b []byte, n int, role containerRole) engine.FileResult {
	c := newCheck("db")
	f := c.File("seg0/c20.dat", int64(len(b)))
	f.(*fileCheck).cont.role = role
	for p := b; len(p) > 0; {
		k := min(n, len(p))
		f.Write(p[:k])
		p = p[k:]
	}
	return f.Result()
}

func FuzzContainer(f *testing.F) {
	if b := realFile(f, "seg0/c20.dat"); len(b) >= 3*4096 {
		f.Add(b[:3*4096])
	}
	if b := realFile(f, "seg0/c10.dat"); len(b) > 0 {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want := streamContainer(b, len(b)+1, roleConglomerates)
		for _, n := range []int{13, 4093} {
			if got := streamContainer(b, n, roleConglomerates); diffJSON(want, got) != "" {
				t.Fatalf("chunks of %d: %s", n, diffJSON(want, got))
			}
		}
		streamContainer(b, len(b)+1, roleProperties)
	})
}

func FuzzLogFile(f *testing.F) {
	if b := realLog(f, 2000); b != nil {
		f.Add(b, int64(3))
	}
	f.Fuzz(func(t *testing.T, b []byte, num int64) {
		num &= 0xffff
		whole := newLogFileCheck(num, -1)
		whole.write(b)
		want := whole.finish(int64(len(b)))
		for _, n := range []int{1, 5, 13} {
			l := newLogFileCheck(num, -1)
			for p := b; len(p) > 0; {
				k := min(n, len(p))
				l.write(p[:k])
				p = p[k:]
			}
			if got := l.finish(int64(len(b))); !reflect.DeepEqual(got, want) {
				t.Fatalf("chunks of %d:\n%+v\n%+v", n, got, want)
			}
		}
		if want.nseg > maxSegs || want.nckpt > maxCkpts {
			t.Fatal("unbounded summary")
		}
		for _, g := range want.segs[:want.nseg] {
			if g.start < logFileHeaderSize || g.end < g.start || g.end > int64(len(b)) {
				t.Fatalf("run %+v in %d bytes", g, len(b))
			}
		}
	})
}

func FuzzLogRecord(f *testing.F) {
	f.Add(recordBody(opBeginXact, 7, nil))
	f.Add(checkpointBody(9, makeInstant(3, 784829), makeInstant(3, 784829)))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, ok := parseLogBody(b)
		if ok && (len(b) < 2 || be.Uint16(b) != fmtLogRecord) {
			t.Fatal("accepted another format id")
		}
		if ok && r.op == opChecksum && r.algo != checksumAlgoCRC32 {
			t.Fatal("accepted an unknown checksum algorithm")
		}
	})
}

// A checksum record accepts exactly the bytes it was written for.
func FuzzChecksumRecord(f *testing.F) {
	f.Add([]byte("some log data"), uint16(0), byte(0))
	f.Add(make([]byte, 300), uint16(17), byte(4))
	f.Fuzz(func(t *testing.T, data []byte, at uint16, mask byte) {
		l := newLogBuilder(2, makeInstant(1, 24))
		l.flush(recordBody(500, 1, data), recordBody(opEndXact, 1, nil))
		l.zeros(8)
		b := l.b
		guardedFrom := int(logFileHeaderSize) + 37
		i := guardedFrom + int(at)%(len(b)-guardedFrom-8)
		b[i] ^= mask
		s := scan2(b)
		g := s.segs[0]
		if mask == 0 && (g.verified != 1 || g.sig != 2 || g.endKind != endZero) {
			t.Fatalf("intact: %+v", g)
		}
		if mask != 0 && (g.verified != 0 || g.sig != 0) {
			t.Fatalf("flipped byte %d: %+v", i, g)
		}
	})
}

func scan2(b []byte) logSummary {
	l := newLogFileCheck(2, -1)
	l.write(b)
	return l.finish(int64(len(b)))
}

func FuzzControlFile(f *testing.F) {
	if b := realFile(f, "log/log.ctrl"); b != nil {
		f.Add(b)
	}
	// A file between 17 and 23 bytes long once read past its end.
	f.Add([]byte("\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := parseControlFile(b)
		if c.usable && len(b) > 16 && !c.noCRC && be.Uint64(b[len(b)-8:]) != uint64(crc32.ChecksumIEEE(b[:len(b)-8])) {
			t.Fatal("accepted a wrong checksum")
		}
		if c.usable && c.refuse {
			t.Fatal("usable and refused")
		}
		_ = buildName(c.build)
	})
}

func FuzzCatalogRows(f *testing.F) {
	if b := realFile(f, "seg0/c20.dat"); len(b) >= 2*4096 {
		pg := b[4096:8192]
		h, _ := parsePageHeader(pg)
		for i := 1; i < h.slots && i < 3; i++ {
			if off, n, ok := slot(pg, h.slots, i); ok {
				f.Add(pg[off : off+n])
			}
		}
	}
	if b := realFile(f, "seg0/c10.dat"); len(b) >= 2*4096 {
		pg := b[4096:8192]
		h, _ := parsePageHeader(pg)
		for i := 1; i < h.slots; i++ {
			if off, n, ok := slot(pg, h.slots, i); ok {
				if k, _, kind := propertyRow(pg[off : off+n]); kind == rowRead && k != "" {
					f.Add(pg[off : off+n])
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, rec []byte) {
		if num, kind := conglomerateRow(rec); kind == rowRead && num <= 0 {
			t.Fatalf("conglomerate %d", num)
		}
		if key, _, kind := propertyRow(rec); key != "" && (kind != rowRead || (key != keyCatalogVersion && key != keyCreatedCatalogVersion)) {
			t.Fatalf("key %q kind %d", key, kind)
		}
		if h, partial, ok := parseRecordHeader(rec); ok && (partial || h.size > len(rec)) {
			t.Fatalf("%+v partial %v", h, partial)
		}
	})
}

func FuzzProperties(f *testing.F) {
	if b := realFile(f, propertiesName); b != nil {
		f.Add(b)
	}
	f.Add([]byte("a=b\\\n  c\\u0041\nd\\=e:f"))
	f.Fuzz(func(t *testing.T, b []byte) {
		props, _ := parseProperties(b)
		n := 0
		for k, v := range props {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				t.Fatal("invalid UTF-8")
			}
			n += len(k) + len(v)
		}
		if n > 2*len(b) {
			t.Fatalf("%d bytes of properties from %d", n, len(b))
		}
	})
}

// The whole check over arbitrary files: it never panics, and always comes
// to a verdict.
func FuzzCheck(f *testing.F) {
	f.Add([]byte(minimalProperties), []byte{0, 0, 0, 0x80}, []byte("x"), []byte{})
	if p, c, l := realFile(f, propertiesName), realFile(f, "log/log.ctrl"), realLog(f, 3000); p != nil && c != nil && l != nil {
		f.Add(p, c, l, realFile(f, "seg0/c10.dat"))
	}
	f.Fuzz(func(t *testing.T, props, ctrl, log, c10 []byte) {
		c := newCheck("db")
		for _, x := range []struct {
			rel string
			b   []byte
		}{{logControlName, ctrl}, {"log/log1.dat", log}, {"log/log2.dat", log}, {logMirrorName, ctrl}, {"seg0/c10.dat", c10}, {"seg0/c20.dat", c10}, {propertiesName, props}} {
			c.File(x.rel, int64(len(x.b))).Write(x.b)
		}
		c.Skipped("db.lck", false)
		db := c.Finish()
		if db.Verdict == "" || db.State == "" {
			t.Fatalf("%+v", db)
		}
	})
}
