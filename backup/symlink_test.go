//go:build unix

package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/efbackup/efbackup/internal/treetest"
)

// Symbolic links: efbackup never follows one out of db/ while reading, and
// never writes through one while restoring.

func TestSnapshotRefusesLinksOutOfDB(t *testing.T) {
	outside := t.TempDir()
	must(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("not part of db/"), 0o644))
	for name, plant := range map[string]func(db string) error{
		"link to a file": func(db string) error {
			return os.Symlink(filepath.Join(outside, "secret"), filepath.Join(db, "efaktur.lock.db"))
		},
		"link to a folder": func(db string) error { return os.Symlink(outside, filepath.Join(db, "sub", "more")) },
		"relative link":    func(db string) error { return os.Symlink("../../etc", filepath.Join(db, "up")) },
	} {
		t.Run(name, func(t *testing.T) {
			tmp := t.TempDir()
			db := filepath.Join(tmp, "db")
			makeDB(t, db)
			must(t, plant(db))
			out := filepath.Join(tmp, "out")
			_, err := Snapshot(context.Background(), SnapshotOptions{DB: db, OutDir: out, Label: "x"})
			var ue *UnsupportedFileError
			if !errors.As(err, &ue) || ue.Type != "symbolic link" {
				t.Fatalf("want the link refused, got %v", err)
			}
			if left, _ := os.ReadDir(out); len(left) != 0 {
				t.Fatalf("left behind: %v", left)
			}
			if _, err := HashFolder(context.Background(), db, FolderOptions{}); !errors.As(err, &ue) {
				t.Fatalf("the live check followed the link: %v", err)
			}
		})
	}
}

// A link planted where restore will create its staging folder or move the
// old db/ aside (the names are predictable from the time) is never written
// through: the restore stops, and the folder the link points to stays
// empty.
func TestRestoreNeverWritesThroughLinks(t *testing.T) {
	tmp := t.TempDir()
	src := filepath.Join(tmp, "src", "db")
	makeDB(t, src)
	res := snap(t, src, filepath.Join(tmp, "out"))
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for _, which := range []string{"staging", "aside"} {
		t.Run(which, func(t *testing.T) {
			inst := filepath.Join(t.TempDir(), "install")
			db := filepath.Join(inst, "db")
			must(t, os.MkdirAll(db, 0o755))
			must(t, os.WriteFile(filepath.Join(db, "efaktur.mv.db"), []byte("current"), 0o644))
			victim := t.TempDir()
			plan := PlanRestore(res.Path, db, now)
			at := plan.Staging
			if which == "aside" {
				at = plan.MoveAside
			}
			must(t, os.Symlink(victim, at))
			before := treetest.Content(t, inst)
			_, err := Restore(context.Background(), res.Path, RestoreOptions{DB: db, Now: func() time.Time { return now }})
			if left, _ := os.ReadDir(victim); len(left) != 0 {
				t.Fatalf("restore wrote through the link at %s: %v", at, left)
			}
			if b, _ := os.ReadFile(filepath.Join(db, "efaktur.mv.db")); err != nil && string(b) != "current" {
				t.Fatalf("restore failed (%v) and db/ is not the previous one", err)
			}
			if err == nil {
				// It chose other names: the link is untouched, db/ is the
				// snapshot, and the previous db/ is kept in a real folder.
				if got, _ := os.Readlink(at); got != victim {
					t.Fatalf("the link at %s was changed", at)
				}
				rep, verr := VerifyFolder(context.Background(), db, res.Manifest, FolderOptions{})
				if verr != nil || len(rep.Problems) != 0 {
					t.Fatalf("restore succeeded but db/ is not the snapshot: %v %v", verr, rep.Problems)
				}
				kept := false
				sibs, _ := filepath.Glob(db + ".*")
				for _, d := range sibs {
					if fi, _ := os.Lstat(d); fi != nil && fi.IsDir() {
						if b, _ := os.ReadFile(filepath.Join(d, "efaktur.mv.db")); string(b) == "current" {
							kept = true
						}
					}
				}
				if !kept {
					t.Fatalf("the previous db/ is gone: %v", sibs)
				}
				return
			}
			if diff := cmp.Diff(before, treetest.Content(t, inst)); diff != "" {
				t.Fatalf("restore failed (%v) but changed the install:\n%s", err, diff)
			}
		})
	}
}
