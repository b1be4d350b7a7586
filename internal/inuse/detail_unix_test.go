//go:build unix

package inuse

import (
	"os"
	"path/filepath"
	"testing"
)

// osSignals are the signals only the unix probe makes: a lock by a known
// process, by an open file description, read and write, and a lock file
// that cannot be probed.
func osSignals(t *testing.T) []Signal {
	path := filepath.Join("ETaxInvoice", dbexLck)
	sigs := []Signal{
		lockSignal(path, "fcntl", false, os.Getpid()),
		lockSignal(path, "fcntl", true, os.Getpid()),
		lockSignal(path, "fcntl", false, 0),
		lockSignal(path, "fcntl", true, 0),
	}
	db := filepath.Join(tempDir(t), "ETaxInvoice")
	if err := os.MkdirAll(filepath.Join(db, dbexLck), 0o755); err != nil { // a folder: not a lock file
		t.Fatal(err)
	}
	_, _, unknown := probeEngineLock(db, nil, Options{})
	if len(unknown) != 1 || unknown[0].Kind != KindUnknown {
		t.Fatalf("dbex.lck a folder: %+v", unknown)
	}
	return append(sigs, unknown...)
}
