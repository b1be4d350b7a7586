package deepcheck

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The databases the engine tests run on are made by the real engine, with
// Derby's ij tool, once per test binary, and copied for each test.
//
// clean: shut down cleanly, cleanRows invoices and one document with large
// LOBs. crashed: the clean database opened again, a table APP.EXTRA of
// extraRows rows made and crashedRows-cleanRows more invoices committed,
// then the JVM killed, as when e-Faktur's PC loses power: the committed
// work is only in the log.

const (
	cleanRows   = 2048
	crashedRows = 4096
	extraRows   = 2
	// marker is in every invoice's name: no output may ever contain it.
	marker = "RAHASIA-NPWP-7788"
)

var testMain struct {
	dir string // removed when the tests end
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "deepcheck-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testMain.dir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// requireDerby skips the test when the real engine is not available,
// unless EFBACKUP_REQUIRE_DERBY=1 says it must be.
func requireDerby(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("EFBACKUP_REQUIRE_DERBY") == "1" {
		t.Fatalf("EFBACKUP_REQUIRE_DERBY=1 but %s", why)
	}
	t.Skip(why)
}

var sysRuntime struct {
	once sync.Once
	rt   *Runtime
	err  error
}

// testRuntime is the system's Java and Derby (Debian: default-jre or a JDK,
// libderby-java).
func testRuntime(t testing.TB) *Runtime {
	t.Helper()
	sysRuntime.once.Do(func() {
		sysRuntime.rt, sysRuntime.err = FindRuntime(FindOptions{})
	})
	if sysRuntime.err != nil {
		requireDerby(t, "no Java and Derby: "+sysRuntime.err.Error())
	}
	return sysRuntime.rt
}

// toolsJar is derbytools.jar (ij) beside the engine jar.
func toolsJar(t testing.TB, rt *Runtime) string {
	t.Helper()
	p := filepath.Join(filepath.Dir(rt.Classpath[0]), "derbytools.jar")
	if _, err := os.Stat(p); err != nil {
		requireDerby(t, "no derbytools.jar beside "+rt.Classpath[0]+" (Debian: apt-get install derby-tools)")
	}
	return p
}

// ijCmd is ij reading statements from stdin.
func ijCmd(t testing.TB, rt *Runtime, home string) *exec.Cmd {
	cp := strings.Join(append(append([]string{}, rt.Classpath...), toolsJar(t, rt)), string(os.PathListSeparator))
	cmd := exec.Command(rt.Java, "-Dderby.system.home="+home, "-Dderby.stream.error.file="+filepath.Join(home, "derby.log"),
		"-cp", cp, "org.apache.derby.tools.ij")
	cmd.Dir = home
	return cmd
}

// ij runs a script and returns what ij printed; any ERROR fails the test
// except the 08006 of a shutdown.
func ij(t testing.TB, rt *Runtime, home, script string) string {
	t.Helper()
	cmd := ijCmd(t, rt, home)
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ij: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "ERROR") && !strings.Contains(line, "08006") {
			t.Fatalf("ij: %s", line)
		}
	}
	return string(out)
}

func jdbcPath(dir string) string { return filepath.ToSlash(dir) }

type template struct {
	once    sync.Once
	dir     string
	heapID  int64 // container of APP.INVOICE's rows
	indexID int64 // container of its primary key
	err     string
}

var templates = map[string]*template{"clean": {}, "crashed": {}}

// fixture copies the named template database into a new folder under
// t.TempDir() and returns it, with the ids of the invoice table's heap
// and primary-key containers.
func fixture(t *testing.T, name string) (dir string, heapID, indexID int64) {
	t.Helper()
	rt := testRuntime(t)
	tpl := templates[name]
	tpl.once.Do(func() { tpl.err = makeTemplate(t, rt, name, tpl) })
	if tpl.err != "" {
		t.Fatalf("making the %s database: %s", name, tpl.err)
	}
	dir = filepath.Join(t.TempDir(), "db")
	copyTree(t, tpl.dir, dir)
	return dir, tpl.heapID, tpl.indexID
}

func makeTemplate(t *testing.T, rt *Runtime, name string, tpl *template) (failure string) {
	defer func() {
		if r := recover(); r != nil {
			failure = fmt.Sprint(r)
		}
	}()
	home := filepath.Join(testMain.dir, "ij-"+name)
	if err := os.MkdirAll(home, 0o700); err != nil {
		return err.Error()
	}
	start := time.Now()
	switch name {
	case "clean":
		tpl.dir = filepath.Join(testMain.dir, "clean")
		var b strings.Builder
		fmt.Fprintf(&b, "connect 'jdbc:derby:%s;create=true';\n", jdbcPath(tpl.dir))
		b.WriteString(`create table app.invoice (id int primary key, npwp char(16), name varchar(100), amount decimal(15,2), created timestamp);
create index app.invoice_name on app.invoice(name);
create table app.doc (id int primary key, body clob, data blob);
insert into app.invoice values (1, '0123456789012345', 'PT ` + marker + `', 1000.50, '2024-01-01 10:00:00');
`)
		for n := 1; n < cleanRows; n *= 2 {
			b.WriteString("insert into app.invoice select id + (select max(id) from app.invoice), npwp, name, amount + 1, created from app.invoice;\n")
		}
		b.WriteString("insert into app.doc values (1, cast('" + marker + " body ' as clob), cast(X'00010203040506070809' as blob));\n")
		// Doubled 13 times: LOBs of some 80 KiB, past one 32 KiB page.
		for i := 0; i < 13; i++ {
			b.WriteString("update app.doc set body = body || body, data = data || data;\n")
		}
		fmt.Fprintf(&b, "connect 'jdbc:derby:%s;shutdown=true';\nexit;\n", jdbcPath(tpl.dir))
		ij(t, rt, home, b.String())
	case "crashed":
		clean := templates["clean"]
		clean.once.Do(func() { clean.err = makeTemplate(t, rt, "clean", clean) })
		if clean.err != "" {
			return "clean: " + clean.err
		}
		tpl.dir = filepath.Join(testMain.dir, "crashed")
		copyTree(t, clean.dir, tpl.dir)
		if err := crash(t, rt, home, tpl.dir); err != nil {
			return err.Error()
		}
		// The crash only added rows: the containers are the clean one's.
		tpl.heapID, tpl.indexID = clean.heapID, clean.indexID
		t.Logf("made the %s database with ij in %v", name, time.Since(start).Round(time.Millisecond))
		return ""
	}
	t.Logf("made the %s database with ij in %v", name, time.Since(start).Round(time.Millisecond))
	out := ij(t, rt, home, fmt.Sprintf(`connect 'jdbc:derby:%s';
select 'CONGLOM ' || cast(c.isindex as char(5)) || ' ' || cast(c.conglomeratenumber as char(12)) from sys.sysconglomerates c join sys.systables t on c.tableid = t.tableid where t.tablename = 'INVOICE' and (c.isindex = false or c.conglomeratename like 'SQL%%');
connect 'jdbc:derby:%s;shutdown=true';
exit;
`, jdbcPath(tpl.dir), jdbcPath(tpl.dir)))
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == "CONGLOM" {
			id, err := strconv.ParseInt(f[2], 10, 64)
			if err != nil {
				return "conglomerate number: " + line
			}
			if f[1] == "false" {
				tpl.heapID = id
			} else {
				tpl.indexID = id
			}
		}
	}
	if tpl.heapID == 0 || tpl.indexID == 0 {
		return "conglomerate numbers not found in ij's output"
	}
	return ""
}

// crash opens dir with ij, commits crashedRows-cleanRows more invoices,
// kills the JVM and leaves the folder as a copy of it would be (without
// the lock files and tmp/, which backups omit).
func crash(t *testing.T, rt *Runtime, home, dir string) error {
	cmd := ijCmd(t, rt, home)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return err
	}
	defer cmd.Wait() //nolint:errcheck // killed
	fmt.Fprintf(stdin, "connect 'jdbc:derby:%s';\n", jdbcPath(dir))
	// A table made after the last checkpoint: recovery redoes its rows in
	// the catalog (SYSCONGLOMERATES among them).
	fmt.Fprintln(stdin, "create table app.extra (id int primary key, note varchar(40));")
	fmt.Fprintf(stdin, "insert into app.extra values (1, '%s'), (2, 'kedua');\n", marker)
	for n := cleanRows; n < crashedRows; n *= 2 {
		fmt.Fprintln(stdin, "insert into app.invoice select id + (select max(id) from app.invoice), npwp, name, amount + 1, created from app.invoice;")
	}
	fmt.Fprintln(stdin, "values 'COMMITTED' || 'EVERYTHING';")
	done := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if strings.Contains(line, "ERROR") {
				done <- errors.New("ij: " + line)
				return
			}
			if strings.Contains(line, "COMMITTEDEVERYTHING") {
				done <- nil
				return
			}
		}
		done <- errors.New("ij ended before its work was committed")
	}()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		err = errors.New("ij did not finish within 60 s")
	}
	// Killed with the database open: no checkpoint, no clean shutdown.
	_ = cmd.Process.Kill()
	go io.Copy(io.Discard, stdout) //nolint:errcheck // drain
	if err != nil {
		return err
	}
	for _, rel := range []string{"db.lck", "dbex.lck", "tmp"} {
		os.RemoveAll(filepath.Join(dir, rel))
	}
	return nil
}

// readOnlyCount boots dir read-only, as Derby boots a database inside a zip
// (no recovery), and counts the invoices it sees.
func readOnlyCount(t *testing.T, rt *Runtime, dir string) int64 {
	t.Helper()
	zipPath := filepath.Join(t.TempDir(), "db.zip")
	zipTree(t, dir, zipPath, "db")
	home := t.TempDir()
	out := ij(t, rt, home, fmt.Sprintf(`connect 'jdbc:derby:jar:(%s)db';
select 'COUNT ' || cast(count(*) as char(12)) from app.invoice;
exit;
`, jdbcPath(zipPath)))
	log, _ := os.ReadFile(filepath.Join(home, "derby.log"))
	if !strings.Contains(string(log), "READ ONLY mode") {
		t.Fatalf("the zipped copy was not booted read-only")
	}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "COUNT" {
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(line)
			}
			return n
		}
	}
	t.Fatalf("no count in ij's output")
	return 0
}

// zipTree writes the files under dir into a zip at zipPath, under prefix.
func zipTree(t testing.TB, dir, zipPath, prefix string) {
	t.Helper()
	f, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(prefix + "/" + filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// flipByte inverts one byte of a file.
func flipByte(t testing.TB, path string, off int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0xff
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

// runCtx is a context for one engine run in a test.
func runCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
