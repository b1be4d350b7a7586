// Package retention decides which efbackup snapshots a folder keeps, and
// removes the others, with the rules restic and borg users know:
// --keep-last, --keep-daily, --keep-weekly, --keep-monthly, --keep-yearly
// and --keep-within. A snapshot survives if any rule keeps it.
//
// Above the rules sit the guarantees no rule can override (see Plan): the
// newest snapshot of each label that passes full verification is always
// kept, files efbackup cannot prove it created are never touched, and a
// label none of whose snapshots verifies loses nothing.
//
// The package never prints and never exits.
package retention

import (
	"sort"
	"time"
)

// Keep reasons, stable words that scripts can match (prune --json).
const (
	ReasonLast          = "last"
	ReasonDaily         = "daily"
	ReasonWeekly        = "weekly"
	ReasonMonthly       = "monthly"
	ReasonYearly        = "yearly"
	ReasonWithin        = "within"
	ReasonNewestGood    = "newest-verified"    // the newest snapshot of its label that passes verification
	ReasonNoneVerified  = "no-verified-backup" // no snapshot of the label verifies: nothing of it is removed
	ReasonFuture        = "future"             // dated after now: a clock was wrong; kept only as --keep-last counts it, after every correctly dated one
	ReasonRemoveFailed  = "remove-failed"      // chosen for removal, but the removal failed
	ReasonChangedOnDisk = "changed-on-disk"    // the file changed between the scan and the removal
	ReasonLocked        = "locked"             // chosen for removal, but an Object Lock retention forbids it before its date
	ReasonInterrupted   = "interrupted"        // chosen for removal, but the run was interrupted first
)

// Unlimited as a count keeps one snapshot per bucket, without limit
// (restic's "unlimited").
const Unlimited = -1

// Policy is a set of keep rules. Counts are 0 (rule off), a positive
// number, or Unlimited.
type Policy struct {
	Last    int      `json:"keep_last,omitempty"`
	Daily   int      `json:"keep_daily,omitempty"`
	Weekly  int      `json:"keep_weekly,omitempty"`
	Monthly int      `json:"keep_monthly,omitempty"`
	Yearly  int      `json:"keep_yearly,omitempty"`
	Within  Duration `json:"keep_within,omitzero"`
}

// DefaultPolicy is what prune applies when no rule is given: a week of
// dailies, a month of weeklies and a year of monthlies. With one snapshot
// a day that is at most 7+4+12 = 23 snapshots per install.
func DefaultPolicy() Policy { return Policy{Daily: 7, Weekly: 4, Monthly: 12} }

// Empty reports whether no rule is set.
func (p Policy) Empty() bool { return p == Policy{} }

// Item is what the rules look at: a time and an index into the caller's
// list.
type Item struct {
	Time time.Time
}

// Verdict is the rules' decision on one item, in the order of the input.
type Verdict struct {
	Keep    bool
	Reasons []string
}

// Apply runs the rules over items, which must all share one label. Time
// buckets (day, ISO week, month, year) are taken in loc, the user's local
// time. The verdicts come back in the order of items.
//
// The semantics are restic's (internal/restic/snapshot_policy.go):
// snapshots are walked newest first; a counting rule keeps a snapshot when
// its bucket differs from the last kept one's and the count is not used
// up, and also keeps the oldest snapshot while counts remain, so that the
// history reaches as far back as the counts allow. --keep-within keeps
// everything made within the span before the newest snapshot (not before
// now: a PC that was off for a month still keeps its last month).
// Snapshots dated in the future (a clock was wrong when they were made)
// cannot be placed in time: they were made at some moment no later than
// now, but which one is unknown. They never count as the newest, no time
// bucket judges them, and --keep-last counts them after every correctly
// dated snapshot, as if they were the oldest; no other rule keeps them.
func Apply(items []Item, p Policy, loc *time.Location, now time.Time) []Verdict {
	out := make([]Verdict, len(items))
	if loc == nil {
		loc = time.Local
	}
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return items[order[a]].Time.After(items[order[b]].Time) })
	if p.Empty() {
		for i := range out {
			out[i] = Verdict{Keep: true}
		}
		return out
	}
	var past, future []int
	for _, i := range order {
		if FutureDated(items[i].Time, now) {
			future = append(future, i)
			continue
		}
		past = append(past, i)
	}
	lastLeft := p.Last
	defer func() {
		// After every correctly dated snapshot: --keep-last's remaining
		// count, oldest-placed first.
		for _, i := range future {
			if lastLeft == Unlimited || lastLeft > 0 {
				out[i] = Verdict{Keep: true, Reasons: []string{ReasonLast, ReasonFuture}}
				if lastLeft > 0 {
					lastLeft--
				}
			}
		}
	}()
	if len(past) == 0 {
		return out
	}
	latest := items[past[0]].Time
	buckets := []struct {
		count  int
		key    func(t time.Time, nr int) int
		last   int
		reason string
	}{
		{p.Last, func(_ time.Time, nr int) int { return nr }, -1, ReasonLast},
		{p.Daily, func(t time.Time, _ int) int { return t.Year()*10000 + int(t.Month())*100 + t.Day() }, -1, ReasonDaily},
		{p.Weekly, func(t time.Time, _ int) int { y, w := t.ISOWeek(); return y*100 + w }, -1, ReasonWeekly},
		{p.Monthly, func(t time.Time, _ int) int { return t.Year()*100 + int(t.Month()) }, -1, ReasonMonthly},
		{p.Yearly, func(t time.Time, _ int) int { return t.Year() }, -1, ReasonYearly},
	}
	for nr, i := range past {
		t := items[i].Time.In(loc)
		v := Verdict{}
		if !p.Within.Zero() && items[i].Time.After(p.Within.Before(latest)) {
			v.Keep = true
			v.Reasons = append(v.Reasons, ReasonWithin)
		}
		for b := range buckets {
			if buckets[b].count == 0 {
				continue
			}
			val := buckets[b].key(t, nr)
			if val != buckets[b].last || nr == len(past)-1 {
				v.Keep = true
				buckets[b].last = val
				if buckets[b].count > 0 {
					buckets[b].count--
				}
				v.Reasons = append(v.Reasons, buckets[b].reason)
			}
		}
		out[i] = v
	}
	lastLeft = buckets[0].count
	return out
}

// FutureTolerance is how far after now a snapshot may be dated and still
// count as correctly dated: clocks of two PCs writing to one NAS differ by
// minutes, not hours.
const FutureTolerance = time.Hour

// FutureDated reports whether t is later than now by more than
// FutureTolerance: the snapshot was made while a clock was wrong.
func FutureDated(t, now time.Time) bool { return t.After(now.Add(FutureTolerance)) }
