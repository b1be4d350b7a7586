// Package enginetest holds a toy database engine for the tests of packages
// that drive engines (the snapshot writer and reader, the commands), so that
// they can feed damage and assert the verdict without a real database.
//
// A folder is a toy database when it holds a file named "toy.db". Any file
// whose bytes contain "BAD" is damaged. "lock" and "tmp/" are left out of
// backups, and their presence means the database needs recovery.
package enginetest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"

	"github.com/efbackup/efbackup/engine"
)

// Toy is the toy engine. With Damage set, it calls every file of every
// toy database damaged, whatever its bytes.
type Toy struct{ Damage bool }

// Marker is the file that makes a folder a toy database.
const Marker = "toy.db"

func (Toy) Name() string { return "toy" }

func (Toy) Recognise(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, Marker))
	return err == nil
}

func (Toy) Excluded(rel string, isDir bool) bool {
	return rel == "lock" || rel == "tmp" || strings.HasPrefix(rel, "tmp/")
}

func (t Toy) Inspect(dir string) (*engine.Database, error) {
	d := &engine.Database{Name: filepath.Base(dir), Engine: "toy", State: engine.Clean, Verdict: engine.OK, Checked: []string{}}
	if _, err := os.Stat(filepath.Join(dir, "lock")); err == nil {
		d.State = engine.NeedsRecovery
	}
	return d, nil
}

func (t Toy) NewCheck(name string) engine.Check { return &check{name: name, damage: t.Damage} }

type check struct {
	name     string
	damage   bool
	claimed  bool
	findings []engine.Finding
	skipped  []string
}

type file struct {
	c    *check
	rel  string
	tail []byte // the last bytes seen, to find "BAD" across writes
	bad  bool
	at   int64
	n    int64
}

func (f *file) Write(b []byte) (int, error) {
	if !f.bad {
		joined := append(append([]byte{}, f.tail...), b...)
		if i := bytes.Index(joined, []byte("BAD")); i >= 0 {
			f.bad, f.at = true, f.n-int64(len(f.tail))+int64(i)
		}
		if len(joined) > 2 {
			joined = joined[len(joined)-2:]
		}
		f.tail = joined
	}
	f.n += int64(len(b))
	return len(b), nil
}

func (f *file) Result() engine.FileResult {
	if f.bad {
		fd := engine.NewFinding(engine.Damaged, "toy-bad", f.rel, f.at/4096, f.at, "enginetest.detail.bad")
		f.c.findings = append(f.c.findings, fd)
		return engine.FileResult{Kind: "toy", Verdict: engine.Damaged, Findings: []engine.Finding{fd}}
	}
	return engine.FileResult{Kind: "toy", Verdict: engine.OK}
}

func (c *check) File(rel string, size int64) engine.FileCheck {
	if rel == Marker {
		c.claimed = true
	}
	return &file{c: c, rel: rel, bad: c.damage}
}

func (c *check) Skipped(rel string, isDir bool) { c.skipped = append(c.skipped, rel) }

func (c *check) Finish() *engine.Database {
	if !c.claimed {
		return nil
	}
	d := &engine.Database{Name: c.name, Engine: "toy", State: engine.Clean, Verdict: engine.OK,
		Checked: []string{engine.CheckedStructure}, Findings: c.findings, Excluded: c.skipped}
	if len(c.skipped) > 0 {
		d.State = engine.NeedsRecovery
	}
	if len(c.findings) > 0 {
		d.Verdict = engine.Damaged
	}
	return d
}
