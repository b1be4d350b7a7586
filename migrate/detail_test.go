package migrate

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/swap"
)

// englishWords are words only an English sentence holds (as in package
// i18n's test of the catalogue): a detail worded in Indonesian holds none,
// in its own text or in any argument chosen from a list of words.
var englishWords = regexp.MustCompile(`\b(the|is|are|not|but|of|and|says|holds|from|which|than|while|page|bytes|files|read|back|copy|original|finished|appeared|disappeared|modified|was|found|absent|reusing|now|action)\b`)

// wantText checks a detail kept as a catalogue message: its English
// wording is the Detail, and its Indonesian wording holds no English word
// once the folder names (which hold none of them, but are the user's) are
// left out.
func wantText(t *testing.T, what, detail string, text i18n.Text, folders ...string) {
	t.Helper()
	if text.Key == "" {
		t.Errorf("%s: detail %q has no catalogue message", what, detail)
		return
	}
	if text.String() != detail {
		t.Errorf("%s: Detail %q is not the English wording %q", what, detail, text.String())
	}
	id := text.In(i18n.ID)
	for _, f := range folders {
		id = strings.ReplaceAll(id, f, "F")
	}
	if w := englishWords.FindString(id); w != "" {
		t.Errorf("%s: Indonesian %q holds the English word %q", what, id, w)
	}
}

// Every step a migration and its undo record says what it did as a
// catalogue message, in the journal and in the step log alike.
func TestStepTexts(t *testing.T) {
	for _, targetDB := range []bool{false, true} {
		e := newEnv(t, targetDB)
		var events []Event
		opt := e.opts()
		opt.Log = func(ev Event) { events = append(events, ev) }
		res, err := Run(context.Background(), opt)
		if err != nil {
			t.Fatal(err)
		}
		undo, err := Undo(context.Background(), UndoOptions{Target: e.tgt, Log: opt.Log})
		if err != nil {
			t.Fatal(err)
		}
		steps := append([]StepRecord(nil), res.Journal.Steps...)
		if len(steps) < 6 {
			t.Fatalf("only %d steps: %+v", len(steps), steps)
		}
		for _, s := range steps {
			t.Logf("%s: %s\n    %s", s.Name, s.Detail, s.In(i18n.ID))
			wantText(t, s.Name, s.Detail, s.Text, e.root)
			if s.In(i18n.EN) != s.Detail {
				t.Errorf("%s: In(EN) = %q", s.Name, s.In(i18n.EN))
			}
		}
		ends := 0
		for _, ev := range events {
			if ev.Phase == "end" && ev.Step != StepPreflight { // the preflight's end event comes before its record
				ends++
				wantText(t, "event "+ev.Step, ev.Detail, ev.Text, e.root)
				if ev.In(i18n.EN) != ev.Detail {
					t.Errorf("event %s: In(EN) = %q", ev.Step, ev.In(i18n.EN))
				}
			}
		}
		if ends < len(steps) || events[len(events)-1].Step != StepUndo {
			t.Errorf("%d end events for %d steps and the undo (%d actions)", ends, len(steps), len(undo.Actions))
		}
	}
	// A step read back from a journal has only its English detail.
	if (StepRecord{Detail: "x"}).In(i18n.ID) != "x" {
		t.Error("a step without Text words as its Detail")
	}
}

// The journal errors that say what was found carry it as a catalogue
// message; the English is what it was.
func TestJournalErrorTexts(t *testing.T) {
	e := newEnv(t, false)
	if _, err := Run(context.Background(), e.opts()); err != nil {
		t.Fatal(err)
	}
	var errs []*JournalError
	// Another migration's journal, then the same one done while the
	// source changed since.
	other := filepath.Join(e.root, "other-3.2")
	mkInstall(t, other, "3.2", true, 9)
	opt := e.opts()
	opt.Source = other
	var je *JournalError
	if _, err := Run(context.Background(), opt); !errors.As(err, &je) || je.Kind != JournalOther {
		t.Fatalf("got %v", err)
	}
	errs = append(errs, je)
	if err := os.WriteFile(filepath.Join(e.src, "db", "ETaxInvoice", "trace.log"), []byte("more work in 3.2"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), e.opts()); !errors.As(err, &je) || je.Kind != JournalDone || !strings.HasPrefix(je.Detail, "finished ") {
		t.Fatalf("got %v", err)
	}
	errs = append(errs, je)

	// A journal too large to be one (a sparse file: nothing is written).
	big := filepath.Join(e.root, "big")
	if err := os.MkdirAll(big, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(createFile(t, filepath.Join(big, JournalName)), 65<<20); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadJournal(big); !errors.As(err, &je) || je.Kind != JournalUnreadable || je.Detail != "the file is too large" {
		t.Fatalf("got %v", err)
	}
	errs = append(errs, je)

	// Folders that do not match the journal: a name that is not a folder,
	// and a layout no step leads to.
	j := &Journal{Target: e.root, TargetDB: "db", Staging: "stray"}
	if err := os.WriteFile(filepath.Join(e.root, "stray"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := inspect(j); !errors.As(err, &je) || je.Kind != JournalInconsistent || je.Detail != filepath.Join(e.root, "stray")+" is not a folder" {
		t.Fatalf("got %v", err)
	}
	errs = append(errs, je)
	lay := &swap.Layout{DB: swap.Copy, Staging: swap.Original, Aside: swap.Foreign, AsideTaken: true}
	if err := inconsistent(j, lay); !errors.As(err, &je) || je.Detail != "found "+lay.String() {
		t.Fatalf("got %v", err)
	}
	errs = append(errs, je)

	for _, je := range errs {
		t.Logf("%s: %s\n    %s", je.Kind, je.Detail, je.DetailIn(i18n.ID))
		wantText(t, je.Kind, je.Detail, je.Text, e.root, other)
		if !strings.Contains(je.Error(), je.Detail) {
			t.Errorf("%s: Error() %q does not hold the detail", je.Kind, je.Error())
		}
	}
	if (&JournalError{Detail: "invalid character"}).DetailIn(i18n.ID) != "invalid character" {
		t.Error("a journal error without Text words as its Detail")
	}
}

func createFile(t *testing.T, p string) string {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

// Every layout words as swap.Layout.String does in English: the journal
// errors that show a layout keep their English.
func TestLayoutText(t *testing.T) {
	holds := []swap.Holds{swap.Nothing, swap.Original, swap.Copy, swap.Foreign}
	n := 0
	for _, db := range holds {
		for _, st := range holds {
			for _, as := range holds {
				for _, un := range holds {
					for _, taken := range []bool{false, true} {
						l := &swap.Layout{DB: db, Staging: st, Aside: as, Undone: un, AsideTaken: taken}
						if got := layoutText(l); got.String() != l.String() {
							t.Fatalf("%+v: %q, want %q", l, got.String(), l.String())
						}
						wantText(t, "layout", l.String(), layoutText(l))
						n++
					}
				}
			}
		}
	}
	t.Logf("%d layouts", n)
}

// How a source differs from what was recorded: each kind of difference,
// joined as before.
func TestCompareStatesTexts(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"same.dat", "grown.dat", "touched.dat", "new.dat"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	scan, err := backup.ScanDB(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var states []FileState
	for _, f := range scan.Files {
		s := FileState{Path: f.Rel, Size: f.Size(), MTime: f.Info.ModTime().UTC()}
		switch f.Rel {
		case "new.dat":
			continue
		case "grown.dat":
			s.Size++
		case "touched.dat":
			s.MTime = s.MTime.Add(-time.Hour)
		}
		states = append(states, s)
	}
	states = append(states, FileState{Path: "gone.dat", Size: 1, MTime: time.Unix(0, 0).UTC()})
	diffs := compareStates(scan.Files, states)
	if len(diffs) != 4 {
		t.Fatalf("%d differences: %v", len(diffs), diffs)
	}
	var en []string
	for _, d := range diffs {
		en = append(en, d.String())
	}
	joined := joinTexts(diffs)
	if joined.String() != strings.Join(en, "; ") {
		t.Errorf("joined %q, want %q", joined.String(), strings.Join(en, "; "))
	}
	for _, want := range []string{"grown.dat: 9 bytes, was 10", "new.dat appeared", "gone.dat disappeared", "touched.dat: modified "} {
		if !strings.Contains(joined.String(), want) {
			t.Errorf("%q does not say %q", joined.String(), want)
		}
	}
	wantText(t, "differences", joined.String(), joined)
	if joinTexts(nil).Key != "" {
		t.Error("no difference joins as the empty Text")
	}
}

// No detail of this package is a fixed English phrase or an English
// format of its own but through a catalogue message: a Detail set to a
// string literal, a fmt.Sprintf or a concatenation with a literal fails
// here, whatever the type (package backup's problems and changes too).
func TestDetailsOnlyThroughCatalogue(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		n++
		for _, bad := range englishDetails(file) {
			t.Errorf("%s: an English Detail; make it a catalogue message (migrate.detail.*) and set it with withText", fset.Position(bad))
		}
	}
	if n == 0 {
		t.Fatal("no source files read")
	}
	src := `package p
func a() { _ = Warning{Detail: "x"}; _ = backup.ChangedError{Detail: "y"}; _ = []backup.Problem{{Detail: "z"}} }
func b() { s.Detail = fmt.Sprintf("%d files", 3); s.Detail = err.Error(); s.Detail = "was " + v }
`
	file, err := parser.ParseFile(token.NewFileSet(), "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := englishDetails(file); len(got) != 5 {
		t.Fatalf("the scan found %d English details in its own sample, want 5", len(got))
	}
}

// englishDetails finds Detail fields set to text written in the code.
func englishDetails(file *ast.File) []token.Pos {
	var out []token.Pos
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.KeyValueExpr:
			if id, ok := n.Key.(*ast.Ident); ok && id.Name == "Detail" && writtenText(n.Value) {
				out = append(out, n.Pos())
			}
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "Detail" && i < len(n.Rhs) && writtenText(n.Rhs[i]) {
					out = append(out, l.Pos())
				}
			}
		}
		return true
	})
	return out
}

// writtenText reports an expression that is a string literal, a
// fmt.Sprintf, or a concatenation holding one of them.
func writtenText(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.STRING
	case *ast.BinaryExpr:
		return writtenText(e.X) || writtenText(e.Y)
	case *ast.CallExpr:
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "fmt" && strings.HasPrefix(sel.Sel.Name, "Sprint") {
				return true
			}
		}
	case *ast.ParenExpr:
		return writtenText(e.X)
	}
	return false
}
