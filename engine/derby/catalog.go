package derby

import "fmt"

// Catalog rows the check reads: the conglomerate number of each
// SYSCONGLOMERATES row, and the two data dictionary versions of the
// properties conglomerate. Nothing else of any row is read or kept.

// rowKind is what became of one row of a page.
type rowKind int

const (
	rowRead    rowKind = iota // read
	rowDeleted                // marked deleted: ignored
	rowSkipped                // overflowed or unreadable: counted, never guessed
)

// sysconglomeratesFields is the number of columns of SYS.SYSCONGLOMERATES;
// CONGLOMERATENUMBER, a BIGINT, is the third.
const (
	sysconglomeratesFields = 8
	conglomerateNumberCol  = 2
)

// conglomerateRow returns the conglomerate number of a SYSCONGLOMERATES row.
func conglomerateRow(rec []byte) (int64, rowKind) {
	h, _, ok := parseRecordHeader(rec)
	if !ok {
		if h.status&recDeleted != 0 && h.status&^recValidMask == 0 {
			return 0, rowDeleted
		}
		return 0, rowSkipped
	}
	if h.status&recDeleted != 0 {
		return 0, rowDeleted
	}
	if h.nfields != sysconglomeratesFields {
		return 0, rowSkipped
	}
	b := rec[h.size:]
	for i := 0; i <= conglomerateNumberCol; i++ {
		st, data, n, ok := parseField(b)
		if !ok || st&fieldOverflow != 0 {
			return 0, rowSkipped
		}
		if i == conglomerateNumberCol {
			if st&fieldNull != 0 || len(data) != 8 {
				return 0, rowSkipped
			}
			num := int64(be.Uint64(data))
			if num <= 0 {
				return 0, rowSkipped
			}
			return num, rowRead
		}
		b = b[n:]
	}
	return 0, rowSkipped
}

// Keys of the properties conglomerate that hold the catalog versions, and
// the format id of their DD_Version values.
const (
	keyCatalogVersion        = "DataDictionaryVersion"
	keyCreatedCatalogVersion = "CreateDataDictionaryVersion"
	fmtDDVersion             = 401
	fmtString                = 1 // FormatIdOutputStream: a String written with writeUTF
)

// propertyRow reads a row of the properties conglomerate and returns the
// catalog version it holds, if its key is one of the two version keys. The
// key is compared, never kept; other values are not decoded.
func propertyRow(rec []byte) (key string, major int32, kind rowKind) {
	h, _, ok := parseRecordHeader(rec)
	if !ok {
		if h.status&recDeleted != 0 && h.status&^recValidMask == 0 {
			return "", 0, rowDeleted
		}
		return "", 0, rowSkipped
	}
	if h.status&recDeleted != 0 {
		return "", 0, rowDeleted
	}
	if h.nfields != 2 {
		return "", 0, rowSkipped
	}
	b := rec[h.size:]
	st, k, n, ok := parseField(b)
	if !ok || st&(fieldNull|fieldOverflow) != 0 || len(k) < 4 || be.Uint16(k) != fmtString {
		return "", 0, rowSkipped
	}
	ul := int(be.Uint16(k[2:]))
	if 4+ul != len(k) {
		return "", 0, rowSkipped
	}
	name := k[4:]
	switch string(name) {
	case keyCatalogVersion:
		key = keyCatalogVersion
	case keyCreatedCatalogVersion:
		key = keyCreatedCatalogVersion
	default:
		return "", 0, rowRead
	}
	st, v, _, ok := parseField(b[n:])
	if !ok || st&(fieldNull|fieldOverflow) != 0 || len(v) < 10 || be.Uint16(v) != fmtDDVersion {
		return "", 0, rowSkipped
	}
	return key, int32(be.Uint32(v[2:])), rowRead
}

// catalogRelease names a data dictionary version (DataDictionary's
// DD_VERSION_DERBY_10_x constants: 130 is 10.1, each release adds 10, up to
// 280 for 10.16 in the source these were read from).
func catalogRelease(v int32) string {
	switch {
	case v == 120:
		return "10.0"
	case v >= 130 && v <= 280 && v%10 == 0:
		return fmt.Sprintf("10.%d", (v-120)/10)
	}
	return fmt.Sprintf("unknown catalog version %d", v)
}
