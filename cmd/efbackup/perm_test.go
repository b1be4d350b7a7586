//go:build unix

package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/efbackup/efbackup/fixtures/install"
)

// Permission denied, for real: efbackup runs as an ordinary user (as root,
// CI drops to "nobody" for the run; otherwise it runs as the current user)
// against a source it may not read, a destination it may not write and a
// snapshot folder it may not write. Each time: exit 1, the message names
// the path and says "permission denied" with what to do, and nothing is
// changed or left behind.

const nobody = 65534

// permEnv is a world-readable work folder and a copy of the test binary an
// ordinary user may run.
type permEnv struct {
	base string
	bin  string
}

func newPermEnv(t *testing.T) *permEnv {
	t.Helper()
	base, err := os.MkdirTemp("", "efbackup-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Chmod(base, 0o755))
	self, err := os.Executable()
	must(err)
	in, err := os.Open(self)
	must(err)
	defer in.Close()
	bin := filepath.Join(base, "efbackup.test")
	out, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	must(err)
	_, err = io.Copy(out, in)
	must(err)
	must(out.Close())
	return &permEnv{base: base, bin: bin}
}

// mine makes path belong to the user efbackup runs as.
func (e *permEnv) mine(t *testing.T, paths ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		return
	}
	for _, p := range paths {
		err := filepath.Walk(p, func(q string, _ os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(q, nobody, nobody)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// install generates an e-Faktur install the runner may read and write.
func (e *permEnv) install(t *testing.T, name, version string) string {
	t.Helper()
	dir := filepath.Join(e.base, name)
	if _, err := install.Generate(dir, install.Options{Version: version, Seed: 7, AppBackups: -1}); err != nil {
		t.Fatal(err)
	}
	e.mine(t, dir)
	return dir
}

// folder makes a folder the runner may write.
func (e *permEnv) folder(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(e.base, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	e.mine(t, dir)
	return dir
}

// deny takes the runner's access to path away: as root it is handed back
// to root with mode perm; otherwise its mode becomes perm & 0o077 (the
// owner loses access).
func (e *permEnv) deny(t *testing.T, path string, perm os.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	t.Cleanup(func() {
		os.Lchown(path, int(st.Uid), int(st.Gid))
		os.Chmod(path, fi.Mode().Perm())
	})
	if os.Geteuid() == 0 {
		if err := os.Lchown(path, 0, 0); err != nil {
			t.Fatal(err)
		}
	} else {
		perm &= 0o077
	}
	if err := os.Chmod(path, perm); err != nil {
		t.Fatal(err)
	}
}

// run runs efbackup as the ordinary user.
func (e *permEnv) run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	home := filepath.Join(e.base, "home")
	if _, err := os.Stat(home); err != nil {
		e.folder(t, "home")
	}
	cmd := exec.Command(e.bin, args...)
	cmd.Env = append(os.Environ(), "EFBACKUP_AS_MAIN=1", "EFBACKUP_LANG=en", "HOME="+home)
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	}
	b, err := cmd.CombinedOutput()
	code := exitStatus(t, err)
	return code, string(b)
}

func wantDenied(t *testing.T, what string, code int, out string, names string) {
	t.Helper()
	t.Logf("%s: exit %d: %s", what, code, strings.ReplaceAll(strings.TrimSpace(out), "\n", " | "))
	if code != ExitFailed {
		t.Fatalf("%s: exit %d, want %d\n%s", what, code, ExitFailed, out)
	}
	if !strings.Contains(out, "permission denied") || !strings.Contains(out, names) {
		t.Fatalf("%s: the message does not say permission denied on %s:\n%s", what, names, out)
	}
	if !strings.Contains(out, "hint: ") {
		t.Fatalf("%s: no next step:\n%s", what, out)
	}
}

func emptyDir(t *testing.T, what, dir string) {
	t.Helper()
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("%s: left in %s: %v", what, dir, left)
	}
}

func TestPermissionDeniedForReal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds installs and runs the program as another user")
	}
	e := newPermEnv(t)
	inst := e.install(t, "eFaktur", "3.2")
	db := filepath.Join(inst, "db")
	out := e.folder(t, "snapshots")
	// The runner can make a snapshot: the set-up itself is right.
	if code, o := e.run(t, "snapshot", "--install", inst, "--out", out, "--create-out", "--quiet"); code != 0 {
		t.Fatalf("a snapshot the runner may make: exit %d\n%s", code, o)
	}
	snap := onlySnapshot(t, out)
	before, _ := treeHash(inst)

	t.Run("source file unreadable", func(t *testing.T) {
		f := filepath.Join(db, "ETaxInvoice", "seg0", "c20.dat")
		e.deny(t, f, 0o600)
		o2 := e.folder(t, "snapshots-2")
		code, o := e.run(t, "snapshot", "--install", inst, "--out", o2)
		wantDenied(t, "snapshot", code, o, f)
		emptyDir(t, "snapshot", o2)
		code, o = e.run(t, "verify", "--db", db)
		wantDenied(t, "verify --db", code, o, f)
	})
	t.Run("source folder unreadable", func(t *testing.T) {
		e.deny(t, db, 0o700)
		o2 := e.folder(t, "snapshots-3")
		code, o := e.run(t, "snapshot", "--install", inst, "--out", o2)
		wantDenied(t, "snapshot", code, o, db)
		emptyDir(t, "snapshot", o2)
	})
	t.Run("snapshot folder not writable", func(t *testing.T) {
		o2 := e.folder(t, "snapshots-ro")
		e.deny(t, o2, 0o755)
		code, o := e.run(t, "snapshot", "--install", inst, "--out", o2)
		wantDenied(t, "snapshot", code, o, o2)
		emptyDir(t, "snapshot", o2)
	})
	t.Run("snapshot unreadable", func(t *testing.T) {
		e.deny(t, snap, 0o600)
		code, o := e.run(t, "verify", snap)
		wantDenied(t, "verify", code, o, snap)
		code, o = e.run(t, "restore", snap, "--install", inst)
		wantDenied(t, "restore", code, o, snap)
	})
	t.Run("restore destination not writable", func(t *testing.T) {
		e.deny(t, inst, 0o755)
		code, o := e.run(t, "restore", snap, "--install", inst)
		wantDenied(t, "restore", code, o, inst)
	})
	if after, _ := treeHash(inst); after != before {
		t.Fatal("a refused command changed the install")
	}

	t.Run("migrate", func(t *testing.T) {
		tgt := e.install(t, "eFaktur-4.0", "4.0")
		tgtBefore, _ := treeHash(tgt)
		snaps := e.folder(t, "migrate-snapshots")
		args := []string{"migrate", "--from", "3.2", "--to", "4.0", "--source", inst, "--target", tgt, "--snapshot-dir", snaps}
		// the target install is not writable
		e.deny(t, tgt, 0o755)
		code, o := e.run(t, args...)
		wantDenied(t, "migrate, target not writable", code, o, tgt)
		e.mine(t, tgt)
		os.Chmod(tgt, 0o755)
		// the snapshot folder is not writable
		e.deny(t, snaps, 0o755)
		code, o = e.run(t, args...)
		wantDenied(t, "migrate, snapshot folder not writable", code, o, snaps)
		e.mine(t, snaps)
		os.Chmod(snaps, 0o755)
		// a source file is unreadable
		f := filepath.Join(db, "ETaxInvoice", "seg0", "c20.dat")
		e.deny(t, f, 0o600)
		code, o = e.run(t, args...)
		wantDenied(t, "migrate, source unreadable", code, o, f)
		if after, _ := treeHash(tgt); after != tgtBefore {
			t.Fatal("a refused migrate changed the target")
		}
		emptyDir(t, "migrate", snaps)
	})
}

// A restored folder keeps the read-only mode (0500) its snapshot recorded.
// An ordinary user, for whom such a mode is binding (root ignores it),
// must still be able to have efbackup remove a staging folder holding one
// (a restore killed after extracting, cleaned up by the next run) and move
// a restored db/ aside again.
func TestReadOnlyRestoredFoldersAsUser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an install and runs the program as another user")
	}
	e := newPermEnv(t)
	inst := e.install(t, "eFaktur", "3.2")
	ro := filepath.Join(inst, "db", "arsip")
	if err := os.MkdirAll(ro, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ro, "catatan.txt"), []byte("arsip"), 0o400); err != nil {
		t.Fatal(err)
	}
	e.mine(t, ro)
	if err := os.Chmod(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	out := e.folder(t, "snapshots")
	if code, o := e.run(t, "snapshot", "--install", inst, "--out", out, "--create-out", "--quiet"); code != 0 {
		t.Fatalf("snapshot: exit %d\n%s", code, o)
	}
	snap := onlySnapshot(t, out)
	partials := func() []string {
		m, _ := filepath.Glob(filepath.Join(inst, "db.*"+".partial"))
		return m
	}
	// Killed after extracting: the staging folder holds a 0500 folder.
	t.Setenv(envKillAt, "restore-extracted")
	if code, o := e.run(t, "restore", snap, "--install", inst, "--quiet"); code == 0 {
		t.Fatalf("the restore was not killed:\n%s", o)
	}
	os.Unsetenv(envKillAt)
	left := partials()
	if len(left) != 1 {
		t.Fatalf("want the killed restore's staging folder, have %v", left)
	}
	if fi, err := os.Stat(filepath.Join(left[0], "arsip")); err != nil || fi.Mode().Perm() != 0o500 {
		t.Fatalf("the staging folder's arsip: %v %v (want mode 0500)", fi, err)
	}
	// The next run removes it, as the ordinary user, and restores.
	if code, o := e.run(t, "restore", snap, "--install", inst, "--quiet"); code != 0 {
		t.Fatalf("restore after the killed one: exit %d\n%s", code, o)
	}
	if left := partials(); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
	if fi, err := os.Stat(ro); err != nil || fi.Mode().Perm() != 0o500 {
		t.Fatalf("restored arsip: %v %v (want mode 0500)", fi, err)
	}
	// A restored db/ with a read-only folder is moved aside by the next restore.
	if code, o := e.run(t, "restore", snap, "--install", inst, "--quiet"); code != 0 {
		t.Fatalf("second restore: exit %d\n%s", code, o)
	}
	aside, _ := filepath.Glob(filepath.Join(inst, "db.before-restore-*"))
	if len(aside) < 2 {
		t.Fatalf("want two earlier db/ folders moved aside, have %v", aside)
	}
	for _, a := range aside {
		if _, err := os.Stat(filepath.Join(a, "ETaxInvoice", "service.properties")); err != nil {
			t.Errorf("%s does not hold the earlier database: %v", a, err)
		}
	}
}
