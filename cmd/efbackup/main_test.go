package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/fixtures/install"
	"github.com/rogpeppe/go-internal/testscript"
)

// The CLI is tested end to end through the real main: testscript runs
// "efbackup" as a separate process and the scripts in testdata/script check
// stdout, stderr, the exit code and the files left behind.
func TestMain(m *testing.M) {
	installTestHooks()
	if os.Getenv("EFBACKUP_AS_MAIN") == "1" {
		main() // exactly what the built program does, memory limit included
	}
	testscript.Main(m, map[string]func(){
		"efbackup": func() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("EFBACKUP_LANG", "en")
			env.Setenv("EFBACKUP_OUT", "")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mkinstall": cmdMkinstall,
			"flipbyte":  cmdFlipByte,
			"truncate":  cmdTruncate,
			"snapfile":  cmdSnapFile,
			"treehash":  cmdTreeHash,
			"perm":      cmdPerm,
			"nofile":    cmdNoFile,
			"casealias": cmdCaseAlias,
			"rmalias":   cmdRmAlias,
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "stdtools":
				return hasTools("tar", "zstd", "sha256sum"), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}

// mkinstall DIR VERSION: a small generated e-Faktur install whose db/ETaxInvoice is a real Derby database.
func cmdMkinstall(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: mkinstall DIR VERSION")
	}
	_, err := install.Generate(ts.MkAbs(args[0]), install.Options{Version: args[1], Seed: 1})
	ts.Check(err)
}

// flipbyte FILE OFFSET: flip one bit; a negative offset counts from the end,
// "mid" is the middle.
func cmdFlipByte(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: flipbyte FILE OFFSET|mid")
	}
	p := ts.MkAbs(args[0])
	b, err := os.ReadFile(p)
	ts.Check(err)
	var off int
	if args[1] == "mid" {
		off = len(b) / 2
	} else {
		off, err = strconv.Atoi(args[1])
		ts.Check(err)
		if off < 0 {
			off += len(b)
		}
	}
	b[off] ^= 0x40
	ts.Check(os.WriteFile(p, b, 0o600))
}

// truncate FILE SIZE|half
func cmdTruncate(ts *testscript.TestScript, neg bool, args []string) {
	p := ts.MkAbs(args[0])
	fi, err := os.Stat(p)
	ts.Check(err)
	size := fi.Size() / 2
	if args[1] != "half" {
		n, err := strconv.ParseInt(args[1], 10, 64)
		ts.Check(err)
		size = n
	}
	ts.Check(os.Truncate(p, size))
}

// snapfile VAR DIR: set VAR to the one snapshot in DIR (fails if not exactly one).
func cmdSnapFile(ts *testscript.TestScript, neg bool, args []string) {
	matches, _ := filepath.Glob(filepath.Join(ts.MkAbs(args[1]), "*.tar.zst"))
	if len(matches) != 1 {
		ts.Fatalf("want one snapshot in %s, found %v", args[1], matches)
	}
	ts.Setenv(args[0], matches[0])
}

// treehash DIR VAR: set VAR to a hash of every name, mode and content under DIR.
func cmdTreeHash(ts *testscript.TestScript, neg bool, args []string) {
	h, err := treeHash(ts.MkAbs(args[0]))
	ts.Check(err)
	if len(args) == 3 && args[1] == "==" {
		want := ts.Getenv(args[2])
		if (h == want) == neg {
			ts.Fatalf("tree hash of %s is %s, %s is %s", args[0], h, args[2], want)
		}
		return
	}
	ts.Setenv(args[1], h)
}

// perm FILE MODE: the file's permission bits are MODE (Unix only: on
// Windows it checks that FILE exists and says the mode is not checked).
func cmdPerm(ts *testscript.TestScript, neg bool, args []string) {
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	if runtime.GOOS == "windows" {
		ts.Logf("perm: mode %s not checked: Windows has no Unix permission bits (Go reports 0666 or 0444)", args[1])
		return
	}
	if uint64(fi.Mode().Perm()) != want {
		ts.Fatalf("%s has mode %04o, want %s", args[0], fi.Mode().Perm(), args[1])
	}
}

// nofile DIR GLOB: nothing in DIR matches GLOB; "! nofile" wants a match.
func cmdNoFile(ts *testscript.TestScript, neg bool, args []string) {
	matches, _ := filepath.Glob(filepath.Join(ts.MkAbs(args[0]), args[1]))
	if len(matches) > 0 && !neg {
		ts.Fatalf("unexpected files: %v", matches)
	}
	if len(matches) == 0 && neg {
		ts.Fatalf("no file matches %s in %s", args[1], args[0])
	}
}

// casealias DIR ALIAS: ALIAS, which differs from DIR only in letter case,
// names DIR: on a case-insensitive file system it already does; where case
// counts, it becomes a link to DIR, so that the path check walks the same
// way on both.
func cmdCaseAlias(ts *testscript.TestScript, neg bool, args []string) {
	dir, alias := ts.MkAbs(args[0]), ts.MkAbs(args[1])
	if !strings.EqualFold(dir, alias) || dir == alias {
		ts.Fatalf("casealias: %s and %s must differ only in letter case", args[0], args[1])
	}
	if _, err := os.Stat(alias); err == nil {
		ts.Logf("casealias: the file system ignores letter case")
		return
	}
	ts.Check(os.Symlink(filepath.Base(dir), alias))
}

// rmalias ALIAS: removes what casealias made (nothing where the file
// system ignores case).
func cmdRmAlias(ts *testscript.TestScript, neg bool, args []string) {
	p := ts.MkAbs(args[0])
	if fi, err := os.Lstat(p); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		ts.Check(os.Remove(p))
	}
}

func treeHash(root string) (string, error) {
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		line := fmt.Sprintf("%s %v", filepath.ToSlash(rel), fi.Mode())
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s := sha256.Sum256(b)
			line += " " + hex.EncodeToString(s[:]) + " " + fi.ModTime().UTC().String()
		}
		lines = append(lines, line)
		return nil
	})
	sort.Strings(lines)
	s := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(s[:]), err
}

func hasTools(names ...string) bool {
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			return false
		}
	}
	return true
}

// runCLI runs the real main in this process.
// exitStatus is the exit code of a finished child process: 0 for err ==
// nil; a failure to run it at all ends the test.
func exitStatus(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"efbackup"}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}
