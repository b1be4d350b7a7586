package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/retention"
	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/s3"
	"github.com/urfave/cli/v2"
)

type listOptions struct {
	Out      string
	NoVerify bool
	Store    storeOptions
}

func listCommand(u *ui) *cli.Command {
	var opts listOptions
	return &cli.Command{
		Name:      "list",
		Usage:     u.T("list.usage"),
		UsageText: "efbackup list [--out DIR|s3://BUCKET/PREFIX] [--no-verify] [--s3-endpoint URL] [--s3-profile NAME]",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "out", Usage: u.T("flag.listout"), Destination: &opts.Out},
			&cli.BoolFlag{Name: "no-verify", Usage: u.T("flag.noverify"), Destination: &opts.NoVerify},
		}, storeFlags(u, &opts.Store)...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return u.usageErr("err.extraargs", c.Args().First())
			}
			out, err := runList(c.Context, u, opts)
			return printed(err, out, func() error { return printList(u, out) })
		},
	}
}

type listEntry struct {
	Snapshot string `json:"snapshot"`
	// Prefix is the prefix below the bucket prefix listed that holds the
	// snapshot (one per client when a consultant keeps them in one
	// bucket); "" directly in it.
	Prefix       string `json:"prefix,omitempty"`
	Label        string `json:"label"`
	Time         string `json:"time"`
	Files        int    `json:"files"`
	Bytes        int64  `json:"bytes"`
	ArchiveBytes int64  `json:"archive_bytes"`
	Version      string `json:"efaktur_version"`
	// Status is "ok" (verified in full), "ok-encrypted" (encrypted, and
	// checked without the key against its sidecar), "damaged" (verify
	// found problems), "unverified" (--no-verify), "no-sidecar", or
	// "key-needed" (encrypted, and without its sidecar only its key can
	// check it).
	Status   string `json:"status"`
	Problems int    `json:"problems"`
	Recorded string `json:"database_verdict"`
	// Checked says what the database verdict rests on: "structure" as
	// recorded when the snapshot was made, "bytes" and "structure" when it
	// was read again now, "engine" when the real engine proved it.
	Checked   []string          `json:"database_checked"`
	State     string            `json:"database_state"`
	Databases []engine.Database `json:"databases"`
	// Proof is the newest proof by the real engine: when, and its verdict.
	Proof     *backup.DeepRecord `json:"engine_proof,omitempty"`
	ContentID string             `json:"content_id,omitempty"`
	// Encrypted is set for an encrypted snapshot, and Recipients are the
	// public keys (or "passphrase") its sidecar records.
	Encrypted  bool     `json:"encrypted,omitempty"`
	Recipients []string `json:"recipients,omitempty"`
	// Retention is the archive's Object Lock retention, in a bucket.
	Retention *store.Retention `json:"retention,omitempty"`
	// Tampered is set when the bucket holds a later version or a delete
	// marker of the name: someone deleted or overwrote it after efbackup
	// wrote it. The snapshot is still read at the version efbackup wrote.
	Tampered *store.Tamper `json:"tampered,omitempty"`
}

type listOutput struct {
	Folder    string            `json:"folder"`
	Snapshots []listEntry       `json:"snapshots"`
	Partial   []string          `json:"partial_files"`
	Prefixes  []string          `json:"prefixes,omitempty"`
	LastRun   *lastScheduledRun `json:"last_scheduled_run,omitempty"`
}

// runList lists the snapshots in a folder or bucket prefix, each verified
// in full unless NoVerify; in a bucket also those one prefix further down
// (a consultant's clients). When one fails verification, or was tampered
// with, the result comes back with an *integrityFinding.
func runList(ctx context.Context, u *ui, opts listOptions) (*listOutput, error) {
	dir := opts.Out
	if dir == "" {
		dir = os.Getenv("EFBACKUP_OUT")
	}
	if dir == "" {
		return nil, u.usageErr("err.listneedsout")
	}
	st, err := openStore(dir, opts.Store)
	if err != nil {
		return nil, err
	}
	out := &listOutput{Folder: store.Location(st), Snapshots: []listEntry{}, Partial: []string{}}
	if !isS3(st) {
		out.Folder = dir
	}
	bad, err := listStore(ctx, u, st, "", opts, out)
	if errors.Is(err, fs.ErrNotExist) && !isS3(st) {
		return nil, u.usageErr("err.nofolder", dir)
	}
	if err != nil {
		return nil, err
	}
	if b, ok := st.(*s3.Store); ok {
		prefixes, err := b.ListPrefixes(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range prefixes {
			sub, err := b.Sub(p)
			if err != nil {
				return nil, err
			}
			n, err := listStore(ctx, u, sub, p, opts, out)
			if err != nil {
				return nil, err
			}
			bad += n
			out.Prefixes = append(out.Prefixes, p)
		}
	}
	sort.SliceStable(out.Snapshots, func(i, j int) bool {
		a, b := out.Snapshots[i], out.Snapshots[j]
		if a.Prefix != b.Prefix {
			return a.Prefix < b.Prefix
		}
		if a.Label != b.Label {
			return a.Label < b.Label
		}
		return a.Time < b.Time
	})
	if !isS3(st) {
		out.LastRun = lastScheduled(dir)
	}
	tampered := 0
	for _, s := range out.Snapshots {
		if s.Tampered != nil {
			tampered++
		}
	}
	switch {
	case bad > 0:
		return out, &integrityFinding{msg: u.T("list.bad", bad), hint: u.T("hint.integrity")}
	case tampered > 0:
		return out, &integrityFinding{msg: u.T("list.tampered", tampered), hint: u.T("hint.tampered")}
	}
	return out, nil
}

// listStore adds the snapshots of one store to out (retention's scan: the
// same view prune has), and returns how many failed verification.
func listStore(ctx context.Context, u *ui, st store.Store, prefix string, opts listOptions, out *listOutput) (bad int, err error) {
	scan := retention.ScanStore
	if isS3(st) {
		scan = retention.ScanWithRetention
	}
	f, err := scan(ctx, st)
	if err != nil {
		return 0, err
	}
	for _, sk := range f.Skipped {
		if sk.Reason == retention.SkipPartial {
			out.Partial = append(out.Partial, baseName(sk.Path))
		}
	}
	all := append(append(append([]*retention.Snapshot{}, f.Snapshots...), f.Unproven...), f.Mismatched...)
	for _, s := range all {
		le := listEntry{Snapshot: s.Path, Prefix: prefix, Label: s.Label, Time: s.Time.Format("2006-01-02 15:04:05Z"), Recorded: "-", Version: "?",
			Checked: []string{}, State: string(engine.Unknown), Databases: []engine.Database{}, ArchiveBytes: s.Size,
			Retention: s.Retention, Tampered: s.Tamper}
		proof, _ := backup.ReadProofFrom(ctx, st, s.Name)
		le.Encrypted = backup.IsEncrypted(s.Name)
		if m := s.Manifest; m != nil {
			le.Files, le.Bytes, le.Version, le.ContentID = m.Totals.Files, m.Totals.Bytes, m.EFakturVersion, m.ContentID
			recordDatabases(&le, m, m.Databases, proof)
			le.Status = "unverified"
			if m.Encryption != nil {
				le.Recipients = m.Encryption.Recipients
			}
		} else {
			le.Status = "no-sidecar"
			if s.SidecarErr != nil {
				u.warn(s.SidecarErr.Error(), "")
			}
		}
		if !opts.NoVerify {
			progress, finish := u.progress(u.T("progress.verify", s.Name), le.ArchiveBytes)
			rep, err := backup.VerifySource(ctx, backup.StoreSource(st, s.Name), backup.ReadOptions{Engines: engines(), Progress: progress})
			finish()
			var ke *backup.KeyError
			if errors.As(err, &ke) {
				// Encrypted, without its sidecar: not damage, but it
				// takes the key to check.
				le.Status = "key-needed"
				msg, hint := describeKeyError(u.lang, ke)
				u.warn(msg, hint)
				out.Snapshots = append(out.Snapshots, le)
				continue
			}
			if err != nil {
				return bad, err
			}
			if rep.Manifest != nil {
				m := rep.Manifest
				le.Files, le.Bytes, le.Version, le.ContentID = m.Totals.Files, m.Totals.Bytes, m.EFakturVersion, m.ContentID
				dbs := rep.Databases
				switch {
				case rep.Encryption != nil && rep.Encryption.Keyless:
					// Nothing inside was read: the record stands.
					dbs = m.Databases
				case rep.OK():
					dbs = withBytes(dbs)
				}
				recordDatabases(&le, m, dbs, proof)
			}
			le.Problems = len(rep.Problems)
			le.Status = "ok"
			if rep.Encryption != nil && rep.Encryption.Keyless {
				le.Status = "ok-encrypted"
			}
			if !rep.OK() {
				le.Status = "damaged"
				bad++
			}
		}
		out.Snapshots = append(out.Snapshots, le)
	}
	return bad, nil
}

func printList(u *ui, out *listOutput) error {
	return u.result(out, func(w io.Writer) {
		if len(out.Snapshots) == 0 {
			fmt.Fprintln(w, u.T("list.none", out.Folder))
		} else {
			tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, u.T("list.header"))
			for _, s := range out.Snapshots {
				label := s.Label
				if s.Prefix != "" {
					label = s.Prefix + "/" + s.Label
				}
				status := u.lang.TData("status.", s.Status)
				if s.Tampered != nil {
					status += " " + u.T("list.tamperedcell")
				}
				if s.Retention != nil && s.Retention.Active(time.Now()) {
					status += " " + u.T("list.lockedcell", s.Retention.Until.Local().Format("2006-01-02"))
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Time, label, s.Files, humanBytes(s.Bytes), humanBytes(s.ArchiveBytes),
					s.Version, status, listDBCell(u, s), u.lang.TData("state.short.", s.State), listProofCell(u, s.Proof))
			}
			tw.Flush()
		}
		for _, s := range out.Snapshots {
			if t := s.Tampered; t != nil {
				fmt.Fprintln(w, tamperLine(u, s.Snapshot, t))
			}
		}
		for _, p := range out.Partial {
			fmt.Fprintln(w, u.T("list.partial", p))
		}
		if line := lastRunLine(u, out.LastRun); line != "" {
			fmt.Fprintln(w, line)
		}
	})
}

// recordDatabases fills an entry's database columns: the verdict over the
// databases, what it rests on, and the state they were in, from the
// snapshot's record (m) and the checks that ran now (dbs; the record's when
// nothing ran now).
func recordDatabases(le *listEntry, m *backup.Manifest, dbs []engine.Database, proof *backup.DeepRecord) {
	le.Databases = m.Databases
	if le.Databases == nil {
		le.Databases = []engine.Database{}
	}
	le.Recorded = summaryVerdict(m)
	if len(dbs) > 0 {
		s := engine.Summarise(dbs)
		if engine.Worse(s.Verdict, engine.Verdict(le.Recorded)) {
			le.Recorded = string(s.Verdict)
		}
	}
	le.Checked = []string{}
	seen := map[string]bool{}
	le.State = string(engine.Unknown)
	for _, d := range dbs {
		if d.Engine == engine.UnknownEngine {
			continue
		}
		for _, c := range d.Checked {
			if !seen[c] {
				seen[c] = true
				le.Checked = append(le.Checked, c)
			}
		}
	}
	for _, d := range m.Databases {
		if d.Engine == engine.UnknownEngine {
			continue
		}
		if le.State == string(engine.Unknown) || d.State == engine.NeedsRecovery {
			le.State = string(d.State)
		}
	}
	le.Proof = proof
	if le.Proof != nil && le.Proof.Verdict == engine.OK && !seen[engine.CheckedEngine] {
		le.Checked = append(le.Checked, engine.CheckedEngine)
	}
}

// listDBCell is "ok (bytes, structure)", "DAMAGED (structure)" or
// "not checked".
func listDBCell(u *ui, s listEntry) string {
	v := u.lang.TData("verdict.", s.Recorded)
	if s.Recorded == string(engine.NotChecked) || s.Recorded == "-" || len(s.Checked) == 0 {
		return v
	}
	parts := make([]string, 0, len(s.Checked))
	for _, c := range s.Checked {
		parts = append(parts, u.lang.TData("checked.short.", c))
	}
	return u.T("list.dbcell", v, strings.Join(parts, ", "))
}

// listProofCell says when the real engine last proved the snapshot.
func listProofCell(u *ui, p *backup.DeepRecord) string {
	if p == nil {
		return u.T("list.proof.none")
	}
	return u.T("list.proof.at", p.Checked.Local().Format("2006-01-02"), u.lang.TData("verdict.", string(p.Verdict)))
}

// tamperLine says how a snapshot's name was changed after efbackup wrote
// it, and that the snapshot itself is still the one efbackup wrote.
func tamperLine(u *ui, where string, t *store.Tamper) string {
	if t.DeleteMarker {
		return u.T("tamper.deleted", where, t.Newer)
	}
	return u.T("tamper.overwritten", where, t.Newer)
}
