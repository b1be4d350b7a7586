package migrate

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadJournal: reading a migration journal never panics; every refusal
// is a *JournalError (unreadable, for this target); a journal that is
// accepted names only base names of the forms efbackup creates, inside the
// target, and only values this release knows.
func FuzzReadJournal(f *testing.F) {
	target := f.TempDir()
	good := Journal{
		Schema: JournalSchema, ID: "20260101T000000Z", State: StateRunning, Attempts: 1, From: "3.2", To: "4.0",
		Source: "/old", Target: target, SourceDB: "db", TargetDB: "db", TargetHadDB: true,
		SnapshotDir: "/snaps", Staging: "db.efbackup-migrate-20260101T000000Z.partial", Aside: "db.before-migrate-20260101T000000Z",
		Reports:    []string{"efbackup-migrate-20260101T000000Z.json", "efbackup-migrate-20260101T000000Z.txt"},
		Snapshots:  []SnapshotRecord{{Kind: "source", Path: "/snaps/old-migrate-source-20260101T000000Z.tar.zst", State: "verified"}},
		Steps:      []StepRecord{{Name: StepPreflight, Status: "ok"}, {Name: StepSwap, Status: "started"}},
		SwapMethod: SwapExchange,
	}
	b, _ := json.Marshal(good)
	f.Add(b)
	for _, edit := range []func(j *Journal){
		func(j *Journal) { j.State = "paused" },
		func(j *Journal) { j.Staging = "../db.efbackup-migrate-20260101T000000Z.partial" },
		func(j *Journal) { j.Aside = "Documents" },
		func(j *Journal) { j.Steps[1].Status = "retrying" },
		func(j *Journal) { j.Target = "/elsewhere" },
	} {
		j := good
		j.Steps = append([]StepRecord(nil), good.Steps...)
		edit(&j)
		b, _ := json.Marshal(j)
		f.Add(b)
	}
	f.Add([]byte(`{"schema":`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(filepath.Join(target, JournalName), data, 0o600); err != nil {
			t.Fatal(err)
		}
		j, err := ReadJournal(target)
		if err != nil {
			var je *JournalError
			if !errors.As(err, &je) || je.Kind != JournalUnreadable || je.Target != target {
				t.Fatalf("a refusal that is not an unreadable-journal error for the target: %#v", err)
			}
			return
		}
		if j == nil {
			t.Fatal("no journal and no error, though the file exists")
		}
		for _, n := range append([]string{j.Staging, j.Aside, j.Undone}, j.Reports...) {
			if n != "" && (filepath.Base(n) != n || strings.ContainsAny(n, `/\`)) {
				t.Fatalf("an accepted journal names %q", n)
			}
		}
		if !strings.EqualFold(j.TargetDB, "db") {
			t.Fatalf("an accepted journal names the db folder %q", j.TargetDB)
		}
	})
}
