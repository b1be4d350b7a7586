package install

import (
	"os"
	"path/filepath"
	"testing"
)

// mkInstall writes the smallest folder detection takes for an install: a
// launcher and a version marker.
func mkInstall(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"ETaxInvoice.exe": "MZ", "ETaxInvoice.config": "app.version=4.0\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The walk is bounded in depth, skips hidden folders, does not count a bare
// db/ folder, and takes a root that is itself an install.
func TestFindInstalls(t *testing.T) {
	base := t.TempDir()
	mkInstall(t, filepath.Join(base, "a", "b", "eFaktur"))           // depth 3: found
	mkInstall(t, filepath.Join(base, "a", "b", "c", "d", "eFaktur")) // depth 5: not found
	mkInstall(t, filepath.Join(base, ".hidden", "eFaktur"))
	if err := os.MkdirAll(filepath.Join(base, "project", "db"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := FindInstalls([]string{base}, 3, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Root != filepath.Join(base, "a", "b", "eFaktur") || got[0].Version != "4.0" {
		t.Fatalf("found %v", got)
	}
	got, _ = FindInstalls([]string{filepath.Join(base, "a", "b", "c", "d", "eFaktur")}, 3, 1000)
	if len(got) != 1 {
		t.Errorf("root as install: %v", got)
	}
	got, _ = FindInstalls([]string{base}, 3, 2)
	if len(got) != 0 {
		t.Errorf("maxDirs 2: %v", got)
	}
}
