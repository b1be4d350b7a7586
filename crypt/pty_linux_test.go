package crypt

import (
	"bytes"
	"os"
	"os/exec"
	"testing"

	"github.com/efbackup/efbackup/internal/ptytest"
)

// runWithTTY runs cmd with a pseudo-terminal as its controlling terminal,
// where age asks for passphrases, and types each answer once the prompt
// for it ("Enter passphrase", "Confirm passphrase") has appeared. It
// returns what the terminal showed.
func runWithTTY(t *testing.T, cmd *exec.Cmd, answers ...string) (string, error) {
	t.Helper()
	var dialogue [][2]string
	for _, a := range answers {
		dialogue = append(dialogue, [2]string{"passphrase", a})
	}
	return ptytest.Run(t, cmd, nil, dialogue...)
}

// A file the age command encrypts with a passphrase (-p, typed at its
// prompt) opens with PassphraseIdentity.
func TestAgeCLIPassphraseToUs(t *testing.T) {
	ageBin := needAge(t)
	dir := t.TempDir()
	plain := plaintext(2*ChunkSize+99, 11)
	in, out := dir+"/in.bin", dir+"/in.bin.age"
	must(t, os.WriteFile(in, plain, 0o600))
	const pass = "kata sandi kantor 2026"
	shown, err := runWithTTY(t, exec.Command(ageBin, "-p", "-o", out, in), pass, pass)
	if err != nil {
		t.Fatalf("age -p: %v\n%s", err, shown)
	}
	file, err := os.ReadFile(out)
	must(t, err)
	got, err := decryptAll(file, DecryptOptions{}, passID(t, pass))
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("%v", err)
	}
	if _, err := decryptAll(file, DecryptOptions{}, passID(t, pass+"!")); KindOf(err) != WrongPassphrase {
		t.Fatalf("wrong passphrase: %v", err)
	}
	hdr, err := InspectHeader(bytes.NewReader(file))
	must(t, err)
	t.Logf("age -p wrote work factor %d", hdr.WorkFactor())
}

// A file efbackup encrypts with a passphrase opens with age -d, the
// passphrase typed at its prompt.
func TestUsPassphraseToAgeCLI(t *testing.T) {
	ageBin := needAge(t)
	dir := t.TempDir()
	const pass = "rahasia perusahaan"
	r, err := PassphraseRecipient(pass)
	must(t, err)
	plain := plaintext(ChunkSize+5, 12)
	in, out := dir+"/s.tar.zst.age", dir+"/s.tar.zst"
	must(t, os.WriteFile(in, encrypt(t, plain, r), 0o600))
	shown, err := runWithTTY(t, exec.Command(ageBin, "-d", "-o", out, in), pass)
	if err != nil {
		t.Fatalf("age -d: %v\n%s", err, shown)
	}
	got, err := os.ReadFile(out)
	must(t, err)
	if !bytes.Equal(got, plain) {
		t.Fatal("age -d gave other bytes")
	}
	// And refuses a wrong one, as Decrypt does.
	os.Remove(out)
	if shown, err := runWithTTY(t, exec.Command(ageBin, "-d", "-o", out, in), "salah"); err == nil {
		t.Fatalf("age -d took a wrong passphrase:\n%s", shown)
	}
}
