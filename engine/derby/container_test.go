package derby

import (
	"hash/crc32"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/engine"
)

const synthPS = 4096

// synthPage is a data page with a valid checksum.
func synthPage() []byte {
	pg := make([]byte, synthPS)
	be.PutUint16(pg, fmtDataPage)
	pg[5] = pageStatusValid
	for i := 100; i < 2000; i++ {
		pg[i] = byte(i)
	}
	sealPage(pg, false)
	return pg
}

func sealPage(pg []byte, first bool) {
	be.PutUint64(pg[len(pg)-8:], 0)
	_, sum := pageChecksum(pg, first)
	be.PutUint64(pg[len(pg)-8:], uint64(sum))
}

// synthAlloc is the allocation page at no, managing the pages from no+1
// to end, length of them allocated, naming next as the next allocation
// page.
func synthAlloc(no, next, end, length int64) []byte {
	pg := make([]byte, synthPS)
	be.PutUint16(pg, fmtAllocPage)
	pg[5] = pageStatusValid
	be.PutUint64(pg[60:], uint64(next))
	be.PutUint64(pg[68:], uint64(max(next, 0)))
	x := borrowedOffset
	if no == 0 {
		pg[borrowedLenOffset] = containerInfoSize
		info := pg[borrowedOffset:]
		be.PutUint32(info, fmtContainer)
		be.PutUint32(info[8:], synthPS)
		be.PutUint64(info[72:], uint64(crc32.ChecksumIEEE(info[:72])))
		x += containerInfoSize
	}
	be.PutUint64(pg[x:], uint64((no+1)*synthPS))
	be.PutUint64(pg[x+8:], uint64(no+1))
	be.PutUint64(pg[x+16:], uint64(end))
	be.PutUint32(pg[x+24:], uint32(length))
	sealPage(pg, no == 0)
	return pg
}

// synthContainer has two allocation pages: page 0 manages pages 1-4, all
// allocated, and names page 5, which manages 6-20 with 3 allocated.
func synthContainer() [][]byte {
	pages := [][]byte{synthAlloc(0, 5, 4, 4)}
	for i := 1; i <= 4; i++ {
		pages = append(pages, synthPage())
	}
	pages = append(pages, synthAlloc(5, -1, 20, 3))
	for i := 6; i <= 8; i++ {
		pages = append(pages, synthPage())
	}
	return pages
}

func checkPages(pages [][]byte, extra []byte) engine.FileResult {
	var b []byte
	for _, pg := range pages {
		b = append(b, pg...)
	}
	b = append(b, extra...)
	c := newCheck("db")
	f := c.File("seg0/c490.dat", int64(len(b)))
	f.Write(b)
	return f.Result()
}

func TestContainerChain(t *testing.T) {
	if r := checkPages(synthContainer(), nil); r.Verdict != engine.OK {
		t.Fatalf("%+v", r)
	}
	// Zero pages beyond the allocated range are legal (preallocation).
	if r := checkPages(synthContainer(), make([]byte, 3*synthPS)); r.Verdict != engine.OK {
		t.Fatalf("zero pages at the end: %+v", r)
	}
	for _, tt := range []struct {
		name   string
		damage func(p [][]byte) [][]byte
		code   string
		page   int64
	}{
		{"cut in the second extent", func(p [][]byte) [][]byte { return p[:7] }, CodeTruncated, 8},
		{"cut before the second allocation page", func(p [][]byte) [][]byte { return p[:4] }, CodeTruncated, 5},
		{"second allocation page damaged", func(p [][]byte) [][]byte { p[5][300] ^= 1; return p }, CodePageChecksum, 5},
		{"second allocation page is a data page", func(p [][]byte) [][]byte { p[5] = synthPage(); return p }, CodeAllocChain, 5},
		{"next page number and offset disagree", func(p [][]byte) [][]byte {
			be.PutUint64(p[0][68:], 6)
			sealPage(p[0], true)
			return p
		}, CodeAllocChain, 0},
		{"chain points backwards", func(p [][]byte) [][]byte {
			p[5] = synthAlloc(5, 3, 20, 3)
			return p
		}, CodeAllocChain, 5},
		{"extent does not start after its page", func(p [][]byte) [][]byte {
			pg := p[5]
			be.PutUint64(pg[borrowedOffset+8:], 9)
			sealPage(pg, false)
			return p
		}, CodeAllocChain, 5},
		{"allocated page zeroed", func(p [][]byte) [][]byte { p[7] = make([]byte, synthPS); return p }, CodePageZero, 7},
		{"unknown page format", func(p [][]byte) [][]byte { be.PutUint16(p[3], 99); sealPage(p[3], false); return p }, CodePageFormat, 3},
		{"stray allocation page", func(p [][]byte) [][]byte { p[2] = synthAlloc(2, -1, 4, 1); return p }, CodePageFormat, 2},
		{"first page zeroed", func(p [][]byte) [][]byte { p[0] = make([]byte, synthPS); return p }, CodePageZero, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := checkPages(tt.damage(synthContainer()), nil)
			for _, f := range r.Findings {
				if f.Code == tt.code && f.Page == tt.page && f.Verdict == engine.Damaged {
					return
				}
			}
			t.Fatalf("no damaged %s on page %d: %+v", tt.code, tt.page, r.Findings)
		})
	}
	// A bad checksum beyond the allocated range is only a warning: Derby
	// does not read there.
	p := synthContainer()
	p = append(p, synthPage())
	p[9][50] ^= 1
	r := checkPages(p, nil)
	if r.Verdict != engine.Warning || len(r.Findings) != 1 || r.Findings[0].Code != CodePageChecksum {
		t.Errorf("outside the allocated range: %+v", r)
	}
}

// A container header whose page size is not one Derby writes: the first
// page's checksum tells the size.
func TestContainerPageSize(t *testing.T) {
	p := synthContainer()
	info := p[0][borrowedOffset:]
	be.PutUint32(info[8:], 5000)
	be.PutUint64(info[72:], uint64(crc32.ChecksumIEEE(info[:72])))
	r := checkPages(p, nil)
	if len(r.Findings) != 1 || r.Findings[0].Code != CodePageSize || !strings.Contains(r.Findings[0].Detail, "4096-byte") {
		t.Fatalf("%+v", r)
	}
	// and when none matches, the pages are not checked
	p[0][1000] ^= 1
	r = checkPages(p, nil)
	if r.Verdict != engine.Damaged || !strings.Contains(r.Findings[len(r.Findings)-1].Detail, "cannot be checked") {
		t.Fatalf("%+v", r)
	}
	// A file too short for its header.
	if r := checkPages([][]byte{p[0][:100]}, nil); r.Findings[0].Code != CodeTruncated {
		t.Fatalf("%+v", r)
	}
}

// A file with a million bad pages keeps a few findings and counts the rest.
func TestFindingsCapped(t *testing.T) {
	p := synthContainer()
	for i := 0; i < 50; i++ {
		pg := synthPage()
		pg[10] ^= 1
		p = append(p, pg)
	}
	p[0] = synthAlloc(0, -1, 100, 58)
	p[5] = synthPage()
	r := checkPages(p, nil)
	if len(r.Findings) != maxPerCode+1 || !strings.Contains(r.Findings[maxPerCode].Detail, "42 more") {
		t.Fatalf("%d findings: %+v", len(r.Findings), r.Findings[len(r.Findings)-1])
	}
}
