//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A restore killed between Windows' two renames leaves no db/: doctor must
// say that a restore is pending and how to finish it (not that e-Faktur was
// never started there), and stop saying so once a restore has finished it.
func TestDoctorReportsPendingRestore(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a restore")
	}
	inst := genInstall(t, "3.2")
	out := t.TempDir()
	if b, err := child([]string{"snapshot", "--install", inst, "--out", out, "--create-out", "--quiet"}).CombinedOutput(); err != nil {
		t.Fatalf("snapshot: %v\n%s", err, b)
	}
	snap := onlySnapshot(t, out)
	err := child([]string{"restore", snap, "--install", inst}, "EFBACKUP_TEST_NO_EXCHANGE=1", "EFBACKUP_TEST_KILL_AT=restore-moved-aside").Run()
	if !killedBySignal(err) {
		t.Fatalf("the restore was not killed between the renames: %v", err)
	}
	if _, err := os.Stat(filepath.Join(inst, "db")); err == nil {
		t.Fatal("db/ exists: the kill did not land between the renames")
	}
	code, stdout, stderr := runCLI(t, "doctor", inst, "--out", out, "--quick")
	if code != ExitIntegrity || !strings.Contains(stdout, "has not finished") || !strings.Contains(stdout, "efbackup restore "+snap+" --install "+inst) {
		t.Fatalf("doctor: exit %d\n%s%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "never started") {
		t.Fatalf("doctor calls the install new:\n%s", stdout)
	}
	code, stdout, _ = runCLI(t, "doctor", inst, "--out", out, "--quick", "--json")
	if !strings.Contains(stdout, `"restore-pending"`) {
		t.Fatalf("doctor --json: exit %d\n%s", code, stdout)
	}
	if b, err := child([]string{"restore", snap, "--install", inst}).CombinedOutput(); err != nil {
		t.Fatalf("the next restore: %v\n%s", err, b)
	}
	_, stdout, _ = runCLI(t, "doctor", inst, "--out", out, "--quick")
	if strings.Contains(stdout, "has not finished") {
		t.Fatalf("doctor still reports the finished restore:\n%s", stdout)
	}
}
