package store

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"
)

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"eFaktur-20261121T080000Z.tar.zst", "a", "PT.Maju_Jaya-2", "nama dengan spasi", strings.Repeat("x", MaxNameLen)} {
		if err := CheckName(ok); err != nil {
			t.Errorf("CheckName(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "a/b", `a\b`, "a\x00", "a\nb", "\x7f", "\xff", strings.Repeat("x", MaxNameLen+1)} {
		if err := CheckName(bad); err == nil {
			t.Errorf("CheckName(%q) accepted", bad)
		}
	}
}

func TestErrors(t *testing.T) {
	e := &Error{Kind: KindNoBucket, Op: "list", Where: "s3://b/p", Detail: `bucket "b" does not exist`}
	if e.Error() != `s3://b/p: list: bucket "b" does not exist` || e.Hint() == "" || KindOf(e) != KindNoBucket {
		t.Fatalf("%q %q", e.Error(), e.Hint())
	}
	nf := &Error{Kind: KindServer, Where: "s3://b", Name: "x", Op: "stat", Detail: "not found", Err: ErrNotFound}
	if !errors.Is(nf, ErrNotFound) || !errors.Is(nf, fs.ErrNotExist) {
		t.Fatal("not found does not match fs.ErrNotExist")
	}
	r := Retention{Mode: "GOVERNANCE", Until: time.Now().Add(time.Hour)}
	if !r.Active(time.Now()) || r.Active(time.Now().Add(2*time.Hour)) || (Retention{}).Active(time.Now()) {
		t.Fatal("Retention.Active")
	}
	re := &RetainedError{Where: "s3://b", Name: "x", Retention: r}
	if !strings.Contains(re.Error(), "governance retention until") {
		t.Fatal(re.Error())
	}
}
