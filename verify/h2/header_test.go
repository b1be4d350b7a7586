package h2

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// rewriteHeader re-encodes both file header copies of an MVStore file with
// edit applied and a correct checksum: damage that H2's checksum cannot
// see, because it is not damage to the header but a lie in it.
func rewriteHeader(t *testing.T, b []byte, edit func(textMap) textMap) []byte {
	t.Helper()
	m, _, _, reason := parseChecksummedMap(b[:blockSize])
	if reason != "" {
		t.Fatal(reason)
	}
	enc := encodeMap(edit(m))
	enc = append(enc, fmt.Sprintf(",fletcher:%x\n", fletcher32(enc))...)
	out := bytes.Clone(b)
	for _, off := range []int{0, blockSize} {
		clear(out[off : off+blockSize])
		copy(out[off:], enc)
	}
	return out
}

func setKey(m textMap, k, v string) textMap {
	out := textMap{}
	found := false
	for _, p := range m {
		if p.k == k {
			p.v = v
			found = true
		}
		out = append(out, p)
	}
	if !found {
		out = append(out, kv{k, v})
	}
	return out
}

func corpusFileNamed(t *testing.T, name string) []byte {
	for _, f := range loadCorpus(t) {
		if f.name == name {
			return f.data
		}
	}
	t.Fatalf("no corpus file %s", name)
	return nil
}

func TestHeaderLies(t *testing.T) {
	b := corpusFileNamed(t, "h214-clean.mv.db")
	c := newMVChecker("x.mv.db", int64(len(b)))
	c.Write(b)
	c.Result()
	var older *chunkSum
	for _, s := range c.chunks {
		if s.valid() && s != c.newest && (older == nil || s.version > older.version) {
			older = s
		}
	}
	if older == nil {
		t.Fatal("no older chunk")
	}
	nb := uint64(len(b) / blockSize)
	for _, tc := range []struct {
		name string
		edit func(textMap) textMap
		want Verdict
		code string
	}{
		{"same", func(m textMap) textMap { return m }, OK, ""},
		{"chunk past the end", func(m textMap) textMap { return setKey(m, "block", fmt.Sprintf("%x", nb+5)) }, Damaged, CodeTruncated},
		{"chunk id wrong", func(m textMap) textMap { return setKey(m, "chunk", "3ffffff") }, Damaged, CodeChunkMissing},
		{"format 4", func(m textMap) textMap { return setKey(m, "format", "4") }, Damaged, CodeHeaderBothBad},
		{"block size 2000", func(m textMap) textMap { return setKey(m, "blockSize", "2000") }, Damaged, CodeHeaderBothBad},
		{"H 3", func(m textMap) textMap { return setKey(m, "H", "3") }, Damaged, CodeHeaderBothBad},
		{"clean but stale", func(m textMap) textMap {
			m = setKey(m, "chunk", fmt.Sprintf("%x", older.id))
			m = setKey(m, "block", fmt.Sprintf("%x", older.pos/blockSize))
			return setKey(m, "version", fmt.Sprintf("%x", older.version))
		}, Damaged, CodeCleanHeaderStale},
		{"not clean", func(m textMap) textMap {
			var out textMap
			for _, p := range m {
				if p.k != "clean" {
					out = append(out, p)
				}
			}
			return out
		}, Warning, CodeNotClean},
	} {
		r := check("x.mv.db", rewriteHeader(t, b, tc.edit))
		if r.Verdict != tc.want || (tc.code != "" && !hasCode(r, tc.code)) {
			t.Errorf("%s: %s %v, want %s %s", tc.name, r.Verdict, codes(r), tc.want, tc.code)
		}
	}
	// Both copies valid but different (a byte that trimming drops):
	// harmless to H2, but a clean close writes them identical.
	d := bytes.Clone(b)
	d[blockSize+blockSize-1] = 0x80
	if r := check("x.mv.db", d); r.Verdict != Warning || !hasCode(r, CodeHeaderCopiesDiffer) {
		t.Errorf("copies differ: %s %v", r.Verdict, codes(r))
	}
}

func TestEncrypted(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	mv := append([]byte("H2encrypt\n"), randBytes(rng, 3*blockSize-10)...)
	for _, split := range [][]int{nil, {1}, {3}, {4096}} {
		var r Result
		if split == nil {
			r = check("e.mv.db", mv)
		} else {
			r = writeSplit("e.mv.db", mv, split, nil)
		}
		if r.Kind != KindEncrypted || r.Verdict != OK || r.Format != "encrypted, not checked structurally" {
			t.Errorf("encrypted MVStore (split %v): %+v", split, r)
		}
	}
	ps := append([]byte(psMagic), randBytes(rng, 8*1024-16)...)
	if r := check("e.h2.db", ps); r.Kind != KindEncrypted || r.Verdict != OK {
		t.Errorf("encrypted PageStore: %+v", r)
	}
	// A plain PageStore whose third signature copy lost a bit is damage,
	// not encryption.
	plain := corpusFileNamed(t, "h197ps-clean.h2.db")
	if r := check("p.h2.db", flipBit(flipBit(plain, 20, 1), 40, 1)); r.Kind != KindPageStore || r.Verdict != Damaged {
		t.Errorf("damaged signature copies: %+v", r)
	}
}

func TestTooSmallAndEmpty(t *testing.T) {
	for _, n := range []int{0, 1, 100, 4096, 8191} {
		if r := check("x.mv.db", make([]byte, n)); r.Verdict != Damaged {
			t.Errorf("%d zero bytes as .mv.db: %s", n, r.Verdict)
		}
		if r := check("x.h2.db", make([]byte, n)); r.Verdict != Damaged {
			t.Errorf("%d zero bytes as .h2.db: %s", n, r.Verdict)
		}
	}
	if r := check("x.trace.db", nil); r.Verdict != OK {
		t.Errorf("empty trace: %s", r.Verdict)
	}
}
