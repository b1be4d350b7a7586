package store

import (
	"strings"
	"unicode/utf8"

	"github.com/efbackup/efbackup/internal/i18n"
)

// MaxNameLen is the longest name a store accepts, in bytes: what every
// file system efbackup writes to can hold in one path element.
const MaxNameLen = 255

// CheckName accepts the names a store holds: one path element, valid
// UTF-8, no control characters, no slash or backslash, not "." or "..".
// efbackup's own names (label, UTC time, suffix) are far inside that.
func CheckName(name string) error {
	switch {
	case name == "":
		return i18n.NewError("store.detail.name.empty")
	case name == "." || name == "..":
		return i18n.NewError("store.detail.name.dot", name)
	case len(name) > MaxNameLen:
		return i18n.NewError("store.detail.name.long", MaxNameLen)
	case !utf8.ValidString(name):
		return i18n.NewError("store.detail.name.utf8", name)
	case strings.ContainsAny(name, `/\`):
		return i18n.NewError("store.detail.name.separator", name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return i18n.NewError("store.detail.name.control", name)
		}
	}
	return nil
}
