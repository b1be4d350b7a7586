package inuse

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/efbackup/efbackup/internal/i18n"
)

// procHit is one file of the checked folder that another process has open.
type procHit struct {
	pid  int
	path string // as found under the checked folder
	name string // the process's name, "" when unknown
	exe  string // its executable's path, "" when unknown
}

var ownExe = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	return exe
})

// classify tells what kind of program a process is, from the name and the
// executable the system reports; "" when neither is known.
func classify(name, exe string) Program {
	if exe != "" && ownExe() != "" && samePath(exe, ownExe()) {
		return ProgramEFBackup
	}
	base := name
	if base == "" && exe != "" {
		base = filepath.Base(exe)
	}
	n := strings.TrimSuffix(strings.ToLower(base), ".exe")
	switch {
	case n == "":
		return ""
	case strings.HasPrefix(n, "efbackup"):
		return ProgramEFBackup
	case n == "java" || n == "javaw" || strings.Contains(n, "etaxinvoice") || strings.Contains(n, "faktur"):
		// e-Faktur's launchers (ETaxInvoice.exe) run the JVM in their
		// own process.
		return ProgramJava
	}
	return ProgramOther
}

// samePath compares two executable paths: without case on Windows, where
// the system may report another spelling.
func samePath(a, b string) bool {
	a = strings.TrimSuffix(a, " (deleted)")
	if filepath.Separator == '\\' {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// holderLabel names a process in a message: "pid 42 (java: a Java
// program: e-Faktur or its database server)".
func holderLabel(pid int, name string, prog Program) i18n.Text {
	var what i18n.Text // the empty Text words as ""
	switch prog {
	case ProgramJava:
		what = i18n.Say("inuse.detail.program.java")
	case ProgramEFBackup:
		what = i18n.Say("inuse.detail.program.efbackup")
	case ProgramOther:
		what = i18n.Say("inuse.detail.program.other")
	}
	switch {
	case pid <= 0 && name == "":
		return i18n.Say("inuse.detail.holder.unknown")
	case pid <= 0:
		return i18n.Say("inuse.detail.holder.named", name, what)
	case name == "":
		return i18n.Say("inuse.detail.holder.pid", pid)
	}
	return i18n.Say("inuse.detail.holder.full", pid, name, what)
}

// groupHits turns the process scan's hits into one signal per process and
// database: a JVM with a Derby database open holds dozens of its files.
// The signal names a lock file if the process holds one, else the first
// file by name.
func groupHits(root string, dbs []Database, hits []procHit) []Signal {
	type key struct {
		db  string
		pid int
	}
	type group struct {
		hit   procHit
		files []string
	}
	groups := map[key]*group{}
	var order []key
	for _, h := range hits {
		db := ""
		for _, d := range dbs {
			if p := relPrefix(root, d.Dir); p == "" || strings.HasPrefix(relSlash(root, h.path), p) {
				db = d.Dir
				break
			}
		}
		k := key{db, h.pid}
		g, ok := groups[k]
		if !ok {
			g = &group{hit: h}
			groups[k] = g
			order = append(order, k)
		}
		g.files = append(g.files, h.path)
	}
	var out []Signal
	for _, k := range order {
		g := groups[k]
		sort.Slice(g.files, func(i, j int) bool {
			li, lj := isLockName(g.files[i]), isLockName(g.files[j])
			if li != lj {
				return li
			}
			return g.files[i] < g.files[j]
		})
		first := g.files[0]
		// Files of a database are named from the folder that holds it,
		// "ETaxInvoice/seg0/c10.dat", whichever folder was checked.
		shown := displayName(root, first)
		if k.db != "" {
			shown = displayName(filepath.Dir(k.db), first)
		}
		prog := classify(g.hit.name, g.hit.exe)
		sig := Signal{Kind: KindOpenByProcess, File: first, Database: k.db, PID: k.pid, Process: g.hit.name, Program: prog}
		holder := holderLabel(k.pid, g.hit.name, prog)
		switch n := len(g.files) - 1; {
		case n == 0:
			sig = sig.say("inuse.detail.open", shown, holder)
		case n == 1:
			sig = sig.say("inuse.detail.openmore.one", shown, n, holder)
		default:
			sig = sig.say("inuse.detail.openmore", shown, n, holder)
		}
		out = append(out, sig)
	}
	return out
}

func relSlash(root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return p
	}
	return filepath.ToSlash(rel)
}

func isLockName(p string) bool {
	n := strings.ToLower(filepath.Base(p))
	return n == dbLck || n == dbexLck
}
