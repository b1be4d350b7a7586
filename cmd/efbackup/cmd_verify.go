package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/crypt"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/migrate"
	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/location"
	"github.com/urfave/cli/v2"
)

// verifyOptions: snapshots to read back (Paths), or a live folder (DB or
// Install, optionally compared Against a snapshot or manifest).
type verifyOptions struct {
	Paths      []string
	DB         string
	Install    string
	Against    string
	AppBackups bool
	// Identities open encrypted snapshots; without any, an encrypted
	// snapshot is checked without its key, against its sidecar.
	Identities []crypt.Identity
	Store      storeOptions
	// Deep lets the real engine prove each snapshot (or a scratch copy of
	// the live folder): boot, check every table, read every row.
	Deep     bool
	DeepOpts deepOptions
}

func verifyCommand(u *ui) *cli.Command {
	var opts verifyOptions
	var keys identityOptions
	return &cli.Command{
		Name:      "verify",
		Usage:     u.T("verify.usage"),
		UsageText: "efbackup verify [--deep] SNAPSHOT|s3://BUCKET/PREFIX/NAME... [--identity FILE | --passphrase-file FILE]\nefbackup verify --db DIR [--against SNAPSHOT_OR_MANIFEST] [--deep]",
		Flags: append(append(append([]cli.Flag{
			&cli.BoolFlag{Name: "deep", Usage: u.T("flag.deep"), Destination: &opts.Deep},
			&cli.StringFlag{Name: "db", Usage: u.T("flag.verifydb"), Destination: &opts.DB},
			&cli.StringFlag{Name: "install", Usage: u.T("flag.install"), Destination: &opts.Install},
			&cli.StringFlag{Name: "against", Usage: u.T("flag.against"), Destination: &opts.Against},
			&cli.BoolFlag{Name: "app-backups", Usage: u.T("flag.verifyappbackups"), Destination: &opts.AppBackups},
		}, storeFlags(u, &opts.Store)...), deepFlags(u, &opts.DeepOpts)...), keys.flags(u)...),
		Action: func(c *cli.Context) error {
			opts.Paths = c.Args().Slice()
			ids, err := keys.identities(u)
			if err != nil {
				return err
			}
			opts.Identities = ids
			if opts.AppBackups {
				if c.NArg() > 0 {
					return u.usageErr("err.extraargs", c.Args().First())
				}
				out, err := runVerifyAppBackups(c.Context, u, appBackupsOptions{Install: opts.Install})
				return printed(err, out, func() error { return printAppBackups(u, out) })
			}
			live := opts.DB != "" || opts.Install != ""
			switch {
			case live && c.NArg() > 0:
				return u.usageErr("err.verifyboth")
			case !live && opts.Against != "":
				return u.usageErr("err.againstneedsdb")
			case !live && c.NArg() == 0:
				return u.usageErr("err.verifynothing")
			}
			out, err := runVerify(c.Context, u, opts)
			return printed(err, out, func() error { return u.result(out, func(w io.Writer) { printVerify(w, u, *out) }) })
		},
	}
}

// verifyResult is one checked snapshot or folder, for text and JSON.
type verifyResult struct {
	Target    string            `json:"target"`
	OK        bool              `json:"ok"`
	Files     int               `json:"files"`
	Bytes     int64             `json:"bytes"`
	Label     string            `json:"label,omitempty"`
	Created   string            `json:"created,omitempty"`
	Version   string            `json:"efaktur_version,omitempty"`
	Sidecar   *bool             `json:"sidecar_present,omitempty"`
	Against   string            `json:"against,omitempty"`
	Problems  []backup.Problem  `json:"problems"`
	Databases []engine.Database `json:"databases"`
	// RecordedDatabases are the databases as the snapshot recorded them
	// when it was made (state at that moment, verdict of the checks then).
	RecordedDatabases []engine.Database `json:"recorded_databases,omitempty"`
	Checks            []fileCheckReport `json:"checks"`
	// Deep is the real engine's proof (verify --deep).
	Deep      *deepResult `json:"engine_proof,omitempty"`
	Warnings  []string    `json:"warnings,omitempty"`
	Recorded  string      `json:"recorded_verdict,omitempty"`
	ContentID string      `json:"content_id,omitempty"`
	// Encryption is set for an encrypted snapshot: whether it was
	// checked without the key, and the encrypted file's SHA-256.
	Encryption *backup.EncryptionReport `json:"encryption,omitempty"`
	// Tampered is set for a snapshot in a bucket whose name someone
	// deleted or overwrote after efbackup wrote it; the bytes checked are
	// still the version efbackup wrote.
	Tampered *store.Tamper `json:"tampered,omitempty"`
	// Retention is the snapshot's Object Lock retention, in a bucket.
	Retention *store.Retention `json:"retention,omitempty"`
}

type verifyOutput struct {
	OK      bool           `json:"ok"`
	Results []verifyResult `json:"results"`
}

// runVerify reads back the snapshots in opts.Paths, or checks the live
// folder opts.DB (or Install's db/). A result comes back whenever every
// target was read; when one has problems the error says so too (an
// *integrityFinding).
func runVerify(ctx context.Context, u *ui, opts verifyOptions) (*verifyOutput, error) {
	if opts.DB != "" || opts.Install != "" {
		return runVerifyDB(ctx, u, opts)
	}
	return runVerifySnapshots(ctx, u, opts)
}

// snapshotSource finds a snapshot named on the command line: a file, or
// s3://BUCKET/PREFIX/NAME (with what the bucket says of it).
func snapshotSource(ctx context.Context, u *ui, p string, so storeOptions) (backup.Source, store.Entry, error) {
	if !location.IsS3(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return backup.Source{}, store.Entry{}, u.usageErr("err.nosnapshot", p)
		}
		if fi.IsDir() {
			return backup.Source{}, store.Entry{}, u.usageErr("err.snapshotisdir", p)
		}
		return backup.FileSource(p), store.Entry{Name: filepath.Base(p), Size: fi.Size()}, nil
	}
	st, name, err := openObject(p, so)
	if err != nil {
		return backup.Source{}, store.Entry{}, err
	}
	e, err := st.Stat(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return backup.Source{}, store.Entry{}, u.usageErr("err.nosnapshot", p)
	}
	if err != nil {
		return backup.Source{}, store.Entry{}, err
	}
	return backup.StoreSource(st, name), e, nil
}

func runVerifySnapshots(ctx context.Context, u *ui, opts verifyOptions) (*verifyOutput, error) {
	paths, so := opts.Paths, opts.Store
	out := &verifyOutput{OK: true}
	deepBad := false
	srcs := make([]backup.Source, len(paths))
	entries := make([]store.Entry, len(paths))
	for i, p := range paths {
		var err error
		if srcs[i], entries[i], err = snapshotSource(ctx, u, p, so); err != nil {
			return nil, err
		}
	}
	tampered := 0
	for i, src := range srcs {
		e := entries[i]
		progress, finish := u.progress(u.T("progress.verify", e.Name), e.Size)
		rep, err := backup.VerifySource(ctx, src, backup.ReadOptions{Engines: engines(), Progress: progress, Identities: opts.Identities})
		finish()
		if err != nil {
			return nil, err
		}
		r := verifyResult{Target: src.Name, OK: rep.OK(), Files: rep.Files, Bytes: rep.Bytes, Problems: rep.Problems, Encryption: rep.Encryption, Tampered: e.Tamper}
		if e.Retention.Mode != "" {
			ret := e.Retention
			r.Retention = &ret
		}
		if e.Tamper != nil {
			tampered++
		}
		present := rep.SidecarPresent
		r.Sidecar = &present
		if m := rep.Manifest; m != nil {
			r.Label, r.Created, r.Version, r.ContentID = m.Label, m.Created.Format("2006-01-02 15:04:05Z"), m.EFakturVersion, m.ContentID
			r.Recorded = summaryVerdict(m)
			r.RecordedDatabases = m.Databases
		}
		r.Checks = sortedChecks(rep.Checks)
		r.Databases = rep.Databases
		if rep.OK() {
			r.Databases = withBytes(rep.Databases)
		}
		if r.Databases == nil {
			r.Databases = []engine.Database{}
		}
		if !rep.OK() {
			out.OK = false
		}
		if opts.Deep {
			if location.IsS3(paths[i]) {
				r.Warnings = append(r.Warnings, u.T("deep.s3"))
			} else if rep.OK() && rep.Manifest != nil {
				o := opts.DeepOpts
				o.Identities = opts.Identities
				d, err := proveSnapshot(ctx, u, paths[i], rep.Manifest, o)
				if err != nil {
					return nil, err
				}
				r.Deep = d
				r.Databases = withEngineProof(r.Databases, d)
				if d.Verdict == engine.Damaged {
					r.OK, out.OK = false, false
					deepBad = true
				}
			} else {
				r.Warnings = append(r.Warnings, u.T("deep.skipped"))
			}
		}
		if r.Problems == nil {
			r.Problems = []backup.Problem{}
		}
		out.Results = append(out.Results, r)
	}
	if deepBad {
		return out, &integrityFinding{msg: u.T("verify.deepdamaged"), hint: u.T("hint.damaged")}
	}
	if !out.OK {
		return out, verifyFailed(u, *out)
	}
	if tampered > 0 {
		return out, &integrityFinding{msg: u.T("verify.tamperedfound", tampered), hint: u.T("hint.tampered")}
	}
	return out, nil
}

// withEngineProof adds "engine" to what each database's verdict rests on
// when the real engine found it sound, and takes its verdict when it did
// not.
func withEngineProof(dbs []engine.Database, d *deepResult) []engine.Database {
	out := make([]engine.Database, len(dbs))
	for i, db := range dbs {
		for _, r := range d.Databases {
			if r.Name != db.Name {
				continue
			}
			if r.Verdict == engine.OK && db.Verdict != engine.Damaged {
				db.Checked = append(append([]string{}, db.Checked...), engine.CheckedEngine)
			} else if engine.Worse(r.Verdict, db.Verdict) {
				db.Verdict = r.Verdict
				db.Findings = append(append([]engine.Finding{}, db.Findings...), r.Findings...)
			}
		}
		out[i] = db
	}
	return out
}

func sortedChecks(m map[string]backup.FileCheck) []fileCheckReport {
	var out []fileCheckReport
	for f, c := range m {
		if len(c.Findings) == 0 {
			continue
		}
		out = append(out, fileCheckReport{File: f, FileCheck: c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	if out == nil {
		out = []fileCheckReport{}
	}
	return out
}

func verifyFailed(u *ui, out verifyOutput) error {
	bad := 0
	for _, r := range out.Results {
		if !r.OK {
			bad++
		}
	}
	return &integrityFinding{msg: u.T("verify.failed", bad), hint: u.T("hint.integrity")}
}

func printVerify(w io.Writer, u *ui, out verifyOutput) {
	for _, r := range out.Results {
		if r.OK && r.Encryption != nil && r.Encryption.Keyless {
			fmt.Fprintln(w, u.T("verify.keyless", r.Target, humanBytes(r.Encryption.Size)))
		} else if r.OK {
			fmt.Fprintln(w, u.T("verify.ok", r.Target, r.Files, humanBytes(r.Bytes)))
			if r.Encryption != nil {
				fmt.Fprintln(w, u.T("verify.decrypted"))
			}
		} else if r.Against != "" && onlyChanges(r.Problems) {
			fmt.Fprintln(w, u.T("verify.changed", r.Target, len(r.Problems)))
			for _, p := range r.Problems {
				fmt.Fprintf(w, "  %s\n", problemLine(u.lang, p))
			}
		} else {
			fmt.Fprintln(w, u.T("verify.bad", r.Target, len(r.Problems)))
			for _, p := range r.Problems {
				fmt.Fprintf(w, "  %s\n", problemLine(u.lang, p))
			}
		}
		if r.Sidecar != nil && !*r.Sidecar && r.Encryption == nil {
			fmt.Fprintln(w, "  "+u.T("verify.nosidecar"))
		}
		if r.Tampered != nil {
			fmt.Fprintln(w, "  "+tamperLine(u, r.Target, r.Tampered))
		}
		if ret := r.Retention; ret != nil && ret.Active(time.Now()) {
			fmt.Fprintln(w, "  "+u.T("snapshot.locked", ret.Until.Local().Format("2006-01-02 15:04"), strings.ToLower(ret.Mode)))
		}
		if r.Encryption == nil || !r.Encryption.Keyless {
			// Without the key nothing inside was read: only what the
			// snapshot recorded is known (below).
			printDatabases(w, u, r.Databases)
		}
		for _, d := range r.RecordedDatabases {
			if d.Engine != engine.UnknownEngine && d.State != engine.Unknown {
				fmt.Fprintf(w, "  %s: %s\n", d.Name, u.T("db.recordedas", u.lang.TData("state.", string(d.State))))
			}
		}
		printDeep(w, u, r.Deep)
		for _, wn := range r.Warnings {
			fmt.Fprintln(w, "  "+wn)
		}
	}
}

// loadAgainst reads the manifest to compare a live folder with: a sidecar
// or manifest JSON file, or a snapshot, which is verified in full first so
// that its manifest can be trusted (an encrypted one with its key: its
// sidecar holds no list of files).
func loadAgainst(ctx context.Context, u *ui, p string, so storeOptions, ids []crypt.Identity) (*backup.Manifest, error) {
	if location.IsS3(p) {
		src, _, err := snapshotSource(ctx, u, p, so)
		if err != nil {
			return nil, err
		}
		rep, err := backup.VerifySource(ctx, src, backup.ReadOptions{Identities: ids, RequireKey: backup.IsEncrypted(p)})
		if err != nil {
			return nil, err
		}
		if err := rep.Err(); err != nil {
			return nil, err
		}
		return rep.Manifest, nil
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, u.usageErr("err.nosnapshot", p)
	}
	defer f.Close()
	head := make([]byte, len(crypt.Version))
	n, _ := io.ReadFull(f, head)
	if n >= 4 && string(head[:4]) == "\x28\xb5\x2f\xfd" || string(head[:n]) == crypt.Version || backup.IsEncrypted(p) { // zstd magic, or age's
		rep, err := backup.VerifyArchive(ctx, p, backup.ReadOptions{Identities: ids, RequireKey: true})
		if err != nil {
			return nil, err
		}
		if err := rep.Err(); err != nil {
			return nil, err
		}
		return rep.Manifest, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	m, _, err := backup.ReadManifest(f)
	if err != nil {
		return nil, &backup.IntegrityError{Target: p, Problems: []backup.Problem{{Kind: backup.ProblemManifest, File: p, Detail: err.Error()}}}
	}
	return m, nil
}

func runVerifyDB(ctx context.Context, u *ui, opts verifyOptions) (*verifyOutput, error) {
	db := opts.DB
	if opts.Install != "" {
		if opts.DB != "" {
			return nil, u.usageErr("err.installanddb")
		}
		in, err := migrate.Detect(opts.Install)
		if err != nil {
			return nil, err
		}
		db = in.DB
	}
	db, err := filepath.Abs(db)
	if err != nil {
		return nil, err
	}
	if err := refuseDBLink(u, db); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(db); err != nil || !fi.IsDir() {
		return nil, u.usageErr("err.nodb", db)
	}
	if err := refuseDatabaseFolder(u, db, "verify"); err != nil {
		return nil, err
	}
	var m *backup.Manifest
	if opts.Against != "" {
		if m, err = loadAgainst(ctx, u, opts.Against, opts.Store, opts.Identities); err != nil {
			return nil, err
		}
	}
	res := verifyResult{Target: db, Against: opts.Against}
	sigs, err := checkInUse(ctx, db)
	if err != nil {
		return nil, err
	}
	for _, s := range sigs {
		res.Warnings = append(res.Warnings, u.T("warn.signal", s.File, s.In(u.lang)))
	}
	scan, err := backup.ScanDB(db, engines())
	if err != nil {
		return nil, err
	}
	progress, finish := u.progress(u.T("progress.verify", filepath.Base(db)), scan.Bytes())
	rep, err := backup.HashFolder(ctx, db, backup.FolderOptions{Engines: engines(), Progress: func(d, _ int64) {
		if progress != nil {
			progress(d)
		}
	}})
	finish()
	if err != nil {
		return nil, err
	}
	res.Databases = rep.Databases
	if m != nil {
		backup.CompareFiles(rep, m)
		rep.Problems = backup.ChangedSince(rep.Problems)
		res.ContentID = m.ContentID
		if len(rep.Problems) == 0 {
			res.Databases = withBytes(rep.Databases)
		}
	}
	if res.Databases == nil {
		res.Databases = []engine.Database{}
	}
	res.Checks = sortedChecks(rep.Checks)
	rep.Problems = append(rep.Problems, backup.DatabaseProblems(rep.Databases)...)
	if opts.Deep {
		o := opts.DeepOpts
		if o.Install == "" {
			o.Install = filepath.Dir(db)
		}
		d, err := proveFolder(ctx, u, db, rep.Databases, o)
		if err != nil {
			return nil, err
		}
		res.Deep = d
		res.Databases = withEngineProof(res.Databases, d)
		if d.Verdict == engine.Damaged {
			for _, r := range d.Databases {
				if r.Verdict == engine.Damaged {
					rep.Problems = append(rep.Problems, backup.NewProblem(backup.ProblemDatabaseDamaged, r.Name, "detail.deep.refused"))
				}
			}
		}
	}
	for _, f := range rep.Files {
		res.Files++
		res.Bytes += f.Size
	}
	res.Problems = rep.Problems
	if res.Problems == nil {
		res.Problems = []backup.Problem{}
	}
	res.OK = len(res.Problems) == 0
	out := &verifyOutput{OK: res.OK, Results: []verifyResult{res}}
	if !res.OK {
		if hasDamage(res.Problems) {
			return out, &integrityFinding{msg: u.T("verify.dbdamaged", db), hint: u.T("hint.damaged")}
		}
		if m != nil && onlyChanges(res.Problems) {
			return out, &integrityFinding{msg: u.T("verify.changedsince", db, len(res.Problems)), hint: u.T("hint.changedsince")}
		}
		return out, verifyFailed(u, *out)
	}
	return out, nil
}

// onlyChanges reports whether every problem is a change of a live folder
// since its snapshot.
func onlyChanges(ps []backup.Problem) bool {
	for _, p := range ps {
		if p.Kind != backup.ProblemChanged {
			return false
		}
	}
	return true
}

func hasDamage(ps []backup.Problem) bool {
	for _, p := range ps {
		if p.Kind == backup.ProblemDatabaseDamaged {
			return true
		}
	}
	return false
}
