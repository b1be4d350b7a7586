// Package volume tells which drive holds a folder: the identity of the
// file system (its UUID on Linux, the volume GUID or serial number on
// Windows, the volume UUID on macOS), so that a scheduled backup can
// refuse a different drive that now sits at the same letter or path.
//
// An identity is only recorded when it is stable: a device number or a
// /dev name changes from one plug-in to the next, and a refusal on such
// a change would be a false alarm. Where no stable identity can be read,
// Of returns ErrUnknown.
//
// The package never prints and never exits.
package volume

import (
	"errors"
	"fmt"
	"strings"
)

// ID is the identity of the volume that holds a folder.
type ID struct {
	// Kind says what Value is: KindUUID, KindGUID, KindSerial,
	// KindMacUUID or KindShare.
	Kind  string `json:"kind"`
	Value string `json:"value"`
	// Root is where the volume is mounted (D:\, /media/budi/USB), and
	// Label its name, when it has one. Neither counts in Same: another
	// drive may carry the same label, and the same drive may be mounted
	// elsewhere.
	Root  string `json:"root,omitempty"`
	Label string `json:"label,omitempty"`
	// FS is the file system type (ext4, vfat, NTFS), for messages.
	FS string `json:"fs,omitempty"`
}

// Kinds of identity.
const (
	KindUUID    = "uuid"          // Linux: the file system's UUID (as blkid shows it)
	KindGUID    = "volume-guid"   // Windows: \\?\Volume{...}\
	KindSerial  = "volume-serial" // Windows: the serial number, where no GUID exists (a network share)
	KindMacUUID = "volume-uuid"   // macOS: the volume UUID (diskutil info)
	KindShare   = "share"         // a network share: server and share name
)

var kinds = []string{KindUUID, KindGUID, KindSerial, KindMacUUID, KindShare}

// ErrUnknown says no stable identity could be read for the volume.
var ErrUnknown = errors.New("the drive's identity cannot be read")

// Same reports whether a and b name the same volume.
func (a ID) Same(b ID) bool {
	return a.Kind == b.Kind && strings.EqualFold(a.Value, b.Value)
}

// String is the identity as a command line carries it: KIND:VALUE.
func (a ID) String() string { return a.Kind + ":" + a.Value }

// Describe is the identity for a person: the label, the root and the
// value.
func (a ID) Describe() string {
	var parts []string
	if a.Label != "" {
		parts = append(parts, fmt.Sprintf("%q", a.Label))
	}
	if a.Root != "" {
		parts = append(parts, a.Root)
	}
	parts = append(parts, a.String())
	return strings.Join(parts, ", ")
}

// Parse reads KIND:VALUE, as String writes it.
func Parse(s string) (ID, error) {
	k, v, ok := strings.Cut(s, ":")
	if !ok || v == "" || strings.ContainsAny(s, "\x00\r\n") {
		return ID{}, fmt.Errorf("drive identity %q: want KIND:VALUE (%s)", s, strings.Join(kinds, ", "))
	}
	for _, known := range kinds {
		if k == known {
			return ID{Kind: k, Value: v}, nil
		}
	}
	return ID{}, fmt.Errorf("drive identity %q: unknown kind %q (%s)", s, k, strings.Join(kinds, ", "))
}

// Of returns the identity of the volume that holds path, which must
// exist. ErrUnknown (wrapped) means the volume has no identity that can
// be read here; Root and FS may still be set.
func Of(path string) (ID, error) { return of(path) }
