//go:build !unix && !windows

package inuse

import (
	"path/filepath"
	"testing"
)

// osSignals: where no lock can be probed, a lock file is an unknown.
func osSignals(t *testing.T) []Signal {
	db := filepath.Join(tempDir(t), "ETaxInvoice")
	write(t, filepath.Join(db, dbLck), "x")
	_, _, sigs := probeEngineLock(db, nil, Options{})
	return sigs
}

func networkNames() []any { return nil }
