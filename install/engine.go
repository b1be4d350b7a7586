package install

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// DBMSProperties is the file inside the engine's jar that names its
// version; only the engine jar has it (the client, network and tools jars
// carry other files), so it also tells the engine from the rest.
const DBMSProperties = "org/apache/derby/info/DBMS.properties"

// Engine is the Derby engine an install ships in its lib/ folder.
type Engine struct {
	Jars    []string // the engine's jar first, then derbyshared.jar when there
	Version string   // "10.14.2.0"
	Build   string   // the build number, "" when the jar does not say
}

// BundledEngine finds the Derby engine among the install's own lib/ jars,
// nil when there is none.
func (in *Install) BundledEngine() *Engine {
	jars := EngineJars(filepath.Join(in.Root, "lib"))
	if len(jars) == 0 {
		return nil
	}
	v, b, _ := DerbyJarVersion(jars[0])
	return &Engine{Jars: jars, Version: v, Build: b}
}

// EngineJars finds the Derby engine among the jars of a folder: derby.jar
// or derby-<version>.jar first, then any jar that carries the engine
// packed inside (an application's single jar), plus derbyshared.jar, which
// Derby 10.15 and later need beside it.
func EngineJars(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var named, other []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !strings.EqualFold(filepath.Ext(n), ".jar") {
			continue
		}
		p := filepath.Join(dir, n)
		if strings.HasPrefix(strings.ToLower(n), "derby") {
			named = append(named, p)
		} else {
			other = append(other, p)
		}
	}
	// derby.jar before derby-10.14.2.0.jar, before derbyclient.jar, etc.
	sort.Slice(named, func(i, j int) bool {
		return len(named[i]) < len(named[j]) || len(named[i]) == len(named[j]) && named[i] < named[j]
	})
	sort.Strings(other)
	for _, p := range append(named, other...) {
		if _, _, ok := DerbyJarVersion(p); ok {
			return WithShared([]string{p})
		}
	}
	return nil
}

// WithShared adds derbyshared.jar from beside the engine jar, when there.
func WithShared(cp []string) []string {
	dir := filepath.Dir(cp[0])
	ents, err := os.ReadDir(dir)
	if err != nil {
		return cp
	}
	for _, e := range ents {
		n := strings.ToLower(e.Name())
		if strings.HasPrefix(n, "derbyshared") && strings.HasSuffix(n, ".jar") {
			cp = append(cp, filepath.Join(dir, e.Name()))
		}
	}
	return cp
}

// DerbyJarVersion reads the engine version from DBMS.properties inside a
// jar: "10.14.2.0" and the build number when it is a number. ok is false
// when the jar is not readable or holds no engine.
func DerbyJarVersion(jar string) (version, build string, ok bool) {
	zr, err := zip.OpenReader(jar)
	if err != nil {
		return "", "", false
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != DBMSProperties {
			continue
		}
		if f.UncompressedSize64 > 1<<20 {
			return "", "", false
		}
		rc, err := f.Open()
		if err != nil {
			return "", "", false
		}
		data, err := io.ReadAll(io.LimitReader(rc, 1<<20))
		rc.Close()
		if err != nil {
			return "", "", false
		}
		props := ParseProperties(data)
		major, minor := props["derby.version.major"], props["derby.version.minor"]
		if major == "" || minor == "" {
			return "", "", false
		}
		maint, _ := strconv.Atoi(props["derby.version.maint"])
		// The maintenance number packs the fix pack and the point
		// release: 2000000 is 10.14.2.0.
		version = fmt.Sprintf("%s.%s.%d.%d", major, minor, maint/1000000, maint%1000000)
		if b := props["derby.build.number"]; b != "" && strings.Trim(b, "0123456789") == "" {
			build = b
		}
		return version, build, true
	}
	return "", "", false
}

// ParseProperties reads the simple key=value lines of a Java properties
// file, which is all DBMS.properties uses.
func ParseProperties(data []byte) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			k, v, ok = strings.Cut(line, ":")
		}
		if ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}
