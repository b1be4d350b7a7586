package main

import (
	"context"
	"errors"
	"os"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/engine/derby"
	"github.com/efbackup/efbackup/internal/inuse"
)

// dbEngines are the database engines efbackup knows: Apache Derby, the
// engine of e-Faktur desktop. They say which files a backup leaves out
// (lock files, tmp/) and check each database as its bytes stream past, so
// that db/ is read once.
var dbEngines = engine.Set{derby.New()}

// engines returns the engines a command checks with.
func engines() engine.Set { return dbEngines }

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
