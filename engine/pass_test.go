package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// toyEngine claims a folder holding a file named "toy.db"; a file whose
// bytes contain "BAD" is damaged, and "lock" is left out of backups.
type toyEngine struct{}

func (toyEngine) Name() string { return "toy" }
func (toyEngine) Recognise(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "toy.db"))
	return err == nil
}
func (toyEngine) Excluded(rel string, isDir bool) bool { return rel == "lock" }
func (toyEngine) Inspect(dir string) (*Database, error) {
	return &Database{Name: filepath.Base(dir), Engine: "toy", State: Clean, Verdict: OK}, nil
}
func (toyEngine) NewCheck(name string) Check { return &toyCheck{name: name} }

type toyCheck struct {
	name     string
	claimed  bool
	damaged  []string
	skipped  []string
	feedings int
}

type toyFile struct {
	c   *toyCheck
	rel string
	buf strings.Builder
}

func (f *toyFile) Write(b []byte) (int, error) { f.buf.Write(b); return len(b), nil }
func (f *toyFile) Result() FileResult {
	if strings.Contains(f.buf.String(), "BAD") {
		f.c.damaged = append(f.c.damaged, f.rel)
		return FileResult{Kind: "toy", Verdict: Damaged, Findings: []Finding{{Verdict: Damaged, Code: "bad", File: f.rel, Page: -1, Offset: -1, Detail: "bad bytes"}}}
	}
	return FileResult{Kind: "toy", Verdict: OK}
}

func (c *toyCheck) File(rel string, size int64) FileCheck {
	if rel == "toy.db" {
		c.claimed = true
	}
	c.feedings++
	return &toyFile{c: c, rel: rel}
}
func (c *toyCheck) Skipped(rel string, isDir bool) { c.skipped = append(c.skipped, rel) }
func (c *toyCheck) Finish() *Database {
	if !c.claimed {
		return nil
	}
	d := &Database{Name: c.name, Engine: "toy", State: Clean, Verdict: OK, Checked: []string{CheckedStructure}, Excluded: c.skipped}
	if c.skipped != nil {
		d.State = NeedsRecovery
	}
	if len(c.damaged) > 0 {
		d.Verdict = Damaged
	}
	return d
}

func feed(p *Pass, rel, content string) FileResult {
	fc := p.File(rel, int64(len(content)))
	if fc == nil {
		return FileResult{}
	}
	fc.Write([]byte(content))
	return fc.Result()
}

func TestPassDecidesByTheBytes(t *testing.T) {
	p := Set{toyEngine{}}.NewPass()
	feed(p, "Main/data1", "fine")
	feed(p, "Main/data2", "BAD page")
	p.Skipped("Main/lock", false)
	feed(p, "Main/toy.db", "x")
	feed(p, "Stray/notes.txt", "BAD but not a database")
	feed(p, "loose.txt", "hello")
	dbs, files := p.Finish()
	got := map[string]string{}
	for _, d := range dbs {
		got[d.Name] = d.Engine + "/" + string(d.Verdict) + "/" + string(d.State)
	}
	want := map[string]string{
		"Main":      "toy/damaged/needs-recovery",
		"Stray":     "unknown/not-checked/unknown",
		"loose.txt": "unknown/not-checked/unknown",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("databases (-want +got):\n%s", diff)
	}
	if files["Main/data2"].Verdict != Damaged || files["Main/data1"].Verdict != OK {
		t.Fatalf("file verdicts: %+v", files)
	}
	if _, ok := files["Stray/notes.txt"]; ok {
		t.Fatalf("a file of an unrecognised folder got a verdict: %+v", files["Stray/notes.txt"])
	}
	if dbs[0].Files != 3 || dbs[0].Bytes != int64(len("fine")+len("BAD page")+1) {
		t.Fatalf("counts: %d files, %d bytes", dbs[0].Files, dbs[0].Bytes)
	}
	s := Summarise(dbs)
	if s.Verdict != Damaged || s.Damaged != 1 || s.NotChecked != 2 {
		t.Fatalf("summary: %+v", s)
	}
}

func TestSummaryNeverOKWithoutADatabase(t *testing.T) {
	s := Summarise([]Database{{Name: "x", Engine: UnknownEngine, Verdict: NotChecked}})
	if s.Verdict != NotChecked {
		t.Fatalf("summary of an unknown folder: %+v", s)
	}
	s = Summarise([]Database{{Name: "a", Engine: "toy", Verdict: OK}, {Name: "x", Engine: UnknownEngine, Verdict: NotChecked}})
	if s.Verdict != OK || s.NotChecked != 1 {
		t.Fatalf("summary: %+v", s)
	}
}

func TestExcluder(t *testing.T) {
	db := t.TempDir()
	for _, f := range []string{"Main/toy.db", "Main/lock", "Other/lock"} {
		p := filepath.Join(db, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ex, err := Set{toyEngine{}}.Excluder(db)
	if err != nil {
		t.Fatal(err)
	}
	for rel, want := range map[string]bool{"Main/lock": true, "Main/toy.db": false, "Other/lock": false, "lock": false} {
		if got := ex(rel, false); got != want {
			t.Errorf("excluded(%q) = %v, want %v", rel, got, want)
		}
	}
}

func TestLooksLikeDatabaseFolder(t *testing.T) {
	if !LooksLikeDatabaseFolder([]string{"log/log.ctrl", "seg0/c10.dat", "service.properties"}) {
		t.Error("a database folder was not recognised as one")
	}
	if LooksLikeDatabaseFolder([]string{"ETaxInvoice/seg0/c10.dat", "ETaxInvoice/service.properties"}) {
		t.Error("db/ was taken for a database folder")
	}
}
