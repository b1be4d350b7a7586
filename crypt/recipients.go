package crypt

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"filippo.io/age"
)

// A Recipient is what a snapshot is encrypted to: an X25519 public key, or
// a passphrase. Its String is the public key, or "passphrase"; it never
// shows the passphrase.
type Recipient struct {
	r         age.Recipient
	publicKey string
}

// PublicKey is the recipient's "age1…" key, empty for a passphrase.
func (r Recipient) PublicKey() string { return r.publicKey }

// Passphrase reports whether the recipient is a passphrase.
func (r Recipient) Passphrase() bool { return r.r != nil && r.publicKey == "" }

func (r Recipient) String() string {
	if r.Passphrase() {
		return "passphrase"
	}
	return r.publicKey
}

// A RecipientError says why a public key was refused, and where it came
// from.
type RecipientError struct {
	// File and Line locate the key in a recipients file; both are empty
	// for a key given on its own.
	File string
	Line int
	// Value is the refused text, quoted in the message. It is empty when
	// the text looks like a secret key, which is never repeated.
	Value  string
	Reason string
}

func (e *RecipientError) Error() string {
	var b strings.Builder
	if e.File != "" {
		fmt.Fprintf(&b, "%s, line %d: ", e.File, e.Line)
	}
	if e.Value != "" {
		fmt.Fprintf(&b, "%q: ", e.Value)
	}
	b.WriteString(e.Reason)
	return b.String()
}

// ParseRecipient parses an age X25519 public key ("age1…"). Anything else
// (SSH keys, post-quantum keys, plugins, secret keys) is refused with a
// *RecipientError that says what it is instead.
func ParseRecipient(s string) (Recipient, error) {
	s = strings.TrimSpace(s)
	fail := func(reason string) (Recipient, error) {
		v := s
		if looksSecret(s) {
			v = ""
		} else if len(v) > 100 {
			v = v[:100] + "…"
		}
		return Recipient{}, &RecipientError{Value: v, Reason: reason}
	}
	switch {
	case s == "":
		return fail("empty public key")
	case looksSecret(s):
		return fail("this is a secret key (an identity), which must never be on the PC that makes backups; give its public key, the \"age1…\" line that the identity file shows after \"# public key:\"")
	case strings.HasPrefix(s, "age1pq1"):
		return fail("post-quantum age keys are not supported; efbackup encrypts to X25519 keys (\"age1…\", 62 characters)")
	case strings.HasPrefix(s, "ssh-") || strings.HasPrefix(s, "ecdsa-"):
		return fail("SSH keys are not supported; efbackup encrypts to age X25519 keys (\"age1…\")")
	case !strings.HasPrefix(strings.ToLower(s), "age1"):
		return fail("not an age public key: it must start with \"age1\"")
	case len(s) > 62:
		// A plugin recipient (age1name1…), or two keys run together.
		return fail("not an age X25519 public key: it must be 62 characters, \"age1\" and 58 more (plugin recipients are not supported)")
	case len(s) < 62:
		return fail("not an age X25519 public key: it must be 62 characters, \"age1\" and 58 more")
	}
	if s == strings.ToUpper(s) {
		// Bech32 allows all capitals, as a key read out or printed might be.
		s = strings.ToLower(s)
	}
	r, err := age.ParseX25519Recipient(s)
	if err != nil {
		return fail("not a valid age public key: a character is wrong or missing (its checksum does not match)")
	}
	return Recipient{r: r, publicKey: r.String()}, nil
}

func looksSecret(s string) bool {
	u := strings.ToUpper(s)
	return strings.HasPrefix(u, "AGE-SECRET-KEY-") || strings.HasPrefix(u, "AGE-PLUGIN-")
}

// maxKeyFile bounds what a recipients or identity file may hold: a few
// hundred bytes per key, so 1 MiB is far beyond any real one.
const maxKeyFile = 1 << 20

// readKeyFile reads a recipients or identity file, bounded.
func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("%s: larger than %d bytes: not a key file", path, maxKeyFile)
	}
	return data, nil
}

// keyLines splits a key file into entries: one a line, "#" comments and
// blank lines allowed, with the forgiveness Windows editors need (a UTF-8
// byte order mark, CR LF line ends, stray spaces). It calls fn with each
// entry and its line number.
func keyLines(path string, data []byte, fn func(line int, s string) error) error {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return fmt.Errorf("%s: not a text file (not valid UTF-8)", path)
	}
	for n, l := range strings.Split(string(data), "\n") {
		s := strings.TrimSpace(l)
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if err := fn(n+1, s); err != nil {
			return err
		}
	}
	return nil
}

// ReadRecipientsFile reads public keys, one a line; "#" comments and blank
// lines are allowed. A bad line is reported as a *RecipientError naming
// the file and the line.
func ReadRecipientsFile(path string) ([]Recipient, error) {
	data, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	var out []Recipient
	err = keyLines(path, data, func(n int, s string) error {
		r, err := ParseRecipient(s)
		if err != nil {
			var re *RecipientError
			if errors.As(err, &re) {
				re.File, re.Line = path, n
			}
			return err
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: holds no public key (only comments or blank lines)", path)
	}
	return out, nil
}

// PassphraseEnv is the environment variable a passphrase may come from.
const PassphraseEnv = "EFBACKUP_PASSPHRASE"

// ErrNoPassphrase: neither a passphrase file nor PassphraseEnv was given.
var ErrNoPassphrase = errors.New("no passphrase: give a passphrase file, or set " + PassphraseEnv)

// ErrEmptyPassphrase: the passphrase is empty.
var ErrEmptyPassphrase = errors.New("the passphrase is empty")

// ErrPassphraseMixed is the rule age sets for passphrases, worded for help
// texts: a passphrase protects a file on its own.
var ErrPassphraseMixed = errors.New("a snapshot is encrypted either with one passphrase or to public keys, never both, and never to two passphrases: a file that several people can open is not authenticated by any one passphrase")

// ErrNoRecipients: Encrypt was called with nothing to encrypt to.
var ErrNoRecipients = errors.New("no public key or passphrase to encrypt to")

// ReadPassphraseFile reads a passphrase from a file: its whole content,
// without one final line end (LF or CR LF). A file of more than one line
// is refused rather than guessed at.
func ReadPassphraseFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64<<10+1))
	if err != nil {
		return "", err
	}
	if len(b) > 64<<10 {
		return "", fmt.Errorf("%s: larger than 64 KiB: not a passphrase file", path)
	}
	s := strings.TrimPrefix(string(b), "\xef\xbb\xbf")
	s = strings.TrimSuffix(s, "\n")
	s = strings.TrimSuffix(s, "\r")
	if strings.ContainsAny(s, "\r\n") {
		return "", fmt.Errorf("%s: holds more than one line; a passphrase file holds the passphrase alone", path)
	}
	if s == "" {
		return "", fmt.Errorf("%s: %w", path, ErrEmptyPassphrase)
	}
	return s, nil
}

// Passphrase returns the passphrase from file when file is not empty, else
// from PassphraseEnv, else ErrNoPassphrase.
func Passphrase(file string) (string, error) {
	if file != "" {
		return ReadPassphraseFile(file)
	}
	if s := os.Getenv(PassphraseEnv); s != "" {
		return s, nil
	}
	return "", ErrNoPassphrase
}

// PassphraseRecipient encrypts with a passphrase, through scrypt at age's
// default work factor (2^18: about a second, 256 MiB of memory).
func PassphraseRecipient(passphrase string) (Recipient, error) {
	if passphrase == "" {
		return Recipient{}, ErrEmptyPassphrase
	}
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return Recipient{}, err
	}
	return Recipient{r: r}, nil
}

// PassphraseRecipientAt is PassphraseRecipient at scrypt work factor logN
// (log2 of N), from 10 to MaxWorkFactor. efbackup encrypts at the default;
// tests use a small factor, to spare a second and 256 MiB for each file
// (opening a file costs what its header asks for).
func PassphraseRecipientAt(passphrase string, logN int) (Recipient, error) {
	if logN < 10 || logN > MaxWorkFactor {
		return Recipient{}, fmt.Errorf("scrypt work factor %d: between 10 and %d", logN, MaxWorkFactor)
	}
	if passphrase == "" {
		return Recipient{}, ErrEmptyPassphrase
	}
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return Recipient{}, err
	}
	r.SetWorkFactor(logN)
	return Recipient{r: r}, nil
}

// PassphraseIdentity opens passphrase-protected files.
func PassphraseIdentity(passphrase string) (Identity, error) {
	if passphrase == "" {
		return Identity{}, ErrEmptyPassphrase
	}
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return Identity{}, err
	}
	// The header check refuses larger work factors first; this is the
	// same bound, kept should the identity ever be used on its own.
	id.SetMaxWorkFactor(MaxWorkFactor)
	return Identity{id: id, passphrase: true}, nil
}
