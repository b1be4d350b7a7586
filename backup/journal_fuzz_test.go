package backup

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadRestoreJournal: reading a restore journal never panics; every
// refusal is a *RestoreJournalError naming the journal; a journal that is
// accepted names only base names efbackup itself creates, so that recovery
// can never be steered to another folder.
func FuzzReadRestoreJournal(f *testing.F) {
	f.Add([]byte(`{"schema":"efbackup.restore-journal/1","state":"staging","started":"2026-01-01T00:00:00Z","snapshot":"/s/x-20260101T000000Z.tar.zst","db":"db","had_db":true,"staging":"db.efbackup-restore-20260101T000000Z.partial","pid":1}`))
	f.Add([]byte(`{"schema":"efbackup.restore-journal/1","state":"swapping","db":"db","had_db":true,"db_id":"1:2","staging":"db.efbackup-restore-20260101T000000Z.partial","staging_id":"1:3","aside":"db.before-restore-20260101T000000Z","method":"exchange","pid":1}`))
	f.Add([]byte(`{"schema":"efbackup.restore-journal/1","state":"swapping","db":"db","staging":"db.efbackup-restore-20260101T000000Z.partial","method":"rename","pid":1}`))
	f.Add([]byte(`{"schema":"efbackup.restore-journal/1","state":"swapping","db":"db","staging":"../x.efbackup-restore-20260101T000000Z.partial","method":"rename"}`))
	f.Add([]byte(`{"schema":"efbackup.restore-journal/1","state":"done","db":"db","staging":"db.efbackup-restore-20260101T000000Z.partial"}`))
	f.Add([]byte(`{"schema":`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, RestoreJournalName)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		j, err := ReadRestoreJournal(dir)
		if err != nil {
			var je *RestoreJournalError
			if !errors.As(err, &je) || je.Journal != p {
				t.Fatalf("a refusal that is not a *RestoreJournalError naming the journal: %#v", err)
			}
			return
		}
		for _, n := range []string{j.DB, j.Staging, j.Aside} {
			if n != "" && (filepath.Base(n) != n || strings.ContainsAny(n, `/\:`) || n == ".." || n == ".") {
				t.Fatalf("an accepted journal names %q", n)
			}
		}
		if !strings.HasPrefix(j.Staging, j.DB+"."+StagingTag+"-") || j.Aside != "" && !strings.HasPrefix(j.Aside, j.DB+"."+AsideTag+"-") {
			t.Fatalf("an accepted journal names folders efbackup does not create: %+v", j)
		}
	})
}
