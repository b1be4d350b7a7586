package migrate

import (
	"errors"

	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/swap"
)

// swapper is the journaled swap of the target's db/ that the journal
// records (package swap, which restore uses too). Every change of method
// is written to the journal (save) before the move that needs it; hook
// receives the swap's points (nil: none).
func (j *Journal) swapper(save func() error, hook func(string)) *swap.Swapper {
	f := &swap.Folders{
		Dir: j.Target, DB: j.TargetDB, HadDB: j.TargetHadDB, DBID: j.TargetDBID,
		Staging: j.Staging, StagingID: j.StagingID, Aside: j.Aside, Undone: j.Undone,
		Method: j.SwapMethod, Started: j.started(StepSwap),
	}
	return &swap.Swapper{
		F: f,
		Save: func() error {
			j.SwapMethod, j.Aside, j.Undone = f.Method, f.Aside, f.Undone
			if save == nil {
				return nil
			}
			return save()
		},
		Hook:     hook,
		Exchange: exchange,
	}
}

// inspect works out where the original db/ and the copy are (see
// swap.Swapper.Inspect).
func inspect(j *Journal) (*swap.Layout, error) {
	return inspectWith(j, j.swapper(nil, nil))
}

func inspectWith(j *Journal, sw *swap.Swapper) (*swap.Layout, error) {
	l, err := sw.Inspect()
	var nf *swap.NotFolderError
	if errors.As(err, &nf) {
		return nil, (&JournalError{Kind: JournalInconsistent, Target: j.Target, Journal: j}).withText(i18n.Say("migrate.detail.notfolder", nf.Path))
	}
	return l, err
}

func inconsistent(j *Journal, l *swap.Layout) error {
	return (&JournalError{Kind: JournalInconsistent, Target: j.Target, Journal: j}).withText(i18n.Say("migrate.detail.found", layoutText(l)))
}
