package h2

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// The oracle test opens every corpus file and every damaged variant with
// the real H2 engine that wrote it, and compares what H2 returns with the
// checker's verdict: whatever H2 rejects or reads differently must be
// flagged (damaged, or warning where only one of two header copies was
// hit), and no undamaged file may be called damaged.
//
// It needs java and the engines (Debian libh2-java and jameica-h2database;
// H2 2.2.220 from fixtures/h2/make-corpus.sh). Without them it skips.

func engineJar(base string) string {
	switch {
	case strings.HasPrefix(base, "h214"):
		return firstFile(os.Getenv("H2_JAR_214"), "/usr/share/java/h2-2.1.214.jar", "/usr/share/java/h2.jar")
	case strings.HasPrefix(base, "h197"):
		return firstFile(os.Getenv("H2_JAR_197"), "/usr/share/jameica/h2-1.4.197.jar")
	case strings.HasPrefix(base, "h220"):
		dir := os.Getenv("H2JARS")
		if dir == "" {
			home, _ := os.UserHomeDir()
			dir = filepath.Join(home, ".cache", "efbackup", "h2jars")
		}
		return firstFile(os.Getenv("H2_JAR_220"), filepath.Join(dir, "h2-2.2.220.jar"))
	}
	return ""
}

func firstFile(paths ...string) string {
	for _, p := range paths {
		if p == "" {
			continue
		}
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

type oracleAnswer struct {
	status string // OK, ERR, TIMEOUT
	digest string
	detail string
}

// runOracle opens each file with one JVM per engine and returns the
// answers by id.
func runOracle(t *testing.T, jobs map[string][][2]string) map[string]oracleAnswer {
	dump, err := filepath.Abs("../../fixtures/h2/java/Dump.java")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]oracleAnswer{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for jar, list := range jobs {
		wg.Add(1)
		go func(jar string, list [][2]string) {
			defer wg.Done()
			var in bytes.Buffer
			for _, j := range list {
				fmt.Fprintf(&in, "%s\t%s\n", j[0], j[1])
			}
			cmd := exec.Command("java", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", jar, dump, "8000")
			cmd.Stdin = &in
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			b, err := cmd.Output()
			if err != nil {
				t.Errorf("oracle with %s: %v\n%s", jar, err, stderr.String())
			}
			sc := bufio.NewScanner(bytes.NewReader(b))
			sc.Buffer(make([]byte, 1<<16), 1<<20)
			mu.Lock()
			defer mu.Unlock()
			for sc.Scan() {
				f := strings.Split(sc.Text(), "\t")
				if len(f) < 2 {
					continue
				}
				a := oracleAnswer{status: f[1]}
				if len(f) > 2 {
					a.digest = f[2]
				}
				if len(f) > 3 {
					a.detail = f[3]
				}
				out[f[0]] = a
			}
		}(jar, list)
	}
	wg.Wait()
	return out
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func TestOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("oracle: skipped in -short mode (it runs the real H2 engines)")
	}
	if _, err := exec.LookPath("java"); err != nil {
		t.Skip("oracle: no java on PATH (apt-get install default-jre-headless libh2-java jameica-h2database)")
	}
	dir := t.TempDir()
	jobs := map[string][][2]string{}
	missing := map[string]bool{}
	write := func(id, base string, data []byte) bool {
		jar := engineJar(base)
		if jar == "" {
			missing[base[:4]] = true
			return false
		}
		ext := ".mv.db"
		if strings.HasSuffix(base, ".h2.db") {
			ext = ".h2.db"
		}
		p := filepath.Join(dir, unsafeName.ReplaceAllString(id, "_")+ext)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		jobs[jar] = append(jobs[jar], [2]string{id, p})
		return true
	}
	bases := map[string]Verdict{}
	for _, f := range loadCorpus(t) {
		if !strings.HasSuffix(f.name, ".mv.db") && !strings.HasSuffix(f.name, ".h2.db") {
			continue
		}
		if write(f.name, f.name, f.data) {
			bases[f.name] = check(f.name, f.data).Verdict
		}
	}
	if len(jobs) == 0 {
		t.Skip("oracle: no H2 engine jars found (apt-get install libh2-java jameica-h2database)")
	}
	for m := range missing {
		t.Logf("oracle: no engine for %s files; they are skipped", m)
	}
	var vs []variant
	for _, v := range makeVariants(t) {
		if _, ok := bases[v.base]; ok && write(v.name, v.base, v.data) {
			vs = append(vs, v)
		}
	}
	ans := runOracle(t, jobs)

	// Every base file must open, and must not be called damaged.
	for b, verdict := range bases {
		a := ans[b]
		if a.status != "OK" {
			t.Errorf("oracle: H2 cannot open the corpus file %s: %s %s %s", b, a.status, a.digest, a.detail)
		}
		if verdict == Damaged {
			t.Errorf("false alarm: corpus file %s is undamaged but called damaged", b)
		}
	}

	// confusion[h2][ours]
	confusion := map[string]map[Verdict]int{}
	count := func(h2 string, v Verdict) {
		if confusion[h2] == nil {
			confusion[h2] = map[Verdict]int{}
		}
		confusion[h2][v]++
	}
	blindMissed := 0
	for _, v := range vs {
		a, ok := ans[v.name]
		if !ok {
			t.Errorf("oracle: no answer for %s", v.name)
			continue
		}
		r := check(v.base, v.data)
		h2 := "same"
		switch {
		case a.status == "ERR" || a.status == "TIMEOUT":
			h2 = "rejects"
		case a.digest != ans[v.base].digest:
			h2 = "differs"
		}
		count(h2, r.Verdict)
		if a.status == "TIMEOUT" {
			t.Logf("oracle: H2 timed out on %s", v.name)
		}
		if h2 == "same" {
			continue
		}
		// H2 lost or changed something: we must have said so.
		need := Damaged
		if singleCopy(v) {
			need = Warning
		}
		if !r.Verdict.Worse(bases[v.base]) && r.Verdict != Damaged && !(need == Warning && r.Verdict != OK) {
			if v.blind != "" {
				blindMissed++
				t.Logf("known blind spot (%s): %s: H2 %s (%s %s), we say %s", v.blind, v.name, h2, a.status, a.detail, r.Verdict)
				continue
			}
			t.Errorf("missed: %s: H2 %s (%s %s), we say %s %v", v.name, h2, a.status, a.detail, r.Verdict, codes(r))
			continue
		}
		if need == Damaged && r.Verdict != Damaged && v.blind == "" {
			t.Errorf("understated: %s: H2 %s (%s %s), we say only %s %v", v.name, h2, a.status, a.detail, r.Verdict, codes(r))
		}
	}
	t.Logf("oracle: %d corpus files, %d variants; blind-spot misses: %d", len(bases), len(vs), blindMissed)
	for _, h2 := range []string{"same", "differs", "rejects"} {
		m := confusion[h2]
		t.Logf("oracle: H2 %-8s -> we say ok %3d, warning %3d, damaged %3d", h2, m[OK], m[Warning], m[Damaged])
	}
}

// singleCopy: damage to one of two redundant copies, which H2 survives by
// design; a warning is the right verdict even if H2 then reads an older
// state through the other copy.
func singleCopy(v variant) bool {
	for _, s := range []string{"/flip-header1", "/flip-header2", "/zero-header1", "/flip-page1", "/flip-page2", "/zero-page1", "/flip-magic1"} {
		if strings.HasSuffix(v.name, s) || strings.Contains(v.name, s+"-") {
			return true
		}
	}
	return false
}
