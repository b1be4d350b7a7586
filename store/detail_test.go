package store

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/i18n/i18ntest"
)

// Say keeps the message and its English wording; In words it in either
// language; Plain keeps a text that is not efbackup's own as it is; Quote
// keeps an error's message when it has one.
func TestErrorDetail(t *testing.T) {
	t.Parallel()
	e := (&Error{Kind: KindNoBucket, Op: "list", Where: "s3://b/p"}).Say("store.detail.nobucket", "b")
	if e.Detail != `bucket "b" does not exist` || e.Error() != `s3://b/p: list: bucket "b" does not exist` {
		t.Fatalf("English changed: %q / %q", e.Detail, e.Error())
	}
	i18ntest.Check(t, "no bucket", e.Detail, e.Text)
	if e.In(i18n.EN) != e.Detail || e.In(i18n.ID) != `bucket "b" tidak ada` {
		t.Errorf("In: %q / %q", e.In(i18n.EN), e.In(i18n.ID))
	}
	if dt := e.DetailText(); dt.Key != e.Text.Key || dt.String() != e.Detail {
		t.Errorf("DetailText %v, want the Text", e.DetailText())
	}

	// An operating system's words: shown as they are, in both languages.
	p := (&Error{Kind: KindLocal, Op: "create", Where: "/x", Err: syscall.ENOSPC}).Say("store.detail.exists").Plain(syscall.ENOSPC.Error())
	if p.Text.Key != "" || p.Detail != syscall.ENOSPC.Error() || p.In(i18n.ID) != p.Detail {
		t.Errorf("Plain: %+v, In(ID) %q", p, p.In(i18n.ID))
	}
	if got := p.DetailText(); got.String() != p.Detail || got.In(i18n.ID) != p.Detail {
		t.Errorf("DetailText of a plain detail: %q / %q", got.String(), got.In(i18n.ID))
	}

	// Quote keeps a worded error's message, and only the text of another.
	q := (&Error{Kind: KindConfig}).Quote(CheckName(""))
	i18ntest.Check(t, "quoted name error", q.Detail, q.Text)
	wrapped := (&Error{Kind: KindConfig}).Quote(errors.Join(CheckName(""), errors.New("more")))
	if wrapped.Text.Key != "" || wrapped.Detail != "empty name\nmore" {
		t.Errorf("Quote of a longer text kept a message that says less: %+v", wrapped)
	}
	o := (&Error{Kind: KindConfig}).Quote(errors.New("x509: bad"))
	if o.Text.Key != "" || o.Detail != "x509: bad" {
		t.Errorf("Quote of a foreign error: %+v", o)
	}
}

// Every error CheckName gives is a message, Indonesian in Indonesian, with
// the English it always had.
func TestCheckNameWorded(t *testing.T) {
	t.Parallel()
	for bad, want := range map[string]string{
		"":                       "empty name",
		"..":                     `name ".." is not a file name`,
		strings.Repeat("x", 256): "name longer than 255 bytes",
		"\xff":                   `name "\xff" is not valid UTF-8`,
		`a\b`:                    `name "a\\b" holds a path separator`,
		"a\nb":                   `name "a\nb" holds a control character`,
	} {
		err := CheckName(bad)
		var w i18n.Worder
		if !errors.As(err, &w) {
			t.Errorf("CheckName(%q) = %v: not a message", bad, err)
			continue
		}
		if err.Error() != want {
			t.Errorf("CheckName(%q) = %q, want %q", bad, err.Error(), want)
		}
		e := (&Error{Kind: KindConfig}).Quote(err)
		i18ntest.Check(t, "CheckName("+bad+")", e.Detail, e.Text)
	}
}

// No store error's Detail is set but through Error.Say, Quote or Plain:
// one set anywhere else in the store packages would be English only.
func TestDetailsOnlyThroughSay(t *testing.T) {
	t.Parallel()
	dirs := []string{".", "local", "s3", "location", "storetest", filepath.Join("s3", "s3test")}
	for _, bad := range i18ntest.DetailSetters(t, dirs, "Say", "Quote", "Plain") {
		t.Errorf("%s: a store error's Detail is set outside Error.Say, Quote or Plain; make it a catalogue message (store.detail.*) and call Say", bad)
	}
	// The scan finds a Detail set in a literal, in an assignment and in a
	// multiple assignment, and leaves the allowed methods alone.
	src := `package p
func (e *Error) Say() { e.Detail = "ok" }
func a() { _ = &store.Error{Kind: k, Detail: "x"} }
func b() { e.Kind, e.Detail = k, "y" }
func c() { c.Detail = "z" + e.Detail }
`
	if got := i18ntest.DetailSettersIn(t, src, "Say"); got != 3 {
		t.Fatalf("found %d setters in the sample, want 3", got)
	}
}
