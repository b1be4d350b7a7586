package schedule

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LaunchdPlist is the launch agent of the daily run: at the time and
// every hour after it until midnight (a try once the day's snapshot is
// made does nothing), and when the agent is loaded, at log-on
// (RunAtLoad). launchd starts a StartCalendarInterval job missed while
// the Mac slept as soon as it wakes; one missed while it was off is
// skipped.
func LaunchdPlist(s Spec, logFile string) (string, error) {
	if err := s.Validate(); err != nil {
		return "", err
	}
	h, m, _ := ParseDaily(s.Daily)
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	w("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n")
	w("%s\n", launchdMark)
	w("<plist version=\"1.0\">\n")
	w("<dict>\n")
	w("  <key>Label</key>\n  <string>%s</string>\n", esc(LaunchdLabel(s.Label)))
	w("  <key>ProgramArguments</key>\n  <array>\n")
	w("    <string>%s</string>\n", esc(s.Exe))
	for _, a := range s.Command() {
		w("    <string>%s</string>\n", esc(a))
	}
	w("  </array>\n")
	w("  <key>StartCalendarInterval</key>\n  <array>\n")
	for _, hour := range TryHours(h) {
		w("    <dict>\n")
		w("      <key>Hour</key>\n      <integer>%d</integer>\n", hour)
		w("      <key>Minute</key>\n      <integer>%d</integer>\n", m)
		w("    </dict>\n")
	}
	w("  </array>\n")
	w("  <key>RunAtLoad</key>\n  <true/>\n")
	w("  <key>ProcessType</key>\n  <string>Background</string>\n")
	w("  <key>StandardOutPath</key>\n  <string>%s</string>\n", esc(logFile))
	w("  <key>StandardErrorPath</key>\n  <string>%s</string>\n", esc(logFile))
	w("</dict>\n")
	w("</plist>\n")
	return b.String(), nil
}

// launchdMark is efbackup's mark in its agents; together with the Label
// it tells an agent efbackup installed. (An XML comment cannot hold the
// label itself: a label may contain "--".)
const launchdMark = "<!-- Installed by efbackup schedule install; efbackup schedule remove removes it. -->"

// launchd installs a per-user launch agent.
type launchd struct{ env Env }

func (l launchd) Name() string { return "launchd" }

func (l launchd) path(label string) string {
	return filepath.Join(l.env.Home, "Library", "LaunchAgents", LaunchdLabel(label)+".plist")
}

func (l launchd) logFile(label string) string {
	return filepath.Join(l.env.Home, "Library", "Logs", "efbackup-"+label+".log")
}

func (l launchd) domain() string { return fmt.Sprintf("gui/%d", l.env.UID) }

func (l launchd) Plan(s Spec) (*Plan, error) {
	x, err := LaunchdPlist(s, l.logFile(s.Label))
	if err != nil {
		return nil, err
	}
	p := l.path(s.Label)
	return &Plan{
		Backend: l.Name(),
		Files:   []PlanFile{{Path: p, Content: x}},
		Commands: []PlanCommand{
			{Args: []string{"launchctl", "bootout", l.domain() + "/" + LaunchdLabel(s.Label)}, MayFail: true},
			{Args: []string{"launchctl", "bootstrap", l.domain(), p}},
		},
		Notes: []string{NoteLaunchdWake},
	}, nil
}

func (l launchd) owned(label string) (exists, ours bool, err error) {
	b, err := os.ReadFile(l.path(label))
	if os.IsNotExist(err) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	x := string(b)
	return true, strings.Contains(x, launchdMark) && strings.Contains(x, "<string>"+esc(LaunchdLabel(label))+"</string>"), nil
}

func (l launchd) Install(ctx context.Context, s Spec) (*Plan, error) {
	p, err := l.Plan(s)
	if err != nil {
		return nil, err
	}
	if exists, ours, err := l.owned(s.Label); err != nil {
		return nil, err
	} else if exists && !ours {
		return nil, &NotOursError{What: l.path(s.Label)}
	}
	l.env.hook("schedule-planned")
	if err := l.env.writeFiles(p); err != nil {
		return nil, err
	}
	return p, l.env.runCommands(ctx, p.Commands)
}

func (l launchd) Remove(ctx context.Context, label string) ([]string, error) {
	exists, ours, err := l.owned(label)
	if err != nil {
		return nil, err
	}
	if !exists {
		return nil, ErrNotInstalled
	}
	if !ours {
		return nil, &NotOursError{What: l.path(label)}
	}
	_, _ = l.env.Runner.Run(ctx, nil, "launchctl", "bootout", l.domain()+"/"+LaunchdLabel(label))
	if err := os.Remove(l.path(label)); err != nil {
		return nil, err
	}
	return []string{l.path(label)}, nil
}

func (l launchd) Query(ctx context.Context, label string) (*Status, error) {
	_, ours, err := l.owned(label)
	return &Status{Backend: l.Name(), Installed: ours, Where: l.path(label)}, err
}
