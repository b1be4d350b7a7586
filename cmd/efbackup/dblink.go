package main

import (
	"github.com/efbackup/efbackup/install"
	"github.com/efbackup/efbackup/migrate"
)

// A db that is a link (a symbolic link, a Windows junction) to a folder
// elsewhere: efbackup's one rule is to refuse it in every command, before
// any work, naming the folder it leads to (install.DBLink). The folder
// itself can be given to snapshot and verify with --db.

// refuseDBLink refuses db when it is a link.
func refuseDBLink(u *ui, db string) error {
	target, ok := install.DBLink(db)
	if !ok {
		return nil
	}
	if target == "" {
		target = "?"
	}
	return &usageError{msg: u.T("err.dblink", db, target), hint: u.T("hint.dblink", target)}
}

// refuseInstallDBLink refuses an install folder whose db is a link; an
// install that cannot be detected is left to the command to report.
func refuseInstallDBLink(u *ui, dir string) error {
	if dir == "" {
		return nil
	}
	in, err := migrate.Detect(dir)
	if err != nil {
		return nil
	}
	return refuseDBLink(u, in.DB)
}
