package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/crypt"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/inuse"
	"github.com/efbackup/efbackup/migrate"
	"github.com/efbackup/efbackup/schedule"
)

// The one exit-code table: every kind of error the commands return lands
// on its documented code, JSON kind and run-log outcome, also when wrapped
// or already reported.
func TestExitTable(t *testing.T) {
	cases := []struct {
		err  error
		want exitClass
	}{
		{nil, exitClass{ExitOK, "", schedule.OutcomeOK}},
		{&interruptedError{}, exitClass{ExitInterrupted, "interrupted", schedule.OutcomeInterrupted}},
		{fmt.Errorf("copy: %w", context.Canceled), exitClass{ExitInterrupted, "interrupted", schedule.OutcomeInterrupted}},
		{&usageError{msg: "x"}, exitClass{ExitUsage, "usage", schedule.OutcomeUsage}},
		{&migrate.NotInstallError{Path: "x"}, exitClass{ExitUsage, "usage", schedule.OutcomeUsage}},
		{&inuse.InUseError{Dir: "db"}, exitClass{ExitInUse, "in-use", schedule.OutcomeInUse}},
		{fmt.Errorf("read: %w", &backup.ChangedError{Path: "f"}), exitClass{ExitInUse, "in-use", schedule.OutcomeInUse}},
		{&backup.IntegrityError{Target: "s"}, exitClass{ExitIntegrity, "integrity", schedule.OutcomeIntegrity}},
		{&integrityFinding{msg: "x"}, exitClass{ExitIntegrity, "integrity", schedule.OutcomeIntegrity}},
		{reported(&integrityFinding{msg: "x"}), exitClass{ExitIntegrity, "integrity", schedule.OutcomeIntegrity}},
		{&backup.KeyError{Archive: "s", Err: &crypt.KeyError{Kind: crypt.WrongKey}}, exitClass{ExitKey, "key", schedule.OutcomeKey}},
		{reported(&backup.KeyError{Archive: "s", NoSidecar: true, Err: &crypt.KeyError{Kind: crypt.KeyMissing}}), exitClass{ExitKey, "key", schedule.OutcomeKey}},
		{&keyFileError{msg: "no identity"}, exitClass{ExitKey, "key", schedule.OutcomeKey}},
		// A changed header is damage, even when it is found by the key.
		{&crypt.DamageError{Kind: crypt.HeaderChanged}, exitClass{ExitIntegrity, "integrity", schedule.OutcomeIntegrity}},
		{&lockedError{msg: "locked"}, exitClass{ExitFailed, "locked", schedule.OutcomeLocked}},
		{&os.PathError{Op: "write", Path: "f", Err: syscall.ENOSPC}, exitClass{ExitFailed, "failed", schedule.OutcomeFailed}},
		{errors.New("anything else"), exitClass{ExitFailed, "failed", schedule.OutcomeFailed}},
	}
	for _, c := range cases {
		if got := classify(c.err); got != c.want {
			t.Errorf("classify(%T %v) = %+v, want %+v", c.err, c.err, got, c.want)
		}
	}
	// Every code the table gives is in the help's table, in both languages.
	for _, row := range exitTable {
		for _, l := range []i18n.Lang{i18n.EN, i18n.ID} {
			if !strings.Contains(l.T("help.exitcodes"), fmt.Sprintf("\n   %-4d ", row.class.Code)) {
				t.Errorf("%s: the help's exit-code table lacks %d", l, row.class.Code)
			}
		}
	}
}

// A failure the result document already reports prints the JSON error
// object all the same; in text it is said, with its hint.
func TestReportedFailure(t *testing.T) {
	for _, json := range []bool{false, true} {
		var stderr bytes.Buffer
		u := &ui{lang: i18n.EN, stderr: &stderr, json: json}
		err := reported(&integrityFinding{msg: "2 snapshots failed verification", hint: "restore the newest good one"})
		u.fail(classify(err), err)
		switch {
		case json && stderr.String() != `{"error":{"exit_code":3,"kind":"integrity","message":"2 snapshots failed verification","hint":"restore the newest good one"}}`+"\n":
			t.Errorf("--json: %q", stderr.String())
		case !json && stderr.String() != "efbackup: 2 snapshots failed verification\nhint: restore the newest good one\n":
			t.Errorf("text: %q", stderr.String())
		}
	}
	var stderr bytes.Buffer
	u := &ui{lang: i18n.EN, stderr: &stderr, json: true}
	err := &lockedError{msg: "locked", hint: "wait"}
	u.fail(classify(err), err)
	if want := `{"error":{"exit_code":1,"kind":"locked","message":"locked","hint":"wait"}}` + "\n"; stderr.String() != want {
		t.Errorf("locked: %q", stderr.String())
	}
}

// An unknown command is a usage error like any other: exit 2, and with
// --json one error object.
func TestUnknownCommand(t *testing.T) {
	code, _, stderr := runCLI(t, "--lang", "en", "nosuchcommand")
	if code != ExitUsage || !strings.Contains(stderr, `efbackup: no command "nosuchcommand"`) || !strings.Contains(stderr, "hint: ") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCLI(t, "--lang", "en", "--json", "nosuchcommand")
	if code != ExitUsage || !strings.HasPrefix(stderr, `{"error":{"exit_code":2,"kind":"usage"`) {
		t.Fatalf("--json: exit %d\n%s", code, stderr)
	}
}

// One hint chooser: a full disk and a denied permission get their own
// next step, in the general wording and in migrate's.
func TestIOHint(t *testing.T) {
	full := &os.PathError{Op: "write", Path: "f", Err: syscall.ENOSPC}
	denied := &os.PathError{Op: "open", Path: "f", Err: os.ErrPermission}
	other := &os.PathError{Op: "read", Path: "f", Err: syscall.EIO}
	for _, h := range []ioHints{commandHints, migrateHints} {
		for err, key := range map[error]string{full: h.noSpace, fmt.Errorf("step: %w", denied): h.permission, other: h.other} {
			if got := ioHint(i18n.EN, err, h); got != i18n.EN.T(key) {
				t.Errorf("%v: %q, want %s", err, got, key)
			}
		}
	}
}

// A scheduled run that fails prints its result document on stdout and,
// like every failure with --json, the error object on stderr.
func TestRunScheduledJSONError(t *testing.T) {
	inst := opsInstall(t, "4.0", -1)
	notAFolder := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notAFolder, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "run-scheduled", "--install", inst, "--out", notAFolder, "--json")
	if code == ExitOK {
		t.Fatalf("run-scheduled into a file: exit 0\n%s\n%s", stdout, stderr)
	}
	var je jsonError
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &je); err != nil || je.Error.ExitCode != code || je.Error.Kind == "" {
		t.Fatalf("exit %d: stderr holds no JSON error object with that code (%v):\n%s", code, err, stderr)
	}
	if !strings.Contains(stdout, "{") {
		t.Fatalf("no result document on stdout:\n%s", stdout)
	}
}
