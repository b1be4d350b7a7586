package crypt

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
)

func TestParseRecipient(t *testing.T) {
	k := newKey(t)
	pub := k.rcpt.PublicKey()
	secret := k.id.id.(*age.X25519Identity).String()
	for _, s := range []string{pub, "  " + pub + "\r", strings.ToUpper(pub)} {
		r, err := ParseRecipient(s)
		if err != nil || r.PublicKey() != pub || r.String() != pub || r.Passphrase() {
			t.Errorf("%q: %v %v", s, r, err)
		}
	}
	// The last character changed, never to itself: a key that happens to
	// end in "q" must not come out whole.
	flip := "q"
	if pub[61:] == "q" {
		flip = "p"
	}
	bad := map[string]string{
		"":                                   "empty",
		secret:                               "secret key",
		strings.ToLower(secret):              "secret key",
		"AGE-PLUGIN-YUBIKEY-1QQQ":            "secret key",
		"age1pq1" + strings.Repeat("q", 100): "post-quantum",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN": "SSH",
		"age1yubikey1" + strings.Repeat("q", 60):                                           "plugin",
		pub[:61]:                                                                           "62 characters",
		pub[:61] + flip:                                                                    "checksum",
		"hello":                                                                            "must start with",
		"1234567890abcdef":                                                                 "must start with",
	}
	for s, want := range bad {
		_, err := ParseRecipient(s)
		var re *RecipientError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), want) {
			t.Errorf("%.30q: %v, want a RecipientError saying %q", s, err, want)
			continue
		}
		if strings.Contains(strings.ToUpper(err.Error()), strings.ToUpper(secret[16:])) {
			t.Errorf("the error repeats a secret key: %v", err)
		}
	}
}

func TestReadRecipientsFile(t *testing.T) {
	a, b := newKey(t), newKey(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "recipients.txt")
	content := "\xef\xbb\xbf# kantor pusat\r\n" + a.rcpt.PublicKey() + "\r\n\r\n   # cadangan\r\n  " + b.rcpt.PublicKey() + "  \r\n"
	if err := os.WriteFile(good, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, err := ReadRecipientsFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].PublicKey() != a.rcpt.PublicKey() || rs[1].PublicKey() != b.rcpt.PublicKey() {
		t.Fatalf("%v", rs)
	}

	secret := a.id.id.(*age.X25519Identity).String()
	for name, c := range map[string]struct {
		content string
		line    int
		want    string
	}{
		"ssh.txt":    {"# keys\n" + a.rcpt.PublicKey() + "\nssh-ed25519 AAAAC3Nz\n", 3, "SSH"},
		"secret.txt": {a.rcpt.PublicKey() + "\n" + secret + "\n", 2, "secret key"},
		"typo.txt":   {"\n\n\n" + typo(a.rcpt.PublicKey()) + "\n", 4, "checksum"},
		"empty.txt":  {"# nothing yet\n\n", 0, "no public key"},
		"binary.txt": {"\xff\xfe\x00a\x00g\x00e", 0, "UTF-8"},
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(c.content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadRecipientsFile(p)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v, want an error naming the file and saying %q", name, err, c.want)
			continue
		}
		var re *RecipientError
		if c.line > 0 && (!errors.As(err, &re) || re.Line != c.line || re.File != p) {
			t.Errorf("%s: %v, want line %d", name, err, c.line)
		}
		if strings.Contains(err.Error(), secret[16:]) {
			t.Errorf("%s: the error repeats a secret key", name)
		}
	}
	if _, err := ReadRecipientsFile(filepath.Join(dir, "missing.txt")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestPassphraseSources(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for content, want := range map[string]string{
		"rahasia sekali\n":   "rahasia sekali",
		"rahasia sekali\r\n": "rahasia sekali",
		"rahasia sekali":     "rahasia sekali",
		" spasi di tepi \n":  " spasi di tepi ",
	} {
		got, err := ReadPassphraseFile(write("p", content))
		if err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", content, got, err, want)
		}
		os.Remove(filepath.Join(dir, "p"))
	}
	for content, want := range map[string]string{
		"":              "empty",
		"\n":            "empty",
		"satu\ndua\n":   "more than one line",
		"satu\n\n":      "more than one line",
		"satu\r\ndua\r": "more than one line",
	} {
		_, err := ReadPassphraseFile(write("p", content))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", content, err, want)
		}
		os.Remove(filepath.Join(dir, "p"))
	}

	t.Setenv(PassphraseEnv, "")
	if _, err := Passphrase(""); !errors.Is(err, ErrNoPassphrase) {
		t.Errorf("no source: %v", err)
	}
	t.Setenv(PassphraseEnv, "dari lingkungan")
	if got, err := Passphrase(""); got != "dari lingkungan" || err != nil {
		t.Errorf("environment: %q %v", got, err)
	}
	// A file given explicitly wins over the environment.
	if got, err := Passphrase(write("f", "dari file\n")); got != "dari file" || err != nil {
		t.Errorf("file: %q %v", got, err)
	}
	if _, err := PassphraseRecipient(""); !errors.Is(err, ErrEmptyPassphrase) {
		t.Errorf("empty recipient: %v", err)
	}
	if _, err := PassphraseIdentity(""); !errors.Is(err, ErrEmptyPassphrase) {
		t.Errorf("empty identity: %v", err)
	}
}

func TestIdentityFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "efbackup-key.txt")
	now := time.Date(2026, 11, 21, 15, 4, 5, 0, time.FixedZone("WIB", 7*3600))
	pub, err := NewIdentityFile(path, now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) != 4 || lines[0] != "# created: 2026-11-21T15:04:05+07:00" || lines[1] != "# public key: "+pub ||
		!strings.HasPrefix(lines[2], "AGE-SECRET-KEY-1") || len(lines[2]) != 74 || lines[3] != "" {
		t.Fatalf("identity file is not as age-keygen writes it:\n%s", b)
	}
	if got, err := PublicKeyOf(path); got != pub || err != nil {
		t.Fatalf("PublicKeyOf: %q %v, want %q", got, err, pub)
	}
	ids, err := ReadIdentityFile(path)
	if err != nil || len(ids) != 1 || ids[0].PublicKey() != pub || ids[0].Passphrase() {
		t.Fatalf("%v %v", ids, err)
	}

	// Never overwritten: the key may be the only one to older snapshots.
	if _, err := NewIdentityFile(path, now); !errors.Is(err, ErrIdentityExists) {
		t.Fatalf("second NewIdentityFile: %v", err)
	}
	if b2, _ := os.ReadFile(path); string(b2) != string(b) {
		t.Fatal("the identity file changed")
	}
	// Not even through a dangling symbolic link. (Windows needs a
	// privilege for links, and Wine's Lstat does not see dangling ones.)
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), link); err == nil && runtime.GOOS != "windows" {
		if _, err := NewIdentityFile(link, now); !errors.Is(err, ErrIdentityExists) {
			t.Fatalf("NewIdentityFile on a dangling link: %v", err)
		}
		if _, err := os.Lstat(filepath.Join(dir, "nowhere")); err == nil {
			t.Fatal("wrote through a link")
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Fatalf("left %s behind", e.Name())
		}
	}
	if _, err := NewIdentityFile(filepath.Join(dir, "no-such-folder", "k.txt"), now); err == nil {
		t.Fatal("wrote into a folder that does not exist")
	}
}

func TestReadIdentityFileErrors(t *testing.T) {
	a := newKey(t)
	ab, err := os.ReadFile(a.file)
	if err != nil {
		t.Fatal(err)
	}
	secret := a.id.id.(*age.X25519Identity).String()
	dir := t.TempDir()
	for name, c := range map[string]struct {
		content string
		want    string
		line    int
	}{
		"public.txt":  {a.rcpt.PublicKey() + "\n", "public key", 1},
		"pq.txt":      {"# x\nAGE-SECRET-KEY-PQ-1QQQQ\n", "post-quantum", 2},
		"plugin.txt":  {"AGE-PLUGIN-YUBIKEY-1QQQQ\n", "plugin", 1},
		"typo.txt":    {string(ab[:len(ab)-3]) + "Q\n", "checksum", 3},
		"ssh.txt":     {"-----BEGIN OPENSSH PRIVATE KEY-----\n", "SSH", 1},
		"other.txt":   {"hello\n", "AGE-SECRET-KEY-1", 1},
		"empty.txt":   {"# created: never\n", "no secret key", 0},
		"armored.txt": {Version + "\n-> scrypt x 18\n", "encrypted", 0},
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(c.content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := ReadIdentityFile(p)
		var ie *IdentityFileError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.want) || ie.Line != c.line || ie.File != p {
			t.Errorf("%s: %v, want an IdentityFileError at line %d saying %q", name, err, c.line, c.want)
		}
		if err != nil && strings.Contains(strings.ToUpper(err.Error()), secret[20:40]) {
			t.Errorf("%s: the error repeats the secret key", name)
		}
	}
	// Two keys in one file: both are read; PublicKeyOf wants one.
	two := filepath.Join(dir, "two.txt")
	b := newKey(t)
	bb, _ := os.ReadFile(b.file)
	if err := os.WriteFile(two, append(append([]byte{}, ab...), bb...), 0o600); err != nil {
		t.Fatal(err)
	}
	if ids, err := ReadIdentityFile(two); err != nil || len(ids) != 2 {
		t.Fatalf("two keys: %v %v", ids, err)
	}
	if _, err := PublicKeyOf(two); err == nil || !strings.Contains(err.Error(), "2 secret keys") {
		t.Fatalf("PublicKeyOf on two keys: %v", err)
	}
}

// typo changes the last character of a public key to another one of
// bech32's alphabet, so that only its checksum can tell (a fixed
// replacement would leave one key in 32 unchanged).
func typo(key string) string {
	last := key[len(key)-1]
	for _, c := range []byte("qpzry9x8gf2tvdw0s3jn54khce6mua7l") {
		if c != last {
			return key[:len(key)-1] + string(c)
		}
	}
	panic("unreachable")
}
