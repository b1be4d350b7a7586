// Package i18n holds every message efbackup shows a person, in English and
// Indonesian. Finance staff at a PKP read Indonesian; consultants and
// scripts often prefer English. A message missing in either language is a
// test failure, not a fallback at run time.
package i18n

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lang is a message language.
type Lang string

const (
	EN Lang = "en"
	ID Lang = "id"
)

// Parse accepts "en", "id" and locale names such as "id_ID.UTF-8" or
// "in-ID" (Java's old code for Indonesian). Anything else is English.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return EN, false
	case s == "id" || s == "in" || strings.HasPrefix(s, "id_") || strings.HasPrefix(s, "id-") || strings.HasPrefix(s, "in_") || strings.HasPrefix(s, "in-") || strings.HasPrefix(s, "indonesia"):
		return ID, true
	case s == "en" || strings.HasPrefix(s, "en_") || strings.HasPrefix(s, "en-") || s == "c" || s == "posix" || strings.HasPrefix(s, "c."):
		return EN, true
	}
	return EN, false
}

// Detect chooses the language: the --lang flag, then EFBACKUP_LANG, then
// LC_ALL, LC_MESSAGES and LANG, then the system's UI language (Windows).
// Unknown means English.
func Detect(flag string) Lang {
	if l, ok := Parse(flag); ok {
		return l
	}
	for _, k := range []string{"EFBACKUP_LANG", "LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			l, _ := Parse(v)
			return l
		}
	}
	if l, ok := Parse(systemLanguage()); ok {
		return l
	}
	return EN
}

// T formats the message key in language l. An argument that is a Text,
// or a Worder (an error that can say itself as a Text), is worded in l
// too.
func (l Lang) T(key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		panic("i18n: no message " + key)
	}
	s := m.en
	if l == ID {
		s = m.id
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, wordArgs(l, args)...)
}

// wordArgs words each argument that is a Text, or a Worder, in l.
func wordArgs(l Lang, args []any) []any {
	var out []any
	for i, a := range args {
		var w string
		switch v := a.(type) {
		case Text:
			w = v.In(l)
		case Worder:
			t := v.Words()
			if t.Key == "" {
				continue
			}
			w = t.In(l)
		default:
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = w
	}
	if out == nil {
		return args
	}
	return out
}

// TData renders a value that was read from a file (a verdict in a sidecar,
// a state in a journal) through the message family prefix ("verdict."):
// the message prefix+value when there is one, else a neutral "unknown"
// message quoting the value. A file written by a newer release, or a
// damaged one, may hold any value; T panics on a missing key, which is
// right only for keys written in code, where a typo must fail the tests.
func (l Lang) TData(prefix, value string) string {
	if Has(prefix + value) {
		return l.T(prefix + value)
	}
	return l.T("data.unknown", printable(value))
}

// printable bounds a value from a file for display: at most 40 runes, no
// control characters.
func printable(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == 40 {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// Has reports whether key exists.
func Has(key string) bool { _, ok := messages[key]; return ok }

type msg struct{ en, id string }

// Keys lists every message key, for tests.
func Keys() []string {
	keys := make([]string, 0, len(messages))
	for k := range messages {
		keys = append(keys, k)
	}
	return keys
}

// Pair returns both texts of a key, for tests.
func Pair(key string) (en, id string) { m := messages[key]; return m.en, m.id }

// Text is a message kept as its key and arguments until it is shown, so
// that a package with no reader of its own (the snapshot reader, the
// database checks, the in-use probe) can say what it found and the command
// words it in the user's language. An argument that is itself a Text is
// worded in the same language, and so is an argument (an error) that can
// word itself (a Worder); any other argument (a number, a file name, an
// operating system's error) is printed as it is.
type Text struct {
	Key  string
	Args []any
}

// Say keeps key and args as a Text. The key must be in the catalogue: a
// test reads every package's source for the keys it names.
func Say(key string, args ...any) Text { return Text{Key: key, Args: args} }

// In words t in language l; the empty Text words as "".
func (t Text) In(l Lang) string {
	if t.Key == "" {
		return ""
	}
	return l.T(t.Key, t.Args...)
}

// Or is t, or, when t is empty (a detail read back from a file, or made
// without a key), the English detail as a Text that words as itself in
// every language. Types that keep a Text beside their English Detail word
// it with Or(Detail).
func (t Text) Or(detail string) Text {
	if t.Key != "" {
		return t
	}
	return Say("text.asis", detail)
}

// TextError is an error whose English Error() is a catalogue message, so
// that a message quoting it words it in the user's language.
type TextError struct{ Text Text }

func (e *TextError) Error() string { return e.Text.String() }
func (e *TextError) Words() Text   { return e.Text }

// NewError is a TextError worded by the message key with args.
func NewError(key string, args ...any) error { return &TextError{Say(key, args...)} }

// MarshalJSON writes a Text as its English wording: JSON is for scripts,
// which see the same words whatever the user's language.
func (t Text) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

// A Worder is a value (an error) that can say itself as a Text: its
// Error() is the English wording, Words() the message to word in another
// language.
type Worder interface{ Words() Text }

// String is the English wording, for logs and JSON.
func (t Text) String() string { return t.In(EN) }
