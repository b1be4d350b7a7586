// Package dbcheck names the database engines efbackup checks with: Apache
// Derby, the engine of e-Faktur desktop. The command and the benchmark share
// it, so that the benchmark measures what the command runs, with the checks
// and without them.
package dbcheck

import (
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/engine/derby"
)

// Engines say which files a backup leaves out (lock files, tmp/) and check
// each database as its bytes stream past, so that db/ is read once.
var Engines = engine.Set{derby.New()}
