package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/crypt"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/urfave/cli/v2"
)

// keyOptions: what the key command writes where.
type keyOptions struct {
	Out   string
	Sheet string
}

// keyCommand is one command whose first argument says what to do (new,
// public, sheet), as schedule's does: flags may come before or after it.
func keyCommand(u *ui) *cli.Command {
	var opts keyOptions
	return &cli.Command{
		Name:        "key",
		Usage:       u.T("key.usage"),
		UsageText:   "efbackup key new --out FILE [--sheet SHEET]\nefbackup key public FILE\nefbackup key sheet FILE --out SHEET",
		Description: u.T("key.description"),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: u.T("flag.keyout"), Destination: &opts.Out},
			&cli.StringFlag{Name: "sheet", Usage: u.T("flag.keysheet"), Destination: &opts.Sheet},
		},
		Action: func(c *cli.Context) error {
			sub := c.Args().First()
			want := 2
			if sub == "new" {
				want = 1
			}
			switch {
			case sub != "new" && sub != "public" && sub != "sheet":
				return u.usageErr("err.keysub", sub)
			case c.NArg() > want:
				return u.usageErr("err.extraargs", c.Args().Get(want))
			case c.NArg() < want:
				return u.usageErr("err.keyneedfile", sub, sub)
			case sub != "public" && opts.Out == "":
				return u.usageErr("err.keyneedout", sub)
			case sub != "new" && opts.Sheet != "":
				return u.usageErr("err.extraargs", "--sheet")
			case sub == "public" && opts.Out != "":
				return u.usageErr("err.extraargs", "--out")
			}
			var res *keyResult
			var err error
			switch sub {
			case "new":
				res, err = runKeyNew(u, opts, time.Now())
			case "public":
				res, err = runKeyPublic(u, c.Args().Get(1))
			case "sheet":
				res, err = runKeySheet(u, c.Args().Get(1), opts.Out, time.Now())
			}
			if err != nil {
				return err
			}
			return printKey(u, res)
		},
	}
}

// keyResult is what the key command made or read. It never holds the
// secret key: that stays in the identity file (and on the sheet).
type keyResult struct {
	IdentityFile string `json:"identity_file"`
	PublicKey    string `json:"public_key"`
	Created      bool   `json:"created"`
	Sheet        string `json:"sheet,omitempty"`
	// Warning is what losing the identity means, in the user's language.
	Warning string `json:"warning,omitempty"`
}

// runKeyNew writes a new identity (never over an existing file), and its
// recovery sheet when asked.
func runKeyNew(u *ui, opts keyOptions, now time.Time) (*keyResult, error) {
	out, err := filepath.Abs(opts.Out)
	if err != nil {
		return nil, err
	}
	sheet := ""
	if opts.Sheet != "" {
		if sheet, err = filepath.Abs(opts.Sheet); err != nil {
			return nil, err
		}
		if fsutil.SamePath(sheet, out) {
			return nil, u.usageErr("err.extraargs", "--sheet "+opts.Sheet)
		}
		if !notExist(sheet) {
			return nil, existsErr(u, sheet)
		}
	}
	if !notExist(out) {
		return nil, existsErr(u, out)
	}
	pub, err := crypt.NewIdentityFile(out, now)
	if errors.Is(err, crypt.ErrIdentityExists) {
		return nil, existsErr(u, out)
	}
	if err != nil {
		return nil, err
	}
	res := &keyResult{IdentityFile: out, PublicKey: pub, Created: true, Warning: u.T("key.new.warning", out)}
	if sheet != "" {
		if err := writeSheet(u, out, sheet, now); err != nil {
			// The identity is written and whole: say so with the error.
			u.warn(u.T("key.new.done", out), u.T("key.new.public", pub))
			return nil, err
		}
		res.Sheet = sheet
	}
	return res, nil
}

// runKeyPublic reads an identity's public key.
func runKeyPublic(u *ui, file string) (*keyResult, error) {
	pub, err := crypt.PublicKeyOf(file)
	if err != nil {
		return nil, identityErr(u, file, err)
	}
	abs, _ := filepath.Abs(file)
	return &keyResult{IdentityFile: abs, PublicKey: pub}, nil
}

// runKeySheet writes the recovery sheet of an existing identity.
func runKeySheet(u *ui, file, out string, now time.Time) (*keyResult, error) {
	pub, err := crypt.PublicKeyOf(file)
	if err != nil {
		return nil, identityErr(u, file, err)
	}
	sheet, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(file)
	if fsutil.SamePath(sheet, abs) || !notExist(sheet) {
		return nil, existsErr(u, sheet)
	}
	if err := writeSheet(u, file, sheet, now); err != nil {
		return nil, err
	}
	return &keyResult{IdentityFile: abs, PublicKey: pub, Sheet: sheet}, nil
}

// writeSheet writes the recovery sheet, owner-only, whole or not at all,
// never over an existing file.
func writeSheet(u *ui, identity, sheet string, now time.Time) error {
	text, err := crypt.RecoverySheet(identity, now, string(u.lang))
	if err != nil {
		return identityErr(u, identity, err)
	}
	err = fsutil.WriteFileAtomic(sheet, []byte(text), backup.FilePerm)
	if errors.Is(err, fsutil.ErrExists) {
		return existsErr(u, sheet)
	}
	return err
}

// identityErr words an identity file that cannot be read (exit 5).
func identityErr(u *ui, file string, err error) error {
	var ife *crypt.IdentityFileError
	if errors.As(err, &ife) {
		reason := ife.Reason
		if ife.Line > 0 {
			reason = fmt.Sprintf("line %d: %s", ife.Line, ife.Reason)
		}
		return &keyFileError{msg: u.T("err.identityfile", file, reason), hint: u.T("hint.key.identity")}
	}
	return &keyFileError{msg: u.T("err.identitymissing", file, unwrapPath(err)), hint: u.T("hint.identitymissing")}
}

func printKey(u *ui, res *keyResult) error {
	return u.result(res, func(w io.Writer) {
		if !res.Created && res.Sheet == "" {
			// key public: the key alone, for scripts.
			fmt.Fprintln(w, res.PublicKey)
			return
		}
		if res.Created {
			fmt.Fprintln(w, u.T("key.new.done", res.IdentityFile))
		}
		fmt.Fprintln(w, u.T("key.new.public", res.PublicKey))
		if res.Sheet != "" {
			fmt.Fprintln(w, u.T("key.sheet.done", res.Sheet))
		}
		if res.Created {
			fmt.Fprintln(w, res.Warning)
			fmt.Fprintln(w, u.T("key.new.next", res.PublicKey))
		}
	})
}
