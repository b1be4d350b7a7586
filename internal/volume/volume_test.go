package volume

import (
	"bytes"
	"encoding/binary"
	"testing"
)

func TestParse(t *testing.T) {
	for _, s := range []string{"uuid:11111111-2222-3333-4444-555555555555", "volume-guid:{6a1b0c2e-0000-0000-0000-100000000000}", "volume-serial:1A2B-3C4D", "share://nas/backup"} {
		id, err := Parse(s)
		if err != nil || id.String() != s {
			t.Errorf("Parse(%q) = %+v, %v", s, id, err)
		}
	}
	for _, s := range []string{"", "uuid", "uuid:", "disk:1", "uuid:a\nb"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
	a := ID{Kind: KindGUID, Value: "{ABC}", Root: `D:\`, Label: "USB"}
	if !a.Same(ID{Kind: KindGUID, Value: "{abc}", Root: `E:\`}) || a.Same(ID{Kind: KindSerial, Value: "{ABC}"}) || a.Same(ID{Kind: KindGUID, Value: "{ABD}"}) {
		t.Error("Same")
	}
}

// The identities read from boot sectors and superblocks are the ones
// blkid prints for the same file systems.
func TestSuperblocks(t *testing.T) {
	img := func(size int, set func(b []byte)) *bytes.Reader {
		b := make([]byte, size)
		set(b)
		return bytes.NewReader(b)
	}
	cases := []struct {
		name, want, fs string
		r              *bytes.Reader
	}{
		{"ext4", "11111111-2222-3333-4444-555555555555", "ext", img(4096, func(b []byte) {
			binary.LittleEndian.PutUint16(b[1024+56:], 0xEF53)
			copy(b[1024+104:], []byte{0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x33, 0x33, 0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55})
		})},
		{"fat32", "1234-ABCD", "vfat", img(1024, func(b []byte) {
			copy(b[0x52:], "FAT32   ")
			binary.LittleEndian.PutUint32(b[0x43:], 0x1234ABCD)
			b[510], b[511] = 0x55, 0xAA
		})},
		{"fat16", "0BAD-F00D", "vfat", img(1024, func(b []byte) {
			copy(b[0x36:], "FAT16   ")
			binary.LittleEndian.PutUint32(b[0x27:], 0x0BADF00D)
			b[510], b[511] = 0x55, 0xAA
		})},
		{"exfat", "C0FF-EE00", "exfat", img(1024, func(b []byte) {
			copy(b[3:], "EXFAT   ")
			binary.LittleEndian.PutUint32(b[0x64:], 0xC0FFEE00)
		})},
		{"ntfs", "01D2A3B4C5D6E7F8", "ntfs", img(1024, func(b []byte) {
			copy(b[3:], "NTFS    ")
			binary.LittleEndian.PutUint64(b[0x48:], 0x01D2A3B4C5D6E7F8)
		})},
	}
	for _, c := range cases {
		u, fs, ok := fsUUID(c.r)
		if !ok || u != c.want || fs != c.fs {
			t.Errorf("%s: %q %q %v, want %q", c.name, u, fs, ok, c.want)
		}
	}
	if _, _, ok := fsUUID(bytes.NewReader(make([]byte, 8192))); ok {
		t.Error("zeros have an identity")
	}
	// A FAT boot sector without its signature is not one.
	if _, _, ok := fsUUID(img(1024, func(b []byte) { copy(b[0x52:], "FAT32   "); b[0x43] = 1 })); ok {
		t.Error("FAT without 0x55AA")
	}
}
