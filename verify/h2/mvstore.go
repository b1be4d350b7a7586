package h2

import (
	"bytes"
	"container/heap"
	"encoding/binary"
	"fmt"
	"sort"
)

const (
	blockSize    = 4096
	footerLen    = 128
	maxHeaderLen = 1024 // H2 reads at most this much of a chunk header
	chunkIDMask  = 1<<26 - 1

	// maxWalkers bounds the chunks whose pages are followed at one time.
	// Chunk regions overlap only where a dead chunk was partly written
	// over, so real files need a handful; hostile ones hit the cap and
	// the extra chunks go unchecked instead of costing memory.
	maxWalkers = 256
	// maxChunks bounds the chunk summaries kept (about 200 bytes each).
	// Past it the oldest versions are dropped: the chunks H2 reaches are
	// the newest ones.
	maxChunks = 1 << 14
)

// chunkSum is what the checker remembers of one chunk header seen at a
// block start, and what the walk over its pages and footer found. It does
// not know yet whether H2 would ever read this chunk: that is decided at
// the end, from the file header, the last footer and the next-chain.
type chunkSum struct {
	pos     int64 // offset of the chunk header
	id      uint32
	blocks  uint64
	version uint64
	next    uint64
	pages   uint64
	toc     uint64
	hasTOC  bool
	pageNo  bool // pages carry a page number (format 2 and later)
	mapMax  uint64
	hasMap  bool
	rootPos uint64 // position of the root page of map 0
	hdrEnd  int64

	footer   footerState
	fID      uint32
	fStart   int64 // the chunk's start block according to its footer
	fVersion uint64
	fReason  string

	walked  bool     // its pages were followed
	reached bool     // H2 would read it (set by Result)
	problem *Finding // the first page or ToC problem
	heapIdx int
}

type footerState uint8

const (
	footerUnseen footerState = iota // lies past the end of the stream
	footerBad
	footerOK
	footerUnchecked // too many chunks at once; not followed
)

func (c *chunkSum) end() int64 { return c.pos + int64(c.blocks)*blockSize }

// valid is H2's readChunkHeaderAndFooter: a header here and a footer at its
// end that names the same chunk at the same block.
func (c *chunkSum) valid() bool {
	if c.footer == footerUnchecked {
		return true
	}
	return c.footer == footerOK && c.fID == c.id && c.fStart == c.pos/blockSize
}

// chunkHeap keeps the summaries with the newest versions.
type chunkHeap []*chunkSum

func (h chunkHeap) Len() int           { return len(h) }
func (h chunkHeap) Less(i, j int) bool { return h[i].version < h[j].version }
func (h chunkHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].heapIdx, h[j].heapIdx = i, j
}
func (h *chunkHeap) Push(x any) {
	c := x.(*chunkSum)
	c.heapIdx = len(*h)
	*h = append(*h, c)
}
func (h *chunkHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// mvChecker checks an MVStore file (*.mv.db) as it streams past.
type mvChecker struct {
	name       string
	size       int64
	pos        int64
	encrypted  bool
	fileFormat int // -1 until the header copies are in

	hdr  [2 * blockSize]byte // both file header copies
	ring [ringSize]byte      // the last bytes seen, for the file's last footer

	// capture collects a possible chunk header at a block start.
	capture struct {
		active bool
		start  int64
		n      int
		buf    [maxHeaderLen]byte
	}

	chunks  chunkHeap
	walkers []*walker
	dropped bool // summaries were dropped at the maxChunks cap
	build   buildScanner
	stats   mvStats
	layout  layoutPages
	// What the last Result reached; the damage tests aim at these.
	reached []*chunkSum
	newest  *chunkSum
}

// mvStats counts what was looked at, so tests can prove a check ran.
type mvStats struct {
	chunks, pages, tocs, footers, reached int
}

func newMVChecker(name string, size int64) *mvChecker {
	return &mvChecker{name: name, size: size, fileFormat: -1, build: buildScanner{size: size}}
}

func (c *mvChecker) Write(p []byte) (int, error) {
	n := len(p)
	if c.encrypted {
		c.pos += int64(n)
		return n, nil
	}
	base := c.pos
	end := base + int64(n)
	if base < int64(len(c.hdr)) {
		copy(c.hdr[base:], p)
		if base < 10 && end >= 10 && bytes.HasPrefix(c.hdr[:10], []byte("H2encrypt\n")) {
			c.encrypted = true
			c.pos = end
			return n, nil
		}
	}
	c.keepTail(p, base)
	c.build.feed(p, base)
	c.scanBlocks(p, base)
	if len(c.walkers) > 0 {
		k := 0
		for _, w := range c.walkers {
			w.feed(p, base)
			if !w.done {
				c.walkers[k] = w
				k++
			}
		}
		for i := k; i < len(c.walkers); i++ {
			c.walkers[i] = nil
		}
		c.walkers = c.walkers[:k]
	}
	c.pos = end
	return n, nil
}

// ringSize holds two blocks of the stream's end: enough for the footer at
// the end of the last whole block even when a few bytes dangle after it.
const ringSize = 2 * blockSize

func (c *mvChecker) keepTail(p []byte, base int64) {
	if len(p) > ringSize {
		base += int64(len(p) - ringSize)
		p = p[len(p)-ringSize:]
	}
	i := int(base % ringSize)
	k := copy(c.ring[i:], p)
	copy(c.ring[:], p[k:])
}

// scanBlocks looks at every block start in p for a chunk header. Only a
// block that begins with 'c' (every H2 chunk header begins "chunk:") costs
// more than one byte comparison.
func (c *mvChecker) scanBlocks(p []byte, base int64) {
	end := base + int64(len(p))
	if c.capture.active {
		c.captureMore(p, base)
	}
	first := (base + blockSize - 1) / blockSize * blockSize
	if first < 2*blockSize {
		first = 2 * blockSize
	}
	for b := first; b < end; b += blockSize {
		if p[b-base] != 'c' {
			continue
		}
		c.capture.active = true
		c.capture.start = b
		c.capture.n = 0
		c.captureMore(p, base)
	}
}

func (c *mvChecker) captureMore(p []byte, base int64) {
	cp := &c.capture
	from := cp.start + int64(cp.n)
	if from < base || from >= base+int64(len(p)) {
		return
	}
	src := p[from-base:]
	k := copy(cp.buf[cp.n:], src)
	old := cp.n
	cp.n += k
	// The header's "chunk:" prefix decides early whether to go on.
	if cp.n >= 6 && old < 6 && string(cp.buf[:6]) != "chunk:" {
		cp.active = false
		return
	}
	if i := bytes.IndexByte(cp.buf[old:cp.n], '\n'); i >= 0 {
		cp.active = false
		c.chunkHeader(cp.start, cp.buf[:old+i], int64(old+i+1))
		return
	}
	if cp.n == maxHeaderLen {
		cp.active = false // no '\n' in 1024 bytes: H2 would not read it either
	}
}

// trimString is Java's String.trim on ISO-8859-1 text: only bytes up to
// 0x20 count as space here, unlike the signed-byte trim of checksummed maps.
func trimString(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && b[i] <= ' ' {
		i++
	}
	for i < j && b[j-1] <= ' ' {
		j--
	}
	return b[i:j]
}

// chunkHeader records a chunk header found at pos, text being the bytes
// before its '\n' and hdrEnd where its first page starts.
func (c *mvChecker) chunkHeader(pos int64, text []byte, hdrEnd int64) {
	m, ok := parseMap(trimString(text))
	if !ok {
		return
	}
	id, ok1 := m.hex("chunk")
	blocks, ok2 := m.hex("len")
	if !ok1 || !ok2 || blocks == 0 || blocks > 1<<40 {
		return
	}
	if b, ok := m.hex("block"); ok && b != uint64(pos/blockSize) {
		// H2 ignores a header whose block is not where it sits; so
		// does this checker (it is likely a copy inside page data).
		return
	}
	_, hasBlock := m.get("block")
	_, hasTOC := m.get("toc")
	if !hasBlock && !hasTOC && c.format() < 3 {
		return // neither format 1/2 (block) nor 3
	}
	s := &chunkSum{
		pos:     pos,
		id:      uint32(id),
		blocks:  blocks,
		version: m.hexOr("version", id),
		next:    m.hexOr("next", 0),
		pages:   m.hexOr("pages", 0),
		hdrEnd:  hdrEnd,
	}
	s.toc, s.hasTOC = m.hex("toc")
	// Which page layout to expect: the file header says; when both
	// copies are damaged, a ToC means format 2 or later.
	s.pageNo = c.format() >= 2 || (c.format() == 0 && hasTOC)
	s.mapMax, s.hasMap = m.hex("map")
	s.rootPos = m.hexOr("root", 0)
	c.addChunk(s)
	if len(c.walkers) >= maxWalkers {
		s.footer = footerUnchecked
		return
	}
	s.walked = true
	c.stats.chunks++
	c.walkers = append(c.walkers, newWalker(s, c))
}

// format is the MVStore format from the file header (0 when neither copy
// is valid). Chunks start after the header, so it is known by then.
func (c *mvChecker) format() int {
	if c.fileFormat < 0 {
		c.fileFormat = 0
		h1, h2 := parseHeader(c.hdr[:blockSize]), parseHeader(c.hdr[blockSize:])
		switch {
		case h1.ok && (!h2.ok || h1.version >= h2.version):
			c.fileFormat = h1.format
		case h2.ok:
			c.fileFormat = h2.format
		}
	}
	return c.fileFormat
}

func (c *mvChecker) addChunk(s *chunkSum) {
	if len(c.chunks) < maxChunks {
		heap.Push(&c.chunks, s)
		return
	}
	c.dropped = true
	if s.version <= c.chunks[0].version {
		return
	}
	c.chunks[0] = s
	s.heapIdx = 0
	heap.Fix(&c.chunks, 0)
}

// walker follows one chunk: its pages one header at a time, then its ToC,
// then its footer. It needs a few bytes at a time at known offsets and
// copies only those, so page bodies are never touched.
type walker struct {
	c     *chunkSum
	stats *mvStats
	mv    *mvChecker
	cap   []byte // a metadata page being kept whole
	state walkState
	at    int64 // where the bytes for the current step start
	need  int
	have  int
	buf   [footerLen]byte
	done  bool

	idx       uint64 // pages seen
	limit     int64  // where pages must end
	tocPos    int64
	footerPos int64
	pageLen   int64
	expTOC    uint64 // hash of the ToC the pages imply
	gotTOC    uint64 // hash of the ToC as stored
}

type walkState uint8

const (
	wPageHead walkState = iota
	wPageRest
	wCapture
	wTOC
	wFooter
)

const hashMul = 0x100000001b3

func newWalker(s *chunkSum, mv *mvChecker) *walker {
	w := &walker{c: s, stats: &mv.stats, mv: mv, expTOC: 14695981039346656037, gotTOC: 14695981039346656037}
	chunkLen := int64(s.blocks) * blockSize
	w.footerPos = s.end() - footerLen
	pagesStart := s.pos + s.hdrEnd
	if w.footerPos < pagesStart {
		// A header longer than its chunk: nothing here is readable,
		// and its footer (if any) has already gone past.
		w.problem(CodePageBad, pagesStart, "chunk %d at 0x%x is %d blocks long, shorter than its own header", s.id, s.pos, s.blocks)
		s.footer = footerBad
		s.fReason = "chunk shorter than its header"
		w.done = true
		return w
	}
	w.limit = w.footerPos
	if s.hasTOC {
		tocEnd := int64(s.toc) + int64(s.pages)*8
		if s.toc > uint64(chunkLen) || int64(s.toc) < s.hdrEnd || s.pages > uint64(chunkLen)/8 || tocEnd > chunkLen-footerLen {
			w.problem(CodeTOCBad, s.pos, "chunk %d at 0x%x: ToC at +0x%x with %d entries does not fit between its header (+0x%x) and footer (+0x%x)",
				s.id, s.pos, s.toc, s.pages, s.hdrEnd, chunkLen-footerLen)
			w.toFooter()
			return w
		}
		w.tocPos = s.pos + int64(s.toc)
		w.limit = w.tocPos
	}
	w.at, w.need = pagesStart, 6
	w.state = wPageHead
	if s.pages == 0 {
		// Every chunk holds at least the root page of its metadata map.
		w.problem(CodePageBad, pagesStart, "chunk %d at 0x%x says it holds no pages", s.id, s.pos)
		w.toFooter()
	}
	return w
}

func (w *walker) problem(code string, off int64, format string, args ...any) {
	if w.c.problem == nil {
		f := finding(Damaged, code, off, format, args...)
		w.c.problem = &f
	}
}

func (w *walker) toFooter() {
	w.state = wFooter
	w.at, w.need, w.have = w.footerPos, footerLen, 0
}

func (w *walker) feed(p []byte, base int64) {
	end := base + int64(len(p))
	for !w.done {
		from := w.at + int64(w.have)
		if from >= end {
			return
		}
		if from < base {
			// Cannot happen for a walker made from this stream; if it
			// does, give up on the chunk rather than misread it.
			w.c.footer = footerUnchecked
			w.done = true
			return
		}
		if w.state == wCapture {
			w.have += copy(w.cap[w.have:w.need], p[from-base:])
		} else {
			w.have += copy(w.buf[w.have:w.need], p[from-base:])
		}
		if w.have < w.need {
			return
		}
		w.step()
	}
}

// cv is H2's DataUtils.getCheckValue.
func cv(x int32) uint16 { return uint16(x>>16 ^ x) }

func (w *walker) step() {
	s := w.c
	switch w.state {
	case wPageHead:
		l := int64(int32(binary.BigEndian.Uint32(w.buf[:4])))
		check := binary.BigEndian.Uint16(w.buf[4:6])
		off := w.at - s.pos
		minLen := int64(9)
		if s.pageNo {
			minLen = 10
		}
		if l < minLen || w.at+l > w.limit {
			w.problem(CodePageBad, w.at, "page %d of chunk %d at 0x%x has length %d; it must be %d..%d", w.idx, s.id, w.at, l, minLen, w.limit-w.at)
			w.toFooter()
			return
		}
		want := cv(int32(s.id)) ^ cv(int32(off)) ^ cv(int32(l))
		if check != want {
			w.problem(CodePageCheck, w.at, "page %d of chunk %d at 0x%x has check 0x%04x, expected 0x%04x", w.idx, s.id, w.at, check, want)
			w.toFooter()
			return
		}
		w.pageLen = l
		w.state = wPageRest
		w.need = 22 // length, check, three varints of up to 5 bytes, type
		if int64(w.need) > l {
			w.need = int(l)
		}
	case wPageRest:
		b := w.buf[6:w.have]
		var pageNo, mapID uint32
		var ok bool
		if s.pageNo {
			if pageNo, b, ok = varint(b); !ok {
				w.problem(CodePageBad, w.at, "page %d of chunk %d at 0x%x: unreadable page number", w.idx, s.id, w.at)
				w.toFooter()
				return
			}
		}
		mapID, b, ok = varint(b)
		if ok {
			_, b, ok = varint(b) // key count
		}
		if !ok || len(b) == 0 {
			w.problem(CodePageBad, w.at, "page %d of chunk %d at 0x%x: unreadable page header", w.idx, s.id, w.at)
			w.toFooter()
			return
		}
		typ := b[0]
		switch {
		case s.pageNo && uint64(pageNo) != w.idx:
			w.problem(CodePageBad, w.at, "page %d of chunk %d at 0x%x calls itself page %d", w.idx, s.id, w.at, pageNo)
		case s.hasMap && uint64(mapID) > s.mapMax:
			w.problem(CodePageBad, w.at, "page %d of chunk %d at 0x%x belongs to map %d, but the chunk's highest map is %d", w.idx, s.id, w.at, mapID, s.mapMax)
		case typ&^7 != 0 || typ&6 == 4:
			w.problem(CodePageBad, w.at, "page %d of chunk %d at 0x%x has type 0x%02x", w.idx, s.id, w.at, typ)
		}
		if s.problem != nil {
			w.toFooter()
			return
		}
		off := uint64(w.at - s.pos)
		e := uint64(mapID)<<38 | off<<6 | uint64(encodeLength(int32(w.pageLen)))<<1 | uint64(typ&1)
		w.expTOC = (w.expTOC ^ e) * hashMul
		w.stats.pages++
		if mapID == 0 && w.mv.layout.want(w.pageLen) {
			// Map 0 (the layout, "meta" in format 1) lists the live
			// chunks; keep its pages for the check at the end.
			w.cap = make([]byte, w.pageLen)
			copy(w.cap, w.buf[:w.have])
			w.state, w.need = wCapture, int(w.pageLen)
			if w.have < w.need {
				return
			}
		}
		w.nextPage()
	case wCapture:
		w.mv.layout.add(s, uint32(w.at-s.pos), w.cap)
		w.cap = nil
		w.nextPage()
	case wTOC:
		e := binary.BigEndian.Uint64(w.buf[:8])
		w.gotTOC = (w.gotTOC ^ e) * hashMul
		w.idx++
		w.at += 8
		w.have = 0
		if w.idx == s.pages {
			w.stats.tocs++
			if w.gotTOC != w.expTOC {
				w.problem(CodeTOCBad, w.tocPos, "the ToC of chunk %d at 0x%x does not match its %d pages", s.id, w.tocPos, s.pages)
			}
			w.checkFill(w.at)
			w.toFooter()
		}
	case wFooter:
		w.stats.footers++
		w.footer()
		w.done = true
	}
}

func (w *walker) nextPage() {
	w.idx++
	w.at += w.pageLen
	w.have, w.need = 0, 6
	w.state = wPageHead
	if w.idx == w.c.pages {
		w.afterPages()
	}
}

// afterPages runs when the last page was read (or there are none).
func (w *walker) afterPages() {
	s := w.c
	if !s.hasTOC {
		w.checkFill(w.at)
		w.toFooter()
		return
	}
	if w.at != w.tocPos {
		w.problem(CodeTOCBad, w.at, "the pages of chunk %d end at 0x%x, but its ToC starts at 0x%x", s.id, w.at, w.tocPos)
		w.toFooter()
		return
	}
	w.state = wTOC
	w.idx = 0
	w.at, w.need, w.have = w.tocPos, 8, 0
}

// checkFill: H2 sizes a chunk to the smallest number of blocks that holds
// its content and footer, so the content must reach into the last block.
// A chunk whose content ends earlier was given a wrong length or page
// count.
func (w *walker) checkFill(contentEnd int64) {
	s := w.c
	if contentEnd+footerLen <= s.end()-blockSize {
		w.problem(CodePageBad, contentEnd, "the content of chunk %d at 0x%x ends at 0x%x, a block or more before its footer at 0x%x", s.id, s.pos, contentEnd, s.end()-footerLen)
	}
}

func (w *walker) footer() {
	s := w.c
	f := parseFooter(w.buf[:footerLen], s.end())
	if f.reason != "" {
		s.footer = footerBad
		s.fReason = f.reason
		return
	}
	s.footer = footerOK
	s.fID, s.fStart, s.fVersion = f.id, f.start, f.version
}

type footerInfo struct {
	id      uint32
	start   int64 // start block
	version uint64
	reason  string
}

// parseFooter reads a chunk footer that ends at offset end. Formats 1 and
// 2 name the start block, format 3 the length in blocks.
func parseFooter(b []byte, end int64) footerInfo {
	m, stored, computed, reason := parseChecksummedMap(b)
	if reason == "checksum mismatch" {
		return footerInfo{reason: fmt.Sprintf("checksum 0x%08x, expected 0x%08x", stored, computed)}
	}
	if reason != "" {
		return footerInfo{reason: reason}
	}
	id, ok := m.hex("chunk")
	if !ok {
		return footerInfo{reason: "no chunk id"}
	}
	f := footerInfo{id: uint32(id), version: m.hexOr("version", id)}
	if blk, ok := m.hex("block"); ok {
		f.start = int64(blk)
	} else if l, ok := m.hex("len"); ok && l <= 1<<40 {
		f.start = end/blockSize - int64(l)
	} else {
		return footerInfo{reason: "no block or len"}
	}
	return f
}

// varint reads H2's DataUtils.readVarInt (at most 5 bytes).
func varint(b []byte) (uint32, []byte, bool) {
	var x uint32
	for i := 0; i < 5; i++ {
		if i >= len(b) {
			return 0, b, false
		}
		c := b[i]
		x |= uint32(c&0x7f) << (7 * i)
		if c < 0x80 {
			return x, b[i+1:], true
		}
	}
	return 0, b, false
}

// encodeLength is H2's DataUtils.encodeLength: the 5-bit length class of a
// page as stored in ToC entries and page positions.
func encodeLength(l int32) int32 {
	if l <= 32 {
		return 0
	}
	code := int32(leadingZeros32(uint32(l)))
	remaining := l << uint(code+1)
	code += code
	if remaining&(-1<<31) != 0 {
		code--
	}
	if remaining<<1 != 0 {
		code--
	}
	code = 52 - code
	if code > 31 {
		code = 31
	}
	return code
}

func leadingZeros32(x uint32) int {
	n := 0
	for i := 31; i >= 0 && x&(1<<uint(i)) == 0; i-- {
		n++
	}
	return n
}

// header is one parsed file header copy.
type header struct {
	ok       bool
	reason   string
	m        textMap
	version  uint64
	format   int
	clean    bool
	hasClean bool
	chunk    uint64
	block    uint64
	hasChunk bool
}

func parseHeader(b []byte) header {
	m, stored, computed, reason := parseChecksummedMap(b)
	if reason == "checksum mismatch" {
		return header{reason: fmt.Sprintf("checksum 0x%08x, expected 0x%08x", stored, computed)}
	}
	if reason != "" {
		return header{reason: reason}
	}
	h := header{m: m}
	if v, _ := m.get("H"); v != "2" {
		h.reason = fmt.Sprintf("H is %q, not 2", v)
		return h
	}
	if bs, ok := m.get("blockSize"); ok && bs != "1000" {
		h.reason = fmt.Sprintf("block size 0x%s, not 0x1000", bs)
		return h
	}
	f, ok := m.hex("format")
	if fr, has := m.hex("formatRead"); has {
		f, ok = fr, true
	}
	if !ok || f < 1 || f > 3 {
		v, _ := m.get("format")
		h.reason = fmt.Sprintf("format %q is not 1, 2 or 3", v)
		return h
	}
	if v, ok := m.hex("format"); ok && v >= 1 && v <= 3 {
		f = v
	}
	h.format = int(f)
	h.version = m.hexOr("version", 0)
	if v, has := m.get("clean"); has {
		h.hasClean = true
		h.clean = v == "1"
	}
	var okc, okb bool
	h.chunk, okc = m.hex("chunk")
	h.block, okb = m.hex("block")
	h.hasChunk = okc && okb
	h.ok = true
	return h
}

// formatVersions is the table of which H2 versions write which format.
var formatVersions = map[int]string{
	1: "1.4.177–1.4.200",
	2: "2.0.202–2.1.214",
	3: "2.2.220 and later",
}

func boolPtr(b bool) *bool { return &b }

func (c *mvChecker) Result() Result {
	r := Result{File: c.name, Kind: KindMVStore}
	n := c.pos
	if c.encrypted {
		r.Kind = KindEncrypted
		r.Format = "encrypted, not checked structurally"
		r.finish()
		return r
	}
	add := func(f Finding) { r.Findings = append(r.Findings, f) }
	if c.size >= 0 && n != c.size {
		add(finding(Warning, CodeSizeChanged, -1, "%d bytes were read, but the file was %d bytes long when the read began", n, c.size))
	}
	if n < 2*blockSize {
		add(finding(Damaged, CodeTooSmall, n, "the file is %d bytes; an MVStore file has at least 8192", n))
		r.finish()
		return r
	}
	if n%blockSize != 0 {
		add(finding(Damaged, CodeSizeNotAligned, n-n%blockSize, "the file is %d bytes, %d bytes past a multiple of 4096", n, n%blockSize))
	}

	// Step 2: the two header copies.
	h := [2]header{parseHeader(c.hdr[:blockSize]), parseHeader(c.hdr[blockSize:])}
	var win *header
	for i := range h {
		if h[i].ok && (win == nil || h[i].version > win.version) {
			win = &h[i]
		}
	}
	switch {
	case !h[0].ok && !h[1].ok:
		add(finding(Damaged, CodeHeaderBothBad, 0, "header copy 1: %s; header copy 2: %s", h[0].reason, h[1].reason))
	case !h[0].ok:
		add(finding(Warning, CodeHeaderCopyBad, 0, "header copy 1 at 0x0: %s", h[0].reason))
	case !h[1].ok:
		add(finding(Warning, CodeHeaderCopyBad, blockSize, "header copy 2 at 0x1000: %s", h[1].reason))
	}
	clean := false
	if win != nil {
		r.Format = fmt.Sprintf("MVStore format %d", win.format)
		r.H2Version = formatVersions[win.format]
		switch {
		case win.hasClean:
			clean = win.clean
			r.Clean = boolPtr(clean)
		case win.format >= 2:
			r.Clean = boolPtr(false)
		default:
			// Format 1 before 1.4.200 never writes "clean": unknowable.
		}
		if r.Clean != nil && !*r.Clean {
			add(finding(Warning, CodeNotClean, -1, "the file header has no clean:1, so the database is open or was not closed cleanly"))
		}
	} else {
		r.Format = "MVStore"
	}
	if c.build.build != "" {
		r.H2Version = "build " + c.build.build
	}

	// Steps 3 to 6: the chunks H2 reaches.
	chunks := make([]*chunkSum, len(c.chunks))
	copy(chunks, c.chunks)
	sort.Slice(chunks, func(i, j int) bool { return chunks[i].pos < chunks[j].pos })
	at := func(block uint64) *chunkSum {
		if block > uint64(n/blockSize) {
			return nil
		}
		pos := int64(block) * blockSize
		i := sort.Search(len(chunks), func(i int) bool { return chunks[i].pos >= pos })
		if i < len(chunks) && chunks[i].pos == pos {
			return chunks[i]
		}
		return nil
	}
	fileBlocks := uint64(n / blockSize)
	for _, s := range chunks {
		s.reached = false
	}
	var reached []*chunkSum
	reach := func(s *chunkSum) {
		if !s.reached {
			s.reached = true
			reached = append(reached, s)
		}
	}
	var newest *chunkSum
	consider := func(s *chunkSum) {
		if s.valid() && (newest == nil || s.version > newest.version) {
			newest = s
		}
	}

	// coveredByNewer reports whether block lies inside a valid chunk newer
	// than version: then whatever stood at block was freed and written
	// over, which is how H2 reuses space, not damage.
	coveredByNewer := func(block, version uint64) bool {
		off := int64(block) * blockSize
		for _, x := range chunks {
			if x.pos <= off && off < x.end() && x.version > version && x.valid() {
				return true
			}
		}
		return false
	}

	// Step 3: the header's chunk.
	if win != nil && win.hasChunk {
		hid := uint32(win.chunk)
		s := at(win.block)
		switch {
		case win.block < 2:
			add(finding(Damaged, CodeChunkMissing, 0, "the file header names chunk %d at block %d, inside the header", hid, win.block))
		case win.block >= fileBlocks:
			add(finding(Damaged, CodeTruncated, n, "the file header names chunk %d at block %d (offset 0x%x), past the end of the file (%d blocks)", hid, win.block, win.block*blockSize, fileBlocks))
		case s != nil && s.id == hid:
			reach(s)
			consider(s)
		case !clean && coveredByNewer(win.block, win.version):
			// The header's chunk was freed and its space reused before
			// the header was written again: normal in a file that is
			// open or crashed.
		default:
			what := "no chunk there"
			if s != nil {
				what = fmt.Sprintf("chunk %d there", s.id)
			}
			add(finding(Damaged, CodeChunkMissing, int64(win.block)*blockSize, "the file header names chunk %d at block %d (offset 0x%x), but there is %s", hid, win.block, win.block*blockSize, what))
		}
	}

	// Step 4: the chunk whose footer ends the file.
	if n >= 2*blockSize+footerLen {
		end := n - n%blockSize
		f := parseFooter(c.tailAt(n, end), end)
		var s *chunkSum
		if f.reason == "" && f.start >= 0 {
			s = at(uint64(f.start))
		}
		tailFound := false
		switch {
		case f.reason != "":
			add(finding(Damaged, CodeFooterBad, end-footerLen, "the file does not end with a valid chunk footer at 0x%x: %s", end-footerLen, f.reason))
		case s != nil && s.id == f.id && s.end() == end:
			reach(s)
			consider(s)
			tailFound = true
		case s != nil && s.id == f.id:
			add(finding(Damaged, CodeFooterMismatch, s.pos, "chunk %d at 0x%x says it is %d blocks long, but its footer ends the file at 0x%x", s.id, s.pos, s.blocks, end))
		case !clean && f.start >= 0 && coveredByNewer(uint64(f.start), f.version):
			// An orphan footer of a chunk whose start a newer chunk
			// overwrote: H2 scans back for the last valid chunk.
		default:
			what := "nothing valid there"
			if s != nil {
				what = fmt.Sprintf("chunk %d there", s.id)
			}
			add(finding(Damaged, CodeChunkMissing, end-footerLen, "the last footer names chunk %d (version %d) at block %d, but there is %s", f.id, f.version, f.start, what))
		}
		if !tailFound {
			// As H2 does, go on from the last valid chunk before the end.
			var last *chunkSum
			for _, x := range chunks {
				if x.valid() && x.end() <= end && (last == nil || x.end() > last.end()) {
					last = x
				}
			}
			if last != nil {
				reach(last)
				consider(last)
			}
		}
	}

	// The newest chunk and the chain of newer ones from there.
	if newest != nil {
		cur := newest
		for steps := 0; steps < maxChunks && cur.next > 0 && cur.next < fileBlocks; steps++ {
			nx := at(cur.next)
			if nx == nil || !nx.valid() || nx.id != (cur.id+1)&chunkIDMask || nx.version <= cur.version {
				break
			}
			reach(nx)
			cur = nx
		}
		newest = cur
	}
	if len(reached) == 0 {
		add(finding(Damaged, CodeNoChunk, -1, "no valid chunk found: the file holds no data H2 can read"))
	}

	// The deeper check: every chunk the newest layout calls live.
	if newest != nil {
		for _, f := range c.checkLive(newest, chunks, at, reach, n) {
			add(f)
		}
	}

	// Step 5: what a clean close promises.
	if clean && win != nil {
		if h[0].ok && h[1].ok && !bytes.Equal(c.hdr[:blockSize], c.hdr[blockSize:]) {
			add(finding(Warning, CodeHeaderCopiesDiffer, blockSize, "both header copies are valid but not identical"))
		}
		if newest != nil && newest.version > win.version {
			add(finding(Damaged, CodeCleanHeaderStale, newest.pos, "the header says version %d and clean, but chunk %d at 0x%x has version %d", win.version, newest.id, newest.pos, newest.version))
		}
	}

	// Step 6: each reached chunk.
	c.stats.reached = len(reached)
	c.reached, c.newest = reached, newest
	sort.Slice(reached, func(i, j int) bool { return reached[i].pos < reached[j].pos })
	for _, s := range reached {
		switch {
		case s.end() > n:
			add(finding(Damaged, CodeTruncated, n, "chunk %d at 0x%x is %d blocks long and ends at 0x%x, past the end of the file", s.id, s.pos, s.blocks, s.end()))
			continue
		case s.footer == footerBad:
			add(finding(Damaged, CodeFooterBad, s.end()-footerLen, "the footer of chunk %d at 0x%x is not valid: %s", s.id, s.end()-footerLen, s.fReason))
		case s.footer == footerOK && !s.valid():
			add(finding(Damaged, CodeFooterMismatch, s.end()-footerLen, "chunk %d at block %d has a footer for chunk %d at block %d", s.id, s.pos/blockSize, s.fID, s.fStart))
		}
		if s.problem != nil {
			add(*s.problem)
		}
	}
	r.finish()
	return r
}

// tailAt returns the 128 bytes before end, which must lie within the last
// ringSize bytes of the stream.
func (c *mvChecker) tailAt(n, end int64) []byte {
	var b [footerLen]byte
	if end-footerLen < n-ringSize || end > n {
		return b[:]
	}
	for i := range b {
		b[i] = c.ring[(end-footerLen+int64(i))%ringSize]
	}
	return b[:]
}
