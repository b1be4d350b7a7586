package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/internal/volume"
	"github.com/efbackup/efbackup/store/location"
)

// The key setup makes for encrypted backups is kept off this PC: on a USB
// drive (or another folder) that is neither the drive of e-Faktur nor the
// drive of the snapshots. A key beside the database is lost with the disk
// that fails and goes with the PC that is stolen; a key beside the
// snapshots opens them for whoever takes that drive. The recovery sheet is
// written beside the key, to be printed.

// checkKeyDir returns the absolute folder dir, once it is there, a folder,
// and on another drive than the install and the snapshot folder out (which
// may not exist yet: its nearest existing parent counts).
func checkKeyDir(u *ui, dir, install, out string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(abs)
	switch {
	case err != nil && missing(err):
		return "", &driveError{msg: u.T("err.keydirmissing", abs), hint: u.T("hint.keydirmissing")}
	case err != nil:
		return "", err
	case !fi.IsDir():
		return "", u.usageErr("err.keydirnotdir", abs)
	}
	if testHooks.KeyDirAnyDrive != nil && testHooks.KeyDirAnyDrive(abs) {
		return abs, nil
	}
	for _, o := range []struct{ path, msg string }{{install, "err.keysamedrive.install"}, {out, "err.keysamedrive.out"}} {
		if o.path == "" || location.IsS3(o.path) {
			continue
		}
		if sameDrive(abs, o.path) {
			return "", &usageError{msg: u.T(o.msg, abs, o.path), hint: u.T("hint.keysamedrive")}
		}
	}
	return abs, nil
}

// sameDrive reports whether the folder dir is on the drive of other (or
// of its nearest existing parent): the same volume identity, the same
// mount, or one inside the other.
func sameDrive(dir, other string) bool {
	o := other
	for {
		if _, err := os.Stat(o); err == nil {
			break
		}
		parent := filepath.Dir(o)
		if parent == o {
			return false
		}
		o = parent
	}
	if fsutil.Within(dir, other) || fsutil.Within(other, dir) {
		return true
	}
	kid, kerr := volume.Of(dir)
	oid, oerr := volume.Of(o)
	return (kerr == nil && oerr == nil && kid.Same(oid)) || (kid.Root != "" && kid.Root == oid.Root)
}

// makeSetupKey writes a new identity in dir, owner-only, and its recovery
// sheet beside it: efbackup-key-DATE.txt and efbackup-key-DATE-sheet.txt
// (with -2, -3, ... when taken; nothing is ever overwritten). The result
// names both and the public key, never the secret.
func makeSetupKey(u *ui, dir string, now time.Time) (*keyResult, error) {
	base := "efbackup-key-" + now.Format("2006-01-02")
	for n := 1; n <= 100; n++ {
		name := base
		if n > 1 {
			name = fmt.Sprintf("%s-%d", base, n)
		}
		id, sheet := filepath.Join(dir, name+".txt"), filepath.Join(dir, name+"-sheet.txt")
		if notExist(id) && notExist(sheet) {
			return runKeyNew(u, keyOptions{Out: id, Sheet: sheet}, now)
		}
	}
	return nil, existsErr(u, filepath.Join(dir, base+".txt"))
}

// askKey asks whether to encrypt the backups and, when so, where to keep
// the new key: a USB drive (or folder) on neither the drive of e-Faktur
// nor that of the backups. A folder refused is said, and asked again.
func (d *dialogue) askKey(opts *setupOptions) error {
	u := d.u
	fmt.Fprintln(d.w, u.T("setup.encrypt.explain"))
	if !d.yesNo(u.T("setup.q.encrypt"), false) {
		return nil
	}
	var choices []string
	for _, r := range backupDrives(opts.Install) {
		if !sameDrive(r, opts.Out) {
			choices = append(choices, r)
		}
	}
	def := 0
	if len(choices) == 0 {
		fmt.Fprintln(d.w, u.T("setup.nokeydrive"))
		def = -1
	}
	for opts.NewKey == "" {
		i, typed, err := d.choose(u.T("setup.q.keydir"), choices, def)
		if err != nil {
			return err
		}
		p := typed
		if i >= 0 {
			p = choices[i]
		}
		dir, err := checkKeyDir(u, p, opts.Install, opts.Out)
		if err != nil {
			msg, hint := describeError(u.lang, err)
			fmt.Fprintln(d.w, msg)
			if hint != "" {
				fmt.Fprintln(d.w, u.T("ui.hint", hint))
			}
			continue
		}
		opts.NewKey = dir
	}
	return nil
}
