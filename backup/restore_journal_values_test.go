package backup

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
