// Package install finds e-Faktur installs and tells what each one is: its
// version, its db/ folder, and where it keeps its own Java runtime and
// database engine. Snapshot, restore, migrate and doctor all ask it.
//
// It reads only, never prints and never exits: it returns values and typed
// errors, and the command layer decides what the user sees.
package install

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// UnknownVersion is what detection reports when no marker is found.
const UnknownVersion = "unknown"

// Version markers. This is the one place that says how efbackup tells an
// e-Faktur 3.2 install from a 4.0 one; docs/versions.md describes the same
// rules for people, and the fixture generator writes exactly these markers.
//
// An install is asked, in this order:
//  1. a line "app.version=X.Y[.Z]" in ETaxInvoice.config (any case of the
//     file name, with or without ".exe" before ".config");
//  2. a jar in lib/ named "etaxinvoice-X.Y[.Z].jar" or "efaktur-X.Y[.Z].jar"
//     (any case);
//  3. a file VERSION or version.txt at the top holding "X.Y[.Z]".
//
// The first marker found wins. Nothing found means UnknownVersion: callers
// must never guess.
var (
	configVersionRe = regexp.MustCompile(`(?im)^\s*app\.version\s*=\s*([0-9]+\.[0-9]+(?:\.[0-9]+)?)\s*$`)
	jarVersionRe    = regexp.MustCompile(`(?i)^(?:etaxinvoice|efaktur)-([0-9]+\.[0-9]+(?:\.[0-9]+)?)\.jar$`)
	plainVersionRe  = regexp.MustCompile(`^\s*([0-9]+\.[0-9]+(?:\.[0-9]+)?)\s*$`)
	launcherRe      = regexp.MustCompile(`(?i)^etaxinvoice[a-z_0-9]*(\.exe)?$`)
)

// Install is an e-Faktur install folder as detection found it.
type Install struct {
	Root    string // the install folder, absolute and cleaned
	DB      string // Root/db; it may not exist yet
	HasDB   bool   // whether DB exists and is a folder
	Version string // "3.2", "4.0", ... or UnknownVersion
	// VersionSource names the marker the version came from, for messages.
	VersionSource string
	// Launchers lists the ETaxInvoice* launcher files found at the top.
	Launchers []string
}

// NotInstallError says a folder is not recognisable as an e-Faktur install.
type NotInstallError struct {
	Path   string
	Reason string // "missing", "not a folder", "no launcher and no db"
}

func (e *NotInstallError) Error() string {
	return fmt.Sprintf("%s is not an e-Faktur install folder: %s", e.Path, e.Reason)
}

// Detect looks at dir and says whether it is an e-Faktur install: a folder
// that holds an ETaxInvoice* launcher (any case, with or without .exe) or a
// db/ folder.
func Detect(dir string) (*Install, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, &NotInstallError{Path: dir, Reason: err.Error()}
	}
	fi, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &NotInstallError{Path: abs, Reason: "missing"}
		}
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &NotInstallError{Path: abs, Reason: "not a folder"}
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, err
	}
	in := &Install{Root: abs, DB: filepath.Join(abs, "db"), Version: UnknownVersion}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() && launcherRe.MatchString(name) {
			in.Launchers = append(in.Launchers, name)
		}
		if strings.EqualFold(name, "db") && e.IsDir() {
			in.DB = filepath.Join(abs, name)
			in.HasDB = true
		}
		if strings.EqualFold(name, "db") && !in.HasDB && e.Type()&(fs.ModeSymlink|fs.ModeIrregular) != 0 {
			// A link (or junction) named db: not a db folder (DBLink); the
			// commands refuse it by name.
			in.DB = filepath.Join(abs, name)
		}
	}
	if _, link := DBLink(in.DB); len(in.Launchers) == 0 && !in.HasDB && !link {
		return nil, &NotInstallError{Path: abs, Reason: "no launcher and no db"}
	}
	in.Version, in.VersionSource = detectVersion(abs, entries)
	return in, nil
}

func detectVersion(root string, entries []fs.DirEntry) (version, source string) {
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(e.Name(), "ETaxInvoice.config") && !strings.EqualFold(e.Name(), "ETaxInvoice.exe.config") {
			continue
		}
		b, err := readSmall(filepath.Join(root, e.Name()))
		if err != nil {
			continue
		}
		if m := configVersionRe.FindSubmatch(b); m != nil {
			return MajorMinor(string(m[1])), e.Name()
		}
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.EqualFold(e.Name(), "lib") {
			continue
		}
		libs, err := os.ReadDir(filepath.Join(root, e.Name()))
		if err != nil {
			continue
		}
		for _, l := range libs {
			if m := jarVersionRe.FindStringSubmatch(l.Name()); m != nil {
				return MajorMinor(m[1]), e.Name() + "/" + l.Name()
			}
		}
	}
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(e.Name(), "VERSION") && !strings.EqualFold(e.Name(), "version.txt") {
			continue
		}
		b, err := readSmall(filepath.Join(root, e.Name()))
		if err != nil {
			continue
		}
		if m := plainVersionRe.FindSubmatch(b); m != nil {
			return MajorMinor(string(m[1])), e.Name()
		}
	}
	return UnknownVersion, ""
}

// readSmall reads at most 64 KiB: a marker file is tiny, and a hostile or
// odd install must not make detection read gigabytes.
func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var sb strings.Builder
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 4096), 64<<10)
	for n := 0; sc.Scan() && n < 1000; n++ {
		sb.WriteString(sc.Text())
		sb.WriteByte('\n')
	}
	return []byte(sb.String()), nil
}

// MajorMinor keeps "X.Y" of "X.Y.Z": migrations are defined between minor
// versions, and patch releases share a database layout.
func MajorMinor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}
