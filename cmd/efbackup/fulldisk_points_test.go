//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/fsutil"
)

// A real disk that fills up while a command runs: the command is paused at
// a named point (EFBACKUP_TEST_PAUSE_AT with EFBACKUP_TEST_RESUME_FILE), the
// test fills the small tmpfs it writes to, leaving `leave` bytes free, and
// lets it go on. Whatever point the disk fills at, the command either
// finishes correctly or exits 1 with the disk-full hint, nothing that
// existed is lost, and once space is freed the same command succeeds.

// fillDisk writes a filler file on disk until at most leave bytes are free.
func fillDisk(t *testing.T, disk string, leave int64) string {
	t.Helper()
	f, err := os.CreateTemp(disk, ".filler-")
	if err != nil {
		if errors.Is(err, syscall.ENOSPC) {
			return ""
		}
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 1<<20)
	for {
		var st syscall.Statfs_t
		if err := syscall.Statfs(disk, &st); err != nil {
			t.Fatal(err)
		}
		free := int64(st.Bavail) * int64(st.Bsize)
		if free <= leave {
			break
		}
		n := min(free-leave, int64(len(chunk)))
		if _, err := f.Write(chunk[:n]); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				break
			}
			t.Fatal(err)
		}
	}
	return f.Name()
}

// runFilledAt runs efbackup with args, fills disk when it reaches point,
// and returns its exit code and stderr, and the filler file.
func runFilledAt(t *testing.T, args []string, point, disk string, leave int64) (int, string, string) {
	t.Helper()
	resume := filepath.Join(t.TempDir(), "resume")
	cmd := child(args, "EFBACKUP_TEST_PAUSE_AT="+point, "EFBACKUP_TEST_RESUME_FILE="+resume)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	exited := false
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
		if strings.Contains(stderr.String(), "paused at "+point) {
			break
		}
		select {
		case err = <-done:
			exited = true
		default:
		}
		if exited || time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("%s never reached %s (exited: %v %v)\n%s", args[0], point, exited, err, stderr.String())
		}
	}
	filler := fillDisk(t, disk, leave)
	if err := os.WriteFile(resume, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err = <-done
	code := exitStatus(t, err)
	return code, stderr.String(), filler
}

// checkFailedCleanly: exit 0, or exit 1 with the disk-full hint.
func checkFailedCleanly(t *testing.T, when string, code int, stderr string, mustFail bool) {
	t.Helper()
	last := strings.TrimSpace(stderr)
	if i := strings.LastIndex(last, "efbackup: "); i >= 0 {
		last = last[i:]
	}
	t.Logf("%s: exit %d: %s", when, code, strings.ReplaceAll(last, "\n", " | "))
	switch {
	case code == ExitFailed && strings.Contains(stderr, "disk is full"):
	case code == ExitOK && !mustFail:
	default:
		t.Fatalf("%s: exit %d (want 1 with the disk-full hint%s)\n%s", when, code, map[bool]string{false: ", or 0"}[mustFail], stderr)
	}
}

func noPartials(t *testing.T, when string, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if m, _ := filepath.Glob(filepath.Join(d, "*"+fsutil.PartialSuffix)); len(m) > 0 {
			t.Fatalf("%s: left behind: %v", when, m)
		}
	}
}

func TestRealDiskFillsDuringSnapshot(t *testing.T) {
	disk := smallDisk(t, "16m")
	inst := bulkyInstall(t)
	db := filepath.Join(inst, "db")
	before, _ := treeHash(db)
	cases := []struct {
		point    string
		leave    int64
		mustFail bool
	}{
		{"snapshot-created-partial", 0, true},
		{"snapshot-created-partial", 1 << 20, true}, // fills in the middle of the 3 MiB file
		{"snapshot-first-file", 0, true},
		{"snapshot-data-written", 0, true},
		{"snapshot-before-commit", 0, false}, // only renames and the small sidecar remain
		{"snapshot-committed", 0, false},
	}
	for _, c := range cases {
		when := fmt.Sprintf("disk filled at %s (%d bytes left)", c.point, c.leave)
		code, stderr, filler := runFilledAt(t, []string{"snapshot", "--install", inst, "--out", disk}, c.point, disk, c.leave)
		checkFailedCleanly(t, when, code, stderr, c.mustFail)
		noPartials(t, when, disk)
		checkSnapshotInvariants(t, disk, db, before, when)
		if filler != "" {
			os.Remove(filler)
		}
		if b, err := child([]string{"snapshot", "--install", inst, "--out", disk, "--quiet"}).CombinedOutput(); err != nil {
			t.Fatalf("%s: once space was freed, the next snapshot failed: %v\n%s", when, err, b)
		}
		// Keep the small disk from filling with good snapshots.
		finals, _ := filepath.Glob(filepath.Join(disk, "*"))
		for _, f := range finals {
			os.Remove(f)
		}
	}
}

func TestRealDiskFillsDuringRestore(t *testing.T) {
	src := bulkyInstall(t)
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "snapshot", "--install", src, "--out", out, "--create-out", "--quiet"); code != 0 {
		t.Fatalf("snapshot: exit %d\n%s", code, stderr)
	}
	snap := onlySnapshot(t, out)
	m, err := backup.ReadSidecar(snap)
	if err != nil {
		t.Fatal(err)
	}
	isRestored := func(dir string) bool {
		rep, err := backup.VerifyFolder(context.Background(), dir, m, backup.FolderOptions{})
		return err == nil && len(rep.Problems) == 0
	}
	cases := []struct {
		point    string
		leave    int64
		mustFail bool
	}{
		{"restore-verified", 0, true},
		{"restore-verified", 1 << 20, true}, // fills in the middle of the extraction
		{"restore-extracted", 0, false},     // the rest is reading and renaming
		{"restore-before-swap", 0, false},
	}
	for _, c := range cases {
		when := fmt.Sprintf("disk filled at %s (%d bytes left)", c.point, c.leave)
		disk := smallDisk(t, "24m")
		inst := filepath.Join(disk, "eFaktur")
		if err := exec.Command("cp", "-a", genInstall(t, "3.2"), inst).Run(); err != nil {
			t.Fatal(err)
		}
		db := filepath.Join(inst, "db")
		if err := os.WriteFile(filepath.Join(db, "entered-later.txt"), []byte("faktur 010.000-26.00000002"), 0o644); err != nil {
			t.Fatal(err)
		}
		old, _ := treeHash(db)
		code, stderr, filler := runFilledAt(t, []string{"restore", snap, "--install", inst, "--from-other-install"}, c.point, disk, c.leave)
		checkFailedCleanly(t, when, code, stderr, c.mustFail)
		if h, _ := treeHash(db); code == ExitFailed && h != old {
			t.Fatalf("%s: the restore failed but db/ is not the previous one", when)
		} else if code == ExitOK && !isRestored(db) {
			t.Fatalf("%s: the restore succeeded but db/ does not match the snapshot", when)
		}
		found := false
		cands, _ := filepath.Glob(filepath.Join(inst, "db*"))
		for _, d := range cands {
			if h, _ := treeHash(d); h == old {
				found = true
			}
		}
		if !found {
			t.Fatalf("%s: the previous db/ is gone (have %v)", when, cands)
		}
		if filler != "" {
			os.Remove(filler)
		}
		if code == ExitFailed {
			if b, err := child([]string{"restore", snap, "--install", inst, "--from-other-install"}).CombinedOutput(); err != nil {
				t.Fatalf("%s: once space was freed, the next restore failed: %v\n%s", when, err, b)
			}
			if !isRestored(db) {
				t.Fatalf("%s: after the next restore db/ does not match the snapshot", when)
			}
		}
	}
}

func TestRealDiskFillsDuringMigrate(t *testing.T) {
	src := bulkyInstall(t)
	srcDB := filepath.Join(src, "db")
	srcHash, _ := treeHash(srcDB)
	cases := []struct {
		point    string
		leave    int64
		mustFail bool
	}{
		{"migrate-after-preflight", 0, true},
		{"migrate-after-preflight", 2 << 20, true},
		{"migrate-snapshot-source-written", 0, true},
		{"migrate-staging-created", 0, true},
		{"migrate-staged-verified", 0, false},
		{"migrate-before-report", 0, false},
	}
	for _, c := range cases {
		when := fmt.Sprintf("disk filled at %s (%d bytes left)", c.point, c.leave)
		// The target install and the safety snapshots share a small
		// disk with room for the migration (the preflight checks it)
		// until the test fills it.
		disk := smallDisk(t, "128m")
		tgt := filepath.Join(disk, "eFaktur-4.0")
		if err := exec.Command("cp", "-a", genInstall(t, "4.0"), tgt).Run(); err != nil {
			t.Fatal(err)
		}
		tgtDB := filepath.Join(tgt, "db")
		tgtHash, _ := treeHash(tgtDB)
		snaps := filepath.Join(disk, "snapshots")
		args := []string{"migrate", "--from", "3.2", "--to", "4.0", "--source", src, "--target", tgt, "--snapshot-dir", snaps}
		code, stderr, filler := runFilledAt(t, args, c.point, disk, c.leave)
		checkFailedCleanly(t, when, code, stderr, c.mustFail)
		if h, _ := treeHash(srcDB); h != srcHash {
			t.Fatalf("%s: the source changed", when)
		}
		got, _ := treeHash(tgtDB)
		switch {
		case code == ExitOK && got != srcHash:
			t.Fatalf("%s: migrate succeeded but the target db/ is not the source", when)
		case code == ExitFailed && got != tgtHash && got != srcHash:
			t.Fatalf("%s: the target db/ is neither the previous one nor the complete copy", when)
		}
		found := false
		cands, _ := filepath.Glob(filepath.Join(tgt, "db*"))
		for _, d := range cands {
			if h, _ := treeHash(d); h == tgtHash {
				found = true
			}
		}
		if !found {
			t.Fatalf("%s: the target's previous db/ is gone (have %v)", when, cands)
		}
		for _, f := range finalsIn(snaps) {
			rep, err := backup.VerifyArchive(context.Background(), f, backup.ReadOptions{})
			if err != nil || !rep.OK() {
				t.Fatalf("%s: %s carries a final name but fails verify: %v %v", when, f, err, rep.Problems)
			}
		}
		noPartials(t, when, snaps)
		if filler != "" {
			os.Remove(filler)
		}
		if b, err := child(args).CombinedOutput(); err != nil {
			t.Fatalf("%s: once space was freed, the same migrate failed: %v\n%s", when, err, b)
		}
		if h, _ := treeHash(tgtDB); h != srcHash {
			t.Fatalf("%s: after the rerun the target db/ is not the source", when)
		}
	}
}
