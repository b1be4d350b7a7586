package h2

import "bytes"

// fletcher32 is H2's DataUtils.getFletcher32: big-endian 16-bit words,
// sums folded every 360 words, an odd last byte counted as a high byte.
// H2 protects its file header and chunk footers with it, so the checker
// must compute it bit for bit as H2 does.
func fletcher32(b []byte) uint32 {
	s1, s2 := uint32(0xffff), uint32(0xffff)
	even := len(b) &^ 1
	for i := 0; i < even; {
		end := i + 720
		if end > even {
			end = even
		}
		for ; i < end; i += 2 {
			s1 += uint32(b[i])<<8 | uint32(b[i+1])
			s2 += s1
		}
		s1 = (s1 & 0xffff) + (s1 >> 16)
		s2 = (s2 & 0xffff) + (s2 >> 16)
	}
	if len(b)&1 != 0 {
		s1 += uint32(b[len(b)-1]) << 8
		s2 += s1
	}
	s1 = (s1 & 0xffff) + (s1 >> 16)
	s2 = (s2 & 0xffff) + (s2 >> 16)
	return s2<<16 | s1
}

// kv is one key:value pair of an H2 text map. The maps are small (a dozen
// keys), so a slice beats a Go map and allocates once.
type kv struct{ k, v string }

// textMap is a parsed H2 map: file header, chunk header or chunk footer.
type textMap []kv

// get returns the last value for key, as H2's HashMap.put keeps the last.
func (m textMap) get(key string) (string, bool) {
	for i := len(m) - 1; i >= 0; i-- {
		if m[i].k == key {
			return m[i].v, true
		}
	}
	return "", false
}

// hex returns the value of key as H2's readHexLong reads it; ok is false
// when the key is absent or its value is not a number H2 accepts.
func (m textMap) hex(key string) (uint64, bool) {
	v, found := m.get(key)
	if !found {
		return 0, false
	}
	return parseJavaHex(v)
}

// hexOr is hex with a default for an absent or unreadable key.
func (m textMap) hexOr(key string, def uint64) uint64 {
	if v, ok := m.hex(key); ok {
		return v
	}
	return def
}

// parseJavaHex accepts what Java's Long.parseLong(s, 16) accepts (an
// optional sign, then hex digits, the value within int64), plus H2's
// special case of exactly 16 digits, which may exceed int64. The result is
// the two's complement bit pattern.
func parseJavaHex(s string) (uint64, bool) {
	if len(s) == 16 {
		var v uint64
		for i := 0; i < 16; i++ {
			d, ok := hexDigit(s[i])
			if !ok {
				return 0, false
			}
			v = v<<4 | uint64(d)
		}
		return v, true
	}
	neg := false
	i := 0
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		i = 1
	}
	if i == len(s) {
		return 0, false
	}
	var v uint64
	limit := uint64(1) << 63 // |MIN_VALUE|
	if !neg {
		limit--
	}
	for ; i < len(s); i++ {
		d, ok := hexDigit(s[i])
		if !ok {
			return 0, false
		}
		if v > (limit-uint64(d))>>4 {
			return 0, false
		}
		v = v<<4 | uint64(d)
	}
	if neg {
		v = -v
	}
	return v, true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseMapValue is H2's DataUtils.parseMapValue: it reads a value up to the
// next ',' outside quotes; inside quotes a backslash escapes the next
// character. It returns the value and the index after it; ok is false where
// H2 throws (a backslash at the very end).
func parseMapValue(s []byte, i int) (string, int, bool) {
	var b []byte
	start := i
	plain := true
	for i < len(s) {
		c := s[i]
		i++
		if c == ',' {
			break
		}
		if c != '"' {
			if !plain {
				b = append(b, c)
			}
			continue
		}
		if plain {
			b = append(b, s[start:i-1]...)
			plain = false
		}
		for i < len(s) {
			c = s[i]
			i++
			if c == '\\' {
				if i == len(s) {
					return "", i, false
				}
				c = s[i]
				i++
			} else if c == '"' {
				break
			}
			b = append(b, c)
		}
	}
	if plain {
		end := i
		if end > start && s[end-1] == ',' {
			end--
		}
		return string(s[start:end]), i, true
	}
	return string(b), i, true
}

// parseMap is H2's DataUtils.parseMap, used for chunk headers (which carry
// no checksum). ok is false where H2 throws "Not a map".
func parseMap(s []byte) (textMap, bool) {
	var m textMap
	for i := 0; i < len(s); {
		c := bytes.IndexByte(s[i:], ':')
		if c < 0 {
			return nil, false
		}
		key := string(s[i : i+c])
		v, next, ok := parseMapValue(s, i+c+1)
		if !ok {
			return nil, false
		}
		m = append(m, kv{key, v})
		i = next
	}
	return m, true
}

// trimJava returns the bounds of b without leading and trailing bytes that
// Java's signed comparison "b <= ' '" drops: 0x00-0x20 and 0x80-0xff.
func trimJava(b []byte) (int, int) {
	start, end := 0, len(b)
	for start < end && (b[start] <= ' ' || b[start] >= 0x80) {
		start++
	}
	for start < end && (b[end-1] <= ' ' || b[end-1] >= 0x80) {
		end--
	}
	return start, end
}

// parseChecksummedMap is H2's DataUtils.parseChecksummedMap, used for the
// file header copies and chunk footers: the map must contain a fletcher
// key whose value is the Fletcher-32 of the trimmed bytes before the ','
// that precedes it. It returns the pairs before fletcher, the stored and
// the computed checksum, and a reason when the map is not valid.
func parseChecksummedMap(b []byte) (m textMap, stored, computed uint32, reason string) {
	start, end := trimJava(b)
	s := b[start:end]
	for i := 0; i < len(s); {
		c := bytes.IndexByte(s[i:], ':')
		if c < 0 {
			return nil, 0, 0, "not a key:value map"
		}
		if c == 8 && string(s[i:i+8]) == "fletcher" {
			v, _, ok := parseMapValue(s, i+9)
			if !ok {
				return nil, 0, 0, "fletcher value unreadable"
			}
			x, ok := parseJavaHex(v)
			if !ok {
				return nil, 0, 0, "fletcher value is not hex"
			}
			stored = uint32(x)
			// H2 passes length startKey-1; for a map that starts
			// with fletcher that is -1, and Java then reads one
			// byte as the odd tail. Do the same, not something
			// more sensible.
			if i == 0 {
				computed = fletcherMinusOne(s)
			} else {
				computed = fletcher32(s[:i-1])
			}
			if stored != computed {
				return m, stored, computed, "checksum mismatch"
			}
			return m, stored, computed, ""
		}
		key := string(s[i : i+c])
		v, next, ok := parseMapValue(s, i+c+1)
		if !ok {
			return nil, 0, 0, "not a key:value map"
		}
		m = append(m, kv{key, v})
		i = next
	}
	return nil, 0, 0, "no checksum"
}

// fletcherMinusOne mirrors getFletcher32(bytes, start, -1).
func fletcherMinusOne(s []byte) uint32 {
	s1, s2 := uint32(0xffff), uint32(0xffff)
	if len(s) > 0 {
		s1 += uint32(s[0]) << 8
		s2 += s1
	}
	s1 = (s1 & 0xffff) + (s1 >> 16)
	s2 = (s2 & 0xffff) + (s2 >> 16)
	return s2<<16 | s1
}
