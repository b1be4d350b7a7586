package engine

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Set is the engines efbackup knows, asked in order.
type Set []Engine

// UnknownEngine is the engine name of a folder of db/ that no engine
// recognises, and of a file directly in db/.
const UnknownEngine = "unknown"

// Recognise returns the engine that recognises dir, or nil.
func (s Set) Recognise(dir string) Engine {
	for _, e := range s {
		if e.Recognise(dir) {
			return e
		}
	}
	return nil
}

// Excluder reads the folders of db/ and returns what a backup of it leaves
// out: rel is relative to db/, with "/". A folder no engine recognises
// keeps every file.
func (s Set) Excluder(db string) (func(rel string, isDir bool) bool, error) {
	entries, err := os.ReadDir(db)
	if err != nil {
		return nil, err
	}
	owner := map[string]Engine{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if en := s.Recognise(filepath.Join(db, e.Name())); en != nil {
			owner[e.Name()] = en
		}
	}
	return func(rel string, isDir bool) bool {
		top, inner, ok := strings.Cut(rel, "/")
		if !ok {
			return false
		}
		en := owner[top]
		return en != nil && en.Excluded(inner, isDir)
	}, nil
}

// DatabaseFolderMarkers are names that sit at the top of a database
// folder. A db/ that holds one of them directly was given as the database
// folder itself, not as e-Faktur's db/ folder.
var DatabaseFolderMarkers = []string{"service.properties", "seg0", "log/log.ctrl"}

// LooksLikeDatabaseFolder reports whether the paths (relative to what was
// taken as db/, with "/") are those of one database folder rather than of
// db/: a restore of them into db/ would leave e-Faktur without its data.
func LooksLikeDatabaseFolder(paths []string) bool {
	for _, p := range paths {
		if p == "service.properties" || strings.HasPrefix(p, "seg0/") || p == "log/log.ctrl" {
			return true
		}
	}
	return false
}

// Pass follows every folder of db/ through one stream of its files: a
// snapshot, the verification of a snapshot, or a check of a live folder.
// Every engine's check hears every file of every folder: which folder is a
// database is decided at the end by what the files were, so that a
// snapshot (whose manifest comes last) is judged by its bytes alone.
type Pass struct {
	engines Set
	folders map[string]*folderPass
	order   []string
	// results holds, per file (rel to db/), each engine's verdict, taken
	// when the caller asked for the file's result: the checks themselves
	// are dropped then, so a pass over thousands of files keeps only their
	// small verdicts.
	results map[string][]FileResult
}

type folderPass struct {
	name   string
	isFile bool
	checks []Check
	files  int
	bytes  int64
}

// NewPass starts a pass.
func (s Set) NewPass() *Pass {
	return &Pass{engines: s, folders: map[string]*folderPass{}, results: map[string][]FileResult{}}
}

func (p *Pass) folder(rel string) (*folderPass, string) {
	top, inner, ok := strings.Cut(rel, "/")
	f := p.folders[top]
	if f == nil {
		f = &folderPass{name: top, isFile: !ok}
		if ok {
			for _, e := range p.engines {
				f.checks = append(f.checks, e.NewCheck(top))
			}
		}
		p.folders[top] = f
		p.order = append(p.order, top)
	}
	if ok {
		f.isFile = false
	}
	return f, inner
}

// File starts the check of one file (rel relative to db/, "/"). Its
// writes reach every engine's check; it is nil for a file directly in db/.
// The caller calls Result once, after the file's last byte.
func (p *Pass) File(rel string, size int64) FileCheck {
	f, inner := p.folder(rel)
	f.files++
	f.bytes += size
	if inner == "" {
		return nil
	}
	m := &multiCheck{p: p, rel: rel}
	for _, c := range f.checks {
		m.cs = append(m.cs, c.File(inner, size))
	}
	return m
}

// Dir tells the pass of a folder (rel relative to db/, "/"), so that an
// empty folder of db/ is reported too: e-Faktur counts a folder in db/ that
// is no database as a fault.
func (p *Pass) Dir(rel string) {
	if !strings.Contains(rel, "/") {
		p.folder(rel + "/")
	}
}

// Skipped tells the pass that rel was present and left out of the stream.
func (p *Pass) Skipped(rel string, isDir bool) {
	f, inner := p.folder(rel)
	if inner == "" {
		return
	}
	for _, c := range f.checks {
		c.Skipped(inner, isDir)
	}
}

// Finish returns one entry per folder (and per file directly in db/), in
// name order, and the verdict on each file the chosen engine checked (rel
// to db/). A folder that no engine's check claims is "unknown" and "not
// checked".
func (p *Pass) Finish() ([]Database, map[string]FileResult) {
	sort.Strings(p.order)
	var out []Database
	results := map[string]FileResult{}
	for _, name := range p.order {
		f := p.folders[name]
		var db *Database
		chosen := -1
		for i, c := range f.checks {
			if d := c.Finish(); d != nil && db == nil && d.Engine != UnknownEngine && d.Engine != "" {
				db, chosen = d, i
			}
		}
		if db == nil {
			db = &Database{Name: name, Engine: UnknownEngine, State: Unknown, Verdict: NotChecked, Checked: []string{}}
		}
		db.Files, db.Bytes = f.files, f.bytes
		if chosen >= 0 {
			prefix := name + "/"
			for rel, rs := range p.results {
				if strings.HasPrefix(rel, prefix) && chosen < len(rs) {
					results[rel] = rs[chosen]
				}
			}
		}
		out = append(out, *db)
	}
	return out, results
}

// multiCheck feeds one file to every engine's check.
type multiCheck struct {
	p   *Pass
	rel string
	cs  []FileCheck
	res []FileResult
}

func (m *multiCheck) Write(b []byte) (int, error) {
	for _, c := range m.cs {
		c.Write(b)
	}
	return len(b), nil
}

// Result records every engine's verdict and returns the first engine's;
// the pass's Finish says which one counts.
func (m *multiCheck) Result() FileResult {
	if m.res == nil {
		for _, c := range m.cs {
			m.res = append(m.res, c.Result())
		}
		m.cs = nil
		m.p.results[m.rel] = m.res
	}
	if len(m.res) == 0 {
		return FileResult{Kind: "other", Verdict: NotChecked}
	}
	return m.res[0]
}

// Summary is the verdict over the databases of one db/ folder.
type Summary struct {
	// Verdict is the worst verdict over the recognised databases, or
	// NotChecked when none was recognised.
	Verdict    Verdict `json:"verdict"`
	OK         int     `json:"ok"`
	Warning    int     `json:"warning"`
	Damaged    int     `json:"damaged"`
	NotChecked int     `json:"not_checked"`
}

// Summarise counts the databases by verdict.
func Summarise(dbs []Database) Summary {
	s := Summary{Verdict: NotChecked}
	recognised := false
	for _, d := range dbs {
		switch d.Verdict {
		case OK:
			s.OK++
		case Warning:
			s.Warning++
		case Damaged:
			s.Damaged++
		default:
			s.NotChecked++
		}
		if d.Engine == UnknownEngine {
			continue
		}
		if !recognised || Worse(d.Verdict, s.Verdict) {
			s.Verdict = d.Verdict
		}
		recognised = true
	}
	return s
}

// Inspect reports each folder of db/ (and each file directly in it) from
// the engines' Inspect: state and versions from the small files only, no
// structure check. Folders no engine recognises are "unknown".
func (s Set) Inspect(db string) ([]Database, error) {
	entries, err := os.ReadDir(db)
	if err != nil {
		return nil, err
	}
	var out []Database
	for _, e := range entries {
		dir := filepath.Join(db, e.Name())
		unknown := Database{Name: e.Name(), Engine: UnknownEngine, State: Unknown, Verdict: NotChecked, Checked: []string{}}
		if !e.IsDir() {
			out = append(out, unknown)
			continue
		}
		en := s.Recognise(dir)
		if en == nil {
			out = append(out, unknown)
			continue
		}
		d, err := en.Inspect(dir)
		if err != nil {
			return nil, err
		}
		d.Name = e.Name()
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
