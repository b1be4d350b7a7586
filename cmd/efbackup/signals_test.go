//go:build unix

package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/migrate"
	"github.com/klauspost/compress/zstd"
)

// Signals sent to the real program (this test binary as main) while it
// waits at a named point (EFBACKUP_TEST_PAUSE_AT with
// EFBACKUP_TEST_RESUME_FILE): the signal lands at that exact step however
// busy the machine is. Each run must end saying truthfully what state it
// left, and leave exactly that.

// signalAt runs efbackup with args until it reaches point, sends sig, lets
// it go on, and returns its exit code, stdout and stderr.
func signalAt(t *testing.T, args []string, point string, sig syscall.Signal, env ...string) (code int, stdout, stderr string) {
	t.Helper()
	resume := filepath.Join(t.TempDir(), "resume")
	cmd := child(args, append([]string{envPauseAt + "=" + point, envResumeFile + "=" + resume}, env...)...)
	var out, errb syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for deadline := time.Now().Add(time.Minute); !strings.Contains(errb.String(), "paused at "+point); time.Sleep(5 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("%s ended (%v) before %s:\n%s", args[0], err, point, errb.String())
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("%s never reached %s:\n%s", args[0], point, errb.String())
		}
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // let the signal land before the run goes on
	if err := os.WriteFile(resume, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err := <-done
	return exitStatus(t, err), out.String(), errb.String()
}

// A closed terminal (SIGHUP) ends a snapshot as Ctrl-C does: exit 130, no
// .partial, no lock left in the folder. Before, SIGHUP killed the program
// outright and left both behind.
func TestSIGHUPEndsLikeCtrlC(t *testing.T) {
	inst := genInstall(t, "4.0")
	out := t.TempDir()
	code, _, stderr := signalAt(t, []string{"snapshot", "--install", inst, "--out", out}, "snapshot-first-file", syscall.SIGHUP)
	if code != ExitInterrupted || !strings.Contains(stderr, "interrupted") {
		t.Fatalf("exit %d, want %d:\n%s", code, ExitInterrupted, stderr)
	}
	if left, _ := os.ReadDir(out); len(left) != 0 {
		t.Fatalf("left behind after SIGHUP: %v", left)
	}
}

// Ctrl-C while a migration waits just before its swap: nothing is swapped,
// the copy and the journal go, and the target is exactly as it was; the
// message says so.
func TestCtrlCMigrateJustBeforeSwap(t *testing.T) {
	e := newMigrateEnv(t, true, nil)
	before := mustTreeHash(t, e.tgt)
	code, _, stderr := signalAt(t, e.args(), "migrate-before-swap", syscall.SIGINT)
	if code != ExitInterrupted || !strings.Contains(stderr, "nothing was swapped") {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if after := mustTreeHash(t, e.tgt); after != before {
		t.Fatalf("the target changed:\n%v", topLevel(t, e.tgt))
	}
	if _, err := os.Stat(filepath.Join(e.tgt, migrate.JournalName)); !os.IsNotExist(err) {
		t.Fatalf("journal left: %v", err)
	}
}

// Ctrl-C once the swap has happened: the message says the migrated db/ is
// in place and how to finish or undo, never that unfinished files were
// removed; the journal stays, and running the same command again
// finishes the migration.
func TestCtrlCMigrateAfterSwap(t *testing.T) {
	e := newMigrateEnv(t, true, nil)
	code, _, stderr := signalAt(t, e.args(), "migrate-before-post-check", syscall.SIGINT)
	if code != ExitInterrupted || !strings.Contains(stderr, "after the swap") || !strings.Contains(stderr, "migrate --undo") ||
		strings.Contains(stderr, "unfinished files were removed") {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(e.tgt, migrate.JournalName)); err != nil {
		t.Fatalf("the journal is gone after the swap: %v", err)
	}
	if code, _, stderr := runCLI(t, e.args()...); code != ExitOK {
		t.Fatalf("running the same command again: exit %d\n%s", code, stderr)
	}
}

// Ctrl-C after a restore's point of no return: it says at once that it
// finishes, finishes the swap, and says that it did: db/ holds the
// snapshot, exit 0. Before, the signal was ignored without a word.
func TestCtrlCRestoreAfterPointOfNoReturn(t *testing.T) {
	inst := genInstall(t, "4.0")
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "snapshot", "--install", inst, "--out", out); code != ExitOK {
		t.Fatalf("snapshot: %d %s", code, stderr)
	}
	snap := onlySnapshot(t, out)
	want := mustTreeHash(t, filepath.Join(inst, "db"))
	if err := os.WriteFile(filepath.Join(inst, "db", "ETaxInvoice", "log", "later.dat"), []byte("written after the snapshot"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := signalAt(t, []string{"restore", snap, "--install", inst, "--json"}, "restore-before-swap", syscall.SIGINT)
	if code != ExitOK || !strings.Contains(stderr, "restore is finishing") || !strings.Contains(stderr, "the restore was finished") {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	var rep restoreReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || !rep.Interrupted || rep.MovedTo == "" {
		t.Fatalf("report %+v (%v):\n%s", rep, err, stdout)
	}
	if got := mustTreeHash(t, filepath.Join(inst, "db")); got != want {
		t.Fatal("db/ does not hold the snapshot")
	}
	if _, err := os.Stat(filepath.Join(inst, backup.RestoreJournalName)); !os.IsNotExist(err) {
		t.Fatalf("restore journal left: %v", err)
	}
}

// Ctrl-C during a prune, between two removals: it stops there, keeps every
// snapshot it had not removed yet, and says how many it removed. Before,
// it went on removing to the end.
func TestCtrlCPruneBetweenRemovals(t *testing.T) {
	inst := genInstall(t, "4.0")
	out := t.TempDir()
	for i := 0; i < 5; i++ {
		at := time.Date(2024, 1, 1+i, 12, 0, 0, 0, time.UTC)
		if _, err := backup.Snapshot(context.Background(), backup.SnapshotOptions{DB: filepath.Join(inst, "db"), Install: inst, OutDir: out, Label: "pkp",
			Level: zstd.SpeedFastest, Now: func() time.Time { return at }, Engines: engines()}); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := signalAt(t, []string{"prune", "--out", out, "--keep-last", "1"}, "prune-snapshot-removed#1", syscall.SIGINT)
	if code != ExitInterrupted || !strings.Contains(stderr, "1 snapshot(s) were removed before it stopped") {
		t.Fatalf("exit %d:\n%s\n%s", code, stdout, stderr)
	}
	if n := strings.Count(stdout, "not removed: interrupted"); n != 3 {
		t.Errorf("%d snapshots shown as kept by the interruption, want 3:\n%s", n, stdout)
	}
	if got := len(archives(t, out)); got != 4 {
		t.Fatalf("%d snapshots left, want 4 (one removed before Ctrl-C)", got)
	}
}
