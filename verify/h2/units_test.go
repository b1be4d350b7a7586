package h2

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
)

func TestFletcher32Vectors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint32
	}{
		{"", 0xffffffff},
		{"a", 0x61006100},
		{"ab", 0x61626162},
		{"abc", 0x25c5c462},
		{strings.Repeat("x", 2000), 0x69699696},
	} {
		if got := fletcher32([]byte(tc.in)); got != tc.want {
			t.Errorf("fletcher32(%.10q... len %d) = %08x, want %08x", tc.in, len(tc.in), got, tc.want)
		}
	}
}

// The spec's sample header (H2 2.1.214) and footer checksums.
func TestSampleHeaderAndFooter(t *testing.T) {
	hdr := "H:2,block:3,blockSize:1000,chunk:2,clean:1,created:1a1fc590b15,format:2,version:2,fletcher:92f96a0f\n"
	covered := hdr[:strings.Index(hdr, ",fletcher")]
	if len(covered) != 81 {
		t.Fatalf("covered bytes: %d, want 81", len(covered))
	}
	if got := fletcher32([]byte(covered)); got != 0x92f96a0f {
		t.Errorf("header checksum %08x, want 92f96a0f", got)
	}
	block := make([]byte, blockSize)
	copy(block, hdr)
	h := parseHeader(block)
	if !h.ok || h.format != 2 || h.version != 2 || !h.clean || h.chunk != 2 || h.block != 3 {
		t.Errorf("parseHeader: %+v", h)
	}
	if got := fletcher32([]byte("chunk:1,block:2,version:1")); got != 0x84d0d5f6 {
		t.Errorf("footer checksum %08x, want 84d0d5f6", got)
	}
	foot := []byte("chunk:1,block:2,version:1,fletcher:84d0d5f6")
	foot = append(foot, bytes.Repeat([]byte(" "), footerLen-1-len(foot))...)
	foot = append(foot, '\n')
	f := parseFooter(foot, 3*blockSize)
	if f.reason != "" || f.id != 1 || f.start != 2 || f.version != 1 {
		t.Errorf("parseFooter: %+v", f)
	}
	// Format 3 names the length, not the block.
	foot3 := []byte("chunk:13,len:1,version:13,fletcher:30eb2342")
	foot3 = append(foot3, bytes.Repeat([]byte(" "), footerLen-1-len(foot3))...)
	foot3 = append(foot3, '\n')
	if f := parseFooter(foot3, 0x1e*blockSize); f.reason != "" || f.id != 0x13 || f.start != 0x1d {
		t.Errorf("parseFooter format 3: %+v", f)
	}
}

func TestPageStoreCRCSample(t *testing.T) {
	// 4092 bytes beginning 0000000000000038 00000003 00000000 00000000.
	b := make([]byte, 4092)
	binary.BigEndian.PutUint64(b, 0x38)
	binary.BigEndian.PutUint32(b[8:], 3)
	if got := crc32.ChecksumIEEE(b); got != 0x59443bcb {
		t.Errorf("CRC %08x, want 59443bcb", got)
	}
}

func TestParseChecksummedMapEdges(t *testing.T) {
	sum := func(s string) string {
		return s + ",fletcher:" + strings.ToLower(strings.TrimLeft(strings.ToUpper(hex32(fletcher32([]byte(s)))), "0"))
	}
	for _, tc := range []struct {
		name string
		in   string
		ok   bool
	}{
		{"plain", sum("H:2,format:2"), true},
		{"quoted value with comma", sum(`a:"x,y",b:1`), true},
		{"leading and trailing junk trimmed", "\x00\x85 " + sum("H:2") + "\n\x00\xff", true},
		{"bad checksum", "H:2,fletcher:1234", false},
		{"no checksum", "H:2,format:2", false},
		{"no colon", "garbage", false},
		{"fletcher not hex", "H:2,fletcher:xyz", false},
		{"fletcher overflow", "H:2,fletcher:fffffffffffffffff", false},
		{"trailing backslash in quotes", `a:"x\`, false},
		{"printable after newline", sum("H:2") + "\n\x00\x00A", false},
	} {
		_, _, _, reason := parseChecksummedMap([]byte(tc.in))
		if (reason == "") != tc.ok {
			t.Errorf("%s: %q: reason %q, want ok=%v", tc.name, tc.in, reason, tc.ok)
		}
	}
	m, _, _, reason := parseChecksummedMap([]byte(sum(`a:"x,\"y",b:1`)))
	if v, _ := m.get("a"); reason != "" || v != `x,"y` {
		t.Errorf("quoted value: %q (%s)", v, reason)
	}
}

func hex32(v uint32) string {
	const digits = "0123456789abcdef"
	var b [8]byte
	for i := 7; i >= 0; i-- {
		b[i] = digits[v&15]
		v >>= 4
	}
	return string(b[:])
}

func TestParseJavaHex(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true},
		{"1a", 0x1a, true},
		{"FF", 0xff, true},
		{"-1", ^uint64(0), true},
		{"+10", 16, true},
		{"7fffffffffffffff", 1<<63 - 1, true},
		{"ffffffffffffffff", ^uint64(0), true}, // H2's 16-digit special case
		{"1ffffffffffffffff", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"g", 0, false},
		{"80000000000000000", 0, false},
	} {
		got, ok := parseJavaHex(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("parseJavaHex(%q) = %x, %v; want %x, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestEncodeLength(t *testing.T) {
	// H2's DataUtils.getPageMaxLength inverts the code: every length
	// must fit its class, and the class must be the smallest that fits.
	maxLen := func(code int32) int64 {
		if code == 31 {
			return 1 << 30
		}
		size := int64(2+(code&1)) << uint(code>>1+4)
		return size
	}
	for _, l := range []int32{1, 32, 33, 48, 49, 64, 65, 100, 1000, 4096, 100000, 1 << 20} {
		c := encodeLength(l)
		if int64(l) > maxLen(c) {
			t.Errorf("encodeLength(%d) = %d, which holds only %d", l, c, maxLen(c))
		}
		if c > 0 && int64(l) <= maxLen(c-1) {
			t.Errorf("encodeLength(%d) = %d, but %d holds %d", l, c, c-1, maxLen(c-1))
		}
	}
}

func TestEveryCodeHasBothLanguages(t *testing.T) {
	consts := []string{
		CodeTooSmall, CodeSizeNotAligned, CodeSizeChanged, CodeHeaderCopyBad, CodeHeaderBothBad,
		CodeHeaderCopiesDiffer, CodeNotClean, CodeCleanHeaderStale, CodeChunkMissing, CodeTruncated,
		CodeFooterBad, CodeFooterMismatch, CodePageBad, CodePageCheck, CodeTOCBad, CodeNoChunk,
		CodeChunkOverlap, CodeMagicBad, CodeMagicCopyBad, CodePageSizeBad, CodeVersionUnsupported,
		CodeWriteVersionNewer, CodeLogNotEmpty, CodeTrace90030, CodeTrace90020, CodeLeftoverTempFile,
		CodeLeftoverNewFile, CodePageStoreAndMV,
	}
	if len(consts) != len(Codes()) {
		t.Errorf("%d code constants, %d messages", len(consts), len(Codes()))
	}
	for _, c := range consts {
		m, ok := messages[c]
		if !ok || m.en == "" || m.id == "" || m.en == m.id {
			t.Errorf("code %q: en %q, id %q", c, m.en, m.id)
			continue
		}
		f := Finding{Verdict: Damaged, Code: c, Offset: 1, Detail: "d"}
		if en, id := f.Message("en"), f.Message("id"); en == id || !strings.HasSuffix(en, "(d)") || !strings.HasSuffix(id, "(d)") {
			t.Errorf("code %q: Message en %q id %q", c, en, id)
		}
	}
	// Every code a check can produce is a constant: scan the findings of
	// the damage variants.
	known := map[string]bool{}
	for _, c := range consts {
		known[c] = true
	}
	for _, v := range makeVariants(t) {
		for _, f := range check(v.base, v.data).Findings {
			if !known[f.Code] {
				t.Errorf("%s: finding code %q has no message", v.name, f.Code)
			}
		}
	}
}

func TestVerdictOrder(t *testing.T) {
	if !Damaged.Worse(Warning) || !Warning.Worse(OK) || OK.Worse(OK) || Warning.Worse(Damaged) {
		t.Error("verdict order wrong")
	}
}

func TestBuildScanner(t *testing.T) {
	hit := []byte("xx SET CREATE_BUILD 214\n")
	for _, tc := range []struct {
		name string
		off  int64 // where the text sits
		size int64
		want string
	}{
		{"at the start", 100, 64 << 20, "214"},
		{"at the end", 64<<20 - 1000, 64 << 20, "214"},
		{"in the middle of a big file", 32 << 20, 64 << 20, ""},
		{"small file, anywhere", 20 << 20, 30 << 20, "214"},
	} {
		s := buildScanner{size: tc.size}
		// Stream zeros with the text at off, in 1 MiB writes that
		// split it at an awkward place.
		buf := make([]byte, 1<<20)
		for base := int64(0); base < tc.size; base += int64(len(buf)) {
			clear(buf)
			for i, c := range hit {
				if o := tc.off + int64(i) - base; o >= 0 && o < int64(len(buf)) {
					buf[o] = c
				}
			}
			s.feed(buf, base)
		}
		if s.build != tc.want {
			t.Errorf("%s: build %q, want %q", tc.name, s.build, tc.want)
		}
	}
}
