package derby

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/engine"
	derbyfix "github.com/efbackup/efbackup/fixtures/derby"
)

// The real engine's own databases, in every state it leaves them, pass
// every check, and the check tells their state and versions.
func TestRealDatabases(t *testing.T) {
	tc := requireEngine(t)
	release, err := tc.EngineVersion()
	if err != nil {
		t.Fatal(err)
	}
	level := strings.Join(strings.Split(release, ".")[:2], ".")
	for _, tt := range []struct {
		spec  derbyfix.Spec
		state engine.State
	}{
		{derbyfix.Spec{Seed: 1}, engine.Clean},
		{derbyfix.Spec{Seed: 1, State: derbyfix.Exited}, engine.NeedsRecovery},
		{derbyfix.Spec{Seed: 1, State: derbyfix.Crashed}, engine.NeedsRecovery},
		{derbyfix.Spec{Seed: 2, Size: 48 << 20}, engine.Clean},
		{derbyfix.Spec{Seed: 2, Size: 48 << 20, State: derbyfix.Crashed}, engine.NeedsRecovery},
	} {
		name := string(tt.spec.State)
		if name == "" {
			name = "clean"
		}
		if tt.spec.Size > 0 {
			name += "-large"
		}
		t.Run(name, func(t *testing.T) {
			dir := fixture(t, tt.spec)
			db, res := checkDir(t, dir)
			noDamage(t, db)
			if db.Verdict != engine.OK {
				t.Errorf("verdict %s, want ok: %s", db.Verdict, describe(db))
			}
			if db.State != tt.state {
				t.Errorf("state %s, want %s", db.State, tt.state)
			}
			if db.Name != derbyfix.DefaultName || db.Engine != "derby" {
				t.Errorf("name %q engine %q", db.Name, db.Engine)
			}
			if len(db.Checked) != 1 || db.Checked[0] != engine.CheckedStructure {
				t.Errorf("checked %v", db.Checked)
			}
			v := db.Versions
			if v == nil || v.OnDisk != level || v.Catalog != level || v.CreatedCatalog != level || db.DerbyVersion != level {
				t.Errorf("versions %+v (derby version %q), want level %s from engine %s", v, db.DerbyVersion, level, release)
			}
			if v != nil && v.Build != buildName(int32(v.BuildNumber)) {
				t.Errorf("build %q for build number %d", v.Build, v.BuildNumber)
			}
			var files, containers32k int
			var bytes int64
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				rel, _ := filepath.Rel(dir, p)
				if err == nil && d.Type().IsRegular() && !excluded(filepath.ToSlash(rel), false) && !strings.HasPrefix(filepath.ToSlash(rel), "tmp/") {
					files++
					fi, _ := d.Info()
					bytes += fi.Size()
				}
				return nil
			})
			if db.Files != files || db.Bytes != bytes || len(res) != files {
				t.Errorf("files %d bytes %d results %d, the folder has %d files of %d bytes", db.Files, db.Bytes, len(res), files, bytes)
			}
			for rel, r := range res {
				if r.Verdict != engine.OK {
					t.Errorf("%s: %s", rel, r.Verdict)
				}
				want := KindOther
				switch {
				case strings.HasPrefix(rel, "seg0/c"):
					want = KindContainer
					if b, err := os.ReadFile(filepath.Join(dir, rel)); err == nil && len(b) > 189 && be.Uint32(b[117:]) == 32768 {
						containers32k++
					}
				case strings.HasSuffix(rel, ".ctrl"):
					want = KindLogControl
				case strings.HasPrefix(rel, "log/log"):
					want = KindLog
				case rel == propertiesName:
					want = KindProperties
				}
				if r.Kind != want {
					t.Errorf("%s: kind %s, want %s", rel, r.Kind, want)
				}
			}
			if containers32k == 0 {
				t.Error("no container with 32 KiB pages was checked")
			}
			wantExcluded := tt.spec.State != "" && tt.spec.State != derbyfix.Clean
			if got := strings.Join(db.Excluded, ","); wantExcluded != (got == "db.lck,dbex.lck,tmp") {
				t.Errorf("excluded %q", got)
			}
		})
	}
}

// A copy of a clean database with a leftover lock file or scratch folder
// was not shut down cleanly.
func TestLockFilesMeanRecovery(t *testing.T) {
	src := fixture(t, derbyfix.Spec{Seed: 1})
	for _, leftover := range []string{lockName, exLockName, tmpName + "/"} {
		t.Run(strings.TrimSuffix(leftover, "/"), func(t *testing.T) {
			dir := private(t, src)
			p := filepath.Join(dir, leftover)
			var err error
			if strings.HasSuffix(leftover, "/") {
				err = os.MkdirAll(filepath.Join(p, "sub"), 0o755)
			} else {
				err = os.WriteFile(p, []byte{0, 0, 0, 1}, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
			db, _ := checkDir(t, dir)
			if db.State != engine.NeedsRecovery || db.Verdict != engine.OK {
				t.Errorf("state %s verdict %s: %s", db.State, db.Verdict, describe(db))
			}
			if len(db.Excluded) != 1 || db.Excluded[0] != strings.TrimSuffix(leftover, "/") {
				t.Errorf("excluded %v", db.Excluded)
			}
		})
	}
}

func TestRecognise(t *testing.T) {
	e := New()
	if e.Name() != "derby" {
		t.Errorf("name %q", e.Name())
	}
	src := fixture(t, derbyfix.Spec{Seed: 1})
	if !e.Recognise(src) {
		t.Error("a real database is not recognised")
	}
	// Without service.properties, seg0's containers still say Derby, and
	// the check calls the database damaged.
	dir := private(t, src)
	if err := os.Remove(filepath.Join(dir, propertiesName)); err != nil {
		t.Fatal(err)
	}
	if !e.Recognise(dir) {
		t.Error("a database without service.properties is not recognised")
	}
	db, _ := checkDir(t, dir)
	wantFinding(t, db, CodePropertiesMissing, engine.Damaged, propertiesName)
	if db.Verdict != engine.Damaged {
		t.Errorf("verdict %s", db.Verdict)
	}

	empty := t.TempDir()
	if e.Recognise(empty) {
		t.Error("an empty folder is recognised")
	}
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, propertiesName), []byte("derby.serviceProtocol=org.example.Other\n"), 0o644)
	os.MkdirAll(filepath.Join(other, "seg0"), 0o755)
	os.WriteFile(filepath.Join(other, "seg0", "notes.dat"), nil, 0o644)
	if e.Recognise(other) {
		t.Error("a folder of another service is recognised")
	}
	os.WriteFile(filepath.Join(other, propertiesName), []byte("#x\nderby.serviceProtocol = org.apache.derby.database.Database\n"), 0o644)
	if !e.Recognise(other) {
		t.Error("service.properties naming Derby's database is not recognised")
	}
}

func TestExcluded(t *testing.T) {
	e := New()
	for _, tt := range []struct {
		rel   string
		isDir bool
		want  bool
	}{
		{"db.lck", false, true},
		{"dbex.lck", false, true},
		{"tmp", true, true},
		{"tmp/T123.tmp", false, true},
		{"tmp/sub", true, true},
		{"log/log.ctrl", false, false},
		{"seg0/c10.dat", false, false},
		{"service.properties", false, false},
		{"seg0/db.lck", false, false},
		{"tmpx", true, false},
		{"db.lck.bak", false, false},
		{"log", true, false},
	} {
		if got := e.Excluded(tt.rel, tt.isDir); got != tt.want {
			t.Errorf("Excluded(%q, %v) = %v", tt.rel, tt.isDir, got)
		}
	}
}

// Inspect reads only the log, service.properties and c10.dat, tells the
// same state and versions as the full check, never calls the database ok,
// and changes nothing.
func TestInspect(t *testing.T) {
	for _, st := range []derbyfix.State{derbyfix.Clean, derbyfix.Exited, derbyfix.Crashed} {
		t.Run(string(st), func(t *testing.T) {
			dir := private(t, fixture(t, derbyfix.Spec{Seed: 1, State: st}))
			full, _ := checkDir(t, dir)
			// Every other container is garbage now: Inspect must not read
			// them.
			entries, _ := os.ReadDir(filepath.Join(dir, "seg0"))
			for _, e := range entries {
				if id, _, ok := containerName("seg0/" + e.Name()); ok && id != defaultPropertiesID {
					os.WriteFile(filepath.Join(dir, "seg0", e.Name()), []byte("garbage"), 0o644)
				}
			}
			before := treeState(t, dir)
			db, err := New().Inspect(dir)
			if err != nil {
				t.Fatal(err)
			}
			if after := treeState(t, dir); after != before {
				t.Errorf("Inspect changed the folder:\n%s\n%s", before, after)
			}
			noDamage(t, db)
			if db.State != full.State {
				t.Errorf("state %s, the full check says %s", db.State, full.State)
			}
			if db.Versions == nil || *db.Versions != *full.Versions {
				t.Errorf("versions %+v, the full check says %+v", db.Versions, full.Versions)
			}
			if db.Verdict != engine.NotChecked || len(db.Checked) != 0 {
				t.Errorf("verdict %s checked %v", db.Verdict, db.Checked)
			}
		})
	}
}

// treeState lists every entry of a folder with its size, time and content
// hash.
func treeState(t testing.TB, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		h := ""
		if d.Type().IsRegular() {
			c, _ := os.ReadFile(p)
			h = sha(c)
		}
		b.WriteString(rel + " " + fi.Mode().String() + " " + fi.ModTime().String() + " " + h + "\n")
		return nil
	})
	return b.String()
}

// Writes of any size give the same results, damage included.
func TestChunking(t *testing.T) {
	dir := private(t, fixture(t, derbyfix.Spec{Seed: 1, State: derbyfix.Crashed}))
	// some damage, so that findings are compared too
	flipByte(t, filepath.Join(dir, "seg0", "c20.dat"), 4096+1000)
	var biggest string
	var size int64
	entries, _ := os.ReadDir(filepath.Join(dir, "seg0"))
	for _, e := range entries {
		if fi, _ := e.Info(); fi.Size() > size {
			biggest, size = e.Name(), fi.Size()
		}
	}
	flipByte(t, filepath.Join(dir, "seg0", biggest), size/2)
	logs, _ := filepath.Glob(filepath.Join(dir, "log", "log*.dat"))
	for _, l := range logs {
		fi, _ := os.Stat(l)
		os.Truncate(l, fi.Size()*2/3)
	}
	want, wantRes := checkDir(t, dir)
	if want.Verdict == engine.OK {
		t.Fatalf("the damage went unseen: %s", describe(want))
	}
	for _, chunk := range []int{1, 4093, 1 << 20} {
		db, res := checkChunked(t, dir, chunk)
		if d := diffJSON(want, db); d != "" {
			t.Errorf("chunks of %d: database differs: %s", chunk, d)
		}
		if d := diffJSON(wantRes, res); d != "" {
			t.Errorf("chunks of %d: file results differ: %s", chunk, d)
		}
	}
}

// checkChunked is CheckFolder writing each file in chunks of n bytes.
func checkChunked(t testing.TB, dir string, n int) (*engine.Database, map[string]engine.FileResult) {
	t.Helper()
	c := New().NewCheck(filepath.Base(dir))
	var rels []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if err == nil && d.Type().IsRegular() {
			if excluded(rel, false) {
				c.Skipped(rel, false)
			} else {
				rels = append(rels, rel)
			}
		}
		if err == nil && d.IsDir() && excluded(rel, true) {
			c.Skipped(rel, true)
			return filepath.SkipDir
		}
		return nil
	})
	sortStrings(rels)
	checks := map[string]engine.FileCheck{}
	for _, rel := range rels {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		fc := c.File(rel, int64(len(b)))
		for len(b) > 0 {
			k := min(n, len(b))
			if m, err := fc.Write(b[:k]); m != k || err != nil {
				t.Fatalf("Write = %d, %v", m, err)
			}
			b = b[k:]
		}
		checks[rel] = fc
	}
	db := c.Finish()
	res := map[string]engine.FileResult{}
	for rel, fc := range checks {
		res[rel] = fc.Result()
	}
	return db, res
}

var _ = context.Background
