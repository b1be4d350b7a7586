package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/efbackup/efbackup/notify"
	"github.com/efbackup/efbackup/schedule"
)

// tell sends a scheduled run's outcome to the system's log (every try),
// the web hook (every try) and the desktop (a failure, or days without a
// good snapshot). A channel that fails is said on stderr (the task's own
// log) and, when the system's log works, there too; it never changes
// the run's outcome.
func (r *scheduledRun) tell(ctx context.Context, rec *schedule.RunRecord) {
	u := r.u
	failed := !rec.Success() && rec.Outcome != schedule.OutcomeWaiting
	level := notify.Info
	switch {
	case failed:
		level = notify.Error
	case rec.Alert != "":
		level = notify.Warning
	}
	summary := scheduledSummary(u, rec)
	var lines []string
	lines = append(lines, summary)
	if rec.Message != "" && rec.Outcome != schedule.OutcomeWaiting {
		lines = append(lines, rec.Message)
	}
	if rec.Alert != "" {
		lines = append(lines, rec.Alert)
	}
	if rec.Hint != "" && failed {
		lines = append(lines, "hint: "+rec.Hint)
	}
	text := strings.Join(lines, "\n")
	var broken []string
	sysErr := notify.SystemLog(level, text, notify.Fields{
		"EFBACKUP_LABEL": rec.Label, "EFBACKUP_OUTCOME": rec.Outcome, "EFBACKUP_EXIT_CODE": fmt.Sprint(rec.ExitCode),
	})
	if sysErr != nil {
		broken = append(broken, u.T("notify.failed", u.T("notify.channel.systemlog"), sysErr))
	}
	if r.hook != nil {
		body, _ := json.Marshal(rec)
		res := notify.Success
		switch {
		case failed:
			res = notify.Failure
		case rec.Outcome == schedule.OutcomeWaiting:
			res = notify.Log
		}
		if err := r.hook.Send(ctx, res, body); err != nil {
			broken = append(broken, u.T("notify.failed", u.T("notify.channel.hook"), err))
		}
	}
	if failed || rec.Alert != "" {
		title := "efbackup: " + u.T("notify.title.failed")
		if !failed {
			title = "efbackup: " + u.T("notify.title.alert")
		}
		body := strings.Join(lines[1:], "\n")
		if body == "" {
			body = summary
		}
		if err := notify.Desktop(ctx, level, title, body); err != nil {
			broken = append(broken, u.T("notify.failed", u.T("notify.channel.desktop"), err))
		}
	}
	for _, b := range broken {
		u.warn(b, "")
	}
	if sysErr == nil && len(broken) > 0 {
		_ = notify.SystemLog(notify.Warning, fmt.Sprintf("efbackup [%s]: %s", rec.Label, strings.Join(broken, "; ")), nil)
	}
}

// scheduledSummary is the first line every channel shows: the label and
// how the try ended.
func scheduledSummary(u *ui, rec *schedule.RunRecord) string {
	var what string
	switch rec.Outcome {
	case schedule.OutcomeOK:
		what = u.T("runscheduled.ok", rec.Snapshot, rec.Pruned)
	case schedule.OutcomeUnchanged:
		what = u.T("runscheduled.unchanged", rec.Snapshot, rec.Pruned)
	case schedule.OutcomeWaiting:
		what = u.T("runscheduled.waiting")
	default:
		what = u.T("runscheduled.failed", rec.Outcome, rec.ExitCode)
	}
	return fmt.Sprintf("efbackup [%s]: %s", rec.Label, what)
}

// redactHook returns out with the web hook's URL (a secret: its token)
// replaced by notify.Redact's form everywhere it is printed: the command
// line, the files as written (XML, systemd, shell quoting) and the
// commands. The files on disk keep it, owner-only.
func redactHook(out *scheduleOutput) *scheduleOutput {
	secret := ""
	for i, a := range out.Spec.Args {
		if a == "--notify" && i+1 < len(out.Spec.Args) {
			secret = out.Spec.Args[i+1]
		}
	}
	if secret == "" {
		return out
	}
	shown := notify.Redact(secret)
	forms := []string{secret, esc(secret), strings.ReplaceAll(strings.ReplaceAll(secret, "%", "%%"), "$", "$$"), strings.ReplaceAll(secret, "%", `\%`)}
	hide := func(s string) string {
		for _, f := range forms {
			s = strings.ReplaceAll(s, f, shown)
		}
		return s
	}
	hideAll := func(ss []string) []string {
		r := make([]string, len(ss))
		for i, s := range ss {
			r[i] = hide(s)
		}
		return r
	}
	c := *out
	c.Spec.Args = hideAll(out.Spec.Args)
	c.Command = hideAll(out.Command)
	if out.Plan != nil {
		p := *out.Plan
		p.Files = append([]schedule.PlanFile(nil), out.Plan.Files...)
		for i := range p.Files {
			p.Files[i].Content = hide(p.Files[i].Content)
		}
		p.Commands = append([]schedule.PlanCommand(nil), out.Plan.Commands...)
		for i := range p.Commands {
			p.Commands[i].Args = hideAll(p.Commands[i].Args)
			p.Commands[i].Stdin = hide(p.Commands[i].Stdin)
		}
		c.Plan = &p
	}
	return &c
}

// esc is XML's escaping of text, as the task and the plist write it.
func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
