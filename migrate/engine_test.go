package migrate

import (
	"archive/zip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/engine/derby"
	"github.com/efbackup/efbackup/fixtures/install"
)

// writeEngineJar writes a jar that says it is Derby version.
func writeEngineJar(t *testing.T, path, minor string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, err := zw.Create("org/apache/derby/info/DBMS.properties")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("derby.version.major=10\nderby.version.minor=" + minor + "\nderby.version.maint=2000000\n"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// A target install whose Derby engine is older than the database's on-disk
// level cannot open it (Derby's XSLAN): migrate refuses before writing
// anything, naming both versions. The same level, or a newer engine, goes.
func TestTargetEngineOlderThanTheDatabase(t *testing.T) {
	root := t.TempDir()
	src, tgt := filepath.Join(root, "eFaktur-3.2"), filepath.Join(root, "eFaktur-4.0")
	if _, err := install.Generate(src, install.Options{Version: "3.2", AppBackups: -1, Seed: 1}); err != nil {
		t.Skipf("no Derby fixture here: %v", err)
	}
	if _, err := install.Generate(tgt, install.Options{Version: "4.0", AppBackups: -1, Seed: 2, NoDerbyJar: true}); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(tgt, "db")); err != nil {
		t.Fatal(err)
	}
	jar := filepath.Join(tgt, "lib", "derby.jar")
	writeEngineJar(t, jar, "10")
	opt := Options{From: "3.2", To: "4.0", Source: src, Target: tgt, SnapshotDir: filepath.Join(root, "snaps"),
		ToolVersion: "test", Engines: engine.Set{derby.New()}, DryRun: true,
		FreeSpace: func(string) (int64, error) { return 1 << 40, nil }}
	before := tree(t, root)
	_, err := Run(context.Background(), opt)
	var old *EngineTooOldError
	if !errors.As(err, &old) || old.OnDisk != "10.14" || old.Engine != "10.10.2.0" || old.Database != "ETaxInvoice" || old.Jar != jar {
		t.Fatalf("want an EngineTooOldError naming 10.14 and 10.10.2.0, got %v", err)
	}
	if after := tree(t, root); !sameTree(before, after) {
		t.Fatalf("the refusal changed files:\n%s", diffTrees(before, after))
	}
	for _, minor := range []string{"14", "15"} {
		writeEngineJar(t, jar, minor)
		if _, err := Run(context.Background(), opt); err != nil {
			t.Errorf("engine 10.%s: %v", minor, err)
		}
	}
}
