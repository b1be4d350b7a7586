package main

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/efbackup/efbackup/internal/folderlock"
)

// defaultLockWait is how long a writer waits for another efbackup to
// release a folder: EFBACKUP_LOCK_WAIT (documented for users whose
// scheduled runs overlap), else 5 s.
func defaultLockWait() time.Duration {
	if v := os.Getenv("EFBACKUP_LOCK_WAIT"); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return folderlock.DefaultWait
}

// lockedError is a folder held by another efbackup process. It exits 1,
// like any failure, with the JSON kind "locked" and its hint.
type lockedError struct {
	msg, hint string
	holder    *folderlock.Info
}

func (e *lockedError) Error() string { return e.msg }

// lockErr words a *folderlock.LockedError for a snapshot folder; other
// errors pass through.
func lockErr(u *ui, err error) error {
	return lockedErrWith(u, err, "lock.held", "lock.heldunknown")
}

// lockedErrWith words a *folderlock.LockedError with the given messages
// (one naming the holder, one for an unreadable lock file).
func lockedErrWith(u *ui, err error, held, unknown string) error {
	var le *folderlock.LockedError
	if !errors.As(err, &le) {
		return err
	}
	hint := u.T("hint.locked", filepath.Join(le.Dir, folderlock.Name))
	h := le.Holder
	if h == nil {
		return &lockedError{msg: u.T(unknown, le.Dir), hint: hint}
	}
	return &lockedError{msg: u.T(held, le.Dir, h.Command, h.PID, h.Host, h.Time.Local().Format("2006-01-02 15:04:05")), hint: hint, holder: h}
}

func warnTakeover(u *ui, dir string, over *folderlock.Info) {
	if over == nil {
		return
	}
	u.warn(u.T("lock.takenover", dir, over.Command, over.PID, over.Host, takeoverWhy(u, over)), "")
}

// takeoverWhy says in the user's language why a lock was judged stale.
func takeoverWhy(u *ui, over *folderlock.Info) string {
	switch over.Reason {
	case folderlock.ReasonGone, folderlock.ReasonReused:
		return u.T("lock.why."+over.Reason, over.PID)
	case folderlock.ReasonSilent:
		return u.T("lock.why.silent", over.Silent.String())
	case folderlock.ReasonRestarted, folderlock.ReasonUnreadable:
		return u.T("lock.why." + over.Reason)
	}
	return over.Why
}

// lockFolder takes the folder lock for a command that writes into a
// snapshot folder, says so when it took over a stale lock, and returns
// the release.
func lockFolder(u *ui, dir, command string) (release func(), err error) {
	return lockWith(u, dir, command, lockErr)
}

// lockInstall takes the install folder's lock for a restore.
func lockInstall(u *ui, dir string) (release func(), err error) {
	return lockWith(u, dir, "restore", func(u *ui, err error) error {
		return lockedErrWith(u, err, "lock.heldinstall", "lock.heldinstallunknown")
	})
}

func lockWith(u *ui, dir, command string, word func(*ui, error) error) (release func(), err error) {
	release, _, err = lockHeld(u, dir, command, word)
	return release, err
}

// lockHeld is lockWith that also returns held, which says (as an error in
// the user's language) when the lock is no longer this process's: another
// computer took the folder over while this one slept. A command checks it
// before it commits anything.
func lockHeld(u *ui, dir, command string, word func(*ui, error) error) (release func(), held func() error, err error) {
	l, over, err := folderlock.Acquire(dir, folderlock.Options{Wait: defaultLockWait(), Command: command})
	if err != nil {
		return func() {}, func() error { return nil }, word(u, err)
	}
	warnTakeover(u, dir, over)
	reportLeftovers(u, l.Leftovers())
	lost := false // said already, by held's error
	held = func() error {
		err := l.Held()
		lost = lost || isKind[*folderlock.LostError](err)
		return lostErr(u, err)
	}
	return func() {
		if err := l.Release(); err != nil {
			if isKind[*folderlock.LostError](err) {
				if !lost {
					u.warn(lostErr(u, err).Error(), "")
				}
				return
			}
			u.warn(err.Error(), "")
		}
	}, held, nil
}

// lostErr words a *folderlock.LostError; other errors pass through.
func lostErr(u *ui, err error) error {
	var le *folderlock.LostError
	if !errors.As(err, &le) {
		return err
	}
	return &lockedError{msg: u.T("lock.lost", le.Path), hint: u.T("hint.lost")}
}

// installLockedErr is an install folder held by another efbackup process
// (a restore, a migrate or an undo).
func installLockedErr(u *ui, le *folderlock.LockedError) error {
	return lockedErrWith(u, le, "lock.heldinstall", "lock.heldinstallunknown")
}
