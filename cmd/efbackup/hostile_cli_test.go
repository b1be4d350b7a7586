//go:build linux

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/efbackup/efbackup/internal/treetest"
)

// The hostile-archive corpus (fixtures/hostile, each file with its expected
// verdict) through the real program, built as users get it: verify and restore refuse every one
// with exit 3 and the expected problem kind, write nothing anywhere (the
// install sits three folders deep, so "../" escapes would land inside the
// watched tree), and stay under the 64 MiB memory promise while doing it.
const memoryPromise = 64 << 20

func TestHostileCorpusCLI(t *testing.T) {
	b, err := os.ReadFile("../../fixtures/hostile/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]string
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) < 24 {
		t.Fatalf("the corpus holds only %d cases", len(want))
	}
	// The memory promise is about the program users run: build it
	// (without the race detector, which multiplies memory use), and run
	// it under peakrss, which reads its own peak.
	rel := releaseBuild(t)
	bin, peakrss := filepath.Join(rel, "efbackup"), filepath.Join(rel, "peakrss")
	root := t.TempDir()
	inst := filepath.Join(root, "a", "b", "c", "eFaktur")
	if err := os.MkdirAll(filepath.Join(inst, "db"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inst, "db", "efaktur.mv.db"), []byte("the user's database"), 0o644); err != nil {
		t.Fatal(err)
	}
	snaps := filepath.Join(root, "snaps")
	os.Mkdir(snaps, 0o700)
	var peak int64
	for name, kind := range want {
		data, err := os.ReadFile(filepath.Join("../../fixtures/hostile", name))
		if err != nil {
			t.Fatal(err)
		}
		snap := filepath.Join(snaps, "x-20260101T000000Z.tar.zst")
		if err := os.WriteFile(snap, data, 0o600); err != nil {
			t.Fatal(err)
		}
		before := treetest.Content(t, root)
		for _, args := range [][]string{{"verify", snap, "--json"}, {"restore", snap, "--install", inst, "--json"}} {
			peakFile := filepath.Join(t.TempDir(), "peak")
			cmd := exec.Command(peakrss, append([]string{peakFile, bin}, args...)...)
			cmd.Env = append(os.Environ(), "EFBACKUP_LANG=en")
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := exitStatus(t, err)
			if code != ExitIntegrity {
				t.Fatalf("%s: %s: exit %d, want %d\n%s%s", name, args[0], code, ExitIntegrity, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String()+stderr.String(), `"kind":"`+kind+`"`) && !strings.Contains(stdout.String(), `"kind": "`+kind+`"`) {
				t.Fatalf("%s: %s does not report %q:\n%s%s", name, args[0], kind, stdout.String(), stderr.String())
			}
			pk, err := os.ReadFile(peakFile)
			kib, perr := strconv.ParseInt(string(pk), 10, 64)
			if err != nil || perr != nil {
				t.Fatalf("%s: %s reported no peak memory: %v %v", name, args[0], err, perr)
			}
			rss := kib << 10
			peak = max(peak, rss)
			if rss > memoryPromise {
				t.Fatalf("%s: %s peaked at %d MiB", name, args[0], rss>>20)
			}
		}
		if diff := cmp.Diff(before, treetest.Content(t, root)); diff != "" {
			t.Fatalf("%s: verify or restore changed files:\n%s", name, diff)
		}
	}
	outsideAfter, _ := os.ReadDir(os.TempDir())
	for _, e := range outsideAfter {
		if strings.Contains(e.Name(), "evil") {
			t.Fatalf("%s appeared in %s", e.Name(), os.TempDir())
		}
	}
	if _, err := os.Lstat("/tmp/evil"); err == nil {
		t.Fatal("/tmp/evil appeared")
	}
	t.Logf("%d hostile archives refused by verify and restore with exit 3; peak RSS %.1f MiB", len(want), float64(peak)/(1<<20))
}
