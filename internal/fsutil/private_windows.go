//go:build windows

package fsutil

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	privateSDOnce sync.Once
	privateSD     *windows.SECURITY_DESCRIPTOR
	privateSDErr  error
)

// PrivateSDDL is the access list OpenPrivate gives the files it creates,
// with USER standing for the current user's SID: protected (P: nothing is
// inherited from the folder), full access for the user, SYSTEM (SY) and
// the Administrators group (BA), and nobody else.
const PrivateSDDL = "D:P(A;;FA;;;USER)(A;;FA;;;SY)(A;;FA;;;BA)"

func privateDescriptor() (*windows.SECURITY_DESCRIPTOR, error) {
	privateSDOnce.Do(func() {
		tu, err := windows.GetCurrentProcessToken().GetTokenUser()
		if err != nil {
			privateSDErr = err
			return
		}
		sddl := strings.Replace(PrivateSDDL, "USER", tu.User.Sid.String(), 1)
		privateSD, privateSDErr = windows.SecurityDescriptorFromString(sddl)
	})
	return privateSD, privateSDErr
}

func openPrivate(path string, flag int) (*os.File, error) {
	if flag&os.O_CREATE == 0 {
		return os.OpenFile(path, flag, PrivatePerm)
	}
	sd, err := privateDescriptor()
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	var access uint32
	switch {
	case flag&os.O_APPEND != 0:
		// With FILE_APPEND_DATA and without FILE_WRITE_DATA every
		// write goes to the end of the file.
		access = windows.FILE_APPEND_DATA | windows.SYNCHRONIZE | windows.FILE_READ_ATTRIBUTES
		if flag&os.O_RDWR != 0 {
			access |= windows.GENERIC_READ
		}
	case flag&os.O_RDWR != 0:
		access = windows.GENERIC_READ | windows.GENERIC_WRITE
	case flag&os.O_WRONLY != 0:
		access = windows.GENERIC_WRITE
	default:
		access = windows.GENERIC_READ
	}
	var disposition uint32
	switch {
	case flag&os.O_EXCL != 0:
		disposition = windows.CREATE_NEW
	case flag&os.O_TRUNC != 0:
		disposition = windows.CREATE_ALWAYS
	default:
		disposition = windows.OPEN_ALWAYS
	}
	name, err := windows.UTF16PtrFromString(longPath(path))
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	sa := windows.SecurityAttributes{SecurityDescriptor: sd}
	sa.Length = uint32(unsafe.Sizeof(sa))
	h, err := windows.CreateFile(name, access, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, &sa, disposition, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

// longPath gives an absolute path the \\?\ form, which lifts the 260
// character limit of the classic Windows path functions.
func longPath(path string) string {
	if len(path) < 248 || strings.HasPrefix(path, `\\?\`) {
		return path
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if strings.HasPrefix(abs, `\\`) {
		return `\\?\UNC\` + abs[2:]
	}
	return `\\?\` + abs
}
