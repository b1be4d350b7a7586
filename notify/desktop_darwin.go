package notify

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Desktop shows a notification in Notification Center through
// osascript. The texts are passed as arguments, never as script: nothing
// in them is run. A launchd agent runs in the user's session, where this
// works.
func Desktop(ctx context.Context, level Level, title, body string) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "osascript",
		"-e", "on run argv",
		"-e", "display notification (item 2 of argv) with title (item 1 of argv)",
		"-e", "end run", title, body)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("osascript: %v %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
