package fsutil

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The four points of an atomic write, and what is on disk at each: the
// crash tests kill the process there and rely on these states.
func TestHookPoints(t *testing.T) {
	defer func() { Hook = nil }()
	for _, replace := range []bool{false, true} {
		dir := t.TempDir()
		final := filepath.Join(dir, "record.json")
		old := ""
		if replace {
			old = "old"
			must(t, os.WriteFile(final, []byte(old), 0o600))
		}
		var seen []string
		Hook = func(point, f string) {
			if f != final {
				t.Errorf("%s: final name %s", point, f)
			}
			seen = append(seen, point)
			got, _ := os.ReadFile(final)
			temps, _ := filepath.Glob(filepath.Join(dir, "record.json.*"))
			var tmp []byte
			if len(temps) == 1 {
				tmp, _ = os.ReadFile(temps[0])
			}
			switch point {
			case PointCreated:
				if len(temps) != 1 || len(tmp) != 0 || string(got) != old {
					t.Errorf("replace=%v, %s: temps %v %q, final %q", replace, point, temps, tmp, got)
				}
			case PointWritten, PointSynced:
				// Written: the bytes may still sit in the page cache.
				if len(temps) != 1 || string(got) != old {
					t.Errorf("replace=%v, %s: temps %v, final %q", replace, point, temps, got)
				}
				if point == PointSynced && string(tmp) != "new" {
					t.Errorf("replace=%v, %s: temporary file holds %q", replace, point, tmp)
				}
			case PointRenamed:
				if len(temps) != 0 || string(got) != "new" {
					t.Errorf("replace=%v, %s: temps %v, final %q", replace, point, temps, got)
				}
			}
		}
		var err error
		if replace {
			err = ReplaceFileAtomic(final, []byte("new"), 0o600)
		} else {
			err = WriteFileAtomic(final, []byte("new"), 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{PointCreated, PointWritten, PointSynced, PointRenamed}; !slices.Equal(seen, want) {
			t.Errorf("replace=%v: points %v, want %v", replace, seen, want)
		}
	}
}
