package main

import (
	"context"
	"errors"
	"os"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/dbcheck"
	"github.com/efbackup/efbackup/internal/inuse"
)

// engines returns the database engines a command checks with (package
// dbcheck): Derby, the engine of e-Faktur desktop.
func engines() engine.Set { return dbcheck.Engines }

// checkInUse returns an *inuse.InUseError when anything in db is in use,
// and the warnings (a database not shut down cleanly, a network share)
// otherwise.
func checkInUse(ctx context.Context, db string) ([]inuse.Signal, error) {
	if _, err := os.Stat(db); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	rep, err := inuse.Check(ctx, db, inuse.Options{})
	if err != nil {
		return nil, err
	}
	return rep.Warnings, rep.Err()
}
