package retention

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a calendar span as --keep-within takes it: years, months,
// weeks, days and hours, written "30d", "2w", "1y6m", "12h". Years, months
// and days are calendar units (a month back from 31 March is 3 March, as
// time.AddDate counts), so "1m" means what a person means.
type Duration struct {
	Years, Months, Weeks, Days, Hours int
}

// ParseDuration reads a span such as "1y6m" or "36h". Each unit (y, m, w,
// d, h) may appear once, in any order; the whole span must be positive.
func ParseDuration(s string) (Duration, error) {
	var d Duration
	orig := s
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return d, errors.New("empty duration")
	}
	seen := map[byte]bool{}
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) {
			return Duration{}, fmt.Errorf("invalid duration %q: use a number followed by y, m, w, d or h, as in 30d, 2w, 1y6m, 12h", orig)
		}
		n, err := strconv.Atoi(s[:i])
		if err != nil || n > 100000 {
			return Duration{}, fmt.Errorf("invalid duration %q: number too large", orig)
		}
		unit := s[i]
		if seen[unit] {
			return Duration{}, fmt.Errorf("invalid duration %q: unit %q given twice", orig, unit)
		}
		seen[unit] = true
		switch unit {
		case 'y':
			d.Years = n
		case 'm':
			d.Months = n
		case 'w':
			d.Weeks = n
		case 'd':
			d.Days = n
		case 'h':
			d.Hours = n
		default:
			return Duration{}, fmt.Errorf("invalid duration %q: unknown unit %q (use y, m, w, d or h)", orig, unit)
		}
		s = s[i+1:]
	}
	if d.Zero() {
		return Duration{}, fmt.Errorf("invalid duration %q: it must be longer than zero", orig)
	}
	return d, nil
}

// Zero reports whether d spans nothing.
func (d Duration) Zero() bool { return d == Duration{} }

// Before returns the instant d before t.
func (d Duration) Before(t time.Time) time.Time {
	return t.AddDate(-d.Years, -d.Months, -(d.Days + 7*d.Weeks)).Add(-time.Duration(d.Hours) * time.Hour)
}

// String writes d the way ParseDuration reads it.
func (d Duration) String() string {
	var b strings.Builder
	for _, p := range []struct {
		n int
		u string
	}{{d.Years, "y"}, {d.Months, "m"}, {d.Weeks, "w"}, {d.Days, "d"}, {d.Hours, "h"}} {
		if p.n != 0 {
			fmt.Fprintf(&b, "%d%s", p.n, p.u)
		}
	}
	if b.Len() == 0 {
		return "0d"
	}
	return b.String()
}

// MarshalText lets a Duration appear in JSON as "1y6m".
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
