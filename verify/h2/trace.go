package h2

// traceChecker reads an H2 trace file (*.trace.db, *.trace.db.old) for the
// two errors a person restoring a backup wants to know about: 90030 (file
// corrupted) and 90020 (database in use). H2 2.x logs the same conditions
// as MVStore errors "[2.1.214/6]" (file corrupt) and "[2.1.214/7]" (file
// locked) inside a general error 50000, so both spellings count.
//
// The date of an error is the "yyyy-MM-dd HH:mm:ss" at the start of the
// last line that had one: the error code itself sits on a later line of
// the stack trace. Lines may be any length; only the first 19 bytes of a
// line and a short window around '[' are kept.
type traceChecker struct {
	name string
	pos  int64

	lineStart bool
	head      [19]byte
	headN     int
	lastDate  string
	entry     int // counts dated lines: one logged event each

	inBracket bool
	br        [24]byte
	brN       int
	brOff     int64

	hits map[string]*traceHit
}

type traceHit struct {
	count       int
	entry       int
	first, last string
	off         int64
	text        string
}

func newTraceChecker(name string) *traceChecker {
	return &traceChecker{name: name, lineStart: true, hits: map[string]*traceHit{}}
}

func (c *traceChecker) Write(p []byte) (int, error) {
	for i, b := range p {
		if b == '\n' {
			c.lineStart = true
			c.headN = 0
			c.inBracket = false
			continue
		}
		if c.lineStart {
			c.head[c.headN] = b
			c.headN++
			if c.headN == len(c.head) {
				c.lineStart = false
				if isDate(c.head[:]) {
					c.lastDate = string(c.head[:])
					c.entry++
				}
			}
		}
		switch {
		case b == '[':
			c.inBracket = true
			c.brN = 0
			c.brOff = c.pos + int64(i)
		case c.inBracket && b == ']':
			c.inBracket = false
			c.bracket(string(c.br[:c.brN]))
		case c.inBracket:
			if c.brN == len(c.br) {
				c.inBracket = false
			} else {
				c.br[c.brN] = b
				c.brN++
			}
		}
	}
	c.pos += int64(len(p))
	return len(p), nil
}

// bracket looks at the text between '[' and ']': "90030-214" (an H2
// error code and build) or "2.1.214/6" (an MVStore error).
func (c *traceChecker) bracket(s string) {
	code := ""
	switch {
	case len(s) > 6 && s[5] == '-' && allDigits(s[6:]) && (s[:5] == "90030" || s[:5] == "90020"):
		code = s[:5]
	case len(s) > 2 && s[len(s)-2] == '/' && versionLike(s[:len(s)-2]):
		switch s[len(s)-1] {
		case '6':
			code = "90030"
		case '7':
			code = "90020"
		}
	}
	if code == "" {
		return
	}
	h := c.hits[code]
	if h == nil {
		h = &traceHit{first: c.lastDate, entry: -1}
		c.hits[code] = h
	}
	if h.entry != c.entry {
		// A stack trace repeats the code on every "Caused by"
		// line: count each logged event once.
		h.count++
		h.entry = c.entry
	}
	h.last, h.off, h.text = c.lastDate, c.brOff, s
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

// versionLike accepts "2.1.214".
func versionLike(s string) bool {
	dots := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '.':
			dots++
		case s[i] < '0' || s[i] > '9':
			return false
		}
	}
	return dots == 2
}

// isDate accepts "yyyy-MM-dd HH:mm:ss".
func isDate(b []byte) bool {
	const pat = "dddd-dd-dd dd:dd:dd"
	for i := 0; i < len(pat); i++ {
		if pat[i] == 'd' {
			if b[i] < '0' || b[i] > '9' {
				return false
			}
		} else if b[i] != pat[i] {
			return false
		}
	}
	return true
}

func (c *traceChecker) Result() Result {
	r := Result{File: c.name, Kind: KindTrace}
	for _, code := range []string{"90030", "90020"} {
		h := c.hits[code]
		if h == nil {
			continue
		}
		what := "file corrupted"
		fc := CodeTrace90030
		if code == "90020" {
			what, fc = "database in use", CodeTrace90020
		}
		when := "no date"
		switch {
		case h.first != "" && h.first != h.last:
			when = "from " + h.first + " to " + h.last
		case h.last != "":
			when = "at " + h.last
		}
		r.Findings = append(r.Findings, finding(Warning, fc, h.off, "error %s (%s) logged %d time(s), %s; last as [%s]", code, what, h.count, when, h.text))
	}
	r.finish()
	return r
}
