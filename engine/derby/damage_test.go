package derby

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/fixtures/damage"
	derbyfix "github.com/efbackup/efbackup/fixtures/derby"
)

// damaged returns a private copy of src with the damage of kind and seed
// applied.
func damaged(t *testing.T, src string, kind damage.Kind, seed int64) (string, damage.Description) {
	t.Helper()
	dir := private(t, src)
	d, err := damage.Apply(dir, kind, seed)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(d)
	return dir, d
}

// Every row of docs/derby-format.md §5: the damage the real engine was
// shown to refuse or lose data from, and what the check must say of it.
func TestMeasuredDamage(t *testing.T) {
	clean := fixture(t, derbyfix.Spec{Seed: 1})
	crashed := fixture(t, derbyfix.Spec{Seed: 1, State: derbyfix.Crashed})
	type want struct {
		code    string
		verdict engine.Verdict
		file    string // "" for the damaged file, "-" for any
	}
	for _, tt := range []struct {
		name  string
		src   string
		kind  damage.Kind
		state engine.State
		want  []want
	}{
		{"heap page flip", clean, damage.HeapPageFlip, engine.Clean, []want{{CodePageChecksum, engine.Damaged, ""}}},
		{"heap page zeroed", clean, damage.HeapPageZero, engine.Clean, []want{{CodePageZero, engine.Damaged, ""}}},
		{"truncated aligned", clean, damage.TruncateAligned, engine.Clean, []want{{CodeTruncated, engine.Damaged, ""}}},
		{"truncated unaligned", clean, damage.TruncateUnaligned, engine.Clean,
			[]want{{CodeContainerSize, engine.Damaged, ""}, {CodeTruncated, engine.Damaged, ""}}},
		{"container deleted", clean, damage.DeleteContainer, engine.Clean, []want{{CodeContainerMissing, engine.Damaged, ""}}},
		{"index page flip", clean, damage.IndexPageFlip, engine.Clean, []want{{CodePageChecksum, engine.Damaged, ""}}},
		{"SYSCONGLOMERATES page flip", clean, damage.CatalogPageFlip, engine.Clean,
			[]want{{CodePageChecksum, engine.Damaged, "seg0/c20.dat"}}},
		{"container info flip", clean, damage.ContainerInfoFlip, engine.Clean, []want{{CodeContainerInfoCRC, engine.Damaged, ""}}},
		{"log.ctrl flip, clean", clean, damage.LogCtrlFlip, engine.Clean, []want{{CodeLogControlChecksum, engine.Warning, ""}}},
		{"log.ctrl flip, crashed", crashed, damage.LogCtrlFlip, engine.NeedsRecovery, []want{{CodeLogControlChecksum, engine.Warning, ""}}},
		{"log.ctrl deleted, clean", clean, damage.LogCtrlDelete, engine.Clean, []want{{CodeLogControlMissing, engine.Warning, ""}}},
		{"log.ctrl deleted, crashed", crashed, damage.LogCtrlDelete, engine.NeedsRecovery, []want{{CodeLogControlMissing, engine.Damaged, ""}}},
		{"last log truncated, crashed", crashed, damage.LastLogTruncate, engine.NeedsRecovery, []want{{CodeLogFuzzyEnd, engine.Warning, ""}}},
		// The small crashed database has one log file, which holds the
		// checkpoint.
		{"only log deleted, crashed", crashed, damage.LastLogDelete, engine.NeedsRecovery, []want{{CodeCheckpointMissing, engine.Damaged, ""}}},
		{"last log deleted, crashed", manyLogsDB(t), damage.LastLogDelete, engine.NeedsRecovery, []want{{CodeLogSwitched, engine.Damaged, "-"}}},
		{"middle log deleted, crashed", manyLogsDB(t), damage.MiddleLogDelete, engine.NeedsRecovery, []want{{CodeLogFileMissing, engine.Damaged, ""}}},
	} {
		for seed := int64(1); seed <= 3; seed++ {
			t.Run(fmt.Sprintf("%s/seed%d", tt.name, seed), func(t *testing.T) {
				dir, d := damaged(t, tt.src, tt.kind, seed)
				db, res := checkDir(t, dir)
				for _, w := range tt.want {
					file := w.file
					switch file {
					case "":
						file = d.Files[0]
					case "-":
						file = ""
					}
					f := wantFinding(t, db, w.code, w.verdict, file)
					if f.Detail == "" {
						t.Errorf("%s: no detail", w.code)
					}
					if r, ok := res[f.File]; ok && engine.Worse(w.verdict, r.Verdict) {
						t.Errorf("%s: file verdict %s, below the finding's %s", f.File, r.Verdict, w.verdict)
					}
				}
				if db.Verdict != tt.want[0].verdict && !(db.Verdict == engine.Damaged) {
					t.Errorf("%s: verdict %s: %s", d, db.Verdict, describe(db))
				}
				if db.State != tt.state {
					t.Errorf("%s: state %s, want %s", d, db.State, tt.state)
				}
			})
		}
	}
}

// The many-logs database is healthy before it is damaged: the findings
// above are the damage's.
func TestManyLogsHealthy(t *testing.T) {
	dir := manyLogsDB(t)
	logs, _ := filepath.Glob(filepath.Join(dir, "log", "log*.dat"))
	if len(logs) < 4 {
		t.Fatalf("only %d log files", len(logs))
	}
	db, _ := checkDir(t, dir)
	if db.Verdict != engine.OK || db.State != engine.NeedsRecovery {
		t.Fatalf("%s", describe(db))
	}
}

// Damage anywhere never makes the check fail or panic, and a variant is
// the same every time: the same findings for the same kind and seed.
func TestRandomDamage(t *testing.T) {
	src := fixture(t, derbyfix.Spec{Seed: 1, State: derbyfix.Crashed})
	older := fixture(t, derbyfix.Spec{Seed: 1})
	seeds := int64(4)
	if testing.Short() {
		seeds = 2
	}
	if s := os.Getenv("DERBY_DAMAGE_SEEDS"); s != "" {
		fmt.Sscan(s, &seeds) // a longer run, by hand
	}
	var seen, flagged int
	for _, kind := range damage.Kinds() {
		for seed := int64(1); seed <= seeds; seed++ {
			dir := private(t, src)
			d, err := damage.ApplyOlder(dir, older, kind, seed)
			if errors.Is(err, damage.ErrNotApplicable) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			db, _ := checkDir(t, dir)
			again, _ := checkDir(t, dir)
			if diff := diffJSON(db, again); diff != "" {
				t.Fatalf("%s: two checks differ: %s", d, diff)
			}
			seen++
			if db.Verdict != engine.OK {
				flagged++
			}
			if testing.Verbose() {
				codes := map[string]bool{}
				for _, f := range db.Findings {
					codes[string(f.Verdict)+" "+f.Code] = true
				}
				t.Logf("%s -> %s %v", d, db.Verdict, keys(codes))
			}
		}
	}
	t.Logf("%d of %d damaged copies flagged", flagged, seen)
	if seen == 0 || flagged*2 < seen {
		t.Errorf("only %d of %d damaged copies flagged", flagged, seen)
	}
}

func keys(m map[string]bool) string {
	var s []string
	for k := range m {
		s = append(s, k)
	}
	sortStrings(s)
	return strings.Join(s, ", ")
}

// An encrypted database cannot be checked without its key: never "ok",
// never damaged for what the ciphertext looks like.
func TestEncrypted(t *testing.T) {
	for _, crash := range []bool{false, true} {
		t.Run(fmt.Sprintf("crashed=%v", crash), func(t *testing.T) {
			src := encryptedDB(t, crash)
			db, res := checkDir(t, src)
			noDamage(t, db)
			if db.Verdict != engine.NotChecked || !db.Encrypted {
				t.Fatalf("verdict %s encrypted %v: %s", db.Verdict, db.Encrypted, describe(db))
			}
			wantFinding(t, db, CodeEncrypted, engine.NotChecked, "")
			want := engine.Clean
			if crash {
				want = engine.NeedsRecovery
			}
			if db.State != want {
				t.Errorf("state %s, want %s", db.State, want)
			}
			if db.Versions == nil || db.Versions.OnDisk == "" {
				t.Errorf("versions %+v", db.Versions)
			}
			for rel, r := range res {
				if r.Kind == KindContainer && r.Verdict != engine.NotChecked {
					t.Errorf("%s: %s", rel, r.Verdict)
				}
			}
			// What needs no key is still checked.
			dir := private(t, src)
			logs, _ := filepath.Glob(filepath.Join(dir, "log", "log*.dat"))
			for _, l := range logs {
				os.Remove(l)
			}
			db, _ = checkDir(t, dir)
			wantFinding(t, db, CodeCheckpointMissing, engine.Damaged, "")
			if crash {
				// Nor are the records after the checkpoint: the state.
				dir := private(t, src)
				for _, l := range []string{lockName, exLockName} {
					os.Remove(filepath.Join(dir, l))
				}
				os.RemoveAll(filepath.Join(dir, tmpName))
				if db, _ := checkDir(t, dir); db.State != engine.NeedsRecovery {
					t.Errorf("without its lock files, the crashed database is %s", db.State)
				}
			}
		})
	}
}

// The check streams the files in path order, so log/ goes by before
// service.properties says the database is encrypted: the log's records
// tell it first, and the containers' own results say "not checked".
func TestEncryptedFileResultsBeforeFinish(t *testing.T) {
	dir := encryptedDB(t, false)
	c := New().NewCheck("db")
	var rels []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, p)
		if err == nil && d.Type().IsRegular() {
			rels = append(rels, filepath.ToSlash(rel))
		}
		return nil
	})
	sortStrings(rels)
	containers := 0
	for _, rel := range rels {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		fc := c.File(rel, int64(len(b)))
		fc.Write(b)
		if r := fc.Result(); r.Kind == KindContainer {
			containers++
			if r.Verdict != engine.NotChecked {
				t.Errorf("%s: %s before the check finished: %v", rel, r.Verdict, r.Findings)
			}
		}
	}
	if containers == 0 {
		t.Fatal("no containers")
	}
	if db := c.Finish(); db.Verdict != engine.NotChecked {
		t.Errorf("verdict %s", db.Verdict)
	}
}

// A log kept outside the folder is a loud warning: the copy lacks it.
func TestLogDevice(t *testing.T) {
	dir := logDeviceDB(t)
	db, _ := checkDir(t, dir)
	noDamage(t, db)
	wantFinding(t, db, CodeLogDevice, engine.Warning, propertiesName)
	if db.Verdict != engine.Warning || db.LogDevice == "" {
		t.Errorf("verdict %s log device %q", db.Verdict, db.LogDevice)
	}
}
