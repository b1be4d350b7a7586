package store

import (
	"fmt"
	"strings"
	"unicode/utf8"
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
		return fmt.Errorf("empty name")
	case name == "." || name == "..":
		return fmt.Errorf("name %q is not a file name", name)
	case len(name) > MaxNameLen:
		return fmt.Errorf("name longer than %d bytes", MaxNameLen)
	case !utf8.ValidString(name):
		return fmt.Errorf("name %q is not valid UTF-8", name)
	case strings.ContainsAny(name, `/\`):
		return fmt.Errorf("name %q holds a path separator", name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("name %q holds a control character", name)
		}
	}
	return nil
}
