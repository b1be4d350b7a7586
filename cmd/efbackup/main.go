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
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/crypt"
	"github.com/efbackup/efbackup/internal/folderlock"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/inuse"
	"github.com/efbackup/efbackup/migrate"
	"github.com/efbackup/efbackup/schedule"
	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/location"
	"github.com/urfave/cli/v2"
)

// Exit codes, the same for every command.
const (
	ExitOK        = 0
	ExitFailed    = 1
	ExitUsage     = 2
	ExitIntegrity = 3
	ExitInUse     = 4
	// ExitKey: the key or passphrase of an encrypted snapshot is missing
	// or wrong; the snapshot itself may be whole.
	ExitKey = 5
	// ExitCannotCheck: the engine's proof could not run (no Java runtime
	// or Derby engine was found, or no room for the scratch copy).
	ExitCannotCheck = 6
	ExitInterrupted = 130
)

// The release: set at build time with -ldflags "-X main.version=1.1.0
// -X main.commit=35b0fc3 -X main.date=2026-12-06" (make release). Without
// them, the commit and its date come from what the Go toolchain recorded
// of the repository, when it did.
var (
	version = "dev"
	commit  = ""
	date    = ""
)

// versionLine is what --version prints: efbackup 1.1.0 (35b0fc3,
// 2026-12-06).
func versionLine() string {
	c, d := commit, date
	if bi, ok := debug.ReadBuildInfo(); ok && (c == "" || d == "") {
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && c == "":
				c = s.Value
			case s.Key == "vcs.time" && d == "" && len(s.Value) >= 10:
				d = s.Value[:10]
			}
		}
	}
	// The short hash, as git shows it; a mark such as -dirty stays.
	if h, mark, _ := strings.Cut(c, "-"); len(h) > 7 {
		c = h[:7]
		if mark != "" {
			c += "-" + mark
		}
	}
	var parts []string
	for _, p := range []string{c, d} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return "efbackup " + version
	}
	return fmt.Sprintf("efbackup %s (%s)", version, strings.Join(parts, ", "))
}

func main() {
	// A soft memory target: efbackup runs beside e-Faktur on office PCs
	// and promises to stay under 64 MiB whatever the database size. The
	// live heap is about 30 MiB (compression jobs, read buffers); without a
	// target the collector lets the heap double before it runs. It never
	// makes an allocation fail. GOMEMLIMIT overrides it.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(48 << 20)
	}
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// run is main without os.Exit, so that tests can drive the real program.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	lang := i18n.Detect(preScanLang(args))
	if testHooks.BeforeRun != nil {
		if err := testHooks.BeforeRun(); err != nil {
			fmt.Fprintln(stderr, "efbackup:", err)
			return ExitUsage
		}
	}
	// Ctrl-C, a stopped task (SIGTERM) and a closed terminal (SIGHUP) all
	// end a run the same way: it stops at the next safe point, removes what
	// it had not finished, releases its locks and says what state it left.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	ui := &ui{lang: lang, stdout: stdout, stderr: stderr, stdin: stdin}
	app := newApp(ui)
	var notFound error
	app.CommandNotFound = func(c *cli.Context, name string) { notFound = ui.usageErr("err.nocommand", name) }
	err := app.RunContext(ctx, flagsFirst(app, args))
	if err == nil {
		err = notFound
	}
	if err == nil {
		return ExitOK
	}
	if ctx.Err() != nil && !isKind[*usageError](err) && !isKind[*reportedError](err) && !isKind[*interruptedError](err) &&
		!isKind[*pastInterruptError](err) {
		err = &interruptedError{}
	}
	class := classify(err)
	ui.fail(class, err)
	return class.Code
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

// interruptedError is a run stopped by Ctrl-C or a signal. msg and hint,
// when set, say what state the command left, where the general words
// ("unfinished files were removed") would not be true.
type interruptedError struct{ msg, hint string }

func (e *interruptedError) Error() string {
	if e.msg != "" {
		return e.msg
	}
	return "interrupted"
}

// pastInterruptError is the failure of work that went on after an
// interruption because stopping would have left things worse (a restore
// past its point of no return): it is reported as itself, since it, not
// the interruption, says what state was left.
type pastInterruptError struct{ err error }

func (e *pastInterruptError) Error() string { return e.err.Error() }
func (e *pastInterruptError) Unwrap() error { return e.err }

// integrityFinding is returned when a command finished its work but found
// damage (verify, or a snapshot of a damaged database).
type integrityFinding struct{ msg, hint string }

func (e *integrityFinding) Error() string { return e.msg }

func isKind[T error](err error) bool {
	var t T
	return errors.As(err, &t)
}

// exitClass is what an error means to whoever runs efbackup: the exit
// code, the "kind" of the JSON error object, and the outcome a scheduled
// run records in its log.
type exitClass struct {
	Code    int
	Kind    string
	Outcome string
}

// exitTable is the one place where an error becomes an exit code; the
// first row whose test matches decides. docs/exit-codes.md and the end of
// every --help show the same table.
var exitTable = []struct {
	match func(error) bool
	class exitClass
}{
	{func(err error) bool { return isKind[*interruptedError](err) || errors.Is(err, context.Canceled) },
		exitClass{ExitInterrupted, "interrupted", schedule.OutcomeInterrupted}},
	{func(err error) bool {
		return isKind[*usageError](err) || isKind[*migrate.NotInstallError](err) ||
			isKind[*migrate.EngineTooOldError](err) || isKind[*backup.DatabaseFolderError](err) ||
			store.KindOf(err) == store.KindConfig || store.KindOf(err) == store.KindNoCredentials
	},
		exitClass{ExitUsage, "usage", schedule.OutcomeUsage}},
	{func(err error) bool { return isKind[*inuse.InUseError](err) || isKind[*backup.ChangedError](err) },
		exitClass{ExitInUse, "in-use", schedule.OutcomeInUse}},
	// An encrypted snapshot that could not be opened: no key, or none
	// that fits. Not damage: scripts tell "bring the key" from "broken".
	{isKeyProblem, exitClass{ExitKey, "key", schedule.OutcomeKey}},
	{func(err error) bool {
		return isKind[*backup.IntegrityError](err) || isKind[*integrityFinding](err) || crypt.IsDamage(err)
	},
		exitClass{ExitIntegrity, "integrity", schedule.OutcomeIntegrity}},
	// The backup drive is missing, or another drive is at its place.
	{func(err error) bool { return isKind[*driveError](err) },
		exitClass{ExitFailed, "no-drive", schedule.OutcomeNoDrive}},
	// Another efbackup holds the folder: a failure like any other, with a
	// kind of its own so that scripts and the run log can tell.
	{func(err error) bool { return isKind[*noRuntimeError](err) },
		exitClass{ExitCannotCheck, "no-runtime", schedule.OutcomeFailed}},
	{func(err error) bool { return isKind[*lockedError](err) || isKind[*store.LockedError](err) },
		exitClass{ExitFailed, "locked", schedule.OutcomeLocked}},
	// The object store failed (network, credentials, permissions, bucket):
	// a failure, with a kind of its own; the message says which.
	{func(err error) bool {
		k := store.KindOf(err)
		return k != "" && k != store.KindLocal || isKind[*store.RetainedError](err) || isKind[*store.LockLostError](err)
	},
		exitClass{ExitFailed, "storage", schedule.OutcomeFailed}},
	{func(error) bool { return true },
		exitClass{ExitFailed, "failed", schedule.OutcomeFailed}},
}

// classify finds err's row in exitTable; nil is success.
func classify(err error) exitClass {
	if err == nil {
		return exitClass{ExitOK, "", schedule.OutcomeOK}
	}
	for _, row := range exitTable {
		if row.match(err) {
			return row.class
		}
	}
	panic("unreachable: the last row of exitTable matches every error")
}

// reportedError is the failure of a command whose result document, already
// printed, lists every problem (verify found damage, doctor found a risk).
// It exits with err's code; with --json the error object still follows on
// stderr, so that every failure reads the same way.
type reportedError struct{ err error }

func (e *reportedError) Error() string { return e.err.Error() }
func (e *reportedError) Unwrap() error { return e.err }

// printed is how a command's Action ends once it has a result: it prints
// the result when there is one (res is a non-nil pointer), and then
// returns err as already reported, since the result document holds it.
func printed[T any](err error, res *T, print func() error) error {
	if res == nil {
		return err
	}
	if perr := print(); perr != nil {
		return perr
	}
	return reported(err)
}

// reported wraps err, when there is one, as already reported.
func reported(err error) error {
	if err == nil {
		return nil
	}
	return &reportedError{err}
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
		de  *driveError
		uf  *backup.UnsupportedFileError
		cc  *backup.CaseCollisionError
		mle *backup.ManifestLimitError
		re  *backup.ReadError
		sce *backup.SidecarError
		pe  *os.PathError
		eo  *migrate.EngineTooOldError
		nr  *noRuntimeError
		dfe *backup.DatabaseFolderError
		bke *backup.KeyError
		se  *store.Error
		rte *store.RetainedError
		lle *store.LockLostError
	)
	var intr *interruptedError
	switch {
	case errors.As(err, &intr) && intr.msg != "":
		return intr.msg, intr.hint
	case isKind[*interruptedError](err), errors.Is(err, context.Canceled):
		return l.T("err.interrupted"), l.T("hint.interrupted")
	case errors.As(err, &ue):
		return ue.msg, ue.hint
	case errors.As(err, &ni):
		reason := ni.Reason
		if i18n.Has("notinstall." + reason) {
			reason = l.T("notinstall." + reason)
		}
		return l.T("err.notinstall", ni.Path, reason), l.T("hint.notinstall")
	case errors.As(err, &nr):
		return nr.msg, nr.hint
	case errors.As(err, &eo):
		return l.T("err.engineold", eo.Database, eo.OnDisk, eo.Engine, eo.Jar), l.T("hint.engineold", eo.OnDisk)
	case errors.As(err, &dfe) && dfe.Unexpected:
		return l.T("err.asdatabaseunexpected", dfe.Archive), l.T("hint.help")
	case errors.As(err, &dfe):
		return l.T("err.restoredbfolder", dfe.Archive), l.T("hint.restoredbfolder", dfe.Archive)
	case errors.As(err, &iu):
		detail := ""
		if len(iu.Report.Signals) > 0 {
			detail = iu.Report.Signals[0].In(l)
		}
		for _, s := range iu.Report.Signals {
			if s.Program == inuse.ProgramEFBackup {
				// Closing e-Faktur would not help: another efbackup
				// (a scheduled run, a restore in another window) has it.
				return l.T("err.inuse", iu.Dir, detail), l.T("hint.inuse.efbackup")
			}
		}
		return l.T("err.inuse", iu.Dir, detail), l.T("hint.inuse")
	case errors.As(err, &ce):
		return l.T("err.changed", ce.Path, ce.DetailWords().In(l)), l.T("hint.inuse")
	case errors.As(err, &bke):
		return describeKeyError(l, bke)
	case errors.As(err, &inf):
		return inf.msg, inf.hint
	case errors.As(err, &le):
		return le.msg, le.hint
	case errors.As(err, &de):
		return de.msg, de.hint
	case errors.As(err, &ie):
		var b strings.Builder
		b.WriteString(l.T("err.integrity", ie.Target, len(ie.Problems)))
		for _, p := range ie.Problems {
			b.WriteString("\n  ")
			b.WriteString(problemLine(l, p))
		}
		return b.String(), l.T("hint.integrity")
	case errors.As(err, &uf):
		return l.T("err.unsupported", uf.Path, uf.Text.Or(uf.Type)), l.T("hint.unsupported")
	case errors.As(err, &cc):
		return l.T("err.casecollision", cc.A, cc.B), l.T("hint.casecollision")
	case errors.As(err, &mle):
		return l.T("err.manifestlimit", mle.Text.Or(mle.Detail)), l.T("hint.manifestlimit")
	case errors.As(err, &sce):
		h := ioHint(l, err, commandHints) + "; " + l.T("hint.sidecar")
		if errors.As(sce.Err, &se) && se.Kind != store.KindLocal {
			h = storeHint(l, se) + "; " + l.T("hint.sidecar")
		}
		return l.T("err.sidecar", sce.Archive, sce.Archive+backup.SidecarSuffix, plainErr(sce.Err)), h
	case errors.As(err, &re):
		return l.T("err.read", re.Path, re.Offset, re.Size, re.Err), l.T("hint.read")
	case errors.As(err, &se) && se.Kind != store.KindLocal:
		return storeMessage(l, se), storeHint(l, se)
	case errors.As(err, &pe):
		return l.T("err.io", pe.Op, pe.Path, pe.Err), ioHint(l, err, commandHints)
	case errors.As(err, &se):
		return l.T("store.err.local", storeWhere(se), se.In(l)), ioHint(l, err, commandHints)
	case errors.As(err, &rte):
		return l.T("err.retained", rte.Where, rte.Name, strings.ToLower(rte.Retention.Mode), rte.Retention.Until.Local().Format("2006-01-02 15:04")), l.T("hint.retained")
	case errors.As(err, &lle) && !location.IsS3(lle.Where):
		return l.T("lock.lost", filepath.Join(lle.Where, folderlock.Name)), l.T("hint.lost")
	case errors.As(err, &lle):
		return l.T("err.locklost", lle.Where), l.T("hint.locklost")
	}
	var h interface{ Hint() string }
	if errors.As(err, &h) {
		return err.Error(), h.Hint()
	}
	return err.Error(), ""
}

// ioHints names the three hints an I/O failure can get: the disk is full,
// permission was denied, or something else went wrong.
type ioHints struct{ other, noSpace, permission string }

var (
	// commandHints are for snapshot, verify, restore and the rest.
	commandHints = ioHints{"hint.io", "hint.nospace", "hint.permission"}
	// migrateHints say "run the same command again", for a migration,
	// which resumes.
	migrateHints = ioHints{"migrate.hint.step", "migrate.hint.nospace", "migrate.hint.permission"}
)

// ioHint chooses the next step for an I/O failure. The message itself
// keeps the context (which file, which step); the hint says what to do
// about the cause.
func ioHint(l i18n.Lang, err error, h ioHints) string {
	switch {
	case isDiskFull(err):
		return l.T(h.noSpace)
	case errors.Is(err, os.ErrPermission):
		return l.T(h.permission)
	}
	return l.T(h.other)
}

// storeWhere is the store and object an error is about.
func storeWhere(e *store.Error) string {
	if e.Name != "" {
		return e.Where + ": " + e.Name
	}
	return e.Where
}

// storeMessage words an object store's failure in the user's language:
// what kind of thing went wrong (the lead), and the store's detail.
func storeMessage(l i18n.Lang, e *store.Error) string {
	key := "store.err." + string(e.Kind)
	if !i18n.Has(key) {
		key = "store.err.server"
	}
	return l.T(key, storeWhere(e), e.In(l))
}

// storeHint is what the user can do about a store's failure.
func storeHint(l i18n.Lang, e *store.Error) string {
	if key := "store.hint." + string(e.Kind); i18n.Has(key) {
		return l.T(key)
	}
	return ""
}

// plainErr is an error's own words, without the path or store the
// message names already: a store's detail as a message when it has one,
// which T words in the user's language.
func plainErr(err error) any {
	var se *store.Error
	if errors.As(err, &se) {
		return se.DetailText()
	}
	return unwrapPath(err)
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
		return fmt.Sprintf("%s: %s (%s)", p.File, kind, p.In(l))
	}
	return fmt.Sprintf("%s (%s)", kind, p.In(l))
}
