package crypt

import (
	"errors"
	"io"

	"filippo.io/age"
)

// ChunkSize is the plaintext size of every payload chunk but the last:
// age's STREAM encrypts 64 KiB at a time, so encrypting and decrypting
// hold one chunk in memory whatever the file's size.
const ChunkSize = 64 << 10

// Overhead is the authentication tag each chunk adds.
const Overhead = 16

// CheckRecipients reports whether recipients can encrypt a file together:
// at least one, and a passphrase only on its own (ErrPassphraseMixed).
// Commands call it before they write anything.
func CheckRecipients(recipients ...Recipient) error {
	_, err := ageRecipients(recipients)
	return err
}

// ageRecipients checks recipients and returns them for age, each public
// key once.
func ageRecipients(recipients []Recipient) ([]age.Recipient, error) {
	if len(recipients) == 0 {
		return nil, ErrNoRecipients
	}
	var out []age.Recipient
	seen := map[string]bool{}
	passphrases := 0
	for _, r := range recipients {
		if r.r == nil {
			return nil, errors.New("crypt: a Recipient that ParseRecipient or PassphraseRecipient did not make")
		}
		if r.Passphrase() {
			passphrases++
		} else if seen[r.publicKey] {
			continue
		}
		seen[r.publicKey] = true
		out = append(out, r.r)
	}
	if passphrases > 0 && len(recipients) > 1 {
		return nil, ErrPassphraseMixed
	}
	return out, nil
}

// Encrypt starts an age file on dst, encrypted to every recipient: each can
// open it alone. The header is written at once; what is written to the
// returned WriteCloser is encrypted 64 KiB at a time. Close writes the
// last chunk, without which the file is incomplete; it does not close dst.
func Encrypt(dst io.Writer, recipients ...Recipient) (io.WriteCloser, error) {
	rs, err := ageRecipients(recipients)
	if err != nil {
		return nil, err
	}
	return age.Encrypt(dst, rs...)
}
