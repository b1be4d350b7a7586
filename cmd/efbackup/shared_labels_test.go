package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/fixtures/install"
	"github.com/klauspost/compress/zstd"
)

// Two installs whose folders have the same name, D:\PT-Maju\eFaktur and
// D:\PT-Jaya\eFaktur: both have the default label "eFaktur". Whose a
// snapshot is, is what its manifest records, never its label.

// twoInstalls makes PT-Maju/eFaktur and PT-Jaya/eFaktur (different data)
// and a snapshot folder both write into.
func twoInstalls(t *testing.T) (maju, jaya, out string) {
	t.Helper()
	root := t.TempDir()
	maju, jaya = filepath.Join(root, "PT-Maju", "eFaktur"), filepath.Join(root, "PT-Jaya", "eFaktur")
	for i, dir := range []string{maju, jaya} {
		if _, err := install.Generate(dir, install.Options{Version: "4.0", Seed: int64(11 + i), AppBackups: -1}); err != nil {
			t.Fatal(err)
		}
	}
	return maju, jaya, filepath.Join(root, "backups")
}

// snapshotAt takes a snapshot of inst labelled "eFaktur" dated at.
func snapshotAt(t *testing.T, inst, out string, at time.Time) {
	t.Helper()
	if _, err := backup.Snapshot(context.Background(), backup.SnapshotOptions{DB: filepath.Join(inst, "db"), Install: inst, OutDir: out,
		Label: "eFaktur", Level: zstd.SpeedFastest, Now: func() time.Time { return at }, Engines: engines()}); err != nil {
		t.Fatal(err)
	}
}

// countOf counts the snapshots in out whose manifest records inst.
func countOf(t *testing.T, out, inst string) int {
	t.Helper()
	n := 0
	for _, a := range archives(t, out) {
		m, err := backup.ReadSidecar(a)
		if err != nil {
			t.Fatal(err)
		}
		if m.Install == inst {
			n++
		}
	}
	return n
}

// Jaya's scheduled run prunes Jaya's snapshots only: Maju's three, under
// the same label in the same folder, all stay, whatever Jaya's rules.
// Before, the run pruned every install's group by its own rules.
func TestScheduledRunPrunesOnlyItsInstall(t *testing.T) {
	maju, jaya, out := twoInstalls(t)
	day := time.Date(2025, 3, 1, 18, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		snapshotAt(t, maju, out, day.AddDate(0, 0, i))
		snapshotAt(t, jaya, out, day.AddDate(0, 0, i).Add(time.Minute))
	}
	code, stdout, stderr := runCLI(t, "run-scheduled", "--install", jaya, "--out", out, "--label", "eFaktur", "--keep-last", "1", "--deep-every", "0", "--json")
	if code != ExitOK {
		t.Fatalf("run-scheduled: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if n := countOf(t, out, maju); n != 3 {
		t.Errorf("Maju has %d snapshots left, want all 3: Jaya's run pruned another install's", n)
	}
	if n := countOf(t, out, jaya); n != 1 {
		t.Errorf("Jaya has %d snapshots left, want 1 (--keep-last 1)", n)
	}
}

// A snapshot into a folder where its label already holds another
// install's snapshots is made (a backup refused is a backup lost), with a
// warning that names the other install and says what to do.
func TestSnapshotWarnsOfLabelOfAnotherInstall(t *testing.T) {
	maju, jaya, out := twoInstalls(t)
	if code, _, stderr := runCLI(t, "snapshot", "--install", maju, "--out", out, "--create-out"); code != ExitOK || strings.Contains(stderr, "another install") {
		t.Fatalf("first install: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "snapshot", "--install", jaya, "--out", out, "--json")
	if code != ExitOK {
		t.Fatalf("second install: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "also holds snapshots of another install") || !strings.Contains(stderr, maju) || !strings.Contains(stderr, "--label") {
		t.Fatalf("no warning naming the other install:\n%s", stderr)
	}
	var rep snapshotReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || len(rep.Warnings) == 0 {
		t.Fatalf("the JSON report lacks the warning (%v):\n%s", err, stdout)
	}
	// With its own label, no warning.
	if code, _, stderr := runCLI(t, "snapshot", "--install", jaya, "--out", out, "--label", "jaya"); code != ExitOK || strings.Contains(stderr, "another install") {
		t.Fatalf("own label: exit %d\n%s", code, stderr)
	}
}

// Restoring Jaya's snapshot over Maju's db/ is refused before anything is
// written (--dry-run too), and done with --from-other-install; into an
// install without db/ (a new computer) it is done with a warning.
func TestRestoreFromAnotherInstallNeedsFlag(t *testing.T) {
	maju, jaya, out := twoInstalls(t)
	if code, _, stderr := runCLI(t, "snapshot", "--install", jaya, "--out", out, "--create-out"); code != ExitOK {
		t.Fatalf("snapshot: %d %s", code, stderr)
	}
	snap := onlySnapshot(t, out)
	before := mustTreeHash(t, maju)
	for _, args := range [][]string{{"--dry-run"}, {}} {
		code, _, stderr := runCLI(t, append([]string{"restore", snap, "--install", maju}, args...)...)
		if code != ExitUsage || !strings.Contains(stderr, "taken of another install") || !strings.Contains(stderr, "--from-other-install") {
			t.Fatalf("restore %v: exit %d, want %d\n%s", args, code, ExitUsage, stderr)
		}
		if mustTreeHash(t, maju) != before {
			t.Fatalf("restore %v changed Maju's install", args)
		}
	}
	// Without a sidecar the verified manifest inside decides, as early as
	// it is known and before anything is written.
	side := snap + backup.SidecarSuffix
	keep, err := os.ReadFile(side)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(side)
	if code, _, stderr := runCLI(t, "restore", snap, "--install", maju); code != ExitUsage || !strings.Contains(stderr, "taken of another install") {
		t.Fatalf("without sidecar: exit %d\n%s", code, stderr)
	}
	if mustTreeHash(t, maju) != before {
		t.Fatal("restore without sidecar changed Maju's install")
	}
	if err := os.WriteFile(side, keep, 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "restore", snap, "--install", maju, "--from-other-install", "--json")
	if code != ExitOK || !strings.Contains(stderr, "restored here as asked") {
		t.Fatalf("--from-other-install: exit %d\n%s", code, stderr)
	}
	var rep restoreReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || len(rep.Warnings) != 1 {
		t.Fatalf("report %+v (%v)", rep, err)
	}
	if mustTreeHash(t, filepath.Join(maju, "db")) != mustTreeHash(t, filepath.Join(jaya, "db")) {
		t.Fatal("Maju's db/ is not Jaya's snapshot")
	}
	// A new computer: the install has no db/ yet, nothing to lose.
	fresh := filepath.Join(t.TempDir(), "eFaktur")
	if _, err := install.Generate(fresh, install.Options{Version: "4.0", Seed: 3, AppBackups: -1}); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(fresh, "db")); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "restore", snap, "--install", fresh); code != ExitOK || !strings.Contains(stderr, "another install") {
		t.Fatalf("into an install without db/: exit %d\n%s", code, stderr)
	}
	// Its own snapshot: no word about installs.
	if code, _, stderr := runCLI(t, "restore", snap, "--install", jaya); code != ExitOK || strings.Contains(stderr, "another install") {
		t.Fatalf("own snapshot: exit %d\n%s", code, stderr)
	}
}
