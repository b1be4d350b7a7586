//go:build windows

package crypt

import (
	"path/filepath"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// An identity file gets the private access list of fsutil.OpenPrivate: the
// user may open it, Everyone, Users and Authenticated Users may not.
func TestIdentityFileOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key.txt")
	if _, err := NewIdentityFile(path, time.Now()); err != nil {
		t.Fatal(err)
	}
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	dacl, _, err := sd.DACL()
	if err != nil || dacl == nil {
		t.Fatalf("no access list: %v", err)
	}
	others := map[string]string{"S-1-1-0": "Everyone", "S-1-5-32-545": "Users", "S-1-5-11": "Authenticated Users"}
	user := false
	for i := uint32(0); i < uint32(dacl.AceCount); i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			t.Fatal(err)
		}
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE {
			continue
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart)).String()
		if who, ok := others[sid]; ok {
			t.Errorf("%s may open the identity file (%s)", who, sd)
		}
		user = user || sid == tu.User.Sid.String()
	}
	if !user {
		t.Errorf("the user may not open the identity file (%s)", sd)
	}
}
