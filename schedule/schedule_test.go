package schedule

import (
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Specs with awkward paths: spaces, quotes, percent signs, dollars.
var winSpec = Spec{
	Label:   "PT-Maju_Jaya",
	Exe:     `C:\Program Files\efbackup\efbackup.exe`,
	Install: `C:\Users\budi\Documents\eFaktur "kantor" 100%`,
	Out:     `D:\Backup e-Faktur\`,
	Daily:   "18:30",
	Args:    []string{"--keep-daily", "7", "--keep-weekly", "4", "--keep-monthly", "12", "--lang", "id"},
	User:    `PC-KANTOR\budi`,
	Drive:   "volume-guid:{6a1b0c2e-5f3d-11ee-8c99-0242ac120002}",
}

var unixSpec = Spec{
	Label:   "eFaktur-3.2",
	Exe:     "/opt/efbackup/bin/efbackup",
	Install: "/home/budi/e-Faktur 100% $HOME/it's",
	Out:     "/media/budi/USB BACKUP/efbackup",
	Daily:   "7:05",
	Args:    []string{"--keep-last", "3", "--keep-within", "30d", "--skip-unchanged"},
	Drive:   "uuid:2f6c1a0e-93b4-4c1d-9e55-7d0f3a8b1c22",
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./schedule -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (run go test ./schedule -update if the change is intended)\n--- got ---\n%s", name, p, got)
	}
}

func must(t *testing.T) func(string, error) string {
	return func(s string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}

func TestGolden(t *testing.T) {
	golden(t, "task.xml", must(t)(TaskXML(winSpec)))
	logged := winSpec
	logged.WhenLoggedOn = true
	golden(t, "task-interactive.xml", must(t)(TaskXML(logged)))
	golden(t, "efbackup.service", must(t)(SystemdService(unixSpec)))
	golden(t, "efbackup.timer", must(t)(SystemdTimer(unixSpec)))
	golden(t, "crontab", must(t)(CronLine(unixSpec))+"\n")
	golden(t, "launchd.plist", must(t)(LaunchdPlist(unixSpec, "/Users/budi/Library/Logs/efbackup-eFaktur-3.2.log")))
}

// The task, parsed with encoding/xml into the documented structure of the
// Task Scheduler schema, has every element the design depends on.
type taskDoc struct {
	XMLName  xml.Name `xml:"http://schemas.microsoft.com/windows/2004/02/mit/task Task"`
	Version  string   `xml:"version,attr"`
	Source   string   `xml:"RegistrationInfo>Source"`
	URI      string   `xml:"RegistrationInfo>URI"`
	Triggers struct {
		Calendar []struct {
			StartBoundary string `xml:"StartBoundary"`
			DaysInterval  int    `xml:"ScheduleByDay>DaysInterval"`
			Enabled       string `xml:"Enabled"`
			Interval      string `xml:"Repetition>Interval"`
			Duration      string `xml:"Repetition>Duration"`
			StopAtEnd     string `xml:"Repetition>StopAtDurationEnd"`
		} `xml:"CalendarTrigger"`
		Logon []struct {
			UserID string `xml:"UserId"`
		} `xml:"LogonTrigger"`
		Session []struct {
			UserID      string `xml:"UserId"`
			StateChange string `xml:"StateChange"`
		} `xml:"SessionStateChangeTrigger"`
	} `xml:"Triggers"`
	Principals []struct {
		ID        string `xml:"id,attr"`
		UserID    string `xml:"UserId"`
		LogonType string `xml:"LogonType"`
		RunLevel  string `xml:"RunLevel"`
	} `xml:"Principals>Principal"`
	Settings struct {
		StartWhenAvailable         string `xml:"StartWhenAvailable"`
		DisallowStartIfOnBatteries string `xml:"DisallowStartIfOnBatteries"`
		MultipleInstancesPolicy    string `xml:"MultipleInstancesPolicy"`
		ExecutionTimeLimit         string `xml:"ExecutionTimeLimit"`
		Enabled                    string `xml:"Enabled"`
	} `xml:"Settings"`
	Actions struct {
		Context string `xml:"Context,attr"`
		Exec    []struct {
			Command          string `xml:"Command"`
			Arguments        string `xml:"Arguments"`
			WorkingDirectory string `xml:"WorkingDirectory"`
		} `xml:"Exec"`
	} `xml:"Actions"`
}

func parseTask(t *testing.T, x string) taskDoc {
	t.Helper()
	var d taskDoc
	dec := xml.NewDecoder(strings.NewReader(x))
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) { return r, nil } // the text is UTF-8 before EncodeUTF16
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("task XML does not parse: %v", err)
	}
	return d
}

func TestTaskXMLStructure(t *testing.T) {
	d := parseTask(t, must(t)(TaskXML(winSpec)))
	if d.Version != "1.2" || d.Source != "efbackup" || d.URI != `\efbackup-PT-Maju_Jaya` {
		t.Errorf("registration: %+v", d)
	}
	if len(d.Triggers.Calendar) != 1 || d.Triggers.Calendar[0].StartBoundary != "2024-01-01T18:30:00" || d.Triggers.Calendar[0].DaysInterval != 1 {
		t.Errorf("trigger: %+v", d.Triggers)
	}
	// Every hour from 18:30 until midnight: 18:30 ... 23:30.
	if c := d.Triggers.Calendar[0]; c.Interval != "PT1H" || c.Duration != "PT5H30M" || c.StopAtEnd != "false" {
		t.Errorf("repetition: %+v", c)
	}
	if len(d.Triggers.Logon) != 1 || d.Triggers.Logon[0].UserID != `PC-KANTOR\budi` {
		t.Errorf("log-on trigger: %+v", d.Triggers.Logon)
	}
	if len(d.Triggers.Session) != 1 || d.Triggers.Session[0].UserID != `PC-KANTOR\budi` || d.Triggers.Session[0].StateChange != "SessionUnlock" {
		t.Errorf("unlock trigger: %+v", d.Triggers.Session)
	}
	if len(d.Principals) != 1 || d.Principals[0].LogonType != "S4U" || d.Principals[0].UserID != `PC-KANTOR\budi` || d.Principals[0].ID != "Author" {
		t.Errorf("principal: %+v", d.Principals)
	}
	if d.Settings.StartWhenAvailable != "true" || d.Settings.DisallowStartIfOnBatteries != "false" || d.Settings.MultipleInstancesPolicy != "IgnoreNew" {
		t.Errorf("settings: %+v", d.Settings)
	}
	if d.Actions.Context != "Author" || len(d.Actions.Exec) != 1 {
		t.Fatalf("actions: %+v", d.Actions)
	}
	ex := d.Actions.Exec[0]
	if ex.WorkingDirectory != `C:\Program Files\efbackup` {
		t.Errorf("working directory %q: must exist whenever the task starts", ex.WorkingDirectory)
	}
	if got := windowsArgv(ex.Command); !slices.Equal(got, []string{winSpec.Exe}) {
		t.Errorf("command %q parses as %q", ex.Command, got)
	}
	// The arguments read back, with Windows' own rules, as exactly what
	// run-scheduled must get.
	if got, want := windowsArgv(ex.Arguments), winSpec.Command(); !slices.Equal(got, want) {
		t.Errorf("arguments %s\nparse as %q\nwant     %q", ex.Arguments, got, want)
	}
	logged := winSpec
	logged.WhenLoggedOn = true
	if d := parseTask(t, must(t)(TaskXML(logged))); d.Principals[0].LogonType != "InteractiveToken" {
		t.Errorf("when logged on: %+v", d.Principals)
	}
}

// The backup day a try belongs to starts at the latest daily time at or
// before it: a try in the morning catches up the evening before.
func TestPeriodStart(t *testing.T) {
	loc := time.FixedZone("WIB", 7*3600)
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, loc) }
	for _, c := range []struct {
		now, want time.Time
	}{
		{at(10, 18, 30), at(10, 18, 30)},
		{at(10, 23, 30), at(10, 18, 30)},
		{at(11, 8, 0), at(10, 18, 30)},
		{at(11, 18, 29), at(10, 18, 30)},
		{at(1, 7, 0), time.Date(2026, 2, 28, 18, 30, 0, 0, loc)},
	} {
		got, err := PeriodStart(c.now, "18:30")
		if err != nil || !got.Equal(c.want) {
			t.Errorf("PeriodStart(%v) = %v, %v; want %v", c.now, got, err, c.want)
		}
	}
	for _, c := range []struct {
		h, m int
		want string
	}{{18, 30, "PT5H30M"}, {0, 0, "PT24H"}, {23, 59, "PT1M"}, {7, 0, "PT17H"}} {
		if got := repetitionDuration(c.h, c.m); got != c.want {
			t.Errorf("repetitionDuration(%d, %d) = %s, want %s", c.h, c.m, got, c.want)
		}
	}
	if hs := TryHours(21); !slices.Equal(hs, []int{21, 22, 23}) {
		t.Errorf("TryHours(21) = %v", hs)
	}
}

func TestEncodeUTF16(t *testing.T) {
	b := EncodeUTF16("<a>é\n</a>")
	want := []byte{0xFF, 0xFE, '<', 0, 'a', 0, '>', 0, 0xE9, 0, '\r', 0, '\n', 0, '<', 0, '/', 0, 'a', 0, '>', 0}
	if !slices.Equal(b, want) {
		t.Errorf("% x", b)
	}
	if decodeUTF16(b) != "<a>é\r\n</a>" {
		t.Errorf("round trip %q", decodeUTF16(b))
	}
}

// windowsArgv splits a command line the way CommandLineToArgvW does.
func windowsArgv(s string) []string {
	var args []string
	var cur strings.Builder
	inQuote, have := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			n := 0
			for i < len(s) && s[i] == '\\' {
				n++
				i++
			}
			if i < len(s) && s[i] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
				} else {
					inQuote = !inQuote
				}
				have = true
			} else {
				cur.WriteString(strings.Repeat(`\`, n))
				i--
				have = true
			}
		case c == '"':
			inQuote = !inQuote
			have = true
		case (c == ' ' || c == '\t') && !inQuote:
			if have {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		args = append(args, cur.String())
	}
	return args
}

// The plist parses as XML with the keys launchd needs (plutil is not
// available off macOS).
func TestLaunchdPlistStructure(t *testing.T) {
	x := must(t)(LaunchdPlist(unixSpec, "/tmp/log"))
	type calDict struct {
		Keys []string `xml:"key"`
		Ints []int    `xml:"integer"`
	}
	var doc struct {
		Dict struct {
			Items []struct {
				XMLName xml.Name
				Value   string    `xml:",chardata"`
				Strings []string  `xml:"string"`
				Dicts   []calDict `xml:"dict"`
			} `xml:",any"`
		} `xml:"dict"`
	}
	if err := xml.Unmarshal([]byte(x), &doc); err != nil {
		t.Fatal(err)
	}
	kv := map[string]int{}
	items := doc.Dict.Items
	for i := 0; i+1 < len(items); i += 2 {
		if items[i].XMLName.Local != "key" {
			t.Fatalf("item %d is %s, want key", i, items[i].XMLName.Local)
		}
		kv[items[i].Value] = i + 1
	}
	if v := items[kv["Label"]]; v.Value != "id.efbackup.eFaktur-3.2" {
		t.Errorf("Label %q", v.Value)
	}
	if v := items[kv["ProgramArguments"]]; !slices.Equal(v.Strings, append([]string{unixSpec.Exe}, unixSpec.Command()...)) {
		t.Errorf("ProgramArguments %q", v.Strings)
	}
	// 07:05, then every hour until 23:05.
	cal := items[kv["StartCalendarInterval"]]
	if cal.XMLName.Local != "array" || len(cal.Dicts) != 17 {
		t.Fatalf("StartCalendarInterval %+v", cal)
	}
	for i, d := range cal.Dicts {
		if !slices.Equal(d.Keys, []string{"Hour", "Minute"}) || !slices.Equal(d.Ints, []int{7 + i, 5}) {
			t.Errorf("StartCalendarInterval %d: %+v", i, d)
		}
	}
	if v := items[kv["RunAtLoad"]]; v.XMLName.Local != "true" {
		t.Errorf("RunAtLoad %+v", v)
	}
}

// The cron line, run by sh as cron would (after cron's own % handling),
// passes exactly the intended arguments.
func TestCronLineRoundTrip(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	line := must(t)(CronLine(unixSpec))
	if !strings.HasPrefix(line, "5 7-23 * * * ") || !strings.HasSuffix(line, " # efbackup:eFaktur-3.2") {
		t.Fatalf("line %q", line)
	}
	cmd := strings.TrimSuffix(strings.TrimPrefix(line, "5 7-23 * * * "), " # efbackup:eFaktur-3.2")
	cmd = strings.ReplaceAll(cmd, `\%`, "%") // what cron does before handing the line to sh
	// Replace the program with printf, one argument per line.
	cmd = strings.Replace(cmd, quoteSh(unixSpec.Exe), `printf '%s\n'`, 1)
	out, err := exec.Command("sh", "-c", cmd).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if !slices.Equal(got, unixSpec.Command()) {
		t.Errorf("sh reads\n%q\nwant\n%q", got, unixSpec.Command())
	}
}

// systemd-analyze verify accepts the units (when systemd is installed).
// It checks that ExecStart's program exists, so the spec points at a
// real executable in a folder with a space and a percent sign.
func TestSystemdAnalyzeVerify(t *testing.T) {
	tool, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed (apt-get install systemd): unit files checked by the golden test only")
	}
	dir := t.TempDir()
	exeDir := filepath.Join(dir, "e fak 100%")
	os.MkdirAll(exeDir, 0o755)
	exe := filepath.Join(exeDir, "efbackup")
	os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755)
	s := unixSpec
	s.Exe = exe
	svc, tmr := must(t)(SystemdService(s)), must(t)(SystemdTimer(s))
	unitDir := filepath.Join(dir, "units")
	os.MkdirAll(unitDir, 0o755)
	os.WriteFile(filepath.Join(unitDir, "efbackup-eFaktur-3.2.service"), []byte(svc), 0o644)
	os.WriteFile(filepath.Join(unitDir, "efbackup-eFaktur-3.2.timer"), []byte(tmr), 0o644)
	cmd := exec.Command(tool, "verify", "efbackup-eFaktur-3.2.service", "efbackup-eFaktur-3.2.timer")
	cmd.Dir = unitDir
	cmd.Env = append(os.Environ(), "SYSTEMD_LOG_LEVEL=notice")
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	// And it does catch a broken unit, so the check above means something.
	os.WriteFile(filepath.Join(unitDir, "efbackup-eFaktur-3.2.timer"), []byte(strings.Replace(tmr, "07:05", "27:05", 1)), 0o644)
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("systemd-analyze accepted a bad timer:\n%s", out)
	}
	// The timer's calendar: 07:05 and every hour after it until 23:05,
	// as systemd itself reads it.
	onCal := ""
	for _, l := range strings.Split(tmr, "\n") {
		if v, ok := strings.CutPrefix(l, "OnCalendar="); ok {
			onCal = v
		}
	}
	cal, err := exec.Command(tool, "calendar", "--iterations=18", "--base-time=2026-03-02 00:00:00", onCal).Output()
	if err != nil {
		t.Fatalf("calendar %q: %v %s", onCal, err, cal)
	}
	var times []string
	for _, l := range strings.Split(string(cal), "\n") {
		if _, v, ok := strings.Cut(l, "Iter. #"); ok {
			_, v, _ = strings.Cut(v, ": ")
			times = append(times, strings.Fields(v)[2])
		} else if _, v, ok := strings.Cut(l, "Next elapse: "); ok {
			times = append(times, strings.Fields(v)[2])
		}
	}
	var want []string
	for h := 7; h <= 23; h++ {
		want = append(want, fmt.Sprintf("%02d:05:00", h))
	}
	want = append(want, "07:05:00")
	if !slices.Equal(times, want) {
		t.Errorf("systemd's tries for %q:\n%v\nwant\n%v", onCal, times, want)
	}
}

// systemdArgv splits an ExecStart= value the way systemd does for the
// quoting quoteSystemd produces.
func systemdArgv(s string) []string {
	var args []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimLeft(s, " ") {
		var cur strings.Builder
		if s[0] == '"' {
			i := 1
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				cur.WriteByte(s[i])
			}
			s = s[i+1:]
		} else {
			i := strings.IndexByte(s, ' ')
			if i < 0 {
				i = len(s)
			}
			cur.WriteString(s[:i])
			s = s[i:]
		}
		a := strings.ReplaceAll(cur.String(), "%%", "%")
		args = append(args, strings.ReplaceAll(a, "$$", "$"))
	}
	return args
}

func TestSystemdExecStartRoundTrip(t *testing.T) {
	svc := must(t)(SystemdService(unixSpec))
	for _, l := range strings.Split(svc, "\n") {
		if v, ok := strings.CutPrefix(l, "ExecStart="); ok {
			if got, want := systemdArgv(v), append([]string{unixSpec.Exe}, unixSpec.Command()...); !slices.Equal(got, want) {
				t.Errorf("ExecStart %s\nreads %q\nwant  %q", v, got, want)
			}
			return
		}
	}
	t.Fatal("no ExecStart")
}

func TestValidate(t *testing.T) {
	bad := []func(*Spec){
		func(s *Spec) { s.Label = "a b" },
		func(s *Spec) { s.Label = "" },
		func(s *Spec) { s.Label = "-x" },
		func(s *Spec) { s.Daily = "24:00" },
		func(s *Spec) { s.Daily = "18.30" },
		func(s *Spec) { s.Daily = "7:5" },
		func(s *Spec) { s.Exe = "efbackup" },
		func(s *Spec) { s.Out = "relative/dir" },
		func(s *Spec) { s.Install = "/x\ny" },
		func(s *Spec) { s.Args = []string{"a\nb"} },
	}
	for i, f := range bad {
		s := unixSpec
		f(&s)
		if s.Validate() == nil {
			t.Errorf("case %d accepted: %+v", i, s)
		}
	}
	if err := unixSpec.Validate(); err != nil {
		t.Error(err)
	}
	if err := winSpec.Validate(); err != nil {
		t.Error(err)
	}
}

// fakeRunner plays schtasks, systemctl, crontab and launchctl.
type fakeRunner struct {
	calls   [][]string
	crontab *string // nil: "no crontab for user"
	tasks   map[string]string
	refuse  map[string]bool // commands (first two words) that fail
}

func (f *fakeRunner) Run(_ context.Context, stdin []byte, name string, args ...string) ([]byte, error) {
	call := append([]string{name}, args...)
	f.calls = append(f.calls, call)
	key := strings.Join(call[:min(2, len(call))], " ")
	if f.refuse[key] {
		return nil, &RunError{Cmd: call, Code: 1, Stderr: "refused"}
	}
	switch {
	case name == "crontab" && args[0] == "-l":
		if f.crontab == nil {
			return nil, &RunError{Cmd: call, Code: 1, Stderr: "no crontab for budi\n"}
		}
		return []byte(*f.crontab), nil
	case name == "crontab" && args[0] == "-":
		s := string(stdin)
		f.crontab = &s
	case name == "schtasks" && args[0] == "/Create":
		b, err := os.ReadFile(args[4])
		if err != nil {
			return nil, err
		}
		if f.tasks == nil {
			f.tasks = map[string]string{}
		}
		if strings.Contains(decodeUTF16(b), "<LogonType>S4U</LogonType>") && f.refuse["S4U"] {
			return nil, &RunError{Cmd: call, Code: 1, Stderr: "ERROR: Access is denied."}
		}
		f.tasks[args[2]] = string(b)
	case name == "schtasks" && args[0] == "/Query":
		x, ok := f.tasks[args[2]]
		if !ok {
			return nil, &RunError{Cmd: call, Code: 1, Stderr: "ERROR: The system cannot find the file specified."}
		}
		return []byte(x), nil
	case name == "schtasks" && args[0] == "/Delete":
		delete(f.tasks, args[2])
	}
	return nil, nil
}

func testEnv(t *testing.T, goos string) (Env, *fakeRunner) {
	r := &fakeRunner{refuse: map[string]bool{}}
	dir := t.TempDir()
	return Env{Runner: r, GOOS: goos, ConfigDir: filepath.Join(dir, "config"), Home: filepath.Join(dir, "home"), TempDir: dir, UID: 1000}, r
}

func TestCronInstallIdempotentRemoveOnlyOurs(t *testing.T) {
	ctx := context.Background()
	env, r := testEnv(t, "linux")
	b, _ := env.Backend(ctx, "cron")
	mine := "0 9 * * 1 /usr/bin/backup-my-photos\n"
	r.crontab = &mine
	s := unixSpec
	for i := 0; i < 2; i++ {
		if _, err := env.Install(ctx, b, s); err != nil {
			t.Fatal(err)
		}
	}
	s.Daily = "20:00"
	if _, err := env.Install(ctx, b, s); err != nil {
		t.Fatal(err)
	}
	line, _ := CronLine(s)
	if *r.crontab != mine+line+"\n" {
		t.Fatalf("crontab after three installs:\n%s", *r.crontab)
	}
	st, err := env.Find(ctx, s.Label)
	if err != nil || !st.Installed || st.Backend != "cron" || st.Spec == nil || st.Spec.Daily != "20:00" {
		t.Fatalf("Find: %+v %v", st, err)
	}
	// Another label's line and a line that merely mentions efbackup stay.
	other := *r.crontab + "1 1 * * * efbackup run-scheduled --label other # efbackup:other\n# efbackup:eFaktur-3.2 is my note\n"
	r.crontab = &other
	if _, err := env.Remove(ctx, b, s.Label); err != nil {
		t.Fatal(err)
	}
	want := mine + "1 1 * * * efbackup run-scheduled --label other # efbackup:other\n# efbackup:eFaktur-3.2 is my note\n"
	if *r.crontab != want {
		t.Fatalf("crontab after remove:\n%s", *r.crontab)
	}
	if _, err := env.Remove(ctx, b, s.Label); !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("second remove: %v", err)
	}
	if st, _ := env.Find(ctx, s.Label); st.Installed {
		t.Error("still found after remove")
	}
	// No crontab at all yet.
	r.crontab = nil
	if _, err := env.Install(ctx, b, s); err != nil || *r.crontab != line+"\n" {
		t.Fatalf("install into no crontab: %v %q", err, *r.crontab)
	}
}

func TestSystemdInstallRemove(t *testing.T) {
	ctx := context.Background()
	env, r := testEnv(t, "linux")
	env.SystemdUser = func(context.Context) bool { return true }
	b, _ := env.Backend(ctx, "auto")
	if b.Name() != "systemd" {
		t.Fatalf("auto on Linux with systemd: %s", b.Name())
	}
	p, err := env.Install(ctx, b, unixSpec)
	if err != nil {
		t.Fatal(err)
	}
	svcPath := filepath.Join(env.ConfigDir, "systemd", "user", "efbackup-eFaktur-3.2.service")
	got, _ := os.ReadFile(svcPath)
	want, _ := SystemdService(unixSpec)
	if string(got) != want {
		t.Errorf("service file differs")
	}
	// Windows has no Unix permission bits (fsutil's Windows tests check the ACL).
	if fi, _ := os.Stat(svcPath); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("service mode %v", fi.Mode())
	}
	wantCalls := [][]string{{"systemctl", "--user", "daemon-reload"}, {"systemctl", "--user", "enable", "--now", "efbackup-eFaktur-3.2.timer"}}
	if !reflect.DeepEqual(r.calls, wantCalls) || !slices.Contains(p.Notes, NoteLinger) {
		t.Errorf("calls %q notes %v", r.calls, p.Notes)
	}
	// Install again: same files, same commands.
	r.calls = nil
	if _, err := env.Install(ctx, b, unixSpec); err != nil || !reflect.DeepEqual(r.calls, wantCalls) {
		t.Fatalf("second install: %v %q", err, r.calls)
	}
	if st, _ := env.Find(ctx, unixSpec.Label); !st.Installed || st.Backend != "systemd" {
		t.Fatalf("Find: %+v", st)
	}
	// A unit of the same name that is not ours is neither replaced nor removed.
	foreign := filepath.Join(env.ConfigDir, "systemd", "user", "efbackup-other.timer")
	os.WriteFile(foreign, []byte("[Timer]\nOnCalendar=daily\n"), 0o644)
	var no *NotOursError
	if _, err := b.Remove(ctx, "other"); !errors.As(err, &no) {
		t.Errorf("remove of a foreign unit: %v", err)
	}
	s2 := unixSpec
	s2.Label = "other"
	if _, err := b.Install(ctx, s2); !errors.As(err, &no) {
		t.Errorf("install over a foreign unit: %v", err)
	}
	r.calls = nil
	removed, err := env.Remove(ctx, b, unixSpec.Label)
	if err != nil || len(removed) != 3 {
		t.Fatalf("remove: %v %v", removed, err)
	}
	if _, err := os.Stat(svcPath); !os.IsNotExist(err) {
		t.Error("service file left")
	}
	if r.calls[0][2] != "disable" {
		t.Errorf("calls %q", r.calls)
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Error("foreign unit removed")
	}
}

func TestSchtasksInstallRemove(t *testing.T) {
	ctx := context.Background()
	env, r := testEnv(t, "windows")
	b, _ := env.Backend(ctx, "")
	if b.Name() != "schtasks" {
		t.Fatal(b.Name())
	}
	p, err := env.Install(ctx, b, winSpec)
	if err != nil {
		t.Fatal(err)
	}
	stored := r.tasks["efbackup-PT-Maju_Jaya"]
	want, _ := TaskXML(winSpec)
	if stored != string(EncodeUTF16(want)) {
		t.Error("schtasks got another XML than the plan shows")
	}
	if c := r.calls[0]; c[0] != "schtasks" || c[1] != "/Create" || c[6] != "/F" {
		t.Errorf("call %q", c)
	}
	if _, err := os.Stat(p.Files[0].Path); !os.IsNotExist(err) {
		t.Error("temporary XML left behind")
	}
	if st, _ := env.Find(ctx, winSpec.Label); !st.Installed {
		t.Error("not found")
	}
	// A task of that name someone else made is left alone.
	r.tasks["efbackup-x"] = "<Task><RegistrationInfo><Source>someone</Source></RegistrationInfo></Task>"
	var no *NotOursError
	if _, err := b.Remove(ctx, "x"); !errors.As(err, &no) {
		t.Errorf("foreign task: %v", err)
	}
	if _, err := env.Remove(ctx, b, winSpec.Label); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.tasks["efbackup-PT-Maju_Jaya"]; ok {
		t.Error("task left")
	}
	// S4U refused: fall back to a task that runs while logged on, and say so.
	r.refuse["S4U"] = true
	p, err = b.Install(ctx, winSpec)
	if err != nil || !slices.Contains(p.Notes, NoteS4UFallback) || !strings.Contains(decodeUTF16([]byte(r.tasks["efbackup-PT-Maju_Jaya"])), "InteractiveToken") {
		t.Fatalf("fallback: %v %+v", err, p)
	}
}

func TestLaunchdInstallRemove(t *testing.T) {
	ctx := context.Background()
	env, r := testEnv(t, "darwin")
	b, _ := env.Backend(ctx, "")
	if b.Name() != "launchd" {
		t.Fatal(b.Name())
	}
	r.refuse["launchctl bootout"] = true // not loaded yet: must not stop the install
	if _, err := env.Install(ctx, b, unixSpec); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(env.Home, "Library", "LaunchAgents", "id.efbackup.eFaktur-3.2.plist")
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	if c := r.calls[1]; !slices.Equal(c, []string{"launchctl", "bootstrap", "gui/1000", p}) {
		t.Errorf("call %q", c)
	}
	if _, err := env.Remove(ctx, b, unixSpec.Label); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Error("plist left")
	}
}

func TestPlanShowsRecord(t *testing.T) {
	env, _ := testEnv(t, "linux")
	b, _ := env.Backend(context.Background(), "cron")
	p, err := env.PlanWithRecord(b, unixSpec)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Files) != 1 || !strings.HasSuffix(p.Files[0].Path, filepath.Join("efbackup", "schedules", "eFaktur-3.2.json")) {
		t.Errorf("files %+v", p.Files)
	}
	line, _ := CronLine(unixSpec)
	if p.Commands[0].Stdin != line+"\n" {
		t.Errorf("stdin %q", p.Commands[0].Stdin)
	}
}

func TestRunLog(t *testing.T) {
	dir := t.TempDir()
	if r, err := LastRun(dir); r != nil || err != nil {
		t.Fatalf("empty: %v %v", r, err)
	}
	t0 := time.Date(2024, 5, 1, 18, 30, 0, 0, time.UTC)
	recs := []RunRecord{
		{Time: t0, Label: "a", Outcome: OutcomeOK, Snapshot: "a-1.tar.zst"},
		{Time: t0.Add(time.Hour), Label: "b", Outcome: OutcomeInUse, ExitCode: 4},
		{Time: t0.Add(2 * time.Hour), Label: "a", Outcome: OutcomeFailed, ExitCode: 1, Message: "disk full"},
	}
	for _, r := range recs {
		if _, err := AppendRun(dir, r); err != nil {
			t.Fatal(err)
		}
	}
	// A torn last line (a crash mid-write) is skipped.
	f, _ := os.OpenFile(filepath.Join(dir, RunLogName), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"time":"2024-05-0`)
	f.Close()
	last, err := LastRun(dir)
	if err != nil || last.Message != "disk full" || !last.Time.Equal(recs[2].Time) {
		t.Fatalf("LastRun %+v %v", last, err)
	}
	if r, _ := LastRunOf(dir, "a", true); r == nil || r.Snapshot != "a-1.tar.zst" {
		t.Errorf("last good of a: %+v", r)
	}
	if r, _ := LastRunOf(dir, "b", false); r == nil || r.Outcome != OutcomeInUse {
		t.Errorf("last of b: %+v", r)
	}
	if fi, _ := os.Stat(filepath.Join(dir, RunLogName)); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("log mode %v", fi.Mode())
	}
}
