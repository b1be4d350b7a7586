package inuse

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// holdOpen starts a shell that has path open for reading, with no lock,
// and returns its pid.
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

// The /proc scan finds another program with a file open and no lock, names
// it as "another program", and gives files outside any database to the
// folder as a whole.
func TestProcScanOtherProgram(t *testing.T) {
	t.Parallel()
	db := tempDir(t)
	etax := filepath.Join(db, "ETaxInvoice")
	derbyLayout(t, etax, false)
	stray := filepath.Join(db, "catatan.txt")
	write(t, stray, "x")
	pid := holdOpen(t, filepath.Join(etax, "log", "log1.dat"))
	pid2 := holdOpen(t, stray)

	rep := check(t, db, Options{})
	if !rep.InUse || len(rep.Signals) != 2 {
		t.Fatalf("%s", describe(rep))
	}
	var inDB, outside Signal
	for _, s := range rep.Signals {
		if s.PID == pid {
			inDB = s
		} else if s.PID == pid2 {
			outside = s
		}
	}
	if inDB.Kind != KindOpenByProcess || inDB.Database != etax || inDB.Program != ProgramOther ||
		!strings.Contains(inDB.Detail, "ETaxInvoice/log/log1.dat is open in pid") || !strings.Contains(inDB.Detail, "another program") {
		t.Errorf("signal in the database: %+v", inDB)
	}
	if outside.Kind != KindOpenByProcess || outside.Database != "" || outside.File != stray {
		t.Errorf("signal outside any database: %+v", outside)
	}
	if !rep.Databases[0].InUse {
		t.Errorf("the database is not marked in use: %+v", rep.Databases[0])
	}
}

// The scan matches by device and inode too, so a folder reached through a
// symbolic link is still recognised; and a file created after the listing
// counts as well.
func TestProcScanAliasesAndNewFiles(t *testing.T) {
	t.Parallel()
	real := tempDir(t)
	derbyLayout(t, filepath.Join(real, "ETaxInvoice"), false)
	link := filepath.Join(tempDir(t), "db")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	seg := filepath.Join(link, "ETaxInvoice", "seg0", "c10.dat")
	pid := holdOpen(t, seg)
	rep := check(t, link, Options{})
	if !rep.InUse || rep.Signals[0].PID != pid || rep.Signals[0].File != seg || rep.Signals[0].Database != filepath.Join(link, "ETaxInvoice") {
		t.Fatalf("through a symbolic link: %s", describe(rep))
	}

	files, err := listFiles(real)
	if err != nil {
		t.Fatal(err)
	}
	late := filepath.Join(real, "ETaxInvoice", "tmp", "T1.tmp")
	write(t, late, "x")
	pid2 := holdOpen(t, late)
	found := false
	for _, h := range scanProcs(context.Background(), real, files) {
		found = found || h.pid == pid2 && h.path == late
	}
	if !found {
		t.Fatal("a file created after the listing was not found")
	}
}

// F_OFD_GETLK sees a classic POSIX lock of our own process, which F_GETLK
// cannot. It also pins down a POSIX trap: closing the probe's descriptor
// releases every classic lock our process holds on the file.
func TestOwnProcessLock(t *testing.T) {
	t.Parallel()
	path := filepath.Join(tempDir(t), dbexLck)
	write(t, path, "\x00\x00\x00\x01")
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lk := unix.Flock_t{Type: unix.F_WRLCK}
	if err := unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk); err != nil {
		t.Fatal(err)
	}
	sig, found, err := fcntlProbe(path)
	if err != nil || !found || sig.Kind != KindOSLock || sig.PID != os.Getpid() || sig.Program != ProgramEFBackup {
		t.Fatalf("fcntlProbe = %+v, %v, %v", sig, found, err)
	}
	if _, found, _ := fcntlProbe(path); found {
		t.Fatal("the probe's close was expected to drop our own classic lock (POSIX)")
	}
}

// A dbex.lck that cannot be opened is not proof of anything: in use, as
// unknown. (Root reads any file, so this needs an ordinary user.)
func TestUnreadableLockFile(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root can open any file")
	}
	db := tempDir(t)
	etax := filepath.Join(db, "ETaxInvoice")
	derbyLayout(t, etax, true)
	if err := os.Chmod(filepath.Join(etax, dbexLck), 0); err != nil {
		t.Fatal(err)
	}
	rep := check(t, db, Options{})
	if !rep.InUse || rep.Signals[0].Kind != KindUnknown || rep.Signals[0].File != filepath.Join(etax, dbexLck) {
		t.Fatalf("%s", describe(rep))
	}
}
