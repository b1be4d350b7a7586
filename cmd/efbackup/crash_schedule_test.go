//go:build unix

package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// The crash harness for schedule install: with each scheduler whose files
// efbackup writes itself (a systemd user timer and service, a crontab line,
// a launchd agent), through fake systemctl, crontab and launchctl on PATH
// and a fake home and config folder, a schedule is installed, then the
// real program installing another one over it is killed at each point of
// its trace (each step, each file written, each point of each atomic
// write) and at points of the trace drawn at random.
// After each kill, once the scheduler tools it started have finished: every
// file (units, agent, efbackup's record, the crontab) is either the old
// version or the complete new one, owner-only; the user's own unit, agent
// and crontab lines are untouched. The next install succeeds and leaves
// exactly the new schedule, with no temporary file anywhere; installing
// once more changes nothing.
//
// The fake crontab replaces the table in one rename, as the real one does;
// what is tested is that efbackup always hands it the whole new table.

var scheduleSpecs = [2][]string{
	{"--daily", "07:05", "--keep-last", "3"},
	{"--daily", "19:45", "--keep-daily", "7", "--skip-unchanged"},
}

const fakeTools = `#!/bin/sh
# A stand-in for %[1]s. It logs when it starts and ends, so that the test
# can wait for it after efbackup is killed; it ignores SIGPIPE, so that a
# killed efbackup cannot cut it short.
trap '' PIPE
echo begin >> "$TOOL_LOG"
case "%[1]s $1" in
"crontab -l")
	if [ -f "$CRONTAB_FILE" ]; then cat "$CRONTAB_FILE"; else echo "no crontab for $USER" >&2; echo end >> "$TOOL_LOG"; exit 1; fi ;;
"crontab -")
	# Like the real crontab: read the whole table, then replace it in one rename.
	sleep 0.02
	cat > "$CRONTAB_FILE.new" && mv "$CRONTAB_FILE.new" "$CRONTAB_FILE" ;;
"crontab "*)
	echo "fake crontab: unsupported $*" >&2; echo end >> "$TOOL_LOG"; exit 2 ;;
*)
	echo "%[1]s $*" >> "$TOOL_LOG.calls" ;;
esac
echo end >> "$TOOL_LOG"
`

type scheduleBackendHarness struct {
	t       *testing.T
	backend string
	root    string // holds cfg/, home/ and crontab: everything an install may touch
	env     []string
	log     string
	inst    string
	out     string
	states  [2]map[string]string // what install A and install B leave
	current int                  // which is installed
}

var scheduleTempRe = regexp.MustCompile(`\.[0-9]+\.tmp$`)

// state is every file under the harness's root: content and mode. Files
// of a killed install's temporary form are returned apart.
func (h *scheduleBackendHarness) state() (files map[string]string, temps []string) {
	files = map[string]string{}
	err := filepath.WalkDir(h.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(h.root, p)
		if scheduleTempRe.MatchString(rel) {
			temps = append(temps, rel)
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		files[rel] = fmt.Sprintf("%v\n%s", fi.Mode().Perm(), b)
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return files, temps
}

func (h *scheduleBackendHarness) install(spec int, extra ...string) *exec.Cmd {
	args := append([]string{"schedule", "install", "--install", h.inst, "--out", h.out, "--create-out", "--backend", h.backend}, scheduleSpecs[spec]...)
	return child(args, append(append([]string{}, h.env...), extra...)...)
}

// settle waits until every scheduler tool a killed install started has
// ended.
func (h *scheduleBackendHarness) settle(when string) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(h.log)
		if strings.Count(string(b), "begin") == strings.Count(string(b), "end") {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s: a scheduler tool never ended:\n%s", when, b)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (h *scheduleBackendHarness) run(cmd *exec.Cmd, when string) {
	if b, err := cmd.CombinedOutput(); err != nil {
		h.t.Fatalf("%s: %v: %v\n%s", when, cmd.Args[1:4], err, b)
	}
}

// checkKilled: every file is the old or the new version.
func (h *scheduleBackendHarness) checkKilled(when string, target int) {
	t := h.t
	now, _ := h.state()
	old, new := h.states[h.current], h.states[target]
	names := map[string]bool{}
	for _, m := range []map[string]string{now, old, new} {
		for k := range m {
			names[k] = true
		}
	}
	for name := range names {
		if now[name] != old[name] && now[name] != new[name] {
			t.Fatalf("%s: %s is neither the old nor the new version:\n%s", when, name, now[name])
		}
	}
}

// next: the next install succeeds and leaves exactly the new schedule;
// once more changes nothing.
func (h *scheduleBackendHarness) next(when string, target int) {
	t := h.t
	h.run(h.install(target), when+": the next install")
	h.settle(when)
	now, temps := h.state()
	if len(temps) > 0 {
		t.Fatalf("%s: temporary files left after the next install: %v", when, temps)
	}
	if !mapsEqual(now, h.states[target]) {
		t.Fatalf("%s: after the next install the files differ from a clean install:\n%s", when, diffStates(now, h.states[target]))
	}
	h.run(h.install(target), when+": installing once more")
	h.settle(when)
	if again, _ := h.state(); !mapsEqual(again, now) {
		t.Fatalf("%s: installing once more changed the files:\n%s", when, diffStates(again, now))
	}
	h.current = target
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func diffStates(got, want map[string]string) string {
	var out []string
	for k, v := range got {
		if want[k] != v {
			out = append(out, fmt.Sprintf("  %s: have %q, want %q", k, v, want[k]))
		}
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			out = append(out, "  missing "+k)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func newScheduleBackendHarness(t *testing.T, backend, inst, bin string) *scheduleBackendHarness {
	dir := t.TempDir()
	h := &scheduleBackendHarness{t: t, backend: backend, root: filepath.Join(dir, "root"), log: filepath.Join(dir, "tools.log"), inst: inst, out: filepath.Join(dir, "snapshots")}
	cfg, home := filepath.Join(h.root, "cfg"), filepath.Join(h.root, "home")
	tmp := filepath.Join(dir, "tmp")
	for _, d := range []string{cfg, home, tmp} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	h.env = []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "XDG_CONFIG_HOME=" + cfg, "HOME=" + home, "TMPDIR=" + tmp,
		"TOOL_LOG=" + h.log, "CRONTAB_FILE=" + filepath.Join(h.root, "crontab"), "EFBACKUP_OUT="}
	// The user's own: a timer, an agent and crontab lines efbackup must
	// never touch.
	mine := map[string]string{
		filepath.Join(cfg, "systemd", "user", "my-photos.timer"):                   "[Timer]\nOnCalendar=daily\n",
		filepath.Join(home, "Library", "LaunchAgents", "com.example.photos.plist"): "<plist version=\"1.0\"><dict/></plist>\n",
		filepath.Join(h.root, "crontab"):                                           "MAILTO=budi@example.com\n0 9 * * 1 /usr/bin/backup-my-photos --at 100%\n# efbackup:other is my note\n",
	}
	for p, c := range mine {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := range h.states {
		h.run(h.install(i), "a clean install")
		h.settle("a clean install")
		h.states[i], _ = h.state()
	}
	if mapsEqual(h.states[0], h.states[1]) {
		t.Fatal("the two schedules leave the same files")
	}
	for p, c := range mine {
		if b, _ := os.ReadFile(p); string(b) != c && !strings.HasSuffix(p, "crontab") {
			t.Fatalf("a clean install changed %s", p)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(h.root, "crontab")); !strings.HasPrefix(string(b), mine[filepath.Join(h.root, "crontab")]) {
		t.Fatalf("a clean install lost the user's crontab lines:\n%s", b)
	}
	h.current = 1
	return h
}

func TestCrashScheduleInstall(t *testing.T) {
	crashHarnessOnly(t)
	if testing.Short() {
		t.Skip("crash harness: not in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"systemctl", "crontab", "launchctl"} {
		if err := os.WriteFile(filepath.Join(bin, tool), []byte(fmt.Sprintf(fakeTools, tool)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	inst := genInstall(t, "4.0")
	instHash, _ := treeHash(inst)
	backends := []string{"systemd", "cron", "launchd"}
	hs := map[string]*scheduleBackendHarness{}
	traces := map[string][]string{}
	kills, boundary, finished, temps := 0, 0, 0, 0
	round := func(b, point string) bool {
		h := hs[b]
		target := 1 - h.current
		when := fmt.Sprintf("%s: killed at %s", b, point)
		killed, _ := killAt(t, h.install(target), point, 0)
		if killed {
			kills++
		} else {
			finished++
			when = fmt.Sprintf("%s: ended before its kill at %s", b, point)
		}
		h.settle(when)
		if _, tt := h.state(); len(tt) > 0 {
			temps++
		}
		h.checkKilled(when, target)
		h.next(when, target)
		return killed
	}
	for _, b := range backends {
		h := newScheduleBackendHarness(t, b, inst, bin)
		hs[b] = h
		// Every point of an install is a step: kill at each.
		traces[b] = traceRun(t, h.install(1-h.current), 0)
		h.settle("a traced install")
		h.current = 1 - h.current
		for _, p := range traces[b] {
			if !round(b, p) {
				t.Fatalf("%s: the install was not killed at %s", b, p)
			}
			boundary++
		}
	}
	rng := crashRNG(t)
	for i := 0; i < crashRuns(); i++ {
		b := backends[i%len(backends)]
		round(b, randomPoints(rng, traces[b], 1)[0])
	}
	if h, _ := treeHash(inst); h != instHash {
		t.Fatal("schedule install changed the e-Faktur install")
	}
	t.Logf("schedule crash harness: %d kills (%d at every point of a traced install: systemd %d, cron %d, launchd %d points; %d at random points; %d left a temporary file, removed by the next install; %d more runs ended before their point), invariants held after each",
		kills, boundary, len(traces["systemd"]), len(traces["cron"]), len(traces["launchd"]), kills-boundary, temps, finished)
}
