package h2

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

// fuzzExecs counts executions in this process. Go's fuzz coordinator
// reports a worker's executions only when the worker returns, which it
// does not do while it finds nothing new; with FUZZ_COUNT_FILE set, each
// worker appends its own count there now and then, so the real number of
// executions is on record.
var fuzzExecs atomic.Int64

func countExec(name string) {
	if n := fuzzExecs.Add(1); n%50000 == 0 {
		if p := os.Getenv("FUZZ_COUNT_FILE"); p != "" {
			if f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
				fmt.Fprintf(f, "%s pid %d execs %d\n", name, os.Getpid(), n)
				f.Close()
			}
		}
	}
}

// encodeMap is H2's DataUtils.appendMap: values holding ',' or '"' are
// quoted, with '\' and '"' escaped.
func encodeMap(m textMap) []byte {
	var b bytes.Buffer
	for i, p := range m {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(p.k)
		b.WriteByte(':')
		if strings.ContainsAny(p.v, `,"`) {
			b.WriteByte('"')
			for j := 0; j < len(p.v); j++ {
				if p.v[j] == '\\' || p.v[j] == '"' {
					b.WriteByte('\\')
				}
				b.WriteByte(p.v[j])
			}
			b.WriteByte('"')
		} else {
			b.WriteString(p.v)
		}
	}
	return b.Bytes()
}

func FuzzHeaderParse(f *testing.F) {
	for _, c := range loadCorpus(f) {
		if strings.HasSuffix(c.name, ".mv.db") {
			f.Add(c.data[:blockSize])
			f.Add(c.data[len(c.data)-footerLen:])
			hdrEnd := bytes.IndexByte(c.data[2*blockSize:3*blockSize], '\n')
			if hdrEnd > 0 {
				f.Add(c.data[2*blockSize : 2*blockSize+hdrEnd])
			}
		}
	}
	f.Add([]byte(`a:"x,\"y",b:1,fletcher:0`))
	f.Fuzz(func(t *testing.T, b []byte) {
		countExec("FuzzHeaderParse")
		// File header / footer: a map that passes its checksum must
		// have the checksum of exactly the bytes H2 covers.
		m, stored, computed, reason := parseChecksummedMap(b)
		if reason == "" {
			if stored != computed {
				t.Fatalf("accepted with stored %08x != computed %08x", stored, computed)
			}
			s, e := trimJava(b)
			i := bytes.Index(b[s:e], []byte("fletcher:"))
			if i < 0 {
				t.Fatal("accepted without fletcher")
			}
			if i > 0 && fletcher32(b[s:s+i-1]) != stored {
				t.Fatal("checksum does not cover the bytes before ,fletcher")
			}
			// Re-encoding what was parsed and checksumming it again
			// gives a map that parses to the same pairs.
			enc := encodeMap(m)
			enc = append(enc, []byte(",fletcher:"+hex32(fletcher32(enc)))...)
			m2, _, _, r2 := parseChecksummedMap(enc)
			if len(m) > 0 && (r2 != "" || !sameMap(m, m2)) {
				t.Fatalf("re-encoded %q: %v (%s) != %v", enc, m2, r2, m)
			}
		}
		// Chunk header: parse, encode, parse again.
		if m, ok := parseMap(b); ok {
			m2, ok2 := parseMap(encodeMap(m))
			if !ok2 || !sameMap(m, m2) {
				t.Fatalf("parseMap round trip: %v -> %q -> %v", m, encodeMap(m), m2)
			}
		}
		parseHeader(padTo(b, blockSize))
		parseFooter(padTo(b, footerLen), 1<<20)
	})
}

func padTo(b []byte, n int) []byte {
	out := make([]byte, n)
	copy(out, b)
	return out
}

func sameMap(a, b textMap) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

var fuzzNames = []string{"f.mv.db", "f.h2.db", "f.trace.db", "f.mv.db.tempFile", "f.lock.db", "f.txt"}

func FuzzChecker(f *testing.F) {
	for _, c := range loadCorpus(f) {
		kind := byte(0)
		switch {
		case strings.HasSuffix(c.name, ".h2.db"):
			kind = 1
		case strings.HasSuffix(c.name, ".trace.db"):
			kind = 2
		}
		// The start of each file (the headers and first chunks) and
		// its end (the newest chunk and the last footer), joined: Go's
		// fuzzer slows to a crawl on inputs of hundreds of KiB, and
		// the whole files run in the other tests anyway.
		d := c.data
		head := d[:min(len(d), 16<<10)]
		f.Add(kind, uint64(1), head)
		if len(d) > 32<<10 {
			f.Add(kind, uint64(2), append(bytes.Clone(head), d[len(d)-16<<10:]...))
		}
	}
	f.Fuzz(func(t *testing.T, kind byte, seed uint64, b []byte) {
		countExec("FuzzChecker")
		name := fuzzNames[int(kind)%len(fuzzNames)]
		whole := check(name, b)
		rng := rand.New(rand.NewPCG(seed, seed>>7))
		c := NewChecker(name, int64(len(b)))
		for rest := b; len(rest) > 0; {
			n := 1 + rng.IntN(5000)
			if rng.IntN(4) == 0 {
				n = 1 + rng.IntN(8)
			}
			n = min(n, len(rest))
			c.Write(rest[:n])
			rest = rest[n:]
		}
		split := c.Result()
		if !equalResults(whole, split) {
			t.Fatalf("split writes change the result:\n%+v\n%+v", whole, split)
		}
		if whole.Verdict != OK && whole.Verdict != Warning && whole.Verdict != Damaged {
			t.Fatalf("verdict %q", whole.Verdict)
		}
		for _, fd := range whole.Findings {
			if _, ok := messages[fd.Code]; !ok {
				t.Fatalf("finding code %q has no message", fd.Code)
			}
		}
		if mv, ok := c.(*mvChecker); ok {
			if len(mv.chunks) > maxChunks || len(mv.walkers) > maxWalkers || mv.layout.size > layoutBudget {
				t.Fatalf("unbounded state: %d chunks, %d walkers, %d layout bytes", len(mv.chunks), len(mv.walkers), mv.layout.size)
			}
		}
	})
}
