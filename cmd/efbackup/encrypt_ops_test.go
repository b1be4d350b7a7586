package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/schedule"
)

// verify --deep of an encrypted snapshot: without the key it exits 5 and
// writes no proof; with it the scratch copy is decrypted as it is read,
// the engine proves it, and the proof beside it holds no table hashes.
// snapshot --deep proves an encrypted snapshot with its passphrase, and
// refuses public keys (the identity is not on this PC).
func TestEncryptedVerifyDeep(t *testing.T) {
	requireDerby(t)
	opsEnv(t)
	inst := genInstall(t, "4.0")
	id, pub := newKey(t, t.TempDir(), "key.txt")
	out := t.TempDir()
	scratch := t.TempDir()
	wantCode(t, 0, "snapshot", "--install", inst, "--out", out, "--quiet", "--encrypt-to", pub)
	snap := onlyEncrypted(t, out)
	wantCode(t, ExitKey, "verify", "--deep", "--scratch", scratch, snap)
	if _, err := os.Stat(snap + backup.ProofSuffix); !os.IsNotExist(err) {
		t.Fatalf("a proof was recorded without the key: %v", err)
	}
	stdout, stderr := wantCode(t, 0, "verify", "--deep", "--scratch", scratch, snap, "--identity", id)
	if !strings.Contains(stdout, "the Derby engine read every row") {
		t.Fatalf("verify --deep --identity:\n%s%s", stdout, stderr)
	}
	if left, _ := os.ReadDir(scratch); len(left) != 0 {
		t.Fatalf("the scratch copy was left: %v", left)
	}
	p, err := backup.ReadProof(snap)
	if err != nil || p.Verdict != "ok" || len(p.Tables) != 0 {
		t.Fatalf("proof beside an encrypted snapshot: %+v, %v", p, err)
	}
	// list still needs no key, and shows the proof.
	stdout, _ = wantCode(t, 0, "list", "--out", out)
	if !strings.Contains(stdout, "ok (encrypted, checked without the key)") {
		t.Fatalf("list:\n%s", stdout)
	}

	pw := filepath.Join(t.TempDir(), "pass.txt")
	os.WriteFile(pw, []byte("a long passphrase for the test\n"), 0o600)
	out2 := t.TempDir()
	stdout, _ = wantCode(t, 0, "snapshot", "--install", inst, "--out", out2, "--deep", "--scratch", scratch, "--passphrase-file", pw)
	if !strings.Contains(stdout, "the Derby engine read every row") {
		t.Fatalf("snapshot --deep --passphrase-file:\n%s", stdout)
	}
	_, stderr = wantCode(t, ExitUsage, "snapshot", "--install", inst, "--out", t.TempDir(), "--deep", "--encrypt-to", pub)
	if !strings.Contains(stderr, "not on this PC") {
		t.Fatalf("snapshot --deep --encrypt-to:\n%s", stderr)
	}

	// The scheduled run encrypts to the public key and leaves the weekly
	// proof to where the key is: no exit 5 from a run that holds no key.
	sched := filepath.Join(t.TempDir(), "snaps")
	os.MkdirAll(sched, 0o700)
	code, stdout, stderr := runCLI(t, "run-scheduled", "--install", inst, "--out", sched, "--encrypt-to", pub, "--json")
	if code != 0 {
		t.Fatalf("run-scheduled --encrypt-to: exit %d\n%s", code, stderr)
	}
	rec := decodeJSON[schedule.RunRecord](t, stdout)
	if rec.Proved != "" || !strings.HasSuffix(rec.Snapshot, ".tar.zst.age") {
		t.Fatalf("run-scheduled: %+v\n%s", rec, stderr)
	}
}

// schedule install --encrypt-to stores public keys only (read from
// --encrypt-to-file now, never the file name), and refuses a passphrase.
// The run it schedules writes encrypted snapshots, and prune and list
// handle them without the key.
func TestScheduleEncryptTo(t *testing.T) {
	opsEnv(t)
	inst := genInstall(t, "3.2")
	dir := t.TempDir()
	id, pub := newKey(t, dir, "key.txt")
	keys := filepath.Join(dir, "public-keys.txt")
	os.WriteFile(keys, []byte(pub+"\n"), 0o600)
	out := filepath.Join(t.TempDir(), "snaps")
	stdout, _ := wantCode(t, 0, "schedule", "show", "--install", inst, "--out", out, "--daily", "02:00", "--backend", "cron", "--encrypt-to-file", keys)
	if !strings.Contains(stdout, "--encrypt-to "+pub) || strings.Contains(stdout, "public-keys.txt") || strings.Contains(stdout, "AGE-SECRET-KEY") {
		t.Fatalf("schedule show --encrypt-to-file:\n%s", stdout)
	}
	wantCode(t, ExitUsage, "schedule", "show", "--install", inst, "--out", out, "--daily", "02:00", "--backend", "cron", "--encrypt-to", pub, "--skip-unchanged")
	_, stderr := wantCode(t, ExitUsage, "schedule", "show", "--install", inst, "--out", out, "--daily", "02:00", "--backend", "cron", "--passphrase-file", keys)
	if !strings.Contains(stderr, "scheduled run cannot encrypt with a passphrase") {
		t.Fatalf("schedule with a passphrase:\n%s", stderr)
	}
	_, stderr = wantCode(t, ExitUsage, "schedule", "show", "--install", inst, "--out", out, "--daily", "02:00", "--backend", "cron", "--encrypt-to-file", id)
	if secret, _ := os.ReadFile(id); strings.Contains(stderr, strings.TrimSpace(string(secret[strings.Index(string(secret), "AGE-SECRET-KEY-"):]))) || !strings.Contains(stderr, "secret key") {
		t.Fatalf("a secret key was repeated, or not named as one:\n%s", stderr)
	}

	// Three runs as the task would make them, then prune to one.
	os.MkdirAll(out, 0o700)
	t.Setenv("EFBACKUP_PASSPHRASE", "never used by a scheduled run")
	for i := 0; i < 2; i++ {
		code, _, stderr := runCLI(t, "run-scheduled", "--install", inst, "--out", out, "--encrypt-to", pub, "--deep-every", "0", "--no-prune")
		if code != 0 {
			t.Fatalf("run-scheduled: exit %d\n%s", code, stderr)
		}
		os.WriteFile(filepath.Join(inst, "db", "changed.txt"), []byte{byte(i)}, 0o600)
	}
	t.Setenv("EFBACKUP_PASSPHRASE", "")
	snaps, _ := filepath.Glob(filepath.Join(out, "*.tar.zst.age"))
	if len(snaps) != 2 {
		t.Fatalf("want 2 encrypted snapshots, have %v", snaps)
	}
	for _, s := range snaps {
		side, _ := backup.ReadSidecar(s)
		if side == nil || side.Encryption == nil || len(side.Encryption.Recipients) != 1 || side.Encryption.Recipients[0] != pub {
			t.Fatalf("%s: encrypted to %+v, want only the public key", s, side)
		}
	}
	wantCode(t, 0, "prune", "--out", out, "--keep-last", "1")
	left, _ := filepath.Glob(filepath.Join(out, "*.tar.zst.age*"))
	if len(left) != 2 || !strings.HasSuffix(left[1], backup.SidecarSuffix) {
		t.Fatalf("after prune --keep-last 1: %v", left)
	}
	wantCode(t, 0, "verify", left[0], "--identity", id)
}

// migrate --encrypt-to: both safety snapshots are encrypted; with
// --identity they are read back in full, and each verifies with the key.
func TestMigrateEncrypted(t *testing.T) {
	opsEnv(t)
	e := newMigrateEnv(t, true, nil)
	dir := t.TempDir()
	id, pub := newKey(t, dir, "key.txt")
	other, _ := newKey(t, dir, "other.txt")
	// An identity that opens none of the keys is refused before anything
	// is written.
	_, stderr := wantCode(t, ExitUsage, e.args("--encrypt-to", pub, "--identity", other)...)
	if !strings.Contains(stderr, "could not be read back in full") {
		t.Fatalf("migrate with a foreign identity:\n%s", stderr)
	}
	if _, err := os.Stat(e.snaps); !os.IsNotExist(err) {
		t.Fatalf("a refused migration wrote %s", e.snaps)
	}
	stdout, stderr := wantCode(t, 0, e.args("--encrypt-to", pub, "--identity", id, "--json")...)
	r := migrateJSON(t, stdout).Report
	if r == nil || len(r.Snapshots) != 2 {
		t.Fatalf("migrate --encrypt-to: %s\n%s", stdout, stderr)
	}
	for _, s := range r.Snapshots {
		if !backup.IsEncrypted(s.Path) || s.State != "verified" {
			t.Fatalf("safety snapshot %+v", s)
		}
		wantCode(t, ExitKey, "restore", s.Path, "--install", e.tgt, "--dry-run", "--from-other-install")
		wantCode(t, 0, "verify", s.Path, "--identity", id)
	}
	plain, _ := filepath.Glob(filepath.Join(e.snaps, "*.tar.zst"))
	if len(plain) != 0 {
		t.Fatalf("unencrypted safety snapshots: %v", plain)
	}
}
