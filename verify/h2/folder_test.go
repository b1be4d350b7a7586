package h2

import (
	"slices"
	"sort"
	"testing"
)

func TestCheckFolder(t *testing.T) {
	in := []Result{
		{File: "efaktur.h2.db", Kind: KindPageStore, Verdict: OK},
		{File: "efaktur.mv.db", Kind: KindMVStore, Verdict: OK},
		{File: "other.mv.db", Kind: KindMVStore, Verdict: Damaged, Findings: []Finding{{Verdict: Damaged, Code: CodeFooterBad, Offset: 8192}}},
		{File: "other.mv.db.tempFile", Kind: KindLeftover},
		{File: "gone.mv.db.newFile", Kind: KindLeftover},
		{File: "lonely.h2.db", Kind: KindPageStore, Verdict: OK},
	}
	in[3] = check("other.mv.db.tempFile", nil)
	in[4] = check("gone.mv.db.newFile", nil)
	out := CheckFolder(in)
	want := map[string]struct {
		v     Verdict
		codes []string
	}{
		"efaktur.h2.db":        {Warning, []string{CodePageStoreAndMV}},
		"efaktur.mv.db":        {Warning, []string{CodePageStoreAndMV}},
		"other.mv.db":          {Damaged, []string{CodeFooterBad}},
		"other.mv.db.tempFile": {Warning, []string{CodeLeftoverTempFile}},
		"gone.mv.db.newFile":   {Warning, []string{CodeLeftoverNewFile}},
		"lonely.h2.db":         {OK, nil},
	}
	for _, r := range out {
		w := want[r.File]
		if r.Verdict != w.v || !slices.Equal(sortedCodes(r), w.codes) {
			t.Errorf("%s: %s %v, want %s %v", r.File, r.Verdict, sortedCodes(r), w.v, w.codes)
		}
	}
	if in[0].Verdict != OK || len(in[0].Findings) != 0 {
		t.Error("CheckFolder changed its input")
	}
	again := CheckFolder(out)
	for i := range again {
		if !equalResults(again[i], out[i]) {
			t.Errorf("second CheckFolder changed %s: %+v", out[i].File, again[i])
		}
	}
}

// sortedCodes is for tests and messages: the codes of r, sorted.
func sortedCodes(r Result) []string {
	var c []string
	for _, f := range r.Findings {
		c = append(c, f.Code)
	}
	sort.Strings(c)
	return c
}
