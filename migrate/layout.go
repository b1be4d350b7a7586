package migrate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// What a folder name in the target holds.
const (
	holdsNothing  = ""  // the name does not exist
	holdsOriginal = "O" // the target's original db/
	holdsCopy     = "C" // the migrated copy (complete or, before the swap, maybe partial)
	holdsForeign  = "?" // something the tool did not put there
)

// Layout kinds: where the original and the copy are.
const (
	layoutBeforeSwap  = "before-swap"  // db/ is the original (or absent, as it was); maybe a staging folder
	layoutExchanged   = "exchanged"    // db/ is the copy; the original is still under the staging name
	layoutHalfSwapped = "half-swapped" // db/ is missing: the original is aside, the copy is staged
	layoutSwapped     = "swapped"      // db/ is the copy; the original (if any) is aside
	layoutUndoMid     = "undo-mid"     // undo: the original is back in db/; the copy is still aside
	layoutUndoHalf    = "undo-half"    // undo: db/ is missing; the original is aside, the copy moved away
	layoutForeign     = "foreign-db"   // a db/ the tool did not put there
	layoutOdd         = "inconsistent" // anything else
)

// layout is what the target's folders hold, as the journal names them:
// D is db/, S the staging folder, A the aside name, U the undone name.
type layout struct {
	D, S, A, U string
	kind       string
}

func (l *layout) String() string {
	show := func(name, v string) string {
		switch v {
		case holdsNothing:
			return name + " absent"
		case holdsOriginal:
			return name + " holds the original"
		case holdsCopy:
			return name + " holds the copy"
		}
		return name + " holds something else"
	}
	return strings.Join([]string{show("db", l.D), show("staging", l.S), show("aside", l.A), show("undone", l.U)}, ", ")
}

// inspect works out where the original db/ and the copy are.
//
// When the swap used an exchange, folders are told apart by file-system
// identity: the original keeps its identity through every rename. When it
// used renames (or has not happened), no two names ever swap contents,
// so which names exist says everything: the aside name only ever holds the
// original, the staging and undone names only ever hold the copy, and
// db/ holds the copy exactly when the original is aside.
func inspect(j *Journal) (*layout, error) {
	present := func(name string) (bool, error) {
		if name == "" {
			return false, nil
		}
		fi, err := os.Lstat(j.path(name))
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if !fi.IsDir() {
			return false, &JournalError{Kind: JournalInconsistent, Target: j.Target, Journal: j, Detail: j.path(name) + " is not a folder"}
		}
		return true, nil
	}
	var have [4]bool
	for i, n := range []string{j.TargetDB, j.Staging, j.Aside, j.Undone} {
		ok, err := present(n)
		if err != nil {
			return nil, err
		}
		have[i] = ok
	}
	l := &layout{}
	swapStarted := j.started(StepSwap)
	if j.SwapMethod == SwapExchange && j.TargetHadDB && j.TargetDBID != "" {
		who := func(name string, ok bool) string {
			switch {
			case !ok:
				return holdsNothing
			case fsutil.ID(j.path(name)) == j.TargetDBID:
				return holdsOriginal
			}
			return holdsCopy
		}
		l.D, l.S, l.A, l.U = who(j.TargetDB, have[0]), who(j.Staging, have[1]), who(j.Aside, have[2]), who(j.Undone, have[3])
		if l.D == holdsCopy && !swapStarted {
			l.D = holdsForeign
		}
	} else {
		if have[1] {
			l.S = holdsCopy
		}
		if have[2] {
			l.A = holdsOriginal
		}
		if have[3] {
			l.U = holdsCopy
		}
		switch {
		case !have[0]:
		case !j.TargetHadDB && swapStarted && !have[1]:
			l.D = holdsCopy
		case !j.TargetHadDB:
			l.D = holdsForeign
		case have[2]:
			l.D = holdsCopy
		default:
			l.D = holdsOriginal
		}
		if j.TargetHadDB && l.D == holdsOriginal && j.TargetDBID != "" && fsutil.ID(j.path(j.TargetDB)) != j.TargetDBID {
			// db/ was replaced behind the tool's back.
			l.D = holdsForeign
		}
	}
	l.kind = classify(j, l)
	return l, nil
}

func classify(j *Journal, l *layout) string {
	origHome := holdsOriginal
	if !j.TargetHadDB {
		origHome = holdsNothing
	}
	copies := 0
	for _, v := range []string{l.D, l.S, l.A, l.U} {
		if v == holdsCopy {
			copies++
		}
	}
	switch {
	case l.D == holdsForeign:
		return layoutForeign
	case copies > 1:
		return layoutOdd
	case l.D == origHome && l.A == holdsNothing:
		return layoutBeforeSwap
	case l.D == holdsCopy && l.S == holdsOriginal && l.A == holdsNothing:
		return layoutExchanged
	case l.D == holdsNothing && j.TargetHadDB && l.A == holdsOriginal && l.S == holdsCopy:
		return layoutHalfSwapped
	case l.D == holdsCopy && l.S == holdsNothing && l.A == origHome && (j.TargetHadDB || l.A == holdsNothing):
		return layoutSwapped
	case l.D == holdsOriginal && l.A == holdsCopy && l.S == holdsNothing:
		return layoutUndoMid
	case l.D == holdsNothing && j.TargetHadDB && l.A == holdsOriginal && l.U == holdsCopy:
		return layoutUndoHalf
	}
	return layoutOdd
}

func inconsistent(j *Journal, l *layout) error {
	return &JournalError{Kind: JournalInconsistent, Target: j.Target, Journal: j, Detail: fmt.Sprintf("found %s", l)}
}
