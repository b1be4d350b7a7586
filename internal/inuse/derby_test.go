package inuse

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	derbyfix "github.com/efbackup/efbackup/fixtures/derby"
)

// These tests run the real Derby engine (Debian's libderby-java 10.14 and a
// JDK, through fixtures/derby): databases it wrote, and JVMs holding them
// embedded as e-Faktur runs it and through the Network Server as "Start Db
// Sebagai Server" runs it. They check what Check sees while a database is
// held, after a clean shutdown and after the JVM is killed.

// requireDerby skips the test where the engine cannot run, unless
// EFBACKUP_REQUIRE_DERBY=1 says it must.
func requireDerby(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the real engine runs on unix here: there is no Java inside Wine; the Windows tests hold db.lck as the JDK does")
	}
	if _, err := derbyfix.Find(); err != nil {
		if os.Getenv("EFBACKUP_REQUIRE_DERBY") == "1" {
			t.Fatalf("EFBACKUP_REQUIRE_DERBY=1: %v", err)
		}
		t.Skipf("skipped: %v", err)
	}
}

// materialize copies the small clean fixture database, made by the real
// engine, to db/<name> in a new folder and returns db/.
func materialize(t *testing.T, spec derbyfix.Spec) (db, dir string) {
	t.Helper()
	requireDerby(t)
	db = filepath.Join(tempDir(t), "db")
	if spec.Name == "" {
		spec.Name = derbyfix.DefaultName
	}
	dir = filepath.Join(db, spec.Name)
	if err := os.Mkdir(db, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := derbyfix.Materialize(context.Background(), spec, dir); err != nil {
		t.Fatal(err)
	}
	return db, dir
}

type holdFunc func(context.Context, string, derbyfix.HoldOptions) (*derbyfix.Holder, error)

func start(t *testing.T, how holdFunc, dir string) *derbyfix.Holder {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	h, err := how(ctx, dir, derbyfix.HoldOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Kill() })
	return h
}

// wantDerbyInUse checks the report on db/ while the JVM pid holds dir.
func wantDerbyInUse(t *testing.T, rep *Report, dir string, pid int) {
	t.Helper()
	if !rep.InUse || len(rep.Signals) == 0 {
		t.Fatalf("want in use: %s", describe(rep))
	}
	s := rep.Signals[0]
	if s.Kind != KindOSLock || s.File != filepath.Join(dir, dbexLck) || s.PID != pid || s.Database != dir {
		t.Fatalf("first signal %+v, want the fcntl lock on dbex.lck by the JVM, pid %d", s, pid)
	}
	if s.Program != ProgramJava || !strings.Contains(s.Detail, "e-Faktur or its database server") {
		t.Errorf("the JVM is not named as such: %+v", s)
	}
	if runtime.GOOS == "linux" {
		var open *Signal
		for i := range rep.Signals {
			if rep.Signals[i].Kind == KindOpenByProcess && rep.Signals[i].PID == pid {
				open = &rep.Signals[i]
			}
		}
		if open == nil || open.Database != dir || open.File != filepath.Join(dir, dbexLck) || open.Program != ProgramJava {
			t.Errorf("the /proc scan did not find the JVM holding dbex.lck: %s", describe(rep))
		}
	}
	if len(rep.Databases) != 1 || !rep.Databases[0].InUse || rep.Databases[0].Probe != "fcntl" {
		t.Errorf("databases: %+v", rep.Databases)
	}
	for _, w := range rep.Warnings {
		if w.Kind == KindNotShutDown {
			t.Errorf("a live database is not a crashed one: %+v", w)
		}
	}
}

// Held embedded (as e-Faktur runs it) and through the Network Server (as
// "Start Db Sebagai Server" does): in use, with the JVM's pid; asked about
// the database folder alone, the same. After a clean shutdown: free, no
// lock file, no warning.
func TestDerbyHeldThenShutDown(t *testing.T) {
	for _, c := range []struct {
		name string
		how  holdFunc
	}{{"embedded", derbyfix.StartEmbedded}, {"server", derbyfix.StartNetworkServer}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db, dir := materialize(t, derbyfix.Spec{Seed: 1})
			if ws := wantFree(t, check(t, db, Options{})); len(ws) != 0 {
				t.Fatalf("warnings on the clean fixture: %+v", ws)
			}
			h := start(t, c.how, dir)
			t0 := time.Now()
			rep := check(t, db, Options{})
			t.Logf("Check took %v", time.Since(t0))
			wantDerbyInUse(t, rep, dir, h.PID())
			wantDerbyInUse(t, check(t, dir, Options{}), dir, h.PID())
			if err := h.Stop(); err != nil {
				t.Fatal(err)
			}
			rep = check(t, db, Options{})
			if ws := wantFree(t, rep); len(ws) != 0 {
				t.Fatalf("warnings after a clean shutdown: %s", describe(rep))
			}
		})
	}
}

// A JVM killed with the database open leaves db.lck and dbex.lck, held by
// nobody: not in use, and the "not shut down cleanly" warning. Both ways
// of running Derby leave the same.
func TestDerbyKilled(t *testing.T) {
	for _, c := range []struct {
		name string
		how  holdFunc
	}{{"embedded", derbyfix.StartEmbedded}, {"server", derbyfix.StartNetworkServer}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db, dir := materialize(t, derbyfix.Spec{Seed: 1})
			h := start(t, c.how, dir)
			if rep := check(t, db, Options{}); !rep.InUse {
				t.Fatalf("want in use before the kill: %s", describe(rep))
			}
			if err := h.Kill(); err != nil {
				t.Fatal(err)
			}
			for _, n := range []string{dbLck, dbexLck} {
				if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
					t.Fatalf("the kill left no %s: %v", n, err)
				}
			}
			wantLeftover(t, check(t, db, Options{}), dir, dbLck, dbexLck)
		})
	}
}

// Databases the engine left without a clean shutdown, copied elsewhere:
// an exit without ;shutdown=true (how e-Faktur usually exits) and a crash
// in the middle of a transaction. Nothing holds them: warnings only.
func TestDerbyLeftStates(t *testing.T) {
	for _, st := range []derbyfix.State{derbyfix.Exited, derbyfix.Crashed} {
		t.Run(string(st), func(t *testing.T) {
			t.Parallel()
			db, dir := materialize(t, derbyfix.Spec{Seed: 1, State: st})
			wantLeftover(t, check(t, db, Options{}), dir, dbLck, dbexLck)
		})
	}
}
