package deepcheck

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	derbyfix "github.com/efbackup/efbackup/fixtures/derby"
)

// The databases the engine tests run on are made by the real engine and
// cached by package derbyfix (fixtures/derby): an e-Faktur-like schema
// whose rows derive from a seed, in the states Clean, Exited (the JVM
// exited without shutting Derby down), Crashed (killed in a transaction)
// and HotCopy (copied file by file while written). Each test gets its own
// copy.

// fixtureSeed is the seed of every fixture here.
const fixtureSeed = 1

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

// ij runs a script through Derby's ij tool and returns what it printed;
// any ERROR fails the test except the 08006 of a shutdown.
func ij(t testing.TB, rt *Runtime, home, script string) string {
	t.Helper()
	cp := strings.Join(append(append([]string{}, rt.Classpath...), toolsJar(t, rt)), string(os.PathListSeparator))
	cmd := exec.Command(rt.Java, "-Dderby.system.home="+home, "-Dderby.stream.error.file="+filepath.Join(home, "derby.log"),
		"-cp", cp, "org.apache.derby.tools.ij")
	cmd.Dir = home
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

// fixture copies the cached database of state into a new folder and
// returns it, with the reference dump of its committed rows.
func fixture(t *testing.T, state derbyfix.State) (dir string, ref *derbyfix.Dump) {
	t.Helper()
	testRuntime(t)
	spec := derbyfix.Spec{Seed: fixtureSeed, State: state}
	ctx := runCtx(t)
	dir = filepath.Join(t.TempDir(), derbyfix.DefaultName)
	if err := derbyfix.Materialize(ctx, spec, dir); err != nil {
		var me *derbyfix.MissingEngineError
		if errors.As(err, &me) {
			requireDerby(t, err.Error())
		}
		t.Fatal(err)
	}
	ref, err := derbyfix.Reference(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	return dir, ref
}

// sameRows fails the test unless the user tables of d hold the row counts
// of the reference dump, table for table.
func sameRows(t *testing.T, d *DatabaseReport, ref *derbyfix.Dump) {
	t.Helper()
	seen := 0
	for _, tab := range d.Tables {
		if tab.System {
			continue
		}
		seen++
		r, ok := ref.Table(tab.Schema + "." + tab.Name)
		switch {
		case !ok:
			t.Errorf("%s: table %s.%s is not in the reference", d.Name, tab.Schema, tab.Name)
		case r.Rows != tab.Rows || !tab.Complete:
			t.Errorf("%s: %s.%s has %d rows (complete %v), the reference %d", d.Name, tab.Schema, tab.Name, tab.Rows, tab.Complete, r.Rows)
		}
	}
	if seen != len(ref.Tables) {
		t.Errorf("%s: %d user tables, the reference %d", d.Name, seen, len(ref.Tables))
	}
	if d.UserRows() != ref.Rows() {
		t.Errorf("%s: %d user rows, the reference %d", d.Name, d.UserRows(), ref.Rows())
	}
}

// readOnlyRows boots dir read-only, as Derby boots a database inside a zip
// (no recovery), and counts the rows of the reference's tables.
func readOnlyRows(t *testing.T, rt *Runtime, dir string, ref *derbyfix.Dump) int64 {
	t.Helper()
	zipPath := filepath.Join(t.TempDir(), "db.zip")
	zipTree(t, dir, zipPath, "db")
	home := t.TempDir()
	var b strings.Builder
	fmt.Fprintf(&b, "connect 'jdbc:derby:jar:(%s)db';\n", jdbcPath(zipPath))
	for _, tab := range ref.Tables {
		fmt.Fprintf(&b, "select 'COUNT ' || cast(count(*) as char(12)) from %s;\n", tab.Name)
	}
	b.WriteString("exit;\n")
	out := ij(t, rt, home, b.String())
	log, _ := os.ReadFile(filepath.Join(home, "derby.log"))
	if !strings.Contains(string(log), "READ ONLY mode") {
		t.Fatalf("the zipped copy was not booted read-only")
	}
	var total int64
	counts := 0
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "COUNT" {
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(line)
			}
			total += n
			counts++
		}
	}
	if counts != len(ref.Tables) {
		t.Fatalf("%d counts in ij's output for %d tables", counts, len(ref.Tables))
	}
	return total
}

// secrets are values stored in the database (the names and NPWPs of
// counterparties, the taxpayer's name), which no output may contain.
func secrets(t *testing.T, rt *Runtime, dir string) []string {
	t.Helper()
	home := t.TempDir()
	out := ij(t, rt, home, fmt.Sprintf(`connect 'jdbc:derby:%s';
select 'SECRET ' || nama from efaktur.lawan_transaksi;
select 'SECRET ' || npwp from efaktur.lawan_transaksi;
select 'SECRET ' || nama from efaktur.profil_pkp;
connect 'jdbc:derby:%s;shutdown=true';
exit;
`, jdbcPath(dir), jdbcPath(dir)))
	var s []string
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "SECRET "); ok && len(strings.TrimSpace(v)) >= 8 {
			s = append(s, strings.TrimSpace(v))
		}
	}
	if len(s) < 40 {
		t.Fatalf("only %d values read from the database", len(s))
	}
	return s
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
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
