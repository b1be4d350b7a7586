package main

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/dbcheck"
	"github.com/efbackup/efbackup/internal/inuse"
)

// lockWatch is how long an existing engine lock file is watched for
// changes: the in-use check's default, unless a test shortens it.
func lockWatch() time.Duration {
	if testHooks.LockWatch != nil {
		return testHooks.LockWatch()
	}
	return 0
}

// checkInUse returns an *inuse.InUseError when anything in db is in use,
// and the warnings (a stale lock file, ...) otherwise.
func checkInUse(ctx context.Context, db string) ([]inuse.Signal, error) {
	if _, err := os.Stat(db); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	rep, err := inuse.Check(ctx, db, inuse.Options{LockWatch: lockWatch()})
	if err != nil {
		return nil, err
	}
	if rep.InUse {
		return rep.Warnings, &inuse.InUseError{Dir: db, Report: rep}
	}
	return rep.Warnings, nil
}

// dbFolderChecks returns the database checks that need the whole folder.
func dbFolderChecks() backup.FolderCheckFunc { return dbcheck.FolderChecks }

// dbChecks returns the checker factory for the database files.
func dbChecks() func(rel string, size int64) backup.FileChecker { return dbcheck.NewChecker }
