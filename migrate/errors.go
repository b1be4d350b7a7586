package migrate

import (
	"fmt"
	"strings"

	"github.com/efbackup/efbackup/internal/i18n"
)

// FolderError is a problem with the folders named on the command line,
// found before anything is touched. The command maps it to exit code 2.
type FolderError struct {
	// Kind is one of FolderSame, FolderTargetInSource, FolderSourceInTarget,
	// FolderNoSourceDB, FolderSnapshotInDB, FolderSnapshotNotDir.
	Kind string
	A, B string
}

// FolderError kinds.
const (
	FolderSame           = "same"              // A and B are one folder
	FolderTargetInSource = "target-in-source"  // B (target) lies inside A (source)
	FolderSourceInTarget = "source-in-target"  // A (source) lies inside B (target)
	FolderNoSourceDB     = "no-source-db"      // A has no db/
	FolderSnapshotInDB   = "snapshot-in-db"    // A (snapshot dir) lies inside the database folder B
	FolderSnapshotNotDir = "snapshot-not-dir"  // A (snapshot dir) exists and is not a folder
	FolderTargetDBFile   = "target-db-not-dir" // A (the target's db) exists and is not a folder
)

func (e *FolderError) Error() string {
	switch e.Kind {
	case FolderSame:
		return fmt.Sprintf("the source and the target are the same folder (%s)", e.A)
	case FolderTargetInSource:
		return fmt.Sprintf("the target %s is inside the source %s", e.B, e.A)
	case FolderSourceInTarget:
		return fmt.Sprintf("the source %s is inside the target %s", e.A, e.B)
	case FolderNoSourceDB:
		return fmt.Sprintf("the source %s has no db folder", e.A)
	case FolderSnapshotInDB:
		return fmt.Sprintf("the snapshot folder %s is inside the database folder %s", e.A, e.B)
	case FolderSnapshotNotDir:
		return fmt.Sprintf("the snapshot folder %s exists and is not a folder", e.A)
	case FolderTargetDBFile:
		return fmt.Sprintf("%s exists and is not a folder", e.A)
	}
	return "folder problem: " + e.Kind
}

// SpaceError says a file system lacks room for the safety snapshots and the
// staged copy. The command maps it to exit code 1; the numbers are bytes.
type SpaceError struct {
	Check SpaceCheck
}

func (e *SpaceError) Error() string {
	c := e.Check
	return fmt.Sprintf("not enough free space in %s: need %d bytes (%s), have %d", c.Dir, c.Need, c.Parts(), c.Free)
}

// SpaceCheck is the free-space figure of one file system, and what the
// migration needs there.
type SpaceCheck struct {
	Dir       string `json:"dir"`       // the existing folder asked (a target or snapshot folder, or its nearest existing parent)
	Free      int64  `json:"free"`      // bytes available to this user
	Need      int64  `json:"need"`      // Snapshots + Staged + Margin
	Snapshots int64  `json:"snapshots"` // the safety snapshots written here (upper bound)
	Staged    int64  `json:"staged"`    // the staged copy written here
	Margin    int64  `json:"margin"`    // left free for e-Faktur, its updater and the system
	OK        bool   `json:"ok"`
}

// Parts lists what makes up Need, for messages.
func (c SpaceCheck) Parts() string {
	var p []string
	if c.Snapshots > 0 {
		p = append(p, fmt.Sprintf("snapshots %d", c.Snapshots))
	}
	if c.Staged > 0 {
		p = append(p, fmt.Sprintf("staged copy %d", c.Staged))
	}
	p = append(p, fmt.Sprintf("margin %d", c.Margin))
	return strings.Join(p, " + ")
}

// DamagedError says the database checks found damage in the source while
// its safety snapshot was read, and AllowDamaged was not set. The snapshot
// was kept; the target was not touched. The command maps it to exit code 3.
type DamagedError struct {
	DB       string
	Files    []string // the damaged files, relative to db/
	Snapshot string   // the safety snapshot that was made (kept)
	DryRun   bool
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("the source database %s is damaged (%s)", e.DB, strings.Join(e.Files, ", "))
}

// JournalError is about the migration journal of a target: an unfinished
// migration of another source, an interrupted undo, nothing to undo, or a
// target whose folders no longer match what the journal recorded.
type JournalError struct {
	// Kind is one of JournalOther, JournalUndoing, JournalNothing,
	// JournalDone, JournalForeignDB, JournalInconsistent, JournalUnreadable,
	// JournalSourceChanged.
	Kind    string
	Target  string
	Journal *Journal
	// Detail says in English what was found; Text is the same as a
	// catalogue message, for wording it in the user's language (see
	// DetailIn). A journal that cannot be parsed has its parser's error
	// as Detail and no Text.
	Detail string
	Text   i18n.Text
	// Field is, for JournalUnreadable, the JSON field holding a value
	// this release does not know ("state", "steps[3].status"); "" when
	// the journal as a whole is unreadable.
	Field string
}

// JournalError kinds.
const (
	JournalOther         = "other-migration"  // an unfinished or finished migration of another source/versions (exit 2)
	JournalUndoing       = "undo-interrupted" // an undo was interrupted; run --undo again (exit 2)
	JournalNothing       = "nothing-to-undo"  // no journal, or the last migration was undone already (exit 2)
	JournalDone          = "already-done"     // finished, but the source changed since; undo first (exit 2)
	JournalForeignDB     = "foreign-db"       // a db/ appeared in the target that the tool did not put there (exit 2)
	JournalInconsistent  = "inconsistent"     // folders do not match the journal; nothing touched (exit 1)
	JournalUnreadable    = "unreadable"       // the journal cannot be parsed; nothing touched (exit 1)
	JournalSourceChanged = "source-changed"   // the swap started, then the source changed; undo, then migrate again (exit 4)
)

func (e *JournalError) Error() string {
	switch e.Kind {
	case JournalOther:
		return fmt.Sprintf("%s holds a migration journal for another migration (%s)", e.Target, e.Detail)
	case JournalUndoing:
		return fmt.Sprintf("an undo in %s was interrupted; run --undo again to finish it", e.Target)
	case JournalNothing:
		if e.Detail != "" {
			return fmt.Sprintf("nothing to undo in %s: %s", e.Target, e.Detail)
		}
		return fmt.Sprintf("nothing to undo in %s: no migration journal", e.Target)
	case JournalDone:
		return fmt.Sprintf("%s already received this migration, and the source changed since (%s)", e.Target, e.Detail)
	case JournalForeignDB:
		return fmt.Sprintf("a db folder appeared in %s that efbackup did not put there", e.Target)
	case JournalSourceChanged:
		return fmt.Sprintf("the source changed after the interrupted migration into %s had started to swap folders (%s)", e.Target, e.Detail)
	case JournalUnreadable:
		return fmt.Sprintf("the migration journal in %s cannot be read: %s", e.Target, e.Detail)
	}
	return fmt.Sprintf("the folders in %s do not match its migration journal: %s", e.Target, e.Detail)
}

// StepError says which step failed, and what the tool did about it. It
// wraps the cause, so that errors.As finds *os.PathError,
// *backup.ChangedError, *backup.IntegrityError and the in-use error.
type StepError struct {
	Step string
	Err  error
	// RolledBack is true when the tool put the target back to its
	// original state (the staging folder removed, or the migrated db/
	// moved aside and the original renamed back).
	RolledBack bool
	// KeptAt names where a migrated db/ went when it was rolled back
	// after the swap.
	KeptAt string
	// Snapshots are the safety snapshots made before the failure; they are
	// kept.
	Snapshots []string
}

func (e *StepError) Error() string { return e.Step + ": " + e.Err.Error() }

func (e *StepError) Unwrap() error { return e.Err }
