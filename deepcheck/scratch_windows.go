package deepcheck

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// mkdirTempPrivate makes a new folder in parent whose access list admits
// only the user, SYSTEM and the Administrators (fsutil.PrivateSDDL),
// protected from what parent would pass down: a scratch folder on a shared
// disk holds a copy of the taxpayer's database.
func mkdirTempPrivate(parent, pattern string) (string, error) {
	if parent == "" {
		parent = os.TempDir()
	}
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return "", err
	}
	sd, err := windows.SecurityDescriptorFromString(strings.Replace(fsutil.PrivateSDDL, "USER", tu.User.Sid.String(), 1))
	if err != nil {
		return "", err
	}
	sa := windows.SecurityAttributes{SecurityDescriptor: sd}
	sa.Length = uint32(unsafe.Sizeof(sa))
	for i := 0; i < 100; i++ {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		dir := filepath.Join(parent, pattern+hex.EncodeToString(b[:]))
		name, err := windows.UTF16PtrFromString(dir)
		if err != nil {
			return "", err
		}
		err = windows.CreateDirectory(name, &sa)
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, windows.ERROR_ALREADY_EXISTS) {
			return "", &os.PathError{Op: "mkdir", Path: dir, Err: err}
		}
	}
	return "", &os.PathError{Op: "mkdir", Path: filepath.Join(parent, pattern+"*"), Err: os.ErrExist}
}
