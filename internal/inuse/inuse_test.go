package inuse

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// Check is asked about db/ and answers per database folder inside it; it
// may also be asked about one database folder.
func TestFindsDatabases(t *testing.T) {
	t.Parallel()
	db := tempDir(t)
	derbyLayout(t, filepath.Join(db, "ETaxInvoice"), false)
	write(t, filepath.Join(db, "Kedua", "seg0", "c10.dat"), "x") // seg0/ alone is enough
	write(t, filepath.Join(db, "Ketiga", dbLck), "x")            // so is a lock file
	write(t, filepath.Join(db, "backup-lama", "notes.txt"), "x") // not a database
	write(t, filepath.Join(db, "stray.txt"), "x")

	rep := check(t, db, Options{})
	wantFree(t, rep)
	var got []string
	for _, d := range rep.Databases {
		got = append(got, filepath.Base(d.Dir))
		if d.Probe == "" {
			t.Errorf("%s: no probe named", d.Dir)
		}
	}
	if want := []string{"ETaxInvoice", "Kedua", "Ketiga"}; !slices.Equal(got, want) {
		t.Fatalf("databases %v, want %v", got, want)
	}

	one := check(t, filepath.Join(db, "ETaxInvoice"), Options{})
	if len(one.Databases) != 1 || one.Databases[0].Dir != filepath.Join(db, "ETaxInvoice") {
		t.Fatalf("asked about one database folder: %s", describe(one))
	}
	if rep := check(t, filepath.Join(db, "backup-lama"), Options{}); len(rep.Databases) != 0 {
		t.Fatalf("a folder without a database: %s", describe(rep))
	}
}

func TestCheckErrors(t *testing.T) {
	t.Parallel()
	dir := tempDir(t)
	if _, err := Check(context.Background(), filepath.Join(dir, "missing"), Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing folder: %v", err)
	}
	write(t, filepath.Join(dir, "file"), "x")
	if _, err := Check(context.Background(), filepath.Join(dir, "file"), Options{}); err == nil {
		t.Error("a file instead of a folder: no error")
	}
	derbyLayout(t, filepath.Join(dir, "db", "ETaxInvoice"), true)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Check(ctx, filepath.Join(dir, "db"), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// A database shut down cleanly has no lock files: free, no warning.
func TestShutDownCleanly(t *testing.T) {
	t.Parallel()
	db := tempDir(t)
	derbyLayout(t, filepath.Join(db, "ETaxInvoice"), false)
	if ws := wantFree(t, check(t, db, Options{})); len(ws) != 0 {
		t.Fatalf("warnings on a clean database: %+v", ws)
	}
}

// Lock files that no process holds are what a crash leaves: never in use,
// always the "not shut down cleanly" warning.
func TestLeftoverLockFiles(t *testing.T) {
	t.Parallel()
	db := tempDir(t)
	etax := filepath.Join(db, "ETaxInvoice")
	derbyLayout(t, etax, true)
	derbyLayout(t, filepath.Join(db, "Bersih"), false)
	rep := check(t, db, Options{})
	wantLeftover(t, rep, etax, dbLck, dbexLck)
	for _, d := range rep.Databases {
		want := 0
		if d.Dir == etax {
			want = 1
		}
		if len(d.Warnings) != want {
			t.Errorf("%s: %d warnings, want %d", d.Dir, len(d.Warnings), want)
		}
	}
	// Only dbex.lck left (a database copied from Linux to Windows, say).
	os.Remove(filepath.Join(etax, dbLck))
	wantLeftover(t, check(t, db, Options{}), etax, dbexLck)
}

// Another process holds Derby's lock the way Derby holds it on this
// system: on unix a whole-file fcntl write lock on dbex.lck, on Windows
// db.lck open with read and write sharing. The database is in use, and the
// signal names the file and the holder. Once it lets go, the lock files it
// left are a warning only.
func TestEngineLockHeld(t *testing.T) {
	t.Parallel()
	db := tempDir(t)
	etax := filepath.Join(db, "ETaxInvoice")
	derbyLayout(t, etax, true)
	derbyLayout(t, filepath.Join(db, "Lain"), false)
	var h *holder
	lockFile := filepath.Join(etax, dbexLck)
	if runtime.GOOS == "windows" {
		os.Remove(lockFile) // Derby makes no dbex.lck on Windows
		lockFile = filepath.Join(etax, dbLck)
		h = startHolder(t, "jdk", lockFile)
	} else {
		h = startHolder(t, "fcntl", lockFile)
	}

	rep := check(t, db, Options{})
	if !rep.InUse || len(rep.Signals) == 0 {
		t.Fatalf("want in use: %s", describe(rep))
	}
	s := rep.Signals[0]
	if s.File != lockFile || s.Database != etax {
		t.Fatalf("first signal %+v, want one on %s of %s", s, lockFile, etax)
	}
	switch {
	case runtime.GOOS != "windows":
		if s.Kind != KindOSLock || s.PID != h.pid {
			t.Fatalf("first signal %+v, want an os-lock by pid %d", s, h.pid)
		}
	case rep.Databases[0].Probe == "restart-manager":
		if s.Kind != KindOpenByProcess || s.PID != h.pid {
			t.Fatalf("first signal %+v, want open-by-process by pid %d", s, h.pid)
		}
	default:
		if s.Kind != KindSharingViolation {
			t.Fatalf("first signal %+v, want a sharing violation", s)
		}
		t.Logf("checked through the exclusive-open fallback: %s", rep.Databases[0].ProbeNote)
	}
	if s.PID != 0 {
		// The holder is this test binary: "another efbackup run".
		if s.Program != ProgramEFBackup || !strings.Contains(s.Detail, "another efbackup run") {
			t.Errorf("holder not recognised as this program: %+v", s)
		}
	}
	if !strings.Contains(s.Detail, "ETaxInvoice/"+filepath.Base(lockFile)) {
		t.Errorf("detail does not name the file: %s", s.Detail)
	}
	var iu *InUseError
	if err := rep.Err(); !errors.As(err, &iu) || iu.Dir != db || !strings.Contains(err.Error(), s.Detail) {
		t.Fatalf("Err() = %v", err)
	}
	for _, d := range rep.Databases {
		if d.InUse != (d.Dir == etax) {
			t.Errorf("database %s: in use %v", d.Dir, d.InUse)
		}
	}
	if len(rep.Warnings) != 0 && rep.Warnings[0].Kind == KindNotShutDown {
		t.Errorf("a held lock is not a left-over one: %s", describe(rep))
	}
	// Asked about the database folder itself: the same answer.
	if one := check(t, etax, Options{}); !one.InUse || one.Signals[0].File != lockFile {
		t.Fatalf("asked about %s: %s", etax, describe(one))
	}

	// The probes did not disturb the holder: it still holds its lock.
	if again := check(t, db, Options{}); !again.InUse {
		t.Fatalf("second check: %s", describe(again))
	}
	h.release(t)
	wantLeftover(t, check(t, db, Options{}), etax, crashLocks()...)
}

// Another efbackup reading a file of the database makes it in use too,
// where the system can tell who has a file open.
func TestAnotherReaderIsInUse(t *testing.T) {
	t.Parallel()
	db := tempDir(t)
	etax := filepath.Join(db, "ETaxInvoice")
	derbyLayout(t, etax, false)
	seg := filepath.Join(etax, "seg0", "c20.dat")
	h := startHolder(t, "shared", seg)
	rep, err := Check(context.Background(), db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	visible := runtime.GOOS == "linux" || runtime.GOOS == "windows" && rep.Databases[0].Probe == "restart-manager"
	if !visible {
		wantFree(t, rep)
		t.Skipf("%s: open files without a lock are not visible here (probe %s: %s)", runtime.GOOS, rep.Databases[0].Probe, rep.Databases[0].ProbeNote)
	}
	t.Logf("Check: %s", describe(rep))
	if !rep.InUse || rep.Signals[0].Kind != KindOpenByProcess || rep.Signals[0].PID != h.pid || rep.Signals[0].Program != ProgramEFBackup {
		t.Fatalf("want open-by-process by pid %d (efbackup): %s", h.pid, describe(rep))
	}
	if runtime.GOOS == "linux" && (rep.Signals[0].File != seg || !strings.Contains(rep.Signals[0].Detail, "ETaxInvoice/seg0/c20.dat is open in pid")) {
		t.Fatalf("signal does not name the file: %+v", rep.Signals[0])
	}
	h.release(t)
	wantFree(t, check(t, db, Options{}))
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		name, exe string
		want      Program
	}{
		{"java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java", ProgramJava},
		{"javaw.exe", `C:\Program Files\Java\bin\javaw.exe`, ProgramJava},
		{"ETaxInvoice.exe", "", ProgramJava},
		{"", `C:\eFaktur\ETaxInvoice.exe`, ProgramJava},
		{"efbackup", "", ProgramEFBackup},
		{"efbackup.exe", "", ProgramEFBackup},
		{"cp", "/usr/bin/cp", ProgramOther},
		{"robocopy.exe", "", ProgramOther},
		{"", "", ""},
		{"whatever", ownExe(), ProgramEFBackup},
	} {
		if got := classify(c.name, c.exe); got != c.want {
			t.Errorf("classify(%q, %q) = %q, want %q", c.name, c.exe, got, c.want)
		}
	}
	if l := holderLabel(42, "java", ProgramJava).String(); l != "pid 42 (java: a Java program: e-Faktur or its database server)" {
		t.Errorf("label %q", l)
	}
	if l := holderLabel(7, "", "").String(); l != "pid 7" {
		t.Errorf("label %q", l)
	}
}

// Many files open in one process make one signal, which names a lock file
// when the process holds one.
func TestGroupHits(t *testing.T) {
	root := filepath.FromSlash("/x/db")
	etax := filepath.Join(root, "ETaxInvoice")
	dbs := []Database{{Dir: etax}}
	hits := []procHit{
		{pid: 10, path: filepath.Join(etax, "seg0", "c10.dat"), name: "java"},
		{pid: 10, path: filepath.Join(etax, "dbex.lck"), name: "java"},
		{pid: 10, path: filepath.Join(etax, "log", "log1.dat"), name: "java"},
		{pid: 11, path: filepath.Join(root, "stray.txt"), name: "cp"},
	}
	got := groupHits(root, dbs, hits)
	if len(got) != 2 {
		t.Fatalf("%+v", got)
	}
	if s := got[0]; s.PID != 10 || s.Database != etax || s.File != filepath.Join(etax, "dbex.lck") || s.Program != ProgramJava ||
		s.Detail != "ETaxInvoice/dbex.lck and 2 more files are open in pid 10 (java: a Java program: e-Faktur or its database server)" {
		t.Errorf("%+v", s)
	}
	if s := got[1]; s.PID != 11 || s.Database != "" || s.Program != ProgramOther || s.Detail != "stray.txt is open in pid 11 (cp: another program)" {
		t.Errorf("%+v", s)
	}
}

// A database on a network file system gets the warning that another
// computer's lock is not visible. It needs such a folder, named by
// EFBACKUP_TEST_NETWORK_DIR (under Wine: a drive letter whose type is
// "network" in HKLM\Software\Wine\Drives).
func TestNetworkFolderWarns(t *testing.T) {
	share := os.Getenv("EFBACKUP_TEST_NETWORK_DIR")
	if share == "" {
		t.Skip("EFBACKUP_TEST_NETWORK_DIR is not set: no network folder to check")
	}
	db, err := os.MkdirTemp(share, "db-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(db)
	derbyLayout(t, filepath.Join(db, "ETaxInvoice"), false)
	rep := check(t, db, Options{})
	if rep.InUse || len(rep.Warnings) != 1 || rep.Warnings[0].Kind != KindNetworkFS || rep.Warnings[0].File != db ||
		!strings.Contains(rep.Warnings[0].Detail, "back up on the computer that holds the data") {
		t.Fatalf("want one network warning: %s", describe(rep))
	}
}
