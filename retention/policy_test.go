package retention

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	good := map[string]Duration{
		"30d":    {Days: 30},
		"2w":     {Weeks: 2},
		"1y6m":   {Years: 1, Months: 6},
		"12h":    {Hours: 12},
		"6m1y":   {Years: 1, Months: 6},
		"1Y2W3D": {Years: 1, Weeks: 2, Days: 3},
	}
	for in, want := range good {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if again, _ := ParseDuration(got.String()); again != got {
			t.Errorf("%q: String %q does not parse back", in, got.String())
		}
	}
	for _, in := range []string{"", "d", "30", "30s", "1d1d", "0d", "-3d", "1.5d", "3 d", "999999999999d"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) accepted", in)
		}
	}
	base := time.Date(2024, 3, 31, 12, 0, 0, 0, time.UTC)
	if got := (Duration{Months: 1}).Before(base); !got.Equal(time.Date(2024, 3, 2, 12, 0, 0, 0, time.UTC)) {
		// AddDate normalises 31 Feb to 2 March, as restic's does.
		t.Errorf("1m before 31 March = %v", got)
	}
	if got := (Duration{Weeks: 1, Hours: 2}).Before(base); !got.Equal(base.Add(-7*24*time.Hour - 2*time.Hour)) {
		t.Errorf("1w2h before = %v", got)
	}
}

var wib = time.FixedZone("WIB", 7*3600)

// keptOf applies p to times (given as "2006-01-02 15:04" in WIB) and
// returns the kept ones with their reasons, newest first.
func keptOf(t *testing.T, p Policy, now string, times ...string) []string {
	t.Helper()
	parse := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, wib)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UTC()
	}
	items := make([]Item, len(times))
	for i, s := range times {
		items[i] = Item{Time: parse(s)}
	}
	vs := Apply(items, p, wib, parse(now))
	type kv struct {
		t time.Time
		s string
	}
	var kept []kv
	for i, v := range vs {
		if v.Keep {
			kept = append(kept, kv{items[i].Time, times[i] + " " + strings.Join(v.Reasons, ",")})
		}
	}
	slices.SortFunc(kept, func(a, b kv) int { return b.t.Compare(a.t) })
	out := make([]string, len(kept))
	for i, k := range kept {
		out[i] = k.s
	}
	return out
}

func expect(t *testing.T, name string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", name, got, want)
	}
}

// The rules as restic applies them: newest first, one snapshot per bucket,
// the oldest kept while counts remain, a snapshot kept if any rule keeps it.
func TestApplyRestic(t *testing.T) {
	series := []string{"2024-01-01 10:00", "2024-01-01 18:00", "2024-01-02 09:00", "2024-01-03 09:00", "2024-01-03 20:00", "2024-01-04 08:00"}
	now := "2024-01-05 00:00"
	expect(t, "last 3", keptOf(t, Policy{Last: 3}, now, series...),
		"2024-01-04 08:00 last", "2024-01-03 20:00 last", "2024-01-03 09:00 last")
	expect(t, "last 10", keptOf(t, Policy{Last: 10}, now, series...),
		"2024-01-04 08:00 last", "2024-01-03 20:00 last", "2024-01-03 09:00 last", "2024-01-02 09:00 last", "2024-01-01 18:00 last", "2024-01-01 10:00 last")
	// One per day, the newest of each day.
	expect(t, "daily 3", keptOf(t, Policy{Daily: 3}, now, series...),
		"2024-01-04 08:00 daily", "2024-01-03 20:00 daily", "2024-01-02 09:00 daily")
	// Counts remain after the last day: the oldest is kept too.
	expect(t, "daily 5", keptOf(t, Policy{Daily: 5}, now, series...),
		"2024-01-04 08:00 daily", "2024-01-03 20:00 daily", "2024-01-02 09:00 daily", "2024-01-01 18:00 daily", "2024-01-01 10:00 daily")
	// Unlimited: one per day without end (and the oldest).
	expect(t, "daily unlimited", keptOf(t, Policy{Daily: Unlimited}, now, series...),
		"2024-01-04 08:00 daily", "2024-01-03 20:00 daily", "2024-01-02 09:00 daily", "2024-01-01 18:00 daily", "2024-01-01 10:00 daily")
	// Union of rules, with every reason named.
	expect(t, "last 1 + daily 2", keptOf(t, Policy{Last: 1, Daily: 2}, now, series...),
		"2024-01-04 08:00 last,daily", "2024-01-03 20:00 daily")
}

// Buckets are local days and ISO weeks: 7 January 2024 23:30 WIB is a
// Sunday, 8 January 00:30 WIB a Monday of the next ISO week, although both
// are 7 January in UTC.
func TestApplyLocalTimeAndISOWeeks(t *testing.T) {
	now := "2024-02-01 00:00"
	expect(t, "daily across local midnight", keptOf(t, Policy{Daily: 2}, now, "2024-01-07 23:30", "2024-01-08 00:30"),
		"2024-01-08 00:30 daily", "2024-01-07 23:30 daily")
	expect(t, "weekly", keptOf(t, Policy{Weekly: 2}, now,
		"2024-01-01 09:00", "2024-01-03 09:00", "2024-01-07 23:30", "2024-01-08 00:30", "2024-01-14 12:00"),
		"2024-01-14 12:00 weekly", "2024-01-07 23:30 weekly")
	// ISO week 1 of 2025 starts on Monday 30 December 2024.
	expect(t, "weekly at year end", keptOf(t, Policy{Weekly: 1}, "2025-02-01 00:00", "2024-12-29 10:00", "2024-12-30 10:00", "2025-01-02 10:00"),
		"2025-01-02 10:00 weekly")
	expect(t, "monthly", keptOf(t, Policy{Monthly: 2}, now, "2023-11-30 10:00", "2023-12-01 10:00", "2023-12-31 23:59", "2024-01-01 00:01", "2024-01-20 00:01"),
		"2024-01-20 00:01 monthly", "2023-12-31 23:59 monthly")
	expect(t, "yearly", keptOf(t, Policy{Yearly: 5}, now, "2022-06-01 10:00", "2023-01-01 10:00", "2023-12-31 23:00", "2024-01-02 10:00"),
		"2024-01-02 10:00 yearly", "2023-12-31 23:00 yearly", "2022-06-01 10:00 yearly")
}

// --keep-within counts back from the newest snapshot, not from now: a PC
// that was off for a month still keeps its last two weeks.
func TestApplyWithinFromNewest(t *testing.T) {
	d, _ := ParseDuration("2w")
	got := keptOf(t, Policy{Within: d}, "2024-06-01 00:00",
		"2024-01-01 10:00", "2024-01-16 10:00", "2024-01-18 10:00", "2024-01-30 10:00")
	expect(t, "within 2w", got, "2024-01-30 10:00 within", "2024-01-18 10:00 within")
	// Strictly after the boundary, as restic: exactly 2 weeks before is out.
	got = keptOf(t, Policy{Within: d}, "2024-06-01 00:00", "2024-01-16 10:00", "2024-01-30 10:00")
	expect(t, "boundary", got, "2024-01-30 10:00 within")
}

// A snapshot dated in the future (a wrong clock) never counts as the
// newest: the newest snapshot for --keep-within is the newest in the past,
// and --keep-last counts the future one after every correctly dated one.
// No time bucket keeps it, so it does not stay forever.
func TestApplyFuture(t *testing.T) {
	d, _ := ParseDuration("1d")
	got := keptOf(t, Policy{Last: 1, Within: d}, "2024-01-10 00:00", "2036-01-01 00:00", "2024-01-09 10:00", "2024-01-08 12:00", "2024-01-01 00:00")
	expect(t, "future", got, "2024-01-09 10:00 within,last", "2024-01-08 12:00 within")
	got = keptOf(t, Policy{Last: 3}, "2024-01-10 00:00", "2036-01-01 00:00", "2024-01-09 10:00", "2024-01-08 12:00")
	expect(t, "future counted last", got, "2036-01-01 00:00 last,future", "2024-01-09 10:00 last", "2024-01-08 12:00 last")
	got = keptOf(t, Policy{Daily: 30, Monthly: 12}, "2024-01-10 00:00", "2036-01-01 00:00", "2024-01-09 10:00")
	expect(t, "future and buckets", got, "2024-01-09 10:00 daily,monthly")
	// Within the tolerance: a NAS shared by two PCs whose clocks differ.
	got = keptOf(t, Policy{Last: 1}, "2024-01-10 00:00", "2024-01-10 00:30", "2024-01-09 10:00")
	expect(t, "tolerance", got, "2024-01-10 00:30 last")
}

func TestApplyEmptyKeepsAll(t *testing.T) {
	vs := Apply([]Item{{Time: time.Now()}, {Time: time.Now().Add(-time.Hour)}}, Policy{}, nil, time.Now())
	for i, v := range vs {
		if !v.Keep {
			t.Errorf("empty policy removes item %d", i)
		}
	}
}

// Properties over a long, irregular series: the newest is always kept; a
// count rule keeps at most count+1 snapshots (the +1 is the oldest); with
// Daily unlimited the kept ones are exactly the newest of each local day
// plus the oldest.
func TestApplyProperties(t *testing.T) {
	start := time.Date(2022, 1, 1, 0, 0, 0, 0, wib)
	var items []Item
	tm := start
	for i := 0; i < 900; i++ {
		tm = tm.Add(time.Duration(3+(i*7919)%41) * time.Hour) // irregular gaps of 3 to 43 hours
		items = append(items, Item{Time: tm.UTC()})
	}
	now := tm.Add(time.Hour)
	for _, p := range []Policy{{Last: 5}, {Daily: 7}, {Weekly: 4}, {Monthly: 12}, {Yearly: 3}, DefaultPolicy()} {
		vs := Apply(items, p, wib, now)
		if !vs[len(vs)-1].Keep {
			t.Errorf("%+v: newest not kept", p)
		}
		n := 0
		for _, v := range vs {
			if v.Keep {
				n++
			}
		}
		limit := p.Last + p.Daily + p.Weekly + p.Monthly + p.Yearly
		if n > limit+1 || n == 0 {
			t.Errorf("%+v: kept %d, limit %d", p, n, limit)
		}
	}
	vs := Apply(items, Policy{Daily: Unlimited}, wib, now)
	newestOfDay := map[string]int{}
	for i, it := range items {
		newestOfDay[it.Time.In(wib).Format("2006-01-02")] = i // items are oldest first
	}
	for i, v := range vs {
		day := items[i].Time.In(wib).Format("2006-01-02")
		want := newestOfDay[day] == i || i == 0
		if v.Keep != want {
			t.Fatalf("daily unlimited: item %d (%s) keep=%v, want %v", i, fmt.Sprint(items[i].Time.In(wib)), v.Keep, want)
		}
	}
}
