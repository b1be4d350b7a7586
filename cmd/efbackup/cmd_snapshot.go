package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/crypt"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/migrate"
	"github.com/efbackup/efbackup/retention"
	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/location"
	"github.com/efbackup/efbackup/store/s3"
	"github.com/urfave/cli/v2"
)

// snapshotOptions are what snapshot is asked to do, from its flags or from
// the scheduled run.
type snapshotOptions struct {
	Install       string
	DB            string
	Out           string
	Label         string
	Level         string
	AllowDamaged  bool
	SkipUnchanged bool
	// Recipients encrypt the snapshot (public keys, or one passphrase);
	// none writes it unencrypted.
	Recipients []crypt.Recipient
	Store      storeOptions
	Lock       lockOptions
	// CreateOut makes a named snapshot folder that is missing; without
	// it, a missing folder is a backup drive that is not connected.
	CreateOut bool
	// Deep lets the real engine prove the snapshot just written.
	Deep     bool
	DeepOpts deepOptions
}

func snapshotCommand(u *ui) *cli.Command {
	var opts snapshotOptions
	var enc encryptOptions
	return &cli.Command{
		Name:  "snapshot",
		Usage: u.T("snapshot.usage"),
		UsageText: "efbackup snapshot --install DIR | --db DIR [--out DIR [--create-out] | s3://BUCKET/PREFIX] [--label NAME] [--level fastest|default|better|best] [--skip-unchanged] [--deep]\n" +
			"                  [--encrypt-to age1... ...] [--encrypt-to-file FILE] [--passphrase-file FILE]\n" +
			"                  [--s3-endpoint URL] [--s3-profile NAME] [--lock-days N] [--lock-mode governance|compliance]",
		Flags: append(append(append(append([]cli.Flag{
			&cli.StringFlag{Name: "install", Usage: u.T("flag.install"), Destination: &opts.Install},
			&cli.StringFlag{Name: "db", Usage: u.T("flag.db"), Destination: &opts.DB},
			&cli.StringFlag{Name: "out", Usage: u.T("flag.out"), Destination: &opts.Out},
			&cli.StringFlag{Name: "label", Usage: u.T("flag.label"), Destination: &opts.Label},
			&cli.StringFlag{Name: "level", Usage: u.T("flag.level"), Value: "default", Destination: &opts.Level},
			&cli.BoolFlag{Name: "allow-damaged", Usage: u.T("flag.allowdamaged"), Destination: &opts.AllowDamaged},
			&cli.BoolFlag{Name: "skip-unchanged", Usage: u.T("flag.skipunchanged"), Destination: &opts.SkipUnchanged},
			&cli.BoolFlag{Name: "create-out", Usage: u.T("flag.createout"), Destination: &opts.CreateOut},
			&cli.BoolFlag{Name: "deep", Usage: u.T("flag.snapshotdeep"), Destination: &opts.Deep},
		}, storeFlags(u, &opts.Store)...), lockFlags(u, &opts.Lock)...), deepFlags(u, &opts.DeepOpts)...), enc.flags(u)...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return u.usageErr("err.extraargs", c.Args().First())
			}
			rs, err := enc.recipients(u, true)
			if err != nil {
				return err
			}
			opts.Recipients = rs
			if len(rs) > 0 && opts.SkipUnchanged {
				return &usageError{msg: u.T("err.skipunchangedencrypted"), hint: u.T("hint.help")}
			}
			if opts.Deep && len(rs) > 0 {
				// The engine proves a scratch copy of what was written: an
				// encrypted snapshot must be opened for it, and only a
				// passphrase is at hand here; the key stays off this PC.
				if enc.keys() {
					return u.usageErr("err.deepencrypted")
				}
				if opts.DeepOpts.Identities, err = (&identityOptions{PassphraseFile: enc.PassphraseFile}).identities(u); err != nil {
					return err
				}
			}
			res, err := runSnapshot(c.Context, u, opts)
			if res != nil {
				if perr := printSnapshot(u, res); perr != nil {
					return perr
				}
			}
			return err
		},
	}
}

// snapshotTarget is where a snapshot reads from and writes to, resolved
// from the flags before anything is written.
type snapshotTarget struct {
	DB, Install, Out, Label, Version string
	// OutNamed says the user named the snapshot folder (--out,
	// EFBACKUP_OUT): it is then never created unless asked. The default
	// folder beside the install is made when missing.
	OutNamed bool
}

func resolveSnapshotTarget(u *ui, opts snapshotOptions) (*snapshotTarget, error) {
	t := &snapshotTarget{Version: migrate.UnknownVersion}
	switch {
	case opts.Install != "" && opts.DB != "":
		return nil, u.usageErr("err.installanddb")
	case opts.Install != "":
		in, err := migrate.Detect(opts.Install)
		if err != nil {
			return nil, err
		}
		if err := refuseDBLink(u, in.DB); err != nil {
			return nil, err
		}
		if !in.HasDB {
			return nil, u.usageErr("err.nodb", in.DB)
		}
		t.DB, t.Install, t.Version = in.DB, in.Root, in.Version
	case opts.DB != "":
		db, err := filepath.Abs(opts.DB)
		if err != nil {
			return nil, err
		}
		if err := refuseDBLink(u, db); err != nil {
			return nil, err
		}
		fi, err := os.Stat(db)
		if err != nil || !fi.IsDir() {
			return nil, u.usageErr("err.nodb", db)
		}
		if err := refuseDatabaseFolder(u, db, "snapshot"); err != nil {
			return nil, err
		}
		t.DB, t.Install = db, filepath.Dir(db)
		if in, err := migrate.Detect(t.Install); err == nil {
			t.Version = in.Version
		}
	default:
		return nil, u.usageErr("err.needinstall")
	}
	t.Out = opts.Out
	if t.Out == "" {
		t.Out = os.Getenv("EFBACKUP_OUT")
	}
	t.OutNamed = t.Out != ""
	if t.Out == "" {
		t.Out = filepath.Join(filepath.Dir(t.Install), "efbackup-snapshots")
	}
	if location.IsS3(t.Out) {
		if _, _, err := s3.ParseURL(t.Out); err != nil {
			return nil, u.usageErr("err.s3url", t.Out, err)
		}
	} else {
		out, err := filepath.Abs(t.Out)
		if err != nil {
			return nil, err
		}
		t.Out = out
		if fi, err := os.Stat(t.Out); err == nil && !fi.IsDir() {
			return nil, u.usageErr("err.outnotdir", t.Out)
		}
		if fsutil.Within(t.Out, t.DB) {
			return nil, u.usageErr("err.outinsidedb", t.Out, t.DB)
		}
	}
	t.Label = opts.Label
	if t.Label == "" {
		t.Label = backup.SafeLabel(filepath.Base(t.Install))
	} else if backup.SafeLabel(t.Label) != t.Label {
		return nil, u.usageErr("err.badlabel", t.Label, backup.SafeLabel(t.Label))
	}
	return t, nil
}

type snapshotReport struct {
	Snapshot     string            `json:"snapshot"`
	Sidecar      string            `json:"sidecar"`
	Label        string            `json:"label"`
	Source       string            `json:"source"`
	Files        int               `json:"files"`
	Bytes        int64             `json:"bytes"`
	ArchiveBytes int64             `json:"archive_bytes"`
	Seconds      float64           `json:"seconds"`
	Version      string            `json:"efaktur_version"`
	ContentID    string            `json:"content_id"`
	Databases    []engine.Database `json:"databases"`
	Excluded     []string          `json:"excluded,omitempty"`
	Checks       []fileCheckReport `json:"checks"`
	Verdict      string            `json:"verdict"`
	Warnings     []string          `json:"warnings,omitempty"`
	// Encryption is set for an encrypted snapshot: its recipients, and
	// the SHA-256 and size of the encrypted file.
	Encryption *backup.Encryption `json:"encryption,omitempty"`
	// VersionID is the version the object store gave the archive, and
	// Retention its Object Lock retention (both only in a bucket).
	VersionID string           `json:"version_id,omitempty"`
	Retention *store.Retention `json:"retention,omitempty"`
	// Deep is the real engine's proof of the snapshot (snapshot --deep).
	Deep *deepResult `json:"engine_proof,omitempty"`
}

// unchangedReport is snapshot --skip-unchanged's result when db/ is
// byte-identical to the label's newest snapshot: no archive was written.
type unchangedReport struct {
	Unchanged bool   `json:"unchanged"`
	Snapshot  string `json:"snapshot"`
	Label     string `json:"label"`
	Source    string `json:"source"`
}

// snapshotResult is one of the two: a snapshot written, or none needed.
type snapshotResult struct {
	Report    *snapshotReport
	Unchanged *unchangedReport
}

// runSnapshot takes one snapshot. A result comes back whenever a snapshot
// was written, also with an error: a damaged database (an
// *integrityFinding, unless AllowDamaged) or a sidecar that could not be
// written (the archive is complete).
func runSnapshot(ctx context.Context, u *ui, opts snapshotOptions) (*snapshotResult, error) {
	level, err := backup.ParseLevel(opts.Level)
	if err != nil {
		return nil, u.usageErr("err.level", opts.Level)
	}
	t, err := resolveSnapshotTarget(u, opts)
	if err != nil {
		return nil, err
	}
	if t.OutNamed && !location.IsS3(t.Out) {
		if err := checkOut(u, t.Out, opts.CreateOut); err != nil {
			return nil, err
		}
	}
	create, err := opts.Lock.create(u, t.Out)
	if err != nil {
		return nil, err
	}
	st, err := openStore(t.Out, opts.Store)
	if err != nil {
		return nil, err
	}
	release, lk, err := lockStore(ctx, u, st, "snapshot")
	if err != nil {
		return nil, err
	}
	defer release()
	// With the store held, an unfinished create (a .partial file, an
	// incomplete upload) can only be left by a run that was killed: it is
	// never a snapshot, so it goes.
	cleanupOrphans(ctx, u, st, retention.OursName)
	var warnings []string
	if m := otherInstallOfLabel(t.Out, t.Label, t.Install); m != nil {
		w := u.T("snapshot.labelshared", t.Label, t.Out, installOfManifest(u, m))
		warnings = append(warnings, w)
		u.warn(w, "")
	}
	sigs, err := checkInUse(ctx, t.DB)
	if err != nil {
		return nil, err
	}
	for _, s := range sigs {
		w := u.T("warn.signal", s.File, s.In(u.lang))
		warnings = append(warnings, w)
		u.warn(w, "")
	}
	// Compare only a database that is not in use: a torn read proves
	// nothing either way.
	if opts.SkipUnchanged && len(opts.Recipients) == 0 {
		if un, err := snapshotUnchanged(ctx, t.DB, st, t.Label); un != nil || err != nil {
			return &snapshotResult{Unchanged: un}, err
		}
	}
	scan, err := backup.ScanDB(t.DB, engines())
	if err != nil {
		return nil, err
	}
	progress, finish := u.progress(u.T("progress.snapshot"), scan.Bytes())
	mib := mibPoints("snapshot-mib")
	start := time.Now()
	res, err := backup.Snapshot(ctx, backup.SnapshotOptions{
		DB:             t.DB,
		Install:        t.Install,
		Store:          st,
		Create:         create,
		Label:          t.Label,
		Level:          level,
		ToolVersion:    version,
		EFakturVersion: t.Version,
		Engines:        engines(),
		Progress: func(done, total int64) {
			if progress != nil {
				progress(done)
			}
			if mib != nil {
				mib(done)
			}
		},
		BeforeCommit: func() error {
			// The app may have started while we read: a copy taken then
			// cannot be trusted.
			if _, err := checkInUse(ctx, t.DB); err != nil {
				return err
			}
			// A run whose lock was taken over (it could not refresh it)
			// no longer owns the store: it must not commit.
			return lk.Check()
		},
		Hook:       testHooks.At,
		Recipients: opts.Recipients,
	})
	finish()
	if err != nil && res == nil {
		return nil, err
	}
	sidecarErr := err
	m := res.Manifest
	rep := &snapshotReport{
		Snapshot: res.Path, Sidecar: res.Sidecar, Label: m.Label, Source: m.Source,
		Files: m.Totals.Files, Bytes: m.Totals.Bytes, ArchiveBytes: res.ArchiveSize,
		Seconds: time.Since(start).Seconds(), Version: m.EFakturVersion, ContentID: m.ContentID,
		Databases: m.Databases, Excluded: m.Excluded, Checks: fileChecks(m.Files),
		Verdict: summaryVerdict(m), Warnings: warnings, Encryption: res.Encryption, VersionID: res.Committed.VersionID,
	}
	if r := res.Committed.Retention; r.Mode != "" {
		rep.Retention = &r
	}
	if rep.Databases == nil {
		rep.Databases = []engine.Database{}
	}
	out := &snapshotResult{Report: rep}
	if sidecarErr != nil {
		return out, sidecarErr
	}
	if opts.Deep && location.IsS3(t.Out) {
		w := u.T("deep.s3")
		rep.Warnings = append(rep.Warnings, w)
		u.warn(w, "")
	} else if opts.Deep {
		o := opts.DeepOpts
		if o.Install == "" {
			o.Install = t.Install
		}
		d, err := proveSnapshot(ctx, u, res.Path, m, o)
		if err != nil {
			return out, err
		}
		rep.Deep = d
		rep.Databases = withEngineProof(rep.Databases, d)
		if d.Verdict == engine.Damaged && !opts.AllowDamaged {
			return out, &integrityFinding{msg: u.T("snapshot.deepdamaged", res.Path), hint: u.T("hint.damaged")}
		}
	}
	if rep.Verdict == "damaged" {
		if opts.AllowDamaged {
			u.warn(u.T("snapshot.damaged.allowed"), "")
			return out, nil
		}
		return out, &integrityFinding{msg: u.T("snapshot.damaged", res.Path), hint: u.T("hint.damaged")}
	}
	return out, nil
}

// snapshotUnchanged is snapshot --skip-unchanged: when db/ is
// byte-identical to the label's newest snapshot (same content_id, and that
// snapshot verifies), it says which, and no new archive is written. nil
// means a snapshot is needed. An encrypted snapshot is never skipped: the
// sidecar of the newest holds no content id to compare with, on purpose,
// and a plain one does not stand in for the encrypted one asked for.
func snapshotUnchanged(ctx context.Context, db string, st store.Store, label string) (*unchangedReport, error) {
	same, newest, err := retention.UnchangedIn(ctx, db, st, label, engines())
	if err != nil || !same {
		return nil, err
	}
	return &unchangedReport{Unchanged: true, Snapshot: newest, Label: label, Source: db}, nil
}

// printSnapshot prints snapshot's result.
func printSnapshot(u *ui, res *snapshotResult) error {
	if un := res.Unchanged; un != nil {
		return u.result(un, func(w io.Writer) { fmt.Fprintln(w, u.T("snapshot.unchanged", un.Snapshot)) })
	}
	rep := res.Report
	return u.result(rep, func(w io.Writer) {
		fmt.Fprintln(w, u.T("snapshot.done", rep.Snapshot))
		fmt.Fprintln(w, u.T("snapshot.summary", rep.Files, humanBytes(rep.Bytes), humanBytes(rep.ArchiveBytes), rep.Seconds))
		fmt.Fprintln(w, u.T("snapshot.version", rep.Version))
		if rep.Encryption != nil {
			fmt.Fprintln(w, encryptionText(u, rep.Encryption))
		}
		if r := rep.Retention; r != nil {
			fmt.Fprintln(w, u.T("snapshot.locked", r.Until.Local().Format("2006-01-02 15:04"), strings.ToLower(r.Mode)))
		}
		printDatabases(w, u, rep.Databases)
		printDeep(w, u, rep.Deep)
		if len(rep.Excluded) > 0 {
			fmt.Fprintln(w, "  "+u.T("db.excluded", strings.Join(rep.Excluded, ", ")))
		}
	})
}
