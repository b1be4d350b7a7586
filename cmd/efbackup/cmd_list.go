package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/urfave/cli/v2"
)

type listOptions struct {
	Out      string
	NoVerify bool
}

func listCommand(u *ui) *cli.Command {
	var opts listOptions
	return &cli.Command{
		Name:      "list",
		Usage:     u.T("list.usage"),
		UsageText: "efbackup list [--out DIR] [--no-verify]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: u.T("flag.listout"), Destination: &opts.Out},
			&cli.BoolFlag{Name: "no-verify", Usage: u.T("flag.noverify"), Destination: &opts.NoVerify},
		},
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
	Snapshot     string `json:"snapshot"`
	Label        string `json:"label"`
	Time         string `json:"time"`
	Files        int    `json:"files"`
	Bytes        int64  `json:"bytes"`
	ArchiveBytes int64  `json:"archive_bytes"`
	Version      string `json:"efaktur_version"`
	// Status is "ok" (verified in full), "damaged" (verify found
	// problems), "unverified" (--no-verify) or "no-sidecar".
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
}

type listOutput struct {
	Folder    string            `json:"folder"`
	Snapshots []listEntry       `json:"snapshots"`
	Partial   []string          `json:"partial_files"`
	LastRun   *lastScheduledRun `json:"last_scheduled_run,omitempty"`
}

// runList lists the snapshots in a folder, each verified in full unless
// NoVerify. When one fails verification the result comes back with an
// *integrityFinding.
func runList(ctx context.Context, u *ui, opts listOptions) (*listOutput, error) {
	dir := opts.Out
	if dir == "" {
		dir = os.Getenv("EFBACKUP_OUT")
	}
	if dir == "" {
		return nil, u.usageErr("err.listneedsout")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, u.usageErr("err.nofolder", dir)
		}
		return nil, err
	}
	out := &listOutput{Folder: dir, Snapshots: []listEntry{}, Partial: []string{}}
	bad := 0
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, fsutil.PartialSuffix) {
			out.Partial = append(out.Partial, name)
			continue
		}
		label, t, ok := backup.ParseArchiveName(name)
		if !ok || e.IsDir() {
			continue
		}
		p := filepath.Join(dir, name)
		le := listEntry{Snapshot: p, Label: label, Time: t.Format("2006-01-02 15:04:05Z"), Recorded: "-", Version: "?",
			Checked: []string{}, State: string(engine.Unknown), Databases: []engine.Database{}}
		if fi, err := e.Info(); err == nil {
			le.ArchiveBytes = fi.Size()
		}
		m, err := backup.ReadSidecar(p)
		if err == nil {
			le.Files, le.Bytes, le.Version, le.ContentID = m.Totals.Files, m.Totals.Bytes, m.EFakturVersion, m.ContentID
			recordDatabases(&le, m, m.Databases)
			le.Status = "unverified"
		} else {
			le.Status = "no-sidecar"
			if !os.IsNotExist(err) {
				u.warn(err.Error(), "")
			}
		}
		if !opts.NoVerify {
			progress, finish := u.progress(u.T("progress.verify", name), le.ArchiveBytes)
			rep, err := backup.VerifyArchive(ctx, p, backup.ReadOptions{Engines: engines(), Progress: progress})
			finish()
			if err != nil {
				return nil, err
			}
			if rep.Manifest != nil {
				m := rep.Manifest
				le.Files, le.Bytes, le.Version, le.ContentID = m.Totals.Files, m.Totals.Bytes, m.EFakturVersion, m.ContentID
				dbs := rep.Databases
				if rep.OK() {
					dbs = withBytes(dbs)
				}
				recordDatabases(&le, m, dbs)
			}
			le.Problems = len(rep.Problems)
			le.Status = "ok"
			if !rep.OK() {
				le.Status = "damaged"
				bad++
			}
		}
		out.Snapshots = append(out.Snapshots, le)
	}
	sort.Slice(out.Snapshots, func(i, j int) bool {
		a, b := out.Snapshots[i], out.Snapshots[j]
		if a.Label != b.Label {
			return a.Label < b.Label
		}
		return a.Time < b.Time
	})
	out.LastRun = lastScheduled(dir)
	if bad > 0 {
		return out, &integrityFinding{msg: u.T("list.bad", bad), hint: u.T("hint.integrity")}
	}
	return out, nil
}

func printList(u *ui, out *listOutput) error {
	return u.result(out, func(w io.Writer) {
		if len(out.Snapshots) == 0 {
			fmt.Fprintln(w, u.T("list.none", out.Folder))
		} else {
			tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, u.T("list.header"))
			for _, s := range out.Snapshots {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Time, s.Label, s.Files, humanBytes(s.Bytes), humanBytes(s.ArchiveBytes),
					s.Version, u.lang.TData("status.", s.Status), listDBCell(u, s), u.lang.TData("state.short.", s.State), listProofCell(u, s.Proof))
			}
			tw.Flush()
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
func recordDatabases(le *listEntry, m *backup.Manifest, dbs []engine.Database) {
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
	le.Proof = readProof(le.Snapshot)
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
