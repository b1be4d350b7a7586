package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/fixtures/install"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/inuse"
)

// --lang id leaves no English in what a person reads: the hint line, the
// library's help and default words, why a folder is not an install.
func TestIndonesianLeavesNoEnglish(t *testing.T) {
	code, stdout, _ := runCLI(t, "--lang", "id", "snapshot", "--help")
	if code != ExitOK {
		t.Fatalf("help: exit %d", code)
	}
	for _, en := range []string{"show help", "(default:"} {
		if strings.Contains(stdout, en) {
			t.Errorf("Indonesian help holds %q:\n%s", en, stdout)
		}
	}
	if !strings.Contains(stdout, "tampilkan bantuan") || !strings.Contains(stdout, "(bawaan: ") {
		t.Errorf("Indonesian help lacks its own words:\n%s", stdout)
	}
	missing := filepath.Join(t.TempDir(), "nowhere")
	code, _, stderr := runCLI(t, "--lang", "id", "snapshot", "--install", missing)
	if code != ExitUsage {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	for _, en := range []string{"hint:", "(missing)"} {
		if strings.Contains(stderr, en) {
			t.Errorf("Indonesian error holds %q:\n%s", en, stderr)
		}
	}
	if !strings.Contains(stderr, "saran: ") || !strings.Contains(stderr, "(tidak ada)") {
		t.Errorf("Indonesian error lacks its own words:\n%s", stderr)
	}
	// English stays English.
	if _, _, stderr := runCLI(t, "--lang", "en", "snapshot", "--install", missing); !strings.Contains(stderr, "hint: ") || !strings.Contains(stderr, "(missing)") {
		t.Errorf("English error:\n%s", stderr)
	}
}

// When the database is held by another efbackup, the hint says so and not
// "close e-Faktur", which would not help.
func TestInUseByEFBackupSaysSo(t *testing.T) {
	held := func(p inuse.Program) error {
		return &inuse.InUseError{Dir: "/x/db", Report: inuse.Report{InUse: true, Signals: []inuse.Signal{{Program: p, Detail: "held"}}}}
	}
	for _, l := range []i18n.Lang{i18n.EN, i18n.ID} {
		_, hint := describeError(l, held(inuse.ProgramEFBackup))
		if hint != l.T("hint.inuse.efbackup") || strings.Contains(hint, "e-Faktur") {
			t.Errorf("%s: held by efbackup, hint %q", l, hint)
		}
		if _, hint := describeError(l, held(inuse.ProgramJava)); hint != l.T("hint.inuse") {
			t.Errorf("%s: held by Java, hint %q", l, hint)
		}
	}
	if !strings.Contains(i18n.EN.T("hint.inuse.efbackup"), "another efbackup is using it") {
		t.Error("the English hint does not say another efbackup is using it")
	}
}

// schedule show prints the command a schedule runs quoted as the shell or
// Task Scheduler reads it: a path with spaces stays one argument.
func TestScheduleShowQuotesPaths(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	inst := filepath.Join(t.TempDir(), "PT Maju", "e Faktur")
	if _, err := install.Generate(inst, install.Options{Version: "4.0", Seed: 5, AppBackups: -1}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(filepath.Dir(inst), "my backups")
	for backend, want := range map[string][]string{
		"systemd":  {"--install '" + inst + "'", "--out '" + out + "'"},
		"schtasks": {`--install "` + inst + `"`, `--out "` + out + `"`},
	} {
		code, stdout, stderr := runCLI(t, "schedule", "show", "--install", inst, "--out", out, "--daily", "18:30", "--backend", backend)
		if code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", backend, code, stderr)
		}
		line := ""
		for _, l := range strings.Split(stdout, "\n") {
			if strings.HasPrefix(l, "runs: ") {
				line = l
			}
		}
		for _, w := range want {
			if !strings.Contains(line, w) {
				t.Errorf("%s: %q lacks %s", backend, line, w)
			}
		}
	}
}
