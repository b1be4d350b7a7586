package retention

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/folderlock"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/local"
)

// Names of efbackup's own bookkeeping files in a snapshot folder. They are
// neither snapshots nor foreign files.
var stateFiles = map[string]bool{
	folderlock.Name:               true,
	folderlock.Name + ".takeover": true,
	"efbackup-runs.log":           true,
}

// Why a file in the folder is left alone.
const (
	SkipForeign       = "not-efbackup"      // not named like an efbackup snapshot
	SkipNoManifest    = "no-manifest"       // named like one, but neither sidecar nor embedded manifest can be read
	SkipNameMismatch  = "manifest-mismatch" // the manifest's label or time does not give this file name
	SkipPartial       = "partial"           // a snapshot being written, or left by a crash
	SkipSidecarOrphan = "sidecar-without-archive"
	SkipFolder        = "folder"
)

// Snapshot is one efbackup snapshot found in a store: a name efbackup
// writes and a manifest that gives that very name.
type Snapshot struct {
	// Path is where it is: a file path, or s3://bucket/prefix/NAME.
	Path     string           `json:"path"`
	Name     string           `json:"name"`
	Label    string           `json:"label"`
	Time     time.Time        `json:"time"`
	Size     int64            `json:"archive_bytes"`
	Manifest *backup.Manifest `json:"-"`
	// Sidecar says whether the manifest came from the sidecar (false: from
	// inside the archive, which took a full read).
	Sidecar bool `json:"sidecar"`
	// Tamper is set when a versioned bucket holds more than the version
	// efbackup wrote: someone deleted or overwrote the name since. The
	// snapshot is still read at the version efbackup wrote.
	Tamper *store.Tamper `json:"tampered,omitempty"`
	// LockedUntil is set when an Object Lock retention forbids removing
	// the snapshot before then; prune keeps it (ReasonLocked).
	LockedUntil *time.Time `json:"locked_until,omitempty"`
	// Retention is the archive's retention as listed (ScanWithRetention).
	Retention *store.Retention `json:"retention,omitempty"`
	// SidecarErr is why a sidecar that is there could not be used (a
	// value this release does not know, damage); the snapshot is then
	// Unproven.
	SidecarErr error       `json:"-"`
	entry      store.Entry // as listed, to notice a replacement before removal
	report     *backup.VerifyReport
}

// Report is the verification of the snapshot, when a plan read it.
func (s *Snapshot) Report() *backup.VerifyReport { return s.report }

// Skipped is a file prune leaves alone, with the reason.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

// Folder is what a scan of a snapshot folder or bucket prefix found.
type Folder struct {
	Dir       string
	Store     store.Store `json:"-"`
	Snapshots []*Snapshot // newest first
	Skipped   []Skipped
	// Unproven are archives named like snapshots whose sidecar is missing
	// or unreadable: only a full read can tell whether they are ours (Plan
	// reads them; list shows them as such).
	Unproven []*Snapshot
	// Mismatched are archives whose sidecar names another snapshot (also
	// listed in Skipped, with SkipNameMismatch).
	Mismatched []*Snapshot
	// Orphans are sidecars of encrypted snapshots whose archive is gone
	// (backup.OrphanSidecar): what a killed snapshot or prune leaves. They
	// describe nothing, and a prune removes them.
	Orphans []Orphan
}

// Orphan is the sidecar of an encrypted snapshot that is not there.
type Orphan struct {
	Path     string           `json:"path"`
	Name     string           `json:"-"` // its name in the store
	Label    string           `json:"label"`
	Manifest *backup.Manifest `json:"-"`
	Removed  bool             `json:"removed"`
}

// Scan lists the folder dir (ScanStore).
func Scan(dir string) (*Folder, error) {
	return ScanStore(context.Background(), local.New(dir))
}

// ScanStore lists a store. It reads sidecars only; archives without a
// usable sidecar are set aside for Plan, which reads them in full.
func ScanStore(ctx context.Context, st store.Store) (*Folder, error) {
	return scan(ctx, st, store.ListOptions{})
}

// ScanWithRetention is ScanStore that also asks for each snapshot's
// Object Lock retention (one request per object in a bucket).
func ScanWithRetention(ctx context.Context, st store.Store) (*Folder, error) {
	return scan(ctx, st, store.ListOptions{Retention: true})
}

func scan(ctx context.Context, st store.Store, lo store.ListOptions) (*Folder, error) {
	entries, err := st.List(ctx, lo)
	if err != nil {
		return nil, err
	}
	f := &Folder{Dir: store.Location(st), Store: st}
	names := map[string]bool{}
	archives := map[string]bool{}
	for _, e := range entries {
		names[e.Name] = true
		if _, _, ok := backup.ParseArchiveName(e.Name); ok {
			archives[e.Name] = true
		}
	}
	for _, e := range entries {
		name := e.Name
		p := store.Path(st, name)
		switch {
		case stateFiles[name]:
			continue
		case strings.HasSuffix(name, fsutil.PartialSuffix):
			f.Skipped = append(f.Skipped, Skipped{Path: p, Reason: SkipPartial})
			continue
		case strings.HasSuffix(name, backup.SidecarSuffix):
			archive := strings.TrimSuffix(name, backup.SidecarSuffix)
			if archives[archive] {
				continue // travels with its archive
			}
			if backup.IsEncrypted(archive) {
				if _, _, ok := backup.ParseArchiveName(archive); ok {
					// The sidecar of an encrypted snapshot that never got
					// its name, or whose archive a prune removed first.
					m, err := backup.ReadSidecarFrom(ctx, st, archive)
					if err != nil && remote(err) {
						return nil, err
					}
					if err == nil && m.Encryption != nil && backup.ArchiveName(m.Label, m.Created)+backup.EncryptedSuffix == archive {
						f.Orphans = append(f.Orphans, Orphan{Path: p, Name: name, Label: m.Label, Manifest: m})
						continue
					}
				}
			}
			f.Skipped = append(f.Skipped, Skipped{Path: p, Reason: SkipSidecarOrphan})
			continue
		case strings.HasSuffix(name, backup.ProofSuffix):
			if archives[strings.TrimSuffix(name, backup.ProofSuffix)] {
				continue // travels with its archive
			}
			f.Skipped = append(f.Skipped, Skipped{Path: p, Reason: SkipSidecarOrphan})
			continue
		}
		label, t, ok := backup.ParseArchiveName(name)
		if !ok {
			f.Skipped = append(f.Skipped, Skipped{Path: p, Reason: SkipForeign})
			continue
		}
		s := &Snapshot{Path: p, Name: name, Label: label, Time: t, Size: e.Size, Tamper: e.Tamper, entry: e}
		if r := e.Retention; r.Mode != "" {
			s.Retention = &r
		}
		if !names[name+backup.SidecarSuffix] {
			f.Unproven = append(f.Unproven, s)
			continue
		}
		m, err := backup.ReadSidecarFrom(ctx, st, name)
		if err != nil {
			if remote(err) {
				return nil, err
			}
			s.SidecarErr = err
			f.Unproven = append(f.Unproven, s)
			continue
		}
		if reason := mismatch(m, name); reason != "" {
			f.Skipped = append(f.Skipped, Skipped{Path: p, Reason: SkipNameMismatch, Detail: reason})
			f.Mismatched = append(f.Mismatched, s)
			continue
		}
		s.Manifest, s.Sidecar = m, true
		f.Snapshots = append(f.Snapshots, s)
	}
	// What is being written, or was left by a killed writer, and what lies
	// one level below: never snapshots, always left alone.
	pending, err := st.Pending(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range pending {
		path := store.Path(st, p.Name)
		if _, ok := st.(*local.Store); ok {
			path = store.Path(st, p.ID) // the .partial file itself
		}
		f.Skipped = append(f.Skipped, Skipped{Path: path, Reason: SkipPartial})
	}
	subs, err := st.ListPrefixes(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range subs {
		f.Skipped = append(f.Skipped, Skipped{Path: store.Path(st, d), Reason: SkipFolder})
	}
	f.sort()
	return f, nil
}

// remote reports whether err is an object store's failure (the network,
// the credentials): it says nothing about the snapshot, and ends a scan.
func remote(err error) bool {
	k := store.KindOf(err)
	return k != "" && k != store.KindLocal && !errors.Is(err, store.ErrNotFound)
}

func (f *Folder) sort() {
	sort.SliceStable(f.Snapshots, func(i, j int) bool {
		if !f.Snapshots[i].Time.Equal(f.Snapshots[j].Time) {
			return f.Snapshots[i].Time.After(f.Snapshots[j].Time)
		}
		return f.Snapshots[i].Name < f.Snapshots[j].Name
	})
	sort.Slice(f.Skipped, func(i, j int) bool { return f.Skipped[i].Path < f.Skipped[j].Path })
}

// mismatch says why m cannot be the manifest of the archive called name,
// or "" when it is.
func mismatch(m *backup.Manifest, name string) string {
	want := backup.ArchiveName(m.Label, m.Created)
	if m.Encryption != nil {
		want += backup.EncryptedSuffix
	}
	if want != name {
		return fmt.Sprintf("its manifest (label %q, made %s) belongs to %s", m.Label, m.Created.UTC().Format(time.RFC3339), want)
	}
	return ""
}

// Labels lists the labels of the snapshots, sorted.
// InstallOf names the install a snapshot was taken of: the computer and
// the install folder its manifest records (the folder holding db/ when it
// was taken with --db). Two installs whose folders share a name (and so a
// default label) have different InstallOf; "" when the manifest says
// nothing.
func InstallOf(m *backup.Manifest) string {
	if m == nil {
		return ""
	}
	dir := m.Install
	if dir == "" && m.Source != "" {
		dir = parentOf(m.Source)
	}
	if dir == "" {
		return ""
	}
	return strings.ToLower(m.Host) + "|" + foldPath(dir)
}

// parentOf is the folder holding p, for either kind of separator: a
// manifest written on Windows is read on Linux too.
func parentOf(p string) string {
	p = strings.TrimRight(p, `/\`)
	if i := strings.LastIndexAny(p, `/\`); i > 0 {
		return p[:i]
	}
	return p
}

// foldPath normalises a recorded install path for comparison: separators
// and trailing separators alike, and case folded, because the two systems
// where e-Faktur runs by far the most (Windows, macOS) ignore case.
func foldPath(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	return strings.ToLower(strings.TrimRight(p, "/"))
}

// Labels lists the labels of the folder's snapshots, sorted.
func (f *Folder) Labels() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range f.Snapshots {
		if !seen[s.Label] {
			seen[s.Label] = true
			out = append(out, s.Label)
		}
	}
	sort.Strings(out)
	return out
}

// NewestOfLabel returns the newest snapshot of label in dir whose sidecar
// proves it is efbackup's, with that manifest. It reads sidecars only and
// does not verify the archive. No snapshot: "", nil, nil.
func NewestOfLabel(dir, label string) (path string, m *backup.Manifest, err error) {
	s, err := NewestOfLabelIn(context.Background(), local.New(dir), label)
	if s == nil || err != nil {
		return "", nil, err
	}
	return s.Path, s.Manifest, nil
}

// NewestOfLabelIn is NewestOfLabel for any store; nil when there is none.
func NewestOfLabelIn(ctx context.Context, st store.Store, label string) (*Snapshot, error) {
	f, err := ScanStore(ctx, st)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, s := range f.Snapshots {
		if s.Label == label {
			return s, nil
		}
	}
	return nil, nil
}

// Unchanged reports whether db holds exactly what the newest snapshot of
// label in outDir holds (UnchangedIn).
func Unchanged(ctx context.Context, db, outDir, label string, engines engine.Set) (unchanged bool, newest string, err error) {
	return UnchangedIn(ctx, db, local.New(outDir), label, engines)
}

// UnchangedIn reports whether db holds exactly what the newest snapshot of
// label in st holds: the same files with the same bytes (content_id,
// computed from SHA-256 of every file, not from times). It then verifies
// that snapshot in full: a damaged newest snapshot is no reason to skip.
// A live database the checks find damaged is never "unchanged" either, so
// that the snapshot runs and reports it.
//
// This reads db/ once in full; a snapshot taken afterwards reads it again.
// The newest snapshot of the label being encrypted, db/ is never found
// unchanged.
func UnchangedIn(ctx context.Context, db string, st store.Store, label string, engines engine.Set) (unchanged bool, newest string, err error) {
	s, err := NewestOfLabelIn(ctx, st, label)
	if err != nil || s == nil {
		return false, "", err
	}
	newest = s.Path
	if s.Manifest.Encryption != nil {
		// Its sidecar holds no content id, on purpose: nothing tells,
		// without the key, what the snapshot holds.
		return false, newest, nil
	}
	rep, err := backup.HashFolder(ctx, db, backup.FolderOptions{Engines: engines})
	if err != nil {
		return false, newest, err
	}
	for _, d := range rep.Databases {
		if d.Verdict == engine.Damaged {
			return false, newest, nil
		}
	}
	if backup.ComputeContentID(rep.Files) != s.Manifest.ContentID {
		return false, newest, nil
	}
	vr, err := backup.VerifySource(ctx, backup.StoreSource(st, s.Name), backup.ReadOptions{})
	if err != nil {
		return false, newest, err
	}
	return vr.OK(), newest, nil
}
