package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/crypt"
	"github.com/efbackup/efbackup/internal/folderlock"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/inuse"
	"github.com/efbackup/efbackup/migrate"
	"github.com/urfave/cli/v2"
)

// migrateOptions: a migration from one install to another, or (Undo)
// the undo of the last one into Target.
type migrateOptions struct {
	From, To       string
	Source, Target string
	SnapshotDir    string
	DryRun         bool
	AllowDamaged   bool
	Undo           bool
	// Recipients encrypt the safety snapshots; Identities read them back
	// in full.
	Recipients []crypt.Recipient
	Identities []crypt.Identity
}

func migrateCommand(u *ui) *cli.Command {
	var opts migrateOptions
	var enc encryptOptions
	var identities repeated
	return &cli.Command{
		Name:  "migrate",
		Usage: u.T("migrate.usage"),
		UsageText: "efbackup migrate --from 3.2 --to 4.0 --source OLD_INSTALL --target NEW_INSTALL [--snapshot-dir DIR] [--dry-run] [--allow-damaged]\n" +
			"                 [--encrypt-to age1... ...] [--encrypt-to-file FILE] [--passphrase-file FILE] [--identity FILE]\n" +
			"efbackup migrate --undo --target NEW_INSTALL [--dry-run]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "from", Usage: u.T("migrate.flag.from"), Destination: &opts.From},
			&cli.StringFlag{Name: "to", Usage: u.T("migrate.flag.to"), Destination: &opts.To},
			&cli.StringFlag{Name: "source", Usage: u.T("migrate.flag.source"), Destination: &opts.Source},
			&cli.StringFlag{Name: "target", Usage: u.T("migrate.flag.target"), Destination: &opts.Target},
			&cli.StringFlag{Name: "snapshot-dir", Usage: u.T("migrate.flag.snapshotdir"), Destination: &opts.SnapshotDir},
			&cli.BoolFlag{Name: "dry-run", Usage: u.T("migrate.flag.dryrun"), Destination: &opts.DryRun},
			&cli.BoolFlag{Name: "allow-damaged", Usage: u.T("migrate.flag.allowdamaged"), Destination: &opts.AllowDamaged},
			&cli.BoolFlag{Name: "undo", Usage: u.T("migrate.flag.undo"), Destination: &opts.Undo},
			&cli.GenericFlag{Name: "encrypt-to", Usage: u.T("migrate.flag.encryptto"), Value: &enc.To},
			&cli.GenericFlag{Name: "encrypt-to-file", Usage: u.T("flag.encrypttofile"), Value: &enc.ToFiles},
			&cli.StringFlag{Name: "passphrase-file", Usage: u.T("flag.passphrasefile"), Destination: &enc.PassphraseFile},
			&cli.GenericFlag{Name: "identity", Usage: u.T("migrate.flag.identity"), Value: &identities},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return u.usageErr("err.extraargs", c.Args().First())
			}
			if opts.Undo {
				var extra []string
				for _, f := range []string{"from", "to", "source", "snapshot-dir", "allow-damaged", "encrypt-to", "encrypt-to-file", "passphrase-file", "identity"} {
					if c.IsSet(f) {
						extra = append(extra, "--"+f)
					}
				}
				switch {
				case len(extra) > 0:
					return u.usageErr("migrate.err.undoflags", strings.Join(extra, ", "))
				case opts.Target == "":
					return u.usageErr("migrate.err.undoneeds")
				}
				res, err := runMigrateUndo(c.Context, u, opts)
				if err != nil {
					return err
				}
				return printMigrateUndo(u, res)
			}
			if opts.From == "" || opts.To == "" || opts.Source == "" || opts.Target == "" {
				return u.usageErr("migrate.err.need")
			}
			var err error
			if opts.Recipients, opts.Identities, err = migrateKeys(u, &enc, identities); err != nil {
				return err
			}
			out, err := runMigrate(c.Context, u, opts)
			if err != nil {
				return err
			}
			return printMigrate(u, out)
		},
	}
}

// migrateKeys resolves what the safety snapshots are encrypted to and what
// reads them back: the keys or passphrase given; else the identities'
// own keys (the user brought the key: the snapshots are made for it);
// else EFBACKUP_PASSPHRASE, as for a snapshot. An identity given beside
// keys must open one of them, or the snapshots could not be read back in
// full: that is said before anything is written.
func migrateKeys(u *ui, enc *encryptOptions, identities repeated) ([]crypt.Recipient, []crypt.Identity, error) {
	ids, err := (&identityOptions{Files: identities, PassphraseFile: enc.PassphraseFile}).identities(u)
	if err != nil {
		return nil, nil, err
	}
	var rs []crypt.Recipient
	switch {
	case enc.keys() || enc.PassphraseFile != "":
		rs, err = enc.recipients(u, false)
	case len(identities) > 0:
		for _, id := range ids {
			if !id.Passphrase() {
				r, err := crypt.ParseRecipient(id.PublicKey())
				if err != nil {
					return nil, nil, err
				}
				rs = append(rs, r)
			}
		}
	default:
		rs, err = enc.recipients(u, true)
	}
	if err != nil || len(identities) == 0 || !enc.keys() {
		return rs, ids, err
	}
	var keys []string
	for _, r := range rs {
		keys = append(keys, r.PublicKey())
		for _, id := range ids {
			if id.PublicKey() == r.PublicKey() {
				return rs, ids, nil
			}
		}
	}
	return nil, nil, u.usageErr("migrate.err.identitynotrecipient", strings.Join(keys, ", "))
}

// migrateInUse adapts checkInUse to the migrate package: the in-use error
// passes through unchanged (exit code 4), warnings become text.
func migrateInUse(ctx context.Context, db string) ([]i18n.Text, error) {
	sigs, err := checkInUse(ctx, db)
	var ws []i18n.Text
	for _, s := range sigs {
		ws = append(ws, i18n.Say("detail.finding", s.File, s.Words()))
	}
	return ws, err
}

// defaultSnapshotDir is the snapshot command's default, taken from the
// source install: $EFBACKUP_OUT, else efbackup-snapshots beside it.
func defaultSnapshotDir(source string) string {
	if d := os.Getenv("EFBACKUP_OUT"); d != "" {
		return d
	}
	abs, err := filepath.Abs(source)
	if err != nil {
		abs = source
	}
	return filepath.Join(filepath.Dir(filepath.Clean(abs)), "efbackup-snapshots")
}

// stepNumber places a step in the six a migration goes through.
func stepNumber(step string) int {
	switch step {
	case migrate.StepPreflight:
		return 1
	case migrate.StepSnapshotSource, migrate.StepSnapshotTarget:
		return 2
	case migrate.StepStage:
		return 3
	case migrate.StepSwap:
		return 4
	case migrate.StepPostCheck:
		return 5
	}
	return 6
}

func (u *ui) stepName(step string) string {
	if k := "migrate.step." + step; i18n.Has(k) {
		return u.T(k)
	}
	return step
}

func (u *ui) stepStatus(status string) string {
	if k := "migrate.status." + status; i18n.Has(k) {
		return u.T(k)
	}
	return status
}

type migrateOutput struct {
	// Result is what the migration did, for the text.
	Result      *migrate.Result `json:"-"`
	DryRun      bool            `json:"dry_run"`
	AlreadyDone bool            `json:"already_done,omitempty"`
	Plan        *migrate.Plan   `json:"plan,omitempty"`
	Report      *migrate.Report `json:"report,omitempty"`
	Warnings    []string        `json:"warnings,omitempty"`
	NextSteps   []string        `json:"next_steps,omitempty"`
}

// runMigrate copies db/ from the source install into the target, with a
// verified safety snapshot of both first and the target's db/ kept aside;
// a dry run only plans.
func runMigrate(ctx context.Context, u *ui, opts migrateOptions) (*migrateOutput, error) {
	for _, dir := range []string{opts.Source, opts.Target} {
		if err := refuseInstallDBLink(u, dir); err != nil {
			return nil, err
		}
	}
	snapDir := opts.SnapshotDir
	if snapDir == "" {
		snapDir = defaultSnapshotDir(opts.Source)
	}
	// Log and Progress may be called from steps running side by side.
	var mu sync.Mutex
	var finish func()
	var bar func(int64)
	warned := 0
	barStep := ""
	mib := map[string]func(int64){} // per step: the tests' points, once a MiB
	mo := migrate.Options{
		From: opts.From, To: opts.To, Source: opts.Source, Target: opts.Target,
		SnapshotDir: snapDir, DryRun: opts.DryRun, AllowDamaged: opts.AllowDamaged, ToolVersion: version,
		Recipients: opts.Recipients, Identities: opts.Identities,
		InUse:   migrateInUse,
		Engines: engines(),
		Hook:    testHooks.At,
		Log: func(ev migrate.Event) {
			mu.Lock()
			defer mu.Unlock()
			n := stepNumber(ev.Step)
			if ev.Phase == "start" {
				u.info("%s", u.T("migrate.log.start", n, u.stepName(ev.Step)))
				return
			}
			if finish != nil {
				finish()
				finish, bar = nil, nil
			}
			u.info("%s", u.T("migrate.log.end", n, u.stepName(ev.Step), u.stepStatus(ev.Status), ev.Seconds))
		},
		Progress: func(step string, done, total int64) {
			mu.Lock()
			defer mu.Unlock()
			if step != barStep {
				if finish != nil {
					finish()
				}
				barStep = step
				bar, finish = u.progress(u.T("progress.migrate", u.stepName(strings.TrimSuffix(step, "-verify"))), total)
			}
			if bar != nil {
				bar(done)
			}
			if testHooks.At != nil {
				if mib[step] == nil {
					mib[step] = mibPoints("migrate-" + step + "-mib")
				}
				mib[step](done)
			}
		},
		LockSnapshotDir: func(dir string) (func(), error) { return lockFolder(u, dir, "migrate") },
		Lock:            folderlock.Options{Wait: defaultLockWait(), Command: "migrate"},
		Planned: func(p *migrate.Plan) {
			warnTakeover(u, p.Target.Root, p.TakenOverLock)
			reportLeftovers(u, p.Leftovers)
			for _, w := range p.Warnings {
				u.warn(migrateWarning(u, w), "")
			}
			warned = len(p.Warnings)
			if r := p.Resume; r != nil && !opts.DryRun {
				u.warn(u.T("migrate.resume", r.Started.Local().Format("2006-01-02 15:04:05"), u.stepName(r.LastStep), u.stepStatus(r.LastStatus)), "")
			}
		},
		NextSteps:  func(r *migrate.Report) []string { return migrateNextSteps(u, r) },
		ReportText: func(r *migrate.Report) []byte { return migrateReportText(u, r) },
	}
	if testHooks.Migrate != nil {
		testHooks.Migrate(&mo)
	}
	res, err := migrate.Run(ctx, mo)
	if finish != nil {
		finish()
	}
	if err != nil {
		return nil, migrateErr(u, err, opts.Target)
	}
	out := &migrateOutput{Result: res, DryRun: opts.DryRun, AlreadyDone: res.AlreadyDone, Plan: res.Plan, Report: res.Report}
	warnings := res.Plan.Warnings
	if res.Report != nil && !res.AlreadyDone {
		// The report's list adds what the run found (a damaged source
		// migrated with --allow-damaged).
		warnings = res.Report.Warnings
	}
	for i, w := range warnings {
		msg := migrateWarning(u, w)
		out.Warnings = append(out.Warnings, msg)
		if i >= warned {
			u.warn(msg, "")
		}
	}
	switch {
	case opts.DryRun:
	case res.AlreadyDone:
		if res.Report != nil {
			out.NextSteps = migrateNextSteps(u, res.Report)
		}
	default:
		out.NextSteps = res.Report.NextSteps
	}
	return out, nil
}

func printMigrate(u *ui, out *migrateOutput) error {
	res := out.Result
	switch {
	case out.DryRun:
		return u.result(out, func(w io.Writer) { printMigratePlan(w, u, res.Plan) })
	case res.AlreadyDone:
		return u.result(out, func(w io.Writer) {
			fmt.Fprintln(w, u.T("migrate.already", res.Plan.Target.Root, res.Plan.Source.Root, res.Journal.Updated.Local().Format("2006-01-02 15:04:05")))
			for _, p := range res.Plan.Reports {
				fmt.Fprintln(w, "  "+u.T("migrate.done.report", p))
			}
			printNextSteps(w, u, out.NextSteps)
		})
	}
	return u.result(out, func(w io.Writer) { printMigrateDone(w, u, res.Report) })
}

func printMigratePlan(w io.Writer, u *ui, p *migrate.Plan) {
	fmt.Fprintln(w, u.T("migrate.plan", p.From, p.To))
	line := func(s string) { fmt.Fprintln(w, "  "+s) }
	line(u.T("migrate.plan.source", p.Source.Root, versionOf(p.Source, p.From), p.Source.Files, humanBytes(p.Source.Bytes)))
	line(u.T("migrate.plan.target", p.Target.Root, versionOf(p.Target, p.To)))
	printIndented(w, u, p.Databases)
	if p.Resume != nil {
		line(u.T("migrate.plan.resume", p.Resume.Found))
	}
	if p.Target.HasDB && p.Aside != "" {
		line("  " + u.T("migrate.plan.targetdb", p.Target.Files, humanBytes(p.Target.Bytes), p.Aside))
	} else if !p.Target.HasDB {
		line("  " + u.T("migrate.plan.targetnodb"))
	}
	if p.SnapshotDirNew {
		line(u.T("migrate.plan.snapdirnew", p.SnapshotDir))
	} else {
		line(u.T("migrate.plan.snapdir", p.SnapshotDir))
	}
	for _, s := range []string{p.SourceSnapshot, p.TargetSnapshot} {
		if s != "" {
			line(u.T("migrate.plan.snapshot", s))
		}
	}
	line(u.T("migrate.plan.staging", p.Staging))
	for _, s := range p.Space {
		line(u.T("migrate.plan.space", s.Dir, humanBytes(s.Free), humanBytes(s.Need), spaceParts(u, s)))
	}
	if p.Checks != nil {
		line(u.T("migrate.plan.checks", u.T("verdict."+p.Checks.Verdict)))
	}
	if len(p.Reports) > 0 {
		line(u.T("migrate.plan.report", p.Reports[0]))
	}
	fmt.Fprintln(w, u.T("migrate.plan.nothing"))
}

func versionOf(in migrate.InstallInfo, stated string) string {
	if in.Version == migrate.UnknownVersion || in.Version == "" {
		return stated + "?"
	}
	return in.Version
}

func spaceParts(u *ui, s migrate.SpaceCheck) string {
	var parts []string
	if s.Snapshots > 0 {
		parts = append(parts, u.T("migrate.space.snapshots", humanBytes(s.Snapshots)))
	}
	if s.Staged > 0 {
		parts = append(parts, u.T("migrate.space.staged", humanBytes(s.Staged)))
	}
	parts = append(parts, u.T("migrate.space.margin", humanBytes(s.Margin)))
	return strings.Join(parts, " + ")
}

func printMigrateDone(w io.Writer, u *ui, r *migrate.Report) {
	fmt.Fprintln(w, u.T("migrate.done", r.Source.Root, r.Target.Root, r.From, r.To))
	line := func(s string) { fmt.Fprintln(w, "  "+s) }
	line(u.T("migrate.done.files", r.Source.Files, humanBytes(r.Source.Bytes), shortID(r.SourceContentID)))
	printIndented(w, u, r.Databases)
	if r.MovedAside != "" {
		line(u.T("migrate.done.aside", r.MovedAside))
	}
	for _, s := range r.Snapshots {
		if s.State == "verified" {
			line(u.T("migrate.done.snapshot", s.Path))
		}
	}
	for _, p := range r.Reports {
		line(u.T("migrate.done.report", p))
	}
	printNextSteps(w, u, r.NextSteps)
}

func printNextSteps(w io.Writer, u *ui, steps []string) {
	if len(steps) == 0 {
		return
	}
	fmt.Fprintln(w, u.T("migrate.next"))
	for i, s := range steps {
		fmt.Fprintf(w, "  %d. %s\n", i+1, s)
	}
}

func shortID(id string) string {
	if len(id) > 16 {
		return id[:16]
	}
	return id
}

// launcher finds the install's launcher called name (ETaxInvoiceUpd,
// ETaxInvoice), with ".exe" when the install has Windows launchers.
func launcher(launchers []string, name string) string {
	for _, l := range launchers {
		if strings.EqualFold(l, name) || strings.EqualFold(l, name+".exe") {
			return l
		}
	}
	return name + ".exe"
}

// migrateNextSteps is DJP's procedure after copying db/, in the user's
// language, with this install's names.
func migrateNextSteps(u *ui, r *migrate.Report) []string {
	upd := launcher(r.Target.Launchers, "ETaxInvoiceUpd")
	ext := filepath.Ext(upd)
	old := strings.TrimSuffix(upd, ext) + "_OLD" + ext
	return []string{
		u.T("migrate.next.updater", upd, r.Target.Root),
		u.T("migrate.next.rename", upd, old),
		u.T("migrate.next.login", launcher(r.Target.Launchers, "ETaxInvoice")),
		u.T("migrate.next.keep", r.Source.Root),
		u.T("migrate.next.undo", r.Target.Root),
	}
}

// migrateReportText is the short text version of the report.
func migrateReportText(u *ui, r *migrate.Report) []byte {
	var b strings.Builder
	fmt.Fprintln(&b, u.T("migrate.report.title", r.ID))
	fmt.Fprintln(&b, u.T("migrate.report.versions", r.From, r.To))
	fmt.Fprintln(&b, u.T("migrate.report.source", r.Source.Root, r.SourceContentID))
	fmt.Fprintln(&b, u.T("migrate.report.target", r.Target.Root))
	printDatabases(&b, u, r.Databases)
	if r.MovedAside != "" {
		fmt.Fprintln(&b, u.T("migrate.done.aside", r.MovedAside))
	}
	for _, s := range r.Snapshots {
		if s.State == "verified" {
			fmt.Fprintln(&b, u.T("migrate.done.snapshot", s.Path+" ("+s.ContentID+")"))
		}
	}
	fmt.Fprintln(&b, u.T("migrate.report.steps"))
	for _, s := range r.Steps {
		fmt.Fprintln(&b, u.T("migrate.report.step", u.stepName(s.Name), u.stepStatus(s.Status), s.Seconds, s.In(u.lang)))
	}
	for _, w := range r.Warnings {
		fmt.Fprintln(&b, migrateWarning(u, w))
	}
	printNextSteps(&b, u, r.NextSteps)
	return []byte(b.String())
}

func migrateWarning(u *ui, w migrate.Warning) string {
	switch w.Code {
	case migrate.WarnVersionUndetected:
		return u.T("migrate.warn.version", u.T("migrate.side."+w.Side), w.Path, w.Stated)
	case migrate.WarnInUseSignal:
		return u.T("warn.signal", w.Path, w.In(u.lang))
	case migrate.WarnDamagedAllowed:
		return u.T("migrate.warn.damagedallowed", w.Detail)
	case migrate.WarnChecksWarning:
		if w.Detail == "empty" {
			return u.T("migrate.warn.empty", w.Path)
		}
		return u.T("migrate.warn.checks", w.Path, w.Detail)
	}
	return w.Code + ": " + w.Path + " " + w.Detail
}

// migrateFailure is a migration failure that exits 1, with a message in the
// user's language that says what happened to the target, and a next step
// (main's describeError asks errors for a Hint).
type migrateFailure struct {
	msg, hint string
}

func (e *migrateFailure) Error() string { return e.msg }

// Hint is the next step for the user.
func (e *migrateFailure) Hint() string { return e.hint }

// migrateErr turns the migrate package's errors into the command's: exit 2
// for mistakes found before anything is touched, 3 for a damaged source,
// 4 for anything in use or changing, 1 for the rest. Interruptions pass
// through unchanged (exit 130).
func migrateErr(u *ui, err error, target string) error {
	var (
		ve *migrate.VersionError
		fe *migrate.FolderError
		se *migrate.SpaceError
		de *migrate.DamagedError
		je *migrate.JournalError
		st *migrate.StepError
		le *folderlock.LockedError
	)
	switch {
	case errors.As(err, &le):
		return installLockedErr(u, le)
	case errors.As(err, &ve):
		return &usageError{msg: versionMessage(u, ve), hint: u.T("migrate.hint.version")}
	case errors.As(err, &fe):
		return &usageError{msg: folderMessage(u, fe), hint: u.T("migrate.hint.folders")}
	case errors.As(err, &se):
		c := se.Check
		return &migrateFailure{msg: u.T("migrate.err.space", c.Dir, humanBytes(c.Need), spaceParts(u, c), humanBytes(c.Free)), hint: u.T("migrate.hint.space")}
	case errors.As(err, &st):
		return stepErr(u, st, target)
	case errors.As(err, &de):
		return damagedErr(u, de)
	case errors.As(err, &je):
		return journalErr(u, je, target)
	}
	var pe *os.PathError
	if errors.As(err, &pe) && !isKind[*usageError](err) {
		return &migrateFailure{msg: u.T("err.io", pe.Op, pe.Path, pe.Err), hint: ioHint(u.lang, pe, migrateHints)}
	}
	return err
}

func damagedErr(u *ui, de *migrate.DamagedError) error {
	if de.DryRun {
		return &integrityFinding{msg: u.T("migrate.err.damageddry", strings.Join(de.Files, ", ")), hint: u.T("migrate.hint.damaged")}
	}
	return &integrityFinding{msg: u.T("migrate.err.damaged", strings.Join(de.Files, ", "), de.Snapshot), hint: u.T("migrate.hint.damaged")}
}

func versionMessage(u *ui, ve *migrate.VersionError) string {
	switch ve.Kind {
	case migrate.VersionUnknown:
		return u.T("migrate.err.version.unknown", ve.Stated, u.T("migrate.side."+ve.Side), migrate.SupportedList())
	case migrate.VersionDowngrade:
		return u.T("migrate.err.version.downgrade", ve.From, ve.To)
	case migrate.VersionSame:
		return u.T("migrate.err.version.same", ve.From)
	case migrate.VersionContradicted:
		return u.T("migrate.err.version.contradicted", u.T("migrate.side."+ve.Side), ve.Install, ve.Detected, ve.Marker, ve.Stated)
	}
	return u.T("migrate.err.version.unsupported", ve.From, ve.To, migrate.SupportedList())
}

func folderMessage(u *ui, fe *migrate.FolderError) string {
	switch fe.Kind {
	case migrate.FolderSame:
		return u.T("migrate.err.folder.same", fe.A)
	case migrate.FolderTargetInSource:
		return u.T("migrate.err.folder.targetinsource", fe.B, fe.A)
	case migrate.FolderSourceInTarget:
		return u.T("migrate.err.folder.sourceintarget", fe.A, fe.B)
	case migrate.FolderNoSourceDB:
		return u.T("migrate.err.folder.nosourcedb", fe.A)
	case migrate.FolderSnapshotInDB:
		return u.T("migrate.err.folder.snapinsidedb", fe.A, fe.B)
	case migrate.FolderSnapshotNotDir:
		return u.T("migrate.err.folder.snapnotdir", fe.A)
	case migrate.FolderTargetDBFile:
		return u.T("migrate.err.folder.targetdbfile", fe.A)
	}
	return fe.Error()
}

func journalErr(u *ui, je *migrate.JournalError, target string) error {
	t := je.Target
	j := je.Journal
	switch je.Kind {
	case migrate.JournalOther:
		return &usageError{msg: u.T("migrate.err.journal.other", t, j.From, j.To, j.Source, u.T("migrate.undo.state."+j.State)), hint: u.T("migrate.hint.journal.other", t)}
	case migrate.JournalUndoing:
		return &usageError{msg: u.T("migrate.err.journal.undoing", t), hint: u.T("migrate.hint.journal.undoing", t)}
	case migrate.JournalNothing:
		return &usageError{msg: u.T("migrate.err.journal.nothing", t), hint: u.T("migrate.hint.journal.nothing")}
	case migrate.JournalDone:
		return &usageError{msg: u.T("migrate.err.journal.done", t, j.Updated.Local().Format("2006-01-02 15:04:05")), hint: u.T("migrate.hint.journal.done", t)}
	case migrate.JournalForeignDB:
		return &usageError{msg: u.T("migrate.err.journal.foreign", t), hint: u.T("migrate.hint.journal.foreign", t)}
	case migrate.JournalSourceChanged:
		// Exit 4 like any change under the migration, but the way out is
		// an undo first.
		u.warn(u.T("migrate.hint.journal.srcchanged", t), "")
		return inUseChanged(u, filepath.Join(j.Source, j.SourceDB), u.T("migrate.err.journal.srcchanged", je.DetailIn(u.lang)))
	case migrate.JournalUnreadable:
		return &migrateFailure{msg: u.T("migrate.err.journal.unreadable", filepath.Join(t, migrate.JournalName), je.DetailIn(u.lang)), hint: u.T("migrate.hint.journal.odd", filepath.Join(t, migrate.JournalName))}
	}
	return &migrateFailure{msg: u.T("migrate.err.journal.odd", t, je.DetailIn(u.lang)), hint: u.T("migrate.hint.journal.odd", filepath.Join(t, migrate.JournalName))}
}

// inUseChanged reports a database that changed under the migration as in
// use (exit 4): a change means e-Faktur, or someone, is working in it.
func inUseChanged(u *ui, dir, detail string) error {
	return &inuse.InUseError{Dir: dir, Report: inuse.Report{InUse: true, Signals: []inuse.Signal{{File: dir, Detail: detail}}}}
}

// stepErr says what a failed step left (the target as it was, or the
// original back with the copy kept), then returns the cause in the form
// main maps to its exit code.
func stepErr(u *ui, st *migrate.StepError, target string) error {
	step := u.stepName(st.Step)
	canceled := errors.Is(st.Err, context.Canceled) || errors.Is(st.Err, context.DeadlineExceeded)
	if canceled {
		return migrateInterrupted(u, st, target)
	}
	switch {
	case st.RolledBack && st.KeptAt != "":
		u.warn(u.T("migrate.failed.rolledback", step, st.KeptAt), "")
	case st.RolledBack:
		u.warn(u.T("migrate.failed.clean", step), "")
	case st.Step == migrate.StepReport:
		u.warn(u.T("migrate.failed.leftreport", target), "")
	default:
		u.warn(u.T("migrate.failed.left", step, filepath.Join(target, migrate.JournalName)), "")
	}
	if len(st.Snapshots) > 0 {
		u.warn(u.T("migrate.failed.snapshots", strings.Join(st.Snapshots, ", ")), "")
	}
	var (
		ce *backup.ChangedError
		de *migrate.DamagedError
		iu *inuse.InUseError
		ie *backup.IntegrityError
		re *backup.ReadError
		pe *os.PathError
	)
	switch {
	case errors.As(st.Err, &re):
		return &migrateFailure{msg: u.T("migrate.err.step", step, u.T("err.read", re.Path, re.Offset, re.Size, re.Err)), hint: u.T("hint.read")}
	case errors.As(st.Err, &de):
		return damagedErr(u, de)
	case errors.As(st.Err, &iu), errors.As(st.Err, &ie):
		return st.Err
	case errors.As(st.Err, &ce):
		return inUseChanged(u, ce.Path, u.T("migrate.inuse.changed", ce.Path, ce.DetailWords()))
	case errors.As(st.Err, &pe):
		return &migrateFailure{msg: u.T("migrate.err.step", step, u.T("err.io", pe.Op, pe.Path, pe.Err)), hint: ioHint(u.lang, pe, migrateHints)}
	}
	var je *migrate.JournalError
	if errors.As(st.Err, &je) {
		return journalErr(u, je, target)
	}
	return &migrateFailure{msg: u.T("migrate.err.step", step, st.Err.Error()), hint: u.T("migrate.hint.step")}
}

// migrateInterrupted is a migration stopped by Ctrl-C or a signal, worded
// by what it left: before the swap the target is as it was (the copy and
// the journal are gone); after it the new db/ is in place and the journal
// says how to finish or undo. Never "unfinished files were removed" when
// the swap happened.
func migrateInterrupted(u *ui, st *migrate.StepError, target string) error {
	if len(st.Snapshots) > 0 {
		u.warn(u.T("migrate.failed.snapshots", strings.Join(st.Snapshots, ", ")), "")
	}
	if st.RolledBack && st.KeptAt == "" {
		return &interruptedError{msg: u.T("migrate.interrupted.clean", u.stepName(st.Step)), hint: u.T("hint.interrupted")}
	}
	if st.RolledBack {
		return &interruptedError{msg: u.T("migrate.interrupted.rolledback", u.stepName(st.Step), st.KeptAt), hint: u.T("hint.interrupted")}
	}
	return &interruptedError{msg: u.T("migrate.interrupted.left", u.stepName(st.Step), filepath.Join(target, migrate.JournalName)),
		hint: u.T("migrate.hint.interrupted", target)}
}

// runMigrateUndo puts back the target's db/ as it was before the last
// migration into it (a dry run only says what it would do).
func runMigrateUndo(ctx context.Context, u *ui, opts migrateOptions) (*migrate.UndoResult, error) {
	if err := refuseInstallDBLink(u, opts.Target); err != nil {
		return nil, err
	}
	res, err := migrate.Undo(ctx, migrate.UndoOptions{
		Target: opts.Target,
		DryRun: opts.DryRun,
		InUse:  migrateInUse,
		Hook:   testHooks.At,
		Lock:   folderlock.Options{Wait: defaultLockWait(), Command: "migrate"},
	})
	if res != nil {
		warnTakeover(u, res.Target, res.TakenOverLock)
		reportLeftovers(u, res.Leftovers)
	}
	if res != nil && res.Journal != nil {
		j := res.Journal
		u.info("%s", u.T("migrate.undo.found", j.Source, j.From, j.To, j.ID, u.T("migrate.undo.state."+res.State), u.stepName(res.LastStep), u.stepStatus(res.LastStatus)))
	}
	if err != nil {
		if res != nil && len(res.Actions) > 0 {
			for _, a := range res.Actions {
				u.warn(undoAction(u, a), "")
			}
		}
		return nil, migrateErr(u, err, opts.Target)
	}
	for _, w := range res.Warnings {
		u.warn(migrateWarning(u, w), "")
	}
	return res, nil
}

func printMigrateUndo(u *ui, res *migrate.UndoResult) error {
	return u.result(res, func(w io.Writer) {
		if res.DryRun {
			fmt.Fprintln(w, u.T("migrate.undo.plan", res.Target))
		} else {
			fmt.Fprintln(w, u.T("migrate.undo.done", res.Target))
		}
		for _, a := range res.Actions {
			fmt.Fprintln(w, "  "+undoAction(u, a))
		}
		if res.HadDB {
			fmt.Fprintln(w, "  "+u.T("migrate.undo.restored"))
		} else {
			fmt.Fprintln(w, "  "+u.T("migrate.undo.nodb"))
		}
		if res.KeptAt != "" {
			fmt.Fprintln(w, "  "+u.T("migrate.undo.kept", res.KeptAt))
		}
		if len(res.Snapshots) > 0 {
			fmt.Fprintln(w, "  "+u.T("migrate.undo.snapshots", strings.Join(res.Snapshots, ", ")))
		}
		if res.DryRun {
			fmt.Fprintln(w, u.T("migrate.plan.nothing"))
		}
	})
}

func undoAction(u *ui, a migrate.UndoAction) string {
	switch a.Op {
	case "exchange":
		return u.T("migrate.undo.action.exchange", a.From, a.To)
	case "rename":
		return u.T("migrate.undo.action.rename", a.From, a.To)
	}
	return u.T("migrate.undo.action.remove", a.From)
}
