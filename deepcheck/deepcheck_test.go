package deepcheck

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/efbackup/efbackup/engine"
	derbyfix "github.com/efbackup/efbackup/fixtures/derby"
)

func tableByName(t *testing.T, d *DatabaseReport, schema, name string) Table {
	t.Helper()
	for _, tab := range d.Tables {
		if tab.Schema == schema && tab.Name == name {
			return tab
		}
	}
	t.Fatalf("%s: no table %s.%s in the report", d.Name, schema, name)
	return Table{}
}

// noContent fails the test when out holds one of the database's values or
// a page dump.
func noContent(t *testing.T, out []byte, secrets []string) {
	t.Helper()
	for _, bad := range append([]string{"Hex dump", "page dump follows"}, secrets...) {
		if strings.Contains(string(out), bad) {
			t.Errorf("the output contains %q", bad)
		}
	}
	if regexp.MustCompile(`[0-9a-f]{8}: [0-9a-f]{4} `).Match(out) {
		t.Errorf("the output contains a hex dump line")
	}
}

func reportJSON(t *testing.T, rep *Report) []byte {
	t.Helper()
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var cleanLayout struct {
	once    sync.Once
	secrets []string
	tables  map[string]Table
	err     string
}

// layout is what a check of the clean database says of its tables (their
// containers) and the values no output may contain.
func layout(t *testing.T) (map[string]Table, []string) {
	t.Helper()
	rt := testRuntime(t)
	cleanLayout.once.Do(func() {
		dir, _ := fixture(t, derbyfix.Clean)
		cleanLayout.secrets = secrets(t, rt, dir)
		rep, err := Run(runCtx(t), rt, []Database{{Name: "clean", Dir: dir}})
		if err != nil {
			cleanLayout.err = err.Error()
			return
		}
		cleanLayout.tables = map[string]Table{}
		for _, tab := range rep.Databases[0].Tables {
			cleanLayout.tables[tab.Schema+"."+tab.Name] = tab
		}
	})
	if cleanLayout.err != "" {
		t.Fatal(cleanLayout.err)
	}
	return cleanLayout.tables, cleanLayout.secrets
}

// Clean, exited and crashed copies are all whole: recovery brings back
// every committed row, table for table as the reference records. A
// read-only boot (no recovery) of the same crashed copy sees fewer rows:
// that is why the check boots writable.
func TestStatesRecoverToReference(t *testing.T) {
	rt := testRuntime(t)
	_, secrets := layout(t)
	states := []derbyfix.State{derbyfix.Clean, derbyfix.Exited, derbyfix.Crashed}
	var dbs []Database
	refs := map[string]*derbyfix.Dump{}
	for _, st := range states {
		dir, ref := fixture(t, st)
		dbs = append(dbs, Database{Name: string(st), Dir: dir})
		refs[string(st)] = ref
	}
	crashedRO, crashedRef := fixture(t, derbyfix.Crashed)
	ro := readOnlyRows(t, rt, crashedRO, crashedRef)
	t.Logf("read-only boot of the crashed copy: %d rows of %d committed", ro, crashedRef.Rows())
	if ro >= crashedRef.Rows() {
		t.Errorf("a read-only boot saw %d rows of %d: the crash should have left committed rows only in the log", ro, crashedRef.Rows())
	}

	start := time.Now()
	rep, err := Run(runCtx(t), rt, dbs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("engine check of %d databases: %v", len(dbs), time.Since(start).Round(time.Millisecond))
	if !rep.OK {
		t.Errorf("report not OK")
	}
	noContent(t, reportJSON(t, rep), secrets)
	for i, st := range states {
		d := &rep.Databases[i]
		t.Logf("%s: %.2f s in the JVM, %d user rows, recovered %v", d.Name, d.Seconds, d.UserRows(), d.Recovered)
		if d.Name != string(st) || !d.Booted || d.Verdict != engine.OK || len(d.Findings) != 0 {
			t.Errorf("%s: booted %v, verdict %s, findings %v", d.Name, d.Booted, d.Verdict, d.Findings)
		}
		if d.Recovered != (st != derbyfix.Clean) {
			t.Errorf("%s: recovered = %v", d.Name, d.Recovered)
		}
		sameRows(t, d, refs[string(st)])
		for _, tab := range d.Tables {
			if !tab.CheckOK || !tab.Complete || len(tab.Hash) != 64 || tab.Container == "" {
				t.Errorf("%s: %s.%s %+v", d.Name, tab.Schema, tab.Name, tab)
			}
		}
		if sys := tableByName(t, d, "SYS", "SYSTABLES"); !sys.System || sys.Rows < 20 {
			t.Errorf("%s: SYS.SYSTABLES %+v", d.Name, sys)
		}
	}

	// A second run over the recovered crashed copy proves the same rows
	// and has nothing left to recover.
	again, err := Run(runCtx(t), rt, dbs[2:])
	if err != nil {
		t.Fatal(err)
	}
	if diffs := Compare(rep.Databases[2].Tables, again.Databases[0].Tables); len(diffs) != 0 {
		t.Errorf("the second run differs from the first: %v", diffs)
	}
	if again.Databases[0].Recovered {
		t.Errorf("the second run recovered again: the first should have left the copy shut down cleanly")
	}
	// The clean and the crashed database differ where the crash added
	// rows, and Compare names those tables.
	diffs := Compare(rep.Databases[0].Tables, rep.Databases[2].Tables)
	for _, tab := range refs["clean"].Tables {
		c, _ := refs["crashed"].Table(tab.Name)
		found := false
		for _, d := range diffs {
			if d.Schema+"."+d.Name == tab.Name {
				found = true
			}
		}
		if found != (c.Hash != tab.Hash) {
			t.Errorf("Compare(clean, crashed) on %s: listed %v, reference hashes differ %v", tab.Name, found, c.Hash != tab.Hash)
		}
	}
}

// pageSize reads a container's page size from its container info.
func pageSize(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 4)
	if _, err := f.ReadAt(b, 109+8); err != nil {
		t.Fatal(err)
	}
	return int64(binary.BigEndian.Uint32(b))
}

// Each damage the engine refuses: a flipped byte in a heap page (XSDG2 on
// check and read), in an index page (XSDG2 on check; every row still
// reads), a deleted container (XSAI2), a truncated container (XSDG0), a
// flipped byte in SYSCONGLOMERATES (nothing can be listed) and in the
// properties conglomerate (the boot fails). One JVM checks them all,
// reconnecting after each failure.
func TestDamagedCopies(t *testing.T) {
	rt := testRuntime(t)
	tables, secrets := layout(t)
	faktur := tables["EFAKTUR.FAKTUR_KELUARAN"]
	if faktur.Container == "" || len(faktur.IndexContainers) == 0 {
		t.Fatalf("EFAKTUR.FAKTUR_KELUARAN: %+v", faktur)
	}
	heap, index := faktur.Container, faktur.IndexContainers[0]
	type damage struct {
		name   string
		apply  func(t *testing.T, dir string)
		states []string // SQLStates expected somewhere in the report
		boots  bool
		file   string // the finding's file
		page   int64  // the finding's page, -1 when none
	}
	flip := func(rel string, page int64) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, filepath.FromSlash(rel))
			flipByte(t, p, page*pageSize(t, p)+1500)
		}
	}
	cases := []damage{
		{name: "heap-byte", apply: flip(heap, 2), states: []string{"XSDG2"}, boots: true, file: heap, page: 2},
		{name: "index-byte", apply: flip(index, 1), states: []string{"XSDG2"}, boots: true, file: index, page: 1},
		{name: "deleted-container", apply: func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(heap))); err != nil {
				t.Fatal(err)
			}
		}, states: []string{"XSAI2"}, boots: true, file: heap, page: -1},
		{name: "truncated-container", apply: func(t *testing.T, dir string) {
			p := filepath.Join(dir, filepath.FromSlash(heap))
			if err := os.Truncate(p, 2*pageSize(t, p)); err != nil {
				t.Fatal(err)
			}
		}, states: []string{"XSDG0"}, boots: true, file: heap, page: 2},
		// The boot reads no page of SYSCONGLOMERATES: it succeeds, then
		// the first query fails, and nothing can be listed.
		{name: "sysconglomerates-byte", apply: flip("seg0/c20.dat", 1), states: []string{"XSDG2"}, boots: true, file: "seg0/c20.dat", page: 1},
		// The properties conglomerate is read at boot: the boot fails.
		{name: "properties-byte", apply: flip("seg0/c10.dat", 1), states: []string{"XJ040", "XSDG2"}, boots: false, file: "seg0/c10.dat", page: 1},
	}
	var dbs []Database
	for _, c := range cases {
		dir, _ := fixture(t, derbyfix.Clean)
		c.apply(t, dir)
		dbs = append(dbs, Database{Name: c.name, Dir: dir})
	}
	// An undamaged copy after them all: what failed before it in the
	// same JVM does not spill over.
	healthy, healthyRef := fixture(t, derbyfix.Clean)
	dbs = append(dbs, Database{Name: "healthy", Dir: healthy})
	var derbyLog []byte
	afterProgram = func(tmp string) {
		logs, _ := filepath.Glob(filepath.Join(tmp, "home", "*", "derby.log"))
		for _, l := range logs {
			b, _ := os.ReadFile(l)
			derbyLog = append(derbyLog, b...)
		}
	}
	t.Cleanup(func() { afterProgram = nil })
	start := time.Now()
	rep, err := Run(runCtx(t), rt, dbs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("engine check of %d damaged databases: %v", len(dbs), time.Since(start).Round(time.Millisecond))
	if rep.OK {
		t.Errorf("report OK")
	}
	// derby.log held the damaged pages' dumps, row data included; the
	// report must carry none of it.
	if !strings.Contains(string(derbyLog), "page dump follows") {
		t.Errorf("derby.log holds no page dump: the no-content check below proves nothing")
	}
	noContent(t, reportJSON(t, rep), secrets)
	for i, c := range cases {
		d := &rep.Databases[i]
		t.Run(c.name, func(t *testing.T) {
			if d.Verdict != engine.Damaged {
				t.Errorf("verdict %s, want damaged; findings %v", d.Verdict, d.Findings)
			}
			if d.Booted != c.boots {
				t.Errorf("booted = %v, want %v (boot error %v)", d.Booted, c.boots, d.BootError)
			}
			all := strings.Join(states(d), " ")
			for _, s := range c.states {
				if !strings.Contains(all, s) {
					t.Errorf("SQLStates %q lack %s", all, s)
				}
			}
			found := false
			for _, f := range d.Findings {
				if f.Verdict == engine.Damaged && f.File == c.file && f.Page == c.page {
					found = true
				}
				if strings.Contains(f.Detail, "Hex dump") || len(f.Detail) > 1000 {
					t.Errorf("finding detail too long or with a dump: %q", f.Detail)
				}
			}
			if !found {
				t.Errorf("no damaged finding on %s page %d: %+v", c.file, c.page, d.Findings)
			}
			if c.boots && !strings.HasPrefix(c.name, "sys") {
				// The rest of the database was still checked after the
				// failure closed it.
				if tab := tableByName(t, d, "EFAKTUR", "LAWAN_TRANSAKSI"); !tab.Complete || tab.Rows != tables["EFAKTUR.LAWAN_TRANSAKSI"].Rows {
					t.Errorf("EFAKTUR.LAWAN_TRANSAKSI after the failure: %+v (reopen error %v)", tab, d.ReopenError)
				}
			}
			if len(d.Findings) > 0 {
				t.Logf("%s", d.Findings[0].Detail)
			}
		})
	}
	if d := &rep.Databases[len(cases)]; d.Verdict != engine.OK || d.Recovered {
		t.Errorf("the undamaged copy after the damaged ones: %s, findings %v", d.Verdict, d.Findings)
	} else {
		sameRows(t, d, healthyRef)
	}
	// An index page is not read by the table scan: every row still reads.
	if inv := tableByName(t, &rep.Databases[1], "EFAKTUR", "FAKTUR_KELUARAN"); inv.CheckOK || !inv.Complete || inv.Rows != faktur.Rows || inv.Hash != faktur.Hash {
		t.Errorf("index-byte: EFAKTUR.FAKTUR_KELUARAN %+v, want the check failed, every row read", inv)
	}
	// A damaged heap page stops the read early.
	if inv := tableByName(t, &rep.Databases[0], "EFAKTUR", "FAKTUR_KELUARAN"); inv.CheckOK || inv.Complete || inv.Hash != "" || inv.ReadError == nil || inv.Rows >= faktur.Rows {
		t.Errorf("heap-byte: EFAKTUR.FAKTUR_KELUARAN %+v", inv)
	}
}

// states lists every SQLState in a database's report.
func states(d *DatabaseReport) []string {
	var s []string
	add := func(e *EngineError) {
		if e != nil {
			s = append(s, e.States()...)
		}
	}
	add(d.BootError)
	add(d.ReopenError)
	for _, t := range d.Tables {
		add(t.CheckError)
		add(t.ReadError)
	}
	return s
}

// The program's own output, raw: no row content and no dump, although
// the damaged page (of the counterparties, names and NPWPs) is dumped
// into derby.log.
func TestProgramOutputHoldsNoRowData(t *testing.T) {
	rt := testRuntime(t)
	tables, secrets := layout(t)
	dir, _ := fixture(t, derbyfix.Clean)
	heap := filepath.Join(dir, filepath.FromSlash(tables["EFAKTUR.LAWAN_TRANSAKSI"].Container))
	flipByte(t, heap, 1*pageSize(t, heap)+1500)
	var derbyLog []byte
	afterProgram = func(tmp string) {
		derbyLog, _ = os.ReadFile(filepath.Join(tmp, "home", "system1", "derby.log"))
	}
	t.Cleanup(func() { afterProgram = nil })
	out, err := runProgram(runCtx(t), rt, []string{dir}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parseOutput(out); err != nil {
		t.Fatal(err)
	}
	leaked := 0
	for _, s := range secrets {
		if len(s) >= 8 && strings.Contains(hexDumpText(derbyLog), s[:8]) {
			leaked++
		}
	}
	if leaked == 0 {
		t.Errorf("derby.log shows none of the values in its dump: the check below proves nothing")
	}
	noContent(t, out, secrets)
	if !strings.Contains(string(out), "page dump omitted") {
		t.Errorf("the XSDG2 message was not reported with its dump cut off:\n%s", out)
	}
}

// hexDumpText joins the character columns of Derby's hex dump lines
// ("00000040: 0004 ...  .....beta..").
func hexDumpText(log []byte) string {
	var b strings.Builder
	for _, line := range strings.Split(string(log), "\n") {
		if len(line) > 51 && line[8] == ':' {
			b.WriteString(line[51:])
		}
	}
	return b.String()
}

// The JVM is killed when the context ends, and its folder removed.
func TestRunStopsWithContext(t *testing.T) {
	rt := testRuntime(t)
	dir, _ := fixture(t, derbyfix.Clean)
	var tmp string
	afterProgram = func(d string) { tmp = d }
	t.Cleanup(func() { afterProgram = nil })
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Run(ctx, rt, []Database{{Name: "x", Dir: dir}})
	var re *RunError
	if !errors.As(err, &re) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a RunError for the deadline", err)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("Run returned %v after the deadline", d)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary folder %s left behind: %v", tmp, err)
	}

	// The hard limit stops a run the caller's context does not.
	_, err = runProgram(context.Background(), rt, []string{dir}, 200*time.Millisecond)
	if !errors.As(err, &re) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "stopped after") {
		t.Fatalf("err = %v, want the hard limit", err)
	}
}

func TestRunRefusesBadInput(t *testing.T) {
	rt := &Runtime{Java: "java", Classpath: []string{"derby.jar"}}
	if _, err := Run(context.Background(), rt, nil); !errors.Is(err, ErrNoDatabases) {
		t.Errorf("no databases: %v", err)
	}
	if _, err := Run(context.Background(), nil, []Database{{Name: "x", Dir: t.TempDir()}}); err == nil {
		t.Errorf("no runtime: no error")
	}
	if _, err := Run(context.Background(), rt, []Database{{Name: "x", Dir: filepath.Join(t.TempDir(), "missing")}}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing folder: %v", err)
	}
}

// A folder that is no database: the engine refuses it (XJ004), damaged.
// A database made by a newer Derby: the engine cannot judge it.
func TestVerdicts(t *testing.T) {
	for _, c := range []struct {
		name string
		out  string
		want engine.Verdict
		code string
	}{
		{"not a database", `{"dir":"/x","booted":false,"boot_error":{"sqlstate":"XJ004","message":"Database '/x' not found."},"checkpoint_before":-1,"checkpoint_after":-1,"tables":[],"log":[],"seconds":0.1}`,
			engine.Damaged, "engine-boot"},
		{"newer derby", `{"dir":"/x","booted":false,"boot_error":{"sqlstate":"XJ040","message":"Failed to start database","cause":{"sqlstate":"XSLAN","message":"Database at /x has an incompatible format"}},"checkpoint_before":1,"checkpoint_after":-1,"tables":[],"log":[],"seconds":0.1}`,
			engine.NotChecked, "engine-cannot-judge"},
		{"encrypted", `{"dir":"/x","booted":false,"boot_error":{"sqlstate":"XJ040","message":"Failed","cause":{"sqlstate":"XBM06","message":"encrypted"}},"checkpoint_before":1,"checkpoint_after":-1,"tables":[],"log":[],"seconds":0.1}`,
			engine.NotChecked, "engine-cannot-judge"},
		{"lost log", `{"dir":"/x","booted":true,"checkpoint_before":1,"checkpoint_after":2,"tables":[],"log":["Incomplete log record detected in file /x/log/log3.dat clearing log file from position 50000 to eof at 1048576."],"seconds":0.1}`,
			engine.Damaged, "engine-log-lost"},
		{"shutdown", `{"dir":"/x","booted":true,"checkpoint_before":1,"checkpoint_after":1,"shutdown_sqlstate":"XSDG1","shutdown_error":{"sqlstate":"XSDG1","message":"Page could not be written"},"tables":[],"log":["ERROR XSDG1: Page Page(1,Container(0, 1168)) could not be written to disk"],"seconds":0.1}`,
			engine.Warning, "engine-shutdown"},
		{"read-only copy", `{"dir":"/x","booted":true,"checkpoint_before":1,"checkpoint_after":1,"shutdown_sqlstate":"08006","tables":[],"log":["on database directory /x in READ ONLY mode with class loader"],"seconds":0.1}`,
			engine.NotChecked, "engine-read-only"},
		{"logged error", `{"dir":"/x","booted":true,"checkpoint_before":1,"checkpoint_after":1,"shutdown_sqlstate":"08006","tables":[],"log":["ERROR XSDB4: Page Page(7,Container(0, 1168)) is at version 5, the log file contains change version 9"],"seconds":0.1}`,
			engine.Damaged, "engine-log-error"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := parseOutput([]byte(`{"format":1,"java":"1.8.0_202","java_vendor":"x","derby":"10.14.2.0","databases":[` + c.out + `]}`))
			if err != nil {
				t.Fatal(err)
			}
			d := out.Databases[0].report(Database{Name: "ETaxInvoice", Dir: "/x"})
			if d.Verdict != c.want {
				t.Errorf("verdict %s, want %s: %+v", d.Verdict, c.want, d.Findings)
			}
			var codes []string
			for _, f := range d.Findings {
				codes = append(codes, f.Code)
			}
			if !strings.Contains(strings.Join(codes, " "), c.code) {
				t.Errorf("codes %v lack %s", codes, c.code)
			}
		})
	}
	if _, err := parseOutput([]byte(`{"format":2,"databases":[]}`)); err == nil {
		t.Errorf("format 2 accepted")
	}
	if _, err := parseOutput([]byte(`{"format":1,"databases":[]} {}`)); err == nil {
		t.Errorf("two documents accepted")
	}
}

func TestLocate(t *testing.T) {
	for _, c := range []struct {
		msg  string
		file string
		page int64
	}{
		{"Invalid checksum on Page Page(10,Container(0, 1168)), expected=1, on-disk version=2, page dump omitted", "seg0/c490.dat", 10},
		{"The conglomerate (1,168) requested does not exist.", "seg0/c490.dat", -1},
		{"The conglomerate (1.168) requested does not exist.", "seg0/c490.dat", -1},
		{"Page Page(2,Container(-1, 5)) is temporary", "", -1},
		{"Java exception: 'java.lang.NullPointerException'", "", -1},
	} {
		file, page := locate(&EngineError{SQLState: "X", Message: "outer", Cause: &EngineError{Message: c.msg}})
		if file != c.file || page != c.page {
			t.Errorf("locate(%q) = %q, %d; want %q, %d", c.msg, file, page, c.file, c.page)
		}
	}
	if got := containerFile(32); got != "seg0/c20.dat" {
		t.Errorf("containerFile(32) = %s", got)
	}
}

func TestCompare(t *testing.T) {
	rec := []Table{
		{Schema: "APP", Name: "A", Rows: 10, Complete: true, Hash: "h1"},
		{Schema: "APP", Name: "B", Rows: 5, Complete: true, Hash: "h2"},
		{Schema: "APP", Name: "C", Rows: 7, Complete: true, Hash: "h3"},
		{Schema: "APP", Name: "D", Rows: 3, Complete: true, Hash: "h4"},
		{Schema: "SYS", Name: "SYSTABLES", System: true, Rows: 30, Complete: true, Hash: "s"},
	}
	now := []Table{
		{Schema: "APP", Name: "A", Rows: 10, Complete: true, Hash: "h1"},
		{Schema: "APP", Name: "B", Rows: 5, Complete: true, Hash: "other"},
		{Schema: "APP", Name: "C", Rows: 6, Complete: true, Hash: "h3x"},
		{Schema: "APP", Name: "E", Rows: 1, Complete: true, Hash: "h5"},
		{Schema: "SYS", Name: "SYSTABLES", System: true, Rows: 31, Complete: true, Hash: "s2"},
	}
	got := Compare(rec, now)
	var s []string
	for _, d := range got {
		s = append(s, d.Name+":"+d.What+":"+strconv.FormatInt(d.Recorded, 10)+":"+strconv.FormatInt(d.Now, 10))
	}
	want := "B:content:5:5 C:rows:7:6 D:missing:3:0 E:added:0:1"
	if strings.Join(s, " ") != want {
		t.Errorf("Compare = %v, want %s", s, want)
	}
	if d := (Difference{Schema: "APP", Name: "C", What: "rows", Recorded: 7, Now: 6}).String(); d != "APP.C: 7 rows recorded, 6 now" {
		t.Errorf("String = %q", d)
	}
	if got := Compare(rec, rec); len(got) != 0 {
		t.Errorf("Compare(x, x) = %v", got)
	}
	unread := append([]Table(nil), rec...)
	unread[0].Complete, unread[0].Hash, unread[0].Rows = false, "", 4
	if got := Compare(rec, unread); len(got) != 1 || got[0].What != "unreadable" {
		t.Errorf("unreadable: %v", got)
	}
}

// A folder whose path has spaces, a character outside ASCII and a ';'
// (which a JDBC URL would read as an attribute) is checked as any other.
func TestUnusualPath(t *testing.T) {
	rt := testRuntime(t)
	dir, ref := fixture(t, derbyfix.Clean)
	odd := filepath.Join(t.TempDir(), "Data Désiré;create=true", "ETaxInvoice")
	if err := os.MkdirAll(filepath.Dir(odd), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(dir, odd); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(runCtx(t), rt, []Database{{Name: "ETaxInvoice", Dir: odd}})
	if err != nil {
		t.Fatal(err)
	}
	if d := &rep.Databases[0]; d.Verdict != engine.OK {
		t.Errorf("verdict %s: %v", d.Verdict, d.Findings)
	} else {
		sameRows(t, d, ref)
	}
}
