package deepcheck

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/install"

	derbyfix "github.com/efbackup/efbackup/fixtures/derby"
)

// systemDerby is Debian's engine jar, the one the tests compare against.
func systemDerby(t *testing.T) (jar, java string) {
	t.Helper()
	rt := testRuntime(t)
	return rt.Classpath[0], rt.Java
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeJava writes a java launcher into dir/java/bin that runs the real
// java and leaves a trace, so the test can tell which java ran.
func fakeJava(t *testing.T, install, realJava string) (launcher, trace string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the launcher is a shell script")
	}
	launcher = filepath.Join(install, "java", "bin", "java")
	trace = filepath.Join(install, "java-ran")
	if err := os.MkdirAll(filepath.Dir(launcher), 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho ran >> '" + trace + "'\nexec '" + realJava + "' \"$@\"\n"
	if err := os.WriteFile(launcher, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return launcher, trace
}

// An install with its own java/bin/java and lib/derby.jar is preferred
// over java on PATH and the system's engine, and it runs the check.
func TestFindRuntimeInstall(t *testing.T) {
	jar, realJava := systemDerby(t)
	install := t.TempDir()
	launcher, trace := fakeJava(t, install, realJava)
	copyFile(t, jar, filepath.Join(install, "lib", "derby.jar"))
	// The other Derby jars an install may carry are not the engine.
	for _, other := range []string{"derbyclient.jar", "derbytools.jar", "derbyLocale_de_DE.jar"} {
		if p := filepath.Join(filepath.Dir(jar), other); fileExists(p) {
			copyFile(t, p, filepath.Join(install, "lib", other))
		}
	}
	rt, err := FindRuntime(FindOptions{Install: install})
	if err != nil {
		t.Fatal(err)
	}
	if rt.Java != launcher || rt.JavaSource != "install" || rt.Source != "install" {
		t.Errorf("runtime %+v, want the install's java and engine", rt)
	}
	if len(rt.Classpath) != 1 || rt.Classpath[0] != filepath.Join(install, "lib", "derby.jar") {
		t.Errorf("classpath %v", rt.Classpath)
	}
	if rt.DerbyVersion != "10.14.2.0" && !strings.HasPrefix(rt.DerbyVersion, "10.") {
		t.Errorf("Derby version %q", rt.DerbyVersion)
	}
	if javaMajor(rt.JavaVersion) < 8 {
		t.Errorf("Java version %q", rt.JavaVersion)
	}

	dir, ref := fixture(t, derbyfix.Clean)
	if err := os.Remove(trace); err != nil {
		t.Fatal(err) // java -version ran through the launcher
	}
	rep, err := Run(runCtx(t), rt, []Database{{Name: "ETaxInvoice", Dir: dir}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK {
		t.Errorf("report %+v", rep.Databases[0])
	}
	sameRows(t, &rep.Databases[0], ref)
	if !fileExists(trace) {
		t.Errorf("the check did not run the install's java")
	}
}

// The engine packed inside the application's own jar is found there.
func TestFindRuntimePackedEngine(t *testing.T) {
	jar, realJava := systemDerby(t)
	install := t.TempDir()
	fakeJava(t, install, realJava)
	copyFile(t, jar, filepath.Join(install, "lib", "ETaxInvoice-app.jar"))
	// A jar without the engine is passed over.
	if err := os.WriteFile(filepath.Join(install, "lib", "aaa-other.jar"), []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	rt, err := FindRuntime(FindOptions{Install: install})
	if err != nil {
		t.Fatal(err)
	}
	if rt.Source != "install" || len(rt.Classpath) != 1 || filepath.Base(rt.Classpath[0]) != "ETaxInvoice-app.jar" {
		t.Errorf("runtime %+v", rt)
	}
	dir, _ := fixture(t, derbyfix.Clean)
	rep, err := Run(runCtx(t), rt, []Database{{Name: "ETaxInvoice", Dir: dir}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK {
		t.Errorf("report %+v", rep.Databases[0])
	}
}

// Explicit options win over the install; a classpath without the engine
// is refused.
func TestFindRuntimeFlags(t *testing.T) {
	jar, realJava := systemDerby(t)
	install := t.TempDir()
	fakeJava(t, install, realJava)
	copyFile(t, jar, filepath.Join(install, "lib", "derby.jar"))
	rt, err := FindRuntime(FindOptions{Install: install, Java: realJava, DerbyClasspath: filepath.Dir(jar)})
	if err != nil {
		t.Fatal(err)
	}
	if rt.Java != realJava || rt.JavaSource != "flag" || rt.Source != "flag" || filepath.Dir(rt.Classpath[0]) != filepath.Dir(jar) {
		t.Errorf("runtime %+v", rt)
	}
	notEngine := filepath.Join(t.TempDir(), "derbyclient.jar")
	if p := filepath.Join(filepath.Dir(jar), "derbyclient.jar"); fileExists(p) {
		copyFile(t, p, notEngine)
	} else {
		os.WriteFile(notEngine, []byte("x"), 0o644)
	}
	_, err = FindRuntime(FindOptions{DerbyClasspath: notEngine})
	var nre *NoRuntimeError
	if !errors.As(err, &nre) || nre.Missing != "derby" || !strings.Contains(err.Error(), notEngine) {
		t.Errorf("classpath without the engine: %v", err)
	}
	_, err = FindRuntime(FindOptions{Java: filepath.Join(t.TempDir(), "nojava")})
	if !errors.As(err, &nre) || nre.Missing != "java" {
		t.Errorf("missing java: %v", err)
	}
}

// Nothing anywhere: the error says what was looked at and what to do.
func TestFindRuntimeNothing(t *testing.T) {
	saved := systemDerbyJars
	t.Cleanup(func() { systemDerbyJars = saved })
	systemDerbyJars = []string{filepath.Join(t.TempDir(), "usr", "share", "java", "derby.jar")}
	t.Setenv("DERBY_HOME", "")
	t.Setenv("JAVA_HOME", "")
	t.Setenv("PATH", t.TempDir())
	install := t.TempDir()

	_, err := FindRuntime(FindOptions{Install: install})
	var nre *NoRuntimeError
	if !errors.As(err, &nre) || nre.Missing != "derby" {
		t.Fatalf("err = %v, want a NoRuntimeError for derby", err)
	}
	msg := err.Error()
	for _, want := range []string{filepath.Join(install, "lib"), systemDerbyJars[0], "$DERBY_HOME"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not name %s", msg, want)
		}
	}
	if runtime.GOOS != "windows" && !strings.Contains(msg, "apt-get install libderby-java") {
		t.Errorf("%q gives no Debian hint", msg)
	}

	// An engine but no java.
	jar := saved[0]
	if !fileExists(jar) {
		t.Skip("no system derby.jar to copy")
	}
	copyFile(t, jar, filepath.Join(install, "lib", "derby.jar"))
	_, err = FindRuntime(FindOptions{Install: install})
	if !errors.As(err, &nre) || nre.Missing != "java" {
		t.Fatalf("err = %v, want a NoRuntimeError for java", err)
	}
	msg = err.Error()
	for _, want := range []string{filepath.Join(install, "java", "bin", javaName()), "java on PATH", "Java runtime"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not name %s", msg, want)
		}
	}
}

func TestHintWording(t *testing.T) {
	if h := hint("derby", "windows"); !strings.Contains(h, `lib\`) || strings.Contains(h, "apt-get") {
		t.Errorf("Windows derby hint %q", h)
	}
	if h := hint("java", "windows"); !strings.Contains(h, `java\bin\java.exe`) {
		t.Errorf("Windows java hint %q", h)
	}
	if h := hint("java", "linux"); !strings.Contains(h, "apt-get install default-jre-headless") {
		t.Errorf("Debian java hint %q", h)
	}
}

func TestVersions(t *testing.T) {
	for v, want := range map[string]int{"1.8.0_202": 8, "17.0.15": 17, "21": 21, "11.0.2+9": 11, "1.7.0_80": 7, "": 0, "9-ea": 9} {
		if got := javaMajor(v); got != want {
			t.Errorf("javaMajor(%q) = %d, want %d", v, got, want)
		}
	}
	for v, want := range map[string]int{"10.14.2.0": 8, "10.10.1.1": 8, "10.15.2.0": 9, "10.16.1.1": 17, "10.17.1.0": 21} {
		if got := javaFloor(v); got != want {
			t.Errorf("javaFloor(%q) = %d, want %d", v, got, want)
		}
	}
	jar := "/usr/share/java/derby.jar"
	if !fileExists(jar) {
		requireDerby(t, "no "+jar)
	}
	v, build, ok := install.DerbyJarVersion(jar)
	if !ok || v != "10.14.2.0" || build != "" {
		t.Errorf("install.DerbyJarVersion(%s) = %q, %q, %v; want 10.14.2.0 and no build (Debian's is \"???\")", jar, v, build, ok)
	}
	if _, _, ok := install.DerbyJarVersion(filepath.Join(filepath.Dir(jar), "derbyclient.jar")); ok {
		t.Errorf("derbyclient.jar taken for the engine")
	}
	props := install.ParseProperties([]byte("#c\nderby.version.major=10\nderby.version.minor=10\nderby.version.maint=1000001\nderby.build.number=1458268\n"))
	if props["derby.version.maint"] != "1000001" || props["derby.build.number"] != "1458268" {
		t.Errorf("parseProperties: %v", props)
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// The java -version of a program that is not java is refused, with why.
func TestJavaVersionRefusesNonJava(t *testing.T) {
	sh, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true(1)")
	}
	if _, err := javaVersion(sh); err == nil || !strings.Contains(err.Error(), "no version") {
		t.Errorf("javaVersion(true) = %v", err)
	}
}
