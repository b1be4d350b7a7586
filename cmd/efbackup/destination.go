package main

import (
	"errors"
	"io/fs"
	"os"

	"github.com/efbackup/efbackup/internal/volume"
	"github.com/efbackup/efbackup/schedule"
	"github.com/efbackup/efbackup/store/location"
)

// The destination is the destination: a backup folder the user named is
// never created behind their back. When it is missing, the backup drive
// is not connected (or the share is not reachable), and making the
// folder would put the backup on the computer's own disk, beside the
// database it is meant to protect. Only --create-out makes it.

// driveError is a backup drive that is not there, or another drive at
// its place. It exits 1 with the JSON kind "no-drive"; nothing is written
// anywhere.
type driveError struct{ msg, hint string }

func (e *driveError) Error() string { return e.msg }

// checkOut makes sure the named backup folder out is there: with create
// it is made (owner-only) when missing, otherwise a missing folder is a
// *driveError.
func checkOut(u *ui, out string, create bool) error {
	if location.IsS3(out) {
		return nil // a bucket prefix is no drive: the store says what is wrong
	}
	fi, err := os.Stat(out)
	switch {
	case err == nil && fi.IsDir():
		return nil
	case err == nil:
		return u.usageErr("err.outnotdir", out)
	case missing(err) && create:
		if err := os.MkdirAll(out, 0o700); err != nil {
			return err
		}
		u.info("%s", u.T("out.created", out))
		return nil
	case missing(err):
		return &driveError{msg: u.T("drive.notconnected", out), hint: u.T("hint.notconnected")}
	}
	return err
}

// missing reports whether a stat error means the path is not there (its
// drive included).
func missing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || notReady(err)
}

// checkDrive refuses a backup folder that is no longer on the drive the
// schedule was installed with (want, KIND:VALUE): another USB drive that
// now has the same letter, or the computer's own disk at the place where
// the drive was mounted.
func checkDrive(u *ui, out, install, want string) error {
	wantID, err := volume.Parse(want)
	if err != nil {
		return u.usageErr("err.driveid", want)
	}
	cur, curErr := volume.Of(out)
	if curErr == nil && cur.Same(wantID) {
		return nil
	}
	here := cur.Root
	if here == "" {
		here = out
	}
	if inst, err := volume.Of(install); (err == nil && curErr == nil && inst.Same(cur)) || (inst.Root != "" && inst.Root == cur.Root) {
		return &driveError{msg: u.T("drive.notconnectedlocal", out, want), hint: u.T("hint.notconnected")}
	}
	found := u.T("drive.unknownid")
	if curErr == nil {
		found = cur.Describe()
	}
	return &driveError{msg: u.T("drive.other", here, found, want), hint: u.T("hint.otherdrive")}
}

// Notes of schedule install and show about the drive and the tries.
const (
	noteTries        = "tries"         // hourly tries after the time, at log-on; a try once the day's snapshot is made does nothing
	noteDriveUnknown = "drive-unknown" // no identity could be read: another drive at the place would not be noticed
	noteAnyDrive     = "any-drive"     // --any-drive: any drive at the place will do
	noteSameDrive    = "same-drive"    // the snapshots are on the same drive as e-Faktur
)

// scheduleNotes records in s the drive that holds the snapshot folder
// (unless --any-drive, or the folder is not there yet for show) and
// returns the notes for the user.
func scheduleNotes(u *ui, s *schedule.Spec, opts scheduleOptions) []string {
	notes := []string{noteTries}
	if _, err := os.Stat(s.Out); err != nil {
		return notes
	}
	id, err := volume.Of(s.Out)
	switch {
	case opts.AnyDrive:
		notes = append(notes, noteAnyDrive)
	case err != nil:
		notes = append(notes, noteDriveUnknown)
	default:
		s.Drive, s.DriveName = id.String(), id.Describe()
	}
	if inst, ierr := volume.Of(s.Install); (err == nil && ierr == nil && inst.Same(id)) || (inst.Root != "" && inst.Root == id.Root) {
		notes = append(notes, noteSameDrive)
	}
	return notes
}
