//go:build linux

package main

import (
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// smallDisk mounts a tmpfs of the given size: a real full disk, not an
// injected error. It needs root (CI runs as root) and is skipped otherwise.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("a real full disk needs root to mount a small tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// bulkyInstall is a generated install whose db/ also holds 3 MiB that do
// not compress, so that it cannot fit on a 1 MiB disk.
func bulkyInstall(t *testing.T) string {
	inst := genInstall(t, "3.2")
	bulk := make([]byte, 3<<20)
	rand.New(rand.NewSource(2)).Read(bulk)
	if err := os.WriteFile(filepath.Join(inst, "db", "lampiran.bin"), bulk, 0o644); err != nil {
		t.Fatal(err)
	}
	return inst
}

func TestRealFullDiskSnapshot(t *testing.T) {
	disk := smallDisk(t, "1m")
	inst := bulkyInstall(t)
	before, _ := treeHash(filepath.Join(inst, "db"))
	code, _, stderr := runCLI(t, "snapshot", "--install", inst, "--out", disk)
	if code != ExitFailed {
		t.Fatalf("snapshot onto a full disk: exit %d, want %d\n%s", code, ExitFailed, stderr)
	}
	if !strings.Contains(stderr, "disk is full") {
		t.Errorf("no disk-full hint:\n%s", stderr)
	}
	if left, _ := os.ReadDir(disk); len(left) != 0 {
		t.Fatalf("a failed snapshot left files on the full disk: %v", left)
	}
	if after, _ := treeHash(filepath.Join(inst, "db")); after != before {
		t.Fatal("the source changed")
	}
}

func TestRealFullDiskRestore(t *testing.T) {
	src := bulkyInstall(t)
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "snapshot", "--install", src, "--out", out, "--create-out", "--quiet"); code != 0 {
		t.Fatalf("snapshot: exit %d\n%s", code, stderr)
	}
	snap := onlySnapshot(t, out)
	// The install to restore into lives on a disk with room for its
	// current db/ but not for the restored one beside it.
	disk := smallDisk(t, "12m")
	inst := filepath.Join(disk, "eFaktur")
	if err := exec.Command("cp", "-a", genInstall(t, "3.2"), inst).Run(); err != nil {
		t.Fatal(err)
	}
	before, _ := treeHash(inst)
	code, _, stderr := runCLI(t, "restore", snap, "--install", inst, "--from-other-install")
	if code != ExitFailed {
		t.Fatalf("restore onto a full disk: exit %d, want %d\n%s", code, ExitFailed, stderr)
	}
	if !strings.Contains(stderr, "disk is full") {
		t.Errorf("no disk-full hint:\n%s", stderr)
	}
	if after, _ := treeHash(inst); after != before {
		t.Fatal("a failed restore changed the install (the staging folder must be gone, db/ untouched)")
	}
}
