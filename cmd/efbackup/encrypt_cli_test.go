package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/backup"
)

var publicKeyRe = regexp.MustCompile(`age1[0-9a-z]{58}`)

// newKey makes an identity with the real key command and returns its file
// and public key.
func newKey(t *testing.T, dir, name string) (file, pub string) {
	t.Helper()
	file = filepath.Join(dir, name)
	code, stdout, stderr := runCLI(t, "key", "new", "--out", file)
	if code != 0 {
		t.Fatalf("key new exit %d: %s", code, stderr)
	}
	pub = publicKeyRe.FindString(stdout)
	if pub == "" {
		t.Fatalf("key new printed no public key:\n%s", stdout)
	}
	return file, pub
}

// onlyEncrypted is the one encrypted snapshot in dir.
func onlyEncrypted(t *testing.T, dir string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "*"+backup.ArchiveSuffix+backup.EncryptedSuffix))
	if len(m) != 1 {
		t.Fatalf("want one encrypted snapshot in %s, have %v", dir, m)
	}
	return m[0]
}

// copySnapshot copies a snapshot and its sidecar into a new folder, to be
// damaged there.
func copySnapshot(t *testing.T, snap string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(snap))
	for _, suf := range []string{"", backup.SidecarSuffix} {
		b, err := os.ReadFile(snap + suf)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst+suf, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func wantCode(t *testing.T, want int, args ...string) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, args...)
	if code != want {
		t.Fatalf("efbackup %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, stdout, stderr)
	}
	return stdout, stderr
}

// The key command: an owner-only identity, its public key, the warning in
// the user's language, a recovery sheet; it never overwrites a file.
func TestKeyCommand(t *testing.T) {
	opsEnv(t)
	dir := t.TempDir()
	id := filepath.Join(dir, "key.txt")
	sheet := filepath.Join(dir, "sheet.txt")
	t.Setenv("EFBACKUP_LANG", "id")
	stdout, _ := wantCode(t, 0, "key", "new", "--out", id, "--sheet", sheet)
	pub := publicKeyRe.FindString(stdout)
	if pub == "" || !strings.Contains(stdout, "tidak akan pernah bisa dipulihkan") {
		t.Fatalf("key new (Indonesian) did not print the public key and the warning:\n%s", stdout)
	}
	if strings.Contains(stdout, "AGE-SECRET-KEY-") {
		t.Fatalf("key new printed the secret key:\n%s", stdout)
	}
	t.Setenv("EFBACKUP_LANG", "en")
	if runtime.GOOS != "windows" {
		for _, f := range []string{id, sheet} {
			if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("%s: %v, mode %v; want owner-only", f, err, fi.Mode())
			}
		}
	}
	s, _ := os.ReadFile(sheet)
	if !strings.Contains(string(s), pub) || !strings.Contains(string(s), "AGE-SECRET-KEY-") {
		t.Fatalf("the recovery sheet lacks the public or the secret key:\n%s", s)
	}
	stdout, _ = wantCode(t, 0, "key", "public", id)
	if strings.TrimSpace(stdout) != pub {
		t.Fatalf("key public printed %q, key new %q", stdout, pub)
	}
	before, _ := os.ReadFile(id)
	_, stderr := wantCode(t, ExitUsage, "key", "new", "--out", id)
	if !strings.Contains(stderr, "already exists") {
		t.Fatalf("key new over an existing file: %s", stderr)
	}
	if after, _ := os.ReadFile(id); string(after) != string(before) {
		t.Fatal("key new changed an existing identity")
	}
	_, stderr = wantCode(t, ExitKey, "key", "public", filepath.Join(dir, "missing.txt"))
	if !strings.Contains(stderr, "missing.txt") {
		t.Fatalf("key public of a missing file does not name it: %s", stderr)
	}
	os.WriteFile(filepath.Join(dir, "junk.txt"), []byte("not a key\n"), 0o600)
	wantCode(t, ExitKey, "key", "public", filepath.Join(dir, "junk.txt"))
}

// An encrypted snapshot through the real program: written as .tar.zst.age
// with a sidecar holding nothing from inside the database; verified
// without the key (exit 0) and with it; a missing or wrong key exits 5
// with a message naming the file and the key it needs; any changed byte
// exits 3, with or without the key; restore needs the key and brings back
// the same db/; list works without it.
func TestEncryptedSnapshotCLI(t *testing.T) {
	opsEnv(t)
	inst := genInstall(t, "3.2")
	keys := t.TempDir()
	id, pub := newKey(t, keys, "owner.txt")
	id2, pub2 := newKey(t, keys, "consultant.txt")
	other, _ := newKey(t, keys, "other.txt")
	before, err := treeHash(filepath.Join(inst, "db"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	keyFile := filepath.Join(keys, "recipients.txt")
	os.WriteFile(keyFile, []byte("# the consultant\n"+pub2+"\n"), 0o600)
	stdout, _ := wantCode(t, 0, "snapshot", "--install", inst, "--out", out, "--encrypt-to", pub, "--encrypt-to-file", keyFile)
	snap := onlyEncrypted(t, out)
	if m, _ := filepath.Glob(filepath.Join(out, "*.partial")); len(m) > 0 {
		t.Fatalf("left behind: %v", m)
	}
	if !strings.Contains(stdout, pub) || !strings.Contains(stdout, pub2) {
		t.Fatalf("snapshot does not say what it is encrypted to:\n%s", stdout)
	}
	// The sidecar: keys, sizes, verdicts; no file list, no file hash.
	side, err := os.ReadFile(snap + backup.SidecarSuffix)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`"files": [`, "seg0", "content_id", "service.properties"} {
		if strings.Contains(string(side), bad) {
			t.Fatalf("the sidecar of an encrypted snapshot holds %q:\n%s", bad, side)
		}
	}
	for _, good := range []string{pub, pub2, `"verdict": "ok"`, "ETaxInvoice"} {
		if !strings.Contains(string(side), good) {
			t.Fatalf("the sidecar lacks %q:\n%s", good, side)
		}
	}

	stdout, _ = wantCode(t, 0, "verify", snap)
	if !strings.Contains(stdout, "checked without the key") {
		t.Fatalf("keyless verify:\n%s", stdout)
	}
	stdout, _ = wantCode(t, 0, "verify", snap, "--identity", id)
	if !strings.Contains(stdout, "every byte checked") {
		t.Fatalf("verify with the key:\n%s", stdout)
	}
	wantCode(t, 0, "verify", snap, "--identity", id2) // either key opens it
	var vo verifyOutput
	stdout, _ = wantCode(t, 0, "verify", "--json", snap, "--identity", id)
	if err := json.Unmarshal([]byte(stdout), &vo); err != nil || len(vo.Results) != 1 || vo.Results[0].Encryption == nil || vo.Results[0].Encryption.Keyless {
		t.Fatalf("verify --json: %v\n%s", err, stdout)
	}

	// A wrong key, a missing identity file, a passphrase where keys were
	// used: exit 5, naming the file and the keys that open it.
	_, stderr := wantCode(t, ExitKey, "verify", snap, "--identity", other)
	if !strings.Contains(stderr, "does not open "+snap) || !strings.Contains(stderr, pub) || !strings.Contains(stderr, "hint:") {
		t.Fatalf("wrong key:\n%s", stderr)
	}
	_, stderr = wantCode(t, ExitKey, "verify", snap, "--identity", filepath.Join(keys, "usb-not-plugged-in.txt"))
	if !strings.Contains(stderr, "usb-not-plugged-in.txt") {
		t.Fatalf("missing identity file:\n%s", stderr)
	}
	t.Setenv("EFBACKUP_PASSPHRASE", "a passphrase")
	wantCode(t, ExitKey, "verify", snap, "--identity", other)
	t.Setenv("EFBACKUP_PASSPHRASE", "")

	// Restore needs the key; with it, the same db/ comes back.
	_, stderr = wantCode(t, ExitKey, "restore", snap, "--install", inst)
	if !strings.Contains(stderr, snap) || !strings.Contains(stderr, "no identity was given") {
		t.Fatalf("restore without the key:\n%s", stderr)
	}
	wantCode(t, ExitKey, "restore", snap, "--install", inst, "--identity", other)
	wantCode(t, ExitKey, "restore", snap, "--install", inst, "--dry-run")
	if m, _ := filepath.Glob(filepath.Join(inst, "db.*")); len(m) > 0 {
		t.Fatalf("a refused restore left %v", m)
	}
	os.WriteFile(filepath.Join(inst, "db", "extra-file"), []byte("x"), 0o600)
	stdout, _ = wantCode(t, 0, "restore", snap, "--install", inst, "--identity", id2)
	if !strings.Contains(stdout, "decrypted as it was read") {
		t.Fatalf("restore:\n%s", stdout)
	}
	if after, _ := treeHash(filepath.Join(inst, "db")); after != before {
		t.Fatal("the restored db/ differs from the one the snapshot was made of")
	}

	// A live folder compared with an encrypted snapshot: its file list
	// travels inside, so it takes the key.
	wantCode(t, ExitKey, "verify", "--db", filepath.Join(inst, "db"), "--against", snap)
	wantCode(t, 0, "verify", "--db", filepath.Join(inst, "db"), "--against", snap, "--identity", id)

	// list, without the key.
	stdout, _ = wantCode(t, 0, "list", "--out", out)
	if !strings.Contains(stdout, "ok (encrypted, checked without the key)") {
		t.Fatalf("list:\n%s", stdout)
	}

	// doctor, without the key, says how the snapshot was checked.
	if _, stdout, stderr := runCLI(t, "doctor", inst, "--out", out); !strings.Contains(stdout, "encrypted; checked without the key") {
		t.Fatalf("doctor:\n%s%s", stdout, stderr)
	}

	// Any changed byte is damage (3), with or without the key: the header,
	// a chunk in the middle, the end cut off.
	for _, c := range []struct {
		name string
		harm func(b []byte) []byte
	}{
		{"header", func(b []byte) []byte { b[40] ^= 0x01; return b }},
		{"chunk", func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b }},
		{"truncated", func(b []byte) []byte { return b[:len(b)-1000] }},
		{"last byte", func(b []byte) []byte { b[len(b)-1] ^= 0x01; return b }},
	} {
		bad := copySnapshot(t, snap)
		b, _ := os.ReadFile(bad)
		os.WriteFile(bad, c.harm(b), 0o600)
		if code, stdout, stderr := runCLI(t, "verify", bad); code != ExitIntegrity || !strings.Contains(stdout, "DAMAGED") {
			t.Errorf("%s, keyless: exit %d, want 3\n%s%s", c.name, code, stdout, stderr)
		}
		if code, stdout, stderr := runCLI(t, "verify", bad, "--identity", id); code != ExitIntegrity || !strings.Contains(stdout, "DAMAGED") {
			t.Errorf("%s, with the key: exit %d, want 3\n%s%s", c.name, code, stdout, stderr)
		}
		if code, _, stderr := runCLI(t, "restore", bad, "--install", inst, "--identity", id); code != ExitIntegrity {
			t.Errorf("%s, restore: exit %d, want 3\n%s", c.name, code, stderr)
		}
	}
	if after, _ := treeHash(filepath.Join(inst, "db")); after != before {
		t.Fatal("a refused restore of a damaged snapshot changed db/")
	}
	// Without its sidecar, only the key can check it: exit 5, not 3.
	lone := copySnapshot(t, snap)
	os.Remove(lone + backup.SidecarSuffix)
	_, stderr = wantCode(t, ExitKey, "verify", lone)
	if !strings.Contains(stderr, "sidecar") {
		t.Fatalf("keyless verify without the sidecar:\n%s", stderr)
	}
	wantCode(t, 0, "verify", lone, "--identity", id)
}

// A passphrase instead of keys: from a file or EFBACKUP_PASSPHRASE; a wrong
// one exits 5; it is never mixed with keys; a secret key where a public
// key belongs is refused without being repeated.
func TestEncryptedPassphraseCLI(t *testing.T) {
	opsEnv(t)
	inst := genInstall(t, "3.2")
	dir := t.TempDir()
	pw := filepath.Join(dir, "pass.txt")
	os.WriteFile(pw, []byte("correct horse battery staple\n"), 0o600)
	wrong := filepath.Join(dir, "wrong.txt")
	os.WriteFile(wrong, []byte("correct horse battery stapler\n"), 0o600)
	out := t.TempDir()
	stdout, _ := wantCode(t, 0, "snapshot", "--install", inst, "--out", out, "--passphrase-file", pw)
	if !strings.Contains(stdout, "protected by a passphrase") {
		t.Fatalf("snapshot --passphrase-file:\n%s", stdout)
	}
	snap := onlyEncrypted(t, out)
	wantCode(t, 0, "verify", snap)
	wantCode(t, 0, "verify", snap, "--passphrase-file", pw)
	_, stderr := wantCode(t, ExitKey, "verify", snap, "--passphrase-file", wrong)
	if !strings.Contains(stderr, "passphrase given does not open") {
		t.Fatalf("wrong passphrase:\n%s", stderr)
	}
	_, stderr = wantCode(t, ExitKey, "restore", snap, "--install", inst)
	if !strings.Contains(stderr, "protected by a passphrase") {
		t.Fatalf("restore without the passphrase:\n%s", stderr)
	}
	t.Setenv("EFBACKUP_PASSPHRASE", "correct horse battery staple")
	wantCode(t, 0, "restore", snap, "--install", inst)
	// The environment variable encrypts too.
	out2 := t.TempDir()
	wantCode(t, 0, "snapshot", "--install", inst, "--out", out2)
	snap2 := onlyEncrypted(t, out2)
	t.Setenv("EFBACKUP_PASSPHRASE", "")
	wantCode(t, ExitKey, "verify", snap2, "--identity", filepath.Join(dir, "none.txt"))
	wantCode(t, 0, "verify", snap2, "--passphrase-file", pw)

	// Refused before anything is written.
	_, pub := newKey(t, dir, "k.txt")
	_, stderr = wantCode(t, ExitUsage, "snapshot", "--install", inst, "--out", t.TempDir(), "--passphrase-file", pw, "--encrypt-to", pub)
	if !strings.Contains(stderr, "one passphrase per file") {
		t.Fatalf("passphrase and key:\n%s", stderr)
	}
	secret, _ := os.ReadFile(filepath.Join(dir, "k.txt"))
	sk := regexp.MustCompile(`AGE-SECRET-KEY-1[0-9A-Z]+`).FindString(string(secret))
	stdout, stderr = wantCode(t, ExitUsage, "snapshot", "--install", inst, "--out", t.TempDir(), "--encrypt-to", sk)
	if strings.Contains(stdout+stderr, sk) || !strings.Contains(stderr, "secret key") {
		t.Fatalf("a secret key given as a recipient:\n%s%s", stdout, stderr)
	}
	wantCode(t, ExitUsage, "snapshot", "--install", inst, "--out", t.TempDir(), "--encrypt-to", "age1notakey")
	wantCode(t, ExitUsage, "snapshot", "--install", inst, "--out", t.TempDir(), "--encrypt-to", pub, "--deep")
	_, stderr = wantCode(t, ExitUsage, "snapshot", "--install", inst, "--out", t.TempDir(), "--encrypt-to", pub, "--skip-unchanged")
	if !strings.Contains(stderr, "--skip-unchanged cannot be used with encryption") {
		t.Fatalf("--skip-unchanged with encryption:\n%s", stderr)
	}
}

// Interoperability: the age CLI decrypts what efbackup wrote, tar and
// zstd unpack it, sha256sum checks every file, without efbackup.
func TestEncryptedAgeCLIInterop(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("checks the Unix recipe (age -d | tar --zstd -xf - && sha256sum -c): Windows has no bash or sha256sum")
	}
	for _, tool := range []string{"age", "tar", "zstd", "sha256sum", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing in CI; make test installs it", tool)
			}
			t.Skipf("%s not installed (make test installs it: the age package)", tool)
		}
	}
	opsEnv(t)
	inst := genInstall(t, "4.0")
	id, pub := newKey(t, t.TempDir(), "key.txt")
	out := t.TempDir()
	wantCode(t, 0, "snapshot", "--install", inst, "--out", out, "--quiet", "--encrypt-to", pub)
	snap := onlyEncrypted(t, out)
	dir := t.TempDir()
	cmd := exec.Command("bash", "-c", `set -o pipefail; age -d -i "$1" "$2" | tar --zstd -xf - && sha256sum -c SHA256SUMS`, "sh", id, snap)
	cmd.Dir = dir
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("age -d | tar --zstd -xf - && sha256sum -c SHA256SUMS: %v\n%s", err, b)
	}
	if !strings.Contains(string(b), "db/ETaxInvoice/seg0/c20.dat: OK") {
		t.Fatalf("sha256sum did not check the database:\n%s", b)
	}
	restored, _ := treeHash(filepath.Join(dir, "db"))
	if orig, _ := treeHash(filepath.Join(inst, "db")); restored != orig {
		t.Fatal("what age and tar restored differs from db/")
	}
	// The other way: a file the age CLI encrypted to the key is refused
	// as a snapshot for what it is, not read as one.
	plain := filepath.Join(t.TempDir(), "x.tar.zst.age")
	cmd = exec.Command("age", "-r", pub, "-o", plain)
	cmd.Stdin = strings.NewReader("not a snapshot")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("age -r: %v\n%s", err, b)
	}
	if code, _, _ := runCLI(t, "verify", plain, "--identity", id); code != ExitIntegrity {
		t.Fatalf("verify of a non-snapshot encrypted by age: exit %d, want 3", code)
	}
}
