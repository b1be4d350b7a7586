package retention

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/crypt"
)

func recipient(t *testing.T) crypt.Recipient {
	t.Helper()
	pub, err := crypt.NewIdentityFile(filepath.Join(t.TempDir(), "key.txt"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r, err := crypt.ParseRecipient(pub)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func encSnap(t *testing.T, db, out, label string, at time.Time, r crypt.Recipient) string {
	t.Helper()
	res, err := backup.Snapshot(context.Background(), backup.SnapshotOptions{DB: db, OutDir: out, Label: label, Level: zstd.SpeedFastest,
		ToolVersion: "test", Now: func() time.Time { return at }, Engines: toys, Recipients: []crypt.Recipient{r}})
	if err != nil {
		t.Fatal(err)
	}
	return res.Path
}

// Prune needs no key: encrypted snapshots (beside plain ones of the same
// label) are recognised by their sidecars, the newest is checked against
// its sidecar, a damaged one is found, and each goes with its sidecar.
func TestPruneEncryptedWithoutTheKey(t *testing.T) {
	dir := t.TempDir()
	db := makeDB(t, dir, 1)
	out := filepath.Join(dir, "snaps")
	r := recipient(t)
	var all []string
	for i := 0; i < 6; i++ {
		if i == 2 {
			all = append(all, snap(t, db, out, "pkp", day0.AddDate(0, 0, i), false))
			continue
		}
		all = append(all, encSnap(t, db, out, "pkp", day0.AddDate(0, 0, i), r))
	}
	flip(t, all[5]) // the newest is damaged: the one before it is kept
	plan, _, err := Prune(context.Background(), out, PruneOptions{PlanOptions: PlanOptions{Policy: Policy{Last: 1}, Now: func() time.Time { return day0.AddDate(0, 0, 7) }}})
	if err != nil {
		t.Fatal(err)
	}
	g := plan.Groups[0]
	if len(g.Decisions) != 6 || g.NewestGood != all[4] {
		t.Fatalf("newest good %q of %d", g.NewestGood, len(g.Decisions))
	}
	if d := g.Decisions[0]; d.Verified != VerifiedDamaged || !d.Keep || len(d.Problems) == 0 || d.Problems[0].Kind != backup.ProblemHash {
		t.Fatalf("the damaged newest: %+v", d)
	}
	if d := g.Decisions[1]; d.Verified != VerifiedOK || d.Manifest.Encryption == nil {
		t.Fatalf("the newest good: %+v", d)
	}
	want := []string{filepath.Base(all[4]), filepath.Base(all[4]) + backup.SidecarSuffix, filepath.Base(all[5]), filepath.Base(all[5]) + backup.SidecarSuffix}
	sort.Strings(want)
	if left := dirNames(t, out); !slices.Equal(left, want) {
		t.Fatalf("left %v\nwant %v", left, want)
	}
}

// A prune stopped between an encrypted snapshot's archive and its sidecar
// leaves the sidecar alone, never the archive; the next prune removes that
// sidecar and ends where an uninterrupted prune does. An encrypted archive
// whose sidecar is gone cannot be shown to be efbackup's without its key:
// it is left alone.
func TestPruneEncryptedInterrupted(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := makeDB(t, dir, 1)
	out := filepath.Join(dir, "snaps")
	r := recipient(t)
	var all []string
	for i := 0; i < 4; i++ {
		all = append(all, encSnap(t, db, out, "pkp", day0.AddDate(0, 0, i), r))
	}
	opts := PlanOptions{Policy: Policy{Last: 1}, Now: func() time.Time { return day0.AddDate(0, 1, 0) }}
	plan, err := MakePlan(ctx, out, opts)
	if err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if r := recover(); r != nil && r != "stop" {
				panic(r)
			}
		}()
		_ = plan.execute(context.Background(), func(p string) {
			if p == "prune-archive-removed" {
				panic("stop")
			}
		})
	}()
	orphan := all[2] + backup.SidecarSuffix
	if _, err := os.Stat(all[2]); err == nil {
		t.Fatal("the archive is still there")
	}
	if _, err := os.Stat(orphan); err != nil {
		t.Fatal("the stop came after the sidecar")
	}
	// An archive without its sidecar, as a user's copy might leave one.
	lone := filepath.Join(out, "pkp-20240101T000000Z.tar.zst.age")
	if err := os.Rename(all[0], lone); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(all[0] + backup.SidecarSuffix); err != nil {
		t.Fatal(err)
	}
	plan, err = MakePlan(ctx, out, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.OrphanSidecars) != 1 || plan.OrphanSidecars[0].Path != orphan {
		t.Fatalf("orphans %+v", plan.OrphanSidecars)
	}
	skipped := false
	for _, s := range plan.Skipped {
		if s.Path == lone && s.Reason == SkipNoManifest && strings.Contains(s.Detail, "encrypted") {
			skipped = true
		}
	}
	if !skipped {
		t.Fatalf("the lone encrypted archive: %+v", plan.Skipped)
	}
	if err := plan.Execute(); err != nil {
		t.Fatal(err)
	}
	if !plan.OrphanSidecars[0].Removed {
		t.Fatal("the orphan sidecar was not removed")
	}
	want := []string{filepath.Base(lone), filepath.Base(all[3]), filepath.Base(all[3]) + backup.SidecarSuffix}
	sort.Strings(want)
	if left := dirNames(t, out); !slices.Equal(left, want) {
		t.Fatalf("left %v\nwant %v", left, want)
	}
}
