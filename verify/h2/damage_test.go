package h2

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// variant is a damaged copy of a corpus file with the verdict it must get.
type variant struct {
	base string // corpus file it was made from
	name string // "<base>/<damage>"
	data []byte
	// want is the verdict the damage alone deserves ("" = no claim: the
	// damage may or may not matter, the oracle decides). The test wants
	// the worse of this and the base file's own verdict.
	want Verdict
	code string // a finding code that must be among the findings, if set
	// blind says why this checker cannot see the damage, by design: a
	// flipped byte inside a page body (MVStore does not checksum page
	// bodies; PageStore samples 8 bytes a page), or a cut that leaves
	// exactly an earlier valid state. The oracle reports these, but they
	// do not fail it.
	blind string
}

func flipBit(b []byte, off int64, bit uint) []byte {
	out := bytes.Clone(b)
	out[off] ^= 1 << (bit & 7)
	return out
}

func zeroRange(b []byte, off, n int64) []byte {
	out := bytes.Clone(b)
	clear(out[off : off+n])
	return out
}

func appendBytes(b []byte, extra []byte) []byte {
	return append(bytes.Clone(b), extra...)
}

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// makeVariants builds the damaged copies of every corpus database file.
// It is deterministic: the same corpus gives the same variants.
func makeVariants(t testing.TB) []variant {
	var out []variant
	for _, f := range loadCorpus(t) {
		rng := rand.New(rand.NewPCG(1, uint64(len(f.name))))
		switch {
		case strings.HasSuffix(f.name, ".mv.db"):
			out = append(out, mvVariants(t, f, rng)...)
		case strings.HasSuffix(f.name, ".h2.db"):
			out = append(out, psVariants(t, f, rng)...)
		}
	}
	return out
}

func mvVariants(t testing.TB, f corpusFile, rng *rand.Rand) []variant {
	b := f.data
	n := int64(len(b))
	c := newMVChecker(f.name, n)
	c.Write(b)
	base := c.Result()
	nw := c.newest
	if nw == nil {
		t.Fatalf("%s: no newest chunk", f.name)
		return nil
	}
	clean := base.Clean != nil && *base.Clean
	var vs []variant
	add := func(name string, data []byte, want Verdict, code string) {
		vs = append(vs, variant{base: f.name, name: f.name + "/" + name, data: data, want: want, code: code})
	}
	chunkEnd := func(off int64) bool {
		for _, s := range c.chunks {
			if s.valid() && s.end() == off {
				return true
			}
		}
		return false
	}
	hdrText := int64(bytes.IndexByte(b[:blockSize], '\n'))

	// Truncation.
	if cut := n - blockSize; chunkEnd(cut) {
		// The file then ends where an older state ended: nothing
		// structural says data is missing (see docs/database-checks.md).
		add("trunc-last-block", b[:cut], "", "")
		vs[len(vs)-1].blind = "the cut leaves an earlier valid state"
	} else {
		add("trunc-last-block", b[:cut], Damaged, CodeFooterBad)
	}
	add("trunc-misaligned", b[:n-100], Damaged, CodeSizeNotAligned)
	if nw.blocks > 1 && nw.pos+blockSize < n {
		add("trunc-in-newest", b[:nw.pos+blockSize], Damaged, "")
	}
	if clean {
		add("trunc-at-newest", b[:nw.pos], Damaged, "")
	} else {
		add("trunc-at-newest", b[:nw.pos], "", "")
		vs[len(vs)-1].blind = "the cut leaves an earlier valid state"
	}
	add("trunc-headers-only", b[:2*blockSize], Damaged, "")
	add("trunc-5000", b[:5000], Damaged, CodeTooSmall)

	// The file header copies.
	add("flip-header1", flipBit(b, rng.Int64N(hdrText), rng.UintN(8)), Warning, CodeHeaderCopyBad)
	add("flip-header2", flipBit(b, blockSize+rng.Int64N(hdrText), rng.UintN(8)), Warning, CodeHeaderCopyBad)
	add("flip-both-headers", flipBit(flipBit(b, rng.Int64N(hdrText), rng.UintN(8)), blockSize+rng.Int64N(hdrText), rng.UintN(8)), Damaged, CodeHeaderBothBad)
	add("zero-header1", zeroRange(b, 0, blockSize), Warning, CodeHeaderCopyBad)

	// The newest chunk: header, pages, ToC, footer.
	hdr := b[nw.pos : nw.pos+nw.hdrEnd]
	idDigit := int64(len("chunk:"))
	add("flip-chunk-id", flipBit(b, nw.pos+idDigit, 0), Damaged, "")
	if i := bytes.Index(hdr, []byte(",pages:")); i >= 0 {
		// Without a ToC (format 1) a smaller page count can go
		// unnoticed, and H2 does not use it to read.
		want := Verdict(Damaged)
		if !nw.hasTOC {
			want = ""
		}
		add("flip-chunk-pages", flipBit(b, nw.pos+int64(i+len(",pages:")), 0), want, "")
	}
	if i := bytes.Index(hdr, []byte(",len:")); i >= 0 {
		add("flip-chunk-len", flipBit(b, nw.pos+int64(i+len(",len:")), 1), Damaged, "")
	}
	first := nw.pos + nw.hdrEnd
	add("flip-page-check", flipBit(b, first+4+rng.Int64N(2), rng.UintN(8)), Damaged, CodePageCheck)
	add("flip-page-len", flipBit(b, first+3, rng.UintN(8)), Damaged, "")
	bodyEnd := nw.end() - footerLen
	if nw.hasTOC {
		bodyEnd = nw.pos + int64(nw.toc)
	}
	if bodyEnd-first > 256 {
		v := variant{base: f.name, name: f.name + "/flip-page-body", blind: "page bodies carry no checksum",
			data: flipBit(b, first+64+rng.Int64N(bodyEnd-first-128), rng.UintN(8))}
		vs = append(vs, v)
	}
	if nw.hasTOC && nw.pages > 0 {
		add("flip-toc", flipBit(b, nw.pos+int64(nw.toc)+rng.Int64N(int64(nw.pages)*8), rng.UintN(8)), Damaged, CodeTOCBad)
	}
	footer := nw.end() - footerLen
	footText := int64(bytes.IndexByte(b[footer:footer+footerLen], ' '))
	add("flip-footer", flipBit(b, footer+rng.Int64N(footText), rng.UintN(8)), Damaged, CodeFooterBad)

	// Zeroed blocks.
	add("zero-newest-first-block", zeroRange(b, nw.pos, blockSize), Damaged, "")
	add("zero-last-block", zeroRange(b, n-blockSize, blockSize), Damaged, CodeFooterBad)
	if nb := n / blockSize; nb > 4 {
		blk := 2 + rng.Int64N(nb-2)
		add(fmt.Sprintf("zero-block-%d", blk), zeroRange(b, blk*blockSize, blockSize), "", "")
	}

	// Bytes appended.
	add("append-garbage", appendBytes(b, randBytes(rng, blockSize)), Damaged, CodeFooterBad)
	add("append-zeros", appendBytes(b, make([]byte, blockSize)), Damaged, CodeFooterBad)
	return vs
}

func psVariants(t testing.TB, f corpusFile, rng *rand.Rand) []variant {
	b := f.data
	n := int64(len(b))
	ps := int64(binary.BigEndian.Uint32(b[48:52]))
	var vs []variant
	add := func(name string, data []byte, want Verdict, code string) {
		vs = append(vs, variant{base: f.name, name: f.name + "/" + name, data: data, want: want, code: code})
	}
	add("flip-magic0", flipBit(b, rng.Int64N(16), rng.UintN(8)), Damaged, CodeMagicBad)
	add("flip-magic1", flipBit(b, 16+rng.Int64N(16), rng.UintN(8)), Warning, CodeMagicCopyBad)
	add("flip-magic2", flipBit(b, 32+rng.Int64N(16), rng.UintN(8)), Damaged, CodeMagicBad)
	add("flip-pagesize", flipBit(b, 50, 2), Damaged, CodePageSizeBad)
	rv := bytes.Clone(b)
	rv[53] = 4
	add("readversion-4", rv, Damaged, CodeVersionUnsupported)
	add("flip-page1", flipBit(b, ps+4+rng.Int64N(ps-4), rng.UintN(8)), Warning, CodeHeaderCopyBad)
	add("flip-page2", flipBit(b, 2*ps+4+rng.Int64N(ps-4), rng.UintN(8)), Warning, CodeHeaderCopyBad)
	add("flip-page1-crc", flipBit(b, ps+rng.Int64N(4), rng.UintN(8)), Warning, CodeHeaderCopyBad)
	add("flip-both-varheaders", flipBit(flipBit(b, ps+20, 0), 2*ps+20, 0), Damaged, CodeHeaderBothBad)
	add("zero-page1", zeroRange(b, ps, ps), Warning, CodeHeaderCopyBad)
	// Data pages: the checksum bytes and sampled bytes are seen; other
	// bytes of a page are not (the engine's checksum samples only 8).
	var data []int64
	for p := int64(3); p < n/ps; p++ {
		if b[p*ps] != 0 {
			data = append(data, p)
		}
	}
	if len(data) == 0 {
		t.Fatalf("%s: no data pages", f.name)
	}
	pg := data[rng.IntN(len(data))] * ps
	add("flip-page-checksum", flipBit(b, pg+1+rng.Int64N(2), rng.UintN(8)), Damaged, CodePageCheck)
	add("flip-page-lastbyte", flipBit(b, pg+ps-1, rng.UintN(8)), Damaged, CodePageCheck)
	add("flip-page-type", flipBit(b, pg, 0), Damaged, "")
	vs = append(vs, variant{base: f.name, name: f.name + "/flip-page-body", blind: "the page checksum samples 8 bytes",
		data: flipBit(b, pg+100+rng.Int64N(ps/2-110), rng.UintN(8))})
	add("trunc-misaligned", b[:n-100], Damaged, CodeSizeNotAligned)
	add("trunc-page", b[:n-ps], "", "")
	vs[len(vs)-1].blind = "a PageStore has no pointer to its last page"
	add("trunc-small", b[:3*ps], Damaged, CodeTooSmall)
	add("append-garbage", appendBytes(b, randBytes(rng, int(ps))), Damaged, CodePageCheck)
	return vs
}

func worst(a, b Verdict) Verdict {
	if a.Worse(b) {
		return a
	}
	return b
}

func TestDamageVariants(t *testing.T) {
	baseVerdict := map[string]Verdict{}
	for _, f := range loadCorpus(t) {
		baseVerdict[f.name] = check(f.name, f.data).Verdict
	}
	vs := makeVariants(t)
	claimed := 0
	for _, v := range vs {
		r := check(v.base, v.data)
		if v.want == "" {
			continue
		}
		claimed++
		want := worst(v.want, baseVerdict[v.base])
		if r.Verdict != want {
			t.Errorf("%s: verdict %s, want %s; findings %v", v.name, r.Verdict, want, r.Findings)
			continue
		}
		if v.code != "" && !hasCode(r, v.code) {
			t.Errorf("%s: no %s finding in %v", v.name, v.code, r.Findings)
		}
		for _, fd := range r.Findings {
			if fd.Verdict == Damaged && fd.Offset < 0 && fd.Code != CodeNoChunk {
				t.Errorf("%s: damage finding without offset: %+v", v.name, fd)
			}
		}
	}
	t.Logf("%d variants, %d with a claimed verdict", len(vs), claimed)
	if claimed < 200 {
		t.Errorf("only %d claimed variants", claimed)
	}
}

func hasCode(r Result, code string) bool {
	for _, f := range r.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// TestDamageDeterministic: the same corpus gives the same variants.
func TestDamageDeterministic(t *testing.T) {
	a, b := makeVariants(t), makeVariants(t)
	if len(a) != len(b) {
		t.Fatal("variant count differs")
	}
	for i := range a {
		if a[i].name != b[i].name || !bytes.Equal(a[i].data, b[i].data) {
			t.Fatalf("variant %s differs between runs", a[i].name)
		}
	}
}
