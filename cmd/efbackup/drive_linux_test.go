package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/internal/volume/volumetest"
	"github.com/efbackup/efbackup/schedule"
)

// The backup drive, for real: file system images on loop devices mounted
// at one path, as USB drives come and go. schedule install records the
// drive that holds the folder; the run refuses the folder when the drive
// is gone (the empty mount point, or a folder made there on the
// computer's own disk) and when another drive is at its place, in both
// languages, writing nothing; schedule install --new-drive accepts the
// other drive, and from then on the first drive is the other one. It
// needs root, loop devices and mkfs.ext4; without them it says why and
// skips.
func TestOtherDriveAtThePlace(t *testing.T) {
	volumetest.RequireMounts(t)
	opsEnv(t)
	// The schedule goes into a fake crontab.
	tools := t.TempDir()
	if err := os.WriteFile(filepath.Join(tools, "crontab"), []byte(fmt.Sprintf(fakeTools, "crontab")), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", tools+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("TOOL_LOG", filepath.Join(tools, "log"))
	t.Setenv("CRONTAB_FILE", filepath.Join(tools, "table"))

	inst := opsInstall(t, "4.0", -1)
	dir := t.TempDir()
	at := filepath.Join(dir, "usb")
	os.Mkdir(at, 0o700)
	const uuidA, uuidB = "a1a1a1a1-0000-4000-8000-00000000000a", "b2b2b2b2-0000-4000-8000-00000000000b"
	imgA, imgB := volumetest.Image(t, dir, "a", uuidA), volumetest.Image(t, dir, "b", uuidB)
	out := filepath.Join(at, "efbackup")

	install := func(extra ...string) (int, scheduleOutput, string) {
		t.Helper()
		args := append([]string{"schedule", "install", "--install", inst, "--out", out, "--daily", "00:00", "--backend", "cron", "--keep-last", "3", "--json"}, extra...)
		code, stdout, stderr := runCLI(t, args...)
		var o scheduleOutput
		if code == 0 {
			if err := json.Unmarshal([]byte(stdout), &o); err != nil {
				t.Fatalf("%v\n%s", err, stdout)
			}
		}
		return code, o, stderr
	}
	logged := systemLog(t)
	run := func(cmd []string, extra ...string) (int, string) {
		t.Helper()
		code, stdout, stderr := runCLI(t, append(append([]string{}, extra...), cmd[1:]...)...)
		return code, stdout + stderr
	}

	volumetest.Mount(t, imgA, at)
	os.Mkdir(out, 0o700)
	code, sA, stderr := install()
	if code != 0 || sA.Spec.Drive != "uuid:"+uuidA || !strings.Contains(strings.Join(sA.Command, " "), "--drive-id uuid:"+uuidA) {
		t.Fatalf("install on drive a: %d %+v\n%s", code, sA.Spec, stderr)
	}

	// Drive a unplugged: the empty mount point is left.
	volumetest.Unmount(t, at)
	before := listing(t, dir)
	if code, stderr := run(sA.Command); code != ExitFailed || !strings.Contains(stderr, "the backup drive is not connected: "+out+" is not there") {
		t.Errorf("drive unplugged: exit %d\n%s", code, stderr)
	}
	// Someone made the folder on the computer's own disk.
	os.Mkdir(out, 0o700)
	if code, stderr := run(sA.Command); code != ExitFailed || !strings.Contains(stderr, "is on this computer's own disk now, not on the backup drive") {
		t.Errorf("folder on the own disk: exit %d\n%s", code, stderr)
	}
	if n := listing(t, out); len(n) != 1 {
		t.Errorf("written on the own disk: %v", n)
	}
	os.Remove(out)
	if got := listing(t, dir); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Errorf("written with the drive unplugged: %v", got)
	}

	// Another USB drive at the same place, with the same folder on it.
	volumetest.Mount(t, imgB, at)
	os.Mkdir(out, 0o700)
	if code, stderr := run(sA.Command); code != ExitFailed || !strings.Contains(stderr, "another drive is at "+at) || !strings.Contains(stderr, "not the backup drive (uuid:"+uuidA+")") || !strings.Contains(stderr, "--new-drive") {
		t.Errorf("other drive: exit %d\n%s", code, stderr)
	}
	code, stdout, _ := runCLI(t, append([]string{"--lang", "id", "--json"}, sA.Command[1:]...)...)
	var rec schedule.RunRecord
	if code != ExitFailed || json.Unmarshal([]byte(stdout), &rec) != nil || rec.Outcome != schedule.OutcomeNoDrive || !strings.Contains(rec.Message, "ada drive lain di "+at) {
		t.Errorf("other drive, Indonesian: exit %d\n%s", code, stdout)
	}
	// Every refused run is in the system's log as an error (the desktop
	// channel, missing here, adds its own warnings).
	var refused []string
	for _, m := range logged() {
		if strings.Contains(m, "EFBACKUP_OUTCOME=no-drive") && strings.Contains(m, "PRIORITY=3") {
			refused = append(refused, m)
		}
	}
	if len(refused) != 4 || !strings.Contains(refused[3], "ada drive lain di "+at) {
		t.Errorf("system log: %q", refused)
	}
	if n := listing(t, out); len(n) != 1 {
		t.Errorf("written on the other drive: %v", n)
	}
	// Installing again does not quietly take the other drive...
	if code, _, stderr := install(); code != ExitFailed || !strings.Contains(stderr, "but the folder is now on drive") || !strings.Contains(stderr, "--new-drive") {
		t.Errorf("install on the other drive: exit %d\n%s", code, stderr)
	}
	// ...unless told to.
	code, sB, stderr := install("--new-drive")
	if code != 0 || sB.Spec.Drive != "uuid:"+uuidB {
		t.Fatalf("--new-drive: %d %+v\n%s", code, sB.Spec, stderr)
	}
	if code, stderr := run(sB.Command); code != 0 || len(archives(t, out)) != 1 {
		t.Fatalf("run on the new drive: exit %d\n%s", code, stderr)
	}
	// The next day, drive a back at the place is now the other drive.
	env := scheduleEnv()
	st, err := env.LoadState(sB.Spec.Label, sB.Spec.Install, sB.Spec.Out)
	if err != nil || st.LastGood == nil {
		t.Fatalf("state: %+v %v", st, err)
	}
	yesterday := st.LastGood.Add(-24 * time.Hour)
	st.LastGood = &yesterday
	if err := env.SaveState(st); err != nil {
		t.Fatal(err)
	}
	volumetest.Unmount(t, at)
	volumetest.Mount(t, imgA, at)
	before = listing(t, at)
	if code, stderr := run(sB.Command); code != ExitFailed || !strings.Contains(stderr, "not the backup drive (uuid:"+uuidB+")") {
		t.Errorf("drive a after --new-drive: exit %d\n%s", code, stderr)
	}
	if got := listing(t, at); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Errorf("written on drive a: %v", got)
	}
}
