package backup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/fsutil"
)

// ProofSuffix names the file beside a snapshot that records the newest
// proof of it by the real database engine (verify --deep). It describes the
// snapshot; it is not part of it, and goes with it when prune removes it.
const ProofSuffix = ".proof.json"

// ProofSchema identifies the layout of a proof file.
const ProofSchema = "efbackup.proof/1"

type proofFile struct {
	Schema string `json:"schema"`
	DeepRecord
}

// WriteProof records the engine's proof of archive beside it, atomically
// and owner-only. Only counts and hashes are recorded: no database content.
func WriteProof(archive string, r *DeepRecord) error {
	b, err := json.MarshalIndent(proofFile{Schema: ProofSchema, DeepRecord: *r}, "", "  ")
	if err != nil {
		return err
	}
	return fsutil.ReplaceFileAtomic(archive+ProofSuffix, append(b, '\n'), FilePerm)
}

// ReadProof reads the proof recorded beside archive. A missing file is
// fs.ErrNotExist; anything this release does not understand is an error.
func ReadProof(archive string) (*DeepRecord, error) {
	f, err := fsutil.OpenShared(archive + ProofSuffix)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxManifestBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxManifestBytes {
		return nil, fmt.Errorf("%s%s is larger than allowed", archive, ProofSuffix)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p proofFile
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s%s: %v", archive, ProofSuffix, err)
	}
	if p.Schema != ProofSchema {
		return nil, fmt.Errorf("%s%s: schema %q is not %q", archive, ProofSuffix, p.Schema, ProofSchema)
	}
	switch p.Verdict {
	case engine.OK, engine.Warning, engine.Damaged, engine.NotChecked:
	default:
		return nil, fmt.Errorf("%s%s: unknown verdict %q", archive, ProofSuffix, p.Verdict)
	}
	if p.Checked.IsZero() || p.Checked.After(time.Now().Add(24*time.Hour*365*100)) {
		return nil, fmt.Errorf("%s%s: no time", archive, ProofSuffix)
	}
	r := p.DeepRecord
	return &r, nil
}

// RemoveProof removes the proof recorded beside archive, if any.
func RemoveProof(archive string) error {
	err := os.Remove(archive + ProofSuffix)
	if os.IsNotExist(err) {
		return nil
	}
	return err
}
