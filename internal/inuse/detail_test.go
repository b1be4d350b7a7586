package inuse

import (
	"path/filepath"
	"regexp"
	"testing"

	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/i18n/i18ntest"
)

// englishWords are words only an English sentence holds (as in package
// i18n's test of the catalogue): a detail worded in Indonesian holds none,
// in its own text or in any argument chosen from a list of words.
var englishWords = regexp.MustCompile(`\b(the|is|are|not|but|of|and|says|holds|from|which|than|while|page|bytes|lock|write|read|open|another|process|unknown|network)\b`)

// wantText checks a signal's detail: kept as a catalogue message whose
// English wording is Detail, and worded in Indonesian without English.
// An operating system's error among the arguments is left out, as it is
// printed as the system words it.
func wantText(t *testing.T, s Signal) {
	t.Helper()
	if s.Text.Key == "" {
		t.Errorf("%s signal on %s has no catalogue message: %q", s.Kind, s.File, s.Detail)
		return
	}
	if s.Text.String() != s.Detail {
		t.Errorf("%s signal: Detail %q is not the English wording %q", s.Kind, s.Detail, s.Text.String())
	}
	if s.In(i18n.EN) != s.Detail {
		t.Errorf("%s signal: In(EN) = %q, want %q", s.Kind, s.In(i18n.EN), s.Detail)
	}
	id := withoutErrors(s.Text).In(i18n.ID)
	if w := englishWords.FindString(id); w != "" {
		t.Errorf("%s signal in Indonesian holds the English word %q: %q", s.Kind, w, id)
	}
}

func withoutErrors(t i18n.Text) i18n.Text {
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		switch v := a.(type) {
		case error:
			a = "E"
		case i18n.Text:
			a = withoutErrors(v)
		}
		args[i] = a
	}
	return i18n.Text{Key: t.Key, Args: args}
}

// Every kind of signal the package makes, built by the code that makes it,
// has its detail as a catalogue message. (The real holders of the other
// tests go through check, which asks the same of every signal they get.)
func TestSignalTexts(t *testing.T) {
	t.Parallel()
	root := filepath.FromSlash("/x/db")
	etax := filepath.Join(root, "ETaxInvoice")
	var sigs []Signal

	// Processes with files open: one file, two, many; every kind of
	// holder, named or not.
	hits := []procHit{
		{pid: 10, path: filepath.Join(etax, "dbex.lck"), name: "java"},
		{pid: 11, path: filepath.Join(etax, "seg0", "c10.dat"), name: "efbackup"},
		{pid: 11, path: filepath.Join(etax, "seg0", "c20.dat"), name: "efbackup"},
		{pid: 12, path: filepath.Join(etax, "log", "log1.dat"), name: "cp"},
		{pid: 12, path: filepath.Join(etax, "log", "log2.dat"), name: "cp"},
		{pid: 12, path: filepath.Join(etax, "log", "log.ctrl"), name: "cp"},
		{pid: 13, path: filepath.Join(root, "stray.txt")},
	}
	sigs = append(sigs, groupHits(root, []Database{{Dir: etax}}, hits)...)
	for _, h := range []i18n.Text{holderLabel(0, "", ""), holderLabel(0, "javaw.exe", ProgramJava), holderLabel(0, "robocopy.exe", ProgramOther)} {
		sigs = append(sigs, Signal{Kind: KindOpenByProcess, File: etax}.say("inuse.detail.filesopen", "ETaxInvoice", h))
	}

	// Lock files left behind: one, and both.
	db := tempDir(t)
	one, both := filepath.Join(db, "Satu"), filepath.Join(db, "Dua")
	write(t, filepath.Join(one, dbLck), "x")
	write(t, filepath.Join(both, dbLck), "x")
	write(t, filepath.Join(both, dbexLck), "x")
	for _, d := range []string{one, both} {
		w, ok := leftover(db, d)
		if !ok {
			t.Fatalf("%s: no leftover warning", d)
		}
		sigs = append(sigs, w)
	}
	sigs = append(sigs, osSignals(t)...)

	// A folder on a network file system, as each system names it.
	sigs = append(sigs, networkWarning(root, "nfs"))
	for _, n := range networkNames() {
		sigs = append(sigs, networkWarning(root, n))
	}

	kinds := map[SignalKind]bool{}
	for _, s := range sigs {
		t.Logf("%s: %s\n    %s", s.Kind, s.Detail, s.In(i18n.ID))
		kinds[s.Kind] = true
		wantText(t, s)
	}
	for _, k := range []SignalKind{KindOpenByProcess, KindNotShutDown, KindUnknown, KindNetworkFS} {
		if !kinds[k] {
			t.Errorf("no %s signal was built", k)
		}
	}
}

// The English details are what they were before they became catalogue
// messages: JSON and scripts read them.
func TestDetailsEnglishUnchanged(t *testing.T) {
	t.Parallel()
	db := tempDir(t)
	etax := filepath.Join(db, "ETaxInvoice")
	write(t, filepath.Join(etax, dbLck), "x")
	write(t, filepath.Join(etax, dbexLck), "x")
	w, _ := leftover(db, etax)
	if want := "ETaxInvoice was not shut down cleanly: db.lck and dbex.lck left behind and held by no process " +
		"(e-Faktur was closed without shutting its database down, killed, or the computer lost power); " +
		"its next start recovers it from its log"; w.Detail != want {
		t.Errorf("leftover:\n got %q\nwant %q", w.Detail, want)
	}
	hits := []procHit{
		{pid: 10, path: filepath.Join(etax, "dbex.lck"), name: "java"},
		{pid: 10, path: filepath.Join(etax, "log", "log1.dat"), name: "java"},
		{pid: 11, path: filepath.Join(etax, "seg0", "c10.dat")},
	}
	got := groupHits(db, []Database{{Dir: etax}}, hits)
	for i, want := range []string{
		"ETaxInvoice/dbex.lck and 1 more file are open in pid 10 (java: a Java program: e-Faktur or its database server)",
		"ETaxInvoice/seg0/c10.dat is open in pid 11",
	} {
		if got[i].Detail != want {
			t.Errorf("group %d:\n got %q\nwant %q", i, got[i].Detail, want)
		}
	}
	for _, c := range []struct {
		l    i18n.Text
		want string
	}{
		{holderLabel(0, "", ""), "another process"},
		{holderLabel(0, "cp", ProgramOther), "cp (another program)"},
		{holderLabel(3, "efbackup", ProgramEFBackup), "pid 3 (efbackup: another efbackup run)"},
	} {
		if c.l.String() != c.want {
			t.Errorf("holder %q, want %q", c.l.String(), c.want)
		}
	}
}

// No detail is made but through Signal.say: a Detail set anywhere else in
// the package (on any system) would be English only.
func TestDetailsOnlyThroughSay(t *testing.T) {
	t.Parallel()
	for _, bad := range i18ntest.DetailSetters(t, []string{"."}, "say") {
		t.Errorf("%s: Detail is set outside Signal.say; make it a catalogue message (inuse.detail.*) and call say", bad)
	}
	// The scan finds a Detail set in a literal and in an assignment, and
	// leaves the allowed function alone.
	src := `package p
func say() { s.Detail = "ok" }
func a() { _ = Signal{Detail: "x"} }
func b() { s.Detail = "y" }
`
	if got := i18ntest.DetailSettersIn(t, src, "say"); got != 2 {
		t.Fatalf("found %d setters in the sample, want 2", got)
	}
}
