package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// englishInOutput finds the words only an English sentence holds. Paths,
// codes and numbers in the output never hold them as whole words.
var englishInOutput = regexp.MustCompile(`\b(the|is|are|not|but|of|and|says|holds|from|which|than|while|bytes|was|were|its|cannot|could|does)\b`)

func assertNoEnglish(t *testing.T, what, out string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if w := englishInOutput.FindString(line); w != "" {
			t.Errorf("%s: under --lang id this line holds the English word %q:\n%s", what, w, line)
		}
	}
}

// Under --lang id, what verify says about a damaged or hostile snapshot is
// Indonesian down to each problem's detail: every archive of the hostile
// corpus (refused entries, a manifest over its limits, a cut archive, a
// size that disagrees, a zstd window bomb).
func TestIndonesianProblemDetailsHostile(t *testing.T) {
	names, err := filepath.Glob("../../fixtures/hostile/*.tar.zst")
	if err != nil || len(names) < 20 {
		t.Fatalf("hostile corpus: %v %v", names, err)
	}
	for _, n := range names {
		code, stdout, stderr := runCLI(t, "--lang", "id", "verify", n)
		if code != ExitIntegrity {
			t.Fatalf("%s: exit %d, want %d\n%s%s", n, code, ExitIntegrity, stdout, stderr)
		}
		assertNoEnglish(t, filepath.Base(n), stdout+stderr)
	}
}

// A real Derby database with a damaged page, its snapshot, and the same
// folder after it moved on: verify of the snapshot, of the folder, and of
// the folder against the snapshot all word their details in Indonesian.
func TestIndonesianProblemDetailsDerby(t *testing.T) {
	src := genInstall(t, "3.2")
	db := filepath.Join(src, "db")
	seg := filepath.Join(db, "ETaxInvoice", "seg0", "c20.dat")
	f, err := os.OpenFile(seg, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("damage over a page of a table"), 3*4096+300); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(t.TempDir(), "snaps")
	code, stdout, stderr := runCLI(t, "--lang", "id", "snapshot", "--install", src, "--out", out, "--create-out")
	if code != ExitOK && code != ExitIntegrity {
		t.Fatalf("snapshot: exit %d\n%s%s", code, stdout, stderr)
	}
	assertNoEnglish(t, "snapshot", stdout+stderr)
	if !strings.Contains(stdout+stderr, "page-checksum") {
		t.Fatalf("the damaged page was not reported:\n%s%s", stdout, stderr)
	}
	archive := onlySnapshot(t, out)
	for _, args := range [][]string{
		{"verify", archive},
		{"verify", "--db", db},
	} {
		code, stdout, stderr := runCLI(t, append([]string{"--lang", "id"}, args...)...)
		if code != ExitIntegrity {
			t.Fatalf("%v: exit %d\n%s%s", args, code, stdout, stderr)
		}
		assertNoEnglish(t, strings.Join(args[:1], " "), stdout+stderr)
	}
	// The folder moves on: a file is new, one is gone.
	if err := os.WriteFile(filepath.Join(db, "catatan.txt"), []byte("baru"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(db, "ETaxInvoice", "seg0", "c20.dat")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, "--lang", "id", "verify", "--db", db, "--against", archive)
	if code == ExitOK {
		t.Fatalf("a folder that lost a file passed against its snapshot:\n%s%s", stdout, stderr)
	}
	assertNoEnglish(t, "verify --against", stdout+stderr)
}

// An encrypted snapshot with a changed byte in the middle: keyless verify
// (the sidecar's hash) and verify with the key (the changed chunk) word
// their details in Indonesian too.
func TestIndonesianProblemDetailsEncrypted(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "db")
	if err := os.MkdirAll(db, 0o755); err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 256<<10)
	for i := range data {
		data[i] = byte(i * 7 % 251)
	}
	if err := os.WriteFile(filepath.Join(db, "lampiran.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	id, pub := newKey(t, tmp, "kunci.txt")
	out := filepath.Join(tmp, "snaps")
	if code, _, stderr := runCLI(t, "snapshot", "--db", db, "--out", out, "--create-out", "--encrypt-to", pub, "--quiet"); code != ExitOK {
		t.Fatalf("snapshot: exit %d\n%s", code, stderr)
	}
	snap := onlyEncrypted(t, out)
	b, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x40
	if err := os.WriteFile(snap, b, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"verify", snap}, {"verify", snap, "--identity", id}} {
		code, stdout, stderr := runCLI(t, append([]string{"--lang", "id"}, args...)...)
		if code != ExitIntegrity {
			t.Fatalf("%v: exit %d\n%s%s", args, code, stdout, stderr)
		}
		assertNoEnglish(t, strings.Join(args, " "), stdout+stderr)
	}
}
