package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/internal/folderlock"
)

// A snapshot whose folder lock was taken over while it wrote (its computer
// slept for longer than another PC waits) commits nothing: the other
// efbackup may be pruning the folder, or removing the .partial as a
// leftover. It ends with exit 1, saying the lock was lost.
func TestSnapshotCommitsNothingAfterLosingItsLock(t *testing.T) {
	opsEnv(t)
	inst := opsInstall(t, "4.0", -1)
	out := filepath.Join(t.TempDir(), "snaps")
	orig := testHooks.At
	t.Cleanup(func() { testHooks.At = orig })
	testHooks.At = func(p string) {
		if p == "snapshot-data-written" {
			b, _ := json.Marshal(folderlock.Info{Tool: "efbackup", Host: "other-pc", PID: 7, Time: time.Now(), Token: "other", Heartbeat: 60})
			if err := os.WriteFile(filepath.Join(out, folderlock.Name), b, 0o600); err != nil {
				t.Error(err)
			}
		}
		orig(p)
	}
	code, stdout, stderr := runCLI(t, "snapshot", "--install", inst, "--out", out, "--create-out")
	if code != ExitFailed || !strings.Contains(stderr, "no longer this run's") || stdout != "" {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if n := strings.Count(stderr, "no longer this run's"); n != 1 {
		t.Errorf("the loss is told %d times:\n%s", n, stderr)
	}
	if a := archives(t, out); len(a) != 0 {
		t.Fatalf("a snapshot was committed after the lock was lost: %v", a)
	}
	if p, _ := filepath.Glob(filepath.Join(out, "*.partial")); len(p) != 0 {
		t.Fatalf("left behind: %v", p)
	}
	if in, _ := folderlock.Read(out); in == nil || in.Token != "other" {
		t.Fatalf("the other process's lock was touched: %+v", in)
	}
}
