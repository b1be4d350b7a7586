package migrate

import "github.com/efbackup/efbackup/internal/fsutil"

// errExchangeUnsupported says the system or file system cannot exchange
// two names in one step.
var errExchangeUnsupported = fsutil.ErrExchangeUnsupported

// exchange swaps two folders in one step where the system can; tests swap
// it to exercise the two-rename path that Windows and some file systems
// take.
var exchange = fsutil.Exchange
