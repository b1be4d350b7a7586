package schedule

import (
	"fmt"
	"time"
)

// A daily schedule means: at least once a day, at the first moment from
// the daily time on that the database is closed. The system's scheduler
// therefore starts a try at the daily time, then every hour until the end
// of the day, and at log-on (and unlock, on Windows); a try once that
// day's snapshot is made does nothing.

// TryHours are the hours of the tries that follow the daily time: from
// its hour to 23, all at its minute.
func TryHours(hour int) []int {
	var hs []int
	for h := hour; h <= 23; h++ {
		hs = append(hs, h)
	}
	return hs
}

// PeriodStart is the start of the backup day a try at now belongs to: the
// latest daily time at or before now. A try before the daily time belongs
// to the day before: a PC switched on in the morning catches up the
// backup that the evening before could not make.
func PeriodStart(now time.Time, daily string) (time.Time, error) {
	h, m, err := ParseDaily(daily)
	if err != nil {
		return time.Time{}, err
	}
	y, mo, d := now.Date()
	start := time.Date(y, mo, d, h, m, 0, 0, now.Location())
	if start.After(now) {
		start = time.Date(y, mo, d-1, h, m, 0, 0, now.Location())
	}
	return start, nil
}

// repetitionDuration is how long after the daily time the hourly tries go
// on: until midnight, as an XML duration (PT5H30M for 18:30).
func repetitionDuration(h, m int) string {
	left := 24*60 - (h*60 + m)
	s := "PT"
	if left/60 > 0 {
		s += fmt.Sprintf("%dH", left/60)
	}
	if left%60 > 0 {
		s += fmt.Sprintf("%dM", left%60)
	}
	return s
}
