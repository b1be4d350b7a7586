package retention

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/engine/enginetest"
	"github.com/efbackup/efbackup/internal/folderlock"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/store"
	"github.com/klauspost/compress/zstd"
)

// makeDB writes a small db/ folder; content varies with seed.
func makeDB(t *testing.T, dir string, seed byte) string {
	t.Helper()
	db := filepath.Join(dir, "db")
	main := filepath.Join(db, "ETaxInvoice")
	if err := os.MkdirAll(main, 0o755); err != nil {
		t.Fatal(err)
	}
	// Consecutive bytes differ by 31, so they never spell the toy engine's
	// "BAD".
	data := make([]byte, 20000)
	for i := range data {
		data[i] = byte(i*31) ^ seed
	}
	if err := os.WriteFile(filepath.Join(main, "data.dat"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(main, enginetest.Marker), []byte("toy"), 0o644); err != nil {
		t.Fatal(err)
	}
	return db
}

var (
	toys        = engine.Set{enginetest.Toy{}}
	damagedToys = engine.Set{enginetest.Toy{Damage: true}}
)

// snap writes one real snapshot of db into out, dated at.
func snap(t *testing.T, db, out, label string, at time.Time, damaged bool) string {
	t.Helper()
	opt := backup.SnapshotOptions{DB: db, OutDir: out, Label: label, Level: zstd.SpeedFastest, ToolVersion: "test", Now: func() time.Time { return at }, Engines: toys}
	if damaged {
		opt.Engines = damagedToys
	}
	res, err := backup.Snapshot(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	return res.Path
}

func names(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	sort.Strings(out)
	return out
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func flip(t *testing.T, p string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x40
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

var day0 = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

// Ten daily snapshots with --keep-last 3: the seven oldest go, archive and
// sidecar together; everything else in the folder stays.
func TestPruneRemovesArchiveAndSidecar(t *testing.T) {
	dir := t.TempDir()
	db := makeDB(t, dir, 1)
	out := filepath.Join(dir, "snaps")
	var all []string
	for i := 0; i < 10; i++ {
		all = append(all, snap(t, db, out, "pkp", day0.AddDate(0, 0, i), false))
	}
	plan, over, err := Prune(context.Background(), out, PruneOptions{PlanOptions: PlanOptions{Policy: Policy{Last: 3}, Now: func() time.Time { return day0.AddDate(0, 0, 11) }}})
	if err != nil || over != nil {
		t.Fatalf("Prune: %v %v", err, over)
	}
	var removed []string
	for _, d := range plan.ToRemove() {
		if !d.Removed {
			t.Errorf("%s not removed: %s", d.Name, d.Error)
		}
		removed = append(removed, d.Path)
	}
	if !slices.Equal(names(removed), names(all[:7])) {
		t.Fatalf("removed %v, want the 7 oldest", names(removed))
	}
	left := dirNames(t, out)
	want := []string{}
	for _, p := range all[7:] {
		want = append(want, filepath.Base(p), filepath.Base(p)+backup.SidecarSuffix)
	}
	sort.Strings(want)
	if !slices.Equal(left, want) {
		t.Fatalf("left %v\nwant %v", left, want)
	}
	g := plan.Groups[0]
	if g.NewestGood != all[9] || !slices.Equal(g.Decisions[0].Reasons, []string{ReasonLast, ReasonNewestGood}) {
		t.Errorf("newest: %q %v", g.NewestGood, g.Decisions[0].Reasons)
	}
	// Only the newest was read in full: it passed.
	for _, d := range g.Decisions[1:] {
		if d.Verified != NotVerified {
			t.Errorf("%s read although a newer one passed", d.Name)
		}
	}
}

// What prune does not own, it never touches: foreign files, a file named
// like a snapshot with no manifest, an archive whose manifest gives another
// name, a .partial, an orphan sidecar, a folder.
func TestPruneLeavesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	db := makeDB(t, dir, 1)
	out := filepath.Join(dir, "snaps")
	var all []string
	for i := 0; i < 4; i++ {
		all = append(all, snap(t, db, out, "pkp", day0.AddDate(0, 0, i), false))
	}
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(out, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("README.txt", []byte("my notes"))
	write("pkp-20200101T000000Z.tar.zst", []byte("not a snapshot at all"))
	// A real snapshot copied under another name: its manifest gives the old one.
	b, _ := os.ReadFile(all[0])
	write("pkp-20190101T000000Z.tar.zst", b)
	sc, _ := os.ReadFile(all[0] + backup.SidecarSuffix)
	write("pkp-20190101T000000Z.tar.zst"+backup.SidecarSuffix, sc)
	write("pkp-20180101T000000Z.tar.zst.partial", []byte("half"))
	write("gone-20180101T000000Z.tar.zst"+backup.SidecarSuffix, sc)
	os.Mkdir(filepath.Join(out, "old"), 0o700)

	plan, _, err := Prune(context.Background(), out, PruneOptions{PlanOptions: PlanOptions{Policy: Policy{Last: 1}, Now: func() time.Time { return day0.AddDate(0, 1, 0) }}})
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, s := range plan.Skipped {
		reasons[filepath.Base(s.Path)] = s.Reason
	}
	want := map[string]string{
		"README.txt":                                  SkipForeign,
		"pkp-20200101T000000Z.tar.zst":                SkipNoManifest,
		"pkp-20190101T000000Z.tar.zst":                SkipNameMismatch,
		"pkp-20180101T000000Z.tar.zst.partial":        SkipPartial,
		"gone-20180101T000000Z.tar.zst.manifest.json": SkipSidecarOrphan,
		"old": SkipFolder,
	}
	for n, r := range want {
		if reasons[n] != r {
			t.Errorf("%s: reason %q, want %q", n, reasons[n], r)
		}
		if _, err := os.Lstat(filepath.Join(out, n)); err != nil {
			t.Errorf("%s was touched: %v", n, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "pkp-20190101T000000Z.tar.zst"+backup.SidecarSuffix)); err != nil {
		t.Errorf("the mismatched archive's sidecar was removed")
	}
	if len(plan.ToRemove()) != 3 {
		t.Errorf("removed %d, want 3", len(plan.ToRemove()))
	}
}

// The newest snapshot fails verification: prune walks back to the newest
// that passes and keeps it, whatever the rules say.
func TestPruneKeepsNewestVerified(t *testing.T) {
	dir := t.TempDir()
	db := makeDB(t, dir, 1)
	out := filepath.Join(dir, "snaps")
	var all []string
	for i := 0; i < 5; i++ {
		all = append(all, snap(t, db, out, "pkp", day0.AddDate(0, 0, i), false))
	}
	flip(t, all[4])
	flip(t, all[3])
	plan, _, err := Prune(context.Background(), out, PruneOptions{PlanOptions: PlanOptions{Policy: Policy{Last: 1}, Now: func() time.Time { return day0.AddDate(0, 1, 0) }}})
	if err != nil {
		t.Fatal(err)
	}
	g := plan.Groups[0]
	if g.NewestGood != all[2] {
		t.Fatalf("newest good = %s, want %s", g.NewestGood, all[2])
	}
	got := map[string]*Decision{}
	for _, d := range g.Decisions {
		got[d.Path] = d
	}
	if d := got[all[4]]; !d.Keep || d.Verified != VerifiedDamaged || len(d.Problems) == 0 {
		t.Errorf("newest (damaged): %+v", d)
	}
	if d := got[all[3]]; d.Keep || d.Verified != VerifiedDamaged {
		t.Errorf("second (damaged, no rule): keep=%v verified=%q", d.Keep, d.Verified)
	}
	if d := got[all[2]]; !d.Keep || !slices.Equal(d.Reasons, []string{ReasonNewestGood}) || d.Verified != VerifiedOK {
		t.Errorf("newest good: %+v", d)
	}
	if left := dirNames(t, out); len(left) != 4 {
		t.Errorf("left %v", left)
	}
}

// A snapshot whose database the checks found damaged is intact as a file,
// but it is not the copy to fall back on: prune keeps an older one too.
func TestPruneSkipsDamagedDatabase(t *testing.T) {
	dir := t.TempDir()
	db := makeDB(t, dir, 1)
	out := filepath.Join(dir, "snaps")
	a := snap(t, db, out, "pkp", day0, false)
	b := snap(t, db, out, "pkp", day0.AddDate(0, 0, 1), false)
	c := snap(t, db, out, "pkp", day0.AddDate(0, 0, 2), true)
	plan, _, err := Prune(context.Background(), out, PruneOptions{PlanOptions: PlanOptions{Policy: Policy{Last: 1}, Now: func() time.Time { return day0.AddDate(0, 1, 0) }}})
	if err != nil {
		t.Fatal(err)
	}
	g := plan.Groups[0]
	if g.NewestGood != b || g.Decisions[0].Verified != VerifiedDBDamage {
		t.Fatalf("newest good %s, newest verdict %q", g.NewestGood, g.Decisions[0].Verified)
	}
	if _, err := os.Stat(a); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("oldest should go")
	}
	for _, p := range []string{b, c} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed", p)
		}
	}
}

// No snapshot of a label verifies: nothing of it is removed.
func TestPruneNothingVerifies(t *testing.T) {
	dir := t.TempDir()
	db := makeDB(t, dir, 1)
	out := filepath.Join(dir, "snaps")
	for i := 0; i < 3; i++ {
		flip(t, snap(t, db, out, "pkp", day0.AddDate(0, 0, i), false))
	}
	plan, _, err := Prune(context.Background(), out, PruneOptions{PlanOptions: PlanOptions{Policy: Policy{Last: 1}, Now: func() time.Time { return day0.AddDate(0, 1, 0) }}})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.ToRemove()) != 0 || plan.Groups[0].NewestGood != "" {
		t.Fatalf("removed %d", len(plan.ToRemove()))
	}
	for _, d := range plan.Groups[0].Decisions {
		if !slices.Contains(d.Reasons, ReasonNoneVerified) {
			t.Errorf("%s reasons %v", d.Name, d.Reasons)
		}
	}
	if n := len(dirNames(t, out)); n != 6 {
		t.Errorf("%d files left, want 6", n)
	}
}

// Labels are pruned separately: one folder, two installs.
func TestPruneGroupsByLabel(t *testing.T) {
	dir := t.TempDir()
	db := makeDB(t, dir, 1)
	out := filepath.Join(dir, "snaps")
	for i := 0; i < 4; i++ {
		snap(t, db, out, "pt-a", day0.AddDate(0, 0, i), false)
		snap(t, db, out, "pt-b", day0.AddDate(0, 0, i).Add(time.Hour), false)
	}
	plan, _, err := Prune(context.Background(), out, PruneOptions{PlanOptions: PlanOptions{Policy: Policy{Last: 2}, Now: func() time.Time { return day0.AddDate(0, 1, 0) }}})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Groups) != 2 || plan.Groups[0].Label != "pt-a" || plan.Groups[1].Label != "pt-b" {
		t.Fatalf("groups %+v", plan.Groups)
	}
	for _, g := range plan.Groups {
		kept := 0
		for _, d := range g.Decisions {
			if d.Keep {
				kept++
			}
		}
		if kept != 2 {
			t.Errorf("%s: kept %d, want 2", g.Label, kept)
		}
	}
}

// An archive whose sidecar is gone (a crash between removing the two) is
// still recognised by its embedded manifest, and pruned like any other.
func TestPruneArchiveWithoutSidecar(t *testing.T) {
	dir := t.TempDir()
	db := makeDB(t, dir, 1)
	out := filepath.Join(dir, "snaps")
	old := snap(t, db, out, "pkp", day0, false)
	snap(t, db, out, "pkp", day0.AddDate(0, 0, 1), false)
	os.Remove(old + backup.SidecarSuffix)
	plan, _, err := Prune(context.Background(), out, PruneOptions{PlanOptions: PlanOptions{Policy: Policy{Last: 1}, Now: func() time.Time { return day0.AddDate(0, 1, 0) }}})
	if err != nil {
		t.Fatal(err)
	}
	rm := plan.ToRemove()
	if len(rm) != 1 || rm[0].Path != old || rm[0].Sidecar || !rm[0].Removed {
		t.Fatalf("to remove %+v", rm)
	}
}

// While another efbackup holds the folder, prune removes nothing; a dry
// run removes nothing and takes no lock.
func TestPruneLockedAndDryRun(t *testing.T) {
	dir := t.TempDir()
	db := makeDB(t, dir, 1)
	out := filepath.Join(dir, "snaps")
	for i := 0; i < 3; i++ {
		snap(t, db, out, "pkp", day0.AddDate(0, 0, i), false)
	}
	l, _, err := folderlock.Acquire(out, folderlock.Options{Command: "snapshot"})
	if err != nil {
		t.Fatal(err)
	}
	opts := PruneOptions{PlanOptions: PlanOptions{Policy: Policy{Last: 1}, Now: func() time.Time { return day0.AddDate(0, 1, 0) }}, Lock: store.LockOptions{Wait: 100 * time.Millisecond}}
	var le *store.LockedError
	if _, _, err := Prune(context.Background(), out, opts); !errors.As(err, &le) {
		t.Fatalf("want *LockedError, got %v", err)
	}
	opts.DryRun = true
	plan, _, err := Prune(context.Background(), out, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.ToRemove()) != 2 {
		t.Errorf("dry run plans %d removals, want 2", len(plan.ToRemove()))
	}
	l.Release()
	if n := len(dirNames(t, out)); n != 6 {
		t.Errorf("%d files left, want 6", n)
	}
}

// A snapshot replaced between the plan and the removal is kept.
func TestExecuteKeepsChangedFile(t *testing.T) {
	dir := t.TempDir()
	db := makeDB(t, dir, 1)
	out := filepath.Join(dir, "snaps")
	old := snap(t, db, out, "pkp", day0, false)
	snap(t, db, out, "pkp", day0.AddDate(0, 0, 1), false)
	plan, err := MakePlan(context.Background(), out, PlanOptions{Policy: Policy{Last: 1}, Now: func() time.Time { return day0.AddDate(0, 1, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(old)
	os.Remove(old)
	os.WriteFile(old, b, 0o600)
	if err := plan.Execute(); err == nil {
		t.Fatal("Execute removed a replaced file without complaint")
	}
	d := plan.Groups[0].Decisions[1]
	if !d.Keep || d.Removed || !slices.Contains(d.Reasons, ReasonChangedOnDisk) {
		t.Errorf("decision %+v", d)
	}
	if _, err := os.Stat(old); err != nil {
		t.Error("replaced file removed")
	}
}

// Unchanged compares content, not times, and never trusts a damaged
// snapshot.
func TestUnchanged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := makeDB(t, dir, 1)
	out := filepath.Join(dir, "snaps")
	if u, newest, err := Unchanged(ctx, db, out, "pkp", nil); u || newest != "" || err != nil {
		t.Fatalf("no snapshot yet: %v %q %v", u, newest, err)
	}
	snap(t, db, out, "pkp", day0, false)
	p := snap(t, db, out, "pkp", day0.AddDate(0, 0, 1), false)
	if u, newest, err := Unchanged(ctx, db, out, "pkp", nil); !u || newest != p || err != nil {
		t.Fatalf("same bytes: %v %q %v", u, newest, err)
	}
	// New times, same bytes: unchanged.
	later := time.Now().Add(time.Hour)
	os.Chtimes(filepath.Join(db, "efaktur.mv.db"), later, later)
	if u, _, _ := Unchanged(ctx, db, out, "pkp", nil); !u {
		t.Error("a touched but identical database counts as changed")
	}
	// Another label: nothing to compare with.
	if u, _, _ := Unchanged(ctx, db, out, "other", nil); u {
		t.Error("unchanged against another label")
	}
	// Damaged newest snapshot: not unchanged.
	flip(t, p)
	if u, _, _ := Unchanged(ctx, db, out, "pkp", nil); u {
		t.Error("unchanged against a damaged snapshot")
	}
	flip(t, p)
	// Same size, one byte different: changed.
	makeDB(t, dir, 2)
	if u, _, _ := Unchanged(ctx, db, out, "pkp", nil); u {
		t.Error("a different database counts as unchanged")
	}
	// A live database the checks call damaged: never skipped.
	makeDB(t, dir, 1)
	if u, _, _ := Unchanged(ctx, db, out, "pkp", damagedToys); u {
		t.Error("a damaged live database counts as unchanged")
	}
}

// A snapshot no check understood proves nothing about the database: prune
// keeps the newest one whose checks passed, behind any number of newer
// damaged or unchecked ones, and says why.
func TestPruneKeepsNewestCheckedBehindUncheckedAndDamaged(t *testing.T) {
	dir := t.TempDir()
	db := makeDB(t, dir, 1)
	out := filepath.Join(dir, "snaps")
	a := snap(t, db, out, "pkp", day0, false)
	b := snap(t, db, out, "pkp", day0.AddDate(0, 0, 1), false)
	// Made without any engine: every folder "not checked".
	res, err := backup.Snapshot(context.Background(), backup.SnapshotOptions{DB: db, OutDir: out, Label: "pkp", Level: zstd.SpeedFastest,
		ToolVersion: "test", Now: func() time.Time { return day0.AddDate(0, 0, 2) }})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Path
	d := snap(t, db, out, "pkp", day0.AddDate(0, 0, 3), true)
	plan, _, err := Prune(context.Background(), out, PruneOptions{PlanOptions: PlanOptions{Policy: Policy{Last: 1},
		Now: func() time.Time { return day0.AddDate(0, 1, 0) }, Read: backup.ReadOptions{Engines: toys}}})
	if err != nil {
		t.Fatal(err)
	}
	g := plan.Groups[0]
	verdicts := map[string]string{}
	for _, dec := range g.Decisions {
		verdicts[dec.Path] = dec.Verified
	}
	if g.NewestGood != b || verdicts[d] != VerifiedDBDamage || verdicts[c] != VerifiedNotChecked {
		t.Fatalf("newest good %s, verdicts %v", g.NewestGood, verdicts)
	}
	for _, dec := range g.Decisions {
		if dec.Path == b && !slices.Contains(dec.Reasons, ReasonNewestGood) {
			t.Errorf("kept %s without saying why: %v", b, dec.Reasons)
		}
	}
	if _, err := os.Stat(a); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the oldest should go")
	}
	for _, p := range []string{b, d} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed", p)
		}
	}
}

// A snapshot dated ten years ahead (a clock was wrong once) is never the
// newest verified one, and a rule that would keep it forever does not.
func TestPruneFutureDatedIsNotTheNewest(t *testing.T) {
	dir := t.TempDir()
	db := makeDB(t, dir, 1)
	out := filepath.Join(dir, "snaps")
	now := day0.AddDate(0, 0, 10)
	old := snap(t, db, out, "pkp", day0, false)
	good := snap(t, db, out, "pkp", day0.AddDate(0, 0, 9), false)
	ahead := snap(t, db, out, "pkp", day0.AddDate(10, 0, 0), false)
	plan, _, err := Prune(context.Background(), out, PruneOptions{PlanOptions: PlanOptions{Policy: Policy{Daily: 1},
		Now: func() time.Time { return now }, Read: backup.ReadOptions{Engines: toys}}})
	if err != nil {
		t.Fatal(err)
	}
	g := plan.Groups[0]
	if g.NewestGood != good {
		t.Fatalf("newest verified %s, want %s", g.NewestGood, good)
	}
	for _, d := range g.Decisions {
		if d.Path == ahead && (!d.FutureDated || d.Keep) {
			t.Errorf("future-dated snapshot: future=%v keep=%v %v", d.FutureDated, d.Keep, d.Reasons)
		}
	}
	for p, want := range map[string]bool{old: false, good: true, ahead: false} {
		_, err := os.Stat(p)
		if (err == nil) != want {
			t.Errorf("%s exists=%v, want %v", filepath.Base(p), err == nil, want)
		}
	}
}

// Two installs whose folders share a name share the default label. Their
// snapshots in one folder are two groups: the runs of one never prune the
// other's, and a plan limited to one install touches only its own.
func TestPruneGroupsByInstallNotLabelAlone(t *testing.T) {
	dir := t.TempDir()
	maju := makeDB(t, filepath.Join(dir, "PT-Maju", "eFaktur"), 1)
	jaya := makeDB(t, filepath.Join(dir, "PT-Jaya", "eFaktur"), 2)
	out := filepath.Join(dir, "snaps")
	var majus, jayas []string
	for i := 0; i < 3; i++ {
		majus = append(majus, snap(t, maju, out, "eFaktur", day0.AddDate(0, 0, i), false))
		jayas = append(jayas, snap(t, jaya, out, "eFaktur", day0.AddDate(0, 0, i).Add(time.Hour), false))
	}
	now := func() time.Time { return day0.AddDate(0, 0, 5) }
	// A scheduled run of PT-Jaya: only its own snapshots are judged.
	plan, _, err := Prune(context.Background(), out, PruneOptions{PlanOptions: PlanOptions{Policy: Policy{Last: 1}, Now: now,
		Install: filepath.Dir(jaya)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Groups) != 1 || plan.Groups[0].NewestGood != jayas[2] {
		t.Fatalf("groups %d, newest %v", len(plan.Groups), plan.Groups)
	}
	for _, p := range majus {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("PT-Jaya's prune removed PT-Maju's %s", filepath.Base(p))
		}
	}
	for i, p := range jayas {
		_, err := os.Stat(p)
		if (err == nil) != (i == 2) {
			t.Errorf("%s exists=%v", filepath.Base(p), err == nil)
		}
	}
	// Without a limit, each install keeps its own newest.
	plan, _, err = Prune(context.Background(), out, PruneOptions{PlanOptions: PlanOptions{Policy: Policy{Last: 1}, Now: now}})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Groups) != 2 {
		t.Fatalf("want one group per install, got %d", len(plan.Groups))
	}
	if _, err := os.Stat(majus[2]); err != nil {
		t.Errorf("PT-Maju's newest snapshot was removed")
	}
}

// A process killed while creating the folder lock leaves a temporary lock
// file; the prune that holds the lock next removes it and lists it.
func TestPruneReportsLockLeftovers(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "snaps")
	snap(t, makeDB(t, dir, 1), out, "pkp", day0, false)
	// A process that is surely gone: one that ran and was reaped.
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(out, fmt.Sprintf("%s.%d.0123456789abcdef.tmp", folderlock.Name, cmd.Process.Pid))
	if err := os.WriteFile(tmp, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	plan, _, err := Prune(context.Background(), out, PruneOptions{PlanOptions: PlanOptions{Policy: Policy{Last: 1}, Now: func() time.Time { return day0 }}})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Leftovers) != 1 || plan.Leftovers[0].Path != tmp || plan.Leftovers[0].Action != fsutil.LeftoverRemoved {
		t.Fatalf("leftovers %+v", plan.Leftovers)
	}
	for _, s := range plan.Skipped {
		if s.Path == tmp {
			t.Fatalf("the temporary lock file is listed as left alone: %+v", s)
		}
	}
}
