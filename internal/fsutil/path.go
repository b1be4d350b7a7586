package fsutil

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Within reports whether p is dir or lies inside it, as the file system
// sees them, not as the text reads: links are followed, ".." is taken
// after the link before it, and a name that differs only in letter case
// is the same folder where the file system says so (Windows, macOS). It
// resolves the part of p that exists and compares each of its ancestors
// with dir by file identity (os.SameFile), so one walk answers all three.
//
// The part of p that does not exist yet is taken as written: nothing can
// be a link there. When dir does not exist, the resolved names are
// compared as text (without case on Windows and macOS).
func Within(p, dir string) bool {
	target := resolve(p)
	dfi, err := os.Stat(dir)
	if err != nil {
		return textWithin(target, resolve(dir))
	}
	for a := target; ; {
		if fi, err := os.Stat(a); err == nil && os.SameFile(fi, dfi) {
			return true
		}
		parent := filepath.Dir(a)
		if parent == a {
			return false
		}
		a = parent
	}
}

// SamePath reports whether a and b name one file or folder: the same file
// by identity when both exist (links, a bind mount, a change of letter
// case on a file system that ignores it), else the same resolved name.
func SamePath(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	if err1 == nil && err2 == nil {
		return os.SameFile(fa, fb)
	}
	ra, rb := resolve(a), resolve(b)
	return ra == rb || foldCase && strings.EqualFold(ra, rb)
}

// foldCase: the systems whose usual file systems ignore letter case.
const foldCase = runtime.GOOS == "windows" || runtime.GOOS == "darwin"

// textWithin compares resolved names as text.
func textWithin(p, dir string) bool {
	if foldCase {
		p, dir = strings.ToLower(p), strings.ToLower(dir)
	}
	rel, err := filepath.Rel(dir, p)
	if err != nil {
		return false
	}
	return rel == "." || rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// resolve makes p absolute and follows the links in the longest part of it
// that exists, as the system would when it opens p: the text is not
// cleaned first, so "link/.." is the link target's parent. The rest is
// joined on as written.
func resolve(p string) string {
	if !filepath.IsAbs(p) {
		if wd, err := os.Getwd(); err == nil {
			p = wd + string(filepath.Separator) + p
		}
	}
	vol := filepath.VolumeName(p)
	cur := p
	var rest []string
	for {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(append([]string{r}, rest...)...)
		}
		i := strings.LastIndexAny(cur[len(vol):], `/`+string(filepath.Separator))
		if i < 0 {
			return filepath.Clean(p)
		}
		i += len(vol)
		parent := cur[:i]
		if i == len(vol) {
			parent = cur[:i+1] // the root
		}
		if parent == cur {
			return filepath.Clean(p)
		}
		rest = append([]string{cur[i+1:]}, rest...)
		cur = parent
	}
}
