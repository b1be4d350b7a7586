package derby

import (
	"strconv"
	"strings"
)

// maxPropertiesSize bounds what is kept of service.properties (about 1 KiB
// in a real database).
const maxPropertiesSize = 1 << 20

// parseProperties reads a file written by java.util.Properties.store
// (ISO-8859-1, backslash escapes, continuation lines), as Derby reads
// service.properties. Malformed escapes are kept literally, as Java's own
// reader does for all but \u, where Java throws: those lines are dropped
// and counted in bad.
func parseProperties(b []byte) (props map[string]string, bad int) {
	props = map[string]string{}
	for len(b) > 0 {
		var line []byte
		line, b = logicalLine(b)
		if line == nil {
			continue
		}
		k, v, ok := splitProperty(line)
		if !ok {
			bad++
			continue
		}
		props[k] = v
	}
	return props, bad
}

// logicalLine returns the next logical line with continuations joined (and
// the leading blanks of each continuation dropped), or nil for a blank or
// comment line.
func logicalLine(b []byte) (line, rest []byte) {
	first := true
	for {
		// skip leading white space of a natural line
		i := 0
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\f') {
			i++
		}
		b = b[i:]
		end := 0
		for end < len(b) && b[end] != '\n' && b[end] != '\r' {
			end++
		}
		nat := b[:end]
		next := end
		if next < len(b) {
			next++
			if b[end] == '\r' && next < len(b) && b[next] == '\n' {
				next++
			}
		}
		b = b[next:]
		if first {
			if len(nat) == 0 {
				return nil, b
			}
			if nat[0] == '#' || nat[0] == '!' {
				return nil, b
			}
		}
		first = false
		// an odd number of trailing backslashes continues the line
		n := 0
		for j := len(nat) - 1; j >= 0 && nat[j] == '\\'; j-- {
			n++
		}
		if n%2 == 1 && len(b) > 0 {
			line = append(line, nat[:len(nat)-1]...)
			continue
		}
		if n%2 == 1 {
			nat = nat[:len(nat)-1]
		}
		line = append(line, nat...)
		return line, b
	}
}

// splitProperty splits a logical line into its unescaped key and value.
func splitProperty(line []byte) (key, value string, ok bool) {
	i := 0
	for i < len(line) {
		c := line[i]
		if c == '\\' {
			i += 2
			continue
		}
		if c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f' {
			break
		}
		i++
	}
	if i > len(line) {
		i = len(line)
	}
	k := line[:i]
	j := i
	for j < len(line) && (line[j] == ' ' || line[j] == '\t' || line[j] == '\f') {
		j++
	}
	if j < len(line) && (line[j] == '=' || line[j] == ':') {
		j++
		for j < len(line) && (line[j] == ' ' || line[j] == '\t' || line[j] == '\f') {
			j++
		}
	}
	key, ok1 := unescape(k)
	value, ok2 := unescape(line[j:])
	return key, value, ok1 && ok2
}

func unescape(b []byte) (string, bool) {
	var s strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 >= len(b) {
			s.WriteRune(rune(c)) // ISO-8859-1: each byte is its code point
			continue
		}
		i++
		switch b[i] {
		case 't':
			s.WriteByte('\t')
		case 'n':
			s.WriteByte('\n')
		case 'r':
			s.WriteByte('\r')
		case 'f':
			s.WriteByte('\f')
		case 'u':
			if i+5 > len(b) {
				return "", false
			}
			v, err := strconv.ParseUint(string(b[i+1:i+5]), 16, 16)
			if err != nil {
				return "", false
			}
			s.WriteRune(rune(v))
			i += 4
		default:
			s.WriteRune(rune(b[i]))
		}
	}
	return s.String(), true
}
