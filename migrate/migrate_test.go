package migrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/treetest"
)

func TestCheckTransition(t *testing.T) {
	ok := [][2]string{{"3.0", "3.1"}, {"3.1", "3.2"}, {"3.2", "4.0"}, {"3.0", "4.0"}, {"3.1", "4.0"}, {"3.2.1", "4.0"}, {" 3.2 ", "4.0.0"}}
	for _, c := range ok {
		if err := CheckTransition(c[0], c[1]); err != nil {
			t.Errorf("%s→%s: %v", c[0], c[1], err)
		}
	}
	bad := map[[2]string]string{
		{"4.0", "3.2"}:  VersionDowngrade,
		{"3.2", "3.1"}:  VersionDowngrade,
		{"3.2", "3.2"}:  VersionSame,
		{"3.0", "3.2"}:  VersionUnsupported,
		{"5.0", "6.0"}:  VersionUnknown,
		{"3.2", "4.1"}:  VersionUnknown,
		{"2.9", "4.0"}:  VersionUnknown,
		{"abc", "4.0"}:  VersionUnknown,
		{"", "4.0"}:     VersionUnknown,
		{"3.2", "04.0"}: VersionUnknown,
	}
	for c, kind := range bad {
		var ve *VersionError
		if err := CheckTransition(c[0], c[1]); !errors.As(err, &ve) || ve.Kind != kind {
			t.Errorf("%q→%q: got %v, want %s", c[0], c[1], err, kind)
		}
	}
}

// The transitions table in docs/migration.md is the one in code.
func TestTransitionsDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/migration.md")
	if err != nil {
		t.Fatal(err)
	}
	var doc []Transition
	row := regexp.MustCompile("(?m)^\\| `([0-9x.]+)` \\| `([0-9x.]+)` \\|")
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		doc = append(doc, Transition{From: m[1], To: m[2]})
	}
	// The guide has the table twice: English and Indonesian.
	if len(doc) != 2*len(Transitions) {
		t.Fatalf("docs/migration.md has %d table rows, want %d (the table in English and Indonesian)", len(doc), 2*len(Transitions))
	}
	for i, tr := range doc {
		if tr != Transitions[i%len(Transitions)] {
			t.Errorf("docs row %d is %v, code has %v", i, tr, Transitions[i%len(Transitions)])
		}
	}
}

func TestMigrateIntoFreshInstall(t *testing.T) {
	e := newEnv(t, false)
	srcBefore := tree(t, e.src)
	tgtBefore := tree(t, e.tgt)
	var events []Event
	opt := e.opts()
	opt.Log = func(ev Event) { events = append(events, ev) }
	opt.NextSteps = func(*Report) []string { return []string{"run ETaxInvoiceUpd.exe"} }
	opt.ReportText = func(r *Report) []byte { return []byte("report " + r.ID + "\n") }
	res, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if !sameTree(srcBefore, tree(t, e.src)) {
		t.Fatalf("the source changed:\n%s", diffTrees(srcBefore, tree(t, e.src)))
	}
	if !sameTree(treetest.Content(t, filepath.Join(e.src, "db")), treetest.Content(t, filepath.Join(e.tgt, "db"))) {
		t.Fatal("the target's db/ is not a copy of the source's")
	}
	// db/ keeps the source's file times and modes.
	if !sameTree(sub(srcBefore, "db"), sub(tree(t, e.tgt), "db")) {
		t.Errorf("modes or times differ:\n%s", diffTrees(sub(srcBefore, "db"), sub(tree(t, e.tgt), "db")))
	}
	extra := extraNames(t, e.tgt, tgtBefore)
	want := []string{JournalName, "db", "efbackup-migrate-" + res.Plan.ID + ".json", "efbackup-migrate-" + res.Plan.ID + ".txt"}
	if strings.Join(extra, ",") != strings.Join(sortedCopy(want), ",") {
		t.Errorf("new names in the target: %v, want %v", extra, want)
	}
	for _, p := range res.Report.Reports {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		// Windows has no Unix permission bits (Go reports 0666 or 0444).
		if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v", p, fi.Mode())
		}
	}
	var rep Report
	b, _ := os.ReadFile(res.Report.Reports[0])
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.SourceContentID == "" || rep.From != "3.2" || rep.To != "4.0" || len(rep.Snapshots) != 1 || len(rep.NextSteps) != 1 {
		t.Errorf("report: %+v", rep)
	}
	var names []string
	for _, s := range rep.Steps {
		names = append(names, s.Name+":"+s.Status)
	}
	if got := strings.Join(names, " "); got != "preflight:ok snapshot-source:ok stage:ok swap:ok post-check:ok" {
		t.Errorf("steps: %s", got)
	}
	if len(events) < 10 {
		t.Errorf("only %d log events", len(events))
	}
	if snaps := snapshotFiles(t, e.snaps); len(snaps) != 1 || !strings.Contains(filepath.Base(snaps[0]), "eFaktur-3.2-migrate-source-") {
		t.Errorf("snapshots: %v", snaps)
	}
	checkSnapshots(t, e.snaps)
	j, err := ReadJournal(e.tgt)
	if err != nil || j.State != StateDone {
		t.Fatalf("journal: %+v %v", j, err)
	}

	// Running it again finds it done.
	again, err := Run(context.Background(), e.opts())
	if err != nil || !again.AlreadyDone {
		t.Fatalf("second run: %+v %v", again, err)
	}
	if len(snapshotFiles(t, e.snaps)) != 1 {
		t.Error("a second run made another snapshot")
	}
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	for i := range c {
		for k := i + 1; k < len(c); k++ {
			if c[k] < c[i] {
				c[i], c[k] = c[k], c[i]
			}
		}
	}
	return c
}

// A target whose db/ holds data keeps it aside, untouched; never merged,
// never deleted. Undo puts it back, and keeps the migrated copy aside.
func TestMigrateKeepsTargetDBAndUndo(t *testing.T) {
	for _, method := range []string{SwapExchange, SwapRename} {
		t.Run(method, func(t *testing.T) {
			if method == SwapExchange && runtime.GOOS == "windows" {
				t.Skip("Windows has no atomic exchange of two folders (fsutil.Exchange is ErrExchangeUnsupported there): the rename subtest is what Windows does")
			}
			if method == SwapRename {
				defer func(f func(a, b string) error) { exchange = f }(exchange)
				exchange = func(a, b string) error { return errExchangeUnsupported }
			}
			e := newEnv(t, true)
			tgtBefore := tree(t, e.tgt)
			origDB := sub(tgtBefore, "db")
			res, err := Run(context.Background(), e.opts())
			if err != nil {
				t.Fatal(err)
			}
			if res.Journal.SwapMethod != method {
				t.Errorf("swap method %s, want %s", res.Journal.SwapMethod, method)
			}
			aside := res.Plan.Aside
			if !regexp.MustCompile(`db\.before-migrate-[0-9]{8}T[0-9]{6}Z$`).MatchString(aside) {
				t.Errorf("aside name %s", aside)
			}
			if got := sub(tree(t, e.tgt), filepath.Base(aside)); !sameTree(origDB, got) {
				t.Fatalf("the original db/ was changed when kept aside:\n%s", diffTrees(origDB, got))
			}
			if !sameTree(treetest.Content(t, filepath.Join(e.src, "db")), treetest.Content(t, filepath.Join(e.tgt, "db"))) {
				t.Fatal("db/ is not the copy")
			}
			if n := len(snapshotFiles(t, e.snaps)); n != 2 {
				t.Fatalf("%d snapshots, want source and target", n)
			}
			checkSnapshots(t, e.snaps)

			u, err := Undo(context.Background(), UndoOptions{Target: e.tgt})
			if err != nil {
				t.Fatal(err)
			}
			after := tree(t, e.tgt)
			if !sameTree(origDB, sub(after, "db")) {
				t.Fatalf("undo did not restore the original:\n%s", diffTrees(origDB, sub(after, "db")))
			}
			if u.KeptAt == "" || !sameTree(treetest.Content(t, filepath.Join(e.src, "db")), treetest.Content(t, u.KeptAt)) {
				t.Fatalf("the migrated copy is not kept: %+v", u)
			}
			extra := extraNames(t, e.tgt, tgtBefore)
			if len(extra) != 1 || extra[0] != filepath.Base(u.KeptAt) {
				t.Errorf("after undo the target holds extra names %v", extra)
			}
			if n := len(snapshotFiles(t, e.snaps)); n != 2 {
				t.Errorf("undo touched the snapshots: %d left", n)
			}
			var je *JournalError
			if _, err := Undo(context.Background(), UndoOptions{Target: e.tgt}); !errors.As(err, &je) || je.Kind != JournalNothing {
				t.Errorf("second undo: %v", err)
			}
		})
	}
}

func TestUndoNothing(t *testing.T) {
	e := newEnv(t, true)
	var je *JournalError
	if _, err := Undo(context.Background(), UndoOptions{Target: e.tgt}); !errors.As(err, &je) || je.Kind != JournalNothing {
		t.Fatalf("got %v", err)
	}
	var ni *NotInstallError
	if _, err := Undo(context.Background(), UndoOptions{Target: filepath.Join(e.root, "nowhere")}); !errors.As(err, &ni) {
		t.Fatalf("got %v", err)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	for _, withDB := range []bool{false, true} {
		e := newEnv(t, withDB)
		before := tree(t, e.root)
		opt := e.opts()
		opt.DryRun = true
		res, err := Run(context.Background(), opt)
		if err != nil {
			t.Fatal(err)
		}
		if after := tree(t, e.root); !sameTree(before, after) {
			t.Fatalf("dry run changed files:\n%s", diffTrees(before, after))
		}
		if _, err := os.Stat(e.snaps); !errors.Is(err, fs.ErrNotExist) {
			t.Fatal("dry run created the snapshot folder")
		}
		p := res.Plan
		if p.Source.Files != 4 || p.Source.Bytes == 0 || len(p.Space) == 0 || p.Space[0].Free != 1<<40 || p.Checks == nil || p.Checks.Verdict != "ok" {
			t.Errorf("plan: %+v", p)
		}
		if withDB != (p.Aside != "" && p.TargetSnapshot != "") {
			t.Errorf("aside %q, target snapshot %q", p.Aside, p.TargetSnapshot)
		}
		if !p.SnapshotDirNew {
			t.Error("the plan does not say the snapshot folder will be created")
		}
	}
}

func TestFolderProblems(t *testing.T) {
	e := newEnv(t, false)
	inner := filepath.Join(e.src, "new")
	mkInstall(t, inner, "4.0", false, 3)
	link := filepath.Join(e.root, "link")
	noLink := ""
	if err := os.Symlink(e.src, link); err != nil {
		if runtime.GOOS != "windows" {
			t.Fatal(err)
		}
		// Windows lets only administrators (or Developer Mode) make links.
		noLink = fmt.Sprintf("cannot make a symbolic link here: %v", err)
	} else if _, err := os.Lstat(link); err != nil && runtime.GOOS == "windows" {
		// Wine 8's CreateSymbolicLinkW reports success and makes nothing.
		noLink = fmt.Sprintf("os.Symlink said yes but made no link (Wine 8): %v", err)
	}
	cases := []struct {
		name     string
		src, tgt string
		kind     string
	}{
		{"same", e.src, e.src, FolderSame},
		{"same through a link", e.src, link, FolderSame},
		{"same with a trailing slash", e.src, e.src + "/", FolderSame},
		{"target inside source", e.src, inner, FolderTargetInSource},
		{"source inside target", inner, e.src, FolderSourceInTarget},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.tgt == link && noLink != "" {
				t.Skip(noLink)
			}
			before := tree(t, e.root)
			opt := e.opts()
			opt.Source, opt.Target = c.src, c.tgt
			if c.kind == FolderSourceInTarget {
				opt.From, opt.To = "3.2", "4.0"
				// inner is "4.0"; say what detection says so that only the folders are wrong.
				mkInstall(t, inner, "3.2", true, 3)
				before = tree(t, e.root)
			}
			_, err := Run(context.Background(), opt)
			var fe *FolderError
			if !errors.As(err, &fe) || fe.Kind != c.kind {
				t.Fatalf("got %v, want %s", err, c.kind)
			}
			if !sameTree(before, tree(t, e.root)) {
				t.Fatal("something was written")
			}
		})
	}
	// The snapshot folder inside a database folder.
	opt := e.opts()
	opt.SnapshotDir = filepath.Join(e.src, "db", "snaps")
	var fe *FolderError
	if _, err := Run(context.Background(), opt); !errors.As(err, &fe) || fe.Kind != FolderSnapshotInDB {
		t.Fatalf("snapshot dir in db: %v", err)
	}
	// No db/ in the source.
	empty := filepath.Join(e.root, "empty-3.2")
	mkInstall(t, empty, "3.2", false, 4)
	opt = e.opts()
	opt.Source = empty
	if _, err := Run(context.Background(), opt); !errors.As(err, &fe) || fe.Kind != FolderNoSourceDB {
		t.Fatalf("no source db: %v", err)
	}
}

func TestVersionChecks(t *testing.T) {
	e := newEnv(t, false)
	before := tree(t, e.root)
	for _, c := range []struct {
		from, to, kind string
	}{
		{"4.0", "3.2", VersionDowngrade},
		{"3.2", "9.9", VersionUnknown},
		{"3.1", "4.0", VersionContradicted}, // the source says 3.2
		{"3.1", "3.2", VersionContradicted}, // the target says 4.0 (and the source 3.2)
	} {
		opt := e.opts()
		opt.From, opt.To = c.from, c.to
		_, err := Run(context.Background(), opt)
		var ve *VersionError
		if !errors.As(err, &ve) || ve.Kind != c.kind {
			t.Errorf("%s→%s: got %v, want %s", c.from, c.to, err, c.kind)
		}
	}
	if !sameTree(before, tree(t, e.root)) {
		t.Fatal("a refused version wrote something")
	}
	// Undetectable: a warning, and the stated version is trusted.
	if err := os.Remove(filepath.Join(e.src, "ETaxInvoice.config")); err != nil {
		t.Fatal(err)
	}
	opt := e.opts()
	opt.DryRun = true
	res, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Plan.Warnings) != 1 || res.Plan.Warnings[0].Code != WarnVersionUndetected || res.Plan.Warnings[0].Side != "source" || res.Plan.Warnings[0].Stated != "3.2" {
		t.Errorf("warnings: %+v", res.Plan.Warnings)
	}
	opt.DryRun = false
	if _, err := Run(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
}

func TestNotEnoughSpace(t *testing.T) {
	e := newEnv(t, true)
	before := tree(t, e.root)
	opt := e.opts()
	opt.FreeSpace = func(string) (int64, error) { return 10 << 20, nil }
	_, err := Run(context.Background(), opt)
	var se *SpaceError
	if !errors.As(err, &se) {
		t.Fatalf("got %v", err)
	}
	c := se.Check
	if c.Free != 10<<20 || c.Need != c.Snapshots+c.Staged+c.Margin || c.Staged == 0 || c.Snapshots == 0 || c.Need <= c.Free {
		t.Errorf("figures: %+v", c)
	}
	if !strings.Contains(err.Error(), "have 10485760") {
		t.Errorf("message does not name the numbers: %v", err)
	}
	if !sameTree(before, tree(t, e.root)) {
		t.Fatal("something was written")
	}
}

// failingFile fails a write after limit bytes with err.
type failingFile struct {
	*os.File
	left int
	err  error
}

func (f *failingFile) Write(p []byte) (int, error) {
	if len(p) > f.left {
		n, _ := f.File.Write(p[:f.left])
		f.left = 0
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: f.err}
	}
	f.left -= len(p)
	return f.File.Write(p)
}

func swapCreateFile(t *testing.T, fn func(path string, perm os.FileMode) (fsutil.File, error)) {
	orig := CreateFile
	CreateFile = fn
	t.Cleanup(func() { CreateFile = orig })
}

// A full disk or a denied permission during the staged copy: the staging
// folder and the journal are removed, the target is exactly as it was, the
// error names the file, and the safety snapshots are kept.
func TestStagedCopyFailures(t *testing.T) {
	for _, c := range []struct {
		name  string
		fail  func(path string, perm os.FileMode) (fsutil.File, error)
		errno error
	}{
		{"disk full", func(path string, perm os.FileMode) (fsutil.File, error) {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
			if err != nil {
				return nil, err
			}
			return &failingFile{File: f, left: 100 << 10, err: syscall.ENOSPC}, nil
		}, syscall.ENOSPC},
		{"permission denied", func(path string, perm os.FileMode) (fsutil.File, error) {
			if strings.HasSuffix(path, "trace.log") {
				return nil, &os.PathError{Op: "open", Path: path, Err: os.ErrPermission}
			}
			return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		}, os.ErrPermission},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, true)
			srcBefore, tgtBefore := tree(t, e.src), tree(t, e.tgt)
			swapCreateFile(t, c.fail)
			_, err := Run(context.Background(), e.opts())
			var se *StepError
			var pe *os.PathError
			if !errors.As(err, &se) || se.Step != StepStage || !se.RolledBack || !errors.As(err, &pe) || !errors.Is(err, c.errno) {
				t.Fatalf("got %#v", err)
			}
			if !strings.Contains(pe.Path, filepath.Join(e.tgt, "db.efbackup-migrate-")) {
				t.Errorf("the error does not name the file: %v", err)
			}
			if !sameTree(tgtBefore, tree(t, e.tgt)) {
				t.Fatalf("the target changed:\n%s", diffTrees(tgtBefore, tree(t, e.tgt)))
			}
			if !sameTree(srcBefore, tree(t, e.src)) {
				t.Fatal("the source changed")
			}
			// The snapshots run beside the copy, and stop with it: any
			// that finished is kept and named.
			if len(se.Snapshots) != len(snapshotFiles(t, e.snaps)) {
				t.Errorf("snapshots named %v, in the folder %v", se.Snapshots, snapshotFiles(t, e.snaps))
			}
		})
	}
}

// A source file that changes during the copy stops the migration with
// *backup.ChangedError (exit 4); the target is untouched.
func TestSourceChangesDuringCopy(t *testing.T) {
	e := newEnv(t, false)
	tgtBefore := tree(t, e.tgt)
	opt := e.opts()
	opt.Hook = func(p string) {
		if p == "migrate-staging-created" {
			f, err := os.OpenFile(filepath.Join(e.src, "db", "ETaxInvoice", "data.dat"), os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Error(err)
				return
			}
			f.Write([]byte("new invoice"))
			f.Close()
		}
	}
	_, err := Run(context.Background(), opt)
	var ce *backup.ChangedError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v", err)
	}
	if !sameTree(tgtBefore, tree(t, e.tgt)) {
		t.Fatalf("the target changed:\n%s", diffTrees(tgtBefore, tree(t, e.tgt)))
	}
}

// The source changes after the copy, before the post-check: the swap is
// rolled back, the copy kept aside, the original put back.
func TestSourceChangesAfterSwapRollsBack(t *testing.T) {
	e := newEnv(t, true)
	tgtBefore := tree(t, e.tgt)
	opt := e.opts()
	opt.Hook = func(p string) {
		if p == "migrate-before-post-check" {
			os.WriteFile(filepath.Join(e.src, "db", "ETaxInvoice", "trace.log"), []byte("changed"), 0o644)
		}
	}
	_, err := Run(context.Background(), opt)
	var ce *backup.ChangedError
	var se *StepError
	if !errors.As(err, &ce) || !errors.As(err, &se) || !se.RolledBack || se.KeptAt == "" {
		t.Fatalf("got %#v", err)
	}
	after := tree(t, e.tgt)
	if !sameTree(sub(tgtBefore, "db"), sub(after, "db")) {
		t.Fatal("the original db/ is not back")
	}
	if extra := extraNames(t, e.tgt, tgtBefore); len(extra) != 1 || extra[0] != filepath.Base(se.KeptAt) {
		t.Errorf("extra names: %v", extra)
	}
}

// The snapshot folder cannot be written: exit 1, the target untouched and
// no journal left.
func TestSnapshotDirNotWritable(t *testing.T) {
	e := newEnv(t, true)
	if err := os.Mkdir(e.snaps, 0o755); err != nil {
		t.Fatal(err)
	}
	before := tree(t, e.root)
	orig := fsutil.CreateTemp
	t.Cleanup(func() { fsutil.CreateTemp = orig })
	fsutil.CreateTemp = func(dir, name string, perm os.FileMode) (fsutil.File, error) {
		if dir == e.snaps {
			return nil, &os.PathError{Op: "open", Path: filepath.Join(dir, name), Err: os.ErrPermission}
		}
		return orig(dir, name, perm)
	}
	_, err := Run(context.Background(), e.opts())
	var se *StepError
	if !errors.As(err, &se) || se.Step != StepSnapshotSource || !errors.Is(err, os.ErrPermission) || !se.RolledBack {
		t.Fatalf("got %#v", err)
	}
	if !sameTree(before, tree(t, e.root)) {
		t.Fatalf("something changed:\n%s", diffTrees(before, tree(t, e.root)))
	}
}

func TestInUse(t *testing.T) {
	inUse := errors.New("in use")
	for _, side := range []string{"source", "target"} {
		e := newEnv(t, true)
		before := tree(t, e.root)
		busy := filepath.Join(e.src, "db")
		if side == "target" {
			busy = filepath.Join(e.tgt, "db")
		}
		opt := e.opts()
		opt.InUse = func(_ context.Context, db string) ([]i18n.Text, error) {
			if db == busy {
				return nil, inUse
			}
			return nil, nil
		}
		if _, err := Run(context.Background(), opt); !errors.Is(err, inUse) {
			t.Fatalf("%s in use: got %v", side, err)
		}
		if !sameTree(before, tree(t, e.root)) {
			t.Fatal("something changed")
		}
	}
}

func TestDamagedSource(t *testing.T) {
	e := newEnv(t, false)
	mv := filepath.Join(e.src, "db", "ETaxInvoice", "data.dat")
	b, _ := os.ReadFile(mv)
	copy(b, "BAD")
	os.WriteFile(mv, b, 0o644)
	tgtBefore := tree(t, e.tgt)

	opt := e.opts()
	opt.DryRun = true
	var de *DamagedError
	if _, err := Run(context.Background(), opt); !errors.As(err, &de) || !de.DryRun {
		t.Fatalf("dry run: %v", err)
	}
	opt.DryRun = false
	_, err := Run(context.Background(), opt)
	if !errors.As(err, &de) || de.Snapshot == "" || len(de.Files) != 1 || de.Files[0] != "ETaxInvoice/data.dat" {
		t.Fatalf("got %#v", err)
	}
	if !sameTree(tgtBefore, tree(t, e.tgt)) {
		t.Fatal("the target changed")
	}
	if _, err := os.Stat(de.Snapshot); err != nil {
		t.Fatal("the safety snapshot of the damaged database was not kept")
	}
	opt.AllowDamaged = true
	res, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range res.Report.Warnings {
		found = found || w.Code == WarnDamagedAllowed
	}
	if !found || res.Report.Checks == nil || res.Report.Checks.Verdict != "damaged" {
		t.Errorf("report: %+v %+v", res.Report.Warnings, res.Report.Checks)
	}
}

func TestJournalOfAnotherMigration(t *testing.T) {
	e := newEnv(t, false)
	if _, err := Run(context.Background(), e.opts()); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(e.root, "other-3.2")
	mkInstall(t, other, "3.2", true, 9)
	opt := e.opts()
	opt.Source = other
	var je *JournalError
	if _, err := Run(context.Background(), opt); !errors.As(err, &je) || je.Kind != JournalOther {
		t.Fatalf("got %v", err)
	}
	// The same source, changed since the finished migration.
	os.WriteFile(filepath.Join(e.src, "db", "ETaxInvoice", "trace.log"), []byte("more work in 3.2"), 0o644)
	if _, err := Run(context.Background(), e.opts()); !errors.As(err, &je) || je.Kind != JournalDone {
		t.Fatalf("got %v", err)
	}
}

// A journal naming folders outside what the tool creates is refused, and
// nothing is touched.
func TestHostileJournal(t *testing.T) {
	e := newEnv(t, true)
	victim := filepath.Join(e.root, "victim")
	os.Mkdir(victim, 0o755)
	j := Journal{Schema: JournalSchema, ID: "20240101T000000Z", State: StateRunning, From: "3.2", To: "4.0",
		Source: e.src, Target: e.tgt, SourceDB: "db", TargetDB: "db", TargetHadDB: true,
		SnapshotDir: e.snaps, Staging: "../victim", Aside: "db.before-migrate-20240101T000000Z"}
	b, _ := json.Marshal(j)
	os.WriteFile(filepath.Join(e.tgt, JournalName), b, 0o600)
	before := tree(t, e.root)
	var je *JournalError
	if _, err := Undo(context.Background(), UndoOptions{Target: e.tgt}); !errors.As(err, &je) || je.Kind != JournalUnreadable {
		t.Fatalf("undo: %v", err)
	}
	if _, err := Run(context.Background(), e.opts()); !errors.As(err, &je) || je.Kind != JournalUnreadable {
		t.Fatalf("run: %v", err)
	}
	if !sameTree(before, tree(t, e.root)) {
		t.Fatal("something changed")
	}
}

func TestInterruptBeforeSwapCleansUp(t *testing.T) {
	e := newEnv(t, true)
	tgtBefore := tree(t, e.tgt)
	ctx, cancel := context.WithCancel(context.Background())
	opt := e.opts()
	opt.Hook = func(p string) {
		if p == "migrate-copy-first-file" {
			cancel()
		}
	}
	_, err := Run(ctx, opt)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if !sameTree(tgtBefore, tree(t, e.tgt)) {
		t.Fatalf("the target changed:\n%s", diffTrees(tgtBefore, tree(t, e.tgt)))
	}
}
