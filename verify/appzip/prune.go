package appzip

import (
	"context"
	"errors"
	"os"
)

// PruneResult says what Prune kept, checked and removed.
type PruneResult struct {
	Dir  string `json:"folder"`
	Keep int    `json:"keep"`
	// Checked are the newest Keep zips, read in full.
	Checked []Result `json:"checked"`
	// Older are the zips beyond the newest Keep: removed, or to be
	// removed in a dry run, unless Refused is set.
	Older   []Backup `json:"older"`
	Removed []string `json:"removed"`
	// Refused says nothing was removed because not every one of the
	// newest Keep zips is complete; Incomplete names those that are not.
	Refused    bool     `json:"refused"`
	Incomplete []string `json:"incomplete"`
	// Failed lists removals that failed, with the error.
	Failed map[string]string `json:"failed,omitempty"`
}

// ErrKeep is returned for a keep count below 1: the newest backup is
// never removed.
var ErrKeep = errors.New("keep at least one backup")

// Prune keeps the keep newest zips in dir and removes the older ones, as
// the tax office advises, but only when every one of the kept ones reads
// back complete: a folder whose newest backups are damaged keeps
// everything, since an older zip may be the only good copy left.
func Prune(ctx context.Context, dir string, keep int, dryRun bool) (*PruneResult, error) {
	if keep < 1 {
		return nil, ErrKeep
	}
	list, err := List(dir)
	if err != nil {
		return nil, err
	}
	res := &PruneResult{Dir: dir, Keep: keep, Checked: []Result{}, Older: []Backup{}, Removed: []string{}, Incomplete: []string{}}
	newest := list
	if len(list) > keep {
		newest, res.Older = list[:keep], list[keep:]
	}
	for _, b := range newest {
		r := CheckContext(ctx, b.Path)
		if err := ctx.Err(); err != nil {
			return res, err
		}
		res.Checked = append(res.Checked, r)
		if !r.OK() {
			res.Incomplete = append(res.Incomplete, b.Path)
		}
	}
	if len(res.Incomplete) > 0 {
		res.Refused = true
		return res, nil
	}
	if dryRun {
		return res, nil
	}
	for _, b := range res.Older {
		if err := os.Remove(b.Path); err != nil {
			if res.Failed == nil {
				res.Failed = map[string]string{}
			}
			res.Failed[b.Path] = err.Error()
			continue
		}
		res.Removed = append(res.Removed, b.Path)
	}
	return res, nil
}
