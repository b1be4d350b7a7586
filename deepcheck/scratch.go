package deepcheck

import (
	"fmt"
	"os"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// scratchMargin is what Scratch keeps free beyond the bytes asked for:
// recovery and the engine's checkpoints grow the log, and a disk filled to
// the last byte fails everything else on it too.
func scratchMargin(need int64) int64 { return 64<<20 + need/10 }

// NoSpaceError says the disk of a scratch folder has too little room.
type NoSpaceError struct {
	Dir  string // the folder the scratch space was to be made in
	Free int64  // bytes free there
	Need int64  // bytes needed, margin included
}

func (e *NoSpaceError) Error() string {
	return fmt.Sprintf("not enough free space for the engine check in %s: %s free, %s needed (a copy of the database and room for its recovery)",
		e.Dir, human(e.Free), human(e.Need))
}

// Scratch makes an owner-only folder inside parent (the system's temporary
// folder when empty) on a disk with at least need bytes free plus a margin,
// for scratch copies of databases. cleanup removes the folder and all it
// holds; call it when done, whatever happened.
func Scratch(parent string, need int64) (dir string, cleanup func() error, err error) {
	if parent == "" {
		parent = os.TempDir()
	}
	free, err := fsutil.FreeSpace(parent)
	if err != nil {
		return "", nil, fmt.Errorf("deepcheck: free space in %s: %w", parent, err)
	}
	want := need + scratchMargin(need)
	if free < want {
		return "", nil, &NoSpaceError{Dir: parent, Free: free, Need: want}
	}
	dir, err = mkdirTempPrivate(parent, "efbackup-scratch-")
	if err != nil {
		return "", nil, fmt.Errorf("deepcheck: scratch folder in %s: %w", parent, err)
	}
	return dir, func() error { return fsutil.RemoveAll(dir) }, nil
}

// human writes a byte count as people read it: "1.5 GiB".
func human(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
