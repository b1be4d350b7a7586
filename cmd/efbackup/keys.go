package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/crypt"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/urfave/cli/v2"
)

// repeated is a flag that may be given several times, each value kept
// whole: a path may hold a comma.
type repeated []string

func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }
func (r *repeated) String() string     { return strings.Join(*r, ", ") }

// encryptOptions say what a snapshot is encrypted to, as the flags give it.
type encryptOptions struct {
	To             repeated // --encrypt-to: public keys
	ToFiles        repeated // --encrypt-to-file: files of public keys
	PassphraseFile string   // --passphrase-file
}

func (o *encryptOptions) flags(u *ui) []cli.Flag {
	return []cli.Flag{
		&cli.GenericFlag{Name: "encrypt-to", Usage: u.T("flag.encryptto"), Value: &o.To},
		&cli.GenericFlag{Name: "encrypt-to-file", Usage: u.T("flag.encrypttofile"), Value: &o.ToFiles},
		&cli.StringFlag{Name: "passphrase-file", Usage: u.T("flag.passphrasefile"), Destination: &o.PassphraseFile},
	}
}

// keys reports whether public keys were given.
func (o *encryptOptions) keys() bool { return len(o.To) > 0 || len(o.ToFiles) > 0 }

// recipients resolves the flags: public keys, or one passphrase (its file,
// or, when envPassphrase and no key is given, EFBACKUP_PASSPHRASE). None
// means no encryption. Every problem is a usage error: nothing was written.
func (o *encryptOptions) recipients(u *ui, envPassphrase bool) ([]crypt.Recipient, error) {
	if o.PassphraseFile != "" && o.keys() {
		return nil, u.usageErr("err.passphrasemixed")
	}
	if o.PassphraseFile != "" {
		p, err := crypt.ReadPassphraseFile(o.PassphraseFile)
		if err != nil {
			return nil, &usageError{msg: u.T("err.passphrasefile", o.PassphraseFile, unwrapPath(err)), hint: u.T("hint.passphrasefile")}
		}
		r, err := passphraseRecipient(p)
		return []crypt.Recipient{r}, err
	}
	if !o.keys() {
		if p := os.Getenv(crypt.PassphraseEnv); envPassphrase && p != "" {
			u.info("%s", u.T("snapshot.passphrasefromenv"))
			r, err := passphraseRecipient(p)
			return []crypt.Recipient{r}, err
		}
		return nil, nil
	}
	var rs []crypt.Recipient
	for _, k := range o.To {
		r, err := crypt.ParseRecipient(k)
		if err != nil {
			return nil, recipientErr(u, k, err)
		}
		rs = append(rs, r)
	}
	for _, f := range o.ToFiles {
		got, err := crypt.ReadRecipientsFile(f)
		if err != nil {
			var re *crypt.RecipientError
			if errors.As(err, &re) && re.Value == "" {
				// Only a secret key is never quoted back.
				return nil, &usageError{msg: u.T("err.recipientsfile", f, u.T("err.recipientsecret")), hint: u.T("hint.recipientsecret")}
			}
			return nil, &usageError{msg: u.T("err.recipientsfile", f, unwrapPath(err)), hint: u.T("hint.recipient")}
		}
		rs = append(rs, got...)
	}
	return rs, nil
}

// passphraseRecipient encrypts with a passphrase at age's work factor; the
// test binary lowers it (testHooks.ScryptWorkFactor).
func passphraseRecipient(p string) (crypt.Recipient, error) {
	if testHooks.ScryptWorkFactor != nil {
		return crypt.PassphraseRecipientAt(p, testHooks.ScryptWorkFactor())
	}
	return crypt.PassphraseRecipient(p)
}

// recipientErr words a refused public key; a secret key given in its place
// is never repeated.
func recipientErr(u *ui, given string, err error) error {
	var re *crypt.RecipientError
	if errors.As(err, &re) && re.Value == "" && strings.HasPrefix(strings.ToUpper(strings.TrimSpace(given)), "AGE-SECRET-KEY-") {
		return &usageError{msg: u.T("err.recipientsecret"), hint: u.T("hint.recipientsecret")}
	}
	shown := given
	if errors.As(err, &re) {
		shown = fmt.Sprintf("%q", re.Value)
		err = errors.New(re.Reason)
	}
	return &usageError{msg: u.T("err.recipient", shown, err), hint: u.T("hint.recipient")}
}

// identityOptions say what opens encrypted snapshots.
type identityOptions struct {
	Files          repeated // --identity
	PassphraseFile string   // --passphrase-file
}

func (o *identityOptions) flags(u *ui) []cli.Flag {
	return []cli.Flag{
		&cli.GenericFlag{Name: "identity", Usage: u.T("flag.identity"), Value: &o.Files},
		&cli.StringFlag{Name: "passphrase-file", Usage: u.T("flag.passphrasefileread"), Destination: &o.PassphraseFile},
	}
}

// identities reads the identity files and the passphrase (its file, else
// EFBACKUP_PASSPHRASE when set). None is not an error: an encrypted
// snapshot then says which key it needs.
func (o *identityOptions) identities(u *ui) ([]crypt.Identity, error) {
	var ids []crypt.Identity
	for _, f := range o.Files {
		got, err := crypt.ReadIdentityFile(f)
		if err != nil {
			return nil, identityErr(u, f, err)
		}
		ids = append(ids, got...)
	}
	p := ""
	if o.PassphraseFile != "" {
		var err error
		if p, err = crypt.ReadPassphraseFile(o.PassphraseFile); err != nil {
			return nil, &keyFileError{msg: u.T("err.passphrasefile", o.PassphraseFile, unwrapPath(err)), hint: u.T("hint.passphrasefile")}
		}
	} else {
		p = os.Getenv(crypt.PassphraseEnv)
	}
	if p != "" {
		id, err := crypt.PassphraseIdentity(p)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// keyFileError says an identity or passphrase given to open snapshots
// cannot be used: the key is missing (exit 5).
type keyFileError struct{ msg, hint string }

func (e *keyFileError) Error() string { return e.msg }
func (e *keyFileError) Hint() string  { return e.hint }

// isKeyProblem is the exit table's test for exit 5: a key or passphrase
// that is missing or does not open the snapshot.
func isKeyProblem(err error) bool {
	return isKind[*keyFileError](err) || crypt.IsKeyProblem(err)
}

// describeKeyError words an encrypted snapshot that could not be opened,
// naming the file and the keys that would open it.
func describeKeyError(l i18n.Lang, e *backup.KeyError) (msg, hint string) {
	if e.NoSidecar {
		return l.T("err.key.nosidecar", e.Archive, filepath.Base(e.Archive)+backup.SidecarSuffix), l.T("hint.key.check")
	}
	k := e.Err
	to := strings.Join(k.Recipients, ", ")
	if to == "" {
		to = l.T("key.nkeys", max(k.Stanzas, 1))
	}
	switch {
	case k.Kind == crypt.WrongPassphrase:
		return l.T("err.key.wrongpassphrase", e.Archive), l.T("hint.key.wrongpassphrase")
	case k.Kind == crypt.WrongKey:
		return l.T("err.key.wrongkey", strings.Join(k.Tried, ", "), e.Archive, to), l.T("hint.key.identity")
	case k.Passphrase && k.OtherKind:
		return l.T("err.key.needpassphraseother", e.Archive), l.T("hint.key.passphrase")
	case k.Passphrase:
		return l.T("err.key.needpassphrase", e.Archive), l.T("hint.key.passphrase")
	case k.OtherKind:
		return l.T("err.key.needidentityother", e.Archive, to), l.T("hint.key.identity")
	}
	return l.T("err.key.needidentity", e.Archive, to), l.T("hint.key.identity")
}

// encryptionText is the line a snapshot's report gives its encryption.
func encryptionText(u *ui, e *backup.Encryption) string {
	if len(e.PublicKeys()) == 0 {
		return u.T("snapshot.encryptedpassphrase")
	}
	return u.T("snapshot.encrypted", strings.Join(e.PublicKeys(), ", "))
}

// existsErr is the error for a key or sheet file that is already there.
func existsErr(u *ui, path string) error {
	return &usageError{msg: u.T("err.keyexists", path), hint: u.T("hint.keyexists")}
}

// notExist reports whether path is free.
func notExist(path string) bool {
	_, err := os.Lstat(path)
	return errors.Is(err, fs.ErrNotExist)
}
