package crypt

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
)

// testKey is an identity made for one test, with its file.
type testKey struct {
	file string
	id   Identity
	rcpt Recipient
}

func newKey(t testing.TB) testKey {
	t.Helper()
	file := filepath.Join(t.TempDir(), "key.txt")
	pub, err := NewIdentityFile(file, time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	ids, err := ReadIdentityFile(file)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseRecipient(pub)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{file: file, id: ids[0], rcpt: r}
}

// weakPassphrase is a passphrase recipient with a small scrypt work
// factor, so that tests do not spend a second and 256 MiB on each file;
// the identity side is the real PassphraseIdentity.
func weakPassphrase(t testing.TB, pass string, logN int) Recipient {
	t.Helper()
	r, err := age.NewScryptRecipient(pass)
	if err != nil {
		t.Fatal(err)
	}
	r.SetWorkFactor(logN)
	return Recipient{r: r}
}

func passID(t testing.TB, pass string) Identity {
	t.Helper()
	id, err := PassphraseIdentity(pass)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// plaintext is n deterministic bytes, compressible like a tar.zst is not:
// the seed says which.
func plaintext(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	for i := n &^ 7; i < n; i++ {
		b[i] = byte(r.Uint32())
	}
	return b
}

func encrypt(t testing.TB, plain []byte, recipients ...Recipient) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := Encrypt(&buf, recipients...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(plain); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decryptAll decrypts file and reads it to the end, in reads smaller than
// a chunk (through the reader's own buffer).
func decryptAll(file []byte, opts DecryptOptions, ids ...Identity) ([]byte, error) {
	return decryptReads(file, opts, 1000, ids...)
}

// decryptReads decrypts file with reads of size bytes: from ChunkSize on,
// each chunk is decrypted straight into the caller's buffer.
func decryptReads(file []byte, opts DecryptOptions, size int, ids ...Identity) ([]byte, error) {
	r, err := DecryptWith(bytes.NewReader(file), opts, ids...)
	if err != nil {
		return nil, err
	}
	var out []byte
	buf := make([]byte, size)
	for {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		} else if err != nil {
			return out, err
		}
	}
}

func TestRoundTrip(t *testing.T) {
	a, b := newKey(t), newKey(t)
	for _, n := range []int{0, 1, 100, ChunkSize - 1, ChunkSize, ChunkSize + 1, 2 * ChunkSize, 3*ChunkSize + 1000} {
		plain := plaintext(n, uint64(n))
		file := encrypt(t, plain, a.rcpt, b.rcpt)
		for _, id := range []Identity{a.id, b.id} {
			got, err := decryptAll(file, DecryptOptions{Size: int64(len(file))}, id)
			if err != nil {
				t.Fatalf("%d bytes, %s: %v", n, id, err)
			}
			if !bytes.Equal(got, plain) {
				t.Fatalf("%d bytes, %s: plaintext differs", n, id)
			}
		}
		// age itself opens what Encrypt wrote.
		r, err := age.Decrypt(bytes.NewReader(file), b.id.id)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := io.ReadAll(r); err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: age.Decrypt: %v", n, err)
		}
		// The keyless look agrees with what was written.
		fi, err := InspectFile(bytes.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if fi.PlaintextSize != int64(n) || fi.Size != int64(len(file)) || fi.SHA256 != sha256.Sum256(file) {
			t.Fatalf("%d bytes: InspectFile says %d plaintext bytes, %d file bytes", n, fi.PlaintextSize, fi.Size)
		}
		if want := max(1, (int64(n)+ChunkSize-1)/ChunkSize); fi.Chunks != want {
			t.Fatalf("%d bytes: %d chunks, want %d", n, fi.Chunks, want)
		}
	}
}

// Small reads and writes of odd sizes give the same bytes as whole ones.
func TestStreamingOddSizes(t *testing.T) {
	k := newKey(t)
	plain := plaintext(3*ChunkSize+777, 7)
	var buf bytes.Buffer
	w, err := Encrypt(&buf, k.rcpt)
	if err != nil {
		t.Fatal(err)
	}
	for rest, step := plain, 1; len(rest) > 0; step = (step*7 + 3) % 10007 {
		n := min(step%9000+1, len(rest))
		if _, err := w.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Decrypt(&buf, k.id)
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	p := make([]byte, 1000)
	for step := 1; ; step++ {
		n, err := r.Read(p[:step%1000+1])
		got = append(got, p[:n]...)
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, plain) {
		t.Fatal("plaintext differs")
	}
}

func TestPassphraseRoundTrip(t *testing.T) {
	file := encrypt(t, []byte("faktur"), weakPassphrase(t, "kata sandi panjang", 10))
	got, err := decryptAll(file, DecryptOptions{}, passID(t, "kata sandi panjang"))
	if err != nil || string(got) != "faktur" {
		t.Fatalf("%q %v", got, err)
	}
	hdr, err := InspectHeader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if !hdr.Passphrase() || hdr.WorkFactor() != 10 {
		t.Fatalf("passphrase %v, work factor %d", hdr.Passphrase(), hdr.WorkFactor())
	}
}

// The default passphrase recipient uses age's work factor, 2^18, which age
// and efbackup both accept.
func TestPassphraseDefaultWorkFactor(t *testing.T) {
	if testing.Short() {
		t.Skip("scrypt at 2^18 takes a second")
	}
	r, err := PassphraseRecipient("pw")
	if err != nil {
		t.Fatal(err)
	}
	file := encrypt(t, []byte("x"), r)
	hdr, err := InspectHeader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if hdr.WorkFactor() != 18 {
		t.Fatalf("work factor %d, want 18", hdr.WorkFactor())
	}
	if got, err := decryptAll(file, DecryptOptions{}, passID(t, "pw")); err != nil || string(got) != "x" {
		t.Fatalf("%q %v", got, err)
	}
}

// PassphraseRecipientAt writes the work factor asked for, within the
// bounds a reader accepts, and refuses any other.
func TestPassphraseRecipientAt(t *testing.T) {
	r, err := PassphraseRecipientAt("kata sandi", 11)
	if err != nil {
		t.Fatal(err)
	}
	hdr, err := InspectHeader(bytes.NewReader(encrypt(t, []byte("x"), r)))
	if err != nil || hdr.WorkFactor() != 11 {
		t.Fatalf("work factor %d, %v", hdr.WorkFactor(), err)
	}
	for _, n := range []int{9, MaxWorkFactor + 1} {
		if _, err := PassphraseRecipientAt("kata sandi", n); err == nil {
			t.Errorf("work factor %d accepted", n)
		}
	}
	if _, err := PassphraseRecipientAt("", 11); !errors.Is(err, ErrEmptyPassphrase) {
		t.Errorf("empty passphrase: %v", err)
	}
}

func TestRecipientRules(t *testing.T) {
	a, b := newKey(t), newKey(t)
	p1, p2 := weakPassphrase(t, "one", 4), weakPassphrase(t, "two", 4)
	for _, c := range []struct {
		name string
		rs   []Recipient
		want error
	}{
		{"none", nil, ErrNoRecipients},
		{"passphrase and key", []Recipient{p1, a.rcpt}, ErrPassphraseMixed},
		{"key and passphrase", []Recipient{a.rcpt, p1}, ErrPassphraseMixed},
		{"two passphrases", []Recipient{p1, p2}, ErrPassphraseMixed},
		{"one passphrase", []Recipient{p1}, nil},
		{"two keys", []Recipient{a.rcpt, b.rcpt}, nil},
	} {
		err := CheckRecipients(c.rs...)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		if _, err := Encrypt(io.Discard, c.rs...); !errors.Is(err, c.want) {
			t.Errorf("%s: Encrypt: %v, want %v", c.name, err, c.want)
		}
	}
	if err := CheckRecipients(Recipient{}); err == nil {
		t.Error("a zero Recipient was accepted")
	}
	// A key given twice (on the command line and in a file) is one stanza.
	file := encrypt(t, nil, a.rcpt, b.rcpt, a.rcpt)
	hdr, err := InspectHeader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(hdr.Stanzas) != 2 {
		t.Fatalf("%d stanzas, want 2", len(hdr.Stanzas))
	}
	if !strings.Contains(ErrPassphraseMixed.Error(), "passphrase") {
		t.Fatal(ErrPassphraseMixed)
	}
}

// Printing an identity in any way shows its public key, never the secret.
func TestIdentityNeverPrintsSecret(t *testing.T) {
	k := newKey(t)
	secret := k.id.id.(*age.X25519Identity).String()
	for _, s := range []string{k.id.String(), fmtAll(k.id)} {
		if strings.Contains(s, secret) || strings.Contains(s, strings.ToLower(secret)) {
			t.Fatalf("printed the secret key: %s", s)
		}
		if !strings.Contains(s, k.rcpt.PublicKey()) {
			t.Fatalf("%q does not show the public key", s)
		}
	}
}

func fmtAll(v any) string {
	return fmt.Sprintf("%v %+v %#v %s %q", v, v, v, v, v)
}
