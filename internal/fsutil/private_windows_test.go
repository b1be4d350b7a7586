//go:build windows

package fsutil

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// The files efbackup creates are private on Windows: a protected access
// list (nothing inherited from the folder) for the current user, SYSTEM
// and Administrators only. Run under Wine in CI (scripts/wine-unit.sh).
func TestPrivateFilesOnWindows(t *testing.T) {
	dir := t.TempDir()
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{tu.User.Sid.String(), "S-1-5-18", "S-1-5-32-544"} // the user, SYSTEM, Administrators
	sort.Strings(want)

	atomic := filepath.Join(dir, "snap.tar.zst")
	a, err := CreateAtomic(atomic, PrivatePerm)
	if err != nil {
		t.Fatal(err)
	}
	a.Write([]byte("data"))
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	small := filepath.Join(dir, "sidecar.json")
	if err := WriteFileAtomic(small, []byte("{}"), PrivatePerm); err != nil {
		t.Fatal(err)
	}
	replaced := filepath.Join(dir, "journal")
	for i := 0; i < 2; i++ {
		if err := ReplaceFileAtomic(replaced, []byte("x"), PrivatePerm); err != nil {
			t.Fatal(err)
		}
	}
	logf := appendTwice(t, dir)
	excl := filepath.Join(dir, "lock")
	f, err := OpenPrivate(excl, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := OpenPrivate(excl, os.O_WRONLY|os.O_CREATE|os.O_EXCL); !os.IsExist(err) {
		t.Fatalf("O_EXCL on an existing file: %v", err)
	}
	long := filepath.Join(dir, strings.Repeat("a", 120), strings.Repeat("b", 120), "long.json")
	if err := os.MkdirAll(filepath.Dir(long), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(long, []byte("{}"), PrivatePerm); err != nil {
		t.Fatalf("a path of %d characters: %v", len(long), err)
	}

	// Wine keeps no access lists: it answers with one made from the Unix
	// mode bits, into which it turned the list it was given. There the
	// test can check what the list meant (no access for everyone else);
	// on Windows itself, the list exactly.
	wine := windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
	others := map[string]string{"S-1-1-0": "Everyone", "S-1-5-32-545": "Users", "S-1-5-11": "Authenticated Users"}
	for _, p := range []string{atomic, small, replaced, logf, excl, long} {
		sd, err := windows.GetNamedSecurityInfo(longPath(p), windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		got := allowedSIDs(t, sd)
		hasUser := false
		for _, sid := range got {
			if who, ok := others[sid]; ok {
				t.Errorf("%s: %s may open it (%s)", filepath.Base(p), who, sd.String())
			}
			hasUser = hasUser || sid == tu.User.Sid.String()
		}
		if !hasUser {
			t.Errorf("%s: the user may not open it (%s)", filepath.Base(p), sd.String())
		}
		if wine {
			continue
		}
		ctl, _, err := sd.Control()
		if err != nil {
			t.Fatal(err)
		}
		if ctl&windows.SE_DACL_PROTECTED == 0 {
			t.Errorf("%s: the access list inherits from the folder: %s", filepath.Base(p), sd.String())
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: access for %v, want only %v (%s)", filepath.Base(p), got, want, sd.String())
		}
	}
	// What an ordinary file in the same folder gets, for comparison.
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, nil, 0o600); err == nil {
		if sd, err := windows.GetNamedSecurityInfo(plain, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION); err == nil {
			t.Logf("an ordinary file here gets %s (wine: %v)", sd.String(), wine)
		}
	}
}

func allowedSIDs(t *testing.T, sd *windows.SECURITY_DESCRIPTOR) []string {
	t.Helper()
	dacl, _, err := sd.DACL()
	if err != nil || dacl == nil {
		t.Fatalf("no access list: %v", err)
	}
	var out []string
	for i := uint32(0); i < uint32(dacl.AceCount); i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			t.Fatal(err)
		}
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE {
			t.Fatalf("ACE %d is of type %d", i, ace.Header.AceType)
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		out = append(out, sid.String())
	}
	sort.Strings(out)
	return out
}
