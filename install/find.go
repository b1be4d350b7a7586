package install

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// skipDirs are never descended into: system and tool folders that cannot
// hold an install and would only slow the walk.
var skipDirs = map[string]bool{
	"windows": true, "$recycle.bin": true, "system volume information": true, "programdata": true,
	"node_modules": true, "appdata": true, "library": true, "proc": true, "sys": true, "dev": true,
	"efbackup-snapshots": true, "snap": true, "go": true,
}

// FindInstalls walks each root to depth levels below it and returns the
// e-Faktur installs found, sorted, without duplicates. A root that is
// itself an install is taken as one. While walking, a folder counts only
// when it has an ETaxInvoice launcher or a version marker: a bare db/
// folder is too common (other programs have one) to mean e-Faktur. The
// walk never descends into an install, never follows links, skips hidden
// and system folders, and stops after maxDirs folders.
func FindInstalls(roots []string, depth, maxDirs int) ([]*Install, error) {
	seen := map[string]bool{}
	var out []*Install
	visited := 0
	add := func(in *Install) {
		key := strings.ToLower(in.Root)
		if !seen[key] {
			seen[key] = true
			out = append(out, in)
		}
	}
	type item struct {
		dir   string
		depth int
	}
	for _, root := range roots {
		if in, err := Detect(root); err == nil {
			add(in)
			continue
		}
		abs, err := filepath.Abs(root)
		if err != nil {
			continue
		}
		queue := []item{{abs, 0}}
		for len(queue) > 0 && visited < maxDirs {
			it := queue[0]
			queue = queue[1:]
			visited++
			entries, err := os.ReadDir(it.dir)
			if err != nil {
				continue // no permission, gone: not ours to judge
			}
			if it.depth > 0 && looksLikeInstall(entries) {
				if in, err := Detect(it.dir); err == nil && (len(in.Launchers) > 0 || in.Version != UnknownVersion) {
					add(in)
					continue
				}
			}
			if it.depth >= depth {
				continue
			}
			for _, e := range entries {
				name := e.Name()
				if !e.IsDir() || strings.HasPrefix(name, ".") || skipDirs[strings.ToLower(name)] {
					continue
				}
				queue = append(queue, item{filepath.Join(it.dir, name), it.depth + 1})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Root < out[j].Root })
	return out, nil
}

func looksLikeInstall(entries []os.DirEntry) bool {
	for _, e := range entries {
		n := strings.ToLower(e.Name())
		if strings.HasPrefix(n, "etaxinvoice") || (n == "db" && e.IsDir()) {
			return true
		}
	}
	return false
}

// DefaultRoots are the usual places of installs on this system (see
// defaultRoots in roots_*.go), those that exist.
func DefaultRoots() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range defaultRoots() {
		if r == "" || seen[strings.ToLower(r)] {
			continue
		}
		if fi, err := os.Stat(r); err == nil && fi.IsDir() {
			seen[strings.ToLower(r)] = true
			out = append(out, r)
		}
	}
	return out
}
