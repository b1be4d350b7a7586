package crypt

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// needAge returns the age command, or skips: the interoperability tests
// run wherever Debian's age package is installed (make deps-test).
func needAge(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("age")
	if err != nil {
		t.Skip("the age command is not installed (apt-get install age)")
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// What Encrypt writes, age -d -i opens, with each recipient's identity
// file as NewIdentityFile wrote it.
func TestAgeCLIDecryptsOurs(t *testing.T) {
	ageBin := needAge(t)
	a, b := newKey(t), newKey(t)
	dir := t.TempDir()
	for _, n := range []int{0, 5, ChunkSize, 3*ChunkSize + 1234} {
		plain := plaintext(n, uint64(n)+100)
		in := filepath.Join(dir, "s.tar.zst.age")
		must(t, os.WriteFile(in, encrypt(t, plain, a.rcpt, b.rcpt), 0o600))
		for _, k := range []testKey{a, b} {
			// On stdout: age creates no -o file for empty output.
			if got := run(t, ageBin, "-d", "-i", k.file, in); got != string(plain) {
				t.Fatalf("%d bytes: age -d gave other bytes", n)
			}
		}
	}
}

// What the age command encrypts, to keys of either kind of identity file,
// Decrypt opens; and what age refuses as damaged, Decrypt refuses too.
func TestOursDecryptsAgeCLI(t *testing.T) {
	ageBin := needAge(t)
	ours := newKey(t)
	dir := t.TempDir()
	theirs := filepath.Join(dir, "age-keygen.txt")
	run(t, "age-keygen", "-o", theirs)
	theirPub := strings.TrimSpace(run(t, "age-keygen", "-y", theirs))

	rfile := filepath.Join(dir, "recipients.txt")
	must(t, os.WriteFile(rfile, []byte("# both\n"+ours.rcpt.PublicKey()+"\n"+theirPub+"\n"), 0o600))
	plain := plaintext(2*ChunkSize+7, 13)
	in := filepath.Join(dir, "in")
	must(t, os.WriteFile(in, plain, 0o600))
	enc := filepath.Join(dir, "in.age")
	run(t, ageBin, "-R", rfile, "-o", enc, in)
	file, err := os.ReadFile(enc)
	must(t, err)

	theirIDs, err := ReadIdentityFile(theirs)
	must(t, err)
	if len(theirIDs) != 1 || theirIDs[0].PublicKey() != theirPub {
		t.Fatalf("age-keygen's file read as %v, want %s", theirIDs, theirPub)
	}
	for _, id := range []Identity{ours.id, theirIDs[0]} {
		got, err := decryptAll(file, DecryptOptions{Size: int64(len(file))}, id)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%s: %v", id, err)
		}
	}
	if rs, err := ReadRecipientsFile(rfile); err != nil || len(rs) != 2 {
		t.Fatalf("the recipients file age read: %v %v", rs, err)
	}

	hdr, err := InspectHeader(bytes.NewReader(file))
	must(t, err)
	for name, bad := range map[string][]byte{
		"truncated": file[:len(file)-100],
		"changed":   flip(file, int(hdr.Len)+16+encChunk+3),
		"mac":       swapB64(file, int(hdr.Len)-10),
	} {
		p := filepath.Join(dir, name+".age")
		must(t, os.WriteFile(p, bad, 0o600))
		if err := exec.Command(ageBin, "-d", "-i", theirs, "-o", filepath.Join(dir, name+".out"), p).Run(); err == nil {
			t.Errorf("%s: age -d opened it", name)
		}
		if _, err := decryptAll(bad, DecryptOptions{Size: int64(len(file))}, theirIDs[0]); !IsDamage(err) {
			t.Errorf("%s: Decrypt says %v", name, err)
		}
	}
}

// Identity files: age-keygen reads the public key of ours, and PublicKeyOf
// that of age-keygen's.
func TestIdentityFilesInterop(t *testing.T) {
	needAge(t)
	k := newKey(t)
	if got := strings.TrimSpace(run(t, "age-keygen", "-y", k.file)); got != k.rcpt.PublicKey() {
		t.Fatalf("age-keygen -y: %s, want %s", got, k.rcpt.PublicKey())
	}
	theirs := filepath.Join(t.TempDir(), "k.txt")
	run(t, "age-keygen", "-o", theirs)
	want := strings.TrimSpace(run(t, "age-keygen", "-y", theirs))
	if got, err := PublicKeyOf(theirs); err != nil || got != want {
		t.Fatalf("PublicKeyOf: %s %v, want %s", got, err, want)
	}
}

// The recipe on the recovery sheet works as printed: the secret key typed
// from the sheet into key.txt, then age, tar and sha256sum.
func TestRecoverySheetRecipe(t *testing.T) {
	needAge(t)
	for _, tool := range []string{"tar", "zstd", "sha256sum", "sh"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	k := newKey(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	must(t, os.MkdirAll(filepath.Join(src, "db", "ETaxInvoice", "seg0"), 0o755))
	must(t, os.WriteFile(filepath.Join(src, "db", "ETaxInvoice", "seg0", "c10.dat"), plaintext(3*ChunkSize, 14), 0o644))
	must(t, os.WriteFile(filepath.Join(src, "db", "ETaxInvoice", "service.properties"), []byte("derby.serviceProtocol=org.apache.derby.database.Database\n"), 0o644))
	sums := run(t, "sh", "-c", "cd '"+src+"' && sha256sum db/ETaxInvoice/seg0/c10.dat db/ETaxInvoice/service.properties")
	must(t, os.WriteFile(filepath.Join(src, "SHA256SUMS"), []byte(sums), 0o644))
	tarzst := run(t, "sh", "-c", "cd '"+src+"' && tar --zstd -cf - db SHA256SUMS")

	snap := filepath.Join(dir, "eFaktur-20261121T080000Z.tar.zst.age")
	must(t, os.WriteFile(snap, encrypt(t, []byte(tarzst), k.rcpt), 0o600))

	sheet, err := RecoverySheet(k.file, time.Now(), "id")
	must(t, err)
	var secret, recipe []string
	lines := strings.Split(sheet, "\n")
	for i, l := range lines {
		s := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(s, "AGE-SECRET-KEY-1") && secret == nil:
			secret = []string{s}
		case strings.HasPrefix(s, "age -d -i key.txt") && recipe == nil:
			recipe = []string{s, strings.TrimSpace(lines[i+1])}
		}
	}
	restore := filepath.Join(dir, "restore")
	must(t, os.MkdirAll(restore, 0o755))
	must(t, os.WriteFile(filepath.Join(restore, "key.txt"), []byte(secret[0]+"\n"), 0o600))
	must(t, os.Rename(snap, filepath.Join(restore, "NAME.tar.zst.age")))
	out := run(t, "sh", "-c", "cd '"+restore+"' && "+recipe[0]+" && "+recipe[1])
	if strings.Count(out, ": OK") != 2 {
		t.Fatalf("sha256sum -c says:\n%s", out)
	}
}
