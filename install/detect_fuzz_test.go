package install

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// majorMinorRe is the form of every version detection reports.
var majorMinorRe = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)

// FuzzDetect builds an install folder from fuzzed names and marker texts:
// detection must never panic, must report a version only in the X.Y form,
// and must find the db/ folder whenever one exists.
func FuzzDetect(f *testing.F) {
	f.Add("ETaxInvoice.exe", "app.version=3.2.0\n", "etaxinvoice-4.0.1.jar", "4.0", true)
	f.Add("etaxinvoiceupd", "", "", "", false)
	f.Add("notes.txt", "app.version=99999999999999999999.1", "efaktur-.jar", "x", true)
	f.Fuzz(func(t *testing.T, launcher, config, jar, version string, withDB bool) {
		dir := t.TempDir()
		write := func(name, data string) {
			if name == "" || filepath.Base(name) != name || name == "." || name == ".." {
				return
			}
			_ = os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644)
		}
		write(launcher, "MZ")
		write("ETaxInvoice.config", config)
		write("VERSION", version)
		if jar != "" && filepath.Base(jar) == jar && jar != "." && jar != ".." {
			_ = os.MkdirAll(filepath.Join(dir, "lib"), 0o755)
			_ = os.WriteFile(filepath.Join(dir, "lib", jar), nil, 0o644)
		}
		if withDB {
			_ = os.Mkdir(filepath.Join(dir, "db"), 0o755)
		}
		in, err := Detect(dir)
		if err != nil {
			if withDB {
				t.Fatalf("a folder with db/ was not recognised: %v", err)
			}
			return
		}
		if withDB && !in.HasDB {
			t.Fatal("db/ exists but HasDB is false")
		}
		if in.Version != UnknownVersion && !majorMinorRe.MatchString(in.Version) {
			t.Fatalf("version %q is not X.Y", in.Version)
		}
	})
}
