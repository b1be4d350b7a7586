package deepcheck

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/engine"
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

// noContent fails the test when the report carries row data.
func noContent(t *testing.T, rep *Report) {
	t.Helper()
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{marker, "0123456789012345", "Hex dump"} {
		if strings.Contains(string(b), bad) {
			t.Errorf("the report contains %q", bad)
		}
	}
}

// A clean copy and a crashed copy are both whole: recovery brings back
// every committed row of the crashed one. A read-only boot (no recovery)
// of the same crashed copy sees fewer rows: that is why the check boots
// writable.
func TestCleanAndCrashedCopies(t *testing.T) {
	rt := testRuntime(t)
	clean, _, _ := fixture(t, "clean")
	crashed, _, _ := fixture(t, "crashed")
	crashedRO, _, _ := fixture(t, "crashed")

	roRows := readOnlyCount(t, rt, crashedRO)
	t.Logf("read-only boot of the crashed copy: %d invoices of %d committed", roRows, crashedRows)
	if roRows >= crashedRows {
		t.Errorf("read-only boot saw %d invoices; the crash should have left committed rows only in the log", roRows)
	}

	start := time.Now()
	rep, err := Run(runCtx(t), rt, []Database{{Name: "clean", Dir: clean}, {Name: "crashed", Dir: crashed}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("engine check of two databases: %v (in the JVM: %.2f s, %.2f s)", time.Since(start).Round(time.Millisecond),
		rep.Databases[0].Seconds, rep.Databases[1].Seconds)
	if !rep.OK {
		t.Errorf("report not OK: %+v", rep.Databases)
	}
	noContent(t, rep)
	for i, want := range []struct {
		name      string
		rows      int64
		recovered bool
	}{{"clean", cleanRows, false}, {"crashed", crashedRows, true}} {
		d := &rep.Databases[i]
		if d.Name != want.name || !d.Booted || d.Verdict != engine.OK || len(d.Findings) != 0 {
			t.Errorf("%s: booted %v, verdict %s, findings %v", d.Name, d.Booted, d.Verdict, d.Findings)
		}
		if d.Recovered != want.recovered {
			t.Errorf("%s: recovered = %v, want %v", d.Name, d.Recovered, want.recovered)
		}
		inv := tableByName(t, d, "APP", "INVOICE")
		if inv.Rows != want.rows || !inv.Complete || !inv.CheckOK || len(inv.Hash) != 64 {
			t.Errorf("%s: APP.INVOICE %+v, want %d rows, complete, checked", d.Name, inv, want.rows)
		}
		doc := tableByName(t, d, "APP", "DOC")
		if doc.Rows != 1 || !doc.Complete {
			t.Errorf("%s: APP.DOC %+v", d.Name, doc)
		}
		sys := tableByName(t, d, "SYS", "SYSTABLES")
		if !sys.System || sys.Rows < 20 {
			t.Errorf("%s: SYS.SYSTABLES %+v", d.Name, sys)
		}
		wantUser := want.rows + 1
		if want.recovered {
			wantUser += extraRows
		}
		if d.UserRows() != wantUser {
			t.Errorf("%s: %d user rows, want %d", d.Name, d.UserRows(), wantUser)
		}
	}
	// The document table is the same in both: the same hash.
	if a, b := tableByName(t, &rep.Databases[0], "APP", "DOC"), tableByName(t, &rep.Databases[1], "APP", "DOC"); a.Hash != b.Hash {
		t.Errorf("APP.DOC hashes differ: %s %s", a.Hash, b.Hash)
	}
	if diffs := Compare(rep.Databases[0].Tables, rep.Databases[1].Tables); len(diffs) != 2 ||
		diffs[0].String() != "APP.EXTRA: not recorded, 2 rows now" ||
		diffs[1].String() != "APP.INVOICE: 2048 rows recorded, 4096 now" {
		t.Errorf("Compare(clean, crashed) = %v", diffs)
	}

	// A second run over the recovered copy proves the same rows.
	again, err := Run(runCtx(t), rt, []Database{{Name: "crashed", Dir: crashed}})
	if err != nil {
		t.Fatal(err)
	}
	if diffs := Compare(rep.Databases[1].Tables, again.Databases[0].Tables); len(diffs) != 0 {
		t.Errorf("the second run differs from the first: %v", diffs)
	}
	if again.Databases[0].Recovered {
		t.Errorf("the second run recovered again: the first should have left the copy shut down cleanly")
	}
}

// Each damage the engine refuses: a flipped byte in a heap page (XSDG2 on
// check and read), in an index page (XSDG2 on check, the rows still read),
// a deleted container (XSAI2), a truncated container (XSDG0), and a flipped
// byte in SYSCONGLOMERATES (the engine refuses to boot). One JVM checks
// them all, reconnecting after each failure.
func TestDamagedCopies(t *testing.T) {
	rt := testRuntime(t)
	type damage struct {
		name    string
		fixture string // "clean" when empty
		apply   func(t *testing.T, dir string, heap, index string)
		states  []string // SQLStates expected somewhere in the report
		boots   bool
		file    string // the finding's file: "heap", "index", or a path
		page    int64  // the finding's page, -1 when none
	}
	clean, _, _ := fixture(t, "clean")
	lastPage := lastDataPage(t, filepath.Join(clean, "seg0", "c20.dat"))
	cases := []damage{
		{name: "heap-byte", apply: func(t *testing.T, dir, heap, _ string) {
			flipByte(t, filepath.Join(dir, heap), 3*4096+2000)
		}, states: []string{"XSDG2"}, boots: true, file: "heap", page: 3},
		{name: "index-byte", apply: func(t *testing.T, dir, _, index string) {
			flipByte(t, filepath.Join(dir, index), 1*4096+1000)
		}, states: []string{"XSDG2"}, boots: true, file: "index", page: 1},
		{name: "deleted-container", apply: func(t *testing.T, dir, heap, _ string) {
			if err := os.Remove(filepath.Join(dir, heap)); err != nil {
				t.Fatal(err)
			}
		}, states: []string{"XSAI2"}, boots: true, file: "heap", page: -1},
		{name: "truncated-container", apply: func(t *testing.T, dir, heap, _ string) {
			if err := os.Truncate(filepath.Join(dir, heap), 4*4096); err != nil {
				t.Fatal(err)
			}
		}, states: []string{"XSDG0"}, boots: true, file: "heap", page: 4},
		// The boot itself reads no page of SYSCONGLOMERATES of a clean
		// database: the first query fails, and nothing can be listed.
		{name: "sysconglomerates-byte", apply: func(t *testing.T, dir, _, _ string) {
			flipByte(t, filepath.Join(dir, "seg0", "c20.dat"), 1*4096+1500)
		}, states: []string{"XSDG2"}, boots: true, file: "seg0/c20.dat", page: 1},
		// Recovery of a crashed one redoes the new table's catalog rows
		// (on the last data page of SYSCONGLOMERATES); with that page
		// damaged the engine shuts the store down under the open
		// connection, and every statement fails with a NullPointerException.
		{name: "sysconglomerates-byte-crashed", fixture: "crashed", apply: func(t *testing.T, dir, _, _ string) {
			flipByte(t, filepath.Join(dir, "seg0", "c20.dat"), lastPage*4096+1500)
		}, states: []string{"XJ001"}, boots: true, file: "seg0/c20.dat", page: lastPage},
		// The properties conglomerate is read at boot: the boot fails.
		{name: "properties-byte", apply: func(t *testing.T, dir, _, _ string) {
			flipByte(t, filepath.Join(dir, "seg0", "c10.dat"), 1*4096+1500)
		}, states: []string{"XJ040", "XSDG2"}, boots: false, file: "seg0/c10.dat", page: 1},
	}
	var dbs []Database
	var heap, index string
	for _, c := range cases {
		if c.fixture == "" {
			c.fixture = "clean"
		}
		dir, heapID, indexID := fixture(t, c.fixture)
		heap, index = containerFile(heapID), containerFile(indexID)
		c.apply(t, dir, heap, index)
		dbs = append(dbs, Database{Name: c.name, Dir: dir})
	}
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
	noContent(t, rep)
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
			file := c.file
			switch file {
			case "heap":
				file = heap
			case "index":
				file = index
			}
			found := false
			for _, f := range d.Findings {
				if f.Verdict == engine.Damaged && f.File == file && f.Page == c.page {
					found = true
				}
				if strings.Contains(f.Detail, "Hex dump") || len(f.Detail) > 700 {
					t.Errorf("finding detail too long or with a dump: %q", f.Detail)
				}
			}
			if !found {
				t.Errorf("no damaged finding on %s page %d: %+v", file, c.page, d.Findings)
			}
			if c.boots && !strings.HasPrefix(c.name, "sys") {
				// The rest of the database was still checked after the
				// failure closed it: the document table was read.
				if doc := tableByName(t, d, "APP", "DOC"); !doc.Complete || doc.Rows != 1 {
					t.Errorf("APP.DOC after the failure: %+v (reopen error %v)", doc, d.ReopenError)
				}
			}
			t.Logf("%s: %v", c.name, d.Findings[0].Detail)
		})
	}
	// An index page is not read by a heap scan: every row still reads.
	if inv := tableByName(t, &rep.Databases[1], "APP", "INVOICE"); inv.CheckOK || !inv.Complete || inv.Rows != cleanRows {
		t.Errorf("index-byte: APP.INVOICE %+v, want check failed, %d rows read", inv, cleanRows)
	}
	// A damaged heap page stops the read early.
	if inv := tableByName(t, &rep.Databases[0], "APP", "INVOICE"); inv.CheckOK || inv.Complete || inv.Hash != "" || inv.ReadError == nil {
		t.Errorf("heap-byte: APP.INVOICE %+v", inv)
	}
}

// lastDataPage is the number of the last page of a 4 KiB-page container
// that holds records: format 117, status valid, slots in use.
func lastDataPage(t *testing.T, path string) int64 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	last := int64(-1)
	for p := int64(0); (p+1)*4096 <= int64(len(data)); p++ {
		pg := data[p*4096 : (p+1)*4096]
		if pg[0] == 0 && pg[1] == 117 && pg[5] == 1 && (pg[14] != 0 || pg[15] != 0) {
			last = p
		}
	}
	if last < 1 {
		t.Fatalf("%s: no data page", path)
	}
	return last
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

// The program's own output, raw: no row content, one JSON document, and
// the derby.log lines it reports are the engine's, not the dump's.
func TestProgramOutputHoldsNoRowData(t *testing.T) {
	rt := testRuntime(t)
	dir, heapID, _ := fixture(t, "clean")
	// Page 1 holds the first invoices, whose names carry the marker.
	flipByte(t, filepath.Join(dir, containerFile(heapID)), 1*4096+3000)
	out, err := runProgram(runCtx(t), rt, []string{dir}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parseOutput(out); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{marker, "Hex dump", "page dump follows"} {
		if strings.Contains(string(out), bad) {
			t.Errorf("the program's output contains %q", bad)
		}
	}
	if regexp.MustCompile(`[0-9a-f]{8}: [0-9a-f]{4} `).Match(out) {
		t.Errorf("the program's output contains a hex dump line")
	}
	if !strings.Contains(string(out), "page dump omitted") {
		t.Errorf("the XSDG2 message was not reported with its dump cut off:\n%s", out)
	}
}

// The JVM is killed when the context ends, and its folder removed.
func TestRunStopsWithContext(t *testing.T) {
	rt := testRuntime(t)
	dir, _, _ := fixture(t, "clean")
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
