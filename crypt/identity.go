package crypt

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// An Identity opens encrypted files: an X25519 secret key from an identity
// file, or a passphrase. Its String is the public key, or "passphrase":
// printing an Identity never shows the secret.
type Identity struct {
	id         age.Identity
	publicKey  string
	passphrase bool
}

// PublicKey is the "age1…" key of an X25519 identity, empty for a
// passphrase.
func (i Identity) PublicKey() string { return i.publicKey }

// Passphrase reports whether the identity is a passphrase.
func (i Identity) Passphrase() bool { return i.passphrase }

func (i Identity) String() string {
	if i.passphrase {
		return "passphrase"
	}
	return i.publicKey
}

// GoString keeps %#v from printing the secret key's bytes.
func (i Identity) GoString() string { return "crypt.Identity(" + i.String() + ")" }

// An IdentityFileError says why an identity file was refused. It never
// quotes the file's content: the refused line may be a secret key.
type IdentityFileError struct {
	File   string
	Line   int // 0 when the problem is the whole file
	Reason string
}

func (e *IdentityFileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s, line %d: %s", e.File, e.Line, e.Reason)
	}
	return e.File + ": " + e.Reason
}

// ErrIdentityExists: NewIdentityFile never replaces a file, since an
// identity it replaced could be the only key to older snapshots.
var ErrIdentityExists = errors.New("the file already exists; an identity is never overwritten, since snapshots may need it")

// NewIdentityFile makes a new X25519 identity and writes it to path, as
// age-keygen does: comment lines with the creation date and the public key,
// then the secret key. The file is readable by its owner only (0600 on
// Unix, a private access list on Windows), reaches the disk before the
// call returns, and appears whole or not at all. An existing path is never
// replaced (ErrIdentityExists). It returns the public key.
func NewIdentityFile(path string, now time.Time) (publicKey string, err error) {
	if _, err := os.Lstat(path); err == nil {
		return "", fmt.Errorf("%s: %w", path, ErrIdentityExists)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", err
	}
	publicKey = id.Recipient().String()
	content := fmt.Sprintf("# created: %s\n# public key: %s\n%s\n", now.Format(time.RFC3339), publicKey, id.String())

	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", err
	}
	tmp := path + "." + hex.EncodeToString(rnd[:]) + ".tmp"
	f, err := fsutil.OpenPrivate(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return "", err
	}
	_, err = f.WriteString(content)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// Exclusive: a file that appeared meanwhile is not replaced.
		if err = fsutil.RenameNoReplace(tmp, path); errors.Is(err, os.ErrExist) {
			err = fmt.Errorf("%s: %w", path, ErrIdentityExists)
		}
	}
	if err != nil {
		_ = os.Remove(tmp)
		return "", err
	}
	if err := fsutil.SyncDir(filepath.Dir(path)); err != nil {
		return "", err
	}
	return publicKey, nil
}

// identityEntry is one secret key line of an identity file.
type identityEntry struct {
	line   int
	secret string
	id     *age.X25519Identity
}

// readIdentities parses an identity file: X25519 secret keys, one a line;
// "#" comments and blank lines are allowed.
func readIdentities(path string) (entries []identityEntry, data []byte, err error) {
	data, err = readKeyFile(path)
	if err != nil {
		return nil, nil, err
	}
	if bytes.HasPrefix(data, []byte(Version+"\n")) {
		return nil, nil, &IdentityFileError{File: path, Reason: "the identity file is itself encrypted (age -p); decrypt it first with age -d"}
	}
	err = keyLines(path, data, func(n int, s string) error {
		fail := func(reason string) error { return &IdentityFileError{File: path, Line: n, Reason: reason} }
		u := strings.ToUpper(s)
		switch {
		case strings.HasPrefix(u, "AGE-SECRET-KEY-PQ-"):
			return fail("post-quantum age identities are not supported; efbackup uses X25519 identities (AGE-SECRET-KEY-1…)")
		case strings.HasPrefix(u, "AGE-PLUGIN-"):
			return fail("age plugin identities are not supported; efbackup uses X25519 identities (AGE-SECRET-KEY-1…)")
		case strings.HasPrefix(s, "age1"):
			return fail("this is a public key; an identity file holds the secret key (AGE-SECRET-KEY-1…)")
		case strings.HasPrefix(s, "-----BEGIN"):
			return fail("SSH and other PEM keys are not supported; efbackup uses age X25519 identities (AGE-SECRET-KEY-1…)")
		case !strings.HasPrefix(u, "AGE-SECRET-KEY-1"):
			return fail("not an age secret key: it must start with AGE-SECRET-KEY-1")
		}
		id, err := age.ParseX25519Identity(u)
		if err != nil {
			return fail("not a valid age secret key: a character is wrong or missing (its checksum does not match)")
		}
		entries = append(entries, identityEntry{line: n, secret: id.String(), id: id})
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(entries) == 0 {
		return nil, nil, &IdentityFileError{File: path, Reason: "holds no secret key (AGE-SECRET-KEY-1…)"}
	}
	return entries, data, nil
}

// ReadIdentityFile reads the X25519 identities in an identity file, such as
// NewIdentityFile or age-keygen writes. A line that is not an X25519 secret
// key is refused with an *IdentityFileError naming the line.
func ReadIdentityFile(path string) ([]Identity, error) {
	entries, _, err := readIdentities(path)
	if err != nil {
		return nil, err
	}
	out := make([]Identity, len(entries))
	for i, e := range entries {
		out[i] = Identity{id: e.id, publicKey: e.id.Recipient().String()}
	}
	return out, nil
}

// PublicKeyOf returns the public key of the identity in an identity file,
// which must hold exactly one.
func PublicKeyOf(path string) (string, error) {
	entries, _, err := readIdentities(path)
	if err != nil {
		return "", err
	}
	if len(entries) != 1 {
		return "", &IdentityFileError{File: path, Reason: fmt.Sprintf("holds %d secret keys; one was expected", len(entries))}
	}
	return entries[0].id.Recipient().String(), nil
}
