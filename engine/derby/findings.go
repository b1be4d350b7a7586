package derby

import (
	"sort"

	"github.com/efbackup/efbackup/engine"
)

// Finding codes. They are stable: scripts and the damage corpus match them.
const (
	// Containers (seg0/c*.dat).
	CodePageChecksum     = "page-checksum"           // a page's CRC does not match its bytes
	CodePageFormat       = "page-format"             // a page is neither a data page (117) nor an allocation page (118)
	CodePageZero         = "page-zero"               // an all-zero page where Derby expects a page
	CodePageSize         = "page-size"               // the container's page size is not one Derby writes
	CodeContainerSize    = "container-size"          // the file size is not a whole number of pages
	CodeTruncated        = "container-truncated"     // the allocation map names pages the file does not hold
	CodeAllocChain       = "alloc-chain"             // the chain of allocation pages is broken
	CodeContainerInfo    = "container-info"          // the container header cannot be what Derby wrote
	CodeContainerInfoCRC = "container-info-checksum" // the container header's CRC does not match
	CodeContainerMissing = "container-missing"       // the catalog names a container that is not there
	CodeCatalogSkipped   = "catalog-skipped"         // catalog rows that could not be read, so not checked

	// The log (log/).
	CodeLogControlMissing  = "log-control-missing"
	CodeLogControlChecksum = "log-control-checksum"
	CodeLogControlFormat   = "log-control-format"
	CodeLogControlMismatch = "log-control-mismatch"
	CodeLogMirrorMissing   = "log-mirror-missing"
	CodeLogDurabilityTest  = "log-durability-test"
	CodeCheckpointMissing  = "log-checkpoint-missing"
	CodeLogFileMissing     = "log-file-missing"
	CodeLogFileHeader      = "log-file-header"
	CodeLogChain           = "log-chain"
	CodeLogRecord          = "log-record"
	CodeLogChecksum        = "log-checksum"
	CodeLogSwitched        = "log-switched-no-successor"
	CodeLogFuzzyEnd        = "log-fuzzy-end"
	CodeLogHole            = "log-hole"

	// service.properties.
	CodePropertiesMissing = "properties-missing"
	CodePropertiesKey     = "properties-key"
	CodePropertiesOld     = "properties-old"
	CodeEncrypted         = "encrypted"
	CodeLogDevice         = "log-device"
)

// maxPerCode bounds the findings one file keeps of one kind: a container
// with a million bad pages reports the first few and counts the rest.
const maxPerCode = 8

// findingList collects a file's findings with bounded memory.
type findingList struct {
	list    []engine.Finding
	perCode map[string]int
	more    map[string]int            // code -> findings beyond maxPerCode
	worst   map[string]engine.Verdict // code -> worst verdict among those beyond
}

// counted reports whether a finding of code is past the ones kept, and
// if so counts it: callers on a hot path ask first, so that a file with a
// million bad pages does not format a million details.
func (l *findingList) counted(v engine.Verdict, code string) bool {
	if l.perCode[code] < maxPerCode {
		return false
	}
	l.perCode[code]++
	if l.more == nil {
		l.more = map[string]int{}
		l.worst = map[string]engine.Verdict{}
	}
	l.more[code]++
	if w, ok := l.worst[code]; !ok || engine.Worse(v, w) {
		l.worst[code] = v
	}
	return true
}

// add keeps a finding whose detail is the message key with args.
func (l *findingList) add(v engine.Verdict, code, file string, page, off int64, key string, args ...any) {
	if l.perCode == nil {
		l.perCode = map[string]int{}
	}
	if l.counted(v, code) {
		return
	}
	l.perCode[code]++
	l.list = append(l.list, engine.NewFinding(v, code, file, page, off, key, args...))
}

// findings returns the kept findings, then one summary per code whose
// further findings were only counted.
func (l *findingList) findings(file string) []engine.Finding {
	out := append([]engine.Finding(nil), l.list...)
	codes := make([]string, 0, len(l.more))
	for c := range l.more {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		out = append(out, engine.NewFinding(l.worst[c], c, file, -1, -1, "derby.detail.more", l.more[c]))
	}
	return out
}

// worstOf is the worst verdict of fs, starting from v.
func worstOf(v engine.Verdict, fs []engine.Finding) engine.Verdict {
	for _, f := range fs {
		if engine.Worse(f.Verdict, v) {
			v = f.Verdict
		}
	}
	return v
}
