package schedule

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"
)

// TaskXML is the Task Scheduler definition (schema 1.2, Windows 7 and
// later) of the daily run, as text. schtasks reads it from a UTF-16 file:
// see EncodeUTF16.
//
// The choices, each one for a reason:
//   - CalendarTrigger, every day at the time, local clock, repeated every
//     hour until midnight: e-Faktur left open at the time only delays the
//     backup (a try once the day's snapshot is made does nothing);
//   - LogonTrigger and SessionStateChangeTrigger (unlock) for the user:
//     the clerk who closed e-Faktur and locked the PC at night gets the
//     backup at the next unlock or log-on;
//   - StartWhenAvailable: a run missed because the PC was off or asleep
//     starts as soon as it is back, instead of waiting a day;
//   - LogonType S4U: runs whether or not the user is logged on, with no
//     password stored (S4U has no network credentials: a snapshot folder
//     on a network share needs WhenLoggedOn, InteractiveToken);
//   - the battery settings off: a laptop on battery still backs up;
//   - MultipleInstancesPolicy IgnoreNew and a 12-hour limit: a hung run
//     never piles up behind itself;
//   - Source "efbackup": the mark remove looks for.
func TaskXML(s Spec) (string, error) {
	if err := s.Validate(); err != nil {
		return "", err
	}
	h, m, _ := ParseDaily(s.Daily)
	logon := "S4U"
	if s.WhenLoggedOn {
		logon = "InteractiveToken"
	}
	var args []string
	for _, a := range s.Command() {
		args = append(args, quoteWindows(a))
	}
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n")
	w("<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n")
	w("  <RegistrationInfo>\n")
	w("    <Author>efbackup</Author>\n")
	w("    <Source>efbackup</Source>\n")
	w("    <Description>%s</Description>\n", esc(fmt.Sprintf("efbackup: daily snapshot and prune of the e-Faktur database in %s (label %s). Remove with: efbackup schedule remove --label %s", s.Install, s.Label, s.Label)))
	w("    <URI>\\%s</URI>\n", esc(TaskName(s.Label)))
	w("  </RegistrationInfo>\n")
	w("  <Triggers>\n")
	w("    <CalendarTrigger>\n")
	w("      <Repetition>\n")
	w("        <Interval>PT1H</Interval>\n")
	w("        <Duration>%s</Duration>\n", repetitionDuration(h, m))
	w("        <StopAtDurationEnd>false</StopAtDurationEnd>\n")
	w("      </Repetition>\n")
	w("      <StartBoundary>2024-01-01T%02d:%02d:00</StartBoundary>\n", h, m)
	w("      <Enabled>true</Enabled>\n")
	w("      <ScheduleByDay>\n")
	w("        <DaysInterval>1</DaysInterval>\n")
	w("      </ScheduleByDay>\n")
	w("    </CalendarTrigger>\n")
	// Log-on and unlock of this user only: without a user they would
	// need an administrator, and would fire for anyone.
	if s.User != "" {
		w("    <LogonTrigger>\n")
		w("      <Enabled>true</Enabled>\n")
		w("      <UserId>%s</UserId>\n", esc(s.User))
		w("    </LogonTrigger>\n")
		w("    <SessionStateChangeTrigger>\n")
		w("      <Enabled>true</Enabled>\n")
		w("      <UserId>%s</UserId>\n", esc(s.User))
		w("      <StateChange>SessionUnlock</StateChange>\n")
		w("    </SessionStateChangeTrigger>\n")
	}
	w("  </Triggers>\n")
	w("  <Principals>\n")
	w("    <Principal id=\"Author\">\n")
	if s.User != "" {
		w("      <UserId>%s</UserId>\n", esc(s.User))
	}
	w("      <LogonType>%s</LogonType>\n", logon)
	w("      <RunLevel>LeastPrivilege</RunLevel>\n")
	w("    </Principal>\n")
	w("  </Principals>\n")
	w("  <Settings>\n")
	w("    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n")
	w("    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n")
	w("    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n")
	w("    <AllowHardTerminate>true</AllowHardTerminate>\n")
	w("    <StartWhenAvailable>true</StartWhenAvailable>\n")
	w("    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>\n")
	w("    <IdleSettings>\n")
	w("      <StopOnIdleEnd>false</StopOnIdleEnd>\n")
	w("      <RestartOnIdle>false</RestartOnIdle>\n")
	w("    </IdleSettings>\n")
	w("    <AllowStartOnDemand>true</AllowStartOnDemand>\n")
	w("    <Enabled>true</Enabled>\n")
	w("    <Hidden>false</Hidden>\n")
	w("    <RunOnlyIfIdle>false</RunOnlyIfIdle>\n")
	w("    <WakeToRun>false</WakeToRun>\n")
	w("    <ExecutionTimeLimit>PT12H</ExecutionTimeLimit>\n")
	w("    <Priority>7</Priority>\n")
	w("  </Settings>\n")
	w("  <Actions Context=\"Author\">\n")
	w("    <Exec>\n")
	w("      <Command>%s</Command>\n", esc(quoteWindows(s.Exe)))
	w("      <Arguments>%s</Arguments>\n", esc(strings.Join(args, " ")))
	// The program's folder, not the snapshot folder: a task whose working
	// folder is missing (an unplugged USB drive) does not start at all,
	// and could not even log why.
	w("      <WorkingDirectory>%s</WorkingDirectory>\n", esc(winDir(s.Exe)))
	w("    </Exec>\n")
	w("  </Actions>\n")
	w("</Task>\n")
	return b.String(), nil
}

// esc escapes text for XML element content. Quotes need no escape there,
// and leaving them as they are keeps "schedule show" readable. Validate
// has already refused line breaks and NUL; other control characters
// cannot appear in XML 1.0 at all and are refused by schtasks, so they
// are written as U+FFFD.
// winDir is the folder of a Windows path (either separator).
func winDir(p string) string {
	i := strings.LastIndexAny(p, `\/`)
	switch {
	case i < 0:
		return p
	case i == 2 && p[1] == ':':
		return p[:3] // C:\
	}
	return p[:i]
}

func esc(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' {
			return '\uFFFD'
		}
		return r
	}, s)
	return xmlEscaper.Replace(s)
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// EncodeUTF16 turns the task text into what schtasks /XML reads: UTF-16
// little-endian with a byte-order mark, CRLF line ends.
func EncodeUTF16(s string) []byte {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\n", "\r\n")
	u := utf16.Encode([]rune(s))
	out := make([]byte, 2+2*len(u))
	out[0], out[1] = 0xFF, 0xFE
	for i, c := range u {
		binary.LittleEndian.PutUint16(out[2+2*i:], c)
	}
	return out
}

// decodeUTF16 reads what schtasks /Query /XML prints: UTF-16 with a BOM,
// or plain bytes.
func decodeUTF16(b []byte) string {
	if len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE {
		b = b[2:]
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = binary.LittleEndian.Uint16(b[2*i:])
		}
		return string(utf16.Decode(u))
	}
	return string(bytes.ReplaceAll(b, []byte{0}, nil))
}

// schtasks installs the task with schtasks.exe.
type schtasks struct{ env Env }

func (t schtasks) Name() string { return "schtasks" }

func (t schtasks) Plan(s Spec) (*Plan, error) {
	x, err := TaskXML(s)
	if err != nil {
		return nil, err
	}
	tmp := filepath.Join(t.env.TempDir, TaskName(s.Label)+".xml")
	p := &Plan{Backend: t.Name(), Files: []PlanFile{{Path: tmp, Content: x, Temporary: true}}}
	p.Commands = []PlanCommand{{Args: []string{"schtasks", "/Create", "/TN", TaskName(s.Label), "/XML", tmp, "/F"}}}
	if !s.WhenLoggedOn {
		p.Notes = append(p.Notes, NoteS4U)
	}
	return p, nil
}

func (t schtasks) Install(ctx context.Context, s Spec) (*Plan, error) {
	p, err := t.Plan(s)
	if err != nil {
		return nil, err
	}
	t.env.hook("schedule-planned")
	try := func(p *Plan) error {
		f := p.Files[0]
		// Written whole before schtasks reads it; a file a killed install
		// left under this name is simply replaced. The task itself is
		// replaced by schtasks in one step (/F).
		left, err := t.env.replaceFile(f.Path, EncodeUTF16(f.Content))
		p.Leftovers = append(p.Leftovers, left...)
		if err != nil {
			return err
		}
		defer os.Remove(f.Path)
		_, err = t.env.Runner.Run(ctx, nil, p.Commands[0].Args[0], p.Commands[0].Args[1:]...)
		if err == nil {
			t.env.hook("schedule-command-run")
		}
		return err
	}
	err = try(p)
	if err != nil && !s.WhenLoggedOn {
		// S4U needs the right to log on as a batch job, which a standard
		// account may lack: fall back to running while logged on.
		s.WhenLoggedOn = true
		p2, perr := t.Plan(s)
		if perr != nil {
			return nil, perr
		}
		if err2 := try(p2); err2 == nil {
			p2.Leftovers = append(p.Leftovers, p2.Leftovers...)
			p2.Notes = append(p2.Notes, NoteS4UFallback)
			return p2, nil
		}
	}
	return p, err
}

func (t schtasks) query(ctx context.Context, label string) (string, bool, error) {
	out, err := t.env.Runner.Run(ctx, nil, "schtasks", "/Query", "/TN", TaskName(label), "/XML")
	if err != nil {
		return "", false, nil // schtasks says "cannot find the file specified"
	}
	return decodeUTF16(out), true, nil
}

func (t schtasks) Remove(ctx context.Context, label string) ([]string, error) {
	x, found, err := t.query(ctx, label)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrNotInstalled
	}
	if !strings.Contains(x, "<Source>efbackup</Source>") {
		return nil, &NotOursError{What: "task " + TaskName(label)}
	}
	if _, err := t.env.Runner.Run(ctx, nil, "schtasks", "/Delete", "/TN", TaskName(label), "/F"); err != nil {
		return nil, err
	}
	return []string{"task " + TaskName(label)}, nil
}

func (t schtasks) Query(ctx context.Context, label string) (*Status, error) {
	x, found, err := t.query(ctx, label)
	if err != nil || !found {
		return &Status{Backend: t.Name()}, err
	}
	return &Status{Backend: t.Name(), Installed: strings.Contains(x, "<Source>efbackup</Source>"), Where: "task " + TaskName(label)}, nil
}
