//go:build unix

package backup

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// A restored sub-folder keeps the mode its snapshot recorded: 0500 stays
// 0500 (before, every folder gained owner write and became 0700), also
// for a read-only folder holding another folder; db/ itself keeps owner
// access, and the restored db/ can be moved aside again by the next
// restore. A staging folder holding read-only folders is still removed.
func TestRestoredFoldersKeepTheirModes(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "install", "db")
	makeDB(t, db)
	must(t, os.MkdirAll(filepath.Join(db, "ro", "inner"), 0o755))
	must(t, os.WriteFile(filepath.Join(db, "ro", "inner", "f"), []byte("x"), 0o400))
	must(t, os.Chmod(filepath.Join(db, "ro", "inner"), 0o500))
	must(t, os.Chmod(filepath.Join(db, "ro"), 0o550))
	must(t, os.Chmod(filepath.Join(db, "sub"), 0o500))
	t.Cleanup(func() { // let TempDir remove every copy
		filepath.WalkDir(tmp, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
	})
	res := snap(t, db, filepath.Join(tmp, "out"))
	for i := 0; i < 2; i++ { // the second restore moves the first's result aside
		rr, err := Restore(context.Background(), res.Path, RestoreOptions{DB: db})
		must(t, err)
		for rel, want := range map[string]os.FileMode{"sub": 0o500, "ro": 0o550, "ro/inner": 0o500} {
			fi, err := os.Stat(filepath.Join(db, rel))
			must(t, err)
			if got := fi.Mode().Perm(); got != want {
				t.Errorf("restore %d: %s has mode %04o, want %04o", i+1, rel, got, want)
			}
		}
		if fi, _ := os.Stat(db); fi.Mode().Perm()&0o700 != 0o700 {
			t.Errorf("db/ itself has mode %04o: the owner lost access", fi.Mode().Perm())
		}
		if i == 1 && rr.MovedTo == "" {
			t.Error("the second restore did not move the first's db/ aside")
		}
	}
	if RestoredDirMode(0o300) != 0o700 || RestoredDirMode(0o555) != 0o555 {
		t.Errorf("RestoredDirMode: %04o %04o", RestoredDirMode(0o300), RestoredDirMode(0o555))
	}
}
