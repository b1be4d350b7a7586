package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/engine/enginetest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/klauspost/compress/zstd"
)

var toys = engine.Set{enginetest.Toy{}}

// makeToyDB writes a db/ with one toy database (left without shutting
// down: a lock file and tmp/), a folder no engine knows, and a loose file.
func makeToyDB(t *testing.T, db string, damaged bool) {
	t.Helper()
	files := map[string]string{
		"Main/toy.db":          "toy",
		"Main/seg/c1.dat":      strings.Repeat("page", 5000),
		"Main/lock":            "held",
		"Main/tmp/scratch.tmp": "scratch",
		"Stray/notes.txt":      "BAD would be damage in a database, not here",
		"loose.txt":            "x",
	}
	if damaged {
		files["Main/seg/c2.dat"] = strings.Repeat("x", 9000) + "BAD" + strings.Repeat("y", 100)
	}
	for rel, content := range files {
		p := filepath.Join(db, filepath.FromSlash(rel))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(content), 0o644))
	}
}

func toySnap(t *testing.T, db, out string) *SnapshotResult {
	t.Helper()
	res, err := Snapshot(context.Background(), SnapshotOptions{DB: db, OutDir: out, Label: "toy", Level: zstd.SpeedFastest,
		ToolVersion: "test", EFakturVersion: "4.0", Engines: toys, Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestSnapshotLeavesOutWhatTheEngineRecreates(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "db")
	makeToyDB(t, db, false)
	res := toySnap(t, db, filepath.Join(tmp, "out"))
	m := res.Manifest
	if diff := cmp.Diff([]string{"Main/lock", "Main/tmp/"}, m.Excluded); diff != "" {
		t.Fatalf("excluded (-want +got):\n%s", diff)
	}
	for _, f := range m.Files {
		if f.Path == "Main/lock" || strings.HasPrefix(f.Path, "Main/tmp") {
			t.Fatalf("%s is in the snapshot", f.Path)
		}
	}
	got := map[string]string{}
	for _, d := range m.Databases {
		got[d.Name] = d.Engine + " " + string(d.State) + " " + string(d.Verdict)
	}
	want := map[string]string{"Main": "toy needs-recovery ok", "Stray": "unknown unknown not-checked", "loose.txt": "unknown unknown not-checked"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("databases (-want +got):\n%s", diff)
	}
	if m.Checks == nil || m.Checks.Verdict != "ok" || m.Checks.NotChecked != 2 {
		t.Fatalf("summary %+v", m.Checks)
	}
	for _, f := range m.Files {
		checked := f.Check != nil
		if checked != strings.HasPrefix(f.Path, "Main/") {
			t.Errorf("%s: checked=%v", f.Path, checked)
		}
	}
	// The sidecar and the embedded manifest agree, and verify finds
	// nothing wrong: the left-out files are not "missing".
	rep, err := VerifyArchive(context.Background(), res.Path, ReadOptions{Engines: toys})
	must(t, err)
	if !rep.OK() {
		t.Fatalf("verify: %+v", rep.Problems)
	}
	// Verify judges the bytes alone: the archive holds no lock file, so
	// the toy database reads as clean there.
	for _, d := range rep.Databases {
		if d.Name == "Main" && (d.Engine != "toy" || d.Verdict != engine.OK) {
			t.Fatalf("verify's view of Main: %+v", d)
		}
	}
	// A live check against the manifest ignores the lock file too.
	fr, err := VerifyFolder(context.Background(), db, m, FolderOptions{Engines: toys})
	must(t, err)
	if len(fr.Problems) != 0 {
		t.Fatalf("live folder against its snapshot: %+v", fr.Problems)
	}
}

func TestDamageFoundWhileStreamingIsRecordedAndReported(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "db")
	makeToyDB(t, db, true)
	res := toySnap(t, db, filepath.Join(tmp, "out"))
	m := res.Manifest
	if m.Checks.Verdict != "damaged" || m.Checks.Damaged != 1 {
		t.Fatalf("summary %+v", m.Checks)
	}
	var f *File
	for i := range m.Files {
		if m.Files[i].Path == "Main/seg/c2.dat" {
			f = &m.Files[i]
		}
	}
	if f == nil || f.Check == nil || f.Check.Verdict != "damaged" || len(f.Check.Findings) != 1 || f.Check.Findings[0].Offset != 9000 || f.Check.Findings[0].Page != 2 {
		t.Fatalf("file check %+v", f)
	}
	rep, err := VerifyArchive(context.Background(), res.Path, ReadOptions{Engines: toys})
	must(t, err)
	if len(rep.Problems) != 1 || rep.Problems[0].Kind != ProblemDatabaseDamaged || rep.Problems[0].File != "Main/seg/c2.dat" ||
		!strings.Contains(rep.Problems[0].Detail, "page 2, byte 9000") {
		t.Fatalf("problems %+v", rep.Problems)
	}
	assertWorded(t, "toy", rep.Problems)
	// The manifest round-trips through its parser (a finding's Text, the
	// message key of its Detail, is not stored: only the English Detail).
	b, err := m.Marshal()
	must(t, err)
	back, err := ParseManifest(b)
	must(t, err)
	if diff := cmp.Diff(m, back, cmpopts.IgnoreFields(engine.Finding{}, "Text")); diff != "" {
		t.Fatalf("manifest round trip (-want +got):\n%s", diff)
	}
}

func TestManifestRefusesVerdictsItDoesNotKnow(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "db")
	makeToyDB(t, db, false)
	m := toySnap(t, db, filepath.Join(tmp, "out")).Manifest
	mutations := map[string]func(m *Manifest){
		"summary":  func(m *Manifest) { m.Checks.Verdict = "mixed" },
		"database": func(m *Manifest) { m.Databases[0].Verdict = "fine" },
		"state":    func(m *Manifest) { m.Databases[0].State = "sleeping" },
		"file": func(m *Manifest) {
			for i := range m.Files {
				if m.Files[i].Check != nil {
					m.Files[i].Check.Verdict = "so-so"
					return
				}
			}
		},
		"excluded": func(m *Manifest) { m.Excluded = append(m.Excluded, "../outside") },
		"schema":   func(m *Manifest) { m.Schema = "efbackup.manifest/9" },
	}
	for name, mutate := range mutations {
		b, _ := m.Marshal()
		c, err := ParseManifest(b)
		must(t, err)
		mutate(c)
		b, _ = c.Marshal()
		if _, err := ParseManifest(b); err == nil {
			t.Errorf("%s: a manifest with an unknown value was accepted", name)
		}
	}
}

func TestManifestOfAnEarlierReleaseIsRead(t *testing.T) {
	v1 := `{"schema":"efbackup.manifest/1","tool":"efbackup","tool_version":"0.9","created":"2026-01-02T03:04:05Z","host":"pc",
"source":"C:\\eFaktur\\db","label":"eFaktur","efaktur_version":"3.2","compression":"zstd","db_mode":"0755",
"files":[{"path":"efaktur.mv.db","size":3,"mode":"0644","mtime":"2026-01-02T03:04:05Z","sha256":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
"check":{"kind":"mvstore","verdict":"ok","format":"MVStore 2","h2_version":"2.1.214"}}],
"totals":{"files":1,"bytes":3},"content_id":"CID","checks":{"verdict":"ok","ok":1,"warning":0,"damaged":0}}`
	v1 = strings.Replace(v1, "CID", ComputeContentID([]File{{Path: "efaktur.mv.db", Size: 3, SHA256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}}), 1)
	m, err := ParseManifest([]byte(v1))
	if err != nil {
		t.Fatalf("schema 1 manifest refused: %v", err)
	}
	if m.Schema != SchemaV1 || len(m.Databases) != 0 {
		t.Fatalf("parsed %+v", m)
	}
}

func TestRestoreRefusesADatabaseFolderAsDB(t *testing.T) {
	tmp := t.TempDir()
	// An earlier release accepted --db pointing at the database itself.
	dbFolder := filepath.Join(tmp, "install", "db", "ETaxInvoice")
	for rel, content := range map[string]string{"service.properties": "x", "seg0/c10.dat": "y", "log/log.ctrl": "z"} {
		p := filepath.Join(dbFolder, filepath.FromSlash(rel))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(content), 0o644))
	}
	res := snap(t, dbFolder, filepath.Join(tmp, "out"))
	target := filepath.Join(tmp, "restored", "db")
	must(t, os.MkdirAll(filepath.Dir(target), 0o755))
	_, err := Restore(context.Background(), res.Path, RestoreOptions{DB: target})
	var dfe *DatabaseFolderError
	if !errors.As(err, &dfe) || dfe.Unexpected {
		t.Fatalf("restore of a database folder as db/: %v", err)
	}
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("db/ was created: %v", err)
	}
	if _, err := Restore(context.Background(), res.Path, RestoreOptions{DB: target, AsDatabase: "ETaxInvoice"}); err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"ETaxInvoice/service.properties", "ETaxInvoice/seg0/c10.dat", "ETaxInvoice/log/log.ctrl"} {
		if _, err := os.Stat(filepath.Join(target, filepath.FromSlash(rel))); err != nil {
			t.Errorf("%s: %v", rel, err)
		}
	}
	if _, err := os.Stat(filepath.Join(target, "seg0")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("seg0/ sits directly in db/")
	}
	// --as-database on a snapshot of a whole db/ is refused.
	good := filepath.Join(tmp, "good", "db")
	makeToyDB(t, good, false)
	gres := toySnap(t, good, filepath.Join(tmp, "out2"))
	other := filepath.Join(tmp, "other", "db")
	must(t, os.MkdirAll(filepath.Dir(other), 0o755))
	_, err = Restore(context.Background(), gres.Path, RestoreOptions{DB: other, AsDatabase: "X"})
	if !errors.As(err, &dfe) || !dfe.Unexpected {
		t.Fatalf("--as-database on a db/ snapshot: %v", err)
	}
}

// Writer and reader accept exactly the same set: what verify or restore
// would refuse, snapshot refuses, and nothing carries a final name.
func TestSnapshotRefusesWhatItsReaderRefuses(t *testing.T) {
	t.Run("names that differ only in case", func(t *testing.T) {
		tmp := t.TempDir()
		db := filepath.Join(tmp, "db")
		must(t, os.MkdirAll(db, 0o755))
		must(t, os.WriteFile(filepath.Join(db, "notes.txt"), []byte("a"), 0o644))
		if err := os.WriteFile(filepath.Join(db, "NOTES.txt"), []byte("b"), 0o644); err != nil {
			t.Fatal(err)
		}
		if entries, _ := os.ReadDir(db); len(entries) != 2 {
			t.Skip("this file system folds case")
		}
		out := filepath.Join(tmp, "out")
		_, err := Snapshot(context.Background(), SnapshotOptions{DB: db, OutDir: out, Label: "x", Level: zstd.SpeedFastest})
		var ce *CaseCollisionError
		if !errors.As(err, &ce) {
			t.Fatalf("snapshot of notes.txt and NOTES.txt: %v", err)
		}
		if left, _ := filepath.Glob(filepath.Join(out, "*")); len(left) != 0 {
			t.Fatalf("left behind: %v", left)
		}
	})
	t.Run("a manifest over the reader's limit", func(t *testing.T) {
		// 6,000 files whose paths are 2,900 characters long: each costs
		// the manifest and SHA256SUMS about 6 KiB.
		tmp := t.TempDir()
		db := filepath.Join(tmp, "db")
		dir := db
		for d := 0; d < 14; d++ {
			dir = filepath.Join(dir, fmt.Sprintf("%s-%02d", strings.Repeat("n", 200), d))
		}
		must(t, os.MkdirAll(dir, 0o755))
		for i := 0; i < 6000; i++ {
			must(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%04d", strings.Repeat("f", 40), i)), nil, 0o644))
		}
		out := filepath.Join(tmp, "out")
		_, err := Snapshot(context.Background(), SnapshotOptions{DB: db, OutDir: out, Label: "x", Level: zstd.SpeedFastest})
		var le *ManifestLimitError
		if !errors.As(err, &le) || !strings.Contains(err.Error(), "bytes") {
			t.Fatalf("snapshot of a db/ whose manifest exceeds %d bytes: %v", MaxManifestBytes, err)
		}
		if left, _ := filepath.Glob(filepath.Join(out, "*")); len(left) != 0 {
			t.Fatalf("left behind: %v", left)
		}
	})
}
