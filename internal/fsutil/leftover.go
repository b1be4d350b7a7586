package fsutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Leftover is a file a killed efbackup process left behind (a ".partial",
// a temporary file of an atomic write, a torn line) that a later run found
// while holding the lock that keeps other writers out, and dealt with. A
// leftover never blocks the run that finds it; the run says what it did,
// so that the user is never surprised by a file that appeared or vanished.
type Leftover struct {
	Path   string `json:"path"`
	Action string `json:"action"` // LeftoverRemoved or LeftoverRecovered
}

// What a run did with a leftover.
const (
	// LeftoverRemoved: the file held nothing that was not also elsewhere
	// (a half-written copy, a temporary file), and was removed.
	LeftoverRemoved = "removed"
	// LeftoverRecovered: the file was put right and kept (a torn last
	// line was ended, an interrupted operation was finished from it).
	LeftoverRecovered = "recovered"
)

// SweepReplaceLeftovers removes the temporary files a killed
// ReplaceFileAtomic of path left (names NAME.<digits>.tmp beside it, plain
// files only) and returns them. A missing folder has none.
func SweepReplaceLeftovers(path string) ([]Leftover, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Leftover
	for _, e := range entries {
		n := e.Name()
		digits, ok := strings.CutSuffix(strings.TrimPrefix(n, base+"."), ".tmp")
		if !ok || !strings.HasPrefix(n, base+".") || digits == "" || strings.Trim(digits, "0123456789") != "" || !e.Type().IsRegular() {
			continue
		}
		p := filepath.Join(dir, n)
		if err := os.Remove(p); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return out, err
		}
		out = append(out, Leftover{Path: p, Action: LeftoverRemoved})
	}
	return out, nil
}

// SweepPartial removes path+".partial", the unfinished file a killed
// CreateAtomic of path left, when it is a plain file, and says so. The
// caller holds the lock that keeps other writers of path out: without it a
// ".partial" may be another process's write in progress.
func SweepPartial(path string) ([]Leftover, error) {
	p := path + PartialSuffix
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return []Leftover{{Path: p, Action: LeftoverRemoved}}, nil
}
