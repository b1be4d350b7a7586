package derby

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/efbackup/efbackup/engine"
	derbyfix "github.com/efbackup/efbackup/fixtures/derby"
)

// requireEngine skips a test that needs the real engine when it cannot run
// here, unless EFBACKUP_REQUIRE_DERBY=1 says it must.
func requireEngine(t testing.TB) *derbyfix.Toolchain {
	t.Helper()
	tc, err := derbyfix.Find()
	if err != nil {
		if os.Getenv("EFBACKUP_REQUIRE_DERBY") == "1" {
			t.Fatalf("EFBACKUP_REQUIRE_DERBY=1: %v", err)
		}
		t.Skipf("skipped: %v", err)
	}
	return tc
}

// fixture returns the cached, read-only folder of a database the real
// engine made.
func fixture(t testing.TB, spec derbyfix.Spec) string {
	t.Helper()
	requireEngine(t)
	dir, err := derbyfix.Ensure(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// private returns a private copy of a database folder.
func private(t testing.TB, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := derbyfix.CopyDB(context.Background(), src, dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

func checkDir(t testing.TB, dir string) (*engine.Database, map[string]engine.FileResult) {
	t.Helper()
	db, res, err := CheckFolder(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if db != nil {
		checkWorded(t, db)
	}
	return db, res
}

// findings returns the findings of db with the given code.
func findings(db *engine.Database, code string) []engine.Finding {
	var out []engine.Finding
	for _, f := range db.Findings {
		if f.Code == code {
			out = append(out, f)
		}
	}
	return out
}

// describe lists the findings for a failure message: codes, files and
// details, which never hold row contents.
func describe(db *engine.Database) string {
	var b strings.Builder
	fmt.Fprintf(&b, "verdict %s, state %s, %d findings", db.Verdict, db.State, len(db.Findings))
	for _, f := range db.Findings {
		fmt.Fprintf(&b, "\n  %s %s %s page %d offset %d: %s", f.Verdict, f.Code, f.File, f.Page, f.Offset, f.Detail)
	}
	return b.String()
}

// wantFinding fails unless db has a finding of code with verdict v (about
// file, unless file is "").
func wantFinding(t testing.TB, db *engine.Database, code string, v engine.Verdict, file string) engine.Finding {
	t.Helper()
	for _, f := range findings(db, code) {
		if f.Verdict == v && (file == "" || f.File == file) {
			return f
		}
	}
	t.Fatalf("no %s finding %s about %q; %s", v, code, file, describe(db))
	return engine.Finding{}
}

// noDamage fails if db has a Damaged finding.
func noDamage(t testing.TB, db *engine.Database) {
	t.Helper()
	for _, f := range db.Findings {
		if f.Verdict == engine.Damaged {
			t.Fatalf("damaged finding on a healthy database: %s", describe(db))
		}
	}
}

// made holds databases the tests make themselves with the engine, for
// what the fixture package does not make (encryption, a log kept elsewhere,
// a crash spread over many log files). Each is made once per test binary.
var made struct {
	sync.Mutex
	root string
	dirs map[string]string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if made.root != "" {
		os.RemoveAll(made.root)
	}
	os.Exit(code)
}

// madeDB returns the folder of the database name, made by running the ij
// script the first time; crash says to kill the JVM (SIGKILL) once the
// script is done, instead of shutting the database down cleanly. Further
// JVM system properties come in props.
func madeDB(t testing.TB, name string, crash bool, props []string, script func(dir string) string) string {
	t.Helper()
	tc := requireEngine(t)
	made.Lock()
	defer made.Unlock()
	if d, ok := made.dirs[name]; ok {
		return d
	}
	if made.root == "" {
		r, err := os.MkdirTemp("", "derbycheck-made-")
		if err != nil {
			t.Fatal(err)
		}
		made.root, made.dirs = r, map[string]string{}
	}
	work := filepath.Join(made.root, name)
	os.RemoveAll(work) // left by an earlier attempt that failed
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(work, "db")
	args := append([]string{"-Dderby.stream.error.file=" + filepath.Join(work, "derby.log")}, props...)
	args = append(args, "-cp", tc.Classpath(), "org.apache.derby.tools.ij")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tc.Java, args...)
	cmd.Dir = work
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const marker = "SCRIPT-DONE-MARKER"
	io.WriteString(stdin, script(dir)+"\nvalues '"+marker+"';\n")
	if !crash {
		io.WriteString(stdin, shutdown(dir)+"\nexit;\n")
		stdin.Close()
	}
	sc := bufio.NewScanner(stdout)
	var out []string
	done := false
	for sc.Scan() {
		line := sc.Text()
		out = append(out, line)
		if strings.Contains(line, "ERROR") && !strings.Contains(line, "08006") {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("ij: %s", line)
		}
		if strings.Contains(line, marker) && !strings.Contains(line, "values") {
			done = true
			if crash {
				cmd.Process.Kill()
				break
			}
		}
	}
	cmd.Wait()
	if !done {
		t.Fatalf("ij did not finish the script for %s:\n%s", name, strings.Join(out, "\n"))
	}
	made.dirs[name] = dir
	return dir
}

// rowsScript creates a table and fills it with n rows of about 200 bytes
// in a few statements (a cross join of the catalog multiplies them).
func rowsScript(connect string, n int) string {
	return fmt.Sprintf(`connect '%s';
create table app.t(id int generated always as identity primary key, v varchar(300));
insert into app.t(v) values ('%s');
insert into app.t(v) select '%s' from sys.syscolumns a, sys.systables b fetch first %d rows only;
`, connect, strings.Repeat("x", 200), strings.Repeat("y", 200), n)
}

func shutdown(dir string) string {
	return fmt.Sprintf("connect 'jdbc:derby:%s;shutdown=true';", dir)
}

// encryptedDB is an encrypted database, shut down cleanly or killed.
func encryptedDB(t testing.TB, crash bool) string {
	name := "encrypted-clean"
	if crash {
		name = "encrypted-crashed"
	}
	return madeDB(t, name, crash, nil, func(dir string) string {
		s := rowsScript("jdbc:derby:"+dir+";create=true;dataEncryption=true;bootPassword=kata-sandi-uji-1234", 3000)
		if crash {
			// committed work after a checkpoint, which only recovery
			// brings back
			s += "call syscs_util.syscs_checkpoint_database();\ninsert into app.t(v) values ('after the checkpoint');\n"
		}
		return s
	})
}

// logDeviceDB is a database whose log lives outside its folder.
func logDeviceDB(t testing.TB) string {
	return madeDB(t, "log-device", false, nil, func(dir string) string {
		return rowsScript("jdbc:derby:"+dir+";create=true;logDevice="+filepath.Join(filepath.Dir(dir), "elsewhere"), 500)
	})
}

// manyLogsDB is a database killed after committing work spread over many
// small log files since its last checkpoint.
func manyLogsDB(t testing.TB) string {
	return madeDB(t, "many-logs", true,
		[]string{"-Dderby.storage.logSwitchInterval=100000", "-Dderby.storage.checkpointInterval=100000000"},
		func(dir string) string { return rowsScript("jdbc:derby:"+dir+";create=true", 6000) })
}
