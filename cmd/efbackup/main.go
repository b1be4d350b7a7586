// Command efbackup keeps the database of e-Faktur desktop safe: verified
// snapshots of db/, checks of live folders and snapshots, and restores that
// never destroy what was there.
//
// This file alone turns errors into exit codes. The table is documented in
// docs/exit-codes.md and printed at the end of every --help.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/faultio"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/inuse"
	"github.com/efbackup/efbackup/migrate"
)

// Exit codes, the same for every command.
const (
	ExitOK          = 0
	ExitFailed      = 1
	ExitUsage       = 2
	ExitIntegrity   = 3
	ExitInUse       = 4
	ExitInterrupted = 130
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	// A soft memory target: efbackup runs beside e-Faktur on office PCs
	// and promises to stay under 64 MiB whatever the database size. The
	// live heap is about 30 MiB (compression jobs, read buffers); without a
	// target the collector lets the heap double before it runs. It never
	// makes an allocation fail. GOMEMLIMIT overrides it.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(48 << 20)
	}
	code := run(os.Args, os.Stdin, os.Stdout, os.Stderr)
	testReportPeakMemory()
	os.Exit(code)
}

// run is main without os.Exit, so that tests can drive the real program.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	lang := i18n.Detect(preScanLang(args))
	if err := faultio.FromEnv(); err != nil { // tests only; inert unless set
		fmt.Fprintln(stderr, "efbackup:", err)
		return ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ui := &ui{lang: lang, stdout: stdout, stderr: stderr, stdin: stdin}
	app := newApp(ui)
	err := app.RunContext(ctx, flagsFirst(app, args))
	if err == nil && ui.deferredExit != 0 {
		return ui.deferredExit
	}
	if err == nil {
		return ExitOK
	}
	if ctx.Err() != nil && !isKind[*usageError](err) {
		err = &interruptedError{}
	}
	code := exitCode(err)
	ui.fail(code, err)
	return code
}

// preScanLang finds --lang before flags are parsed, because the help text
// itself must be in the chosen language.
func preScanLang(args []string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			return v
		}
		if v, ok := strings.CutPrefix(a, "-lang="); ok {
			return v
		}
		if (a == "--lang" || a == "-lang") && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// usageError is a mistake in the command line, found before anything is
// written.
type usageError struct {
	msg  string
	hint string
}

func (e *usageError) Error() string { return e.msg }

type interruptedError struct{}

func (e *interruptedError) Error() string { return "interrupted" }

// integrityFinding is returned when a command finished its work but found
// damage (verify, or a snapshot of a damaged database).
type integrityFinding struct{ msg, hint string }

func (e *integrityFinding) Error() string { return e.msg }

func isKind[T error](err error) bool {
	var t T
	return errors.As(err, &t)
}

func exitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case isKind[*interruptedError](err), errors.Is(err, context.Canceled):
		return ExitInterrupted
	case isKind[*usageError](err), isKind[*migrate.NotInstallError](err):
		return ExitUsage
	case isKind[*inuse.InUseError](err), isKind[*backup.ChangedError](err):
		return ExitInUse
	case isKind[*backup.IntegrityError](err), isKind[*integrityFinding](err):
		return ExitIntegrity
	}
	return ExitFailed
}

// describeError renders err in the user's language, with a hint line when a
// next step is known.
func describeError(l i18n.Lang, err error) (msg, hint string) {
	var (
		ue  *usageError
		ni  *migrate.NotInstallError
		iu  *inuse.InUseError
		ce  *backup.ChangedError
		ie  *backup.IntegrityError
		inf *integrityFinding
		le  *lockedError
		uf  *backup.UnsupportedFileError
		re  *backup.ReadError
		sce *backup.SidecarError
		pe  *os.PathError
	)
	switch {
	case isKind[*interruptedError](err), errors.Is(err, context.Canceled):
		return l.T("err.interrupted"), l.T("hint.interrupted")
	case errors.As(err, &ue):
		return ue.msg, ue.hint
	case errors.As(err, &ni):
		return l.T("err.notinstall", ni.Path, ni.Reason), l.T("hint.notinstall")
	case errors.As(err, &iu):
		detail := ""
		if len(iu.Report.Signals) > 0 {
			detail = iu.Report.Signals[0].Detail
		}
		return l.T("err.inuse", iu.Dir, detail), l.T("hint.inuse")
	case errors.As(err, &ce):
		return l.T("err.changed", ce.Path, ce.Detail), l.T("hint.inuse")
	case errors.As(err, &inf):
		return inf.msg, inf.hint
	case errors.As(err, &le):
		return le.msg, le.hint
	case errors.As(err, &ie):
		var b strings.Builder
		b.WriteString(l.T("err.integrity", ie.Target, len(ie.Problems)))
		for _, p := range ie.Problems {
			b.WriteString("\n  ")
			b.WriteString(problemLine(l, p))
		}
		return b.String(), l.T("hint.integrity")
	case errors.As(err, &uf):
		return l.T("err.unsupported", uf.Path, uf.Type), l.T("hint.unsupported")
	case errors.As(err, &sce):
		h := l.T("hint.io")
		if errors.Is(err, syscall.ENOSPC) {
			h = l.T("hint.nospace")
		} else if errors.Is(err, os.ErrPermission) {
			h = l.T("hint.permission")
		}
		h += "; " + l.T("hint.sidecar")
		return l.T("err.sidecar", sce.Archive, sce.Archive+backup.SidecarSuffix, unwrapPath(sce.Err)), h
	case errors.As(err, &re):
		return l.T("err.read", re.Path, re.Offset, re.Size, re.Err), l.T("hint.read")
	case errors.As(err, &pe):
		h := l.T("hint.io")
		if errors.Is(err, syscall.ENOSPC) {
			h = l.T("hint.nospace")
		} else if errors.Is(err, os.ErrPermission) {
			h = l.T("hint.permission")
		}
		return l.T("err.io", pe.Op, pe.Path, pe.Err), h
	}
	var h interface{ Hint() string }
	if errors.As(err, &h) {
		return err.Error(), h.Hint()
	}
	return err.Error(), ""
}

// unwrapPath drops the path from an *os.PathError when the message names
// the file already.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func problemLine(l i18n.Lang, p backup.Problem) string {
	kind := p.Kind
	if i18n.Has("problem." + p.Kind) {
		kind = l.T("problem." + p.Kind)
	}
	if p.File != "" {
		return fmt.Sprintf("%s: %s (%s)", p.File, kind, p.Detail)
	}
	return fmt.Sprintf("%s (%s)", kind, p.Detail)
}
