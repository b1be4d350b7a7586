package schedule

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// State is what the tries of one schedule remember between them, on the
// computer itself (the run log is on the backup drive, which may be
// missing): when the last good snapshot was made, so that later tries of
// the same day do nothing and a try can tell how many days have passed
// without one.
type State struct {
	Label   string `json:"label"`
	Install string `json:"install"`
	Out     string `json:"out"`
	// Since is when the first try was recorded: days without a good
	// snapshot count from here when there has never been one.
	Since time.Time `json:"since"`
	// LastGood is when the newest good snapshot was made (or found
	// unchanged), and LastSnapshot its file name.
	LastGood     *time.Time `json:"last_good,omitempty"`
	LastSnapshot string     `json:"last_snapshot,omitempty"`
	// LastTry and LastOutcome are the newest try's.
	LastTry     time.Time `json:"last_try"`
	LastOutcome string    `json:"last_outcome"`
}

// StatePath is where the state of the schedule of label for install and
// out lives: under the user's configuration folder, one file per install,
// folder and label (two installs may share a label).
func (e Env) StatePath(label, install, out string) string {
	h := sha256.Sum256([]byte(install + "\x00" + out))
	return filepath.Join(e.ConfigDir, "efbackup", "state", label+"-"+hex.EncodeToString(h[:4])+".json")
}

// LoadState reads the state; a missing file is a fresh state. A file that
// cannot be read as a state is also replaced by a fresh one, and the
// error says so.
func (e Env) LoadState(label, install, out string) (*State, error) {
	fresh := &State{Label: label, Install: install, Out: out}
	b, err := os.ReadFile(e.StatePath(label, install, out))
	if errors.Is(err, fs.ErrNotExist) {
		return fresh, nil
	}
	if err != nil {
		return fresh, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return fresh, &RecordError{File: e.StatePath(label, install, out), Detail: err.Error()}
	}
	s.Label, s.Install, s.Out = label, install, out
	return &s, nil
}

// SaveState replaces the state file in one rename, owner-only.
func (e Env) SaveState(s *State) error {
	p := e.StatePath(s.Label, s.Install, s.Out)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	_, err := e.replaceFile(p, append(b, '\n'))
	return err
}

// Record notes a try that ended with outcome at now; good says it left a
// good snapshot, named snapshot.
func (s *State) Record(now time.Time, outcome string, good bool, snapshot string) {
	if s.Since.IsZero() {
		s.Since = now
	}
	s.LastTry, s.LastOutcome = now, outcome
	if good {
		t := now
		s.LastGood, s.LastSnapshot = &t, snapshot
	}
}

// DoneSince reports whether a good snapshot was made at or after start.
func (s *State) DoneSince(start time.Time) bool {
	return s.LastGood != nil && !s.LastGood.Before(start)
}

// Without is how long the schedule has gone without a good snapshot at
// now: since the last good one, or since the first try when there has
// been none.
func (s *State) Without(now time.Time) time.Duration {
	from := s.Since
	if s.LastGood != nil {
		from = *s.LastGood
	}
	if from.IsZero() {
		return 0
	}
	return now.Sub(from)
}
