package backup

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/internal/treetest"
)

// A restore "killed" at a step boundary: the hook parks the restoring
// goroutine for good at that point, so the folders (and their identities)
// are exactly what a kill there would leave; RecoverRestore then runs
// beside it, as the next restore would. The parked goroutine ends with
// runtime.Goexit only after the test has looked at everything.

type recoveryFixture struct {
	install, db string
	snap        string
	old         map[string]string // the install's db/ before the restore
	restored    map[string]string // what the snapshot holds
}

// smallDB is a db/ folder small enough that the many restores of these
// tests stay quick under the race detector.
func smallDB(t *testing.T, dir string, seed byte) {
	t.Helper()
	data := make([]byte, 96<<10)
	for i := range data {
		data[i] = byte(i*7) ^ seed
	}
	must(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "efaktur.mv.db"), data, 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "sub", "empty"), nil, 0o600))
}

func newRecoveryFixture(t *testing.T, withDB bool) *recoveryFixture {
	t.Helper()
	tmp := t.TempDir()
	src := filepath.Join(tmp, "src", "db")
	smallDB(t, src, 1)
	f := &recoveryFixture{install: filepath.Join(tmp, "install"), snap: snap(t, src, filepath.Join(tmp, "out")).Path, restored: treetest.Content(t, src)}
	f.db = filepath.Join(f.install, "db")
	must(t, os.MkdirAll(f.install, 0o700))
	if withDB {
		smallDB(t, f.db, 2)
		// Work entered after the snapshot: the two folders differ.
		must(t, os.WriteFile(filepath.Join(f.db, "entered-later.txt"), []byte("faktur 010.000-26.00000001"), 0o600))
		f.old = treetest.Content(t, f.db)
	}
	return f
}

// killAt runs a restore that stops for good at point, and returns a
// function that lets the parked goroutine go (it then exits, running only
// its deferred calls) and waits for it.
func (f *recoveryFixture) killAt(t *testing.T, point string, opt RestoreOptions) (release func()) {
	t.Helper()
	reached := make(chan struct{})
	letGo := make(chan struct{})
	done := make(chan error, 1)
	opt.DB = f.db
	opt.Hook = func(p string) {
		if p == point {
			close(reached)
			<-letGo
			runtime.Goexit()
		}
	}
	go func() {
		defer close(done)
		_, err := Restore(context.Background(), f.snap, opt)
		done <- err
	}()
	select {
	case <-reached:
	case err := <-done:
		t.Fatalf("the restore ended (%v) without reaching %s", err, point)
	case <-time.After(time.Minute):
		t.Fatalf("the restore never reached %s", point)
	}
	return func() {
		close(letGo)
		<-done
	}
}

// content is the tree under p, or nil when p does not exist.
func content(t *testing.T, p string) map[string]string {
	t.Helper()
	if _, err := os.Lstat(p); err != nil {
		return nil
	}
	return treetest.Content(t, p)
}

// beside lists the names in the install folder starting with "db".
func (f *recoveryFixture) beside(t *testing.T) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(f.install, "db*"))
	var out []string
	for _, p := range m {
		out = append(out, filepath.Base(p))
	}
	return out
}

// invariants: db/ is the previous folder or the restored one, and the
// previous one exists whole under some name. With two renames (Windows)
// db/ may be missing between them (gapOK): the journal then says where the
// previous one is.
func (f *recoveryFixture) invariants(t *testing.T, when string, gapOK bool) {
	t.Helper()
	cur := content(t, f.db)
	if cur == nil && gapOK && f.old != nil {
		j, err := ReadRestoreJournal(f.install)
		if err != nil || j == nil || !cmp.Equal(content(t, filepath.Join(f.install, j.Aside)), f.old) {
			t.Fatalf("%s: db/ is missing and the journal does not say where the previous one is (%+v %v)", when, j, err)
		}
	}
	if f.old == nil {
		if cur != nil && !cmp.Equal(cur, f.restored) {
			t.Fatalf("%s: db/ is neither missing nor the restored folder", when)
		}
		return
	}
	if !cmp.Equal(cur, f.old) && !cmp.Equal(cur, f.restored) && (cur != nil || !gapOK) {
		t.Fatalf("%s: db/ is neither the previous folder nor the restored one (have %v)", when, f.beside(t))
	}
	found := false
	for _, name := range f.beside(t) {
		if cmp.Equal(content(t, filepath.Join(f.install, name)), f.old) {
			found = true
		}
	}
	if !found {
		t.Fatalf("%s: the previous db/ is gone (have %v)", when, f.beside(t))
	}
}

func journalPresent(install string) bool {
	_, err := os.Lstat(filepath.Join(install, RestoreJournalName))
	return err == nil
}

func TestRestoreRecoveryAtEveryStep(t *testing.T) {
	type method struct {
		name  string
		opt   RestoreOptions
		noIDs bool // as on Windows: no file identities
		swap  string
	}
	methods := []method{
		{name: "rename", opt: RestoreOptions{NoExchange: true}, swap: "restore-moved-aside"},
		{name: "rename-without-ids", opt: RestoreOptions{NoExchange: true}, noIDs: true, swap: "restore-moved-aside"},
	}
	if exchangeAvailable {
		methods = append(methods, method{name: "exchange", swap: "restore-exchanged"})
	}
	// What the next run must have done, point by point.
	want := map[string]string{
		"restore-verified":        "",
		"restore-staging-created": RecoveryRolledBack,
		"restore-extracted":       RecoveryRolledBack,
		"restore-before-swap":     RecoveryRolledBack,
		"restore-exchanged":       RecoveryFinished,
		"restore-moved-aside":     RecoveryFinished,
		"restore-swapped":         RecoveryCleanedUp,
		"restore-done":            "",
	}
	for _, m := range methods {
		for _, withDB := range []bool{true, false} {
			points := []string{"restore-verified", "restore-staging-created", "restore-extracted", "restore-before-swap", m.swap, "restore-swapped", "restore-done"}
			if !withDB {
				// Nothing to move aside: one rename, whatever the system.
				points = []string{"restore-verified", "restore-staging-created", "restore-extracted", "restore-before-swap", "restore-swapped", "restore-done"}
			}
			for _, point := range points {
				name := m.name + "/" + point
				if !withDB {
					name = m.name + "/no-db/" + point
				}
				t.Run(name, func(t *testing.T) {
					if m.noIDs {
						folderID = func(string) string { return "" }
						t.Cleanup(func() { folderID = fsutil.ID })
					}
					f := newRecoveryFixture(t, withDB)
					release := f.killAt(t, point, m.opt)
					defer release()
					f.invariants(t, "killed at "+point, point == "restore-moved-aside")
					if point == m.swap && withDB {
						// The gap this journal closes: the previous db/ is
						// under a name the user would not look at.
						if cmp.Equal(content(t, f.db), f.old) && m.swap == "restore-exchanged" {
							t.Fatal("after the exchange db/ should be the restored folder")
						}
					}
					rec, err := RecoverRestore(f.db)
					if err != nil {
						t.Fatalf("recovery: %v", err)
					}
					action := ""
					if rec != nil {
						action = rec.Action
						if len(rec.Leftovers) > 0 {
							t.Errorf("leftovers reported: %v", rec.Leftovers)
						}
					}
					if !withDB && want[point] == RecoveryFinished {
						t.Fatalf("no swap point without a db/")
					}
					if action != want[point] {
						t.Fatalf("recovery after %s: action %q, want %q (%+v)", point, action, want[point], rec)
					}
					f.invariants(t, "after recovery", false)
					if journalPresent(f.install) {
						t.Fatal("the journal is still there after recovery")
					}
					for _, n := range f.beside(t) {
						if strings.Contains(n, StagingTag) {
							t.Fatalf("a staging folder is left after recovery: %v", f.beside(t))
						}
					}
					switch action {
					case RecoveryRolledBack:
						if withDB && !cmp.Equal(content(t, f.db), f.old) {
							t.Fatal("rolled back, but db/ is not the previous folder")
						}
						if !withDB && content(t, f.db) != nil {
							t.Fatal("rolled back, but db/ exists")
						}
					case RecoveryFinished, RecoveryCleanedUp:
						if !cmp.Equal(content(t, f.db), f.restored) {
							t.Fatal("finished, but db/ is not the restored folder")
						}
						if withDB {
							if !strings.HasPrefix(filepath.Base(rec.MovedTo), "db."+AsideTag+"-") || !cmp.Equal(content(t, rec.MovedTo), f.old) {
								t.Fatalf("the previous db/ is not at %s", rec.MovedTo)
							}
						}
					}
					// Recovery is idempotent, and the next restore succeeds.
					if rec, err := RecoverRestore(f.db); rec != nil || err != nil {
						t.Fatalf("second recovery: %+v %v", rec, err)
					}
					res, err := Restore(context.Background(), f.snap, RestoreOptions{DB: f.db, NoExchange: m.opt.NoExchange})
					if err != nil {
						t.Fatalf("the next restore: %v", err)
					}
					if !cmp.Equal(content(t, f.db), f.restored) || journalPresent(f.install) {
						t.Fatal("the next restore did not restore, or left its journal")
					}
					if res.Recovered != nil {
						t.Errorf("the next restore recovered again: %+v", res.Recovered)
					}
					f.invariants(t, "after the next restore", false)
				})
			}
		}
	}
}

// A journal whose folders match none of the states it can leave changes
// nothing, and the error names every folder and says what to do.
func TestRestoreRecoveryRefusesInconsistentFolders(t *testing.T) {
	f := newRecoveryFixture(t, true)
	release := f.killAt(t, "restore-moved-aside", RestoreOptions{NoExchange: true})
	defer release()
	// Someone put a new, empty db/ in place by hand.
	must(t, os.Mkdir(f.db, 0o700))
	before := f.beside(t)
	_, err := RecoverRestore(f.db)
	var je *RestoreJournalError
	if !errors.As(err, &je) {
		t.Fatalf("want *RestoreJournalError, got %v", err)
	}
	if !cmp.Equal(f.beside(t), before) || !journalPresent(f.install) {
		t.Fatalf("a refused recovery changed the install: %v -> %v", before, f.beside(t))
	}
	for _, s := range []string{RestoreJournalName, "db.before-restore-", "db.efbackup-restore-"} {
		if !strings.Contains(je.Error()+" "+je.Hint(), s) {
			t.Errorf("the message does not name %s:\n%s\n%s", s, je.Error(), je.Hint())
		}
	}
	// So does the next restore.
	if _, err := Restore(context.Background(), f.snap, RestoreOptions{DB: f.db}); !errors.As(err, &je) {
		t.Fatalf("restore with an inconsistent journal: %v", err)
	}
	if !cmp.Equal(f.beside(t), before) {
		t.Fatal("a refused restore changed the install")
	}
}

// A damaged or hostile journal is refused without touching anything: it
// can never make recovery remove or rename a name efbackup does not use.
func TestRestoreRecoveryRefusesHostileJournal(t *testing.T) {
	for name, edit := range map[string]func(j *RestoreJournal){
		"staging outside":    func(j *RestoreJournal) { j.Staging = "../elsewhere.efbackup-restore-20260101T000000Z.partial" },
		"staging is db":      func(j *RestoreJournal) { j.Staging = "db" },
		"aside is something": func(j *RestoreJournal) { j.Aside = "Documents" },
		"unknown state":      func(j *RestoreJournal) { j.State = "done" },
		"unknown schema":     func(j *RestoreJournal) { j.Schema = "efbackup.restore-journal/9" },
		"db with separator":  func(j *RestoreJournal) { j.DB = "x/db" },
	} {
		t.Run(name, func(t *testing.T) {
			f := newRecoveryFixture(t, true)
			other := filepath.Join(f.install, "Documents")
			must(t, os.Mkdir(other, 0o700))
			j := &RestoreJournal{Schema: RestoreJournalSchema, State: RestoreStateStaging, DB: "db",
				Staging: "db.efbackup-restore-20260101T000000Z.partial", Aside: "db.before-restore-20260101T000000Z"}
			edit(j)
			must(t, writeRestoreJournal(f.install, j))
			before := f.beside(t)
			var je *RestoreJournalError
			if _, err := RecoverRestore(f.db); !errors.As(err, &je) {
				t.Fatalf("want *RestoreJournalError, got %v", err)
			}
			if !cmp.Equal(f.beside(t), before) || content(t, other) == nil {
				t.Fatal("a refused journal changed the install")
			}
		})
	}
	t.Run("not json", func(t *testing.T) {
		f := newRecoveryFixture(t, true)
		must(t, os.WriteFile(filepath.Join(f.install, RestoreJournalName), []byte("{\"schema\":"), 0o600))
		var je *RestoreJournalError
		if _, err := RecoverRestore(f.db); !errors.As(err, &je) || !strings.Contains(je.Error(), "cannot be read") {
			t.Fatalf("got %v", err)
		}
	})
}

// A staging-named folder no journal accounts for (left by an older
// efbackup, whose kill after the exchange left the previous db/ there) is
// reported and never touched; temporary files of a killed journal write are
// removed.
func TestRestoreLeftoversReportedNotTouched(t *testing.T) {
	f := newRecoveryFixture(t, true)
	left := filepath.Join(f.install, "db.efbackup-restore-20250101T000000Z.partial")
	must(t, os.Mkdir(left, 0o700))
	must(t, os.WriteFile(filepath.Join(left, "efaktur.mv.db"), []byte("the previous database"), 0o600))
	tmp := filepath.Join(f.install, RestoreJournalName+".1234.tmp")
	must(t, os.WriteFile(tmp, []byte("{"), 0o600))
	mine := filepath.Join(f.install, RestoreJournalName+".notes.tmp") // not of the exact form
	must(t, os.WriteFile(mine, []byte("mine"), 0o600))
	res, err := Restore(context.Background(), f.snap, RestoreOptions{DB: f.db})
	if err != nil {
		t.Fatal(err)
	}
	if res.Recovered == nil || !cmp.Equal(res.Recovered.Leftovers, []string{left}) || res.Recovered.Action != "" {
		t.Fatalf("recovered %+v", res.Recovered)
	}
	if b, err := os.ReadFile(filepath.Join(left, "efaktur.mv.db")); err != nil || string(b) != "the previous database" {
		t.Fatal("the leftover folder was touched")
	}
	if _, err := os.Lstat(tmp); !os.IsNotExist(err) {
		t.Error("the journal's temporary file is still there")
	}
	if _, err := os.Lstat(mine); err != nil {
		t.Error("a file not of the exact temporary form was removed")
	}
}

// After an exchange, the aside name the journal recorded was taken by
// someone else: recovery records a free name first, then renames, and
// never touches the folder that took the name.
func TestRestoreRecoveryAsideNameTaken(t *testing.T) {
	if !exchangeAvailable {
		t.Skip("no exchange on this system")
	}
	f := newRecoveryFixture(t, true)
	release := f.killAt(t, "restore-exchanged", RestoreOptions{})
	defer release()
	j, err := ReadRestoreJournal(f.install)
	if err != nil || j == nil {
		t.Fatalf("journal: %+v %v", j, err)
	}
	squatter := filepath.Join(f.install, j.Aside)
	must(t, os.Mkdir(squatter, 0o700))
	must(t, os.WriteFile(filepath.Join(squatter, "mine.txt"), []byte("mine"), 0o600))
	rec, err := RecoverRestore(f.db)
	if err != nil || rec.Action != RecoveryFinished || rec.MovedTo == squatter {
		t.Fatalf("recovery: %+v %v", rec, err)
	}
	if !cmp.Equal(content(t, rec.MovedTo), f.old) || content(t, squatter)["mine.txt"] == "" {
		t.Fatal("the previous db/ or the other folder is not where it should be")
	}
}

// The journal is owner-only and says what it must.
func TestRestoreJournalContent(t *testing.T) {
	f := newRecoveryFixture(t, true)
	release := f.killAt(t, "restore-before-swap", RestoreOptions{})
	defer release()
	p := filepath.Join(f.install, RestoreJournalName)
	fi, err := os.Stat(p)
	must(t, err)
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(p)
	var j RestoreJournal
	must(t, json.Unmarshal(b, &j))
	if j.State != RestoreStateSwapping || j.Snapshot != f.snap || j.DB != "db" || !j.HadDB ||
		!strings.HasPrefix(j.Staging, "db.efbackup-restore-") || !strings.HasPrefix(j.Aside, "db.before-restore-") || j.PID != os.Getpid() {
		t.Errorf("journal %+v", j)
	}
	if runtime.GOOS != "windows" && (j.DBID == "" || j.StagingID == "" || j.DBID == j.StagingID) {
		t.Errorf("identities %q %q", j.DBID, j.StagingID)
	}
	if pend, err := PendingRestore(f.db); err != nil || pend == nil || pend.Staging != j.Staging {
		t.Errorf("PendingRestore: %+v %v", pend, err)
	}
}
