package volume

import (
	"fmt"
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"
)

func of(path string) (ID, error) {
	p, err := filepath.Abs(path)
	if err != nil {
		return ID{}, err
	}
	p16, err := windows.UTF16PtrFromString(p)
	if err != nil {
		return ID{}, err
	}
	buf := make([]uint16, windows.MAX_LONG_PATH)
	if err := windows.GetVolumePathName(p16, &buf[0], uint32(len(buf))); err != nil {
		return ID{}, fmt.Errorf("%s: the drive that holds it: %w", p, err)
	}
	root := windows.UTF16ToString(buf)
	if !strings.HasSuffix(root, `\`) {
		root += `\`
	}
	id := ID{Root: root}
	r16, _ := windows.UTF16PtrFromString(root)
	var serial, maxLen, flags uint32
	label := make([]uint16, windows.MAX_PATH+1)
	fs := make([]uint16, windows.MAX_PATH+1)
	infoErr := windows.GetVolumeInformation(r16, &label[0], uint32(len(label)), &serial, &maxLen, &flags, &fs[0], uint32(len(fs)))
	if infoErr == nil {
		id.Label, id.FS = windows.UTF16ToString(label), windows.UTF16ToString(fs)
	}
	guid := make([]uint16, 64)
	if err := windows.GetVolumeNameForVolumeMountPoint(r16, &guid[0], uint32(len(guid))); err == nil {
		if g := windows.UTF16ToString(guid); strings.HasPrefix(g, `\\?\Volume{`) {
			id.Kind, id.Value = KindGUID, strings.TrimSuffix(strings.TrimPrefix(g, `\\?\Volume`), `\`)
			return id, nil
		}
	}
	// A network share has no volume GUID; its serial number is the
	// server's volume's.
	if infoErr == nil && serial != 0 {
		id.Kind, id.Value = KindSerial, serial32(serial)
		return id, nil
	}
	if infoErr != nil {
		return id, fmt.Errorf("%s: %v: %w", root, infoErr, ErrUnknown)
	}
	return id, fmt.Errorf("%s: %w", root, ErrUnknown)
}
