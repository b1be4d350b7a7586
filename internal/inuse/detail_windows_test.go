package inuse

import (
	"os"
	"path/filepath"
	"testing"
)

// osSignals are the signals only the Windows probe makes that need no
// Restart Manager: db.lck open elsewhere, found by the exclusive open, and
// a db.lck the exclusive open cannot ask about. (TestRestartManager and
// TestExclusiveOpenFallback check the others through check.)
func osSignals(t *testing.T) []Signal {
	db := filepath.Join(tempDir(t), "ETaxInvoice")
	lck := filepath.Join(db, dbLck)
	write(t, lck, "x")
	release, err := holdJDK(lck)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	sig, found, err := exclusiveProbe(lck)
	if err != nil || !found {
		t.Fatalf("exclusiveProbe of a held db.lck: %+v, %v, %v", sig, found, err)
	}
	odd := filepath.Join(tempDir(t), "Lain")
	if err := os.MkdirAll(filepath.Join(odd, dbLck), 0o755); err != nil { // a folder: not a lock file
		t.Fatal(err)
	}
	_, _, err = exclusiveProbe(filepath.Join(odd, dbLck))
	if err == nil {
		t.Fatal("exclusiveProbe of a folder: no error")
	}
	return []Signal{sig, unprobed(odd, dbLck, err)}
}

// networkNames are the ways a network folder is named on Windows: a UNC
// path (a mapped drive needs a real share).
func networkNames() []any {
	n, remote := networkFS(`\\server\share\db`)
	if !remote {
		return nil
	}
	return []any{n}
}
