package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// A restore journal holding a state or swap method this release does not
// know is refused with an error naming the journal file and the field.
func TestRestoreJournalUnknownValuesNameTheField(t *testing.T) {
	for field, edit := range map[string]func(j *RestoreJournal){
		"state":  func(j *RestoreJournal) { j.State = "verifying" },
		"method": func(j *RestoreJournal) { j.State, j.Method = RestoreStateSwapping, "reflink" },
	} {
		t.Run(field, func(t *testing.T) {
			dir := t.TempDir()
			j := &RestoreJournal{Schema: RestoreJournalSchema, State: RestoreStateStaging, DB: "db",
				Staging: "db.efbackup-restore-20260101T000000Z.partial"}
			edit(j)
			must(t, writeRestoreJournal(dir, j))
			_, err := RecoverRestore(filepath.Join(dir, "db"))
			var je *RestoreJournalError
			if !errors.As(err, &je) || je.Field != field {
				t.Fatalf("want a journal error naming %s, got %#v", field, err)
			}
			if !strings.Contains(je.Error(), filepath.Join(dir, RestoreJournalName)) || !strings.Contains(je.Error(), field) {
				t.Errorf("message: %s", je)
			}
			if _, err := os.Stat(filepath.Join(dir, RestoreJournalName)); err != nil {
				t.Error("a refused journal was removed")
			}
		})
	}
}

// A restore killed while rewriting its journal leaves a temporary file of
// it; the next restore removes it and says so, whether or not a journal
// is left to act on.
func TestRestoreReportsJournalTemporaries(t *testing.T) {
	f := newRecoveryFixture(t, true)
	tmp := filepath.Join(f.install, RestoreJournalName+".1700000000.tmp")
	must(t, os.WriteFile(tmp, []byte(`{"schema":"efbackup.rest`), 0o600))
	res, err := Restore(context.Background(), f.snap, RestoreOptions{DB: f.db})
	if err != nil {
		t.Fatal(err)
	}
	if res.Recovered == nil || len(res.Recovered.Removed) != 1 || res.Recovered.Removed[0].Path != tmp || res.Recovered.Removed[0].Action != fsutil.LeftoverRemoved {
		t.Fatalf("recovered %+v", res.Recovered)
	}
	if _, err := os.Lstat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Error("the temporary file is still there")
	}
	// Beside a journal of a killed restore too.
	release := f.killAt(t, "restore-extracted", RestoreOptions{})
	defer release()
	must(t, os.WriteFile(tmp, []byte("{"), 0o600))
	rec, err := RecoverRestore(f.db)
	if err != nil || rec == nil || rec.Action != RecoveryRolledBack || len(rec.Removed) != 1 {
		t.Fatalf("recovery %+v %v", rec, err)
	}
}
