package inuse

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// startHoldLock runs testdata/winlock/holdlock.exe on path. It holds the
// file as Java does on Windows: open with shared read and write, and with
// mode "lock" an exclusive LockFileEx lock over Java's whole-file range.
// The path of the built helper comes from EFBACKUP_HOLDLOCK_EXE
// (run-wine-tests.sh sets it).
func startHoldLock(t *testing.T, path, mode string) int {
	t.Helper()
	exe := os.Getenv("EFBACKUP_HOLDLOCK_EXE")
	if exe == "" {
		t.Skip("EFBACKUP_HOLDLOCK_EXE is not set: build testdata/winlock/holdlock.c (see run-wine-tests.sh)")
	}
	cmd := exec.Command(exe, path, mode)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	if l, _ := bufio.NewReader(out).ReadString('\n'); strings.TrimSpace(l) != "READY" {
		t.Fatalf("holdlock said %q: %s", l, stderr.String())
	}
	return cmd.Process.Pid
}

func TestWindowsLockedFile(t *testing.T) {
	dir := tempDir(t)
	db := filepath.Join(dir, "db.mv.db")
	write(t, db, strings.Repeat("x", 8192))
	startHoldLock(t, db, "lock")

	sig, found, err := CheckFile(db)
	if err != nil || !found || sig.Kind != KindOSLock || sig.File != db {
		t.Fatalf("CheckFile = %+v, %v, %v; want an os-lock", sig, found, err)
	}
	t.Logf("CheckFile: %s", sig.Detail)
	rep := check(t, dir, Options{})
	if !rep.InUse || rep.Signals[0].Kind != KindOSLock {
		t.Fatalf("%+v", rep)
	}
	// The probe must not have disturbed the holder's lock or left one of
	// its own: the file is still locked by the holder alone.
	if _, found, _ := CheckFile(db); !found {
		t.Fatal("second probe found nothing")
	}
}

func TestWindowsOpenFile(t *testing.T) {
	dir := makeDB(t, fileLock(""))
	db := filepath.Join(dir, "db.h2.db")
	startHoldLock(t, db, "open")

	sig, found, err := CheckFile(db)
	if err != nil || !found || sig.Kind != KindSharingViolation {
		t.Fatalf("CheckFile = %+v, %v, %v; want a sharing violation", sig, found, err)
	}
	t.Logf("CheckFile: %s", sig.Detail)
	rep := check(t, dir, Options{})
	if !rep.InUse || len(rep.Signals) != 2 || rep.Signals[0].Kind != KindSharingViolation || rep.Signals[1].Kind != KindLockFileLive {
		t.Fatalf("%+v", rep)
	}
}

// Once the holder is gone, the exclusive opens prove nothing has the
// database open, and the lock file it left is stale.
func TestWindowsReleased(t *testing.T) {
	dir := makeDB(t, fileLock(""))
	db := filepath.Join(dir, "db.h2.db")
	if os.Getenv("EFBACKUP_HOLDLOCK_EXE") != "" {
		cmd := exec.Command(os.Getenv("EFBACKUP_HOLDLOCK_EXE"), db, "lock")
		cmd.Stdin = strings.NewReader("") // EOF at once: lock, READY, exit
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("holdlock: %v: %s", err, out)
		}
	}
	if _, found, err := CheckFile(db); found || err != nil {
		t.Fatalf("CheckFile after release: %v, %v", found, err)
	}
	s := only(t, check(t, dir, Options{}), KindLockFileStale)
	wantDetail(t, s, "no process has its database open")
}
