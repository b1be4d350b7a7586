package schedule

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// CronLine is the crontab line of the daily run, ending in the mark
// "# efbackup:<label>": at the time and every hour after it until
// midnight (a try once the day's snapshot is made does nothing). cron has
// no catch-up and no log-on trigger: a day the computer is off at every
// try is skipped (systemd timers are preferred where available for that
// reason).
func CronLine(s Spec) (string, error) {
	if err := s.Validate(); err != nil {
		return "", err
	}
	h, m, _ := ParseDaily(s.Daily)
	words := []string{quoteSh(s.Exe)}
	for _, a := range s.Command() {
		words = append(words, quoteSh(a))
	}
	// cron turns an unescaped % into a line break.
	cmd := strings.ReplaceAll(strings.Join(words, " "), "%", `\%`)
	hours := fmt.Sprint(h)
	if h < 23 {
		hours += "-23"
	}
	return fmt.Sprintf("%d %s * * * %s %s", m, hours, cmd, Marker(s.Label)), nil
}

// cron edits the user's crontab through crontab -l and crontab -.
type cron struct{ env Env }

func (c cron) Name() string { return "cron" }

func (c cron) Plan(s Spec) (*Plan, error) {
	line, err := CronLine(s)
	if err != nil {
		return nil, err
	}
	return &Plan{
		Backend: c.Name(),
		Files:   []PlanFile{},
		// The line replaces any earlier line with the same mark; the rest
		// of the crontab is kept as it is.
		Commands: []PlanCommand{{Args: []string{"crontab", "-"}, Stdin: line + "\n"}},
		Notes:    []string{NoteCronCatchUp},
	}, nil
}

// current reads the crontab; "no crontab for user" is an empty one.
func (c cron) current(ctx context.Context) (string, error) {
	out, err := c.env.Runner.Run(ctx, nil, "crontab", "-l")
	if err != nil {
		var re *RunError
		if errors.As(err, &re) && strings.Contains(strings.ToLower(re.Stderr), "no crontab") {
			return "", nil
		}
		return "", err
	}
	return string(out), nil
}

// without returns the crontab without the lines marked for label.
func without(tab, label string) (string, int) {
	var keep []string
	n := 0
	for _, l := range strings.Split(strings.TrimRight(tab, "\n"), "\n") {
		if strings.HasSuffix(strings.TrimRight(l, " \t\r"), " "+Marker(label)) {
			n++
			continue
		}
		keep = append(keep, l)
	}
	out := strings.Join(keep, "\n")
	if strings.TrimSpace(out) != "" {
		out += "\n"
	} else {
		out = ""
	}
	return out, n
}

func (c cron) Install(ctx context.Context, s Spec) (*Plan, error) {
	p, err := c.Plan(s)
	if err != nil {
		return nil, err
	}
	tab, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	rest, _ := without(tab, s.Label)
	c.env.hook("schedule-planned")
	// crontab replaces the table in one step; its input is a file, so that
	// it always reads the whole new table (see ExecRunner).
	if _, err = c.env.Runner.Run(ctx, []byte(rest+p.Commands[0].Stdin), "crontab", "-"); err != nil {
		return p, err
	}
	c.env.hook("schedule-command-run")
	return p, nil
}

func (c cron) Remove(ctx context.Context, label string) ([]string, error) {
	tab, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	rest, n := without(tab, label)
	if n == 0 {
		return nil, ErrNotInstalled
	}
	if rest == "" {
		// An empty crontab through "crontab -" is fine on every cron; -r
		// would also remove lines we did not see.
		rest = "\n"
	}
	if _, err := c.env.Runner.Run(ctx, []byte(rest), "crontab", "-"); err != nil {
		return nil, err
	}
	return []string{fmt.Sprintf("crontab line %q", Marker(label))}, nil
}

func (c cron) Query(ctx context.Context, label string) (*Status, error) {
	tab, err := c.current(ctx)
	if err != nil {
		// No crontab program: nothing can be installed with it.
		return &Status{Backend: c.Name()}, nil
	}
	_, n := without(tab, label)
	return &Status{Backend: c.Name(), Installed: n > 0, Where: "crontab"}, nil
}
