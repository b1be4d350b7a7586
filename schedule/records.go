package schedule

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Record is the schedule efbackup recorded for label when it installed it,
// or nil when there is none. A record that cannot be read is an error
// (RecordError).
func (e Env) Record(label string) (*Spec, error) {
	s, err := e.readRecord(label)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return s, err
}

// Records lists every schedule efbackup recorded on this computer, sorted
// by label; records that cannot be read are left out.
func (e Env) Records() ([]Spec, error) {
	entries, err := os.ReadDir(filepath.Dir(e.recordPath("x")))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Spec
	for _, d := range entries {
		label, ok := strings.CutSuffix(d.Name(), ".json")
		if !ok || !d.Type().IsRegular() {
			continue
		}
		if s, err := e.readRecord(label); err == nil {
			out = append(out, *s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out, nil
}

// UniqueLabel is the label of an install whose plain label (its folder's
// name) another install already uses: plain, "-", and 8 hexadecimal
// digits of a hash of the install's path (separators and letter case
// folded, so that one folder always gives one label). It stays within the
// 64 characters a label may have.
func UniqueLabel(plain, install string) string {
	p := strings.ToLower(strings.TrimRight(strings.ReplaceAll(install, `\`, "/"), "/"))
	sum := sha256.Sum256([]byte(p))
	if len(plain) > 55 {
		plain = strings.TrimRight(plain[:55], "-.")
	}
	return plain + "-" + hex.EncodeToString(sum[:4])
}

// CommandLine is args as one line a person can copy into the shell the
// backend runs it with: quoted for Windows (CommandLineToArgvW) for
// schtasks, for a POSIX shell otherwise. A path with spaces stays one
// argument.
func CommandLine(backend string, args []string) string {
	q := quoteSh
	if backend == "schtasks" {
		q = quoteWindows
	}
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = q(a)
	}
	return strings.Join(out, " ")
}
