package schedule

import (
	"strings"
	"testing"
)

// One install folder always gives one unique label, however its path is
// written; two folders give two; the label is a valid one within 64
// characters.
func TestUniqueLabel(t *testing.T) {
	a := UniqueLabel("eFaktur", `D:\PT-Maju\eFaktur`)
	if a != UniqueLabel("eFaktur", `d:/pt-maju/efaktur/`) {
		t.Errorf("one folder written two ways gives two labels")
	}
	if a == UniqueLabel("eFaktur", `D:\PT-Jaya\eFaktur`) {
		t.Errorf("two folders give one label %q", a)
	}
	long := UniqueLabel(strings.Repeat("x", 64), "/srv/efaktur")
	for _, l := range []string{a, long} {
		if err := (Spec{Label: l, Exe: "/e", Install: "/i", Out: "/o", Daily: "18:00"}).Validate(); err != nil || len(l) > 64 {
			t.Errorf("%q: %v", l, err)
		}
	}
}

// Records lists what Install recorded, and Record(label) is nil for a
// label never installed.
func TestRecords(t *testing.T) {
	e := Env{ConfigDir: t.TempDir()}
	if r, err := e.Records(); err != nil || len(r) != 0 {
		t.Fatalf("no records yet: %v %v", r, err)
	}
	if r, err := e.Record("none"); err != nil || r != nil {
		t.Fatalf("Record of nothing: %v %v", r, err)
	}
}
