package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var verbRe = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// Every message exists in both languages, with the same format verbs in the
// same order, so that a translation can never print %!d(MISSING).
func TestCatalogComplete(t *testing.T) {
	for _, k := range Keys() {
		en, id := Pair(k)
		if en == "" || id == "" {
			t.Errorf("%s: missing a language (en=%q id=%q)", k, en, id)
		}
		if !slices.Equal(verbRe.FindAllString(en, -1), verbRe.FindAllString(id, -1)) {
			t.Errorf("%s: format verbs differ: %q vs %q", k, en, id)
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Lang{"id": ID, "id_ID.UTF-8": ID, "in-ID": ID, "en_US.UTF-8": EN, "C.UTF-8": EN, "fr_FR": EN, "": EN} {
		if got, _ := Parse(in); got != want {
			t.Errorf("Parse(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestDetectEnv(t *testing.T) {
	t.Setenv("EFBACKUP_LANG", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "id_ID.UTF-8")
	if got := Detect(""); got != ID {
		t.Errorf("LANG=id_ID: got %s", got)
	}
	if got := Detect("en"); got != EN {
		t.Errorf("--lang en must win over LANG: got %s", got)
	}
	t.Setenv("LANG", "de_DE.UTF-8")
	if got := Detect(""); got != EN {
		t.Errorf("unknown language must be English: got %s", got)
	}
}

// A value read from a file never makes a lookup panic: a known value gets
// its message, an unknown one a neutral message that quotes it, bounded.
func TestTDataNeverPanics(t *testing.T) {
	if got := EN.TData("verdict.", "damaged"); got != "DAMAGED" {
		t.Errorf("known value: %q", got)
	}
	if got := ID.TData("verdict.", "warning"); got != "peringatan" {
		t.Errorf("known value in Indonesian: %q", got)
	}
	for _, v := range []string{"mixed", "", "a\x00b\nc", strings.Repeat("x", 500), "\xff\xfe"} {
		for _, l := range []Lang{EN, ID} {
			got := l.TData("verdict.", v)
			if !strings.Contains(got, "unknown") && !strings.Contains(got, "tidak dikenal") {
				t.Errorf("%s %q: %q is not the neutral fallback", l, v, got)
			}
			if strings.ContainsAny(got, "\x00\n") || len(got) > 200 {
				t.Errorf("%s %q: fallback %q is not bounded and printable", l, v, got)
			}
		}
	}
	if got := EN.TData("verdict.", "mixed"); got != `unknown ("mixed")` {
		t.Errorf("fallback %q", got)
	}
}

// T still panics on a key that is not in the catalogue: keys written in
// code must be caught by the tests.
func TestTPanicsOnMissingKey(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("T did not panic on a missing key")
		}
	}()
	EN.T("verdict.no-such-verdict")
}

// keyRe finds the message keys that code keeps as a Text (i18n.Say and
// i18n.NewError, and the detail families the readers and checks build
// their findings from):
// such a key is looked up only when the message is shown, perhaps on a path
// no other test takes, so every one must be in the catalogue.
var keyRe = regexp.MustCompile(`(?:Say|NewError)\("([a-z0-9.-]+)"|"((?:[a-z]+\.)?detail\.[a-z0-9.-]+)"`)

func TestKeptKeysExist(t *testing.T) {
	root := filepath.Join("..", "..")
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "fixtures" || strings.HasPrefix(d.Name(), ".")) && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range keyRe.FindAllStringSubmatch(string(b), -1) {
			k := m[1] + m[2]
			n++
			if !Has(k) {
				t.Errorf("%s: message %q is not in the catalogue", p, k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("found no kept message keys: the pattern no longer matches the code")
	}
}

// englishWords are words that only an English sentence holds; Indonesian
// wording of a detail must hold none of them.
var englishWords = regexp.MustCompile(`\b(the|is|are|not|but|of|and|says|holds|from|which|than|while|page|bytes)\b`)

// Every detail message reads as Indonesian in Indonesian: none of the
// English words above, once file names and values are left out.
func TestDetailsTranslated(t *testing.T) {
	for _, k := range Keys() {
		if !strings.Contains(k, "detail.") {
			continue
		}
		_, id := Pair(k)
		if w := englishWords.FindString(verbRe.ReplaceAllString(id, "")); w != "" {
			t.Errorf("%s: Indonesian text %q holds the English word %q", k, id, w)
		}
	}
}

// A Text words its Text arguments in the same language.
func TestTextNested(t *testing.T) {
	inner := Say("verdict.damaged")
	outer := Text{Key: "checked.by", Args: []any{inner, "x"}}
	if got := outer.In(ID); got != ID.T("checked.by", ID.T("verdict.damaged"), "x") {
		t.Errorf("nested Text in Indonesian: %q", got)
	}
	if got := outer.String(); got != EN.T("checked.by", "DAMAGED", "x") {
		t.Errorf("nested Text in English: %q", got)
	}
	if (Text{}).In(ID) != "" {
		t.Error("the empty Text must word as empty")
	}
}
