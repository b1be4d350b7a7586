package volume

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"os/exec"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

func of(path string) (ID, error) {
	p, err := filepath.Abs(path)
	if err != nil {
		return ID{}, err
	}
	var st unix.Statfs_t
	if err := unix.Statfs(p, &st); err != nil {
		return ID{}, fmt.Errorf("%s: %w", p, err)
	}
	id := ID{Root: unix.ByteSliceToString(st.Mntonname[:]), FS: unix.ByteSliceToString(st.Fstypename[:])}
	switch id.FS {
	case "smbfs", "nfs", "afpfs", "webdav", "cifs":
		id.Kind, id.Value = KindShare, unix.ByteSliceToString(st.Mntfromname[:])
		return id, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "diskutil", "info", "-plist", id.Root).Output()
	if err != nil {
		return id, fmt.Errorf("%s: diskutil info: %v: %w", id.Root, err, ErrUnknown)
	}
	u, label := plistValues(out)
	if u == "" {
		return id, fmt.Errorf("%s: diskutil names no VolumeUUID: %w", id.Root, ErrUnknown)
	}
	id.Kind, id.Value, id.Label = KindMacUUID, u, label
	return id, nil
}

// plistValues reads VolumeUUID and VolumeName from diskutil's plist.
func plistValues(b []byte) (uuid, name string) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var key string
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		var text string
		if se.Name.Local != "key" && se.Name.Local != "string" {
			key = ""
			continue
		}
		if err := dec.DecodeElement(&text, &se); err != nil {
			return
		}
		if se.Name.Local == "key" {
			key = text
			continue
		}
		switch key {
		case "VolumeUUID":
			uuid = text
		case "VolumeName":
			name = text
		}
		key = ""
	}
}
