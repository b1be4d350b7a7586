package i18n

import (
	"regexp"
	"slices"
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
