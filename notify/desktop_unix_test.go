//go:build unix && !darwin

package notify

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// notify-send gets the title, the text and the urgency as arguments
// (a stand-in on PATH records them), with the session bus's address.
func TestDesktopNotifySend(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	os.WriteFile(filepath.Join(dir, "notify-send"), []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" \"bus=$DBUS_SESSION_BUS_ADDRESS\" > \""+log+"\"\n"), 0o755)
	t.Setenv("PATH", dir)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/tmp/bus")
	if err := Desktop(context.Background(), Error, "efbackup: backup failed", "the backup drive is not connected; $(touch x)"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(log)
	want := "--app-name=efbackup\n--urgency=critical\n--icon=dialog-error\n--\nefbackup: backup failed\nthe backup drive is not connected; $(touch x)\nbus=unix:path=/tmp/bus\n"
	if string(b) != want {
		t.Errorf("notify-send got\n%s\nwant\n%s", b, want)
	}
	// No notify-send: ErrNoDesktop.
	t.Setenv("PATH", t.TempDir())
	if err := Desktop(context.Background(), Info, "a", "b"); !errors.Is(err, ErrNoDesktop) || !strings.Contains(err.Error(), "libnotify-bin") {
		t.Errorf("without notify-send: %v", err)
	}
}
