package derby

import (
	"strconv"
	"strings"

	"github.com/efbackup/efbackup/engine"
)

// File kinds in results (engine.FileResult.Kind).
const (
	KindContainer  = "container"
	KindLog        = "log"
	KindLogControl = "log-control"
	KindProperties = "properties"
	KindOther      = "other"
)

// Names in the database folder.
const (
	propertiesName    = "service.properties"
	propertiesOldName = "service.propertiesold"
	logControlName    = "log/log.ctrl"
	logMirrorName     = "log/logmirror.ctrl"
	lockName          = "db.lck"
	exLockName        = "dbex.lck"
	tmpName           = "tmp"

	defaultConglomeratesID = 32 // SysconglomeratesIdentifier in every database Derby creates
	defaultPropertiesID    = 16 // derby.storage.propertiesId
)

// containerName parses seg0/c<hex>.dat (or the stub seg0/d<hex>.dat of a
// dropped container), upper case too, as Derby accepts both
// (BaseDataFileFactory.getContainerPath and getAlternateContainerPath).
func containerName(rel string) (id int64, stub, ok bool) {
	name, found := strings.CutPrefix(rel, "seg0/")
	if !found || strings.Contains(name, "/") || len(name) < 6 {
		return 0, false, false
	}
	lower := strings.ToLower(name)
	if !strings.HasSuffix(lower, ".dat") {
		return 0, false, false
	}
	switch lower[0] {
	case 'c':
	case 'd':
		stub = true
	default:
		return 0, false, false
	}
	v, err := strconv.ParseInt(lower[1:len(lower)-4], 16, 64)
	if err != nil || v < 0 || strings.HasPrefix(lower[1:], "+") || strings.HasPrefix(lower[1:], "-") {
		return 0, false, false
	}
	return v, stub, true
}

// containerPath is the name Derby gives container id.
func containerPath(id int64) string {
	return "seg0/c" + strconv.FormatInt(id, 16) + ".dat"
}

// logFileName parses log/log<N>.dat.
func logFileName(rel string) (int64, bool) {
	name, found := strings.CutPrefix(rel, "log/log")
	if !found {
		return 0, false
	}
	digits, found := strings.CutSuffix(name, ".dat")
	if !found || digits == "" || len(digits) > 12 {
		return 0, false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}

func logPath(n int64) string { return "log/log" + strconv.FormatInt(n, 10) + ".dat" }

// excluded reports whether a backup leaves rel out: the lock files and the
// scratch folder, which Derby recreates at every boot and which its own
// backup (SYSCS_BACKUP_DATABASE) leaves out too.
func excluded(rel string, isDir bool) bool {
	switch rel {
	case lockName, exLockName:
		return !isDir
	case tmpName:
		return true
	}
	return strings.HasPrefix(rel, tmpName+"/")
}

// check is the streaming check of one database.
type check struct {
	name    string
	partial bool // only the small files are fed (Inspect)

	files int
	bytes int64
	cur   *fileCheck
	all   []*fileCheck
	byRel map[string]*fileCheck

	props, propsOld        []byte
	propsSeen, oldSeen     bool
	ctrl, mirror           *fileCheck
	ctrlBytes, mirrorBytes []byte
	logs                   []logRec
	containers             map[int64]string
	stubs                  map[int64]bool
	conglomerates          map[int64]bool
	conglomeratesRead      bool
	rowsSkipped            int64
	catalog                map[string]int32
	encryptedHint          bool

	skipped  []string
	lockSeen bool
	tmpSeen  bool
	finished *engine.Database
}

type logRec struct {
	s logSummary
	f *fileCheck
}

func newCheck(name string) *check {
	return &check{
		name:          name,
		byRel:         map[string]*fileCheck{},
		containers:    map[int64]string{},
		stubs:         map[int64]bool{},
		conglomerates: map[int64]bool{},
		catalog:       map[string]int32{},
	}
}

// target is the checkpoint instant log.ctrl names, if it was read already
// (it sorts before the log files).
func (c *check) target() int64 {
	if c.ctrlBytes == nil {
		return -1
	}
	cf := parseControlFile(c.ctrlBytes)
	if !cf.usable || cf.checkpoint == 0 {
		return -1
	}
	return cf.checkpoint
}

func (c *check) File(rel string, size int64) engine.FileCheck {
	if c.cur != nil {
		c.cur.finalize()
	}
	f := &fileCheck{chk: c, rel: rel, kind: KindOther, size: size}
	c.files++
	c.cur = f
	c.all = append(c.all, f)
	c.byRel[rel] = f
	switch {
	case rel == propertiesName || rel == propertiesOldName:
		f.kind = KindProperties
		f.small = maxPropertiesSize
	case rel == logControlName || rel == logMirrorName:
		f.kind = KindLogControl
		f.small = maxControlFileSize
	default:
		if n, ok := logFileName(rel); ok {
			f.kind = KindLog
			f.log = newLogFileCheck(n, c.target())
		} else if id, stub, ok := containerName(rel); ok {
			if stub {
				c.stubs[id] = true
				break
			}
			f.kind = KindContainer
			f.id = id
			role := roleNone
			switch id {
			case defaultConglomeratesID:
				role = roleConglomerates
			case defaultPropertiesID:
				role = roleProperties
			}
			f.cont = newContainerCheck(f, role, c.encryptedHint)
			f.notChecked = c.encryptedHint
		}
	}
	return f
}

func (c *check) Skipped(rel string, isDir bool) {
	c.skipped = append(c.skipped, rel)
	switch {
	case rel == lockName || rel == exLockName:
		c.lockSeen = true
	case rel == tmpName || strings.HasPrefix(rel, tmpName+"/"):
		c.tmpSeen = true
	}
}

// fileCheck is one file's part of the check.
type fileCheck struct {
	chk  *check
	rel  string
	kind string
	size int64
	n    int64
	id   int64
	done bool

	cont *containerCheck
	log  *logFileCheck
	// small files are kept whole, up to this many bytes
	small int
	buf   []byte
	over  bool

	fl         findingList
	late       []engine.Finding // what the whole database showed about this file
	notChecked bool
}

func (f *fileCheck) Write(p []byte) (int, error) {
	if f.done {
		return len(p), nil
	}
	f.n += int64(len(p))
	f.chk.bytes += int64(len(p))
	switch {
	case f.cont != nil:
		f.cont.write(p)
	case f.log != nil:
		f.log.write(p)
	case f.small > 0:
		if room := f.small - len(f.buf); room > 0 {
			f.buf = append(f.buf, p[:min(room, len(p))]...)
		}
		if len(p) > 0 && len(f.buf) == f.small && f.n > int64(f.small) {
			f.over = true
		}
	}
	return len(p), nil
}

// finalize ends the file: what it showed goes to the database's check.
func (f *fileCheck) finalize() {
	if f.done {
		return
	}
	f.done = true
	c := f.chk
	switch {
	case f.cont != nil:
		f.cont.finish()
		c.containers[f.id] = f.rel
		if f.cont.role == roleConglomerates {
			c.conglomeratesRead = true
			for k := range f.cont.conglomerates {
				c.conglomerates[k] = true
			}
			c.rowsSkipped += f.cont.rowsSkipped
		}
		if f.cont.role == roleProperties {
			for k, v := range f.cont.versions {
				c.catalog[k] = v
			}
		}
	case f.log != nil:
		s := f.log.finish(f.n)
		if s.nseg > 0 && s.segs[0].records > 0 && s.segs[0].unparsable == s.segs[0].sig && s.segs[0].verified == 0 {
			// Every record's body is unreadable yet framed as Derby frames
			// them: the records are encrypted.
			c.encryptedHint = true
		}
		c.logs = append(c.logs, logRec{s: s, f: f})
	case f.rel == propertiesName:
		c.props, c.propsSeen = f.buf, true
		if f.over {
			f.fl.add(engine.Damaged, CodePropertiesKey, f.rel, -1, -1, "derby.detail.props-too-large", maxPropertiesSize)
		}
	case f.rel == propertiesOldName:
		c.propsOld, c.oldSeen = f.buf, true
	case f.rel == logControlName:
		c.ctrl, c.ctrlBytes = f, f.buf
	case f.rel == logMirrorName:
		c.mirror, c.mirrorBytes = f, f.buf
	}
	if f.cont == nil {
		f.buf = f.buf[:len(f.buf):len(f.buf)]
	}
}

// Result is the file's verdict. Called before Finish, it holds what the
// file's own bytes showed; after Finish, also what the whole database
// showed about the file (a log file that breaks the chain, say).
func (f *fileCheck) Result() engine.FileResult {
	f.finalize()
	fs := append(f.fl.findings(f.rel), f.late...)
	v := engine.OK
	if f.notChecked {
		v = engine.NotChecked
	}
	return engine.FileResult{Kind: f.kind, Verdict: worstOf(v, fs), Findings: fs}
}
