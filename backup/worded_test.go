package backup

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/crypt"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/i18n/i18ntest"
)

// assertWorded fails when a problem's detail could not be shown in the
// user's language: every problem the readers report keeps its message key,
// and its Indonesian wording holds no English word of efbackup's own.
func assertWorded(t testing.TB, what string, ps []Problem) {
	t.Helper()
	for _, p := range ps {
		i18ntest.Check(t, what+": "+p.Kind+" "+p.File, p.Detail, p.Text)
	}
}

// A problem built without a key is caught: the check above is not vacuous.
func TestAssertWordedCatchesPlainDetail(t *testing.T) {
	ft := &fakeTB{TB: t}
	assertWorded(ft, "plain", []Problem{{Kind: ProblemHash, File: "x", Detail: "SHA-256 is a, the manifest says b"}})
	if !ft.failed {
		t.Fatal("a problem with a plain English detail passed the check")
	}
	ft = &fakeTB{TB: t}
	assertWorded(ft, "keyed", []Problem{NewProblem(ProblemHash, "x", "detail.hash.differs", "a", "b")})
	if ft.failed {
		t.Fatal("a keyed problem failed the check")
	}
}

type fakeTB struct {
	testing.TB
	failed bool
}

func (f *fakeTB) Errorf(string, ...any) { f.failed = true }
func (f *fakeTB) Helper()               {}

// A folder that differs from its manifest in every way CompareFiles tells
// apart, then the same differences as changes since the snapshot: each
// detail keeps its key and reads as Indonesian.
func TestFolderProblemsWorded(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "db")
	makeDB(t, db)
	res := snap(t, db, filepath.Join(tmp, "out"))
	must(t, os.WriteFile(filepath.Join(db, "efaktur.trace.db"), []byte("2024-07-20 10:00:00 jdbc[3]: HELLO\n"), 0o644)) // same size, new bytes
	must(t, os.WriteFile(filepath.Join(db, "sub", "empty"), []byte("x"), 0o600))                                        // new size
	must(t, os.Remove(filepath.Join(db, "efaktur.mv.db")))                                                              // missing
	must(t, os.WriteFile(filepath.Join(db, "new.txt"), []byte("n"), 0o600))                                             // extra
	fr, err := VerifyFolder(context.Background(), db, res.Manifest, FolderOptions{})
	must(t, err)
	kinds := map[string]bool{}
	for _, p := range fr.Problems {
		kinds[p.Kind] = true
	}
	for _, k := range []string{ProblemHash, ProblemSize, ProblemMissing, ProblemExtra} {
		if !kinds[k] {
			t.Fatalf("no %s problem: %+v", k, fr.Problems)
		}
	}
	assertWorded(t, "folder", fr.Problems)
	changed := ChangedSince(fr.Problems)
	assertWorded(t, "changed since", changed)
	for _, p := range changed {
		if p.Kind != ProblemChanged {
			t.Errorf("%s: kind %s, want %s", p.File, p.Kind, ProblemChanged)
		}
	}
}

// Every kind of damage in an encrypted file has its Indonesian words.
func TestCryptKindsWorded(t *testing.T) {
	for k := crypt.Kind(0); k < 64; k++ {
		if !k.Damage() || strings.HasPrefix(k.String(), "kind(") {
			continue
		}
		d := &crypt.DamageError{Kind: k, Offset: -1, Chunk: -1, Detail: "x"}
		p := cryptProblem(d)
		if !i18n.Has("crypt.kind." + k.String()) {
			t.Errorf("%s: no crypt.kind message", k)
		}
		if strings.Contains(p.In(i18n.ID), k.String()) {
			t.Errorf("%s: the Indonesian detail %q shows the English code", k, p.In(i18n.ID))
		}
	}
}

// An error that words itself says in English exactly what Error() says,
// so that a message quoting it reads the same in English either way.
func TestWordedErrorsMatchError(t *testing.T) {
	for _, err := range []interface {
		error
		Words() i18n.Text
	}{
		NewChangedError("/x/db/a", "detail.changed.grew", 10),
		&ChangedError{Path: "/x/db/a", Detail: "set by hand"},
		manifestErr("files", "detail.manifest.negative"),
		&ManifestError{File: "m.json", Field: "files", Detail: "by hand"},
		i18n.NewError("detail.path.empty").(*i18n.TextError),
	} {
		if got := err.Words().String(); got != err.Error() {
			t.Errorf("%T: Words() says %q, Error() %q", err, got, err.Error())
		}
		if w := i18ntest.EnglishWord(err.Words()); w != "" {
			t.Errorf("%T: Indonesian %q holds %q", err, err.Words().In(i18n.ID), w)
		}
	}
}
