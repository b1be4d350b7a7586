package derby

import (
	"encoding/binary"
	"hash/crc32"
)

// Page and container layouts (docs/derby-format.md §2; StoredPage,
// AllocPage, AllocExtent and FileContainer in Derby's source).
const (
	fmtContainer = 116 // RAW_STORE_SINGLE_CONTAINER_FILE: the container header
	fmtDataPage  = 117 // RAW_STORE_STORED_PAGE
	fmtAllocPage = 118 // RAW_STORE_ALLOC_PAGE

	recordSpaceOffset = 60  // the page header ends here; records (or the alloc header) start
	borrowedLenOffset = 108 // page 0: the size of the space the container header borrows
	borrowedOffset    = 109 // page 0: the container header
	containerInfoSize = 80
	checksumSize      = 8
	slotEntrySize     = 6 // u16 offset, u16 length, u16 reserved, for pages under 64 KiB
	extentFixedSize   = 56

	pageStatusValid = 1
	maxPageSize     = 32768
	minPageSize     = 4096
)

// legalPageSize reports whether Derby can have written pages of ps bytes:
// any other size in the container header is silently made 4096 when a
// container is created (FileContainer.createInfoFromProp), so it never
// reaches a disk.
func legalPageSize(ps int64) bool {
	return ps == 4096 || ps == 8192 || ps == 16384 || ps == 32768
}

var be = binary.BigEndian

// pageHeader is StoredPage's header at offset 4 of every page.
type pageHeader struct {
	format   int
	overflow bool
	status   byte
	version  int64
	slots    int
}

func parsePageHeader(pg []byte) (pageHeader, bool) {
	if len(pg) < recordSpaceOffset {
		return pageHeader{}, false
	}
	return pageHeader{
		format:   int(be.Uint16(pg[0:2])),
		overflow: pg[4] != 0,
		status:   pg[5],
		version:  int64(be.Uint64(pg[6:14])),
		slots:    int(be.Uint16(pg[14:16])),
	}, true
}

var zeros [256]byte

// pageChecksum returns the CRC stored at the end of pg and the one its
// bytes have. On the first page of a container the container header's
// borrowed space is left out as if it were zeros: Derby rewrites the header
// without rewriting the page, so the page's CRC cannot cover it
// (AllocPage.writePage).
func pageChecksum(pg []byte, first bool) (stored uint64, computed uint32) {
	end := len(pg) - checksumSize
	stored = be.Uint64(pg[end:])
	if !first || end < borrowedOffset {
		return stored, crc32.ChecksumIEEE(pg[:end])
	}
	n := int(pg[borrowedLenOffset])
	if borrowedOffset+n > end {
		n = end - borrowedOffset
	}
	c := crc32.Update(0, crc32.IEEETable, pg[:borrowedOffset])
	c = crc32.Update(c, crc32.IEEETable, zeros[:n])
	c = crc32.Update(c, crc32.IEEETable, pg[borrowedOffset+n:end])
	return stored, c
}

// allZero reports whether b holds only zero bytes.
func allZero(b []byte) bool {
	for len(b) >= len(zeros) {
		if string(b[:len(zeros)]) != string(zeros[:]) {
			return false
		}
		b = b[len(zeros):]
	}
	return string(b) == string(zeros[:len(b)])
}

// containerInfo is the container header (FileContainer.writeHeaderToArray),
// 80 bytes at offset 109 of page 0.
type containerInfo struct {
	fid, status, pageSize, spareSpace, minRecordSize int32
	initialPages, preAllocSize                       int16
	firstAllocPage, firstAllocOffset                 int64
	containerVersion, estimatedRows, reusableRecords int64
	storedCRC                                        uint64
	crc                                              uint32
}

func parseContainerInfo(b []byte) (containerInfo, bool) {
	if len(b) < containerInfoSize {
		return containerInfo{}, false
	}
	i32 := func(o int) int32 { return int32(be.Uint32(b[o:])) }
	i64 := func(o int) int64 { return int64(be.Uint64(b[o:])) }
	return containerInfo{
		fid: i32(0), status: i32(4), pageSize: i32(8), spareSpace: i32(12), minRecordSize: i32(16),
		initialPages: int16(be.Uint16(b[20:])), preAllocSize: int16(be.Uint16(b[22:])),
		firstAllocPage: i64(24), firstAllocOffset: i64(32),
		containerVersion: i64(40), estimatedRows: i64(48), reusableRecords: i64(56),
		storedCRC: be.Uint64(b[72:]),
		crc:       crc32.ChecksumIEEE(b[:72]),
	}, true
}

// extentRetired marks an extent whose pages do not exist
// (AllocExtent.RETIRED).
const extentRetired = 0x8

// allocPage is what an allocation page says: where the next one is, and
// which pages its one extent manages and has allocated.
type allocPage struct {
	next, nextOffset int64 // next allocation page; -1 for none
	borrowed         int   // size of the borrowed container header: 80 on page 0
	extOffset        int64 // byte offset of the first page the extent manages
	extStart         int64 // first page number it manages
	extEnd           int64 // last page number it may manage
	extLength        int64 // pages allocated so far: extStart .. extStart+extLength-1
	extStatus        int32
}

func parseAllocPage(pg []byte) (allocPage, bool) {
	if len(pg) < borrowedOffset+checksumSize {
		return allocPage{}, false
	}
	a := allocPage{
		next:       int64(be.Uint64(pg[60:])),
		nextOffset: int64(be.Uint64(pg[68:])),
		borrowed:   int(pg[borrowedLenOffset]),
	}
	x := borrowedOffset + a.borrowed
	if x+extentFixedSize > len(pg)-checksumSize {
		return a, false
	}
	a.extOffset = int64(be.Uint64(pg[x:]))
	a.extStart = int64(be.Uint64(pg[x+8:]))
	a.extEnd = int64(be.Uint64(pg[x+16:]))
	a.extLength = int64(int32(be.Uint32(pg[x+24:])))
	a.extStatus = int32(be.Uint32(pg[x+28:]))
	return a, true
}

// slot returns the record offset and length that slot i of the page names,
// or ok=false if they do not lie inside the page's record space.
func slot(pg []byte, slots, i int) (off, length int, ok bool) {
	tableEnd := len(pg) - checksumSize
	e := tableEnd - slotEntrySize*(i+1)
	if i < 0 || i >= slots || e < recordSpaceOffset {
		return 0, 0, false
	}
	off = int(be.Uint16(pg[e:]))
	length = int(be.Uint16(pg[e+2:]))
	low := tableEnd - slotEntrySize*slots
	if off < recordSpaceOffset || off+length > low || length == 0 {
		return 0, 0, false
	}
	return off, length, true
}

// Record header status bits (StoredRecordHeader).
const (
	recDeleted    = 0x01
	recOverflow   = 0x02
	recFirstField = 0x04
	recValidMask  = 0x0f
)

// recordHeader is the head of a row piece on a page.
type recordHeader struct {
	status     byte
	id         int64
	firstField int64 // the first field this piece holds
	nfields    int64 // the fields it holds
	size       int   // bytes of header
}

// parseRecordHeader reads a record header as StoredRecordHeader.read does.
// A piece that does not hold a whole row (it points on to another page, or
// starts at a later field) is reported with ok=false and partial=true: the
// row cannot be read from this page alone.
func parseRecordHeader(b []byte) (h recordHeader, partial, ok bool) {
	if len(b) < 2 {
		return h, false, false
	}
	h.status = b[0]
	if h.status&^recValidMask != 0 {
		return h, false, false
	}
	id, n, ok := compressedInt(b[1:])
	if !ok {
		return h, false, false
	}
	h.id = id
	p := 1 + n
	if h.status&recOverflow != 0 {
		return h, true, false
	}
	if h.status&recFirstField != 0 {
		ff, m, ok := compressedInt(b[p:])
		if !ok {
			return h, false, false
		}
		h.firstField = ff
		p += m
		if ff != 0 {
			return h, true, false
		}
	}
	nf, m, ok := compressedInt(b[p:])
	if !ok {
		return h, false, false
	}
	h.nfields = nf
	h.size = p + m
	return h, false, true
}

// Field header status bits (StoredFieldHeader).
const (
	fieldNull     = 0x01
	fieldOverflow = 0x02
	fieldFixed    = 0x20
)

// parseField reads one field of a row on a page: its status and data, and
// the bytes it takes. A null field has no data.
func parseField(b []byte) (status byte, data []byte, n int, ok bool) {
	if len(b) < 1 {
		return 0, nil, 0, false
	}
	status = b[0]
	if status&fieldNull != 0 {
		return status, nil, 1, true
	}
	if status&fieldFixed != 0 {
		// Only log records hold fixed-size field headers.
		return status, nil, 0, false
	}
	l, m, ok := compressedInt(b[1:])
	if !ok || 1+m+int(l) > len(b) {
		return status, nil, 0, false
	}
	return status, b[1+m : 1+m+int(l)], 1 + m + int(l), true
}
