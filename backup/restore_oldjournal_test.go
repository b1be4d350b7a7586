package backup

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// oldRestoreJournal is a restore journal exactly as the previous release
// wrote it (field for field, in its order), with the identities filled in.
const oldRestoreJournal = `{
  "schema": "efbackup.restore-journal/1",
  "state": "swapping",
  "started": "2025-06-01T08:00:00Z",
  "snapshot": "/media/usb/efbackup-snapshots/PT-Contoh-20250531T170000Z.tar.zst",
  "db": "db",
  "had_db": true,
  "db_id": %q,
  "staging": "db.efbackup-restore-20250601T080000Z.partial",
  "staging_id": %q,
  "aside": "db.before-restore-20250601T080000Z",
  "method": %q,
  "pid": 4242,
  "host": "kantor-pc"
}
`

// A restore journal left by the previous release, killed in the middle of
// its swap, is still recovered: the next restore finishes the swap, by
// either method.
func TestRecoverRestoreJournalOfPreviousRelease(t *testing.T) {
	for _, method := range []string{RestoreSwapRename, RestoreSwapExchange} {
		t.Run(method, func(t *testing.T) {
			if method == RestoreSwapExchange && !exchangeAvailable {
				t.Skip("no exchange here")
			}
			install := t.TempDir()
			db := filepath.Join(install, "db")
			staging := filepath.Join(install, "db.efbackup-restore-20250601T080000Z.partial")
			aside := filepath.Join(install, "db.before-restore-20250601T080000Z")
			smallDB(t, db, 2)
			smallDB(t, staging, 1)
			previous, restored := content(t, db), content(t, staging)
			dbID, stagingID := fsutil.ID(db), fsutil.ID(staging)
			// Where the kill left the folders: between the two renames,
			// or right after the exchange.
			if method == RestoreSwapRename {
				must(t, os.Rename(db, aside))
			} else if err := fsutil.Exchange(staging, db); err != nil {
				t.Skipf("exchange: %v", err)
			}
			must(t, os.WriteFile(filepath.Join(install, RestoreJournalName), []byte(fmt.Sprintf(oldRestoreJournal, dbID, stagingID, method)), 0o600))
			rec, err := RecoverRestore(db)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Action != RecoveryFinished || rec.MovedTo != aside {
				t.Fatalf("recovery %+v", rec)
			}
			if !cmp.Equal(content(t, db), restored) || !cmp.Equal(content(t, aside), previous) {
				t.Fatal("db/ is not the restored folder, or the previous one is not aside")
			}
			if content(t, staging) != nil || journalPresent(install) {
				t.Fatal("the staging folder or the journal is left")
			}
		})
	}
}
