package migrate

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/fsutil"
)

var stepOrder = map[string]int{
	StepPreflight: 0, StepSnapshotSource: 1, StepSnapshotTarget: 2, StepStage: 3,
	StepSwap: 4, StepPostCheck: 5, StepReport: 6, StepUndo: 7,
}

// ReportSchema identifies the report layout.
const ReportSchema = "efbackup.migrate-report/1"

// Report is what a finished migration writes into the target install,
// as JSON and as text, and what the command prints.
type Report struct {
	Schema      string      `json:"schema"`
	ToolVersion string      `json:"tool_version"`
	ID          string      `json:"id"`
	Started     time.Time   `json:"started"`
	Finished    time.Time   `json:"finished"`
	From        string      `json:"from"`
	To          string      `json:"to"`
	Source      InstallInfo `json:"source"`
	Target      InstallInfo `json:"target"`
	// SourceContentID identifies the source's content as the safety
	// snapshot read it; the target's db/ now holds exactly this.
	SourceContentID string `json:"source_content_id"`
	// TargetContentID identifies the target's original db/, when it had one.
	TargetContentID string                `json:"target_content_id,omitempty"`
	Snapshots       []SnapshotRecord      `json:"snapshots"`
	SnapshotDir     string                `json:"snapshot_dir"`
	MovedAside      string                `json:"moved_aside,omitempty"`
	SwapMethod      string                `json:"swap_method"`
	Checks          *backup.ChecksSummary `json:"checks,omitempty"`
	// Databases are the databases moved, with their state and versions as
	// the source's safety snapshot recorded them.
	Databases []engine.Database `json:"databases"`
	Steps     []StepRecord      `json:"steps"`
	Attempts  int               `json:"attempts"`
	Warnings  []Warning         `json:"warnings,omitempty"`
	NextSteps []string          `json:"next_steps"`
	Reports   []string          `json:"reports"`
}

func (r *run) buildReport() *Report {
	j, p := r.j, r.plan
	rep := &Report{
		Schema:      ReportSchema,
		ToolVersion: r.opt.ToolVersion,
		ID:          j.ID,
		Finished:    r.opt.Now().UTC(),
		From:        j.From,
		To:          j.To,
		Source:      p.Source,
		Target:      p.Target,
		Snapshots:   j.Snapshots,
		SnapshotDir: j.SnapshotDir,
		SwapMethod:  j.SwapMethod,
		Checks:      r.checks,
		Attempts:    j.Attempts,
		Warnings:    p.Warnings,
		Reports:     j.reportPaths(),
	}
	rep.Target.HasDB = j.TargetHadDB
	if j.Manifest != nil {
		rep.SourceContentID = j.Manifest.ContentID
	}
	rep.Databases = []engine.Database{}
	for _, sr := range j.Snapshots {
		if sr.Kind != "source" {
			continue
		}
		if m, err := backup.ReadSidecar(sr.Path); err == nil {
			rep.Databases = m.Databases
		}
	}
	if j.TargetManifest != nil {
		rep.TargetContentID = j.TargetManifest.ContentID
		rep.Target.Files, rep.Target.Bytes = len(j.TargetManifest.Files), j.TargetManifest.Bytes
	}
	if j.TargetHadDB {
		rep.MovedAside = j.path(j.Aside)
	}
	if len(j.Steps) > 0 {
		rep.Started = j.Steps[0].Started
	}
	for _, s := range j.Steps {
		if s.Name != StepReport {
			rep.Steps = append(rep.Steps, s)
		}
	}
	// Some steps run side by side; the report lists them in the order of
	// the procedure, attempt by attempt.
	sort.SliceStable(rep.Steps, func(a, b int) bool {
		x, y := rep.Steps[a], rep.Steps[b]
		if x.Attempt != y.Attempt {
			return x.Attempt < y.Attempt
		}
		return stepOrder[x.Name] < stepOrder[y.Name]
	})
	if r.opt.NextSteps != nil {
		rep.NextSteps = r.opt.NextSteps(rep)
	}
	return rep
}

// writeReport writes the JSON and the text report, owner-only. A report
// left by a killed earlier attempt of the same migration (the journal
// names it) is replaced.
func (r *run) writeReport(rep *Report) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	var text []byte
	if r.opt.ReportText != nil {
		text = r.opt.ReportText(rep)
	}
	for i, p := range r.j.reportPaths() {
		data := b
		if i == 1 {
			if text == nil {
				continue
			}
			data = text
		}
		for _, old := range []string{p + fsutil.PartialSuffix, p} {
			if err := os.Remove(old); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		if err := fsutil.WriteFileAtomic(p, data, backup.FilePerm); err != nil {
			return err
		}
	}
	return fsutil.SyncDir(filepath.Dir(r.j.path(r.j.Reports[0])))
}

// readReport reads the JSON report of a finished migration, or returns nil.
func readReport(paths []string) *Report {
	if len(paths) == 0 {
		return nil
	}
	b, err := os.ReadFile(paths[0])
	if err != nil || len(b) > 16<<20 {
		return nil
	}
	var rep Report
	if json.Unmarshal(b, &rep) != nil || rep.Schema != ReportSchema {
		return nil
	}
	return &rep
}
