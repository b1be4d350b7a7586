package install

import (
	"io/fs"
	"os"
	"path/filepath"
)

// DBLink reports whether db (an install's db folder, or a folder given as
// --db) is a link rather than a folder: a symbolic link, or on Windows a
// junction or another reparse point. target is where it leads, as far as
// it can be told ("" when not even the link can be read).
//
// efbackup's one rule for such a db: it is refused by every command, before
// any work, naming the target. Going through it would back up and check one
// folder and restore into another: a restore renames folders beside db, and
// would replace the link itself, not the folder it leads to.
func DBLink(db string) (target string, ok bool) {
	fi, err := os.Lstat(db)
	if err != nil || fi.Mode()&(fs.ModeSymlink|fs.ModeIrregular) == 0 {
		return "", false
	}
	if t, err := filepath.EvalSymlinks(db); err == nil {
		return t, true
	}
	if t, err := os.Readlink(db); err == nil {
		if !filepath.IsAbs(t) {
			t = filepath.Join(filepath.Dir(db), t)
		}
		return t, true
	}
	return "", true
}
