package crypt

import (
	"errors"
	"fmt"
	"strings"

	"github.com/efbackup/efbackup/internal/i18n"
)

// Kind says what is wrong with an encrypted file, or with the keys given
// for it. Its String is a stable word that scripts and JSON output can use.
type Kind int

const (
	// KeyMissing: the file is encrypted and nothing that could open it was
	// given (no identity, or only a passphrase for a file encrypted to
	// public keys, or only keys for a passphrase-protected file).
	KeyMissing Kind = iota + 1
	// WrongKey: none of the identities given opens the file.
	WrongKey
	// WrongPassphrase: the passphrase given does not open the file.
	WrongPassphrase
	// NotAge: the file is not an age file at all.
	NotAge
	// Truncated: the file ends early: in its header, before its first
	// chunk, between chunks, or inside its last chunk.
	Truncated
	// HeaderMalformed: the header breaks age's grammar or efbackup's
	// bounds (too many stanzas, endless lines, non-canonical base64, ...).
	HeaderMalformed
	// HeaderChanged: the header parses but was altered: its MAC does not
	// match, or the stanza made for the key given no longer opens with it.
	HeaderChanged
	// ChunkChanged: a chunk of the payload fails authentication.
	ChunkChanged
	// TrailingData: bytes follow the end of the encrypted payload.
	TrailingData
	// TooCostly: a passphrase stanza asks for more scrypt work (time and
	// memory) than efbackup spends; it is refused before any work is done.
	TooCostly
)

var kindNames = map[Kind]string{
	KeyMissing:      "key-missing",
	WrongKey:        "wrong-key",
	WrongPassphrase: "wrong-passphrase",
	NotAge:          "not-age",
	Truncated:       "truncated",
	HeaderMalformed: "header-malformed",
	HeaderChanged:   "header-changed",
	ChunkChanged:    "chunk-changed",
	TrailingData:    "trailing-data",
	TooCostly:       "too-costly",
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, bool) {
	for k, name := range kindNames {
		if name == s {
			return k, true
		}
	}
	return 0, false
}

// Damage reports whether k says the file itself is not what was written,
// as opposed to a key problem.
func (k Kind) Damage() bool {
	switch k {
	case KeyMissing, WrongKey, WrongPassphrase, 0:
		return false
	}
	return true
}

// A DamageError says the encrypted file is not the whole, unaltered file
// that was written. Nothing decrypted from it can be trusted.
type DamageError struct {
	Kind Kind
	// Offset is the byte of the file where the problem was found, or -1
	// when it is not one place (a stanza that no key opens, say).
	Offset int64
	// Chunk is the payload chunk concerned (0 is the first), or -1.
	Chunk int64
	// Detail says what was found, for people, in English. It never holds
	// key material or plaintext.
	Detail string
	// Text is Detail kept as a message key (crypt.detail.*) and its
	// arguments, for a command to word in its user's language.
	Text i18n.Text `json:"-"`
}

func (e *DamageError) Error() string {
	var b strings.Builder
	b.WriteString(e.Detail)
	switch {
	case e.Chunk >= 0 && e.Offset >= 0:
		fmt.Fprintf(&b, " (chunk %d, at byte %d)", e.Chunk, e.Offset)
	case e.Offset >= 0:
		fmt.Fprintf(&b, " (at byte %d)", e.Offset)
	}
	return b.String()
}

// Words is all that Error says, as a message: the detail, and the chunk
// and byte where the damage was found. Words().String() == Error().
func (e *DamageError) Words() i18n.Text {
	detail := e.Text.Or(e.Detail) // Detail alone: a DamageError made by hand
	switch {
	case e.Chunk >= 0 && e.Offset >= 0:
		return i18n.Say("crypt.detail.inchunkatbyte", detail, e.Chunk, e.Offset)
	case e.Offset >= 0:
		return i18n.Say("crypt.detail.atbyte", detail, e.Offset)
	}
	return detail
}

// damage makes a DamageError whose detail is the message key (a
// crypt.detail.* key of package i18n) with args; Detail is its English.
func damage(k Kind, off int64, key string, args ...any) *DamageError {
	t := i18n.Say(key, args...)
	return &DamageError{Kind: k, Offset: off, Chunk: -1, Detail: t.String(), Text: t}
}

// A KeyError says the file looks whole, but the keys given do not open it.
type KeyError struct {
	Kind Kind
	// Passphrase is true when the file is protected by a passphrase rather
	// than encrypted to public keys.
	Passphrase bool
	// Recipients are the public keys the file was made for, when the
	// caller knows them (DecryptOptions.Recipients); empty otherwise: age
	// headers do not name their recipients.
	Recipients []string
	// Tried are the public keys of the identities that were tried.
	Tried []string
	// Stanzas is the number of recipient stanzas in the header: how many
	// keys, or a passphrase, the file was encrypted to.
	Stanzas int
	// OtherKind is true, for KeyMissing, when identities were given but
	// all of the other kind: keys for a passphrase-protected file, or a
	// passphrase for a file encrypted to public keys.
	OtherKind bool
}

func (e *KeyError) Error() string {
	switch e.Kind {
	case KeyMissing:
		switch {
		case e.Passphrase && e.OtherKind:
			return "the file is protected by a passphrase, not by a key: give the passphrase"
		case e.Passphrase:
			return "the file is protected by a passphrase, and no passphrase was given"
		}
		to := "a public key"
		switch {
		case len(e.Recipients) > 0:
			to = keyList(e.Recipients)
		case e.Stanzas > 1:
			to = fmt.Sprintf("%d public keys", e.Stanzas)
		}
		if e.OtherKind {
			return fmt.Sprintf("the file is encrypted to %s, not with a passphrase: give an identity file", to)
		}
		return fmt.Sprintf("the file is encrypted to %s, and no identity file was given", to)
	case WrongPassphrase:
		return "the passphrase is wrong: it does not open the file"
	case WrongKey:
		var b strings.Builder
		switch len(e.Tried) {
		case 0:
			b.WriteString("no identity given opens the file")
		case 1:
			fmt.Fprintf(&b, "the identity for %s does not open the file", e.Tried[0])
		default:
			fmt.Fprintf(&b, "none of the identities for %s opens the file", keyList(e.Tried))
		}
		if len(e.Recipients) > 0 {
			fmt.Fprintf(&b, "; it was encrypted to %s", keyList(e.Recipients))
		}
		return b.String()
	}
	return e.Kind.String()
}

func keyList(keys []string) string {
	if len(keys) == 1 {
		return keys[0]
	}
	return strings.Join(keys, ", ")
}

// KindOf returns the Kind of a *DamageError or *KeyError anywhere in err's
// chain, or 0 when err is neither (an I/O error, for one).
func KindOf(err error) Kind {
	var d *DamageError
	if errors.As(err, &d) {
		return d.Kind
	}
	var k *KeyError
	if errors.As(err, &k) {
		return k.Kind
	}
	return 0
}

// IsDamage reports whether err says the encrypted file is damaged.
func IsDamage(err error) bool { return KindOf(err).Damage() }

// IsKeyProblem reports whether err says the key is missing or wrong.
func IsKeyProblem(err error) bool {
	k := KindOf(err)
	return k != 0 && !k.Damage()
}
