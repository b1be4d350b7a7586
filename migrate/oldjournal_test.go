package migrate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// oldMigrateJournal is a migration journal exactly as the previous release
// wrote it (its fields, in its order), with the target, the state, the
// swap method, the identities and the swap step's status filled in.
const oldMigrateJournal = `{
  "schema": "efbackup.migrate-journal/1",
  "id": "20250720T090000Z",
  "tool_version": "1.4.0",
  "state": %q,
  "updated": "2025-07-20T09:05:00Z",
  "attempts": 1,
  "from": "3.2",
  "to": "4.0",
  "source": "/home/kantor/eFaktur-3.2",
  "target": %q,
  "source_db": "db",
  "target_db": "db",
  "target_had_db": true,
  "target_db_id": %q,
  "snapshot_dir": "/home/kantor/efbackup-snapshots",
  "staging": "db.efbackup-migrate-20250720T090000Z.partial",
  "staging_id": %q,
  "aside": "db.before-migrate-20250720T090000Z",
  "reports": [
    "efbackup-migrate-20250720T090000Z.json",
    "efbackup-migrate-20250720T090000Z.txt"
  ],
  "swap_method": %q,
  "snapshots": [
    {
      "kind": "source",
      "path": "/home/kantor/efbackup-snapshots/eFaktur-3.2-migrate-source-20250720T090000Z.tar.zst",
      "state": "verified",
      "content_id": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    }
  ],
  "source_state": [],
  "steps": [
    {
      "name": "preflight",
      "attempt": 1,
      "started": "2025-07-20T09:00:00Z",
      "ended": "2025-07-20T09:00:01Z",
      "seconds": 1.2,
      "status": "ok"
    },
    {
      "name": "swap",
      "attempt": 1,
      "started": "2025-07-20T09:04:59Z",
      "seconds": 0,
      "status": %q
    }
  ]
}
`

// A journal left by the previous release, in each state a kill or a
// finished migration leaves, is still read, and undo puts the original
// back from it, by either swap method.
func TestUndoFromJournalOfPreviousRelease(t *testing.T) {
	type state struct {
		name, method, journalState, swapStatus string
		arrange                                func(t *testing.T, db, staging, aside string)
		inPlace                                bool // the copy was ever db/
	}
	states := []state{
		{"rename, between the two renames", SwapRename, StateRunning, "started", func(t *testing.T, db, staging, aside string) {
			mustDo(t, os.Rename(db, aside))
		}, false},
		{"rename, finished", SwapRename, StateDone, "ok", func(t *testing.T, db, staging, aside string) {
			mustDo(t, os.Rename(db, aside))
			mustDo(t, os.Rename(staging, db))
		}, true},
		{"exchange, right after the exchange", SwapExchange, StateRunning, "started", func(t *testing.T, db, staging, aside string) {
			mustDo(t, exchange(staging, db))
		}, true},
		{"exchange, finished", SwapExchange, StateDone, "ok", func(t *testing.T, db, staging, aside string) {
			mustDo(t, exchange(staging, db))
			mustDo(t, os.Rename(staging, aside))
		}, true},
	}
	for _, st := range states {
		t.Run(st.name, func(t *testing.T) {
			if st.method == SwapExchange && !exchangeWorks() {
				t.Skip("no exchange here")
			}
			e := newEnv(t, true)
			db := filepath.Join(e.tgt, "db")
			staging := filepath.Join(e.tgt, "db.efbackup-migrate-20250720T090000Z.partial")
			aside := filepath.Join(e.tgt, "db.before-migrate-20250720T090000Z")
			mustDo(t, os.MkdirAll(staging, 0o700))
			mustDo(t, os.WriteFile(filepath.Join(staging, "efaktur.mv.db"), []byte("the migrated copy"), 0o600))
			orig := tree(t, db)
			dbID, stagingID := fsutil.ID(db), fsutil.ID(staging)
			st.arrange(t, db, staging, aside)
			b := fmt.Sprintf(oldMigrateJournal, st.journalState, e.tgt, dbID, stagingID, st.method, st.swapStatus)
			if runtime.GOOS == "windows" {
				// The previous release wrote the paths of the computer it
				// ran on: on Windows, drive paths.
				b = strings.NewReplacer("/home/kantor/efbackup-snapshots/", `C:\\Users\\kantor\\efbackup-snapshots\\`,
					"/home/kantor/", `C:\\Users\\kantor\\`).Replace(b)
			}
			mustDo(t, os.WriteFile(filepath.Join(e.tgt, JournalName), []byte(b), 0o600))
			j, err := ReadJournal(e.tgt)
			if err != nil || j == nil {
				t.Fatalf("the previous release's journal cannot be read: %v", err)
			}
			res, err := Undo(context.Background(), UndoOptions{Target: e.tgt})
			if err != nil {
				t.Fatalf("undo: %v", err)
			}
			if !sameTree(orig, tree(t, db)) {
				t.Fatal("db/ is not the original")
			}
			// A copy that was ever in place may hold work done in it, and
			// is kept; one that never was is removed.
			switch {
			case st.inPlace && res.KeptAt == "":
				t.Fatal("the migrated copy, which was in place, is not kept")
			case st.inPlace:
				if b, err := os.ReadFile(filepath.Join(res.KeptAt, "efaktur.mv.db")); err != nil || string(b) != "the migrated copy" {
					t.Fatalf("the copy is not at %s", res.KeptAt)
				}
			case res.KeptAt != "":
				t.Fatalf("a copy that was never in place is kept at %s", res.KeptAt)
			}
			for _, p := range []string{staging, aside, filepath.Join(e.tgt, JournalName)} {
				if _, err := os.Lstat(p); !os.IsNotExist(err) {
					t.Errorf("%s is left", p)
				}
			}
		})
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
