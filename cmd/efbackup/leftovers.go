package main

import "github.com/efbackup/efbackup/internal/fsutil"

// reportLeftovers says what a run did with the files a killed earlier run
// left behind (removed, or recovered from), one line each on stderr.
func reportLeftovers(u *ui, ls []fsutil.Leftover) {
	for _, l := range ls {
		u.warn(u.lang.TData("leftover.", l.Action)+": "+l.Path, "")
	}
}
