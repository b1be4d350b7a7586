//go:build unix && !darwin

package notify

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Desktop shows a notification with notify-send (libnotify), which
// speaks to the desktop over the user's session bus. A scheduled run
// (a systemd user service, a cron job) may lack the bus's address; the
// standard one of the user's session is used then.
func Desktop(ctx context.Context, level Level, title, body string) error {
	tool, err := exec.LookPath("notify-send")
	if err != nil {
		return fmt.Errorf("notify-send is not installed (Debian, Ubuntu: libnotify-bin): %w", ErrNoDesktop)
	}
	env := os.Environ()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		bus := fmt.Sprintf("/run/user/%d/bus", os.Getuid())
		if _, err := os.Stat(bus); err != nil {
			return fmt.Errorf("no session bus (%s): %w", bus, ErrNoDesktop)
		}
		env = append(env, "DBUS_SESSION_BUS_ADDRESS=unix:path="+bus)
	}
	urgency, icon := "normal", "dialog-information"
	switch level {
	case Error:
		urgency, icon = "critical", "dialog-error"
	case Warning:
		urgency, icon = "normal", "dialog-warning"
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, "--app-name="+Source, "--urgency="+urgency, "--icon="+icon, "--", title, body)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("notify-send: %v %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
