package main

// Output rules, for every command:
//   - results go to stdout: text, or with --json exactly one JSON document;
//   - everything else (progress, warnings, errors) goes to stderr, prefixed
//     with "efbackup: ", lowercase, no final period; a "hint: " line follows
//     when a next step is known;
//   - with --json, a failure is one JSON error object on stderr;
//   - a progress bar is drawn only on a terminal, never with --quiet,
//     --json or --no-progress.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

type ui struct {
	lang           i18n.Lang
	stdout, stderr io.Writer
	stdin          io.Reader
	json           bool
	quiet          bool
	noProgress     bool
	noNotes        bool
}

// setup reads the global flags, which may be given before or after the
// command name.
func (u *ui) setup(c *cli.Context) {
	for _, ctx := range c.Lineage() {
		if ctx.IsSet("json") {
			u.json = ctx.Bool("json")
		}
		if ctx.IsSet("quiet") {
			u.quiet = ctx.Bool("quiet")
		}
		if ctx.IsSet("no-progress") {
			u.noProgress = ctx.Bool("no-progress")
		}
	}
}

// quietResults is u for a command run by another (the scheduled run calls
// snapshot and prune): it prints warnings as u does, but no progress and
// no notes, and its results are the caller's to print.
func (u *ui) quietResults() *ui {
	sub := *u
	sub.noProgress, sub.noNotes = true, true
	return &sub
}

func (u *ui) T(key string, args ...any) string { return u.lang.T(key, args...) }

// result prints a command's result: JSON on stdout with --json, otherwise
// the text form, unless --quiet.
func (u *ui) result(v any, text func(w io.Writer)) error {
	if u.json {
		enc := json.NewEncoder(u.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	if !u.quiet {
		text(u.stdout)
	}
	return nil
}

// warn prints a warning on stderr, even with --json (stdout stays one
// document), but not with --quiet.
func (u *ui) warn(msg string, hint string) {
	if u.quiet {
		return
	}
	fmt.Fprintf(u.stderr, "efbackup: %s\n", msg)
	if hint != "" {
		fmt.Fprintln(u.stderr, u.T("ui.hint", hint))
	}
}

// info prints a progress note on stderr, only for people at a terminal or
// reading a log, never with --quiet or --json.
func (u *ui) info(format string, args ...any) {
	if u.quiet || u.json || u.noNotes {
		return
	}
	fmt.Fprintf(u.stderr, "efbackup: "+format+"\n", args...)
}

type jsonError struct {
	Error struct {
		ExitCode int              `json:"exit_code"`
		Kind     string           `json:"kind"`
		Message  string           `json:"message"`
		Hint     string           `json:"hint,omitempty"`
		Problems []backup.Problem `json:"problems,omitempty"`
	} `json:"error"`
}

// fail prints err, classified by main: one JSON error object on stderr
// with --json (also when the result document on stdout already lists the
// problems: a script reads every failure the same way), else the message
// and its hint.
func (u *ui) fail(class exitClass, err error) {
	msg, hint := describeError(u.lang, err)
	if u.json {
		var je jsonError
		je.Error.ExitCode = class.Code
		je.Error.Kind = class.Kind
		je.Error.Message = msg
		je.Error.Hint = hint
		var ie *backup.IntegrityError
		if errors.As(err, &ie) {
			je.Error.Problems = ie.Problems
		}
		b, _ := json.Marshal(je)
		fmt.Fprintf(u.stderr, "%s\n", b)
		return
	}
	fmt.Fprintf(u.stderr, "efbackup: %s\n", lowerFirst(strings.TrimSuffix(msg, ".")))
	if hint != "" {
		fmt.Fprintln(u.stderr, u.T("ui.hint", hint))
	}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	// Leave names such as "SHA256SUMS" or a path alone.
	if len(s) > 1 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'a' && s[1] <= 'z' {
		return strings.ToLower(s[:1]) + s[1:]
	}
	return s
}

// progress returns a callback that draws a bar for total bytes, or nil
// when no bar should be drawn.
func (u *ui) progress(desc string, total int64) (func(done int64), func()) {
	if u.quiet || u.json || u.noProgress || total <= 0 {
		return nil, func() {}
	}
	f, ok := u.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	return func(done int64) { _ = bar.Set64(done) }, func() { _ = bar.Finish() }
}

// humanBytes renders a size the way both languages read it.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
