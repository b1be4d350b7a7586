package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	derbyfix "github.com/efbackup/efbackup/fixtures/derby"
)

// The in-use refusal, end to end, against the real Derby engine holding the
// database open as e-Faktur does (embedded) and as its "Start Db Sebagai
// Server" menu does (the Derby Network Server): snapshot, verify --db,
// restore, and migrate as source and as target exit 4 and write nothing.
// After the engine is killed the same database is no longer in use: it is
// backed up, recorded as needing recovery, and its lock files and tmp/
// stay out of the snapshot.

// requireDerby skips when the engine is missing (Windows under Wine has no
// Java), and fails in CI, where make test installs it.
func requireDerby(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("runs the real Derby engine: there is no Java inside Wine (the Windows probe is tested in internal/inuse)")
	}
	if _, err := derbyfix.Find(); err != nil {
		if os.Getenv("CI") != "" || os.Getenv("EFBACKUP_REQUIRE_DERBY") == "1" {
			t.Fatalf("the Derby engine is missing: %v", err)
		}
		t.Skipf("the Derby engine is missing: %v", err)
	}
}

type holdMode struct {
	name  string
	start func(context.Context, string, derbyfix.HoldOptions) (*derbyfix.Holder, error)
}

var holdModes = []holdMode{
	{"embedded", derbyfix.StartEmbedded},
	{"network-server", derbyfix.StartNetworkServer},
}

// hold boots the database folder dir with the real engine and keeps it
// open until the test ends (or the holder is stopped or killed).
func hold(t *testing.T, mode holdMode, dir string) *derbyfix.Holder {
	t.Helper()
	h, err := mode.start(context.Background(), dir, derbyfix.HoldOptions{})
	if err != nil {
		t.Fatalf("%s holder: %v", mode.name, err)
	}
	t.Cleanup(func() { h.Kill() })
	return h
}

func TestInUseRefusedWithTheRealEngine(t *testing.T) {
	requireDerby(t)
	tpl := newMigrateTemplates(t)
	for _, mode := range holdModes {
		t.Run(mode.name, func(t *testing.T) {
			e := newMigrateEnv(t, true, tpl)
			out := filepath.Join(e.root, "out")
			// A good snapshot to restore from, taken before e-Faktur opens.
			if code, _, stderr := runCLI(t, "snapshot", "--install", e.src, "--out", out, "--create-out", "--quiet"); code != 0 {
				t.Fatalf("snapshot before: %d %s", code, stderr)
			}
			snap := onlySnapshot(t, out)
			h := hold(t, mode, filepath.Join(e.src, "db", "ETaxInvoice"))
			before := mustTreeHash(t, e.root)
			for _, c := range []struct {
				name string
				args []string
			}{
				{"snapshot", []string{"snapshot", "--install", e.src, "--out", out}},
				{"verify --db", []string{"verify", "--db", filepath.Join(e.src, "db")}},
				{"restore", []string{"restore", snap, "--install", e.src}},
				{"migrate source", e.args()},
			} {
				code, _, stderr := runCLI(t, c.args...)
				if code != ExitInUse {
					t.Errorf("%s while %s holds the database: exit %d, want %d\n%s", c.name, mode.name, code, ExitInUse, stderr)
					continue
				}
				if !strings.Contains(stderr, "in use") || !strings.Contains(stderr, "dbex.lck") {
					t.Errorf("%s: the message names neither the use nor the file:\n%s", c.name, stderr)
				}
				// In Indonesian, down to what the probe saw.
				code, _, stderr = runCLI(t, append([]string{"--lang", "id"}, c.args...)...)
				if code != ExitInUse || !strings.Contains(stderr, "dbex.lck") {
					t.Errorf("--lang id %s: exit %d\n%s", c.name, code, stderr)
				}
				assertNoEnglish(t, "--lang id "+c.name, stderr)
			}
			if mustTreeHash(t, e.root) != before {
				t.Fatal("something was written while the database was in use")
			}
			// The target side: e-Faktur 4.0 open on its own db/.
			if err := h.Stop(); err != nil {
				t.Fatal(err)
			}
			hold(t, mode, filepath.Join(e.tgt, "db", "ETaxInvoice"))
			before = mustTreeHash(t, e.root)
			if code, _, stderr := runCLI(t, e.args()...); code != ExitInUse {
				t.Errorf("migrate while the target is held: exit %d\n%s", code, stderr)
			}
			if mustTreeHash(t, e.root) != before {
				t.Fatal("migrate wrote something while the target was in use")
			}
		})
	}
}

// e-Faktur killed while it ran (or closed without shutting Derby down):
// the lock files stay, nobody holds them. Not in use; the snapshot is
// valid, records "needs recovery", leaves db.lck, dbex.lck and tmp/ out,
// and a restore never brings them back.
func TestKilledEngineIsNotInUse(t *testing.T) {
	requireDerby(t)
	inst := genInstall(t, "4.0")
	dbDir := filepath.Join(inst, "db", "ETaxInvoice")
	h := hold(t, holdModes[0], dbDir)
	if err := h.Kill(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"db.lck", "dbex.lck"} {
		if _, err := os.Stat(filepath.Join(dbDir, f)); err != nil {
			t.Fatalf("the killed engine left no %s: %v", f, err)
		}
	}
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "snapshot", "--install", inst, "--out", out, "--create-out", "--json")
	if code != 0 {
		t.Fatalf("snapshot after a kill: exit %d\n%s", code, stderr)
	}
	rep := decodeJSON[snapshotReport](t, stdout)
	if len(rep.Databases) != 1 || rep.Databases[0].State != "needs-recovery" || rep.Databases[0].Verdict != "ok" {
		t.Fatalf("databases %+v", rep.Databases)
	}
	for _, want := range []string{"ETaxInvoice/db.lck", "ETaxInvoice/dbex.lck", "ETaxInvoice/tmp/"} {
		found := false
		for _, x := range rep.Excluded {
			found = found || x == want
		}
		if !found {
			t.Errorf("%s is not recorded as left out: %v", want, rep.Excluded)
		}
	}
	if code, stdout, _ := runCLI(t, "snapshot", "--install", inst, "--out", t.TempDir()); code != 0 || !strings.Contains(stdout, "not shut down cleanly") {
		t.Errorf("the text does not say the database was not shut down cleanly:\n%s", stdout)
	}
	snap := onlySnapshot(t, out)
	target := genInstall(t, "4.0")
	if code, _, stderr := runCLI(t, "restore", snap, "--install", target, "--from-other-install"); code != 0 {
		t.Fatalf("restore: %d %s", code, stderr)
	}
	for _, f := range []string{"db.lck", "dbex.lck", "tmp"} {
		if _, err := os.Stat(filepath.Join(target, "db", "ETaxInvoice", f)); !os.IsNotExist(err) {
			t.Errorf("restore brought back %s", f)
		}
	}
	// The restored copy boots in the engine with every committed row.
	ref, err := derbyfix.DumpDir(context.Background(), filepath.Join(inst, "db", "ETaxInvoice"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := derbyfix.DumpDir(context.Background(), filepath.Join(target, "db", "ETaxInvoice"))
	if err != nil {
		t.Fatal(err)
	}
	if !ref.Equal(got) {
		t.Fatalf("the restored database differs from the original:\n%s", strings.Join(ref.Diff(got), "\n"))
	}
}

// decodeJSON decodes a command's --json output.
func decodeJSON[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	return v
}

// derbyDB fills db (a db/ folder, which must not exist yet) with a small
// database made by the real engine, cleanly shut down, as db/ETaxInvoice.
func derbyDB(t testing.TB, db string) {
	t.Helper()
	if tt, ok := t.(*testing.T); ok {
		requireDerby(tt)
	}
	if err := os.MkdirAll(db, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := derbyfix.Materialize(context.Background(), derbyfix.Spec{Seed: 1}, filepath.Join(db, "ETaxInvoice")); err != nil {
		t.Fatal(err)
	}
}
