package schedule

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// SystemdService is the oneshot service the timer starts.
func SystemdService(s Spec) (string, error) {
	if err := s.Validate(); err != nil {
		return "", err
	}
	words := []string{quoteSystemd(s.Exe)}
	for _, a := range s.Command() {
		words = append(words, quoteSystemd(a))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", Marker(s.Label))
	fmt.Fprintf(&b, "# Installed by \"efbackup schedule install\"; \"efbackup schedule remove --label %s\" removes it.\n", s.Label)
	fmt.Fprintf(&b, "[Unit]\n")
	fmt.Fprintf(&b, "Description=efbackup: daily snapshot of the e-Faktur database (%s)\n", s.Label)
	fmt.Fprintf(&b, "\n[Service]\n")
	fmt.Fprintf(&b, "Type=oneshot\n")
	fmt.Fprintf(&b, "ExecStart=%s\n", strings.Join(words, " "))
	fmt.Fprintf(&b, "Nice=10\n")
	return b.String(), nil
}

// SystemdTimer fires the service daily at the time and every hour after
// it until midnight (a try once the day's snapshot is made does nothing),
// and once when the user's service manager starts: at log-on, or at boot
// where lingering is on. Persistent=true makes systemd start a run missed
// while the computer was off as soon as it is back.
func SystemdTimer(s Spec) (string, error) {
	if err := s.Validate(); err != nil {
		return "", err
	}
	h, m, _ := ParseDaily(s.Daily)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", Marker(s.Label))
	fmt.Fprintf(&b, "# Installed by \"efbackup schedule install\"; \"efbackup schedule remove --label %s\" removes it.\n", s.Label)
	fmt.Fprintf(&b, "[Unit]\n")
	fmt.Fprintf(&b, "Description=efbackup: daily snapshot of the e-Faktur database (%s)\n", s.Label)
	fmt.Fprintf(&b, "\n[Timer]\n")
	hours := fmt.Sprintf("%02d", h)
	if h < 23 {
		hours += "..23"
	}
	fmt.Fprintf(&b, "OnCalendar=*-*-* %s:%02d:00\n", hours, m)
	fmt.Fprintf(&b, "OnStartupSec=2min\n")
	fmt.Fprintf(&b, "Persistent=true\n")
	fmt.Fprintf(&b, "Unit=%s.service\n", UnitName(s.Label))
	fmt.Fprintf(&b, "\n[Install]\n")
	fmt.Fprintf(&b, "WantedBy=timers.target\n")
	return b.String(), nil
}

// systemd installs a user timer: no root needed, runs as the user.
type systemd struct{ env Env }

func (d systemd) Name() string { return "systemd" }

func (d systemd) unitDir() string { return filepath.Join(d.env.ConfigDir, "systemd", "user") }

func (d systemd) paths(label string) (service, timer string) {
	return filepath.Join(d.unitDir(), UnitName(label)+".service"), filepath.Join(d.unitDir(), UnitName(label)+".timer")
}

func (d systemd) Plan(s Spec) (*Plan, error) {
	svc, err := SystemdService(s)
	if err != nil {
		return nil, err
	}
	tmr, err := SystemdTimer(s)
	if err != nil {
		return nil, err
	}
	sp, tp := d.paths(s.Label)
	return &Plan{
		Backend: d.Name(),
		Files:   []PlanFile{{Path: sp, Content: svc}, {Path: tp, Content: tmr}},
		Commands: []PlanCommand{
			{Args: []string{"systemctl", "--user", "daemon-reload"}},
			{Args: []string{"systemctl", "--user", "enable", "--now", UnitName(s.Label) + ".timer"}},
		},
		Notes: []string{NoteLinger},
	}, nil
}

func (d systemd) Install(ctx context.Context, s Spec) (*Plan, error) {
	p, err := d.Plan(s)
	if err != nil {
		return nil, err
	}
	for _, f := range p.Files {
		if exists, marked, err := hasMark(f.Path, Marker(s.Label)); err != nil {
			return nil, err
		} else if exists && !marked {
			return nil, &NotOursError{What: f.Path}
		}
	}
	d.env.hook("schedule-planned")
	if err := d.env.writeFiles(p); err != nil {
		return nil, err
	}
	return p, d.env.runCommands(ctx, p.Commands)
}

func (d systemd) Remove(ctx context.Context, label string) ([]string, error) {
	sp, tp := d.paths(label)
	var ours []string
	for _, p := range []string{tp, sp} {
		exists, marked, err := hasMark(p, Marker(label))
		if err != nil {
			return nil, err
		}
		if exists && !marked {
			return nil, &NotOursError{What: p}
		}
		if exists {
			ours = append(ours, p)
		}
	}
	if len(ours) == 0 {
		return nil, ErrNotInstalled
	}
	// Stop and disable first; a unit that is not loaded is fine.
	_, _ = d.env.Runner.Run(ctx, nil, "systemctl", "--user", "disable", "--now", UnitName(label)+".timer")
	var removed []string
	for _, p := range ours {
		if err := os.Remove(p); err != nil {
			return removed, err
		}
		removed = append(removed, p)
	}
	_, _ = d.env.Runner.Run(ctx, nil, "systemctl", "--user", "daemon-reload")
	return removed, nil
}

func (d systemd) Query(ctx context.Context, label string) (*Status, error) {
	_, tp := d.paths(label)
	_, marked, err := hasMark(tp, Marker(label))
	return &Status{Backend: d.Name(), Installed: marked, Where: tp}, err
}
