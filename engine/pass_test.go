package engine_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/engine/enginetest"
)

func feed(p *engine.Pass, rel, content string) engine.FileResult {
	fc := p.File(rel, int64(len(content)))
	if fc == nil {
		return engine.FileResult{}
	}
	fc.Write([]byte(content))
	return fc.Result()
}

func TestPassDecidesByTheBytes(t *testing.T) {
	p := engine.Set{enginetest.Toy{}}.NewPass()
	feed(p, "Main/data1", "fine")
	feed(p, "Main/data2", "BAD page")
	p.Skipped("Main/lock", false)
	feed(p, "Main/toy.db", "x")
	feed(p, "Stray/notes.txt", "BAD but not a database")
	feed(p, "loose.txt", "hello")
	p.Dir("Empty")
	p.Dir("Main/seg")
	dbs, files := p.Finish()
	got := map[string]string{}
	for _, d := range dbs {
		got[d.Name] = d.Engine + "/" + string(d.Verdict) + "/" + string(d.State)
	}
	want := map[string]string{
		"Main":      "toy/damaged/needs-recovery",
		"Stray":     "unknown/not-checked/unknown",
		"loose.txt": "unknown/not-checked/unknown",
		"Empty":     "unknown/not-checked/unknown",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("databases (-want +got):\n%s", diff)
	}
	if files["Main/data2"].Verdict != engine.Damaged || files["Main/data1"].Verdict != engine.OK {
		t.Fatalf("file verdicts: %+v", files)
	}
	if _, ok := files["Stray/notes.txt"]; ok {
		t.Fatalf("a file of an unrecognised folder got a verdict: %+v", files["Stray/notes.txt"])
	}
	for _, d := range dbs {
		if d.Name == "Main" && (d.Files != 3 || d.Bytes != int64(len("fine")+len("BAD page")+1)) {
			t.Fatalf("counts: %d files, %d bytes", d.Files, d.Bytes)
		}
	}
	s := engine.Summarise(dbs)
	if s.Verdict != engine.Damaged || s.Damaged != 1 || s.NotChecked != 3 {
		t.Fatalf("summary: %+v", s)
	}
}

func TestSummaryNeverOKWithoutADatabase(t *testing.T) {
	s := engine.Summarise([]engine.Database{{Name: "x", Engine: engine.UnknownEngine, Verdict: engine.NotChecked}})
	if s.Verdict != engine.NotChecked {
		t.Fatalf("summary of an unknown folder: %+v", s)
	}
	s = engine.Summarise([]engine.Database{{Name: "a", Engine: "toy", Verdict: engine.OK}, {Name: "x", Engine: engine.UnknownEngine, Verdict: engine.NotChecked}})
	if s.Verdict != engine.OK || s.NotChecked != 1 {
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
	ex, err := engine.Set{enginetest.Toy{}}.Excluder(db)
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
	if !engine.LooksLikeDatabaseFolder([]string{"log/log.ctrl", "seg0/c10.dat", "service.properties"}) {
		t.Error("a database folder was not recognised as one")
	}
	if engine.LooksLikeDatabaseFolder([]string{"ETaxInvoice/seg0/c10.dat", "ETaxInvoice/service.properties"}) {
		t.Error("db/ was taken for a database folder")
	}
}
