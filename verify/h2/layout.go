package h2

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"sort"
	"strings"
)

// The deeper check. Map 0 of an MVStore ("layout" in formats 2 and 3,
// "meta" in format 1) has an entry "chunk.<hex id>" for every chunk still
// in use. Only those chunks hold data H2 may read; the rest of the file is
// free space, full of dead chunks and orphan footers that look like damage
// and are not. So the checker keeps the pages of map 0 as they stream past
// (they are small), and at the end reads the newest layout: a live chunk
// that is missing, damaged or overlapping another is damage even when no
// header or footer points at it.

const (
	// layoutBudget bounds the map-0 pages kept. Real layouts are a few
	// hundred bytes per live chunk; past the budget the deeper check is
	// skipped for what is missing, never guessed.
	layoutBudget  = 4 << 20
	layoutMaxPage = 1 << 20
	maxLayoutWalk = 1 << 16 // pages visited, against loops in hostile input
)

type pageKey struct {
	chunk uint32
	off   uint32
}

type layoutPages struct {
	pages    map[pageKey][]byte
	size     int
	overflow bool // a page was not kept: a missing page proves nothing
}

func (l *layoutPages) want(n int64) bool {
	if n > layoutMaxPage || l.size+int(n) > layoutBudget {
		l.overflow = true
		return false
	}
	return true
}

func (l *layoutPages) add(s *chunkSum, off uint32, b []byte) {
	if l.pages == nil {
		l.pages = map[pageKey][]byte{}
	}
	k := pageKey{s.id, off}
	if _, dup := l.pages[k]; dup {
		return // a second copy of a chunk (compaction), or a wrapped id
	}
	l.pages[k] = b
	l.size += len(b)
}

// liveChunk is one "chunk.<id>" entry of the layout.
type liveChunk struct {
	id      uint32
	block   uint64
	blocks  uint64
	version uint64
}

// checkLive reads the layout from the root named by the newest chunk and
// checks every live chunk it lists.
func (c *mvChecker) checkLive(newest *chunkSum, chunks []*chunkSum, at func(uint64) *chunkSum, reach func(*chunkSum), n int64) []Finding {
	if newest.rootPos == 0 {
		return nil
	}
	live, missing, err := c.readLayout(newest)
	if err != "" {
		return []Finding{finding(Damaged, CodePageBad, newest.pos, "the newest chunk %d at 0x%x has an unreadable layout: %s", newest.id, newest.pos, err)}
	}
	if missing != nil {
		// The page was not kept. Either its chunk is damaged before it
		// (report that damage), or not in the file, or past the budget.
		for _, s := range chunks {
			if s.id == missing.chunk && s.problem != nil {
				reach(s)
				return nil
			}
		}
		if c.layout.overflow || c.dropped {
			return nil // not kept: nothing to conclude
		}
		return []Finding{finding(Damaged, CodeChunkMissing, newest.pos, "the layout of chunk %d (at 0x%x) refers to a page of chunk %d at +0x%x that is not in the file", newest.id, newest.pos, missing.chunk, missing.off)}
	}
	var out []Finding
	fileBlocks := uint64(n / blockSize)
	sort.Slice(live, func(i, j int) bool { return live[i].block < live[j].block })
	for i, l := range live {
		s := at(l.block)
		switch {
		case l.block < 2 || l.blocks == 0:
			out = append(out, finding(Damaged, CodeChunkMissing, -1, "the layout lists chunk %d at block %d, length %d: impossible", l.id, l.block, l.blocks))
			continue
		case l.block+l.blocks > fileBlocks:
			out = append(out, finding(Damaged, CodeTruncated, n, "live chunk %d at block %d (offset 0x%x, %d blocks) lies past the end of the file (%d blocks)", l.id, l.block, l.block*blockSize, l.blocks, fileBlocks))
			continue
		case s == nil || s.id != l.id:
			if c.dropped {
				continue
			}
			out = append(out, finding(Damaged, CodeChunkMissing, int64(l.block)*blockSize, "live chunk %d should be at block %d (offset 0x%x), but its chunk header is not there", l.id, l.block, l.block*blockSize))
			continue
		case s.blocks != l.blocks:
			out = append(out, finding(Damaged, CodeFooterMismatch, s.pos, "live chunk %d at 0x%x says it is %d blocks long; the layout says %d", l.id, s.pos, s.blocks, l.blocks))
			continue
		}
		if i > 0 && live[i-1].block+live[i-1].blocks > l.block {
			out = append(out, finding(Damaged, CodeChunkOverlap, int64(l.block)*blockSize, "live chunks %d and %d overlap at block %d", live[i-1].id, l.id, l.block))
		}
		reach(s)
	}
	return out
}

// readLayout walks the layout tree from the newest chunk's root.
func (c *mvChecker) readLayout(newest *chunkSum) ([]liveChunk, *pageKey, string) {
	var live []liveChunk
	stack := []uint64{newest.rootPos}
	seen := map[pageKey]bool{}
	for len(stack) > 0 {
		pos := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		k := pageKey{chunk: uint32(pos >> 38), off: uint32(pos >> 6)}
		if seen[k] {
			// A tree has no cycles and no shared pages: this one
			// is damaged (or hostile).
			return nil, nil, fmt.Sprintf("page of chunk %d at +0x%x is referenced twice", k.chunk, k.off)
		}
		if seen[k] = true; len(seen) > maxLayoutWalk {
			return nil, nil, "too many pages"
		}
		b, ok := c.layout.pages[k]
		if !ok {
			return nil, &k, ""
		}
		p, err := decodePage(b, newest.pageNo)
		if err != "" {
			return nil, nil, fmt.Sprintf("page of chunk %d at +0x%x: %s", k.chunk, k.off, err)
		}
		if !p.leaf {
			stack = append(stack, p.children...)
			continue
		}
		for i, key := range p.keys {
			if !strings.HasPrefix(key, "chunk.") {
				continue
			}
			m, ok := parseMap([]byte(p.values[i]))
			if !ok {
				return nil, nil, fmt.Sprintf("entry %s is not a map", key)
			}
			id, ok1 := m.hex("chunk")
			blk, ok2 := m.hex("block")
			l, ok3 := m.hex("len")
			if !ok1 || !ok2 || !ok3 {
				return nil, nil, fmt.Sprintf("entry %s lacks chunk, block or len", key)
			}
			live = append(live, liveChunk{id: uint32(id), block: blk, blocks: l, version: m.hexOr("version", id)})
		}
	}
	return live, nil, ""
}

type page struct {
	leaf     bool
	children []uint64
	keys     []string
	values   []string
}

// decodePage reads a map-0 page: header, children (node) or keys and
// values (leaf), the latter possibly compressed (LZF or Deflate).
func decodePage(b []byte, hasPageNo bool) (page, string) {
	var p page
	if len(b) < 7 {
		return p, "too short"
	}
	r := b[6:]
	var ok bool
	if hasPageNo {
		if _, r, ok = varint(r); !ok {
			return p, "bad page number"
		}
	}
	if _, r, ok = varint(r); !ok {
		return p, "bad map id"
	}
	keyCount, r, ok := varint(r)
	if !ok || len(r) == 0 || keyCount > uint32(len(b)) {
		return p, "bad key count"
	}
	typ := r[0]
	r = r[1:]
	p.leaf = typ&1 == 0
	if !p.leaf {
		nc := int(keyCount) + 1
		if len(r) < nc*8 {
			return p, "children cut short"
		}
		for i := 0; i < nc; i++ {
			p.children = append(p.children, binary.BigEndian.Uint64(r[i*8:]))
		}
		r = r[nc*8:]
		for i := 0; i < nc; i++ {
			if r, ok = varlong(r); !ok {
				return p, "bad child count"
			}
		}
		return p, "" // the keys of a node are not needed
	}
	if typ&6 != 0 {
		var extra uint32
		if extra, r, ok = varint(r); !ok {
			return p, "bad compressed length"
		}
		n := len(r) + int(extra)
		if n > 1<<22 {
			return p, "compressed page too large"
		}
		var err error
		if typ&6 == 6 {
			r, err = inflate(r, n)
		} else {
			r, err = lzfExpand(r, n)
		}
		if err != nil {
			return p, err.Error()
		}
	}
	for i := 0; i < int(keyCount); i++ {
		var s string
		if s, r, ok = javaString(r); !ok {
			return p, "bad key"
		}
		p.keys = append(p.keys, s)
	}
	for i := 0; i < int(keyCount); i++ {
		var s string
		if s, r, ok = javaString(r); !ok {
			return p, "bad value"
		}
		p.values = append(p.values, s)
	}
	return p, ""
}

// javaString reads H2's StringDataType: a varint count of chars, then
// each char in one to three bytes.
func javaString(b []byte) (string, []byte, bool) {
	n, b, ok := varint(b)
	if !ok || int64(n) > int64(len(b)) {
		return "", b, false
	}
	var sb strings.Builder
	for i := 0; i < int(n); i++ {
		if len(b) == 0 {
			return "", b, false
		}
		x := b[0]
		switch {
		case x < 0x80:
			sb.WriteByte(x)
			b = b[1:]
		case x >= 0xe0:
			if len(b) < 3 {
				return "", b, false
			}
			sb.WriteRune(rune(x&0xf)<<12 | rune(b[1]&0x3f)<<6 | rune(b[2]&0x3f))
			b = b[3:]
		default:
			if len(b) < 2 {
				return "", b, false
			}
			sb.WriteRune(rune(x&0x1f)<<6 | rune(b[1]&0x3f))
			b = b[2:]
		}
	}
	return sb.String(), b, true
}

func varlong(b []byte) ([]byte, bool) {
	for i := 0; i < 10; i++ {
		if i >= len(b) {
			return b, false
		}
		if b[i] < 0x80 {
			return b[i+1:], true
		}
	}
	return b, false
}

// lzfExpand is H2's CompressLZF.expand into exactly n bytes.
func lzfExpand(in []byte, n int) ([]byte, error) {
	out := make([]byte, 0, n)
	for len(out) < n {
		if len(in) == 0 {
			return nil, fmt.Errorf("LZF data cut short")
		}
		ctrl := int(in[0])
		in = in[1:]
		if ctrl < 32 {
			l := ctrl + 1
			if l > len(in) || len(out)+l > n {
				return nil, fmt.Errorf("LZF literal out of range")
			}
			out = append(out, in[:l]...)
			in = in[l:]
			continue
		}
		l := ctrl >> 5
		if l == 7 {
			if len(in) == 0 {
				return nil, fmt.Errorf("LZF data cut short")
			}
			l += int(in[0])
			in = in[1:]
		}
		l += 2
		if len(in) == 0 {
			return nil, fmt.Errorf("LZF data cut short")
		}
		back := (ctrl&0x1f)<<8 + int(in[0]) + 1
		in = in[1:]
		from := len(out) - back
		if from < 0 || len(out)+l > n {
			return nil, fmt.Errorf("LZF reference out of range")
		}
		for i := 0; i < l; i++ {
			out = append(out, out[from+i])
		}
	}
	return out, nil
}

// inflate is H2's CompressDeflate: zlib data by default; raw Deflate is
// accepted too, as H2's options allow it.
func inflate(in []byte, n int) ([]byte, error) {
	read := func(r io.Reader) ([]byte, error) {
		out := make([]byte, n)
		if _, err := io.ReadFull(r, out); err != nil {
			return nil, err
		}
		return out, nil
	}
	if z, err := zlib.NewReader(bytes.NewReader(in)); err == nil {
		if out, err := read(z); err == nil {
			return out, nil
		}
	}
	out, err := read(flate.NewReader(bytes.NewReader(in)))
	if err != nil {
		return nil, fmt.Errorf("deflate: %v", err)
	}
	return out, nil
}
