package retention

import "testing"

// FuzzParseDuration: whatever --keep-within gets, parsing never panics, and
// a span it accepts is written back by String as a span that parses to
// the same value.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"30d", "2w", "1y6m", "12h", "0d", "1d1d", "99999999999999999999d", "1y2m3w4d5h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		again, err := ParseDuration(d.String())
		if err != nil || again != d {
			t.Fatalf("%q -> %+v -> %q -> %+v, %v", s, d, d.String(), again, err)
		}
	})
}
