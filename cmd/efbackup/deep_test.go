package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/fixtures/damage"
	"github.com/efbackup/efbackup/schedule"
)

// verify --deep: the real engine boots a scratch copy of each database,
// checks every table and reads every row; the proof is recorded beside the
// snapshot and list shows it. The scratch copy is removed afterwards.
func TestVerifyDeepProvesAndRecords(t *testing.T) {
	requireDerby(t)
	inst := genInstall(t, "4.0")
	out := t.TempDir()
	scratch := t.TempDir()
	code, stdout, stderr := runCLI(t, "snapshot", "--install", inst, "--out", out, "--create-out", "--deep", "--scratch", scratch, "--json")
	if code != 0 {
		t.Fatalf("snapshot --deep: exit %d\n%s", code, stderr)
	}
	rep := decodeJSON[snapshotReport](t, stdout)
	if rep.Deep == nil || rep.Deep.Verdict != "ok" || len(rep.Deep.Databases) != 1 || !rep.Deep.Databases[0].Booted {
		t.Fatalf("snapshot's engine proof %+v", rep.Deep)
	}
	snap := onlySnapshot(t, out)
	if _, err := backup.ReadProof(snap); err != nil {
		t.Fatalf("no proof recorded: %v", err)
	}
	if left, _ := os.ReadDir(scratch); len(left) != 0 {
		t.Fatalf("the scratch copy was left: %v", left)
	}
	code, stdout, stderr = runCLI(t, "verify", "--deep", "--scratch", scratch, snap)
	if code != 0 || !strings.Contains(stdout, "engine proof (Derby 10.14") || !strings.Contains(stdout, "the Derby engine read every row") {
		t.Fatalf("verify --deep: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "list", "--out", out)
	if code != 0 || !strings.Contains(stdout, "bytes, structure, engine") {
		t.Fatalf("list does not show the engine's proof:\n%s", stdout)
	}
	// Prune removes the proof with its snapshot.
	if code, _, stderr := runCLI(t, "snapshot", "--install", inst, "--out", out, "--create-out", "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := runCLI(t, "prune", "--out", out, "--keep-last", "1"); code != 0 {
		t.Fatalf("prune: %d %s", code, stderr)
	}
	for _, p := range []string{snap, snap + backup.ProofSuffix} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there after prune", filepath.Base(p))
		}
	}
}

// A page copied over another container's page keeps every checksum right:
// no file check can see it, the archive is intact byte for byte, and only
// the engine finds the damage. verify --deep exits 3.
func TestVerifyDeepFindsWhatTheFileChecksCannot(t *testing.T) {
	requireDerby(t)
	inst := genInstall(t, "4.0")
	if _, err := damage.Apply(filepath.Join(inst, "db", "ETaxInvoice"), damage.ForeignPage, 1); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "snapshot", "--install", inst, "--out", out, "--create-out", "--quiet"); code != 0 {
		t.Fatalf("snapshot: the file checks should not see a foreign page: exit %d\n%s", code, stderr)
	}
	snap := onlySnapshot(t, out)
	if code, _, stderr := runCLI(t, "verify", snap); code != 0 {
		t.Fatalf("plain verify: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "verify", "--deep", snap)
	if code != ExitIntegrity {
		t.Fatalf("verify --deep of a database with a foreign page: exit %d, want %d\n%s%s", code, ExitIntegrity, stdout, stderr)
	}
	if !strings.Contains(stderr, "the Derby engine refused a database, or lost data") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

// verify --deep --db never boots the live folder: a scratch copy is judged.
func TestVerifyDeepLiveFolderIsNeverBooted(t *testing.T) {
	requireDerby(t)
	inst := genInstall(t, "4.0")
	before, _ := treeHash(filepath.Join(inst, "db"))
	code, stdout, stderr := runCLI(t, "verify", "--db", filepath.Join(inst, "db"), "--deep")
	if code != 0 || !strings.Contains(stdout, "booted") {
		t.Fatalf("verify --db --deep: exit %d\n%s%s", code, stdout, stderr)
	}
	if after, _ := treeHash(filepath.Join(inst, "db")); after != before {
		t.Fatal("the live folder changed: it was booted")
	}
}

// Without Java or Derby: a clear message and exit 6, nothing else done.
func TestVerifyDeepWithoutRuntime(t *testing.T) {
	requireDerby(t)
	inst := genInstall(t, "4.0")
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "snapshot", "--install", inst, "--out", out, "--create-out", "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	code, _, stderr := runCLI(t, "verify", "--deep", "--java", filepath.Join(t.TempDir(), "no-java"), onlySnapshot(t, out))
	if code != ExitCannotCheck || !strings.Contains(stderr, "the engine proof cannot run") || !strings.Contains(stderr, "hint: ") {
		t.Fatalf("exit %d (want %d)\n%s", code, ExitCannotCheck, stderr)
	}
	code, stdout, _ := runCLI(t, "verify", "--deep", "--java", filepath.Join(t.TempDir(), "no-java"), onlySnapshot(t, out), "--json")
	if code != ExitCannotCheck {
		t.Fatalf("--json: exit %d\n%s", code, stdout)
	}
}

// The scheduled run proves the newest snapshot with the real engine once a
// week (when Java and Derby are found), records it in the run log, and
// does not prove it again before the week is out.
func TestScheduledRunProvesWeekly(t *testing.T) {
	requireDerby(t)
	opsEnv(t)
	inst := genInstall(t, "4.0")
	out := filepath.Join(t.TempDir(), "snaps")
	if err := os.MkdirAll(out, 0o700); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "run-scheduled", "--install", inst, "--out", out, "--json")
	if code != 0 {
		t.Fatalf("run-scheduled: %d\n%s", code, stderr)
	}
	first := decodeJSON[schedule.RunRecord](t, stdout)
	if first.Proved == "" || first.ProofVerdict != "ok" {
		t.Fatalf("the first run did not prove the snapshot: %+v", first)
	}
	code, stdout, stderr = runCLI(t, "run-scheduled", "--install", inst, "--out", out, "--json", "--skip-unchanged")
	if code != 0 {
		t.Fatalf("second run: %d\n%s", code, stderr)
	}
	if second := decodeJSON[schedule.RunRecord](t, stdout); second.Proved != "" {
		t.Fatalf("proved again within the week: %+v", second)
	}
	code, stdout, _ = runCLI(t, "run-scheduled", "--install", inst, "--out", out, "--json", "--skip-unchanged", "--deep-every", "0")
	if third := decodeJSON[schedule.RunRecord](t, stdout); code != 0 || third.Proved != "" {
		t.Fatalf("--deep-every 0 proved: %+v", third)
	}
}
