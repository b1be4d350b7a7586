//go:build unix

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/internal/ptytest"
	"github.com/efbackup/efbackup/schedule"
)

// fakeCrontab puts a crontab on PATH that keeps the table in a file, and
// returns that file's path.
func fakeCrontab(t *testing.T) (table string, env []string) {
	t.Helper()
	tools := t.TempDir()
	if err := os.WriteFile(filepath.Join(tools, "crontab"), []byte(fmt.Sprintf(fakeTools, "crontab")), 0o755); err != nil {
		t.Fatal(err)
	}
	table = filepath.Join(tools, "table")
	env = []string{"PATH=" + tools + string(os.PathListSeparator) + os.Getenv("PATH"),
		"TOOL_LOG=" + filepath.Join(tools, "log"), "CRONTAB_FILE=" + table}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return table, env
}

// setup with flags, as a consultant runs it: nothing asked; the first
// snapshot made and verified, the schedule installed with the keep rules
// of a week of days, a month of weeks and a year of months, the restore
// command given, all in --json. The schedule's first try that day has
// nothing left to do. A backup folder that is not there is refused
// unless --create-out, before anything is written or installed.
func TestSetupUnattended(t *testing.T) {
	opsEnv(t)
	table, _ := fakeCrontab(t)
	inst := opsInstall(t, "4.0", -1)
	out := filepath.Join(t.TempDir(), "USB", "efbackup")
	args := []string{"setup", "--install", inst, "--out", out, "--daily", "00:00", "--backend", "cron", "--json"}

	code, stdout, stderr := runCLI(t, args...)
	if code != ExitFailed || !strings.Contains(stderr, `"kind":"no-drive"`) || stdout != "" {
		t.Errorf("missing folder: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(table); err == nil {
		t.Error("a schedule was installed for a missing drive")
	}
	if _, err := os.Stat(filepath.Dir(out)); err == nil {
		t.Error("the missing folder's parent was made")
	}

	code, stdout, stderr = runCLI(t, append(args, "--create-out")...)
	if code != 0 {
		t.Fatalf("setup: exit %d\n%s%s", code, stdout, stderr)
	}
	var res setupResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	snaps := archives(t, out)
	if len(snaps) != 1 || res.Snapshot != snaps[0] || !res.Verified || res.Waiting || res.Install != inst || res.Out != out {
		t.Errorf("result %+v, snapshots %v", res, snaps)
	}
	if res.Restore != "efbackup restore "+snaps[0]+" --install "+inst {
		t.Errorf("restore command %q", res.Restore)
	}
	if res.Schedule == nil || res.Schedule.Plan.Backend != "cron" {
		t.Fatalf("schedule %+v", res.Schedule)
	}
	cron, _ := os.ReadFile(table)
	for _, want := range []string{"0 0-23 * * * ", " run-scheduled --install " + inst + " --out " + out, " --daily 00:00 ",
		" --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --skip-unchanged "} {
		if !strings.Contains(string(cron), want) {
			t.Errorf("crontab lacks %q:\n%s", want, cron)
		}
	}
	// The schedule's first try: today's snapshot is made already.
	code, stdout, stderr = runCLI(t, append(res.Schedule.Command[1:], "--json")...)
	var rec schedule.RunRecord
	if code != 0 || json.Unmarshal([]byte(stdout), &rec) != nil || rec.Outcome != schedule.OutcomeDone || len(archives(t, out)) != 1 {
		t.Errorf("first try: exit %d\n%s%s", code, stdout, stderr)
	}

	// In words, in Indonesian, with the keep rules given.
	out2 := filepath.Join(t.TempDir(), "kedua")
	code, _, stderr = runCLI(t, "--lang", "id", "setup", "--install", inst, "--out", out2, "--create-out", "--daily", "17:30", "--backend", "cron", "--keep-last", "5", "--label", "kantor")
	if code != ExitUsage {
		// --label is not setup's: the schedule's label is the install's.
		t.Errorf("setup --label: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr = runCLI(t, "--lang", "id", "setup", "--install", inst, "--out", out2, "--create-out", "--daily", "17:30", "--backend", "cron", "--keep-last", "5")
	if code != 0 {
		t.Fatalf("setup in Indonesian: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"Selesai. efbackup sudah disiapkan:", "snapshot pertama: " + out2, "terverifikasi", "jadwal (cron): setiap hari mulai pukul 17:30", "--keep-last 5", "Untuk memulihkan", "efbackup restore "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in:\n%s", want, stdout)
		}
	}
	if cron, _ := os.ReadFile(table); strings.Contains(string(cron), " --out "+out+" ") || !strings.Contains(string(cron), "30 17-23 * * * ") {
		t.Errorf("the second setup did not replace the install's schedule:\n%s", cron)
	}
}

// runWithTTY runs cmd with a pseudo-terminal as its terminal and answers
// each prompt (a text that appears on the terminal, in order) once it has
// appeared. It returns what the terminal showed.
func runWithTTY(t *testing.T, cmd *exec.Cmd, dialogue ...[2]string) (string, error) {
	t.Helper()
	return ptytest.Run(t, cmd, nil, dialogue...)
}

// runWithTTYDoing is runWithTTY that calls before[i], when set, once the
// i-th prompt has appeared and before it is answered.
func runWithTTYDoing(t *testing.T, cmd *exec.Cmd, before map[int]func(), dialogue ...[2]string) (string, error) {
	t.Helper()
	return ptytest.Run(t, cmd, before, dialogue...)
}

// setup on a terminal, as a clerk runs it, through a real pseudo-terminal:
// the language first (Enter takes Indonesian), the install found where
// doctor looks (the home folder here), a backup folder typed and made,
// the time; then the plan, the first snapshot, verified, the schedule, and
// how to restore, all in Indonesian.
func TestSetupDialogue(t *testing.T) {
	opsEnv(t)
	_, env := fakeCrontab(t)
	inst := opsInstall(t, "4.0", -1)
	home := filepath.Dir(inst)
	out := filepath.Join(t.TempDir(), "FLASHDISK", "cadangan")
	cmd := child([]string{"setup", "--backend", "cron"}, append(env, "HOME="+home, "EFBACKUP_LANG=", "XDG_CONFIG_HOME="+os.Getenv("XDG_CONFIG_HOME"))...)
	shown, err := runWithTTY(t, cmd,
		[2]string{"Bahasa / Language:", ""},
		// (the number asked in both languages, then Indonesian)
		[2]string{"1) " + inst + "\r\n", ""},
		[2]string{"Ke mana cadangan disimpan?", out},
		[2]string{out + " belum ada. Buat foldernya? [Y/t]", "ya"},
		[2]string{"Enkripsi cadangan? [y/T]", ""},
		[2]string{"Jam berapa setiap hari (HH:MM)?", "25:00"},
		[2]string{"Jam berapa setiap hari (HH:MM)?", "18:15"},
		[2]string{"Cadangkan " + inst + " ke " + out + " setiap hari mulai pukul 18:15.", ""},
	)
	if err != nil {
		t.Fatalf("setup: %v\n%s", err, shown)
	}
	snaps := archives(t, out)
	if len(snaps) != 1 {
		t.Fatalf("snapshots %v\n%s", snaps, shown)
	}
	for _, want := range []string{"Instalasi e-Faktur yang mana", "Lanjutkan? [Y/t]", "Selesai. efbackup sudah disiapkan:",
		"snapshot pertama: " + snaps[0], "terverifikasi", "jadwal (cron): setiap hari mulai pukul 18:15, ke " + out,
		"Untuk memulihkan", "efbackup restore " + snaps[0] + " --install " + inst} {
		if !strings.Contains(shown, want) {
			t.Errorf("the terminal does not show %q:\n%s", want, shown)
		}
	}
	if strings.Contains(shown, "Which e-Faktur install") {
		t.Errorf("English on the terminal:\n%s", shown)
	}

	// Said no to the plan: nothing is done.
	out2 := filepath.Join(t.TempDir(), "lain")
	os.Mkdir(out2, 0o700)
	cmd = child([]string{"--lang", "en", "setup", "--install", inst, "--out", out2, "--backend", "cron"}, env...)
	shown, err = runWithTTY(t, cmd,
		[2]string{"Encrypt the backups? [y/N]", "n"},
		[2]string{"At what time each day (HH:MM)?", ""},
		[2]string{"every day from 17:30.", "n"},
	)
	if err == nil || !strings.Contains(shown, "setup cancelled: nothing was done") || len(archives(t, out2)) != 0 {
		t.Errorf("cancelled: %v\n%s", err, shown)
	}
	if strings.Contains(shown, "Bahasa / Language:") {
		t.Errorf("asked for the language given with --lang:\n%s", shown)
	}
}

// setup while e-Faktur is open: on a terminal it asks to close it and
// tries again; unattended, it installs the schedule (which makes the first
// snapshot once e-Faktur is closed) and exits 4.
func TestSetupWhileEFakturOpen(t *testing.T) {
	opsEnv(t)
	requireDerby(t)
	_, env := fakeCrontab(t)
	inst := opsInstall(t, "4.0", -1)
	h := hold(t, holdModes[0], filepath.Join(inst, "db", "ETaxInvoice"))

	out := filepath.Join(t.TempDir(), "usb")
	code, stdout, stderr := runCLI(t, "setup", "--install", inst, "--out", out, "--create-out", "--daily", "17:30", "--backend", "cron", "--json")
	var res setupResult
	if code != ExitInUse || json.Unmarshal([]byte(stdout), &res) != nil || !res.Waiting || res.Snapshot != "" || res.Schedule == nil || len(archives(t, out)) != 0 {
		t.Fatalf("unattended: exit %d\n%s%s", code, stdout, stderr)
	}

	out2 := filepath.Join(t.TempDir(), "usb2")
	os.Mkdir(out2, 0o700)
	cmd := child([]string{"--lang", "id", "setup", "--install", inst, "--out", out2, "--daily", "17:30", "--backend", "cron"}, env...)
	// The clerk closes e-Faktur, then presses Enter.
	shown, err := runWithTTYDoing(t, cmd, map[int]func(){2: func() { h.Stop() }},
		[2]string{"Enkripsi cadangan? [y/T]", "t"},
		[2]string{"Lanjutkan? [Y/t]", ""},
		[2]string{"e-Faktur sedang terbuka. Tutup aplikasinya, lalu tekan Enter untuk mencoba lagi", ""},
	)
	if err != nil || len(archives(t, out2)) != 1 || !strings.Contains(shown, "Selesai. efbackup sudah disiapkan:") || !strings.Contains(shown, "terverifikasi") {
		t.Fatalf("on a terminal: %v %v\n%s", err, archives(t, out2), shown)
	}
}
