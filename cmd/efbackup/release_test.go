//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	releaseOnce sync.Once
	releaseDir  string
	releaseErr  error
)

// releaseBuild builds the program as users get it (no race detector, no
// test hooks) and the peakrss helper, once per test binary, and returns
// the folder holding efbackup and peakrss.
func releaseBuild(t *testing.T) string {
	t.Helper()
	releaseOnce.Do(func() {
		releaseDir, releaseErr = os.MkdirTemp("", "efbackup-release-")
		if releaseErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", releaseDir+string(filepath.Separator), ".", "./testdata/peakrss").CombinedOutput()
		if err != nil {
			releaseErr = &os.PathError{Op: "go build", Path: ".", Err: err}
			os.Stderr.Write(out)
		}
	})
	if releaseErr != nil {
		t.Fatal(releaseErr)
	}
	return releaseDir
}

// testSwitches is every environment variable the test binary reads to
// stop, pause, slow or mislead efbackup.
var testSwitches = []string{envKillAt, envPauseAt, envResumeFile, envTrace, envReadFault, envNoExchange, envFreeBytes, envSyslog,
	// Names earlier versions read.
	"EFBACKUP_TEST_SLOW_MS", "EFBACKUP_TEST_SLOW_COPY", "EFBACKUP_TEST_PEAK_FILE", "EFBACKUP_NO_DB_CHECKS"}

// The program users run ignores the tests' switches: it holds none of
// their names, and with every one of them set, snapshot, verify, restore
// and migrate behave as without them (no kill, no pause, no slowness, no
// injected read error, the database checks on, the real free space).
func TestReleaseBuildIgnoresTestSwitches(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	bin := filepath.Join(releaseBuild(t), "efbackup")
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range append(testSwitches, "EFBACKUP_TEST_") {
		if bytes.Contains(b, []byte(name)) {
			t.Errorf("the program holds %s", name)
		}
	}
	// The check can fail: a name the program does read is found.
	if !bytes.Contains(b, []byte("EFBACKUP_LOCK_WAIT")) {
		t.Fatal("the program does not hold EFBACKUP_LOCK_WAIT: the search is broken")
	}

	root := t.TempDir()
	src := genInstall(t, "3.2")
	out := filepath.Join(root, "snaps")
	trace, peak := filepath.Join(root, "trace"), filepath.Join(root, "peak")
	env := append(os.Environ(), "EFBACKUP_LANG=en",
		envKillAt+"=snapshot-committed", envPauseAt+"=snapshot-first-file", envResumeFile+"="+filepath.Join(root, "never"),
		envTrace+"="+trace, "EFBACKUP_TEST_SLOW_MS=60000", "EFBACKUP_TEST_SLOW_COPY=1h", envReadFault+"=c20.dat@0;.tar.zst@0",
		envNoExchange+"=1", envFreeBytes+"=1",
		"EFBACKUP_TEST_PEAK_FILE="+peak, "EFBACKUP_NO_DB_CHECKS=1")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	runBin := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = env
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v: %v after %v\n%s%s", args, err, time.Since(start), stdout.String(), stderr.String())
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("%v took %v: a pause or slowdown was honoured", args[0], d)
		}
		if strings.Contains(stderr.String(), "test hook") {
			t.Errorf("%v: %s", args[0], stderr.String())
		}
		return stdout.String()
	}
	var snap struct {
		Snapshot  string `json:"snapshot"`
		Databases []struct {
			Engine  string   `json:"engine"`
			Checked []string `json:"checked"`
		} `json:"databases"`
	}
	if err := json.Unmarshal([]byte(runBin("snapshot", "--install", src, "--out", out, "--create-out", "--json")), &snap); err != nil {
		t.Fatal(err)
	}
	if len(snap.Databases) != 1 || snap.Databases[0].Engine != "derby" || len(snap.Databases[0].Checked) == 0 {
		t.Errorf("the snapshot ran without the database checks: %+v", snap.Databases)
	}
	if _, err := os.Stat(snap.Snapshot + ".manifest.json"); err != nil {
		t.Errorf("no sidecar: the run stopped after the rename: %v", err)
	}
	runBin("verify", snap.Snapshot)
	dst := genInstall(t, "3.2")
	runBin("restore", snap.Snapshot, "--install", dst, "--quiet", "--from-other-install")
	tgt := genInstall(t, "4.0")
	runBin("migrate", "--from", "3.2", "--to", "4.0", "--source", src, "--target", tgt, "--snapshot-dir", filepath.Join(root, "migrate-snaps"), "--quiet")
	for _, p := range []string{trace, peak} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was written", p)
		}
	}
}
