package derby

import (
	"sort"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/i18n"
)

// controlFiles reads both control files; ok is false for a file that is
// not there.
func (a *analysis) controlFiles() (cf, mf controlFile, cfOK, mfOK bool) {
	if a.c.ctrl != nil {
		cf, cfOK = parseControlFile(a.c.ctrlBytes), true
	}
	if a.c.mirror != nil {
		mf, mfOK = parseControlFile(a.c.mirrorBytes), true
	}
	return
}

// controlFileUsed is the control file whose versions the database reports:
// log.ctrl, or the mirror where log.ctrl cannot be read.
func (a *analysis) controlFileUsed() (controlFile, string) {
	cf, mf, cfOK, mfOK := a.controlFiles()
	switch {
	case cfOK && cf.usable:
		return cf, logControlName
	case mfOK && mf.usable:
		return mf, logMirrorName
	}
	return controlFile{}, ""
}

// log checks the control files and the log files together, as Derby's
// boot and recovery read them (LogToFile.boot and recover), and returns
// the state the database was left in.
func (a *analysis) log() engine.State {
	c := a.c
	sort.Slice(c.logs, func(i, j int) bool { return c.logs[i].s.num < c.logs[j].s.num })
	byNum := map[int64]*logRec{}
	var maxNum int64
	for i := range c.logs {
		r := &c.logs[i]
		byNum[r.s.num] = r
		maxNum = max(maxNum, r.s.num)
	}
	cf, mf, cfOK, mfOK := a.controlFiles()
	if len(c.logs) == 0 && !cfOK && !mfOK {
		if a.logDevice != "" {
			return engine.Unknown // the log is elsewhere; log-device says so
		}
		a.report(engine.Damaged, CodeLogControlMissing, logControlName, -1, -1,
			"derby.detail.log-missing")
		return engine.Unknown
	}

	// The control files on their own.
	if cfOK {
		a.controlFileAlone(logControlName, cf, true)
	}
	if mfOK {
		a.controlFileAlone(logMirrorName, mf, !cfOK || !cf.usable || cf.checkpoint == 0)
	} else if cfOK {
		a.report(engine.Warning, CodeLogMirrorMissing, logMirrorName, -1, -1,
			"derby.detail.mirror-missing")
	}
	if cfOK && !cf.usable && !cf.refuse {
		if mfOK && mf.usable {
			a.report(engine.Warning, CodeLogControlChecksum, logControlName, -1, -1,
				"derby.detail.ctrl-unusable-mirror-ok", cf.problem)
		} else {
			a.report(engine.Damaged, CodeLogControlChecksum, logControlName, -1, -1,
				"derby.detail.ctrl-unusable", cf.problem)
		}
	}
	if cfOK && mfOK && cf.usable && mf.usable &&
		(cf.checkpoint != mf.checkpoint || cf.major != mf.major || cf.minor != mf.minor || cf.build != mf.build) {
		a.report(engine.Warning, CodeLogControlMismatch, logMirrorName, -1, -1,
			"derby.detail.ctrl-mismatch", instant(cf.checkpoint), instant(mf.checkpoint))
	}
	if used, name := a.controlFileUsed(); used.usable && used.flags&flagDurabilityTest != 0 {
		a.report(engine.Warning, CodeLogDurabilityTest, name, -1, -1,
			"derby.detail.durability-test")
	}

	// Derby's choice of checkpoint: log.ctrl's, the mirror's when log.ctrl
	// is unreadable or names none; none at all when log.ctrl is missing.
	var eff int64
	effName := logControlName
	if cfOK {
		switch {
		case cf.usable && cf.checkpoint != 0:
			eff = cf.checkpoint
		case mfOK && mf.usable:
			eff, effName = mf.checkpoint, logMirrorName
		}
	}
	// The checkpoint that tells whether the database was shut down
	// cleanly: the one Derby uses, or the mirror's when log.ctrl is gone.
	judge := eff
	if !cfOK && mfOK && mf.usable {
		judge = mf.checkpoint
	}
	var ck ckptInfo
	var ckFound, ckKnown bool // ckKnown: the log could say whether it is there
	var ckFile *logRec
	if judge != 0 {
		if ckFile = byNum[judge>>32]; ckFile != nil {
			ck, ckFound = ckFile.s.ckpt(judge)
			ckKnown = !a.encrypted
			if a.encrypted && c.target() == judge {
				ckFound, ckKnown = targetSegment(&ckFile.s) >= 0, true
			}
		}
	}

	// Where recovery starts reading: the checkpoint's undo (or redo, if
	// earlier) mark; the start of the checkpoint's file when its record is
	// not there; log1.dat when there is no checkpoint.
	start := makeInstant(1, logFileHeaderSize)
	if eff != 0 {
		start = makeInstant(eff>>32, logFileHeaderSize)
		if ckFound && !a.encrypted && judge == eff {
			start = min(ck.redo, ck.undo)
		}
	}

	// The state, needed below to judge a missing log.ctrl.
	state := a.state(judge, ck, ckFound, ckFile, byNum, maxNum)

	switch {
	case !cfOK:
		if state == engine.Clean || byNum[1] != nil {
			how := "derby.detail.ctrl-missing-log1"
			if state == engine.Clean && byNum[1] == nil {
				how = "derby.detail.ctrl-missing-clean"
			}
			a.report(engine.Warning, CodeLogControlMissing, logControlName, -1, -1,
				"derby.detail.ctrl-missing", i18n.Say(how))
			if byNum[1] == nil {
				return state
			}
		} else {
			a.report(engine.Damaged, CodeLogControlMissing, logControlName, -1, -1,
				"derby.detail.ctrl-missing-lost")
			return state
		}
	case eff != 0 && byNum[eff>>32] == nil:
		a.report(engine.Damaged, CodeCheckpointMissing, logPath(eff>>32), -1, -1,
			"derby.detail.ckpt-file-missing", effName[len("log/"):], instant(eff), eff>>32)
		return state
	case eff != 0 && ckKnown && !ckFound:
		a.report(engine.Damaged, CodeCheckpointMissing, logPath(eff>>32), -1, int64(uint32(eff)),
			"derby.detail.ckpt-record-missing", effName[len("log/"):], instant(eff), eff>>32)
	case eff == 0 && byNum[1] == nil:
		a.report(engine.Damaged, CodeLogFileMissing, logPath(1), -1, -1,
			"derby.detail.log1-missing")
		return state
	}
	a.chain(start, maxNum, byNum)
	return state
}

// targetSegment returns the segment holding the record at the target
// instant, or -1.
func targetSegment(s *logSummary) int {
	for i, g := range s.segs[:s.nseg] {
		if g.targetRecords > 0 {
			return i
		}
	}
	return -1
}

// controlFileAlone reports what one control file shows by itself. used
// says whether Derby would read it.
func (a *analysis) controlFileAlone(name string, f controlFile, used bool) {
	switch {
	case f.refuse && used:
		a.report(engine.Damaged, CodeLogControlFormat, name, -1, -1,
			"derby.detail.ctrl-refused", f.problem)
	case f.refuse:
		a.report(engine.Warning, CodeLogControlFormat, name, -1, -1, "derby.detail.ctrl-refused-unused", f.problem)
	case !f.usable && name == logMirrorName:
		a.report(engine.Warning, CodeLogControlChecksum, name, -1, -1,
			"derby.detail.mirror-unusable", f.problem)
	case f.usable && f.length != controlFileSize:
		a.report(engine.Warning, CodeLogControlFormat, name, -1, -1, "derby.detail.ctrl-length", f.length, controlFileSize)
	case f.usable && f.noCRC:
		a.report(engine.Warning, CodeLogControlChecksum, name, -1, -1, "derby.detail.ctrl-zero-sum")
	}
}

// state decides between clean and needs-recovery (docs/derby-format.md
// §3): clean only if the log ends with the checkpoint's own transaction,
// its undo mark is not before its redo mark, and no lock file or scratch
// folder says the engine did not stop. (The checkpoint Derby writes at a
// clean shutdown does carry a transaction table: its own transaction.)
func (a *analysis) state(judge int64, ck ckptInfo, ckFound bool, ckFile *logRec, byNum map[int64]*logRec, maxNum int64) engine.State {
	c := a.c
	if c.lockSeen || c.tmpSeen || judge == 0 || !ckFound {
		return engine.NeedsRecovery
	}
	s := &ckFile.s
	if a.encrypted {
		// The records cannot be read; a clean shutdown leaves exactly two
		// after the checkpoint (a checksum record and the checkpoint's
		// end of transaction).
		i := targetSegment(s)
		after := s.segs[i].records - s.segs[i].targetRecords
		for _, g := range s.segs[i+1 : s.nseg] {
			after += g.records
		}
		for k := judge>>32 + 1; k <= maxNum; k++ {
			if r := byNum[k]; r != nil {
				for _, g := range r.s.segs[:r.s.nseg] {
					after += g.records
				}
			}
		}
		if after > 2 {
			return engine.NeedsRecovery
		}
		return engine.Clean
	}
	after := s.segs[ck.seg].sig - ck.sigBefore + s.sigAfter(ck.seg) + a.sigFrom(judge>>32+1, maxNum, byNum)
	if ck.endSeen {
		after--
	}
	if after > 0 || ck.undo < ck.redo {
		return engine.NeedsRecovery
	}
	return engine.Clean
}

// tornSpan is how far past the point where Derby stops reading the log
// valid records may still lie after a crash in the middle of a write: the
// log writer flushes up to three buffers (of 32 KiB by default) at once,
// and the disk may persist them in any order. Records further on were
// written after the point, so losing them is damage.
const tornSpan = 128 << 10

// chain walks the log files recovery reads, from the instant start on, as
// Derby's forward scan moves from one to the next.
func (a *analysis) chain(start, maxNum int64, byNum map[int64]*logRec) {
	var prev *logRec
	var prevSeg *segment
	for k := start >> 32; k <= maxNum; k++ {
		r := byNum[k]
		if r == nil {
			j := k
			for j <= maxNum && byNum[j] == nil {
				j++
			}
			which := i18n.Say("derby.detail.log-file-one", k)
			if j-1 > k {
				which = i18n.Say("derby.detail.log-file-range", k, j-1)
			}
			a.report(engine.Damaged, CodeLogFileMissing, logPath(k), -1, -1,
				"derby.detail.log-files-missing", which, a.sigFrom(j, maxNum, byNum), j)
			return
		}
		s := &r.s
		if !s.hdrOK {
			a.report(engine.Damaged, CodeLogFileHeader, r.f.rel, -1, 0, "derby.detail.log-header", s.hdrWhy)
			return
		}
		entry := int64(logFileHeaderSize)
		if prev != nil {
			if end := makeInstant(k-1, prevSeg.end); s.prev != end {
				lost := a.sigFrom(k, maxNum, byNum)
				a.report(verdictFor(lost), CodeLogChain, r.f.rel, -1, 16,
					"derby.detail.log-chain-prev", k-1, instant(s.prev), instant(end), lost)
				return
			}
		} else {
			entry = int64(uint32(start))
		}
		i := s.segmentAt(entry)
		if i < 0 {
			lost := s.sig() + a.sigFrom(k+1, maxNum, byNum)
			a.report(verdictFor(lost), CodeLogRecord, r.f.rel, -1, entry,
				"derby.detail.log-start-invalid", instant(makeInstant(k, entry)), lost)
			return
		}
		g := &s.segs[i]
		a.records(r, g)
		later := s.sigAfter(i)
		next := a.sigFrom(k+1, maxNum, byNum)
		torn := next == 0 && s.segs[s.nseg-1].end-g.end <= tornSpan
		switch g.endKind {
		case endZero:
			if later > 0 {
				v := engine.Damaged
				if torn {
					v = engine.Warning
				}
				a.report(v, CodeLogHole, r.f.rel, -1, g.end,
					"derby.detail.log-hole", g.end, later)
				return
			}
			prev, prevSeg = r, g
			continue
		case endEOF:
			if k < maxNum {
				a.report(verdictFor(next), CodeLogChain, r.f.rel, -1, g.end,
					"derby.detail.log-no-switch", k+1, next)
			}
			return
		case endFuzzy:
			switch {
			case later+next == 0:
				a.report(engine.Warning, CodeLogFuzzyEnd, r.f.rel, -1, g.end,
					"derby.detail.log-torn-end", g.end, g.endWhy)
			case torn:
				a.report(engine.Warning, CodeLogFuzzyEnd, r.f.rel, -1, g.end,
					"derby.detail.log-torn-within", g.end, g.endWhy, later, tornSpan>>10)
			default:
				a.report(engine.Damaged, CodeLogFuzzyEnd, r.f.rel, -1, g.end,
					"derby.detail.log-cut", g.end, g.endWhy, later+next)
			}
			return
		}
	}
	if prev != nil && prev.s.switched(prevSeg) {
		a.report(engine.Damaged, CodeLogSwitched, prev.f.rel, -1, prevSeg.end,
			"derby.detail.log-switched", prev.s.num+1)
	}
}

// verdictFor is Damaged when records are lost, Warning when none are.
func verdictFor(lost int64) engine.Verdict {
	if lost > 0 {
		return engine.Damaged
	}
	return engine.Warning
}

// sigFrom counts the records (checksum records aside) of the log files
// from k on.
func (a *analysis) sigFrom(k, maxNum int64, byNum map[int64]*logRec) int64 {
	var n int64
	for ; k <= maxNum; k++ {
		if r := byNum[k]; r != nil {
			n += r.s.sig()
		}
	}
	return n
}

// records reports what the records Derby reads in a log file showed.
func (a *analysis) records(r *logRec, g *segment) {
	if g.unparsable > 0 && !a.encrypted {
		a.report(engine.Damaged, CodeLogRecord, r.f.rel, -1, g.firstUnparsable,
			"derby.detail.log-unparsable", g.unparsable, g.firstUnparsable)
	}
	if r.f.log != nil && r.f.log.trailDiff > 0 {
		a.report(engine.Warning, CodeLogRecord, r.f.rel, -1, -1,
			"derby.detail.log-trail-diff", r.f.log.trailDiff)
	}
}
