package volume

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
)

// fsUUID reads the identity blkid would show from the first bytes of a
// block device: the UUID of ext2/3/4, btrfs and xfs, the serial number of
// vfat, exfat and NTFS (USB drives), formatted as blkid formats them.
// r must read the device from its start.
func fsUUID(r io.ReaderAt) (uuid, fs string, ok bool) {
	b := make([]byte, 128<<10)
	n, _ := r.ReadAt(b, 0)
	b = b[:n]
	at := func(off, n int) []byte {
		if off+n > len(b) {
			return nil
		}
		return b[off : off+n]
	}
	// ext2/3/4: superblock at 1024, magic 0xEF53 at +56, UUID at +104.
	if m := at(1024+56, 2); m != nil && binary.LittleEndian.Uint16(m) == 0xEF53 {
		if u := at(1024+104, 16); u != nil && !zero(u) {
			return dashed(u), "ext", true
		}
	}
	// btrfs: superblock at 64 KiB, magic "_BHRfS_M" at +64, fsid at +32.
	if m := at(65536+64, 8); m != nil && string(m) == "_BHRfS_M" {
		if u := at(65536+32, 16); u != nil && !zero(u) {
			return dashed(u), "btrfs", true
		}
	}
	// xfs: "XFSB" at 0, UUID at +32.
	if m := at(0, 4); m != nil && string(m) == "XFSB" {
		if u := at(32, 16); u != nil && !zero(u) {
			return dashed(u), "xfs", true
		}
	}
	// NTFS: "NTFS    " at 3, 64-bit serial at 0x48 (blkid prints it as
	// 16 hex digits, most significant first).
	if m := at(3, 8); m != nil && string(m) == "NTFS    " {
		if s := at(0x48, 8); s != nil && !zero(s) {
			return fmt.Sprintf("%016X", binary.LittleEndian.Uint64(s)), "ntfs", true
		}
	}
	// exFAT: "EXFAT   " at 3, 32-bit serial at 0x64.
	if m := at(3, 8); m != nil && string(m) == "EXFAT   " {
		if s := at(0x64, 4); s != nil && !zero(s) {
			return serial32(binary.LittleEndian.Uint32(s)), "exfat", true
		}
	}
	// FAT32: "FAT32   " at 0x52, serial at 0x43; FAT12/16: "FAT" at 0x36,
	// serial at 0x27. Both need the boot sector signature 0x55AA.
	if sig := at(510, 2); sig != nil && sig[0] == 0x55 && sig[1] == 0xAA {
		if m := at(0x52, 8); m != nil && strings.HasPrefix(string(m), "FAT32") {
			if s := at(0x43, 4); s != nil && !zero(s) {
				return serial32(binary.LittleEndian.Uint32(s)), "vfat", true
			}
		}
		if m := at(0x36, 8); m != nil && strings.HasPrefix(string(m), "FAT") {
			if s := at(0x27, 4); s != nil && !zero(s) {
				return serial32(binary.LittleEndian.Uint32(s)), "vfat", true
			}
		}
	}
	return "", "", false
}

func zero(b []byte) bool { return len(bytes.Trim(b, "\x00")) == 0 }

// dashed formats 16 bytes as 8-4-4-4-12 hex digits.
func dashed(u []byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// serial32 formats a FAT or exFAT serial number as XXXX-XXXX.
func serial32(v uint32) string { return fmt.Sprintf("%04X-%04X", v>>16, v&0xFFFF) }
