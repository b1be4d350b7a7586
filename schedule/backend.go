package schedule

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// Runner runs a system tool (schtasks, systemctl, crontab, launchctl).
// Tests replace it.
type Runner interface {
	Run(ctx context.Context, stdin []byte, name string, args ...string) (stdout []byte, err error)
}

// RunError is a tool that failed, with what it said.
type RunError struct {
	Cmd    []string
	Code   int
	Stderr string
}

func (e *RunError) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" {
		msg = fmt.Sprintf("exit status %d", e.Code)
	}
	return fmt.Sprintf("%s: %s", strings.Join(e.Cmd, " "), msg)
}

// ExecRunner runs tools with os/exec.
type ExecRunner struct{}

func (ExecRunner) Run(ctx context.Context, stdin []byte, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	if stdin != nil {
		// The tool reads its input from a file, not a pipe we feed: if
		// efbackup is killed while the tool runs, the tool still reads all
		// of it. Through a pipe it would read a truncated crontab to the
		// end and install that, and the user's lines after the cut would
		// be gone.
		f, err := stdinFile(stdin)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		defer os.Remove(f.Name()) // already gone, except where an open file cannot be removed (Windows)
		cmd.Stdin = f
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		code := -1
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else {
			return stdout.Bytes(), err // not found, not executable
		}
		return stdout.Bytes(), &RunError{Cmd: append([]string{name}, args...), Code: code, Stderr: stderr.String() + stdout.String()}
	}
	return stdout.Bytes(), nil
}

// stdinFile returns a file holding b, open for reading from its start,
// and already removed where the system allows that.
func stdinFile(b []byte) (*os.File, error) {
	f, err := os.CreateTemp("", "efbackup-stdin-*")
	if err != nil {
		return nil, err
	}
	_ = os.Remove(f.Name())
	_, err = f.Write(b)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("writing the input of a scheduler tool to %s: %w", f.Name(), err)
	}
	return f, nil
}

// Env is the system a backend works on. DefaultEnv describes this one.
type Env struct {
	Runner    Runner
	GOOS      string
	ConfigDir string // os.UserConfigDir(): systemd user units and efbackup's record live under it
	Home      string
	TempDir   string
	UID       int
	// SystemdUser reports whether a systemd user manager is reachable
	// (Linux); nil means no.
	SystemdUser func(ctx context.Context) bool
	// Hook, when set, is called at named points of an install; tests stop
	// the process there: "schedule-planned" (nothing written yet),
	// "schedule-temp-written" (a file's new content is on disk under its
	// temporary name), "schedule-file-written" (it has its final name),
	// "schedule-command-run" (after each tool), "schedule-installed" (the
	// scheduler has it; efbackup's record not yet written) and
	// "schedule-recorded".
	Hook func(point string)
}

func (e Env) hook(point string) {
	if e.Hook != nil {
		e.Hook(point)
	}
}

// DefaultEnv is this system, with tools run through os/exec.
func DefaultEnv() Env {
	cfg, _ := os.UserConfigDir()
	home, _ := os.UserHomeDir()
	e := Env{Runner: ExecRunner{}, GOOS: runtime.GOOS, ConfigDir: cfg, Home: home, TempDir: os.TempDir(), UID: os.Getuid()}
	e.SystemdUser = func(ctx context.Context) bool {
		if _, err := os.Stat("/run/systemd/system"); err != nil {
			return false
		}
		_, err := e.Runner.Run(ctx, nil, "systemctl", "--user", "show-environment")
		return err == nil
	}
	return e
}

// Backend is one way of running efbackup daily.
type Backend interface {
	Name() string
	// Plan is exactly what Install would write and run.
	Plan(s Spec) (*Plan, error)
	// Install is idempotent: installing again replaces the schedule. It
	// returns the plan it carried out.
	Install(ctx context.Context, s Spec) (*Plan, error)
	// Remove removes only what carries efbackup's mark; it returns what
	// it removed, or ErrNotInstalled.
	Remove(ctx context.Context, label string) ([]string, error)
	Query(ctx context.Context, label string) (*Status, error)
}

// Plan is what an install writes and runs.
type Plan struct {
	Backend  string        `json:"backend"`
	Files    []PlanFile    `json:"files"`
	Commands []PlanCommand `json:"commands"`
	// Notes are stable codes for what the user should know (Note...).
	Notes []string `json:"notes,omitempty"`
	// Leftovers are the temporary files a killed earlier install left
	// beside the files this one wrote, which it removed.
	Leftovers []fsutil.Leftover `json:"leftovers,omitempty"`
}

// PlanFile is a file an install writes.
type PlanFile struct {
	Path    string `json:"path"`
	Content string `json:"content"`
	// Temporary files are passed to a tool and removed afterwards.
	Temporary bool `json:"temporary,omitempty"`
}

// PlanCommand is a tool an install runs, in order.
type PlanCommand struct {
	Args []string `json:"args"`
	// Stdin, when set, is what the tool reads (crontab -).
	Stdin string `json:"stdin,omitempty"`
	// MayFail commands are run for their effect if any (launchctl bootout
	// of an agent that is not loaded).
	MayFail bool `json:"may_fail,omitempty"`
}

// Notes.
const (
	NoteS4U         = "s4u"          // runs whether or not logged on; no network credentials
	NoteS4UFallback = "s4u-fallback" // S4U was refused: the task runs only while logged on
	NoteLinger      = "linger"       // a systemd user timer needs lingering to run while logged out
	NoteCronCatchUp = "cron-no-catchup"
	NoteLaunchdWake = "launchd-wake"
)

// Status is whether a schedule is installed.
type Status struct {
	Backend   string `json:"backend"`
	Installed bool   `json:"installed"`
	Where     string `json:"where,omitempty"`
	// Spec is what efbackup recorded when it installed the schedule, if
	// the record is there.
	Spec *Spec `json:"spec,omitempty"`
}

// Backends lists the names Backend accepts.
var Backends = []string{"schtasks", "systemd", "cron", "launchd"}

// Backend returns the named backend, or for "" and "auto" the one for this
// system: schtasks on Windows, launchd on macOS, systemd where a user
// manager runs, cron elsewhere.
func (e Env) Backend(ctx context.Context, name string) (Backend, error) {
	if name == "" || name == "auto" {
		switch {
		case e.GOOS == "windows":
			name = "schtasks"
		case e.GOOS == "darwin":
			name = "launchd"
		case e.SystemdUser != nil && e.SystemdUser(ctx):
			name = "systemd"
		default:
			name = "cron"
		}
	}
	switch name {
	case "schtasks":
		return schtasks{e}, nil
	case "systemd":
		return systemd{e}, nil
	case "cron":
		return cron{e}, nil
	case "launchd":
		return launchd{e}, nil
	}
	return nil, fmt.Errorf("unknown scheduler %q (use %s)", name, strings.Join(Backends, ", "))
}

// candidates are the backends a schedule may have been installed with on
// this system.
func (e Env) candidates() []string {
	switch e.GOOS {
	case "windows":
		return []string{"schtasks"}
	case "darwin":
		return []string{"launchd", "cron"}
	}
	return []string{"systemd", "cron"}
}

// Find looks for an efbackup schedule of label with every backend that
// applies to this system, and returns the first installed one (with the
// recorded spec), or a Status with Installed false.
func (e Env) Find(ctx context.Context, label string) (*Status, error) {
	var firstErr error
	for _, name := range e.candidates() {
		b, _ := e.Backend(ctx, name)
		st, err := b.Query(ctx, label)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if st.Installed {
			st.Spec, _ = e.readRecord(label)
			return st, nil
		}
	}
	return &Status{}, firstErr
}

// Install installs s with backend b and records the spec. Every file it
// writes is replaced in one rename, so that a kill at any moment leaves
// the previous version or the complete new one; installing again is
// idempotent, and removes what a killed install left under temporary
// names.
func (e Env) Install(ctx context.Context, b Backend, s Spec) (*Plan, error) {
	p, err := b.Install(ctx, s)
	if err != nil {
		return p, err
	}
	e.hook("schedule-installed")
	rec, _ := json.MarshalIndent(s, "", "  ")
	path := e.recordPath(s.Label)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return p, err
	}
	left, err := e.replaceFile(path, append(rec, '\n'))
	p.Leftovers = append(p.Leftovers, left...)
	if err != nil {
		return p, err
	}
	e.hook("schedule-recorded")
	return p, nil
}

// PlanWithRecord is b.Plan(s) plus the record file Install writes.
func (e Env) PlanWithRecord(b Backend, s Spec) (*Plan, error) {
	p, err := b.Plan(s)
	if err != nil {
		return nil, err
	}
	rec, _ := json.MarshalIndent(s, "", "  ")
	p.Files = append(p.Files, PlanFile{Path: e.recordPath(s.Label), Content: string(rec) + "\n"})
	return p, nil
}

// Remove removes the schedule of label from b and the record.
func (e Env) Remove(ctx context.Context, b Backend, label string) ([]string, error) {
	removed, err := b.Remove(ctx, label)
	if err != nil {
		return removed, err
	}
	if rerr := os.Remove(e.recordPath(label)); rerr == nil {
		removed = append(removed, e.recordPath(label))
	} else if !errors.Is(rerr, fs.ErrNotExist) {
		return removed, rerr
	}
	return removed, nil
}

func (e Env) recordPath(label string) string {
	return filepath.Join(e.ConfigDir, "efbackup", "schedules", label+".json")
}

// RecordError says the record of an installed schedule cannot be used: it
// is not JSON, holds a field this release does not know (a newer
// release's), or a value out of range. Field is the JSON field at fault,
// "" when the record as a whole is.
type RecordError struct {
	File   string
	Field  string
	Detail string
}

func (e *RecordError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: field %s: %s", e.File, e.Field, e.Detail)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Detail)
}

// readRecord reads and checks the record Install wrote for label.
func (e Env) readRecord(label string) (*Spec, error) {
	p := e.recordPath(label)
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var s Spec
	if err := dec.Decode(&s); err != nil {
		re := &RecordError{File: p, Detail: err.Error()}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			re.Field = te.Field
		} else if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			re.Field, re.Detail = strings.Trim(f, `"`), "a field this release does not know (written by a newer efbackup?)"
		}
		return nil, re
	}
	if s.Label != label {
		return nil, &RecordError{File: p, Field: "label", Detail: fmt.Sprintf("%q is not the label %q it is filed under", s.Label, label)}
	}
	if _, _, err := ParseDaily(s.Daily); err != nil {
		return nil, &RecordError{File: p, Field: "daily", Detail: err.Error()}
	}
	if err := s.Validate(); err != nil {
		return nil, &RecordError{File: p, Detail: err.Error()}
	}
	return &s, nil
}

// writeFiles writes the plan's lasting files, owner-only, replacing any
// earlier version.
func (e Env) writeFiles(p *Plan) error {
	for _, f := range p.Files {
		if f.Temporary {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
			return err
		}
		left, err := e.replaceFile(f.Path, []byte(f.Content))
		p.Leftovers = append(p.Leftovers, left...)
		if err != nil {
			return err
		}
	}
	return nil
}

// replaceFile writes data to path owner-only, replacing the file in one
// rename (fsutil.ReplaceFileHook), after removing what a killed install
// left under temporary names; it returns those.
func (e Env) replaceFile(path string, data []byte) ([]fsutil.Leftover, error) {
	left, err := fsutil.SweepReplaceLeftovers(path)
	if err != nil {
		return left, err
	}
	if err := fsutil.ReplaceFileHook(path, data, 0o600, func() { e.hook("schedule-temp-written") }); err != nil {
		return left, fmt.Errorf("writing %s: %w", path, err)
	}
	e.hook("schedule-file-written")
	return left, nil
}

func (e Env) runCommands(ctx context.Context, cmds []PlanCommand) error {
	for _, c := range cmds {
		var stdin []byte
		if c.Stdin != "" {
			stdin = []byte(c.Stdin)
		}
		if _, err := e.Runner.Run(ctx, stdin, c.Args[0], c.Args[1:]...); err != nil && !c.MayFail {
			return err
		}
		e.hook("schedule-command-run")
	}
	return nil
}

// hasMark reports whether the file at path exists and carries line.
func hasMark(path, line string) (exists, marked bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) == line {
			return true, true, nil
		}
	}
	return true, false, nil
}
