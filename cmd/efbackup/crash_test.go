package main

import (
	"context"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/fsutil"
)

// The crash harness for snapshot: the real program is killed (SIGKILL, no
// cleanup) at every step boundary and at random moments, and after each
// kill the invariants a user relies on must hold. EFBACKUP_CRASH_RUNS sets
// the number of random kills (default 12; make crash runs thousands).

var snapshotPoints = []string{
	"snapshot-created-partial", "snapshot-first-file", "snapshot-data-written",
	"snapshot-before-commit", "snapshot-committed",
}

func crashRuns() int {
	if n, err := strconv.Atoi(os.Getenv("EFBACKUP_CRASH_RUNS")); err == nil && n >= 0 {
		return n
	}
	return 12
}

// child runs the test binary as efbackup with extra environment.
func child(args []string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), append([]string{"EFBACKUP_AS_MAIN=1", "EFBACKUP_LOCK_WATCH=20ms", "EFBACKUP_LANG=en"}, env...)...)
	return cmd
}

func killedBySignal(err error) bool {
	ee, ok := err.(*exec.ExitError)
	if !ok {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// checkSnapshotInvariants: every file with a final snapshot name verifies;
// the source is byte-identical.
func checkSnapshotInvariants(t *testing.T, out, db, dbHash, when string) {
	t.Helper()
	finals, _ := filepath.Glob(filepath.Join(out, "*"+backup.ArchiveSuffix))
	for _, f := range finals {
		rep, err := backup.VerifyArchive(context.Background(), f, backup.ReadOptions{})
		if err != nil || !rep.OK() {
			t.Fatalf("%s: %s carries a final name but fails verify: %v %v", when, f, err, rep.Problems)
		}
	}
	if h, _ := treeHash(db); h != dbHash {
		t.Fatalf("%s: the source db/ changed", when)
	}
}

func TestCrashSnapshot(t *testing.T) {
	if testing.Short() {
		t.Skip("crash harness: not in -short mode")
	}
	src := genInstall(t, "3.2")
	db := filepath.Join(src, "db")
	// Some bulk, so that random kills can land inside the copy.
	bulk := make([]byte, 24<<20)
	rand.New(rand.NewSource(1)).Read(bulk)
	if err := os.WriteFile(filepath.Join(db, "lampiran.bin"), bulk, 0o644); err != nil {
		t.Fatal(err)
	}
	dbHash, _ := treeHash(db)
	out := t.TempDir()
	kills := 0
	next := func(when string) {
		// The next run of the same command succeeds and leaves no
		// .partial from the killed one.
		cmd := child([]string{"snapshot", "--install", src, "--out", out, "--quiet"})
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: the next snapshot failed: %v\n%s", when, err, b)
		}
		if m, _ := filepath.Glob(filepath.Join(out, "*"+fsutil.PartialSuffix)); len(m) != 0 {
			t.Fatalf("%s: .partial files survive the next run: %v", when, m)
		}
		checkSnapshotInvariants(t, out, db, dbHash, when+", after the next run")
	}
	for _, p := range snapshotPoints {
		cmd := child([]string{"snapshot", "--install", src, "--out", out}, "EFBACKUP_TEST_KILL_AT="+p)
		err := cmd.Run()
		if !killedBySignal(err) {
			t.Fatalf("kill at %s: the process was not killed there (%v)", p, err)
		}
		kills++
		checkSnapshotInvariants(t, out, db, dbHash, "killed at "+p)
		next("killed at " + p)
	}
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	midCopy := 0
	for i := 0; i < crashRuns(); i++ {
		// Slow the copy down so that a random moment lands inside it.
		cmd := child([]string{"snapshot", "--install", src, "--out", out, "--quiet"}, "EFBACKUP_TEST_SLOW_MS=15")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Intn(600)) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		kills++
		if m, _ := filepath.Glob(filepath.Join(out, "*"+fsutil.PartialSuffix)); len(m) > 0 {
			midCopy++
		}
		when := "random kill " + strconv.Itoa(i)
		checkSnapshotInvariants(t, out, db, dbHash, when)
		next(when)
	}
	t.Logf("snapshot crash harness: %d kills (%d random, %d of them inside the copy), invariants held after each", kills, crashRuns(), midCopy)
	if names, _ := os.ReadDir(out); len(names) == 0 {
		t.Fatal("no snapshot was ever made")
	} else {
		n := 0
		for _, e := range names {
			if strings.HasSuffix(e.Name(), backup.ArchiveSuffix) {
				n++
			}
		}
		t.Logf("%d complete snapshots in the folder", n)
	}
}

// The crash harness for restore: killed at every step boundary, the
// install's db/ is always either the previous one or the complete restored
// one, the previous one is never lost, and the next restore succeeds.
func TestCrashRestore(t *testing.T) {
	if testing.Short() {
		t.Skip("crash harness: not in -short mode")
	}
	src := genInstall(t, "3.2")
	out := t.TempDir()
	if b, err := child([]string{"snapshot", "--install", src, "--out", out, "--quiet"}).CombinedOutput(); err != nil {
		t.Fatalf("snapshot: %v\n%s", err, b)
	}
	snap := onlySnapshot(t, out)
	m, err := backup.ReadSidecar(snap)
	if err != nil {
		t.Fatal(err)
	}
	swap := "restore-exchanged" // Linux and macOS exchange the folders in one step
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		swap = "restore-moved-aside"
	}
	points := []string{"restore-verified", "restore-extracted", "restore-before-swap", swap, "restore-done"}
	isRestored := func(dir string) bool {
		rep, err := backup.VerifyFolder(context.Background(), dir, m, backup.FolderOptions{})
		return err == nil && len(rep.Problems) == 0
	}
	for _, p := range points {
		inst := genInstall(t, "3.2")
		db := filepath.Join(inst, "db")
		// The install's current db/ differs from the snapshot: work entered
		// after it was taken.
		if err := os.WriteFile(filepath.Join(db, "entered-later.txt"), []byte("faktur 010.000-26.00000001"), 0o644); err != nil {
			t.Fatal(err)
		}
		oldHash, _ := treeHash(db)
		err := child([]string{"restore", snap, "--install", inst}, "EFBACKUP_TEST_KILL_AT="+p).Run()
		if !killedBySignal(err) {
			t.Fatalf("kill at %s: the process was not killed there (%v)", p, err)
		}
		// db/ is the previous one or the complete restored one.
		if h, _ := treeHash(db); h != oldHash && !isRestored(db) {
			t.Fatalf("killed at %s: db/ is neither the previous nor the restored folder", p)
		}
		// The previous db/ still exists somewhere, whole.
		found := false
		cands, _ := filepath.Glob(filepath.Join(inst, "db*"))
		for _, c := range cands {
			if h, _ := treeHash(c); h == oldHash {
				found = true
			}
		}
		if !found {
			t.Fatalf("killed at %s: the previous db/ is gone (have %v)", p, cands)
		}
		// The next restore succeeds.
		if b, err := child([]string{"restore", snap, "--install", inst}).CombinedOutput(); err != nil {
			t.Fatalf("killed at %s: the next restore failed: %v\n%s", p, err, b)
		}
		if !isRestored(db) {
			t.Fatalf("killed at %s: after the next restore db/ does not match the snapshot", p)
		}
	}
	t.Logf("restore crash harness: %d kills at step boundaries, invariants held after each", len(points))
}
