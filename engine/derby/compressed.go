package derby

// Derby's CompressedNumber encodings (iapi/services/io/CompressedNumber),
// used in record headers, field headers and log records. The decoders
// never read past b and report ok=false when b is too short.

// compressedInt decodes a compressed int: 00xxxxxx is one byte, 01xxxxxx
// two, 1xxxxxxx four.
func compressedInt(b []byte) (v int64, n int, ok bool) {
	if len(b) < 1 {
		return 0, 0, false
	}
	c := b[0]
	switch {
	case c&0xc0 == 0:
		return int64(c), 1, true
	case c&0x80 == 0:
		if len(b) < 2 {
			return 0, 0, false
		}
		return int64(c&0x3f)<<8 | int64(b[1]), 2, true
	}
	if len(b) < 4 {
		return 0, 0, false
	}
	return int64(c&0x7f)<<24 | int64(b[1])<<16 | int64(b[2])<<8 | int64(b[3]), 4, true
}

// compressedLong decodes a compressed long: the two top bits 00 mean two
// bytes, 01 four, 1x eight.
func compressedLong(b []byte) (v int64, n int, ok bool) {
	if len(b) < 2 {
		return 0, 0, false
	}
	c := b[0]
	switch {
	case c&0xc0 == 0:
		return int64(c)<<8 | int64(b[1]), 2, true
	case c&0x80 == 0:
		if len(b) < 4 {
			return 0, 0, false
		}
		return int64(c&0x3f)<<24 | int64(b[1])<<16 | int64(b[2])<<8 | int64(b[3]), 4, true
	}
	if len(b) < 8 {
		return 0, 0, false
	}
	v = int64(c & 0x7f)
	for _, x := range b[1:8] {
		v = v<<8 | int64(x)
	}
	return v, 8, true
}

// appendCompressedInt is CompressedNumber.writeInt, for tests and the
// damage generator; v must be in [0, 2^31).
func appendCompressedInt(b []byte, v int64) []byte {
	switch {
	case v <= 0x3f:
		return append(b, byte(v))
	case v <= 0x3fff:
		return append(b, 0x40|byte(v>>8), byte(v))
	}
	return append(b, byte(v>>24)|0x80, byte(v>>16), byte(v>>8), byte(v))
}

// appendCompressedLong is CompressedNumber.writeLong; v must be >= 0.
func appendCompressedLong(b []byte, v int64) []byte {
	switch {
	case v <= 0x3fff:
		return append(b, byte(v>>8), byte(v))
	case v <= 0x3fffffff:
		return append(b, byte(v>>24)|0x40, byte(v>>16), byte(v>>8), byte(v))
	}
	return append(b, byte(v>>56)|0x80, byte(v>>48), byte(v>>40), byte(v>>32),
		byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}
