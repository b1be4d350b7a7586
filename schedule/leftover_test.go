package schedule

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// A run killed while appending leaves a torn last line. The next run's
// record must not be glued onto it (and lost): the torn line is ended in
// the same write, and the run says it recovered the log.
func TestAppendAfterTornLineRecovers(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 5, 1, 18, 30, 0, 0, time.UTC)
	if _, err := AppendRun(dir, RunRecord{Time: t0, Label: "a", Outcome: OutcomeOK}); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, RunLogName)
	f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"time":"2026-05-02T18:30:00Z","lab`)
	f.Close()
	left, err := AppendRun(dir, RunRecord{Time: t0.Add(48 * time.Hour), Label: "a", Outcome: OutcomeInUse, ExitCode: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0].Path != log || left[0].Action != fsutil.LeftoverRecovered {
		t.Fatalf("leftovers %+v", left)
	}
	last, err := LastRun(dir)
	if err != nil || last == nil || last.Outcome != OutcomeInUse {
		t.Fatalf("the record after the torn line is lost: %+v %v", last, err)
	}
	// A log that ends cleanly needs nothing.
	if left, err := AppendRun(dir, RunRecord{Time: t0.Add(72 * time.Hour), Label: "a", Outcome: OutcomeOK}); err != nil || len(left) != 0 {
		t.Fatalf("clean log: %+v %v", left, err)
	}
}

// A line with an outcome this release does not know is left out and
// reported, naming the log and the field; the other records still count.
func TestRunLogUnknownOutcome(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 5, 1, 18, 30, 0, 0, time.UTC)
	AppendRun(dir, RunRecord{Time: t0, Label: "a", Outcome: OutcomeOK})
	AppendRun(dir, RunRecord{Time: t0.Add(time.Hour), Label: "a", Outcome: "deferred"})
	runs, err := Runs(dir)
	var le *RunLogError
	if !errors.As(err, &le) || le.Field != "outcome" || le.Value != "deferred" || le.File != filepath.Join(dir, RunLogName) || le.Line != 2 {
		t.Fatalf("want a *RunLogError about the outcome, got %#v", err)
	}
	if len(runs) != 1 || runs[0].Outcome != OutcomeOK {
		t.Fatalf("runs %+v", runs)
	}
	if last, err := LastRun(dir); last == nil || last.Outcome != OutcomeOK || !errors.As(err, &le) {
		t.Fatalf("LastRun %+v %v", last, err)
	}
}

// An install reports the temporary files of a killed earlier install that
// it removed.
func TestInstallReportsLeftovers(t *testing.T) {
	ctx := context.Background()
	env, _ := testEnv(t, "linux")
	b, _ := env.Backend(ctx, "systemd")
	unitDir := filepath.Join(env.ConfigDir, "systemd", "user")
	if err := os.MkdirAll(unitDir, 0o700); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(unitDir, "efbackup-eFaktur-3.2.timer.99.tmp")
	if err := os.WriteFile(stale, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	rec := env.recordPath(unixSpec.Label) + ".42.tmp"
	if err := os.MkdirAll(filepath.Dir(rec), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rec, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := env.Install(ctx, b, unixSpec)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, l := range p.Leftovers {
		got[l.Path] = l.Action
	}
	if len(got) != 2 || got[stale] != fsutil.LeftoverRemoved || got[rec] != fsutil.LeftoverRemoved {
		t.Fatalf("leftovers %+v", p.Leftovers)
	}
}

// The record of an installed schedule is checked where it is read: a field
// or value this release does not know is a *RecordError naming the file
// and the field.
func TestRecordRefusesUnknown(t *testing.T) {
	ctx := context.Background()
	for field, edit := range map[string]func(string) string{
		"retry": func(s string) string { return strings.Replace(s, `"label"`, `"retry": 3, "label"`, 1) },
		"daily": func(s string) string { return strings.Replace(s, unixSpec.Daily, "25:99", 1) },
		"label": func(s string) string { return strings.Replace(s, `"label": "`+unixSpec.Label, `"label": "other`, 1) },
	} {
		t.Run(field, func(t *testing.T) {
			env, _ := testEnv(t, "linux")
			b, _ := env.Backend(ctx, "systemd")
			if _, err := env.Install(ctx, b, unixSpec); err != nil {
				t.Fatal(err)
			}
			p := env.recordPath(unixSpec.Label)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(edit(string(data))), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err = env.readRecord(unixSpec.Label)
			var re *RecordError
			if !errors.As(err, &re) || re.Field != field || re.File != p || !strings.Contains(err.Error(), field) {
				t.Fatalf("want a *RecordError naming %s, got %#v", field, err)
			}
		})
	}
}
