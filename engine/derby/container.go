package derby

import (
	"sync"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/i18n"
)

// containerRole says which catalog rows, if any, a container's pages hold
// for the check to read.
type containerRole int

const (
	roleNone          containerRole = iota
	roleConglomerates               // SYS.SYSCONGLOMERATES: every conglomerate number
	roleProperties                  // the properties conglomerate: the catalog versions
)

// pagePool lends the one page buffer each container needs while it
// streams: the largest page Derby writes.
var pagePool = sync.Pool{New: func() any { b := make([]byte, maxPageSize); return &b }}

// tri is yes, no or unknown.
type tri int

const (
	triUnknown tri = iota
	triYes
	triNo
)

// containerCheck follows one container's pages as they stream past.
type containerCheck struct {
	f    *fileCheck
	role containerRole
	// encrypted: the log already showed the database is encrypted, so
	// pages past the first (which Derby never encrypts) cannot be checked.
	encrypted bool

	bufp *[]byte
	fill int
	n    int64 // bytes seen
	ps   int64 // page size: 0 until known, -1 when it cannot be known
	page int64 // number of the next page to check

	infoParsed bool
	info       containerInfo
	zeroHeader bool

	nextAlloc  int64 // the allocation page the chain names next; -1 for none
	chainLost  bool  // an allocation page could not be read
	extKnown   bool
	extStart   int64 // allocated pages of the current extent: extStart..extLast
	extLast    int64
	required   int64 // highest page number the allocation pages say exists
	requiredBy int64 // the allocation page that says so

	unverified int64 // pages whose CRC an encrypted database hides

	// catalog rows
	conglomerates map[int64]bool
	rowsSkipped   int64
	versions      map[string]int32
}

func newContainerCheck(f *fileCheck, role containerRole, encrypted bool) *containerCheck {
	return &containerCheck{f: f, role: role, encrypted: encrypted, nextAlloc: 0, required: -1, bufp: pagePool.Get().(*[]byte)}
}

func (c *containerCheck) add(v engine.Verdict, code string, page, off int64, key string, args ...any) {
	c.f.fl.add(v, code, c.f.rel, page, off, key, args...)
}

// counted is findingList.counted for this file.
func (c *containerCheck) counted(v engine.Verdict, code string) bool { return c.f.fl.counted(v, code) }

func (c *containerCheck) write(p []byte) {
	c.n += int64(len(p))
	for len(p) > 0 {
		if c.ps < 0 {
			return
		}
		buf := *c.bufp
		if c.ps == 0 {
			k := copy(buf[c.fill:], p)
			c.fill += k
			p = p[k:]
			c.decidePageSize(false)
			c.drain()
			continue
		}
		if c.fill > 0 {
			k := copy(buf[c.fill:c.ps], p)
			c.fill += k
			p = p[k:]
			c.drain()
			continue
		}
		for int64(len(p)) >= c.ps {
			c.checkPage(p[:c.ps])
			p = p[c.ps:]
		}
		c.fill = copy(buf, p)
		p = nil
	}
}

// drain checks the whole pages waiting in the buffer.
func (c *containerCheck) drain() {
	if c.ps <= 0 {
		return
	}
	buf := *c.bufp
	off := 0
	for int64(c.fill-off) >= c.ps {
		c.checkPage(buf[off : off+int(c.ps)])
		off += int(c.ps)
	}
	if off > 0 {
		c.fill = copy(buf, buf[off:c.fill])
	}
}

// decidePageSize reads the page size from the container header once its
// bytes are in. If the header does not give a size Derby writes, the
// size whose first page CRC matches is taken, once the largest page is
// buffered (or the file ended: atEnd).
func (c *containerCheck) decidePageSize(atEnd bool) {
	buf := (*c.bufp)[:c.fill]
	if !c.infoParsed {
		if len(buf) < borrowedOffset+containerInfoSize {
			if atEnd {
				c.add(engine.Damaged, CodeTruncated, 0, 0,
					"derby.detail.container-short", c.n)
				c.ps = -1
			}
			return
		}
		c.info, _ = parseContainerInfo(buf[borrowedOffset:])
		c.infoParsed = true
		c.checkInfo()
		if legalPageSize(int64(c.info.pageSize)) {
			c.ps = int64(c.info.pageSize)
			return
		}
	}
	if !atEnd && len(buf) < maxPageSize {
		return
	}
	for ps := minPageSize; ps <= maxPageSize; ps *= 2 {
		if ps > len(buf) {
			break
		}
		if stored, sum := pageChecksum(buf[:ps], true); stored == uint64(sum) {
			c.ps = int64(ps)
			c.add(engine.Damaged, CodePageSize, 0, borrowedOffset+8,
				"derby.detail.page-size-crc", c.info.pageSize, ps)
			return
		}
	}
	if !c.zeroHeader {
		c.add(engine.Damaged, CodePageSize, 0, borrowedOffset+8,
			"derby.detail.page-size-none", c.info.pageSize)
	}
	c.ps = -1
}

func (c *containerCheck) checkInfo() {
	in := c.info
	if allZero((*c.bufp)[:borrowedOffset+containerInfoSize]) {
		c.zeroHeader = true
		c.add(engine.Damaged, CodePageZero, 0, 0, "derby.detail.header-zero")
		return
	}
	if in.storedCRC != uint64(in.crc) {
		c.add(engine.Damaged, CodeContainerInfoCRC, 0, borrowedOffset+72,
			"derby.detail.header-checksum", in.storedCRC, in.crc)
		return // the fields below may be the damaged bytes
	}
	if in.fid != fmtContainer {
		c.add(engine.Damaged, CodeContainerInfo, 0, borrowedOffset,
			"derby.detail.header-format", in.fid, fmtContainer)
	}
	if in.firstAllocPage != 0 || in.firstAllocOffset != 0 {
		c.add(engine.Damaged, CodeContainerInfo, 0, borrowedOffset+24,
			"derby.detail.header-first-alloc", in.firstAllocPage, in.firstAllocOffset)
	}
}

// allocated says whether page no lies in the allocated range of the
// extent being streamed.
func (c *containerCheck) allocated(no int64) tri {
	if !c.extKnown {
		return triUnknown
	}
	if no >= c.extStart && no <= c.extLast {
		return triYes
	}
	return triNo
}

func (c *containerCheck) checkPage(pg []byte) {
	no := c.page
	c.page++
	off := no * c.ps
	first := no == 0
	stored, sum := pageChecksum(pg, first)
	isChain := no == c.nextAlloc
	if stored != uint64(sum) {
		if allZero(pg) {
			switch {
			case first:
				c.add(engine.Damaged, CodePageZero, no, off, "derby.detail.first-page-zero")
			case isChain:
				c.add(engine.Damaged, CodeAllocChain, no, off, "derby.detail.chain-page-zero", no)
			case c.allocated(no) == triYes && !c.counted(engine.Damaged, CodePageZero):
				c.add(engine.Damaged, CodePageZero, no, off, "derby.detail.page-zero", no)
			}
			if isChain {
				c.loseChain()
			}
			return
		}
		if c.encrypted && !first {
			c.unverified++
			if isChain {
				c.loseChain()
			}
			return
		}
		v, why := engine.Damaged, "derby.detail.page-checksum-read"
		if !isChain && c.allocated(no) == triNo {
			v, why = engine.Warning, "derby.detail.page-checksum-unallocated"
		}
		if !c.counted(v, CodePageChecksum) {
			c.add(v, CodePageChecksum, no, off, "derby.detail.page-checksum", no, stored, sum, i18n.Say(why))
		}
		if isChain {
			c.loseChain()
		}
		return
	}
	h, _ := parsePageHeader(pg)
	if isChain || (c.chainLost && h.format == fmtAllocPage) {
		c.allocPage(no, pg, h)
		return
	}
	switch h.format {
	case fmtDataPage:
		if c.role != roleNone && h.status == pageStatusValid && !h.overflow {
			c.rows(no, pg, h)
		}
	case fmtAllocPage:
		if c.allocated(no) != triNo && !c.counted(engine.Damaged, CodePageFormat) {
			c.add(engine.Damaged, CodePageFormat, no, off, "derby.detail.alloc-unnamed", no)
		}
	default:
		v := engine.Damaged
		if c.allocated(no) == triNo {
			v = engine.Warning
		}
		if c.counted(v, CodePageFormat) {
			return
		}
		c.add(v, CodePageFormat, no, off, "derby.detail.page-format", no, h.format, fmtDataPage, fmtAllocPage)
	}
}

func (c *containerCheck) loseChain() {
	c.chainLost = true
	c.extKnown = false
	c.nextAlloc = -1
}

func (c *containerCheck) allocPage(no int64, pg []byte, h pageHeader) {
	off := no * c.ps
	if h.format != fmtAllocPage {
		c.add(engine.Damaged, CodeAllocChain, no, off, "derby.detail.chain-format", no, h.format, fmtAllocPage)
		c.loseChain()
		return
	}
	a, ok := parseAllocPage(pg)
	if !ok {
		c.add(engine.Damaged, CodeAllocChain, no, off, "derby.detail.alloc-no-room", no, a.borrowed)
		c.loseChain()
		return
	}
	if no == 0 && a.borrowed != containerInfoSize {
		c.add(engine.Damaged, CodeContainerInfo, no, borrowedLenOffset, "derby.detail.first-page-lends", a.borrowed, containerInfoSize)
	}
	last := a.extStart + a.extLength - 1
	switch {
	case a.extStart != no+1:
		c.add(engine.Damaged, CodeAllocChain, no, off, "derby.detail.alloc-ext-start", no, a.extStart)
	case a.extOffset != a.extStart*c.ps:
		c.add(engine.Damaged, CodeAllocChain, no, off, "derby.detail.alloc-ext-offset", no, a.extOffset, a.extStart*c.ps)
	case a.extLength < 0 || last > a.extEnd:
		c.add(engine.Damaged, CodeAllocChain, no, off, "derby.detail.alloc-ext-length", no, a.extLength, a.extStart, a.extEnd)
	default:
		c.chainLost = false
		c.extKnown = true
		c.extStart, c.extLast = a.extStart, last
		if a.extStatus&extentRetired != 0 {
			c.extLast = a.extStart - 1 // retired: its pages do not exist
		} else if last > c.required {
			c.required, c.requiredBy = last, no
		}
		switch {
		case a.next == -1:
			c.nextAlloc = -1
		case a.next <= no || a.next <= c.extLast:
			c.add(engine.Damaged, CodeAllocChain, no, off, "derby.detail.alloc-next-back", no, a.next)
			c.loseChain()
		case a.nextOffset != a.next:
			c.add(engine.Damaged, CodeAllocChain, no, off, "derby.detail.alloc-next-offset", no, a.next, a.nextOffset)
			c.loseChain()
		default:
			c.nextAlloc = a.next
			if a.next > c.required {
				c.required, c.requiredBy = a.next, no
			}
		}
		return
	}
	c.loseChain()
}

// rows reads the catalog rows of a data page.
func (c *containerCheck) rows(no int64, pg []byte, h pageHeader) {
	for i := 0; i < h.slots; i++ {
		if no == 1 && i == 0 {
			continue // the heap's control row
		}
		off, n, ok := slot(pg, h.slots, i)
		if !ok {
			c.rowsSkipped++
			continue
		}
		rec := pg[off : off+n]
		switch c.role {
		case roleConglomerates:
			num, kind := conglomerateRow(rec)
			switch kind {
			case rowRead:
				if c.conglomerates == nil {
					c.conglomerates = map[int64]bool{}
				}
				c.conglomerates[num] = true
			case rowSkipped:
				c.rowsSkipped++
			}
		case roleProperties:
			key, v, kind := propertyRow(rec)
			switch {
			case kind == rowRead && key != "":
				if c.versions == nil {
					c.versions = map[string]int32{}
				}
				c.versions[key] = v
			case kind == rowSkipped:
				c.rowsSkipped++
			}
		}
	}
}

// finish checks what only the whole file can show: its length against the
// page size and the pages the allocation map says exist.
func (c *containerCheck) finish() {
	if c.ps == 0 {
		c.decidePageSize(true)
		c.drain()
	}
	if c.ps > 0 {
		if c.fill > 0 {
			c.add(engine.Damaged, CodeContainerSize, c.page, c.page*c.ps,
				"derby.detail.partial-page", c.n, c.ps, c.fill)
		}
		pages := c.n / c.ps
		if c.required >= pages {
			c.add(engine.Damaged, CodeTruncated, c.required, -1,
				"derby.detail.truncated", c.requiredBy, c.required, pages)
		}
	}
	if c.bufp != nil {
		pagePool.Put(c.bufp)
		c.bufp = nil
	}
}
