package migrate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/fsutil"
)

func leftoverSet(ls []fsutil.Leftover) map[string]string {
	out := map[string]string{}
	for _, l := range ls {
		out[l.Path] = l.Action
	}
	return out
}

// A migration killed while writing its first journal leaves
// efbackup-migrate.journal.partial in the target. It must never refuse the
// next run: under the target's lock that run removes it, says so, and
// migrates.
func TestJournalPartialDoesNotBlock(t *testing.T) {
	e := newEnv(t, true)
	partial := filepath.Join(e.tgt, JournalName+fsutil.PartialSuffix)
	tmp := filepath.Join(e.tgt, JournalName+".1234.tmp")
	for _, p := range []string{partial, tmp} {
		if err := os.WriteFile(p, []byte(`{"schema":"efbackup.migrate-jour`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Run(context.Background(), e.opts())
	if err != nil {
		t.Fatalf("a leftover .partial refused the run: %v", err)
	}
	got := leftoverSet(res.Plan.Leftovers)
	if got[partial] != fsutil.LeftoverRemoved || got[tmp] != fsutil.LeftoverRemoved || len(got) != 2 {
		t.Fatalf("leftovers %+v", res.Plan.Leftovers)
	}
	for _, p := range []string{partial, tmp} {
		if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there", p)
		}
	}
	if _, err := os.Lstat(filepath.Join(e.tgt, "efbackup.lock")); !errors.Is(err, os.ErrNotExist) {
		t.Error("the target's lock was not released")
	}
}

// The same leftovers beside a finished migration: undo removes them, says
// so, and puts the original back. With nothing but the leftover, undo
// still removes it and says there is nothing else to undo.
func TestUndoRemovesJournalLeftovers(t *testing.T) {
	e := newEnv(t, true)
	if _, err := Run(context.Background(), e.opts()); err != nil {
		t.Fatal(err)
	}
	partial := filepath.Join(e.tgt, JournalName+fsutil.PartialSuffix)
	tmp := filepath.Join(e.tgt, JournalName+".99.tmp")
	for _, p := range []string{partial, tmp} {
		if err := os.WriteFile(p, []byte("{"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Undo(context.Background(), UndoOptions{Target: e.tgt})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	if got := leftoverSet(res.Leftovers); got[partial] != fsutil.LeftoverRemoved || got[tmp] != fsutil.LeftoverRemoved {
		t.Fatalf("leftovers %+v", res.Leftovers)
	}
	if err := os.WriteFile(partial, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err = Undo(context.Background(), UndoOptions{Target: e.tgt})
	var je *JournalError
	if !errors.As(err, &je) || je.Kind != JournalNothing {
		t.Fatalf("undo with only a leftover: %v", err)
	}
	if res == nil || leftoverSet(res.Leftovers)[partial] != fsutil.LeftoverRemoved {
		t.Fatalf("the leftover was not reported: %+v", res)
	}
	if _, err := os.Lstat(partial); !errors.Is(err, os.ErrNotExist) {
		t.Error("the leftover is still there")
	}
}

// A migration killed while writing a safety snapshot's sidecar leaves the
// sidecar's .partial; the next run of the same migration removes it and
// says so.
func TestResumeRemovesSnapshotPartials(t *testing.T) {
	e := newEnv(t, true)
	opt := e.opts()
	opt.Hook = crashAt("snapshot-committed")
	crashed, err := runUntil(func() error { _, err := Run(context.Background(), opt); return err })
	if !crashed {
		t.Fatalf("did not reach the point: %v", err)
	}
	j, err := ReadJournal(e.tgt)
	if err != nil || j == nil || len(j.Snapshots) == 0 {
		t.Fatalf("journal %+v %v", j, err)
	}
	sidecar := j.Snapshots[0].Path + backup.SidecarSuffix + fsutil.PartialSuffix
	if err := os.WriteFile(sidecar, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), e.opts())
	if err != nil {
		t.Fatal(err)
	}
	if leftoverSet(res.Plan.Leftovers)[sidecar] != fsutil.LeftoverRemoved {
		t.Fatalf("leftovers %+v", res.Plan.Leftovers)
	}
	if _, err := os.Lstat(sidecar); !errors.Is(err, os.ErrNotExist) {
		t.Error("the sidecar's .partial is still there")
	}
}
