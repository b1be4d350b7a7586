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

// The hostile .age corpus (fixtures/hostile/age, each file with the verdict
// package crypt must reach) through the real program as encrypted
// snapshots: verify and restore, with the corpus's test key and passphrase,
// exit 5 for a key that does not fit and 3 for everything else; verify
// and list without a key exit 3 or 5, never 0. Nothing is written
// anywhere, and memory stays under the 64 MiB promise (a scrypt work
// factor past efbackup's limit is refused before any work).
func TestHostileAgeCorpusCLI(t *testing.T) {
	corpus := "../../fixtures/hostile/age"
	b, err := os.ReadFile(filepath.Join(corpus, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]string
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) < 40 {
		t.Fatalf("the corpus holds only %d cases", len(want))
	}
	identity, err := filepath.Abs(filepath.Join(corpus, "identity.txt"))
	if err != nil {
		t.Fatal(err)
	}
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
		data, err := os.ReadFile(filepath.Join(corpus, name))
		if err != nil {
			t.Fatal(err)
		}
		snap := filepath.Join(snaps, "x-20260101T000000Z.tar.zst.age")
		if err := os.WriteFile(snap, data, 0o600); err != nil {
			t.Fatal(err)
		}
		keyed := ExitIntegrity
		if kind == "wrong-key" || kind == "wrong-passphrase" {
			keyed = ExitKey
		}
		before := treetest.Content(t, root)
		for _, c := range []struct {
			args  []string
			codes []int
		}{
			{[]string{"verify", snap, "--identity", identity, "--json"}, []int{keyed}},
			{[]string{"restore", snap, "--install", inst, "--identity", identity, "--json"}, []int{keyed}},
			{[]string{"verify", snap, "--json"}, []int{ExitIntegrity, ExitKey}},
			{[]string{"list", "--out", snaps, "--json"}, []int{0, ExitIntegrity}},
		} {
			peakFile := filepath.Join(t.TempDir(), "peak")
			cmd := exec.Command(peakrss, append([]string{peakFile, bin}, c.args...)...)
			cmd.Env = append(os.Environ(), "EFBACKUP_LANG=en", "EFBACKUP_PASSPHRASE=hostile")
			if c.args[0] == "verify" && len(c.args) == 3 || c.args[0] == "list" {
				cmd.Env = append(os.Environ(), "EFBACKUP_LANG=en", "EFBACKUP_PASSPHRASE=")
			}
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			code := exitStatus(t, cmd.Run())
			ok := false
			for _, w := range c.codes {
				ok = ok || code == w
			}
			if !ok {
				t.Fatalf("%s (%s): %s: exit %d, want one of %v\n%s%s", name, kind, c.args[0], code, c.codes, stdout.String(), stderr.String())
			}
			if c.args[0] == "list" && code == 0 && !strings.Contains(stdout.String(), `"status": "key-needed"`) {
				t.Fatalf("%s (%s): list calls it sound:\n%s", name, kind, stdout.String())
			}
			pk, err := os.ReadFile(peakFile)
			kib, perr := strconv.ParseInt(string(pk), 10, 64)
			if err != nil || perr != nil {
				t.Fatalf("%s: %s reported no peak memory: %v %v", name, c.args[0], err, perr)
			}
			rss := kib << 10
			peak = max(peak, rss)
			if rss > memoryPromise {
				t.Fatalf("%s: %s peaked at %d MiB", name, c.args[0], rss>>20)
			}
		}
		if diff := cmp.Diff(before, treetest.Content(t, root)); diff != "" {
			t.Fatalf("%s: verify, restore or list changed files:\n%s", name, diff)
		}
	}
	t.Logf("%d hostile .age files refused by verify and restore (exit 3, or 5 for a key that does not fit); peak RSS %.1f MiB", len(want), float64(peak)/(1<<20))
}
