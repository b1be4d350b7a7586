package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/fixtures/install"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func genInstall(t *testing.T, version string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "eFaktur-"+version)
	if _, err := install.Generate(dir, install.Options{Version: version, Seed: 7, AppBackups: -1}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func onlySnapshot(t *testing.T, dir string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "*.tar.zst"))
	if len(m) != 1 {
		t.Fatalf("want one snapshot in %s, have %v", dir, m)
	}
	return m[0]
}

// The round trip: snapshot, restore into another install, and the restored
// folder is byte-identical, by manifest compared field by field.
func TestRoundTripByteIdentical(t *testing.T) {
	src := genInstall(t, "3.2")
	out := filepath.Join(t.TempDir(), "snaps")
	if code, _, stderr := runCLI(t, "snapshot", "--install", src, "--out", out, "--create-out", "--quiet"); code != 0 {
		t.Fatalf("snapshot exit %d: %s", code, stderr)
	}
	snap := onlySnapshot(t, out)
	written, err := backup.ReadSidecar(snap)
	if err != nil {
		t.Fatal(err)
	}
	dst := genInstall(t, "3.2")
	if err := os.RemoveAll(filepath.Join(dst, "db")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "restore", snap, "--install", dst, "--json")
	if code != 0 {
		t.Fatalf("restore exit %d: %s", code, stderr)
	}
	var rep restoreReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("restore --json: %v\n%s", err, stdout)
	}
	if rep.MovedTo != "" {
		t.Errorf("nothing to move aside, but moved to %q", rep.MovedTo)
	}
	// Snapshot the restored folder and compare the manifests.
	out2 := filepath.Join(t.TempDir(), "snaps2")
	if code, _, stderr := runCLI(t, "snapshot", "--install", dst, "--out", out2, "--create-out", "--quiet", "--label", written.Label); code != 0 {
		t.Fatalf("second snapshot exit %d: %s", code, stderr)
	}
	again, err := backup.ReadSidecar(onlySnapshot(t, out2))
	if err != nil {
		t.Fatal(err)
	}
	ignore := cmpopts.IgnoreFields(backup.Manifest{}, "Created", "Source", "Install", "Host")
	if diff := cmp.Diff(written, again, ignore, cmpopts.EquateApproxTime(time.Microsecond)); diff != "" {
		t.Fatalf("restored folder differs from the snapshot (-snapshot +restored):\n%s", diff)
	}
	if written.Totals.Files == 0 {
		t.Fatal("empty snapshot proves nothing")
	}
}

// Someone without efbackup can restore with the system's tar, zstd and
// sha256sum.
func TestStandardToolsExtract(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("checks the Unix recipe (bash -c 'tar --zstd -xf SNAP && sha256sum -c SHA256SUMS'): Windows and Wine have no bash or sha256sum")
	}
	for _, tool := range []string{"tar", "zstd", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing in CI; make test installs it", tool)
			}
			t.Skipf("%s not installed (make test installs it)", tool)
		}
	}
	src := genInstall(t, "4.0")
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "snapshot", "--install", src, "--out", out, "--create-out", "--quiet"); code != 0 {
		t.Fatalf("snapshot exit %d: %s", code, stderr)
	}
	snap := onlySnapshot(t, out)
	dir := t.TempDir()
	cmd := exec.Command("bash", "-c", "tar --zstd -xf \"$1\" && sha256sum -c SHA256SUMS", "sh", snap)
	cmd.Dir = dir
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("tar + sha256sum: %v\n%s", err, b)
	}
	if !strings.Contains(string(b), "db/ETaxInvoice/seg0/c20.dat: OK") || !strings.Contains(string(b), "db/ETaxInvoice/log/log.ctrl: OK") {
		t.Fatalf("sha256sum did not check the database:\n%s", b)
	}
	// and a damaged extraction is caught by sha256sum too
	f := filepath.Join(dir, "db", "ETaxInvoice", "seg0", "c20.dat")
	data, _ := os.ReadFile(f)
	data[100] ^= 1
	os.WriteFile(f, data, 0o644)
	cmd = exec.Command("sha256sum", "-c", "SHA256SUMS")
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("sha256sum accepted a damaged file:\n%s", b)
	}
}

// failingFile simulates a disk that fills up after some bytes.
type failingFile struct {
	*os.File
	left int
}

func (f *failingFile) Write(p []byte) (int, error) {
	if len(p) > f.left {
		n, _ := f.File.Write(p[:f.left])
		f.left = 0
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	f.left -= len(p)
	return f.File.Write(p)
}

func TestDiskFullLeavesNothing(t *testing.T) {
	src := genInstall(t, "3.2")
	out := t.TempDir()
	orig := fsutil.CreateTemp
	defer func() { fsutil.CreateTemp = orig }()
	fsutil.CreateTemp = func(dir, name string, perm os.FileMode) (fsutil.File, error) {
		f, err := orig(dir, name, perm)
		if err != nil {
			return nil, err
		}
		return &failingFile{File: f.(*os.File), left: 1000}, nil
	}
	code, _, stderr := runCLI(t, "snapshot", "--install", src, "--out", out, "--create-out")
	if code != ExitFailed {
		t.Fatalf("exit %d, want %d: %s", code, ExitFailed, stderr)
	}
	if !strings.Contains(stderr, "disk is full") {
		t.Errorf("no disk-full hint:\n%s", stderr)
	}
	left, _ := os.ReadDir(out)
	if len(left) != 0 {
		t.Fatalf("left behind after a full disk: %v", left)
	}
}

// An interrupted snapshot (Ctrl-C) exits 130 and leaves no final file and
// no .partial.
func TestInterruptedSnapshot(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGINT to a child process is a Unix test")
	}
	src := genInstall(t, "3.2")
	out := t.TempDir()
	cmd := exec.Command(os.Args[0], "snapshot", "--install", src, "--out", out, "--create-out")
	cmd.Env = append(os.Environ(), "EFBACKUP_AS_MAIN=1", "EFBACKUP_TEST_PAUSE_AT=snapshot-first-file")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	paused := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "paused at snapshot-first-file") {
			paused = true
			break
		}
	}
	if !paused {
		cmd.Wait()
		t.Fatal("the snapshot never reached the pause point")
	}
	// The partial file exists now; Ctrl-C must remove it.
	if m, _ := filepath.Glob(filepath.Join(out, "*.partial")); len(m) != 1 {
		t.Fatalf("expected one .partial while paused, have %v", m)
	}
	cmd.Process.Signal(os.Interrupt)
	rest, _ := io.ReadAll(stderr)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != ExitInterrupted {
		t.Fatalf("want exit %d, got %v\n%s", ExitInterrupted, err, rest)
	}
	left, _ := os.ReadDir(out)
	if len(left) != 0 {
		t.Fatalf("left behind after Ctrl-C: %v", left)
	}
}
