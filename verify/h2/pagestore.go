package h2

import (
	"encoding/binary"
	"hash/crc32"
	"math/bits"
	"strconv"
)

// psMagic is the PageStore file signature, written three times (the second
// copy is the salt of an encrypted file, the third its encrypted check).
const psMagic = "-- H2 0.5/B -- \n"

const (
	psMinPageSize = 64
	psMaxPageSize = 32768
	psReadVersion = 3 // H2 1.2.127 to 1.4.200 write and read version 3
)

// psChecker checks a PageStore file (*.h2.db) as it streams past: the
// static header, the two copies of the variable header (pages 1 and 2),
// and the sampled checksum of every page after them.
type psChecker struct {
	name string
	size int64
	pos  int64

	head     [64]byte // bytes 0-63: signature, page size, versions
	ps       int64    // page size, 0 until known or when invalid
	encrypt  bool
	vh       []byte // pages 1 and 2, kept whole (at most 64 KiB)
	sample   [8]byte
	sampleAt int64 // start of the page being sampled
	badPages int64
	firstBad *Finding
	typeBad  *Finding
	build    buildScanner
	offs     [8]int64
}

func newPSChecker(name string, size int64) *psChecker {
	return &psChecker{name: name, size: size, sampleAt: -1, build: buildScanner{size: size}}
}

func (c *psChecker) Write(p []byte) (int, error) {
	n := len(p)
	base := c.pos
	end := base + int64(n)
	if base < int64(len(c.head)) {
		copy(c.head[base:], p)
		if end >= 54 && base < 54 {
			c.static()
		}
	}
	c.build.feed(p, base)
	if c.ps > 0 && !c.encrypt {
		c.pages(p, base)
	}
	c.pos = end
	return n, nil
}

// static reads bytes 0-53 once they are in.
func (c *psChecker) static() {
	if !c.looksEncrypted() {
		ps := int64(int32(binary.BigEndian.Uint32(c.head[48:52])))
		if ps >= psMinPageSize && ps <= psMaxPageSize && ps&(ps-1) == 0 {
			c.ps = ps
			c.vh = make([]byte, 0, 2*ps)
			o := [8]int64{0, 1, 2, 6, ps/2 - 1, ps / 2, ps - 2, ps - 1}
			c.offs = o
		}
		return
	}
	c.encrypt = true
}

// looksEncrypted tells an encrypted file (random salt and encrypted check
// after the first signature) from a plain file whose later signature
// copies were damaged (a few bits off).
func (c *psChecker) looksEncrypted() bool {
	if string(c.head[:16]) != psMagic {
		return false
	}
	return hamming(c.head[16:32], psMagic) > 16 && hamming(c.head[32:48], psMagic) > 16
}

func hamming(b []byte, s string) int {
	d := 0
	for i := range b {
		d += bits.OnesCount8(b[i] ^ s[i])
	}
	return d
}

// pages handles the bytes of p that belong to pages 1 and up.
func (c *psChecker) pages(p []byte, base int64) {
	ps := c.ps
	end := base + int64(len(p))
	// Pages 1 and 2 are kept whole.
	if base < 3*ps && end > ps {
		from := max(base, ps+int64(len(c.vh)))
		to := min(end, 3*ps)
		if from < to && from == ps+int64(len(c.vh)) {
			c.vh = append(c.vh, p[from-base:to-base]...)
		}
	}
	// Pages 3 and up: pick the eight sampled bytes of each page.
	start := max(base, 3*ps)
	if start >= end {
		return
	}
	page := start / ps
	for pageStart := page * ps; pageStart < end; pageStart += ps {
		if c.sampleAt != pageStart {
			c.sampleAt = pageStart
		}
		for i, o := range c.offs {
			a := pageStart + o
			if a >= base && a < end {
				c.sample[i] = p[a-base]
			}
		}
		if pageStart+ps <= end {
			c.checkPage(pageStart)
		}
	}
}

func (c *psChecker) checkPage(pageStart int64) {
	d := &c.sample
	typ := d[0]
	if typ == 0 {
		return // an empty page has no checksum
	}
	id := int32(pageStart / c.ps)
	s1 := 255 + int32(d[0])
	s2 := 255 + s1
	for _, b := range d[3:] {
		s1 += int32(b)
		s2 += s1
	}
	want1 := byte(((s1 & 255) + (s1 >> 8)) ^ id)
	want2 := byte(((s2 & 255) + (s2 >> 8)) ^ (id >> 8))
	if d[1] != want1 || d[2] != want2 {
		c.badPages++
		if c.firstBad == nil {
			f := finding(Damaged, CodePageCheck, pageStart, "page %d at 0x%x has checksum 0x%02x%02x, expected 0x%02x%02x", id, pageStart, d[1], d[2], want1, want2)
			c.firstBad = &f
		}
		return
	}
	if t := typ &^ 16; (t < 1 || t > 8) && c.typeBad == nil {
		f := finding(Damaged, CodePageBad, pageStart, "page %d at 0x%x has type %d", id, pageStart, typ)
		c.typeBad = &f
	}
}

// varHeader is pages 1 and 2 of a PageStore.
type varHeader struct {
	ok          bool
	crc, want   uint32
	logKey      uint32
	trunk, data uint32
}

func parseVarHeader(b []byte) varHeader {
	v := varHeader{crc: binary.BigEndian.Uint32(b[:4]), want: crc32.ChecksumIEEE(b[4:])}
	v.ok = v.crc == v.want
	v.logKey = binary.BigEndian.Uint32(b[12:16])
	v.trunk = binary.BigEndian.Uint32(b[16:20])
	v.data = binary.BigEndian.Uint32(b[20:24])
	return v
}

func (c *psChecker) Result() Result {
	r := Result{File: c.name, Kind: KindPageStore, Format: "PageStore", H2Version: "1.2.127–1.4.200"}
	add := func(f Finding) { r.Findings = append(r.Findings, f) }
	n := c.pos
	if c.build.build != "" {
		r.H2Version = "build " + c.build.build
	}
	if c.size >= 0 && n != c.size {
		add(finding(Warning, CodeSizeChanged, -1, "%d bytes were read, but the file was %d bytes long when the read began", n, c.size))
	}
	if n < 54 {
		add(finding(Damaged, CodeTooSmall, n, "the file is %d bytes, too short for a PageStore header", n))
		r.finish()
		return r
	}
	if c.encrypt {
		r.Kind = KindEncrypted
		r.Format = "encrypted, not checked structurally"
		r.H2Version = ""
		r.finish()
		return r
	}
	m1 := string(c.head[:16]) == psMagic
	m2 := string(c.head[16:32]) == psMagic
	m3 := string(c.head[32:48]) == psMagic
	switch {
	case !m1:
		add(finding(Damaged, CodeMagicBad, 0, "bytes 0-15 are %q, not the H2 signature", c.head[:16]))
	case !m3:
		add(finding(Damaged, CodeMagicBad, 32, "bytes 32-47 are %q, not the H2 signature", c.head[32:48]))
	case !m2:
		add(finding(Warning, CodeMagicCopyBad, 16, "bytes 16-31 are %q, not the H2 signature", c.head[16:32]))
	}
	psRaw := int32(binary.BigEndian.Uint32(c.head[48:52]))
	wv, rv := c.head[52], c.head[53]
	if c.ps == 0 {
		add(finding(Damaged, CodePageSizeBad, 48, "page size %d is not a power of two from 64 to 32768", psRaw))
		r.finish()
		return r
	}
	if rv > psReadVersion {
		add(finding(Damaged, CodeVersionUnsupported, 53, "read version %d; H2 reads up to %d", rv, psReadVersion))
	}
	if wv > psReadVersion {
		add(finding(Warning, CodeWriteVersionNewer, 52, "write version %d; H2 1.4 writes %d", wv, psReadVersion))
	}
	ps := c.ps
	if n%ps != 0 {
		add(finding(Damaged, CodeSizeNotAligned, n-n%ps, "the file is %d bytes, %d bytes past a multiple of the page size %d", n, n%ps, ps))
	}
	if n/ps < 5 {
		add(finding(Damaged, CodeTooSmall, n, "the file has %d whole pages of %d bytes; a PageStore has at least 5", n/ps, ps))
	}
	if int64(len(c.vh)) == 2*ps {
		v1, v2 := parseVarHeader(c.vh[:ps]), parseVarHeader(c.vh[ps:])
		use := v1
		switch {
		case !v1.ok && !v2.ok:
			add(finding(Damaged, CodeHeaderBothBad, ps, "page 1 has CRC 0x%08x, expected 0x%08x; page 2 has CRC 0x%08x, expected 0x%08x", v1.crc, v1.want, v2.crc, v2.want))
		case !v1.ok:
			add(finding(Warning, CodeHeaderCopyBad, ps, "page 1 (header copy 1) has CRC 0x%08x, expected 0x%08x", v1.crc, v1.want))
			use = v2
		case !v2.ok:
			add(finding(Warning, CodeHeaderCopyBad, 2*ps, "page 2 (header copy 2) has CRC 0x%08x, expected 0x%08x", v2.crc, v2.want))
		case string(c.vh[:ps]) != string(c.vh[ps:]):
			add(finding(Warning, CodeHeaderCopiesDiffer, 2*ps, "pages 1 and 2 are both valid but not identical"))
		}
		if use.ok && (use.trunk != 0 || use.data != 0) {
			add(finding(Warning, CodeLogNotEmpty, ps, "the transaction log starts at trunk page %d, data page %d", use.trunk, use.data))
		}
	}
	if c.firstBad != nil {
		f := *c.firstBad
		if c.badPages > 1 {
			f.Detail += " (and " + strconv.FormatInt(c.badPages-1, 10) + " more pages)"
		}
		add(f)
	}
	if c.typeBad != nil {
		add(*c.typeBad)
	}
	r.finish()
	return r
}
