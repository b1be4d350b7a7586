package inuse

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// holdOpen starts a process that has path open for reading (no lock), like
// an H2 PageStore has its .h2.db, and returns its pid.
func holdOpen(t *testing.T, path string) int {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", `exec 3<"$0" && echo READY && exec cat`, path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	if l, _ := bufio.NewReader(out).ReadString('\n'); l != "READY\n" {
		t.Fatalf("holder said %q", l)
	}
	return cmd.Process.Pid
}

// The /proc scan on its own, without Java: a process holding a file open
// without any lock is found, with its pid, and it makes the lock file live.
func TestProcScanFindsOpenFile(t *testing.T) {
	t.Parallel()
	dir := makeDB(t, fileLock(""))
	db := filepath.Join(dir, "db.h2.db")
	pid := holdOpen(t, db)

	sig, found, err := CheckFile(db)
	if err != nil || !found || sig.Kind != KindOpenByProcess || sig.PID != pid || sig.File != db {
		t.Fatalf("CheckFile = %+v, %v, %v; want open-by-process by pid %d", sig, found, err, pid)
	}
	wantDetail(t, sig, "db.h2.db is open by pid")

	rep := check(t, dir, Options{})
	if !rep.InUse || len(rep.Signals) != 2 {
		t.Fatalf("%+v", rep)
	}
	if s := rep.Signals[0]; s.Kind != KindOpenByProcess || s.PID != pid {
		t.Errorf("first signal %+v", s)
	}
	if s := rep.Signals[1]; s.Kind != KindLockFileLive || s.PID != pid {
		t.Errorf("second signal %+v", s)
	}
}

// The scan matches by device and inode too, so a folder reached through a
// symbolic link (or a bind mount) is still recognised; and with the whole
// folder in scope, a file created after the listing counts as well.
func TestProcScanAliasesAndNewFiles(t *testing.T) {
	t.Parallel()
	real := tempDir(t)
	write(t, filepath.Join(real, "db.h2.db"), "x")
	link := filepath.Join(tempDir(t), "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if files, err := listFiles(link); err != nil || len(files) != 1 || files[0].path != filepath.Join(link, "db.h2.db") {
		t.Fatalf("listFiles through a symbolic link: %+v, %v", files, err)
	}
	pid := holdOpen(t, filepath.Join(link, "db.h2.db"))
	rep := check(t, link, Options{})
	if !rep.InUse || rep.Signals[0].PID != pid || rep.Signals[0].File != filepath.Join(link, "db.h2.db") {
		t.Fatalf("%+v", rep)
	}

	late := filepath.Join(real, "late.trace.db")
	write(t, late, "x")
	pid2 := holdOpen(t, late)
	files, err := listFiles(real)
	if err != nil {
		t.Fatal(err)
	}
	var early []fileInfo
	for _, f := range files {
		if f.rel == "db.h2.db" {
			early = append(early, f)
		}
	}
	scan := platformScanProcs(t.Context(), real, early, true)
	found := false
	for _, h := range scan.hits {
		found = found || (h.PID == pid2 && h.File == late)
	}
	if !found || !scan.complete {
		t.Fatalf("late file not found: %+v", scan)
	}
}

// F_OFD_GETLK sees a classic POSIX lock of our own process, which F_GETLK
// cannot. This also pins down a POSIX trap: closing the probe's descriptor
// releases every classic lock our process holds on the file.
func TestOwnProcessLock(t *testing.T) {
	t.Parallel()
	path := filepath.Join(tempDir(t), "db.mv.db")
	write(t, path, "x")
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lk := unix.Flock_t{Type: unix.F_WRLCK}
	if err := unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk); err != nil {
		t.Fatal(err)
	}
	sig, found, err := probeFile(path)
	if err != nil || !found || sig.Kind != KindOSLock || sig.PID != os.Getpid() {
		t.Fatalf("probeFile = %+v, %v, %v", sig, found, err)
	}
	wantDetail(t, sig, "fcntl write lock on db.mv.db held by pid")
	if _, found, _ := probeFile(path); found {
		t.Fatal("the probe's close was expected to drop our own classic lock (POSIX)")
	}
}
