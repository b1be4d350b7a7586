package oracle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/deepcheck"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/engine/derby"
	"github.com/efbackup/efbackup/fixtures/damage"
	derbyfix "github.com/efbackup/efbackup/fixtures/derby"
)

// EnvFull, set to "full", runs the whole oracle: every kind on every state
// with several seeds, and every busy copy. make oracle sets it.
const EnvFull = "EFBACKUP_ORACLE"

// EnvTable names a file the full oracle writes its table to, as Markdown
// for docs/database-checks.md.
const EnvTable = "EFBACKUP_ORACLE_TABLE"

// fixtureSeed is the seed of the databases damaged here (derbyfix caches
// them per machine); the damage seeds are the plan's.
const fixtureSeed = 1

// undetectable lists the kinds whose losses the files alone cannot show
// (docs/derby-format.md §6), with why. A loss from one of them is counted
// and reported, not failed.
var undetectable = map[damage.Kind]string{
	damage.ForeignPage: "a whole page of another container, its checksum valid: Derby's page header names " +
		"neither its container nor its number, so only the rows on it, which the Go check does not decode, are wrong",
	damage.StaleLog: "an older log set, whole and consistent in itself, paired with newer data files: " +
		"telling it needs redo analysis (page versions are counters, not log positions)",
}

// plan is what one run covers.
type plan struct {
	name   string
	states []derbyfix.State
	seeds  []int64 // damage seeds
	kinds  []damage.Kind
	hot    []int64 // fixture seeds of the busy copies
}

func currentPlan() plan {
	all := damage.Kinds()
	switch {
	case os.Getenv(EnvFull) == "full":
		return plan{
			name:   "full",
			states: []derbyfix.State{derbyfix.Clean, derbyfix.Exited, derbyfix.Crashed},
			seeds:  []int64{1, 2, 3},
			kinds:  all,
			hot:    []int64{1, 2, 3, 4},
		}
	case testing.Short():
		return plan{
			name:   "short",
			states: []derbyfix.State{derbyfix.Crashed},
			seeds:  []int64{1},
			kinds: []damage.Kind{damage.HeapPageFlip, damage.DeleteContainer, damage.LogCtrlDelete,
				damage.LastLogTruncate, damage.ByteFlip},
		}
	}
	// make test: every kind once, on the state that needs recovery.
	return plan{
		name:   "subset",
		states: []derbyfix.State{derbyfix.Crashed},
		seeds:  []int64{1},
		kinds:  all,
		hot:    []int64{1},
	}
}

// variant is one damaged copy and what both checks made of it.
type variant struct {
	state derbyfix.State
	kind  damage.Kind // "" for a busy copy
	seed  int64
	desc  string
	dir   string

	goVerdict engine.Verdict
	goCodes   []string

	engVerdict engine.Verdict
	engCodes   []string
	lost       []string // tables whose rows differ from the undamaged copy's
	engErr     string   // the engine check itself failed
}

func (v *variant) name() string {
	if v.kind == "" {
		return fmt.Sprintf("%s seed=%d", v.state, v.seed)
	}
	return fmt.Sprintf("%s/%s seed=%d", v.state, v.kind, v.seed)
}

// engineRefuses: the engine fails to boot the database, to check a table
// or to read one to its end. Its complaints in derby.log alone (a log it
// had to do without) do not count: rows decide then.
func (v *variant) engineRefuses() bool {
	for _, c := range v.engCodes {
		if !strings.HasPrefix(c, "engine-log-") && c != "engine-shutdown" {
			return true
		}
	}
	return false
}

// engineBad: the engine refuses the database, or it shows other rows than
// the undamaged copy.
func (v *variant) engineBad() bool { return v.engineRefuses() || len(v.lost) > 0 }

// engineWhole: the engine checks and reads every table, every row as in
// the undamaged copy, and derby.log is silent.
func (v *variant) engineWhole() bool { return !v.engineBad() && v.engVerdict == engine.OK }

// A false alarm is the Go check calling damaged a copy the engine
// recovers whole; a miss is a copy the engine refuses or loses rows from
// that the Go check calls ok (a warning is a flag: it names the problem,
// and the snapshot says so).
func (v *variant) falseAlarm() bool { return v.goVerdict == engine.Damaged && v.engineWhole() }

func (v *variant) missed() bool {
	return v.engineBad() && v.goVerdict != engine.Damaged && v.goVerdict != engine.Warning
}

func requireEngine(t *testing.T, err error) {
	t.Helper()
	var me *derbyfix.MissingEngineError
	var nre *deepcheck.NoRuntimeError
	if errors.As(err, &me) || errors.As(err, &nre) {
		if os.Getenv("EFBACKUP_REQUIRE_DERBY") == "1" {
			t.Fatalf("EFBACKUP_REQUIRE_DERBY=1 but %v", err)
		}
		t.Skip(err)
	}
	t.Fatal(err)
}

func goCheck(t *testing.T, dir string) (engine.Verdict, []string) {
	t.Helper()
	db, _, err := derby.CheckFolder(context.Background(), dir)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	codes := map[string]bool{}
	for _, f := range db.Findings {
		codes[string(f.Verdict)+":"+f.Code] = true
	}
	return db.Verdict, sortedKeys(codes)
}

func sortedKeys(m map[string]bool) []string {
	var s []string
	for k := range m {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}

// judge runs the engine over the variants in batches (one JVM each) and
// fills in its verdicts. A batch the JVM fails on is run again one
// database at a time, so that one hang costs one variant.
func judge(t *testing.T, rt *deepcheck.Runtime, vs []*variant, baseline map[derbyfix.State][]deepcheck.Table) {
	t.Helper()
	const batch = 12
	for start := 0; start < len(vs); start += batch {
		part := vs[start:min(start+batch, len(vs))]
		if err := judgeBatch(rt, part, baseline, 4*time.Minute); err != nil {
			t.Logf("engine batch failed (%v); one by one", err)
			for _, v := range part {
				if err := judgeBatch(rt, []*variant{v}, baseline, 2*time.Minute); err != nil {
					v.engErr = err.Error()
				}
			}
		}
		for _, v := range part {
			os.RemoveAll(filepath.Dir(v.dir))
		}
	}
}

func judgeBatch(rt *deepcheck.Runtime, vs []*variant, baseline map[derbyfix.State][]deepcheck.Table, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var dbs []deepcheck.Database
	for _, v := range vs {
		dbs = append(dbs, deepcheck.Database{Name: v.name(), Dir: v.dir})
	}
	rep, err := deepcheck.Run(ctx, rt, dbs)
	if err != nil {
		return err
	}
	for i, v := range vs {
		d := &rep.Databases[i]
		v.engVerdict = d.Verdict
		codes := map[string]bool{}
		for _, f := range d.Findings {
			codes[f.Code] = true
		}
		v.engCodes = sortedKeys(codes)
		if base, ok := baseline[v.state]; ok && d.Booted && d.ReopenError == nil {
			for _, diff := range deepcheck.Compare(base, d.Tables) {
				if diff.What != "unreadable" { // a refusal, counted as such
					v.lost = append(v.lost, diff.String())
				}
			}
		}
	}
	return nil
}

// TestOracle damages copies of real databases in every way package damage
// knows and holds the Go check to the engine's judgement of each.
func TestOracle(t *testing.T) {
	p := currentPlan()
	start := time.Now()
	ctx := context.Background()
	rt, err := deepcheck.FindRuntime(deepcheck.FindOptions{})
	if err != nil {
		requireEngine(t, err)
	}
	work := t.TempDir()
	olderDir, err := derbyfix.Ensure(ctx, derbyfix.Spec{Seed: fixtureSeed})
	if err != nil {
		requireEngine(t, err)
	}

	// The undamaged copies: the Go check does not call them damaged, and
	// the engine recovers them to the reference. Their tables, with the
	// engine's row hashes, are what the damaged copies are compared with.
	baseline := map[derbyfix.State][]deepcheck.Table{}
	var dbs []deepcheck.Database
	refs := map[derbyfix.State]*derbyfix.Dump{}
	for _, st := range p.states {
		spec := derbyfix.Spec{Seed: fixtureSeed, State: st}
		dir := filepath.Join(work, "base-"+string(st), derbyfix.DefaultName)
		if err := derbyfix.Materialize(ctx, spec, dir); err != nil {
			requireEngine(t, err)
		}
		if v, codes := goCheck(t, dir); v == engine.Damaged {
			t.Errorf("false alarm on the undamaged %s database: %v", st, codes)
		}
		ref, err := derbyfix.Reference(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		refs[st] = ref
		dbs = append(dbs, deepcheck.Database{Name: string(st), Dir: dir})
	}
	rep, err := deepcheck.Run(ctx, rt, dbs)
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range p.states {
		d := &rep.Databases[i]
		if d.Verdict != engine.OK {
			t.Fatalf("the engine does not recover the undamaged %s database: %v", st, d.Findings)
		}
		for _, tab := range d.Tables {
			if tab.System {
				continue
			}
			if r, ok := refs[st].Table(tab.Schema + "." + tab.Name); !ok || r.Rows != tab.Rows {
				t.Fatalf("%s: %s.%s has %d rows, the reference %d", st, tab.Schema, tab.Name, tab.Rows, r.Rows)
			}
		}
		if d.UserRows() != refs[st].Rows() {
			t.Fatalf("%s: %d rows, the reference %d", st, d.UserRows(), refs[st].Rows())
		}
		baseline[st] = d.Tables
	}

	// The damaged copies.
	var vs []*variant
	notApplicable := map[damage.Kind]int{}
	n := 0
	for _, st := range p.states {
		for _, kind := range p.kinds {
			for _, seed := range p.seeds {
				if kind == damage.StaleLog && st == derbyfix.Clean {
					// The older state of this database is the clean one itself.
					notApplicable[kind]++
					continue
				}
				n++
				dir := filepath.Join(work, fmt.Sprintf("v%04d", n), derbyfix.DefaultName)
				if err := derbyfix.Materialize(ctx, derbyfix.Spec{Seed: fixtureSeed, State: st}, dir); err != nil {
					t.Fatal(err)
				}
				desc, err := damage.ApplyOlder(dir, olderDir, kind, seed)
				if errors.Is(err, damage.ErrNotApplicable) {
					notApplicable[kind]++
					os.RemoveAll(filepath.Dir(dir))
					continue
				}
				if err != nil {
					t.Fatalf("%s/%s seed=%d: %v", st, kind, seed, err)
				}
				v := &variant{state: st, kind: kind, seed: seed, desc: desc.String(), dir: dir}
				v.goVerdict, v.goCodes = goCheck(t, dir)
				vs = append(vs, v)
			}
		}
	}
	judge(t, rt, vs, baseline)

	// The busy copies: no reference to compare rows with (the writer went
	// on after it was recorded), so the engine's verdict and the writer's
	// own invariant decide.
	var hot []*variant
	for _, seed := range p.hot {
		dir := filepath.Join(work, fmt.Sprintf("hot%d", seed), derbyfix.DefaultName)
		if err := derbyfix.Materialize(ctx, derbyfix.Spec{Seed: seed, State: derbyfix.HotCopy}, dir); err != nil {
			t.Fatal(err)
		}
		v := &variant{state: derbyfix.HotCopy, seed: seed, desc: "hot copy", dir: dir}
		v.goVerdict, v.goCodes = goCheck(t, dir)
		hot = append(hot, v)
	}
	judgeHot(t, rt, hot)

	// Verdicts.
	for _, v := range vs {
		switch {
		case v.engErr != "":
			t.Errorf("%s: the engine check failed: %s", v.desc, v.engErr)
		case v.falseAlarm():
			t.Errorf("false alarm: %s: the Go check says damaged %v, the engine recovers every row (%s %v)",
				v.desc, v.goCodes, v.engVerdict, v.engCodes)
		case v.missed() && undetectable[v.kind] == "":
			t.Errorf("missed: %s: the engine %s %v, lost %v; the Go check says %s %v",
				v.desc, v.engVerdict, v.engCodes, v.lost, v.goVerdict, v.goCodes)
		}
	}
	for _, v := range hot {
		if v.engErr != "" {
			t.Errorf("%s: the engine check failed: %s", v.name(), v.engErr)
		}
	}
	table := render(p, vs, hot, notApplicable, time.Since(start))
	t.Logf("oracle (%s plan) in %v:\n%s", p.name, time.Since(start).Round(time.Second), table)
	if path := os.Getenv(EnvTable); path != "" {
		if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// judgeHot runs the engine over the busy copies. Where it finds nothing
// wrong, the writer's invariant is asked too: every transaction added 20
// LOG_AKTIVITAS rows and raised NOMOR_URUT('LOG_AKTIVITAS') by 20, and the
// ids are dense, so the counter, the highest id and the row count agree
// in any copy that kept every transaction whole.
func judgeHot(t *testing.T, rt *deepcheck.Runtime, vs []*variant) {
	t.Helper()
	if len(vs) == 0 {
		return
	}
	if err := judgeBatch(rt, vs, nil, 4*time.Minute); err != nil {
		for _, v := range vs {
			v.engErr = err.Error()
		}
		return
	}
	tools := filepath.Join(filepath.Dir(rt.Classpath[0]), "derbytools.jar")
	if _, err := os.Stat(tools); err != nil {
		t.Logf("no %s: the busy copies' invariant is not checked", tools)
		return
	}
	for _, v := range vs {
		if v.engVerdict != engine.OK {
			continue
		}
		if !writerInvariant(t, rt, tools, v.dir) {
			v.lost = append(v.lost, "EFAKTUR.LOG_AKTIVITAS and EFAKTUR.NOMOR_URUT disagree: a transaction was kept in part")
		}
	}
}

// writerInvariant asks ij whether the counter, the highest id and the row
// count of the busy writer's table agree.
func writerInvariant(t *testing.T, rt *deepcheck.Runtime, tools, dir string) bool {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(rt.Java, "-Dderby.system.home="+home,
		"-cp", strings.Join(append(append([]string{}, rt.Classpath...), tools), string(os.PathListSeparator)),
		"org.apache.derby.tools.ij")
	cmd.Dir = home
	db := filepath.ToSlash(dir)
	cmd.Stdin = strings.NewReader(fmt.Sprintf(`connect 'jdbc:derby:%s';
select 'INV ' || cast(n.nilai as char(20)) || ' ' || cast((select max(id) from efaktur.log_aktivitas) as char(20)) || ' ' || cast((select count(*) from efaktur.log_aktivitas) as char(20)) from efaktur.nomor_urut n where n.nama = 'LOG_AKTIVITAS';
connect 'jdbc:derby:%s;shutdown=true';
exit;
`, db, db))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ij: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) == 4 && f[0] == "INV" {
			return f[1] == f[2] && f[2] == f[3]
		}
	}
	// The engine read every table a moment ago; ij failing now is news.
	t.Fatalf("%s: no invariant line from ij", dir)
	return false
}

// tally counts the variants of one kind.
type tally struct {
	runs, na                             int
	engRefused, engLost, engDoubt, engOK int
	goDamaged, goWarning, goOK           int
	warnedOnly                           int // engine-bad, Go warning
	falseAlarms, missed, excusedMisses   int
	codes                                map[string]bool
}

func render(p plan, vs []*variant, hot []*variant, na map[damage.Kind]int, took time.Duration) string {
	byKind := map[damage.Kind]*tally{}
	var kinds []damage.Kind
	get := func(k damage.Kind) *tally {
		if byKind[k] == nil {
			byKind[k] = &tally{codes: map[string]bool{}}
			kinds = append(kinds, k)
		}
		return byKind[k]
	}
	for _, k := range p.kinds {
		get(k).na = na[k]
	}
	count := func(tl *tally, v *variant) {
		tl.runs++
		switch {
		case v.engineRefuses():
			tl.engRefused++
		case len(v.lost) > 0:
			tl.engLost++
		case v.engVerdict != engine.OK:
			tl.engDoubt++
		default:
			tl.engOK++
		}
		switch v.goVerdict {
		case engine.Damaged:
			tl.goDamaged++
		case engine.Warning:
			tl.goWarning++
		default:
			tl.goOK++
		}
		switch {
		case v.falseAlarm():
			tl.falseAlarms++
		case v.missed() && undetectable[v.kind] != "":
			tl.excusedMisses++
		case v.missed():
			tl.missed++
		case v.engineBad() && v.goVerdict == engine.Warning:
			tl.warnedOnly++
		}
		for _, c := range v.goCodes {
			tl.codes[c] = true
		}
	}
	for _, v := range vs {
		count(get(v.kind), v)
	}
	var b strings.Builder
	states := make([]string, len(p.states))
	for i, s := range p.states {
		states[i] = string(s)
	}
	fmt.Fprintf(&b, "Plan %q: states %s, damage seeds %v, fixture seed %d; %d damaged copies in %v.\n\n",
		p.name, strings.Join(states, ", "), p.seeds, fixtureSeed, len(vs), took.Round(time.Second))
	b.WriteString("| Damage kind | Copies | Engine: refused | Engine: rows lost, no error | Engine: rows whole, derby.log doubts | Engine: whole | Go: damaged | Go: warning | Go: ok | Lost or refused, Go only warned | False alarms | Missed | Go findings |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	var total tally
	for _, k := range kinds {
		tl := byKind[k]
		copies := fmt.Sprint(tl.runs)
		if tl.na > 0 {
			copies += fmt.Sprintf(" (+%d n/a)", tl.na)
		}
		missed := fmt.Sprint(tl.missed)
		if tl.excusedMisses > 0 {
			missed += fmt.Sprintf(" (+%d undetectable)", tl.excusedMisses)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s | %s |\n", k, copies,
			tl.engRefused, tl.engLost, tl.engDoubt, tl.engOK, tl.goDamaged, tl.goWarning, tl.goOK, tl.warnedOnly,
			tl.falseAlarms, missed, strings.Join(sortedKeys(tl.codes), ", "))
		total.runs += tl.runs
		total.engRefused += tl.engRefused
		total.engLost += tl.engLost
		total.engDoubt += tl.engDoubt
		total.engOK += tl.engOK
		total.warnedOnly += tl.warnedOnly
		total.goDamaged += tl.goDamaged
		total.goWarning += tl.goWarning
		total.goOK += tl.goOK
		total.falseAlarms += tl.falseAlarms
		total.missed += tl.missed
		total.excusedMisses += tl.excusedMisses
	}
	fmt.Fprintf(&b, "| **all** | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d (+%d undetectable) | |\n",
		total.runs, total.engRefused, total.engLost, total.engDoubt, total.engOK, total.goDamaged, total.goWarning, total.goOK,
		total.warnedOnly, total.falseAlarms, total.missed, total.excusedMisses)
	if len(hot) > 0 {
		bad, flagged, alarms := 0, 0, 0
		b.WriteString("\n| Busy copy (fixture seed) | Engine | Go check | Go findings |\n| --- | --- | --- | --- |\n")
		for _, v := range hot {
			eng := string(v.engVerdict) + " " + strings.Join(v.engCodes, ", ")
			if len(v.lost) > 0 {
				eng += " (" + strings.Join(v.lost, "; ") + ")"
			}
			if v.engErr != "" {
				eng = "check failed"
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s |\n", v.seed, strings.TrimSpace(eng), v.goVerdict, strings.Join(v.goCodes, ", "))
			if v.engineBad() {
				bad++
				if v.goVerdict == engine.Damaged {
					flagged++
				}
			} else if v.falseAlarm() {
				alarms++
			}
		}
		fmt.Fprintf(&b, "\nBusy copies: %d of %d damaged by the engine's judgement; the Go check flagged %d of those", bad, len(hot), flagged)
		if bad > 0 {
			fmt.Fprintf(&b, " (%.0f%%)", 100*float64(flagged)/float64(bad))
		}
		fmt.Fprintf(&b, ", and %d the engine found whole.\n", alarms)
	}
	return b.String()
}
