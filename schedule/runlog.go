package schedule

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// RunLogName is the log of scheduled runs, in the snapshot folder: one
// JSON object per line, one line per run, owner-only.
const RunLogName = "efbackup-runs.log"

// Outcomes of a scheduled run.
const (
	OutcomeOK          = "ok"          // a new snapshot was made (and the prune ran)
	OutcomeUnchanged   = "unchanged"   // db/ was byte-identical to the newest snapshot: none was written
	OutcomeFailed      = "failed"      // exit 1
	OutcomeUsage       = "usage"       // exit 2: the schedule's command line is wrong (install moved?)
	OutcomeIntegrity   = "integrity"   // exit 3: damage found
	OutcomeInUse       = "in-use"      // exit 4: e-Faktur was open
	OutcomeKey         = "key"         // exit 5: a key or passphrase was missing or wrong
	OutcomeLocked      = "locked"      // another efbackup held the folder
	OutcomeInterrupted = "interrupted" // exit 130
	// OutcomeWaiting is a try of a daily schedule that found e-Faktur
	// open: not a failure, the next try (an hour later, at log-on or
	// unlock) makes the snapshot.
	OutcomeWaiting = "waiting"
	// OutcomeNoDrive is a run that found the backup drive missing, or
	// another drive at its place (exit 1). It is never in the run log,
	// which is on that drive, only in the system's log and the
	// notifications.
	OutcomeNoDrive = "no-drive"
	// OutcomeDone is a try of a daily schedule once that day's snapshot
	// is made: it does nothing, and is never in the run log.
	OutcomeDone = "done"
)

// RunRecord is one line of the run log.
type RunRecord struct {
	Time     time.Time `json:"time"`
	Label    string    `json:"label"`
	Outcome  string    `json:"outcome"`
	ExitCode int       `json:"exit_code"`
	// Snapshot is the file name of the snapshot made, or for "unchanged"
	// the snapshot the database still matches.
	Snapshot string `json:"snapshot,omitempty"`
	// Copied is where the run copied the snapshot off-site
	// (s3://bucket/prefix/NAME), read back and verified.
	Copied  string  `json:"copied,omitempty"`
	Pruned  int     `json:"pruned"`
	Seconds float64 `json:"seconds"`
	Host    string  `json:"host,omitempty"`
	Message string  `json:"message,omitempty"`
	Hint    string  `json:"hint,omitempty"`
	// LastGood is when the label's newest good snapshot was made, as far
	// as its schedule knows.
	LastGood *time.Time `json:"last_good,omitempty"`
	// Alert, when set, says that no good snapshot has been made for days.
	Alert string `json:"alert,omitempty"`
	// Proved names the snapshot the real Derby engine proved in this run
	// (the weekly proof), with its verdict in ProofVerdict.
	Proved       string `json:"proved,omitempty"`
	ProofVerdict string `json:"proof_verdict,omitempty"`
}

// Success reports whether the run left an up-to-date, good copy.
func (r *RunRecord) Success() bool {
	return r.Outcome == OutcomeOK || r.Outcome == OutcomeUnchanged
}

// outcomes are the outcomes a run log line may hold.
var outcomes = []string{OutcomeOK, OutcomeUnchanged, OutcomeFailed, OutcomeUsage, OutcomeIntegrity, OutcomeInUse, OutcomeKey, OutcomeLocked, OutcomeInterrupted, OutcomeWaiting, OutcomeNoDrive}

// RunLogError says a line of the run log holds a value this release does
// not know (a newer release's, or damage). Runs leaves such lines out.
type RunLogError struct {
	File  string
	Line  int // 1-based, within the part of the log that was read
	Field string
	Value string
}

func (e *RunLogError) Error() string {
	return fmt.Sprintf("%s: line %d: field %s: unknown value %q", e.File, e.Line, e.Field, e.Value)
}

// AppendRun adds one line to the run log in dir. The line is written with
// one append, so that a crash leaves at most a torn last line, which
// Runs skips. A torn last line (a run killed while appending) is ended
// first, in the same write, so that it cannot swallow this record: the
// result then names the log as recovered.
func AppendRun(dir string, r RunRecord) ([]fsutil.Leftover, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	p := filepath.Join(dir, RunLogName)
	f, err := fsutil.OpenPrivate(p, os.O_RDWR|os.O_APPEND|os.O_CREATE)
	if err != nil {
		return nil, err
	}
	var left []fsutil.Leftover
	line := append(b, '\n')
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, fi.Size()-1); err == nil && last[0] != '\n' {
			line = append([]byte{'\n'}, line...)
			left = append(left, fsutil.Leftover{Path: p, Action: fsutil.LeftoverRecovered})
		}
	}
	_, err = f.Write(line)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return left, nil
}

// maxTail bounds how much of the log is read: a line a day for years is
// still far less.
const maxTail = 256 << 10

// Runs returns the records of the log in dir, oldest first, from its last
// maxTail bytes. A missing log is no records. Torn lines (a run killed
// while appending) are skipped. A line whose outcome this release does not
// know is left out too, and the first one is reported as *RunLogError
// beside the records that could be read.
func Runs(dir string) ([]RunRecord, error) {
	p := filepath.Join(dir, RunLogName)
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	start := int64(0)
	if fi.Size() > maxTail {
		start = fi.Size() - maxTail
	}
	b, err := io.ReadAll(io.NewSectionReader(f, start, fi.Size()-start))
	if err != nil {
		return nil, err
	}
	if start > 0 {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:] // the first line is cut
		}
	}
	var out []RunRecord
	var unknown error
	for i, line := range bytes.Split(b, []byte("\n")) {
		var r RunRecord
		if len(bytes.TrimSpace(line)) == 0 || json.Unmarshal(line, &r) != nil || r.Time.IsZero() {
			continue
		}
		if !slices.Contains(outcomes, r.Outcome) {
			if unknown == nil {
				unknown = &RunLogError{File: p, Line: i + 1, Field: "outcome", Value: r.Outcome}
			}
			continue
		}
		out = append(out, r)
	}
	return out, unknown
}

// LastRun returns the newest record of the log in dir, or nil when there is
// none; a *RunLogError from Runs comes with it.
func LastRun(dir string) (*RunRecord, error) {
	runs, err := Runs(dir)
	if len(runs) == 0 {
		return nil, err
	}
	return &runs[len(runs)-1], err
}

// LastRunOf is LastRun for one label (a folder may hold several installs'
// snapshots); with success set, it returns the last successful run.
func LastRunOf(dir, label string, success bool) (*RunRecord, error) {
	runs, err := Runs(dir)
	for i := len(runs) - 1; i >= 0; i-- {
		if runs[i].Label == label && (!success || runs[i].Success()) {
			return &runs[i], err
		}
	}
	return nil, err
}
