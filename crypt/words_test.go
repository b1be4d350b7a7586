package crypt

import (
	"bytes"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/internal/i18n"
)

// englishWords are words only an English sentence holds, as in package
// i18n's own test: a damage worded in Indonesian holds none of them.
var englishWords = regexp.MustCompile(`\b(the|is|are|not|but|of|and|says|holds|from|which|than|while|page|bytes)\b`)

var formatVerb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// detailKey finds the message keys the package's code names.
var detailKey = regexp.MustCompile(`"(crypt\.detail\.[a-z0-9.-]+)"`)

// unreachedKeys are messages of the package no input can bring about, each
// with the reason; a key of the code that no case below reaches must be
// here, and one that a case reaches must not.
var unreachedKeys = map[string]string{
	// The first line is read only once checkIntro has seen all of it.
	"crypt.detail.firstlinelong": "checkIntro reads the first line first",
	// parseStanza names a long body line itself (bodywide).
	"crypt.detail.bodylinelong": "parseStanza names a long body line itself",
}

// checkWords checks that the damage err names (if it is one) is kept as a
// message as well as in English, and that the message says exactly what
// Error says. It returns the damage, or nil.
func checkWords(t testing.TB, name string, err error) *DamageError {
	t.Helper()
	var d *DamageError
	if !errors.As(err, &d) {
		return nil
	}
	switch {
	case d.Text.Key == "":
		t.Errorf("%s: %q is kept without a message key", name, d.Detail)
	case d.Text.String() != d.Detail:
		t.Errorf("%s: the message says %q, Detail %q", name, d.Text.String(), d.Detail)
	case d.Words().String() != d.Error():
		t.Errorf("%s: Words says %q, Error %q", name, d.Words().String(), d.Error())
	}
	return d
}

// Every damage the tests of this package make is kept as a message that
// words it in Indonesian, with where it was found, and in English exactly
// as Error says it; every message the code names reads as Indonesian.
func TestDamageWorded(t *testing.T) {
	keys := sourceKeys(t)
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("%s is not in the catalogue", k)
			continue
		}
		_, id := i18n.Pair(k)
		if w := englishWords.FindString(formatVerb.ReplaceAllString(id, "")); w != "" {
			t.Errorf("%s: the Indonesian %q holds the English word %q", k, id, w)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	reached := map[string]int{}
	kinds := map[Kind]int{}
	n := 0
	check := func(name string, err error) {
		t.Helper()
		d := checkWords(t, name, err)
		if d == nil {
			return
		}
		n++
		kinds[d.Kind]++
		reached[d.Text.Key]++
		w := d.Words()
		reached[w.Key]++
		id := w.In(i18n.ID)
		if word := englishWords.FindString(id); word != "" {
			t.Errorf("%s: in Indonesian %q holds the English word %q", name, id, word)
		}
		if d.Offset >= 0 && !strings.Contains(id, "pada byte") {
			t.Errorf("%s: in Indonesian %q does not say where", name, id)
		}
		if id == d.Error() {
			t.Errorf("%s: %q is the same in Indonesian", name, id)
		}
		// The problem a snapshot reader makes of it.
		if p, want := i18n.Say("crypt.detail.problem", d.Kind.String(), d.Words()).String(), "age "+d.Kind.String()+": "+d.Error(); p != want {
			t.Errorf("%s: as a problem %q, want %q", name, p, want)
		}
	}

	// The damaged files and keys of TestDamageAndKeyErrors and
	// TestPassphraseErrors, read with small and large reads and without
	// a key.
	for _, set := range append(keyedDamageCases(t), passphraseDamageCases(t)) {
		for _, c := range set.cases {
			_, err := decryptAll(c.file, c.opts, c.ids...)
			check(c.name, err)
			_, err = decryptReads(c.file, c.opts, 3*ChunkSize, c.ids...)
			check(c.name+", large reads", err)
			_, err = InspectFile(bytes.NewReader(c.file))
			check(c.name+", without a key", err)
		}
	}
	// The hostile corpus, as stored and as made now.
	ids := hostileIdentities(t)
	for _, name := range slices.Sorted(maps.Keys(readHostileAgeExpected(t))) {
		data, err := os.ReadFile(filepath.Join(hostileAgeCorpus, name))
		must(t, err)
		_, err = decryptAll(data, DecryptOptions{}, ids...)
		check(name, err)
		_, err = decryptAll(data, DecryptOptions{Size: int64(len(data)) - 1}, ids...)
		check(name+", size known", err)
		_, err = InspectHeader(bytes.NewReader(data))
		check(name+", header", err)
		_, err = InspectFile(bytes.NewReader(data))
		check(name+", without a key", err)
	}
	k := newKey(t)
	made := hostileAgeCases(t, k)
	for _, name := range slices.Sorted(maps.Keys(made)) {
		_, err := decryptAll(made[name].data, DecryptOptions{}, k.id, passID(t, hostilePassphrase))
		check(name+" (made now)", err)
	}
	// Headers that never end, and files cut short, without a key.
	for name, e := range endlessHeaders() {
		_, err := InspectHeader(e)
		check("endless "+name, err)
	}
	s := newSample(t, 2*ChunkSize+1000, k)
	for _, c := range inspectFileCuts(s) {
		_, err := InspectFile(bytes.NewReader(s.file[:c.n]))
		check("cut", err)
	}
	// A passphrase stanza of the wrong shape, which no case above has.
	salt := b64.EncodeToString(make([]byte, 16))
	_, err := InspectHeader(bytes.NewReader(rawHeader("-> scrypt " + salt + "\n" + b64.EncodeToString(make([]byte, 32)))))
	check("scrypt without a work factor", err)
	// A DamageError made by hand, with its Detail alone, is worded as
	// its Detail.
	hand := &DamageError{Kind: ChunkChanged, Offset: 7, Chunk: 1, Detail: "x"}
	if w := hand.Words(); w.String() != hand.Error() || w.In(i18n.ID) != "x (chunk 1, pada byte 7)" {
		t.Errorf("a DamageError made by hand: %q, in Indonesian %q", w.String(), w.In(i18n.ID))
	} else {
		reached[w.Args[0].(i18n.Text).Key]++
	}

	for _, kind := range []Kind{NotAge, Truncated, HeaderMalformed, HeaderChanged, ChunkChanged, TrailingData, TooCostly} {
		if kinds[kind] == 0 {
			t.Errorf("no case makes %s damage", kind)
		}
	}
	for _, key := range keys {
		_, unreachable := unreachedKeys[key]
		switch {
		case reached[key] == 0 && !unreachable:
			t.Errorf("%s: no case makes this damage (add one, or say in unreachedKeys why none can)", key)
		case reached[key] > 0 && unreachable:
			t.Errorf("%s: a case makes this damage, which unreachedKeys says none can", key)
		}
	}
	t.Logf("%d damages worded, %d of the %d messages of the code reached", n, len(reached), len(keys))
}

// sourceKeys are the crypt.detail keys the package's code names.
func sourceKeys(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	must(t, err)
	seen := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		must(t, err)
		for _, m := range detailKey.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]] = true
		}
	}
	keys := slices.Sorted(maps.Keys(seen))
	if len(keys) < 40 {
		t.Fatalf("the code names %d crypt.detail keys: the pattern no longer matches it", len(keys))
	}
	return keys
}
