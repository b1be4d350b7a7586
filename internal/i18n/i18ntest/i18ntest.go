// Package i18ntest checks, in tests, that a message kept as a Text reads
// as Indonesian in Indonesian: every word efbackup itself chose is
// translated. Values (file names, numbers, an operating system's or a
// library's own error text) are left out of the check, since they are
// shown as they are in both languages.
package i18ntest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/internal/i18n"
)

// englishWords are words only an English sentence holds.
var englishWords = regexp.MustCompile(`\b(the|is|are|not|but|of|and|says|holds|from|which|than|while|page|bytes|was|were|has|have|its|it|this|that|with|into|after|before|cannot|could|does|no|or|at|in)\b`)

// Skeleton is t with every value replaced by "X": what remains is only
// the wording of the catalogue.
func Skeleton(t i18n.Text) i18n.Text {
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		switch v := a.(type) {
		case i18n.Text:
			args[i] = Skeleton(v)
		case i18n.Worder:
			if w := v.Words(); w.Key != "" {
				args[i] = Skeleton(w)
			} else {
				args[i] = "X"
			}
		case string, error, []byte:
			args[i] = "X"
		default:
			args[i] = a
		}
	}
	return i18n.Text{Key: t.Key, Args: args}
}

// EnglishWord returns the first English word in t's Indonesian wording,
// values left out, or "".
func EnglishWord(t i18n.Text) string {
	return englishWords.FindString(Skeleton(t).In(i18n.ID))
}

// Check fails the test when detail (the English text kept for JSON) has no
// Text, when the Text's English is not detail, or when its Indonesian holds
// an English word.
func Check(tb testing.TB, what, detail string, t i18n.Text) {
	tb.Helper()
	switch {
	case t.Key == "":
		tb.Errorf("%s: detail %q has no message key: it would show in English under --lang id", what, detail)
	case t.String() != detail:
		tb.Errorf("%s: the Text words as %q in English, but the detail is %q", what, t.String(), detail)
	default:
		if w := EnglishWord(t); w != "" {
			tb.Errorf("%s: %q in Indonesian is %q, which holds the English word %q", what, t.Key, t.In(i18n.ID), w)
		}
	}
}

// DetailSetters lists, in the Go files (tests left out) of dirs, every
// place that sets a field named Detail, in a composite literal or by
// assignment, outside the functions and methods named in allowed: the
// places where an English detail could be made without a message key.
func DetailSetters(tb testing.TB, dirs []string, allowed ...string) []string {
	tb.Helper()
	fset := token.NewFileSet()
	var out []string
	n := 0
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			tb.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				tb.Fatal(err)
			}
			n++
			for _, p := range detailSetters(file, allowed) {
				out = append(out, fset.Position(p).String())
			}
		}
	}
	if n == 0 {
		tb.Fatalf("no source files in %v", dirs)
	}
	return out
}

// DetailSettersIn is DetailSetters over one file's source, for the tests
// of a scan.
func DetailSettersIn(tb testing.TB, src string, allowed ...string) int {
	tb.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), "p.go", src, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return len(detailSetters(file, allowed))
}

func detailSetters(file *ast.File, allowed []string) []token.Pos {
	var out []token.Pos
	for _, d := range file.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && slices.Contains(allowed, fn.Name.Name) {
			continue
		}
		ast.Inspect(d, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && id.Name == "Detail" {
					out = append(out, n.Pos())
				}
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "Detail" {
						out = append(out, l.Pos())
					}
				}
			}
			return true
		})
	}
	return out
}
