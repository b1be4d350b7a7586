package swap

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// A fixture: an install folder with db/ (the original, unless noDB) and a
// staged copy, described by Folders as a journal would record them.
type fixture struct {
	t     *testing.T
	dir   string
	f     Folders // as last saved to the "journal"
	noIDs bool
}

const (
	origMark = "the original db"
	copyMark = "the staged copy"
)

func newFixture(t *testing.T, withDB, noIDs bool) *fixture {
	t.Helper()
	dir := t.TempDir()
	x := &fixture{t: t, dir: dir, noIDs: noIDs}
	mk := func(name, mark string) {
		if err := os.MkdirAll(filepath.Join(dir, name, "seg0"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name, "seg0", "c10.dat"), []byte(mark), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	x.f = Folders{Dir: dir, DB: "db", HadDB: withDB, Staging: "db.efbackup-test-20260101T000000Z.partial", Started: true}
	mk(x.f.Staging, copyMark)
	if withDB {
		mk("db", origMark)
		x.f.Aside = "db.before-test-20260101T000000Z"
		x.f.DBID = x.id(filepath.Join(dir, "db"))
	}
	x.f.StagingID = x.id(filepath.Join(dir, x.f.Staging))
	return x
}

func (x *fixture) id(p string) string {
	if x.noIDs {
		return ""
	}
	return fsutil.ID(p)
}

// swapper is what a run builds from the journal: its own copy of the
// recorded Folders, saved back on every Save.
func (x *fixture) swapper(hook func(string), exch func(a, b string) error) *Swapper {
	f := x.f
	s := &Swapper{F: &f, Hook: hook, Exchange: exch, ID: x.id}
	s.Save = func() error { x.f = *s.F; return nil }
	return s
}

// holds says what the folder called name holds: "orig", "copy", "" (absent).
func (x *fixture) holds(name string) string {
	if name == "" {
		return ""
	}
	b, err := os.ReadFile(filepath.Join(x.dir, name, "seg0", "c10.dat"))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return ""
	case err != nil:
		x.t.Fatal(err)
	case string(b) == origMark:
		return "orig"
	case string(b) == copyMark:
		return "copy"
	}
	return "other"
}

func (x *fixture) names() []string {
	es, _ := os.ReadDir(x.dir)
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// never lost: the original exists somewhere whole, and so does the copy.
func (x *fixture) nothingLost(when string) {
	x.t.Helper()
	found := map[string]int{}
	for _, n := range x.names() {
		found[x.holds(n)]++
	}
	if x.f.HadDB && found["orig"] != 1 || found["copy"] != 1 {
		x.t.Fatalf("%s: the original or the copy is lost, or doubled: %v", when, x.names())
	}
}

type stop struct{ point string }

// killAt runs f and stops it (a panic standing in for a kill) at point.
func killAt(f func(), point string) (stopped bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(stop); !ok {
				panic(r)
			}
			stopped = true
		}
	}()
	f()
	return false
}

func stopAt(point string) func(string) {
	return func(p string) {
		if p == point {
			panic(stop{p})
		}
	}
}

func exchangeWorks(t *testing.T) bool {
	a, b := t.TempDir(), t.TempDir()
	return fsutil.Exchange(a, b) == nil
}

var noExchange = func(a, b string) error { return fsutil.ErrExchangeUnsupported }

type method struct {
	name     string
	exchange bool
	noIDs    bool
	exch     func(a, b string) error
	points   []string // the points Swap passes, in order
	kinds    []Kind   // the layout a kill at each point leaves
}

func methods(t *testing.T, withDB bool) []method {
	if !withDB {
		return []method{
			{name: "no-db", exchange: true, points: []string{"placed"}, kinds: []Kind{Swapped}},
			{name: "no-db-without-ids", exchange: true, noIDs: true, points: []string{"placed"}, kinds: []Kind{Swapped}},
		}
	}
	ms := []method{
		{name: "rename", exch: noExchange, points: []string{"aside", "placed"}, kinds: []Kind{HalfSwapped, Swapped}},
		{name: "rename-without-ids", exch: noExchange, noIDs: true, points: []string{"aside", "placed"}, kinds: []Kind{HalfSwapped, Swapped}},
		{name: "rename-by-choice", exchange: false, points: []string{"aside", "placed"}, kinds: []Kind{HalfSwapped, Swapped}},
	}
	if exchangeWorks(t) {
		ms = append(ms, method{name: "exchange", exchange: true, points: []string{"exchanged", "aside-after-exchange"}, kinds: []Kind{Exchanged, Swapped}})
	}
	return ms
}

// Kill the swap at every point, on both methods, with and without db/ and
// file identities: the layout left is the one expected, nothing is lost,
// and the next run finishes the swap; or reverses it, itself killed after
// each of its moves and continued by the run after.
func TestRecoveryFromEveryState(t *testing.T) {
	for _, withDB := range []bool{true, false} {
		for _, m := range methods(t, withDB) {
			for i, point := range append([]string{"before"}, m.points...) {
				want := BeforeSwap
				if i > 0 {
					want = m.kinds[i-1]
				}
				for _, then := range []string{"finish", "reverse"} {
					t.Run(fmt.Sprintf("%s/db=%v/%s/%s", m.name, withDB, point, then), func(t *testing.T) {
						x := newFixture(t, withDB, m.noIDs)
						if point != "before" {
							s := x.swapper(stopAt(point), m.exch)
							if !killAt(func() {
								if err := s.Swap(m.exchange); err != nil {
									t.Fatal(err)
								}
							}, point) {
								t.Fatalf("the swap did not pass %s", point)
							}
						}
						x.nothingLost("killed at " + point)
						s := x.swapper(nil, m.exch)
						l, err := s.Inspect()
						if err != nil || l.Kind != want {
							t.Fatalf("killed at %s: layout %v (%v), want %s", point, l, err, want)
						}
						switch then {
						case "finish":
							if l.Kind == BeforeSwap {
								err = s.Swap(m.exchange)
							} else {
								err = s.Finish(l)
							}
							if err != nil {
								t.Fatal(err)
							}
							if x.holds("db") != "copy" || x.holds(x.f.Aside) != map[bool]string{true: "orig"}[withDB] || x.holds(x.f.Staging) != "" {
								t.Fatalf("not finished: %v", x.names())
							}
							if l, _ := x.swapper(nil, m.exch).Inspect(); l.Kind != Swapped {
								t.Fatalf("after finishing: %s", l)
							}
						case "reverse":
							x.f.Undone = "db.undone-test-20260101T000000Z"
							x.reverseWithKills(t, m.exch, point)
						}
					})
				}
			}
		}
	}
}

// reverseWithKills reverses the swap; every run is killed after one move,
// the next continues, until the original is back.
func (x *fixture) reverseWithKills(t *testing.T, exch func(a, b string) error, from string) {
	t.Helper()
	inPlace := x.swapper(nil, exch).CopyWasInPlace()
	for run := 0; ; run++ {
		if run > 6 {
			t.Fatalf("the reversal does not end: %v", x.names())
		}
		s := x.swapper(nil, exch)
		l, err := s.Inspect()
		if err != nil {
			t.Fatal(err)
		}
		if l.Kind == Inconsistent || l.Kind == ForeignDB && l.Staging != Copy {
			t.Fatalf("reversing from %s, run %d: %s", from, run, l)
		}
		a, more, err := s.Back(l)
		if err != nil {
			t.Fatal(err)
		}
		if !more {
			break
		}
		if err := s.Do(a); err != nil {
			t.Fatalf("%+v: %v", a, err)
		}
		x.nothingLostOrRemoved(t, a)
	}
	want := map[bool]string{true: "orig"}[x.f.HadDB]
	if x.holds("db") != want || x.holds(x.f.Aside) != "" || x.holds(x.f.Staging) != "" {
		t.Fatalf("not reversed: %v", x.names())
	}
	// A copy that was in place is kept under the undone name; one that
	// never was is removed, unless it is already at the undone name.
	if got := x.holds(x.f.Undone); inPlace && got != "copy" {
		t.Fatalf("a copy that was in place is not kept: %v", x.names())
	}
}

// After a reversal's move, the original survives; the copy may be gone
// only by an OpRemove.
func (x *fixture) nothingLostOrRemoved(t *testing.T, a Action) {
	t.Helper()
	found := map[string]int{}
	for _, n := range x.names() {
		found[x.holds(n)]++
	}
	if x.f.HadDB && found["orig"] != 1 {
		t.Fatalf("after %+v the original is lost: %v", a, x.names())
	}
	if found["copy"] != 1 && a.Op != OpRemove {
		t.Fatalf("after %+v the copy is lost: %v", a, x.names())
	}
}

// PlanBack lists exactly the moves Back then makes.
func TestPlanBackMatchesBack(t *testing.T) {
	for _, m := range methods(t, true) {
		for _, point := range m.points {
			t.Run(m.name+"/"+point, func(t *testing.T) {
				x := newFixture(t, true, m.noIDs)
				killAt(func() { _ = x.swapper(stopAt(point), m.exch).Swap(m.exchange) }, point)
				x.f.Undone = "db.undone-test-20260101T000000Z"
				s := x.swapper(nil, m.exch)
				l, _ := s.Inspect()
				plan, _ := s.PlanBack(l)
				var did []Action
				for {
					l, _ := s.Inspect()
					a, more, err := s.Back(l)
					if err != nil {
						t.Fatal(err)
					}
					if !more {
						break
					}
					if err := s.Do(a); err != nil {
						t.Fatal(err)
					}
					did = append(did, a)
				}
				if fmt.Sprint(plan) != fmt.Sprint(did) {
					t.Fatalf("planned %v, did %v", plan, did)
				}
			})
		}
	}
}

// Where the file system cannot exchange, Swap records the rename method
// before its first move, and the journal always holds the method in use.
func TestExchangeFallsBackToRenames(t *testing.T) {
	x := newFixture(t, true, false)
	var methods []string
	s := x.swapper(nil, noExchange)
	s.Save = func() error { methods = append(methods, s.F.Method); x.f = *s.F; return nil }
	if err := s.Swap(true); err != nil {
		t.Fatal(err)
	}
	if strings.Join(methods, ",") != "exchange,rename" || x.f.Method != Rename {
		t.Fatalf("recorded methods %v", methods)
	}
	if x.holds("db") != "copy" || x.holds(x.f.Aside) != "orig" {
		t.Fatalf("names %v", x.names())
	}
}

// A failed move to db/ after the original went aside puts the original
// back: the names are as before, and the staged folder may go.
func TestFailedPlaceMovesOriginalBack(t *testing.T) {
	x := newFixture(t, true, false)
	s := x.swapper(func(p string) {
		if p == "aside" {
			// Something takes the name db/ in between (e-Faktur's
			// updater creating an empty db/, say): the rename must not
			// replace it.
			if err := os.Mkdir(filepath.Join(x.dir, "db"), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(x.dir, "db", "x"), nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}, noExchange)
	err := s.Swap(false)
	var se *Error
	if !errors.As(err, &se) || se.Op != OpPlace || se.MovedBack || se.Back == nil || se.Unchanged() {
		t.Fatalf("got %#v", err)
	}
	// The original is still aside, the copy staged: a later run sees it.
	if x.holds(x.f.Aside) != "orig" || x.holds(x.f.Staging) != "copy" {
		t.Fatalf("names %v", x.names())
	}
	// With db/ free again, the move back succeeds at once.
	y := newFixture(t, true, false)
	s = y.swapper(nil, noExchange)
	blocked := filepath.Join(y.dir, "db")
	s.Hook = func(p string) {
		if p == "aside" {
			os.Rename(filepath.Join(y.dir, y.f.Staging), filepath.Join(y.dir, "elsewhere"))
		}
	}
	err = s.Swap(false)
	if !errors.As(err, &se) || !se.MovedBack || !se.Unchanged() || y.holds("db") != "orig" {
		t.Fatalf("got %#v, names %v (%s)", err, y.names(), blocked)
	}
}

// A db/ put there by someone else, or an aside name taken by someone else,
// is recognised and never touched.
func TestForeignFolders(t *testing.T) {
	if !exchangeWorks(t) {
		t.Skip("no exchange here")
	}
	t.Run("foreign db", func(t *testing.T) {
		x := newFixture(t, true, false)
		// The original replaced behind the tool's back, before the swap.
		os.Rename(filepath.Join(x.dir, "db"), filepath.Join(x.dir, "mine"))
		os.Mkdir(filepath.Join(x.dir, "db"), 0o700)
		l, err := x.swapper(nil, nil).Inspect()
		if err != nil || l.Kind != ForeignDB {
			t.Fatalf("%v %v", l, err)
		}
	})
	t.Run("aside taken after an exchange", func(t *testing.T) {
		x := newFixture(t, true, false)
		killAt(func() { _ = x.swapper(stopAt("exchanged"), nil).Swap(true) }, "exchanged")
		squatter := filepath.Join(x.dir, x.f.Aside)
		os.Mkdir(squatter, 0o700)
		s := x.swapper(nil, nil)
		l, err := s.Inspect()
		if err != nil || l.Kind != Exchanged || !l.AsideTaken {
			t.Fatalf("%v %v", l, err)
		}
		if err := s.Finish(l); err == nil {
			t.Fatal("finished into a taken aside name without NewAside")
		}
		s.NewAside = func() (string, error) { return filepath.Join(x.dir, "db.before-test-20260101T000000Z-2"), nil }
		if err := s.Finish(l); err != nil {
			t.Fatal(err)
		}
		if x.f.Aside != "db.before-test-20260101T000000Z-2" || x.holds(x.f.Aside) != "orig" {
			t.Fatalf("names %v, recorded aside %s", x.names(), x.f.Aside)
		}
		if fi, err := os.Stat(squatter); err != nil || !fi.IsDir() {
			t.Fatal("the folder that took the name was touched")
		}
	})
	t.Run("not a folder", func(t *testing.T) {
		x := newFixture(t, true, false)
		os.WriteFile(filepath.Join(x.dir, x.f.Aside), nil, 0o600)
		var nf *NotFolderError
		if _, err := x.swapper(nil, nil).Inspect(); !errors.As(err, &nf) {
			t.Fatalf("got %v", err)
		}
	})
}

// RemoveStaging refuses anything that is not a staging folder.
func TestRemoveStagingRefuses(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{filepath.Join(dir, "db"), filepath.Join(dir, "x.partial")} {
		if p == filepath.Join(dir, "db") {
			os.Mkdir(p, 0o700)
		} else {
			os.WriteFile(p, nil, 0o600)
		}
		if err := RemoveStaging(p); err == nil {
			t.Errorf("%s removed", p)
		}
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s gone", p)
		}
	}
}
