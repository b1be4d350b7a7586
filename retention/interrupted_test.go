package retention

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/backup"
)

// errStop stands for a kill: removals stop at a hook point, and nothing
// after it runs (Execute has no cleanup to skip).
type errStop struct{}

// A prune stopped after any removal step leaves every snapshot it has not
// finished removing verifiable (an archive may lose its sidecar first,
// never the other way round), and the next prune reaches the same final
// set as one that was never interrupted.
func TestInterruptedPruneFinishesNextRun(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := makeDB(t, dir, 1)
	tpl := filepath.Join(dir, "template")
	for i := 0; i < 8; i++ {
		snap(t, db, tpl, "pkp", day0.AddDate(0, 0, i), false)
	}
	opts := PlanOptions{Policy: Policy{Last: 2}, Now: func() time.Time { return day0.AddDate(0, 1, 0) }}
	copyDir := func(to string) {
		t.Helper()
		if err := os.MkdirAll(to, 0o700); err != nil {
			t.Fatal(err)
		}
		es, _ := os.ReadDir(tpl)
		for _, e := range es {
			b, err := os.ReadFile(filepath.Join(tpl, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	prune := func(out string, hook func(string)) (err error) {
		plan, err := MakePlan(ctx, out, opts)
		if err != nil {
			return err
		}
		return plan.execute(context.Background(), hook)
	}
	ref := filepath.Join(dir, "reference")
	copyDir(ref)
	if err := prune(ref, func(string) {}); err != nil {
		t.Fatal(err)
	}
	want := dirNames(t, ref)
	if len(want) != 4 {
		t.Fatalf("reference prune left %v", want)
	}
	for _, point := range []string{"prune-sidecar-removed", "prune-snapshot-removed"} {
		for nth := 1; nth <= 6; nth++ {
			out := filepath.Join(dir, fmt.Sprintf("%s-%d", point, nth))
			copyDir(out)
			seen := 0
			func() {
				defer func() {
					if r := recover(); r != nil {
						if _, ok := r.(errStop); !ok {
							panic(r)
						}
					}
				}()
				_ = prune(out, func(p string) {
					if p == point {
						if seen++; seen == nth {
							panic(errStop{})
						}
					}
				})
				t.Fatalf("%s #%d: never stopped", point, nth)
			}()
			// Every archive left verifies; the one whose removal was cut
			// short has lost its sidecar, and is still a whole snapshot.
			noSidecar := 0
			for _, name := range dirNames(t, out) {
				p := filepath.Join(out, name)
				if strings.HasSuffix(name, backup.SidecarSuffix) {
					if _, err := os.Stat(strings.TrimSuffix(p, backup.SidecarSuffix)); err != nil {
						t.Fatalf("%s #%d: sidecar %s without its archive", point, nth, name)
					}
					continue
				}
				rep, err := backup.VerifyArchive(ctx, p, backup.ReadOptions{})
				if err != nil || !rep.OK() {
					t.Fatalf("%s #%d: %s fails verify: %v", point, nth, name, err)
				}
				if _, err := os.Stat(p + backup.SidecarSuffix); err != nil {
					noSidecar++
				}
			}
			if wantNo := map[string]int{"prune-sidecar-removed": 1}[point]; noSidecar != wantNo {
				t.Fatalf("%s #%d: %d archives without a sidecar, want %d", point, nth, noSidecar, wantNo)
			}
			if err := prune(out, func(string) {}); err != nil {
				t.Fatalf("%s #%d: the next prune: %v", point, nth, err)
			}
			if got := dirNames(t, out); !slices.Equal(got, want) {
				t.Fatalf("%s #%d: the next prune left %v, want %v", point, nth, got, want)
			}
		}
	}
}
