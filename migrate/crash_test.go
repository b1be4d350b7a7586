package migrate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"

	"github.com/efbackup/efbackup/internal/treetest"
)

// crash is what the test hook panics with: the in-process stand-in for a
// kill. The package does no file-system cleanup in deferred functions, so
// a panic unwinds like a kill (the only difference: backup.Snapshot's
// deferred abort removes its .partial file, which a real kill leaves; the
// command's harness kills real processes and covers that).
type crash struct{ point string }

// runUntil runs f and reports whether it crashed at point.
func runUntil(f func() error) (crashed bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(crash); !ok {
				panic(r)
			}
			crashed = true
		}
	}()
	return false, f()
}

func crashAt(point string) func(string) {
	return func(p string) {
		if p == point {
			panic(crash{p})
		}
	}
}

// hookPoints records the hook points a full migration (and undo) passes.
func hookPoints(t *testing.T, withDB bool, undo bool) []string {
	e := newEnv(t, withDB)
	var points []string
	seen := map[string]bool{}
	var mu sync.Mutex // steps run side by side
	rec := func(p string) {
		mu.Lock()
		defer mu.Unlock()
		if !seen[p] {
			seen[p] = true
			points = append(points, p)
		}
	}
	opt := e.opts()
	opt.Hook = rec
	if _, err := Run(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	if !undo {
		return points
	}
	points, seen = nil, map[string]bool{}
	if _, err := Undo(context.Background(), UndoOptions{Target: e.tgt, Hook: rec}); err != nil {
		t.Fatal(err)
	}
	return points
}

// allowedExtra are the names the tool may leave at the top of the target.
var allowedExtra = regexp.MustCompile(`^(db|` + regexp.QuoteMeta(JournalName) + `(\.[0-9]+\.tmp)?|db\.efbackup-migrate-.*\.partial|db\.before-migrate-.*|db\.undone-migrate-.*|efbackup-migrate-.*\.(json|txt)(\.partial)?)$`)

// checkCrashState checks what a kill may leave: the source untouched;
// db/ the original or an exact copy of the source, never anything else;
// the original kept; only the tool's names added; and one of two states:
// the original (plus at most a staging folder and the journal), or the
// finished migration.
func checkCrashState(t *testing.T, e *env, srcBefore, tgtBefore map[string]string, point string) {
	t.Helper()
	if after := tree(t, e.src); !sameTree(srcBefore, after) {
		t.Fatalf("%s: the source changed:\n%s", point, diffTrees(srcBefore, after))
	}
	orig := treetest.Content(t, e.tgt)
	_ = orig
	origDB := contentOf(sub(tgtBefore, "db"))
	srcDB := treetest.Content(t, filepath.Join(e.src, "db"))
	hadDB := len(origDB) > 0
	db := filepath.Join(e.tgt, "db")
	var dbIs string
	if _, err := os.Stat(db); err == nil {
		c := treetest.Content(t, db)
		switch {
		case hadDB && sameTree(c, origDB):
			dbIs = "original"
		case sameTree(c, srcDB):
			dbIs = "copy"
		default:
			t.Fatalf("%s: db/ is neither the original nor a copy of the source", point)
		}
	} else if hadDB && exchangeWorks() {
		t.Fatalf("%s: db/ is missing", point)
	} else if hadDB {
		// Two renames: between them the original is aside and db/ is
		// missing; the journal says so, and the next run or undo
		// finishes or reverses the swap.
		dbIs = "aside"
	} else {
		dbIs = "original"
	}
	// Every name that was there is there, and the original db/ content
	// survives somewhere.
	extra := extraNames(t, e.tgt, topNames(tgtBefore))
	for name := range topNames(tgtBefore) {
		if name == "db" && dbIs == "aside" {
			continue
		}
		if _, err := os.Lstat(filepath.Join(e.tgt, name)); err != nil {
			t.Fatalf("%s: %s is gone", point, name)
		}
	}
	foundOrig := !hadDB || dbIs == "original"
	for _, n := range extra {
		if !allowedExtra.MatchString(n) {
			t.Fatalf("%s: unexpected name %s in the target", point, n)
		}
		if hadDB && !foundOrig {
			if fi, err := os.Stat(filepath.Join(e.tgt, n)); err == nil && fi.IsDir() && sameTree(treetest.Content(t, filepath.Join(e.tgt, n)), origDB) {
				foundOrig = true
			}
		}
	}
	if !foundOrig {
		t.Fatalf("%s: the original db/ is nowhere", point)
	}
	if dbIs == "original" {
		for _, n := range extra {
			if !regexp.MustCompile(`^(` + regexp.QuoteMeta(JournalName) + `(\.[0-9]+\.tmp)?|db\.efbackup-migrate-.*\.partial)$`).MatchString(n) {
				t.Fatalf("%s: the original db/ is in place, but the target also holds %s", point, n)
			}
		}
	}
}

// exchangeWorks says whether the swap uses an atomic exchange here.
func exchangeWorks() bool {
	d := os.TempDir()
	a, _ := os.MkdirTemp(d, "x")
	b, _ := os.MkdirTemp(d, "y")
	defer os.Remove(a)
	defer os.Remove(b)
	return exchange(a, b) == nil
}

func topNames(tr map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range tr {
		if k != "." && filepath.Dir(k) == "." {
			out[k] = v
		}
	}
	return out
}

// contentOf turns a tree (with modes and times) into a content map.
func contentOf(tr map[string]string) map[string]string {
	out := map[string]string{}
	re := regexp.MustCompile(`([0-9a-f]{64})$`)
	for k, v := range tr {
		if m := re.FindStringSubmatch(v); m != nil {
			out[k] = m[1]
		} else {
			out[k] = "dir"
		}
	}
	return out
}

// Kill the migration at every step boundary, for both swap methods and
// with and without a db/ in the target; then either rerun it (it must
// finish, and a later undo must restore the original) or undo it (the
// original must be back).
func TestCrashAtEveryStep(t *testing.T) {
	for _, method := range []string{SwapExchange, SwapRename} {
		for _, withDB := range []bool{true, false} {
			points := withMethod(method, func() []string { return hookPoints(t, withDB, false) })
			if len(points) < 15 {
				t.Fatalf("only %d hook points: %v", len(points), points)
			}
			if method == SwapRename {
				// Before the swap both methods do the same.
				for i, p := range points {
					if p == "migrate-before-swap" {
						points = points[i:]
						break
					}
				}
			}
			for _, point := range points {
				for _, then := range []string{"rerun", "undo"} {
					name := fmt.Sprintf("%s/db=%v/%s/%s", method, withDB, point, then)
					t.Run(name, func(t *testing.T) {
						if method == SwapRename {
							defer func(f func(a, b string) error) { exchange = f }(exchange)
							exchange = func(a, b string) error { return errExchangeUnsupported }
						}
						crashThen(t, withDB, point, then)
					})
				}
			}
		}
	}
}

func withMethod(method string, f func() []string) []string {
	if method == SwapRename {
		defer func(f func(a, b string) error) { exchange = f }(exchange)
		exchange = func(a, b string) error { return errExchangeUnsupported }
	}
	return f()
}

func crashThen(t *testing.T, withDB bool, point, then string) {
	e := newEnv(t, withDB)
	srcBefore, tgtBefore := tree(t, e.src), tree(t, e.tgt)
	opt := e.opts()
	opt.Hook = crashAt(point)
	crashed, err := runUntil(func() error { _, err := Run(context.Background(), opt); return err })
	if !crashed {
		t.Fatalf("did not reach %s: %v", point, err)
	}
	checkCrashState(t, e, srcBefore, tgtBefore, point)
	origDB := contentOf(sub(tgtBefore, "db"))
	srcDB := treetest.Content(t, filepath.Join(e.src, "db"))
	switch then {
	case "rerun":
		res, err := Run(context.Background(), e.opts())
		if err != nil {
			t.Fatalf("rerun after a crash at %s: %v", point, err)
		}
		if !sameTree(treetest.Content(t, filepath.Join(e.tgt, "db")), srcDB) {
			t.Fatal("after the rerun, db/ is not the copy")
		}
		if withDB && !sameTree(treetest.Content(t, res.Plan.Aside), origDB) {
			t.Fatal("after the rerun, the original is not aside")
		}
		checkSnapshots(t, e.snaps)
		if _, err := Undo(context.Background(), UndoOptions{Target: e.tgt}); err != nil {
			t.Fatal(err)
		}
	case "undo":
		_, err := Undo(context.Background(), UndoOptions{Target: e.tgt})
		var je *JournalError
		if err != nil && !(errors.As(err, &je) && je.Kind == JournalNothing) {
			t.Fatalf("undo after a crash at %s: %v", point, err)
		}
	}
	checkUndone(t, e, srcBefore, tgtBefore)
}

// checkUndone: the target is as before, plus at most a db.undone-migrate
// folder holding the copy; the source is untouched; no journal.
func checkUndone(t *testing.T, e *env, srcBefore, tgtBefore map[string]string) {
	t.Helper()
	if !sameTree(srcBefore, tree(t, e.src)) {
		t.Fatal("the source changed")
	}
	after := tree(t, e.tgt)
	if d := diffTrees(sub(tgtBefore, "db"), sub(after, "db")); d != "" {
		t.Fatalf("db/ is not the original:\n%s", d)
	}
	for _, n := range extraNames(t, e.tgt, topNames(tgtBefore)) {
		if !regexp.MustCompile(`^db\.undone-migrate-`).MatchString(n) {
			t.Fatalf("after undo the target holds %s", n)
		}
		if !sameTree(treetest.Content(t, filepath.Join(e.tgt, n)), treetest.Content(t, filepath.Join(e.src, "db"))) {
			t.Fatalf("%s is not the copy", n)
		}
	}
	for name, v := range topNames(tgtBefore) {
		if name != "db" && after[name] != v {
			t.Fatalf("%s changed", name)
		}
	}
}

// Kill an undo at every point; the next undo finishes it, and a migrate
// in between refuses to run.
func TestCrashDuringUndo(t *testing.T) {
	for _, method := range []string{SwapExchange, SwapRename} {
		for _, withDB := range []bool{true, false} {
			for _, point := range withMethod(method, func() []string { return hookPoints(t, withDB, true) }) {
				t.Run(fmt.Sprintf("%s/db=%v/%s", method, withDB, point), func(t *testing.T) {
					if method == SwapRename {
						defer func(f func(a, b string) error) { exchange = f }(exchange)
						exchange = func(a, b string) error { return errExchangeUnsupported }
					}
					e := newEnv(t, withDB)
					srcBefore, tgtBefore := tree(t, e.src), tree(t, e.tgt)
					if _, err := Run(context.Background(), e.opts()); err != nil {
						t.Fatal(err)
					}
					crashed, err := runUntil(func() error {
						_, err := Undo(context.Background(), UndoOptions{Target: e.tgt, Hook: crashAt(point)})
						return err
					})
					if !crashed {
						t.Fatalf("did not reach %s: %v", point, err)
					}
					if j, _ := ReadJournal(e.tgt); j != nil {
						var je *JournalError
						if _, err := Run(context.Background(), e.opts()); !errors.As(err, &je) || je.Kind != JournalUndoing {
							t.Fatalf("migrate after a killed undo: %v", err)
						}
						if _, err := Undo(context.Background(), UndoOptions{Target: e.tgt}); err != nil {
							t.Fatal(err)
						}
					}
					checkUndone(t, e, srcBefore, tgtBefore)
				})
			}
		}
	}
}
