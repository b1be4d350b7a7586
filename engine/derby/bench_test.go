package derby

import (
	"crypto/sha256"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/efbackup/efbackup/engine"
	derbyfix "github.com/efbackup/efbackup/fixtures/derby"
)

// benchContainers returns the largest container with 32 KiB pages (a BLOB
// table) and the largest with 4 KiB pages of a 48 MiB database.
func benchContainers(b *testing.B) map[string][]byte {
	b.Helper()
	dir := fixture(b, derbyfix.Spec{Seed: 2, Size: 48 << 20})
	out := map[string][]byte{}
	entries, _ := os.ReadDir(filepath.Join(dir, "seg0"))
	for _, e := range entries {
		if _, stub, ok := containerName("seg0/" + e.Name()); !ok || stub {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, "seg0", e.Name()))
		if err != nil || len(data) < 189 {
			continue
		}
		name := "4KiB-pages"
		if be.Uint32(data[117:]) == 32768 {
			name = "32KiB-pages"
		}
		if len(data) > len(out[name]) {
			out[name] = data
		}
	}
	return out
}

// The check's cost next to the SHA-256 every snapshot computes over the
// same bytes.
func BenchmarkContainer(b *testing.B) {
	for name, data := range benchContainers(b) {
		b.Run(name+"/check", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c := newCheck("db")
				f := c.File("seg0/c999.dat", int64(len(data)))
				for p := data; len(p) > 0; {
					k := min(1<<20, len(p))
					f.Write(p[:k])
					p = p[k:]
				}
				if r := f.Result(); r.Verdict != engine.OK {
					b.Fatalf("%v", r.Findings)
				}
			}
		})
		b.Run(name+"/sha256", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				h := sha256.New()
				for p := data; len(p) > 0; {
					k := min(1<<20, len(p))
					h.Write(p[:k])
					p = p[k:]
				}
				h.Sum(nil)
			}
		})
	}
}

func BenchmarkLog(b *testing.B) {
	dir := fixture(b, derbyfix.Spec{Seed: 2, Size: 48 << 20, State: derbyfix.Crashed})
	logs, _ := filepath.Glob(filepath.Join(dir, "log", "log*.dat"))
	var data []byte
	var num int64
	for _, l := range logs {
		if d, _ := os.ReadFile(l); len(d) > len(data) {
			data = d
			num, _ = logFileName("log/" + filepath.Base(l))
		}
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		l := newLogFileCheck(num, -1)
		for p := data; len(p) > 0; {
			k := min(1<<20, len(p))
			l.write(p[:k])
			p = p[k:]
		}
		l.finish(int64(len(data)))
	}
}

// Memory stays bounded whatever a file's size and however damaged it is:
// one page buffer and small summaries, findings counted past a few.
func TestBoundedMemory(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	t.Logf("seed 7")
	chunk := make([]byte, 1<<20)
	measure := func(name string, size int64, limit uint64, f engine.FileCheck, fill func(off int64, p []byte)) {
		t.Helper()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for off := int64(0); off < size; off += int64(len(chunk)) {
			fill(off, chunk)
			f.Write(chunk)
		}
		r := f.Result()
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d MiB streamed, %d KiB allocated, %d findings", name, size>>20, alloc>>10, len(r.Findings))
		if alloc > limit || len(r.Findings) > 4*maxPerCode {
			t.Errorf("%s: %d bytes allocated, %d findings", name, alloc, len(r.Findings))
		}
	}
	size := int64(256 << 20)
	if testing.Short() {
		size = 32 << 20
	}
	// A container whose header says 4 KiB pages and every page after is
	// noise: a bad checksum on each.
	c := newCheck("db")
	hdr := make([]byte, 4096)
	be.PutUint16(hdr, fmtAllocPage)
	info := hdr[borrowedOffset:]
	be.PutUint32(info, fmtContainer)
	be.PutUint32(info[8:], 4096)
	noise := make([]byte, len(chunk))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	measure("container", size, 256<<10, c.File("seg0/c490.dat", size), func(off int64, p []byte) {
		copy(p, noise)
		p[0] = byte(off >> 20) // no two chunks alike
		if off == 0 {
			copy(p, hdr)
		}
	})
	for i := range noise {
		noise[i] &= 0x3
	}
	// A log file of noise after a valid header, where the scan keeps
	// looking for records.
	measure("log", size, 256<<10, c.File("log/log3.dat", size), func(off int64, p []byte) {
		copy(p, noise)
		if off == 0 {
			copy(p, newLogBuilder(3, makeInstant(2, 24)).b)
		}
	})
	// A service.properties far larger than any: kept only up to its bound.
	measure("properties", 64<<20, maxPropertiesSize+256<<10, c.File(propertiesName, 64<<20), func(off int64, p []byte) {
		for i := range p {
			p[i] = 'a'
		}
	})
}
