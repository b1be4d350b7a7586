package inuse

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The real H2 engines the tests run: Debian's libh2-java and
// jameica-h2database (make deps-test installs both).
const (
	h2Jar    = "/usr/share/java/h2.jar"            // 2.1.214, MVStore format 2
	h2OldJar = "/usr/share/jameica/h2-1.4.197.jar" // 1.4.197, PageStore with MV_STORE=FALSE
)

// javaEnv compiles testdata/java once per test run. Without javac (a JRE
// only), programs run from source instead, which costs a second per start.
var javaEnv struct {
	once    sync.Once
	java    string
	classes string // compiled classes, or "" to run from source
	err     string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if javaEnv.classes != "" {
		os.RemoveAll(javaEnv.classes)
	}
	os.Exit(code)
}

// javaCmd returns a command running testdata/java/<prog>.java with jar on
// the class path, or skips the test when Java or the jar is missing.
func javaCmd(t *testing.T, jar, prog string, args ...string) *exec.Cmd {
	t.Helper()
	javaEnv.once.Do(func() {
		java, err := exec.LookPath("java")
		if err != nil {
			javaEnv.err = "java not found in PATH"
			return
		}
		javaEnv.java = java
		javac, err := exec.LookPath("javac")
		if err != nil {
			return
		}
		dir, err := os.MkdirTemp("", "inuse-java-")
		if err != nil {
			return
		}
		srcs, _ := filepath.Glob(filepath.Join("testdata", "java", "*.java"))
		out, err := exec.Command(javac, append([]string{"-d", dir}, srcs...)...).CombinedOutput()
		if err != nil {
			os.RemoveAll(dir)
			javaEnv.err = fmt.Sprintf("javac failed: %v\n%s", err, out)
			return
		}
		javaEnv.classes = dir
	})
	if javaEnv.err != "" {
		if javaEnv.java == "" {
			t.Skipf("skipping real-engine test: %s (install a JRE and the H2 jars: make deps-test)", javaEnv.err)
		}
		t.Fatal(javaEnv.err)
	}
	if jar != "" {
		if _, err := os.Stat(jar); err != nil {
			t.Skipf("skipping real-engine test: H2 jar %s missing (make deps-test installs it)", jar)
		}
	}
	// Fast start: no tiered compilation beyond C1, small heap.
	jvm := []string{"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m"}
	cp := jar
	var main string
	if javaEnv.classes != "" {
		cp = strings.Trim(javaEnv.classes+string(os.PathListSeparator)+jar, string(os.PathListSeparator))
		main = prog
	} else {
		main = filepath.Join("testdata", "java", prog+".java")
	}
	if cp != "" {
		jvm = append(jvm, "-cp", cp)
	}
	return exec.Command(javaEnv.java, append(append(jvm, main), args...)...)
}

// holder is a JVM running testdata/java/Hold.java.
type holder struct {
	cmd    *exec.Cmd
	pid    int
	stderr *bytes.Buffer
}

// startHold runs Hold on url and waits until it has the database in the
// state mode describes: "hold" (open; killed at cleanup), "crash" (halted
// with the database open) or "close" (closed cleanly).
func startHold(t *testing.T, jar, url, mode string) *holder {
	t.Helper()
	cmd := javaCmd(t, jar, "Hold", url, mode)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	h := &holder{cmd: cmd, stderr: new(bytes.Buffer)}
	cmd.Stderr = h.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h.pid = cmd.Process.Pid
	exited := make(chan error, 1)
	t.Cleanup(func() {
		stdin.Close() // Hold halts on EOF; kill in case it does not
		cmd.Process.Kill()
		<-exited
	})
	lines := make(chan string, 8)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		exited <- cmd.Wait()
	}()
	want := "READY"
	if mode == "close" {
		want = "CLOSED"
	}
	timeout := time.After(90 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("Hold %s %s exited before %s: %s", url, mode, want, h.stderr)
			}
			if l != want {
				continue
			}
			if mode == "hold" {
				return h
			}
			// crash and close end the JVM: wait for it, so that the
			// files are in their final state
			for range lines {
			}
			select {
			case err := <-exited:
				exited <- err
				if err != nil {
					t.Fatalf("Hold %s %s: %v: %s", url, mode, err, h.stderr)
				}
			case <-timeout:
				t.Fatalf("Hold %s %s did not exit", url, mode)
			}
			return h
		case <-timeout:
			t.Fatalf("Hold %s %s: no %s within 90s: %s", url, mode, want, h.stderr)
		}
	}
}

// jdbcURL is the URL of database "db" in dir, with H2 settings appended.
func jdbcURL(dir, settings string) string {
	return "jdbc:h2:" + filepath.ToSlash(filepath.Join(dir, "db")) + settings
}
