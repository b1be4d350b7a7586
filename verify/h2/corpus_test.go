package h2

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

const corpusDir = "../../fixtures/h2/corpus"

type corpusFile struct {
	name string // without .gz
	data []byte
}

var (
	corpusOnce sync.Once
	corpus     []corpusFile
	corpusErr  error
)

// loadCorpus returns the real H2 files of fixtures/h2/corpus, ungzipped.
func loadCorpus(t testing.TB) []corpusFile {
	t.Helper()
	corpusOnce.Do(func() {
		paths, err := filepath.Glob(filepath.Join(corpusDir, "*.gz"))
		if err != nil {
			corpusErr = err
			return
		}
		sort.Strings(paths)
		for _, p := range paths {
			b, err := gunzipFile(p)
			if err != nil {
				corpusErr = err
				return
			}
			corpus = append(corpus, corpusFile{strings.TrimSuffix(filepath.Base(p), ".gz"), b})
		}
	})
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	if len(corpus) == 0 {
		t.Fatalf("no corpus files in %s (run fixtures/h2/make-corpus.sh)", corpusDir)
	}
	return corpus
}

func gunzipFile(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(z)
}

// check runs the checker over b in one write.
func check(name string, b []byte) Result {
	c := NewChecker(name, int64(len(b)))
	c.Write(b)
	return c.Result()
}

func codes(r Result) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, string(f.Verdict)+":"+f.Code)
	}
	return out
}

func TestCorpusVerdicts(t *testing.T) {
	want := map[string]struct {
		kind, verdict, format string
		codes                 []string
		clean                 string // "true", "false", "nil"
	}{
		"h214-clean.mv.db":      {KindMVStore, "ok", "MVStore format 2", nil, "true"},
		"h214-open.mv.db":       {KindMVStore, "warning", "MVStore format 2", []string{"warning:not-clean"}, "false"},
		"h214-crash.mv.db":      {KindMVStore, "warning", "MVStore format 2", []string{"warning:not-clean"}, "false"},
		"h214lzf-clean.mv.db":   {KindMVStore, "ok", "MVStore format 2", nil, "true"},
		"h197-clean.mv.db":      {KindMVStore, "ok", "MVStore format 1", nil, "nil"},
		"h197-open.mv.db":       {KindMVStore, "ok", "MVStore format 1", nil, "nil"},
		"h197-crash.mv.db":      {KindMVStore, "ok", "MVStore format 1", nil, "nil"},
		"h220-clean.mv.db":      {KindMVStore, "ok", "MVStore format 3", nil, "true"},
		"h220-open.mv.db":       {KindMVStore, "warning", "MVStore format 3", []string{"warning:not-clean"}, "false"},
		"h220-crash.mv.db":      {KindMVStore, "warning", "MVStore format 3", []string{"warning:not-clean"}, "false"},
		"h197ps-clean.h2.db":    {KindPageStore, "ok", "PageStore", nil, "nil"},
		"h197ps-open.h2.db":     {KindPageStore, "warning", "PageStore", []string{"warning:log-not-empty"}, "nil"},
		"h197ps-crash.h2.db":    {KindPageStore, "warning", "PageStore", []string{"warning:log-not-empty"}, "nil"},
		"h214-inuse.trace.db":   {KindTrace, "warning", "", []string{"warning:trace-90020"}, "nil"},
		"h214-corrupt.trace.db": {KindTrace, "warning", "", []string{"warning:trace-90030"}, "nil"},
	}
	seen := 0
	for _, f := range loadCorpus(t) {
		w, ok := want[f.name]
		if !ok {
			t.Errorf("%s: corpus file without an expected verdict", f.name)
			continue
		}
		seen++
		r := check(f.name, f.data)
		clean := "nil"
		if r.Clean != nil {
			clean = map[bool]string{true: "true", false: "false"}[*r.Clean]
		}
		if r.Kind != w.kind || string(r.Verdict) != w.verdict || r.Format != w.format || clean != w.clean ||
			strings.Join(codes(r), ",") != strings.Join(w.codes, ",") {
			t.Errorf("%s: got kind %s verdict %s format %q clean %s codes %v; want %s %s %q %s %v\n%+v",
				f.name, r.Kind, r.Verdict, r.Format, clean, codes(r), w.kind, w.verdict, w.format, w.clean, w.codes, r.Findings)
		}
	}
	if seen != len(want) {
		t.Errorf("saw %d of %d expected corpus files", seen, len(want))
	}
}

// TestCorpusChecksRan proves the page, ToC and footer checks did run over
// the real files, so a passing verdict is not a check that never looked.
func TestCorpusChecksRan(t *testing.T) {
	for _, f := range loadCorpus(t) {
		if !strings.HasSuffix(f.name, ".mv.db") {
			continue
		}
		c := newMVChecker(f.name, int64(len(f.data)))
		c.Write(f.data)
		c.Result()
		st := c.stats
		if st.chunks < 2 || st.pages < 50 || st.footers != st.chunks || st.reached < 1 {
			t.Errorf("%s: too little checked: %+v", f.name, st)
		}
		if !strings.HasPrefix(f.name, "h197") && st.tocs != st.chunks {
			t.Errorf("%s: ToC checked in %d of %d chunks", f.name, st.tocs, st.chunks)
		}
	}
}

func TestCorpusH2Version(t *testing.T) {
	want := map[string]string{
		"h214-clean.mv.db":    "build 214",
		"h197-clean.mv.db":    "build 197",
		"h220-clean.mv.db":    "build 220",
		"h197ps-clean.h2.db":  "build 197",
		"h214lzf-clean.mv.db": "2.0.202–2.1.214", // the build text is compressed away
	}
	for _, f := range loadCorpus(t) {
		if w, ok := want[f.name]; ok {
			if got := check(f.name, f.data).H2Version; got != w {
				t.Errorf("%s: H2Version %q, want %q", f.name, got, w)
			}
		}
	}
}

func TestCheckFile(t *testing.T) {
	f := loadCorpus(t)[0]
	p := filepath.Join(t.TempDir(), f.name)
	if err := os.WriteFile(p, f.data, 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := CheckFile(p, "db/"+f.name)
	if err != nil {
		t.Fatal(err)
	}
	if r.File != "db/"+f.name || r.Verdict == "" {
		t.Errorf("CheckFile: %+v", r)
	}
	if want := check("db/"+f.name, f.data); !equalResults(r, want) {
		t.Errorf("CheckFile %+v != streamed %+v", r, want)
	}
	if _, err := CheckFile(filepath.Join(t.TempDir(), "missing.mv.db"), "missing.mv.db"); err == nil {
		t.Error("CheckFile of a missing file: no error")
	}
}

func equalResults(a, b Result) bool {
	if a.File != b.File || a.Kind != b.Kind || a.Verdict != b.Verdict || a.Format != b.Format || a.H2Version != b.H2Version {
		return false
	}
	if (a.Clean == nil) != (b.Clean == nil) || (a.Clean != nil && *a.Clean != *b.Clean) {
		return false
	}
	if len(a.Findings) != len(b.Findings) {
		return false
	}
	for i := range a.Findings {
		if a.Findings[i] != b.Findings[i] {
			return false
		}
	}
	return true
}

func TestKindByName(t *testing.T) {
	for name, kind := range map[string]string{
		"db/efaktur.mv.db":          KindMVStore,
		"EFAKTUR.MV.DB":             KindMVStore,
		"db/old.h2.db":              KindPageStore,
		"db/efaktur.trace.db":       KindTrace,
		"db/efaktur.trace.db.old":   KindTrace,
		"db/efaktur.mv.db.tempFile": KindLeftover,
		"db/efaktur.mv.db.newFile":  KindLeftover,
		"db/efaktur.lock.db":        KindLock,
		"db/readme.txt":             KindUnknown,
		"db/efaktur.mv.db.bak":      KindUnknown,
	} {
		r := check(name, bytes.Repeat([]byte{0}, 10))
		if r.Kind != kind {
			t.Errorf("%s: kind %s, want %s", name, r.Kind, kind)
		}
		if kind == KindLeftover && (r.Verdict != Warning || len(r.Findings) != 1) {
			t.Errorf("%s: leftover verdict %s %v", name, r.Verdict, r.Findings)
		}
		if (kind == KindUnknown || kind == KindLock) && (r.Verdict != OK || r.Findings != nil) {
			t.Errorf("%s: verdict %s %v", name, r.Verdict, r.Findings)
		}
	}
}
