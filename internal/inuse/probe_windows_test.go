package inuse

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/windows"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// underWine reports whether this Windows binary runs under Wine, whose
// ntdll exports wine_get_version.
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// The Restart Manager is trusted only where it lists a process holding a
// file. Wine 8's rstrtmgr is a stub: RmGetList succeeds and lists nobody,
// so there the check must refuse it and Check falls back to the exclusive
// open. On real Windows it must work and name the holder of db.lck.
func TestRestartManager(t *testing.T) {
	db := tempDir(t)
	lck := filepath.Join(db, dbLck)
	h := startHolder(t, "jdk", lck)
	procs, listErr := rmList([]string{lck})
	t.Logf("RmGetList on a db.lck held by pid %d: %d processes, error %v", h.pid, len(procs), listErr)
	err := restartManager()
	if underWine() {
		if err == nil {
			t.Fatal("Wine's Restart Manager passed the check: if Wine now implements RmGetList, drop this expectation")
		}
		if listErr == nil && len(procs) != 0 {
			t.Fatalf("Wine's RmGetList listed %d processes yet failed the check", len(procs))
		}
		t.Logf("under Wine the Restart Manager is refused (%v); the Restart Manager path is checked only on real Windows", err)
		return
	}
	if err != nil {
		t.Fatalf("the Restart Manager is refused on Windows: %v", err)
	}
	found := false
	for _, p := range procs {
		found = found || int(p.PID) == h.pid
	}
	if listErr != nil || !found {
		t.Fatalf("RmGetList did not list the holder %d: %+v, %v", h.pid, procs, listErr)
	}
	rep := check(t, db, Options{})
	if !rep.InUse || rep.Databases[0].Probe != "restart-manager" || rep.Signals[0].PID != h.pid {
		t.Fatalf("%s", describe(rep))
	}
}

// The fallback, forced even where the Restart Manager works: one exclusive
// open of db.lck. With NoExclusiveOpen an existing db.lck is unknown, which
// counts as in use; without db.lck there is nothing to probe.
func TestExclusiveOpenFallback(t *testing.T) {
	saved := restartManager
	restartManager = func() error { return errors.New("turned off by the test") }
	defer func() { restartManager = saved }()

	db := tempDir(t)
	etax := filepath.Join(db, "ETaxInvoice")
	derbyLayout(t, etax, false)
	lck := filepath.Join(etax, dbLck)
	h := startHolder(t, "jdk", lck)
	rep := check(t, db, Options{})
	if !rep.InUse || rep.Signals[0].Kind != KindSharingViolation || rep.Signals[0].File != lck || rep.Databases[0].Probe != "exclusive-open" {
		t.Fatalf("%s", describe(rep))
	}
	rep = check(t, db, Options{NoExclusiveOpen: true})
	if !rep.InUse || rep.Signals[0].Kind != KindUnknown || rep.Databases[0].Probe != "none" {
		t.Fatalf("NoExclusiveOpen: %s", describe(rep))
	}
	h.release(t)
	wantLeftover(t, check(t, db, Options{}), etax, dbLck)
	if rep := check(t, db, Options{NoExclusiveOpen: true}); !rep.InUse || rep.Signals[0].Kind != KindUnknown {
		t.Fatalf("NoExclusiveOpen, nobody holding db.lck: still unknown, got %s", describe(rep))
	}
	os.Remove(lck)
	if ws := wantFree(t, check(t, db, Options{NoExclusiveOpen: true})); len(ws) != 0 {
		t.Fatalf("no db.lck: %+v", ws)
	}
}

// While Check probes, Derby's own boot-time steps still work: the probe
// leaves no handle behind, so db.lck can be deleted and recreated at once.
func TestProbeLeavesNoHandle(t *testing.T) {
	db := tempDir(t)
	etax := filepath.Join(db, "ETaxInvoice")
	derbyLayout(t, etax, true)
	check(t, db, Options{})
	lck := filepath.Join(etax, dbLck)
	if err := os.Remove(lck); err != nil {
		t.Fatalf("deleting db.lck after a check: %v", err)
	}
	release, err := holdJDK(lck)
	if err != nil {
		t.Fatalf("recreating db.lck as the JDK does: %v", err)
	}
	release()
}

// Derby's boot on Windows while efbackup reads db.lck through
// fsutil.OpenShared (a snapshot that includes it, say): the delete of the
// left-over db.lck must succeed, or e-Faktur refuses to start. Whether the
// new db.lck can be created at once depends on the file system: a deleted
// file whose handle is still open keeps its name until the handle closes,
// except where Windows deletes with POSIX semantics (NTFS, Windows 10
// 1903 and later). The test logs which it saw.
func TestDerbyBootWhileReadShared(t *testing.T) {
	db := tempDir(t)
	etax := filepath.Join(db, "ETaxInvoice")
	derbyLayout(t, etax, true)
	lck := filepath.Join(etax, dbLck)
	f, err := fsutil.OpenShared(lck)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := tryHolder(t, "boot", lck)
	switch {
	case err == nil:
		t.Log("Derby's boot steps succeeded while db.lck was read: the delete removed the name at once")
		h.release(t)
	case strings.Contains(err.Error(), "delete:"):
		t.Fatalf("a shared read blocked the delete of db.lck: %v", err)
	default:
		t.Logf("the delete succeeded; recreating db.lck while the reader still held the deleted file failed (%v): "+
			"Derby would boot read-only (see the package doc)", err)
	}
}
