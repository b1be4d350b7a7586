//go:build unix

package schedule

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A tool's input survives efbackup being killed while the tool runs: a
// helper process runs a "crontab" that waits before it reads 300 KiB of
// input (more than a pipe holds), and is killed meanwhile. The tool must
// still read every byte; through a pipe it would read a truncated table to
// its end and install that.
func TestExecRunnerInputSurvivesKill(t *testing.T) {
	if os.Getenv("EFBACKUP_RUNNER_HELPER") != "" {
		input := bytes.Repeat([]byte("0 9 * * 1 /usr/bin/backup-my-photos\n"), 300<<10/36)
		os.Stdout.WriteString("running\n")
		_, _ = ExecRunner{}.Run(context.Background(), input, "sh", "-c", `sleep 0.5; cat > "$OUT.tmp"; mv "$OUT.tmp" "$OUT"`)
		return
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "table")
	want := bytes.Repeat([]byte("0 9 * * 1 /usr/bin/backup-my-photos\n"), 300<<10/36)
	cmd := exec.Command(os.Args[0], "-test.run=^TestExecRunnerInputSurvivesKill$")
	cmd.Env = append(os.Environ(), "EFBACKUP_RUNNER_HELPER=1", "OUT="+out, "TMPDIR="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := stdout.Read(buf)
	if !strings.Contains(string(buf[:n]), "running") {
		t.Fatalf("helper said %q", buf[:n])
	}
	time.Sleep(200 * time.Millisecond) // the tool is started and waiting
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got, err := os.ReadFile(out); err == nil {
			if !bytes.Equal(got, want) {
				t.Fatalf("the tool read %d bytes of %d", len(got), len(want))
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the tool never finished")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The input file was removed as soon as it was opened.
	if m, _ := filepath.Glob(filepath.Join(dir, "efbackup-stdin-*")); len(m) != 0 {
		t.Errorf("input files left: %v", m)
	}
}
