package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/efbackup/efbackup/backup"
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
			return runList(c, u, opts)
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
	Status    string `json:"status"`
	Problems  int    `json:"problems"`
	Recorded  string `json:"database_verdict"`
	ContentID string `json:"content_id,omitempty"`
}

type listOutput struct {
	Folder    string            `json:"folder"`
	Snapshots []listEntry       `json:"snapshots"`
	Partial   []string          `json:"partial_files"`
	LastRun   *lastScheduledRun `json:"last_scheduled_run,omitempty"`
}

func runList(c *cli.Context, u *ui, opts listOptions) error {
	dir := opts.Out
	if dir == "" {
		dir = os.Getenv("EFBACKUP_OUT")
	}
	if dir == "" {
		return u.usageErr("err.listneedsout")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return u.usageErr("err.nofolder", dir)
		}
		return err
	}
	out := listOutput{Folder: dir, Snapshots: []listEntry{}, Partial: []string{}}
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
		le := listEntry{Snapshot: p, Label: label, Time: t.Format("2006-01-02 15:04:05Z"), Recorded: "-", Version: "?"}
		if fi, err := e.Info(); err == nil {
			le.ArchiveBytes = fi.Size()
		}
		m, err := backup.ReadSidecar(p)
		if err == nil {
			le.Files, le.Bytes, le.Version, le.ContentID = m.Totals.Files, m.Totals.Bytes, m.EFakturVersion, m.ContentID
			if m.Checks != nil {
				le.Recorded = m.Checks.Verdict
			}
			le.Status = "unverified"
		} else {
			le.Status = "no-sidecar"
			if !os.IsNotExist(err) {
				u.warn(err.Error(), "")
			}
		}
		if !opts.NoVerify {
			progress, finish := u.progress(u.T("progress.verify", name), le.ArchiveBytes)
			rep, err := backup.VerifyArchive(c.Context, p, backup.ReadOptions{Progress: progress})
			finish()
			if err != nil {
				return err
			}
			if rep.Manifest != nil {
				m := rep.Manifest
				le.Files, le.Bytes, le.Version, le.ContentID = m.Totals.Files, m.Totals.Bytes, m.EFakturVersion, m.ContentID
				if m.Checks != nil {
					le.Recorded = m.Checks.Verdict
				}
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
	var lastRunLine string
	out.LastRun, lastRunLine = scheduledRunNote(u, dir)
	if err := u.result(out, func(w io.Writer) {
		if len(out.Snapshots) == 0 {
			fmt.Fprintln(w, u.T("list.none", dir))
		} else {
			tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, u.T("list.header"))
			for _, s := range out.Snapshots {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", s.Time, s.Label, s.Files, humanBytes(s.Bytes), humanBytes(s.ArchiveBytes),
					s.Version, u.T("status."+s.Status), u.lang.TData("verdict.", s.Recorded))
			}
			tw.Flush()
		}
		for _, p := range out.Partial {
			fmt.Fprintln(w, u.T("list.partial", p))
		}
		if lastRunLine != "" {
			fmt.Fprintln(w, lastRunLine)
		}
	}); err != nil {
		return err
	}
	if bad > 0 {
		if u.json {
			u.deferredExit = ExitIntegrity
			return nil
		}
		return &integrityFinding{msg: u.T("list.bad", bad), hint: u.T("hint.integrity")}
	}
	return nil
}
