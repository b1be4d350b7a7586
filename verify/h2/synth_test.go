package h2

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"testing"
)

// synth writes a valid MVStore format 2 file of about size bytes without
// keeping it in memory: chunks of about chunkSize with pages of 200 to
// 4000 bytes, correct check values, ToCs and footers, the header naming
// the last chunk and clean:1. It is for the benchmark and the memory test,
// where the real corpus is too small.
func synth(w io.Writer, size int64, chunkSize int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 1))
	nChunks := int(size / int64(chunkSize))
	if nChunks < 1 {
		nChunks = 1
	}
	// Plan every chunk first (sizes only), so the header can name the
	// last one.
	type plan struct {
		pages  []int
		blocks int
		block  int
		toc    int
	}
	const hdrLen = 256
	plans := make([]plan, nChunks)
	block := 2
	for i := range plans {
		p := &plans[i]
		used := hdrLen
		for used < chunkSize-8*len(p.pages)-footerLen-4000 {
			l := 200 + rng.IntN(3800)
			p.pages = append(p.pages, l)
			used += l
		}
		p.toc = used
		end := used + 8*len(p.pages) + footerLen
		p.blocks = (end + blockSize - 1) / blockSize
		p.block = block
		block += p.blocks
	}
	last := plans[nChunks-1]
	hdr := fmt.Sprintf("H:2,block:%x,blockSize:1000,chunk:%x,clean:1,created:18f00000000,format:2,version:%x", last.block, nChunks, nChunks)
	hdr += fmt.Sprintf(",fletcher:%x\n", fletcher32([]byte(hdr)))
	head := make([]byte, 2*blockSize)
	copy(head, hdr)
	copy(head[blockSize:], hdr)
	if _, err := w.Write(head); err != nil {
		return err
	}
	var buf []byte
	for i, p := range plans {
		id := i + 1
		n := p.blocks * blockSize
		if cap(buf) < n {
			buf = make([]byte, n)
		}
		buf = buf[:n]
		for j := range buf {
			buf[j] = byte(j*7 + i)
		}
		next := p.block + p.blocks
		h := fmt.Sprintf("chunk:%x,block:%x,len:%x,map:5,max:%x,next:%x,pages:%x,root:0,time:%x,version:%x,toc:%x",
			id, p.block, p.blocks, p.toc, next, len(p.pages), i, id, p.toc)
		copy(buf, h)
		for j := len(h); j < hdrLen-1; j++ {
			buf[j] = ' '
		}
		buf[hdrLen-1] = '\n'
		off := hdrLen
		tocAt := p.toc
		for k, l := range p.pages {
			mapID := 1 + k%5
			binary.BigEndian.PutUint32(buf[off:], uint32(l))
			check := cv(int32(id)) ^ cv(int32(off)) ^ cv(int32(l))
			binary.BigEndian.PutUint16(buf[off+4:], check)
			q := off + 6
			q += binary.PutUvarint(buf[q:], uint64(k))
			q += binary.PutUvarint(buf[q:], uint64(mapID))
			q += binary.PutUvarint(buf[q:], 10)
			buf[q] = 0
			e := uint64(mapID)<<38 | uint64(off)<<6 | uint64(encodeLength(int32(l)))<<1
			binary.BigEndian.PutUint64(buf[tocAt+8*k:], e)
			off += l
		}
		f := fmt.Sprintf("chunk:%x,block:%x,version:%x", id, p.block, id)
		f += fmt.Sprintf(",fletcher:%x", fletcher32([]byte(f)))
		foot := buf[n-footerLen:]
		copy(foot, f)
		for j := len(f); j < footerLen-1; j++ {
			foot[j] = ' '
		}
		foot[footerLen-1] = '\n'
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

func TestSynthIsValid(t *testing.T) {
	var b bytes.Buffer
	if err := synth(&b, 8<<20, 1<<20, 1); err != nil {
		t.Fatal(err)
	}
	c := newMVChecker("s.mv.db", int64(b.Len()))
	c.Write(b.Bytes())
	r := c.Result()
	if r.Verdict != OK || c.stats.pages < 1000 || c.stats.tocs != c.stats.chunks {
		t.Fatalf("synthetic file: %+v %+v", r, c.stats)
	}
	// And the generator is honest: damage in its newest chunk is seen.
	d := bytes.Clone(b.Bytes())
	first := int(c.newest.pos + 256)
	d[first+5] ^= 1 // the first page's check value
	if r := check("s.mv.db", d); r.Verdict != Damaged || !hasCode(r, CodePageCheck) {
		t.Errorf("damaged synthetic file: %+v", r)
	}
}

// TestBoundedMemory streams a 256 MiB file through the checker and checks
// the heap it keeps.
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 256 MiB")
	}
	const size = 256 << 20
	c := NewChecker("big.mv.db", -1)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := synth(chunkedWriter{c, 1 << 20}, size, 4<<20, 2); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	r := c.Result()
	if r.Verdict != OK {
		t.Fatalf("big synthetic file: %+v", r)
	}
	// The synthesizer's own chunk buffer (4 MiB) is still live here.
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 8<<20 {
		t.Errorf("heap grew by %d bytes over a %d-byte stream", grown, size)
	}
}

// chunkedWriter passes writes on in pieces of at most n bytes, as the
// snapshot writer's read buffer would.
type chunkedWriter struct {
	w io.Writer
	n int
}

func (c chunkedWriter) Write(p []byte) (int, error) {
	for off := 0; off < len(p); off += c.n {
		if _, err := c.w.Write(p[off:min(off+c.n, len(p))]); err != nil {
			return off, err
		}
	}
	return len(p), nil
}

// BenchmarkChecker measures the checker over a 128 MiB synthetic MVStore
// file written in 1 MiB pieces (the snapshot writer's buffer size), and
// over the real corpus.
func BenchmarkChecker(b *testing.B) {
	var buf bytes.Buffer
	if err := synth(&buf, 128<<20, 4<<20, 3); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.Run("synthetic-128MiB", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			c := NewChecker("s.mv.db", int64(len(data)))
			chunkedWriter{c, 1 << 20}.Write(data)
			if r := c.Result(); r.Verdict != OK {
				b.Fatal(r)
			}
		}
	})
	var real []byte
	for _, f := range loadCorpus(b) {
		if bytes.HasSuffix([]byte(f.name), []byte(".mv.db")) {
			real = append(real, f.data...)
		}
	}
	b.Run("corpus-mvstore-files", func(b *testing.B) {
		files := loadCorpus(b)
		b.SetBytes(int64(len(real)))
		for b.Loop() {
			for _, f := range files {
				if bytes.HasSuffix([]byte(f.name), []byte(".mv.db")) {
					c := NewChecker(f.name, int64(len(f.data)))
					chunkedWriter{c, 1 << 20}.Write(f.data)
					c.Result()
				}
			}
		}
	})
	b.Run("pagestore-synthetic-64MiB", func(b *testing.B) {
		ps := loadPS(b)
		big := make([]byte, 0, 64<<20)
		big = append(big, ps...)
		for len(big)+1024 <= 64<<20 {
			big = append(big, make([]byte, 1024)...)
		}
		b.SetBytes(int64(len(big)))
		for b.Loop() {
			c := NewChecker("p.h2.db", int64(len(big)))
			chunkedWriter{c, 1 << 20}.Write(big)
			c.Result()
		}
	})
	b.Run("copy-only-baseline", func(b *testing.B) {
		// What touching every byte once costs, for scale.
		dst := make([]byte, 1<<20)
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			for off := 0; off < len(data); off += 1 << 20 {
				copy(dst, data[off:min(off+1<<20, len(data))])
			}
		}
	})
}

func loadPS(b testing.TB) []byte {
	for _, f := range loadCorpus(b) {
		if f.name == "h197ps-clean.h2.db" {
			return f.data
		}
	}
	b.Fatal("no PageStore corpus file")
	return nil
}
