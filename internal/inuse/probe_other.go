//go:build !unix && !windows

package inuse

import (
	"context"
	"os"
	"path/filepath"
)

// probeEngineLock has no way to see another process's lock here: any lock
// file makes the database's state unknown, which counts as in use.
func probeEngineLock(db string, _ []fileInfo, _ Options) (probe, note string, sigs []Signal) {
	for _, n := range []string{dbLck, dbexLck} {
		p := filepath.Join(db, n)
		if _, err := os.Lstat(p); err == nil {
			sigs = append(sigs, Signal{Kind: KindUnknown, File: p, Database: db}.say("inuse.detail.noprobe", filepath.Base(db), n))
			break
		}
	}
	return "none", "this system offers no lock probe", sigs
}

func scanProcs(context.Context, string, []fileInfo) []procHit { return nil }
