//go:build unix

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/crypt"
)

// encrypted is every encrypted snapshot in dir.
func encrypted(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "*"+backup.ArchiveSuffix+backup.EncryptedSuffix))
	return m
}

// setupKeyFiles returns the identity and the sheet setup wrote in dir, and
// checks that they are all it wrote there, owner-only.
func setupKeyFiles(t *testing.T, dir string) (identity, sheet string) {
	t.Helper()
	all, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, p := range all {
		if strings.HasSuffix(p, "-sheet.txt") {
			sheet = p
		} else {
			identity = p
		}
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: not owner-only: %v %v", p, fi.Mode(), err)
		}
	}
	if len(all) != 2 || identity == "" || sheet == "" {
		t.Fatalf("key folder holds %v", all)
	}
	if want := filepath.Join(dir, "efbackup-key-"+time.Now().Format("2006-01-02")+".txt"); identity != want {
		t.Errorf("identity %s, want %s", identity, want)
	}
	return identity, sheet
}

// noSecretUnder fails when a file under one of dirs holds a secret key.
func noSecretUnder(t *testing.T, dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		for _, p := range listing(t, dir) {
			if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), "AGE-SECRET-KEY-") {
				t.Errorf("a secret key in %s", p)
			}
		}
	}
}

// setup on a terminal offers encryption, in Indonesian: a key folder on
// the drive of e-Faktur is refused and asked again; the key is made in the
// folder given, owner-only, with its recovery sheet beside it; the public
// key and the warning are shown; the first snapshot is encrypted and
// verified without the key; the schedule holds the public key only, and
// the key opens the snapshot.
func TestSetupDialogueEncrypts(t *testing.T) {
	opsEnv(t)
	table, env := fakeCrontab(t)
	inst := opsInstall(t, "4.0", -1)
	out := filepath.Join(t.TempDir(), "usb")
	os.Mkdir(out, 0o700)
	bad := filepath.Join(filepath.Dir(inst), "kunci")
	os.Mkdir(bad, 0o700)
	keyDir := filepath.Join(t.TempDir(), "KUNCI USB")
	os.Mkdir(keyDir, 0o700)
	cmd := child([]string{"--lang", "id", "setup", "--install", inst, "--out", out, "--backend", "cron"}, append(env, envKeyDrive+"="+keyDir)...)
	shown, err := runWithTTY(t, cmd,
		[2]string{"Enkripsi cadangan? [y/T]", "ya"},
		[2]string{"Di mana kunci disimpan?", bad},
		[2]string{"Di mana kunci disimpan?", keyDir},
		[2]string{"Jam berapa setiap hari (HH:MM)?", "18:15"},
		[2]string{"kunci baru dan lembar pemulihannya ditulis di " + keyDir + ".", ""},
	)
	if err != nil {
		t.Fatalf("setup: %v\n%s", err, shown)
	}
	if !strings.Contains(shown, "kunci tidak boleh disimpan di "+bad+": folder itu ada di drive yang sama dengan e-Faktur") {
		t.Errorf("the key folder beside e-Faktur was not refused:\n%s", shown)
	}
	if got := listing(t, bad); len(got) != 1 {
		t.Errorf("written in the refused folder: %v", got)
	}
	identity, sheet := setupKeyFiles(t, keyDir)
	pub, err := crypt.PublicKeyOf(identity)
	if err != nil {
		t.Fatal(err)
	}
	snaps := encrypted(t, out)
	if len(snaps) != 1 || len(archives(t, out)) != 0 {
		t.Fatalf("snapshots %v %v\n%s", snaps, archives(t, out), shown)
	}
	for _, want := range []string{"Selesai. efbackup sudah disiapkan:", "terverifikasi tanpa kunci", "dienkripsi untuk: " + pub,
		"identitas ditulis: " + identity, "kunci publik: " + pub, "lembar pemulihan: " + sheet,
		"SIMPAN FILE INI DENGAN AMAN, JAUH DARI PC INI: tanpa " + identity,
		"efbackup restore " + snaps[0] + " --install " + inst + " --identity \"" + identity + "\""} {
		if !strings.Contains(shown, want) {
			t.Errorf("the terminal does not show %q:\n%s", want, shown)
		}
	}
	cron, _ := os.ReadFile(table)
	if !strings.Contains(string(cron), " --encrypt-to "+pub) || strings.Contains(string(cron), "--skip-unchanged") {
		t.Errorf("crontab:\n%s", cron)
	}
	if strings.Contains(shown, "AGE-SECRET-KEY-") {
		t.Errorf("the secret key on the terminal:\n%s", shown)
	}
	noSecretUnder(t, filepath.Dir(table), os.Getenv("XDG_CONFIG_HOME"), out)
	// The key opens it.
	if code, _, stderr := runCLI(t, "verify", snaps[0], "--identity", identity); code != 0 {
		t.Errorf("verify with the key: exit %d\n%s", code, stderr)
	}
}

// setup with flags: --new-key makes the key in the folder given and
// reports it in --json (never the secret), beside the keys of
// --encrypt-to; --encrypt-to-file alone passes its keys through. The first
// snapshot and the schedule are encrypted to all of them.
func TestSetupUnattendedNewKey(t *testing.T) {
	opsEnv(t)
	table, _ := fakeCrontab(t)
	inst := opsInstall(t, "4.0", -1)
	keyDir := t.TempDir()
	t.Setenv(envKeyDrive, keyDir)
	office := filepath.Join(t.TempDir(), "office.txt")
	officePub, err := crypt.NewIdentityFile(office, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "usb")
	code, stdout, stderr := runCLI(t, "setup", "--install", inst, "--out", out, "--create-out", "--daily", "17:30", "--backend", "cron",
		"--new-key", keyDir, "--encrypt-to", officePub, "--json")
	if code != 0 {
		t.Fatalf("setup: exit %d\n%s%s", code, stdout, stderr)
	}
	var res setupResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	identity, sheet := setupKeyFiles(t, keyDir)
	pub, _ := crypt.PublicKeyOf(identity)
	snaps := encrypted(t, out)
	if res.Key == nil || res.Key.IdentityFile != identity || res.Key.PublicKey != pub || res.Key.Sheet != sheet || !strings.Contains(res.Key.Warning, "no snapshot encrypted to this key can ever be restored") {
		t.Errorf("key %+v", res.Key)
	}
	if strings.Join(res.EncryptTo, " ") != officePub+" "+pub || len(snaps) != 1 || res.Snapshot != snaps[0] || !res.Verified {
		t.Errorf("result %+v, snapshots %v", res, snaps)
	}
	if strings.Contains(stdout+stderr, "AGE-SECRET-KEY-") {
		t.Errorf("the secret key in the output:\n%s%s", stdout, stderr)
	}
	cron, _ := os.ReadFile(table)
	if !strings.Contains(string(cron), " --encrypt-to "+officePub+" --encrypt-to "+pub) {
		t.Errorf("crontab:\n%s", cron)
	}
	noSecretUnder(t, filepath.Dir(table), os.Getenv("XDG_CONFIG_HOME"), out)
	// Each key opens the first snapshot.
	for _, id := range []string{identity, office} {
		if code, _, stderr := runCLI(t, "verify", snaps[0], "--identity", id); code != 0 {
			t.Errorf("verify with %s: exit %d\n%s", id, code, stderr)
		}
	}

	// The public keys of a file, and no new key.
	keys := filepath.Join(t.TempDir(), "keys.txt")
	os.WriteFile(keys, []byte("# the office\n"+officePub+"\n"), 0o600)
	out2 := filepath.Join(t.TempDir(), "usb2")
	code, stdout, stderr = runCLI(t, "setup", "--install", inst, "--out", out2, "--create-out", "--daily", "17:30", "--backend", "cron",
		"--encrypt-to-file", keys, "--json")
	res = setupResult{}
	if code != 0 || json.Unmarshal([]byte(stdout), &res) != nil || res.Key != nil || len(res.EncryptTo) != 1 || res.EncryptTo[0] != officePub || len(encrypted(t, out2)) != 1 {
		t.Fatalf("--encrypt-to-file: exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.HasSuffix(res.Restore, " --identity FILE") {
		t.Errorf("restore command %q", res.Restore)
	}
	if cron, _ := os.ReadFile(table); !strings.Contains(string(cron), " --encrypt-to "+officePub) || strings.Contains(string(cron), keys) {
		t.Errorf("crontab:\n%s", cron)
	}
}

// A key folder on the drive of e-Faktur or of the backups, or one that is
// not there, is refused before anything is written: no key, no snapshot
// folder, no schedule.
func TestSetupRefusesKeyOnSameDrive(t *testing.T) {
	opsEnv(t)
	table, _ := fakeCrontab(t)
	inst := opsInstall(t, "4.0", -1)
	parent := t.TempDir()
	out := filepath.Join(parent, "usb")
	beside := filepath.Join(parent, "kunci")
	os.Mkdir(beside, 0o700)
	for _, c := range []struct {
		dir, want string
		code      int
	}{
		{beside, "it is on the same drive as e-Faktur (" + inst + ")", ExitUsage},
		{filepath.Join(inst, "db"), "it is on the same drive as e-Faktur", ExitUsage},
		{filepath.Join(parent, "gone"), "the folder for the key is not there: " + filepath.Join(parent, "gone"), ExitFailed},
	} {
		code, _, stderr := runCLI(t, "setup", "--install", inst, "--out", out, "--create-out", "--daily", "17:30", "--backend", "cron", "--new-key", c.dir)
		if code != c.code || !strings.Contains(stderr, "the key must not be kept in "+c.dir+": "+c.want) && !strings.Contains(stderr, c.want) {
			t.Errorf("--new-key %s: exit %d\n%s", c.dir, code, stderr)
		}
	}
	// The backups' drive, when e-Faktur's is allowed: the test binary
	// lets the install's drive pass only through the hook, so the
	// snapshot folder's own check is seen through sameDrive.
	if !sameDrive(beside, out) || !sameDrive(beside, filepath.Join(parent, "x", "y")) || !sameDrive(beside, inst) {
		t.Error("folders of one temporary drive are not on the same drive")
	}
	if got := listing(t, parent); len(got) != 2 {
		t.Errorf("written: %v", got)
	}
	if _, err := os.Stat(table); err == nil {
		t.Error("a schedule was installed")
	}
}
