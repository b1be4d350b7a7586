package notify

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
	"unicode/utf16"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc/eventlog"
)

// Event IDs in the Event Log: one per level, so that a filter on the ID
// finds every failure.
const (
	EventInfo    = 1
	EventWarning = 2
	EventError   = 3
)

// systemLog writes to the Application log under the source "efbackup".
// Writing needs no administrator; registering the source (RegisterSource)
// does, and without it the Event Viewer prefixes the message with a note
// that the description of the event ID cannot be found; the message is
// there all the same.
func systemLog(level Level, msg string, fields Fields) error {
	l, err := eventlog.Open(Source)
	if err != nil {
		return fmt.Errorf("event log: %w", err)
	}
	defer l.Close()
	switch level {
	case Error:
		err = l.Error(EventError, msg)
	case Warning:
		err = l.Warning(EventWarning, msg)
	default:
		err = l.Info(EventInfo, msg)
	}
	if err != nil {
		return fmt.Errorf("event log: %w", err)
	}
	return nil
}

// RegisterSource registers "efbackup" as a source of the Application log,
// with EventCreate.exe's messages, so that the Event Viewer shows the
// messages plainly. It needs an administrator; an existing registration
// is fine.
func RegisterSource() error {
	err := eventlog.InstallAsEventCreate(Source, eventlog.Error|eventlog.Warning|eventlog.Info)
	if err != nil && strings.Contains(err.Error(), "already exists") {
		return nil
	}
	return err
}

// toastScript shows a toast through the Windows Runtime, with
// PowerShell's own application id (no shortcut to register). The texts
// come from the environment, never from the script: nothing in them is
// run.
const toastScript = `$ErrorActionPreference = 'Stop'
[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] | Out-Null
$xml = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02)
$t = $xml.GetElementsByTagName('text')
$t.Item(0).AppendChild($xml.CreateTextNode($env:EFBACKUP_TOAST_TITLE)) | Out-Null
$t.Item(1).AppendChild($xml.CreateTextNode($env:EFBACKUP_TOAST_BODY)) | Out-Null
$toast = [Windows.UI.Notifications.ToastNotification]::new($xml)
[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\WindowsPowerShell\v1.0\powershell.exe').Show($toast)
`

// Desktop shows a toast to the signed-in user. A task that runs whether
// or not the user is logged on (S4U) runs in session 0, which has no
// desktop: then it returns ErrNoDesktop and the Event Log carries the
// message.
func Desktop(ctx context.Context, level Level, title, body string) error {
	var session uint32
	if err := windows.ProcessIdToSessionId(windows.GetCurrentProcessId(), &session); err == nil && session == 0 {
		return fmt.Errorf("the run is in session 0, not in the user's session (a task that runs whether or not the user is logged on): %w", ErrNoDesktop)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
		"-WindowStyle", "Hidden", "-EncodedCommand", encodePS(toastScript))
	cmd.Env = append(os.Environ(), "EFBACKUP_TOAST_TITLE="+title, "EFBACKUP_TOAST_BODY="+body)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("toast through powershell: %v %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// encodePS is a script as -EncodedCommand takes it: UTF-16LE, base64.
func encodePS(s string) string {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	return base64.StdEncoding.EncodeToString(b)
}
