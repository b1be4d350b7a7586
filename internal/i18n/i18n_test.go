package i18n

import (
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
