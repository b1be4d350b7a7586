package volume

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// mountInfo and byUUID are where Linux says what is mounted and which
// device carries which UUID; tests read their own copies.
var (
	mountInfo = "/proc/self/mountinfo"
	byUUID    = "/dev/disk/by-uuid"
)

type mount struct {
	dev           uint64
	point, fstype string
	source        string
}

func of(path string) (ID, error) {
	p, err := filepath.Abs(path)
	if err != nil {
		return ID{}, err
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		return ID{}, &os.PathError{Op: "stat", Path: p, Err: err}
	}
	m, err := findMount(p, st.Dev)
	if err != nil {
		return ID{}, err
	}
	id := ID{Root: m.point, FS: m.fstype}
	if isNetwork(m.fstype) {
		id.Kind, id.Value = KindShare, m.source
		return id, nil
	}
	if u := uuidByLink(st.Dev); u != "" {
		id.Kind, id.Value = KindUUID, u
		return id, nil
	}
	if strings.HasPrefix(m.source, "/dev/") {
		if f, err := os.Open(m.source); err == nil {
			u, _, ok := fsUUID(f)
			f.Close()
			if ok {
				id.Kind, id.Value = KindUUID, u
				return id, nil
			}
		}
	}
	return id, fmt.Errorf("%s (%s on %s): %w", m.point, m.fstype, m.source, ErrUnknown)
}

// findMount finds the mount that holds p: the entry of mountinfo with p's
// device whose mount point is the longest prefix of p.
func findMount(p string, dev uint64) (*mount, error) {
	f, err := os.Open(mountInfo)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var best *mount
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		m, ok := parseMountInfo(sc.Text())
		if !ok || m.dev != dev {
			continue
		}
		if !within(p, m.point) {
			continue
		}
		if best == nil || len(m.point) >= len(best.point) {
			mm := m
			best = &mm
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if best == nil {
		return nil, fmt.Errorf("%s: no mount of device %d:%d in %s: %w", p, unix.Major(dev), unix.Minor(dev), mountInfo, ErrUnknown)
	}
	return best, nil
}

func within(p, dir string) bool {
	return dir == "/" || p == dir || strings.HasPrefix(p, dir+"/")
}

// parseMountInfo reads one line of /proc/self/mountinfo:
// ID PARENT MAJOR:MINOR ROOT POINT OPTIONS [TAGS...] - FSTYPE SOURCE SUPER.
func parseMountInfo(line string) (mount, bool) {
	f := strings.Fields(line)
	sep := -1
	for i, x := range f {
		if x == "-" && i >= 6 {
			sep = i
			break
		}
	}
	if sep < 0 || len(f) < sep+3 {
		return mount{}, false
	}
	maj, min, ok := strings.Cut(f[2], ":")
	a, err1 := strconv.ParseUint(maj, 10, 32)
	b, err2 := strconv.ParseUint(min, 10, 32)
	if !ok || err1 != nil || err2 != nil {
		return mount{}, false
	}
	return mount{dev: unix.Mkdev(uint32(a), uint32(b)), point: unescape(f[4]), fstype: f[sep+1], source: unescape(f[sep+2])}, true
}

// unescape undoes mountinfo's octal escapes (\040 for a space).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// uuidByLink finds the UUID udev names the device dev with, in
// /dev/disk/by-uuid (readable without privileges).
func uuidByLink(dev uint64) string {
	ents, err := os.ReadDir(byUUID)
	if err != nil {
		return ""
	}
	for _, e := range ents {
		var st unix.Stat_t
		if unix.Stat(filepath.Join(byUUID, e.Name()), &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFBLK && st.Rdev == dev {
			return e.Name()
		}
	}
	return ""
}

func isNetwork(fstype string) bool {
	switch fstype {
	case "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "fuse.sshfs", "fuse.rclone", "davfs", "ceph", "glusterfs":
		return true
	}
	return false
}
