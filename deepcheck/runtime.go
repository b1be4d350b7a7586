package deepcheck

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/efbackup/efbackup/install"
)

// Runtime is a Java runtime and a Derby engine to run the check with.
type Runtime struct {
	Java      string   `json:"java"`      // the java program
	Classpath []string `json:"classpath"` // the Derby engine's jars
	// Source says where the engine came from: "install" (e-Faktur's own
	// lib/), "flag" (FindOptions.DerbyClasspath), "env" ($DERBY_HOME) or
	// "system" (the system's packages). JavaSource says the same of java,
	// with "path" for java found on PATH.
	Source       string `json:"source"`
	JavaSource   string `json:"java_source"`
	JavaVersion  string `json:"java_version"`  // as java -version says: "1.8.0_202", "17.0.15"
	DerbyVersion string `json:"derby_version"` // "10.14.2.0"
	// DerbyBuild is the engine's build number ("1828579" for the official
	// 10.14.2.0), empty when the jar does not say (distribution builds).
	DerbyBuild string `json:"derby_build,omitempty"`
}

// FindOptions say where to look for a runtime. Empty fields are skipped.
type FindOptions struct {
	// Install is e-Faktur's install folder: its java/ (or jre/) and lib/
	// are preferred, so that the very engine e-Faktur uses judges the
	// backup.
	Install string
	// DerbyClasspath names the Derby engine explicitly: jars, or folders
	// holding them, separated by the system's list separator (":" or ";").
	DerbyClasspath string
	// Java names the java program explicitly.
	Java string
}

// NoRuntimeError says that no Java runtime or no Derby engine was found,
// what was looked at, and what to install or point to.
type NoRuntimeError struct {
	Missing string   // "java" or "derby"
	Tried   []string // each place looked at, with why it was refused
	Hint    string   // what to install or point to, for this system
}

func (e *NoRuntimeError) Error() string {
	what := "no Java runtime (8 or later)"
	if e.Missing == "derby" {
		what = "no Derby engine (derby.jar)"
	}
	s := what + " found for the engine check"
	if len(e.Tried) > 0 {
		s += " (looked at " + strings.Join(e.Tried, "; ") + ")"
	}
	if e.Hint != "" {
		s += ": " + e.Hint
	}
	return s
}

// hint is what to do about a missing part, worded for goos.
func hint(missing, goos string) string {
	switch {
	case missing == "java" && goos == "windows":
		return `e-Faktur's own runtime is java\bin\java.exe in its install folder; otherwise install a Java runtime 8 or later, or name java.exe explicitly`
	case missing == "java":
		return "install one (Debian, Ubuntu: apt-get install default-jre-headless), set JAVA_HOME, or name the java program explicitly"
	case goos == "windows":
		return `point to e-Faktur's install folder (its lib\ holds the engine) or name a derby.jar explicitly, such as lib\derby.jar of Apache Derby 10.14`
	}
	return "install it (Debian, Ubuntu: apt-get install libderby-java), set DERBY_HOME, point to e-Faktur's install folder, or name a derby.jar explicitly"
}

// systemDerbyJars are where systems' packages put the engine: Debian and
// Ubuntu (libderby-java), then Homebrew on macOS.
var systemDerbyJars = []string{
	"/usr/share/java/derby.jar",
	"/opt/homebrew/opt/derby/libexec/lib/derby.jar",
	"/usr/local/opt/derby/libexec/lib/derby.jar",
}

// FindRuntime finds a Java runtime and a Derby engine: the ones named in
// opt first, then the install's own (<install>/java/bin/java, jre/bin/java;
// the engine among the jars of <install>/lib, as derby*.jar or packed into
// the app's own jar), then $JAVA_HOME and java on PATH, $DERBY_HOME and the
// system's packages. It runs java -version once per candidate and reads
// the engine's version from the jar.
func FindRuntime(opt FindOptions) (*Runtime, error) {
	rt := &Runtime{}
	var err error
	rt.Classpath, rt.Source, rt.DerbyVersion, rt.DerbyBuild, err = findDerby(opt)
	if err != nil {
		return nil, err
	}
	rt.Java, rt.JavaSource, rt.JavaVersion, err = findJava(opt)
	if err != nil {
		return nil, err
	}
	if need := javaFloor(rt.DerbyVersion); javaMajor(rt.JavaVersion) < need {
		return nil, &NoRuntimeError{
			Missing: "java",
			Tried:   []string{fmt.Sprintf("%s is Java %s, but Derby %s needs Java %d or later", rt.Java, rt.JavaVersion, rt.DerbyVersion, need)},
			Hint:    hint("java", runtime.GOOS),
		}
	}
	return rt, nil
}

func findDerby(opt FindOptions) (cp []string, source, version, build string, err error) {
	var tried []string
	if opt.DerbyClasspath != "" {
		var found bool
		for _, p := range filepath.SplitList(opt.DerbyClasspath) {
			if p == "" {
				continue
			}
			fi, serr := os.Stat(p)
			switch {
			case serr != nil:
				tried = append(tried, p+": "+shortErr(serr))
				continue
			case fi.IsDir():
				jars := install.EngineJars(p)
				if len(jars) == 0 {
					tried = append(tried, p+": no jar with the Derby engine")
					continue
				}
				cp = append(cp, jars...)
			default:
				cp = append(cp, p)
			}
		}
		for _, j := range cp {
			if v, b, ok := install.DerbyJarVersion(j); ok && !found {
				found, version, build = true, v, b
			}
		}
		if !found {
			if len(cp) > 0 {
				tried = append(tried, strings.Join(cp, ", ")+": no Derby engine inside")
			}
			return nil, "", "", "", &NoRuntimeError{Missing: "derby", Tried: tried, Hint: hint("derby", runtime.GOOS)}
		}
		return cp, "flag", version, build, nil
	}
	if opt.Install != "" {
		lib := filepath.Join(opt.Install, "lib")
		if jars := install.EngineJars(lib); len(jars) > 0 {
			v, b, _ := install.DerbyJarVersion(jars[0])
			return jars, "install", v, b, nil
		}
		tried = append(tried, lib)
	}
	if h := os.Getenv("DERBY_HOME"); h != "" {
		lib := filepath.Join(h, "lib")
		if jars := install.EngineJars(lib); len(jars) > 0 {
			v, b, _ := install.DerbyJarVersion(jars[0])
			return jars, "env", v, b, nil
		}
		tried = append(tried, "$DERBY_HOME/lib ("+lib+")")
	} else {
		tried = append(tried, "$DERBY_HOME (not set)")
	}
	for _, j := range systemDerbyJars {
		if v, b, ok := install.DerbyJarVersion(j); ok {
			return install.WithShared([]string{j}), "system", v, b, nil
		}
		tried = append(tried, j)
	}
	return nil, "", "", "", &NoRuntimeError{Missing: "derby", Tried: tried, Hint: hint("derby", runtime.GOOS)}
}

// javaNames are the java program's names on this system: java.exe (not
// javaw.exe, which has no console output) on Windows.
func javaName() string {
	if runtime.GOOS == "windows" {
		return "java.exe"
	}
	return "java"
}

func findJava(opt FindOptions) (path, source, version string, err error) {
	var tried []string
	try := func(p, src string) bool {
		v, verr := javaVersion(p)
		if verr != nil {
			tried = append(tried, p+": "+verr.Error())
			return false
		}
		if javaMajor(v) < 8 {
			tried = append(tried, p+": Java "+v+" is older than 8")
			return false
		}
		path, source, version = p, src, v
		return true
	}
	if opt.Java != "" {
		p, lerr := exec.LookPath(opt.Java)
		if lerr != nil {
			return "", "", "", &NoRuntimeError{Missing: "java", Tried: []string{opt.Java + ": " + shortErr(lerr)}, Hint: hint("java", runtime.GOOS)}
		}
		if try(p, "flag") {
			return
		}
		return "", "", "", &NoRuntimeError{Missing: "java", Tried: tried, Hint: hint("java", runtime.GOOS)}
	}
	if opt.Install != "" {
		for _, rel := range []string{"java/bin", "jre/bin", "java/jre/bin"} {
			p := filepath.Join(opt.Install, filepath.FromSlash(rel), javaName())
			if _, serr := os.Stat(p); serr != nil {
				tried = append(tried, p)
				continue
			}
			if try(p, "install") {
				return
			}
		}
	}
	if h := os.Getenv("JAVA_HOME"); h != "" {
		p := filepath.Join(h, "bin", javaName())
		if _, serr := os.Stat(p); serr == nil {
			if try(p, "env") {
				return
			}
		} else {
			tried = append(tried, "$JAVA_HOME/bin ("+p+")")
		}
	}
	if p, lerr := exec.LookPath("java"); lerr == nil {
		if try(p, "path") {
			return
		}
	} else {
		tried = append(tried, "java on PATH")
	}
	return "", "", "", &NoRuntimeError{Missing: "java", Tried: tried, Hint: hint("java", runtime.GOOS)}
}

// javaVersionLine matches the first line of java -version:
// `openjdk version "17.0.15" 2025-04-15`, `java version "1.8.0_202"`.
var javaVersionLine = regexp.MustCompile(`version "([^"]+)"`)

// javaVersion runs java -version once and returns the version it prints.
func javaVersion(java string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, java, "-version")
	cmd.Env = javaEnv()
	var out tailBuffer
	out.max = 4096
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("java -version did not finish within 60 s")
		}
		return "", fmt.Errorf("java -version failed: %s", shortErr(err))
	}
	m := javaVersionLine.FindSubmatch(out.buf)
	if m == nil {
		return "", fmt.Errorf("java -version printed no version")
	}
	return string(m[1]), nil
}

// javaMajor is the feature release of a Java version: 8 for "1.8.0_202",
// 17 for "17.0.15", 0 when unknown.
func javaMajor(v string) int {
	v = strings.TrimPrefix(v, "1.")
	end := strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' })
	if end >= 0 {
		v = v[:end]
	}
	n, _ := strconv.Atoi(v)
	return n
}

// javaFloor is the oldest Java a Derby release runs on: 8 up to 10.14,
// then 9 (10.15), 17 (10.16) and 21 (10.17).
func javaFloor(derby string) int {
	parts := strings.SplitN(derby, ".", 3)
	if len(parts) < 2 || parts[0] != "10" {
		return 8
	}
	minor, _ := strconv.Atoi(parts[1])
	switch {
	case minor >= 17:
		return 21
	case minor == 16:
		return 17
	case minor == 15:
		return 9
	}
	return 8
}

// shortErr is an error's text without the path the caller already shows.
func shortErr(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}
