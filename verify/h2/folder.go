package h2

import "strings"

// CheckFolder adds the findings that need more than one file: a PageStore
// database (.h2.db) beside an MVStore one (.mv.db) of the same name, which
// is what opening an old database with H2 2.x leaves behind (2.x quietly
// creates a new, empty .mv.db and shows that instead); and compaction
// leftovers, which name the database they belong to. It returns a copy of
// results with those findings added and verdicts updated; calling it
// twice adds nothing more.
func CheckFolder(results []Result) []Result {
	out := make([]Result, len(results))
	byName := map[string]int{}
	for i, r := range results {
		r.Findings = append([]Finding(nil), r.Findings...)
		out[i] = r
		byName[strings.ToLower(r.File)] = i
	}
	for i := range out {
		name := strings.ToLower(out[i].File)
		if !strings.HasSuffix(name, ".h2.db") {
			continue
		}
		base := strings.TrimSuffix(name, ".h2.db")
		j, ok := byName[base+".mv.db"]
		if !ok {
			continue
		}
		mv := out[j].File
		ps := out[i].File
		addOnce(&out[i], finding(Warning, CodePageStoreAndMV, -1,
			"%s (old format) and %s (new format) are both here; H2 2.x opens only %s, and may have created it empty", ps, mv, mv))
		addOnce(&out[j], finding(Warning, CodePageStoreAndMV, -1,
			"%s (new format) and %s (old format) are both here; check which one holds the data", mv, ps))
	}
	for i := range out {
		name := strings.ToLower(out[i].File)
		for _, suf := range []string{".mv.db.tempfile", ".mv.db.newfile"} {
			if !strings.HasSuffix(name, suf) {
				continue
			}
			code := CodeLeftoverTempFile
			if suf == ".mv.db.newfile" {
				code = CodeLeftoverNewFile
			}
			db := out[i].File[:len(out[i].File)-len(suf)+len(".mv.db")]
			detail := out[i].File + " is left from a compaction H2 did not finish"
			if _, ok := byName[strings.ToLower(db)]; ok {
				detail += "; it belongs to " + db + ", which H2 reads instead, and H2 deletes it the next time it opens the database"
			} else {
				detail += "; the database " + db + " it belongs to is not here"
			}
			f := Finding{Verdict: Warning, Code: code, Offset: -1, Detail: detail}
			// Replace the checker's own, less specific finding.
			kept := out[i].Findings[:0]
			for _, g := range out[i].Findings {
				if g.Code != code {
					kept = append(kept, g)
				}
			}
			out[i].Findings = append(kept, f)
			out[i].Kind = KindLeftover
		}
	}
	for i := range out {
		out[i].finish()
	}
	return out
}

func addOnce(r *Result, f Finding) {
	for _, g := range r.Findings {
		if g.Code == f.Code {
			return
		}
	}
	r.Findings = append(r.Findings, f)
}
