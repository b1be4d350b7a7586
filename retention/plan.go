package retention

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/local"
)

// Verification verdicts of a snapshot in a plan.
const (
	VerifiedOK         = "ok"               // read in full, intact, and its database checks passed
	VerifiedDamaged    = "damaged"          // the archive fails verification
	VerifiedDBDamage   = "database-damaged" // the archive is intact, but holds a database the checks found damaged
	VerifiedNotChecked = "not-checked"      // the archive is intact, but no check understood its databases
	NotVerified        = ""                 // not read: an older snapshot behind a good one
)

// Decision is what prune does with one snapshot, and why.
type Decision struct {
	*Snapshot
	Keep     bool             `json:"keep"`
	Reasons  []string         `json:"reasons"`
	Verified string           `json:"verified,omitempty"`
	Problems []backup.Problem `json:"problems,omitempty"`
	Removed  bool             `json:"removed"`
	Error    string           `json:"error,omitempty"`
	// FutureDated is set for a snapshot dated after now: a clock was
	// wrong when it was made, so it never counts as the newest.
	FutureDated bool `json:"future_dated,omitempty"`
}

// Group is the decisions for the snapshots of one install under one
// label, newest first. Two installs whose folders share a name share a
// default label; they are never one group, so that the runs of one never
// prune the other's snapshots.
type Group struct {
	Label string `json:"label"`
	// Install is the install folder the group's manifests record ("" when
	// they record none), and Host the computer.
	Install   string `json:"install,omitempty"`
	Host      string `json:"host,omitempty"`
	key       string
	Decisions []*Decision `json:"snapshots"`
	// NewestGood is the newest snapshot that passed verification, "" when
	// none did (and then nothing of the label is removed).
	NewestGood string `json:"newest_verified"`
}

// Plan is a prune's complete decision for a folder or bucket prefix.
type Plan struct {
	store   store.Store
	Dir     string    `json:"folder"`
	Policy  Policy    `json:"policy"`
	Groups  []*Group  `json:"labels"`
	Skipped []Skipped `json:"left_alone"`
	// Orphans are the unfinished uploads of efbackup's names that killed
	// runs had left in a bucket, and Prune aborted once it held the lock.
	Orphans []string `json:"orphans_removed,omitempty"`
	// Leftovers are what killed efbackup processes had left of their lock
	// files in the folder, and Prune removed when it took the lock. (An
	// unfinished snapshot is left to the next snapshot, which removes it;
	// prune lists it as SkipPartial.)
	Leftovers []fsutil.Leftover `json:"leftovers,omitempty"`
	// OrphanSidecars are the sidecars of encrypted snapshots that are
	// gone, which the prune removes (a killed snapshot or prune left them).
	OrphanSidecars []Orphan `json:"orphan_sidecars,omitempty"`
}

// PlanOptions tunes MakePlan.
type PlanOptions struct {
	Policy   Policy
	Location *time.Location   // for day/week/month/year buckets; nil means time.Local
	Now      func() time.Time // nil means time.Now
	// Read is passed to backup.VerifyArchive (the database checks).
	Read backup.ReadOptions
	// OnVerify, when set, is called before each full read.
	OnVerify func(path string)
	// Labels, when not empty, limits the plan to these labels.
	Labels []string
	// Install, when set, limits the plan to the snapshots of this install
	// folder taken on Host ("": this computer): a scheduled run prunes only
	// its own install's snapshots.
	Install, Host string
}

// MakePlan scans dir and decides, label by label, what to keep:
//  1. archives without a usable sidecar are read in full; one is ours only
//     when its embedded manifest gives its exact file name;
//  2. the rules of opts.Policy run over each label's snapshots;
//  3. the snapshots of each label are verified newest first until one
//     passes, and that one is kept whatever the rules say: it must be
//     intact, and its database checks must have passed, both as recorded
//     when it was made and as read now (a snapshot of a database the
//     checks found damaged, or that no check understood, does not pass);
//  4. when none passes, every snapshot of the label is kept.
//
// Files that are not provably efbackup snapshots are listed in Skipped and
// never in a decision. MakePlan reads only; it changes nothing.
func MakePlan(ctx context.Context, dir string, opts PlanOptions) (*Plan, error) {
	return PlanStore(ctx, local.New(dir), opts)
}

// PlanStore is MakePlan for any store. In a bucket with Object Lock, a
// snapshot the rules would remove but whose retention has not passed is
// kept (ReasonLocked, with LockedUntil): prune never tries to remove it.
func PlanStore(ctx context.Context, st store.Store, opts PlanOptions) (*Plan, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	f, err := ScanStore(ctx, st)
	if err != nil {
		return nil, err
	}
	wanted := func(label string) bool {
		if len(opts.Labels) == 0 {
			return true
		}
		for _, l := range opts.Labels {
			if l == label {
				return true
			}
		}
		return false
	}
	verify := func(s *Snapshot) error {
		if s.report != nil {
			return nil
		}
		if opts.OnVerify != nil {
			opts.OnVerify(s.Path)
		}
		rep, err := backup.VerifySource(ctx, backup.StoreSource(st, s.Name), opts.Read)
		if err != nil {
			return err
		}
		s.report = rep
		return nil
	}
	for _, s := range f.Unproven {
		if !wanted(s.Label) {
			continue
		}
		if err := verify(s); err != nil {
			var ke *backup.KeyError
			if !errors.As(err, &ke) {
				return nil, err
			}
			// Encrypted, and its sidecar is gone: without the key nothing
			// shows that it is an efbackup snapshot, so it stays.
			f.Skipped = append(f.Skipped, Skipped{Path: s.Path, Reason: SkipNoManifest,
				Detail: "encrypted, and its sidecar is missing: only its key can show what it holds"})
			continue
		}
		var m *backup.Manifest
		if s.report.ManifestBytes != nil {
			m, _ = backup.ParseManifest(s.report.ManifestBytes)
		}
		if m == nil {
			f.Skipped = append(f.Skipped, Skipped{Path: s.Path, Reason: SkipNoManifest,
				Detail: "neither the sidecar nor the archive holds a readable manifest"})
			continue
		}
		if reason := mismatch(m, s.Name); reason != "" {
			f.Skipped = append(f.Skipped, Skipped{Path: s.Path, Reason: SkipNameMismatch, Detail: reason})
			continue
		}
		s.Manifest = m
		f.Snapshots = append(f.Snapshots, s)
	}
	f.Unproven = nil
	f.sort()

	plan := &Plan{Dir: f.Dir, Policy: opts.Policy, Groups: []*Group{}, Skipped: f.Skipped, store: st}
	if plan.Skipped == nil {
		plan.Skipped = []Skipped{}
	}
	now := opts.Now()
	only := ""
	if opts.Install != "" {
		host := opts.Host
		if host == "" {
			host, _ = os.Hostname()
		}
		only = InstallOf(&backup.Manifest{Host: host, Install: opts.Install})
	}
	for _, o := range f.Orphans {
		if wanted(o.Label) && (only == "" || InstallOf(o.Manifest) == only) {
			plan.OrphanSidecars = append(plan.OrphanSidecars, o)
		}
	}
	for _, label := range f.Labels() {
		if !wanted(label) {
			continue
		}
		var groups []*Group
		byKey := map[string]*Group{}
		for _, s := range f.Snapshots {
			if s.Label != label {
				continue
			}
			key := InstallOf(s.Manifest)
			if only != "" && key != only {
				continue
			}
			g := byKey[key]
			if g == nil {
				g = &Group{Label: label, key: key}
				if s.Manifest != nil {
					g.Install, g.Host = s.Manifest.Install, s.Manifest.Host
				}
				byKey[key] = g
				groups = append(groups, g)
			}
			g.Decisions = append(g.Decisions, &Decision{Snapshot: s})
		}
		for _, g := range groups {
			if err := decide(g, opts, now, verify); err != nil {
				return nil, err
			}
			plan.Groups = append(plan.Groups, g)
		}
	}
	if err := plan.keepLocked(ctx, now); err != nil {
		return nil, err
	}
	return plan, nil
}

// keepLocked asks the store for the retention of every snapshot the plan
// would remove (its archive, and its sidecar, which is written under the
// same retention) and keeps those whose retention has not passed.
func (p *Plan) keepLocked(ctx context.Context, now time.Time) error {
	for _, d := range p.ToRemove() {
		var until time.Time
		for _, name := range []string{d.Name, d.Name + backup.SidecarSuffix} {
			r, err := p.store.Retention(ctx, name)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if r.Active(now) && r.Until.After(until) {
				until = r.Until
			}
		}
		if !until.IsZero() {
			d.Keep = true
			d.Reasons = append(d.Reasons, ReasonLocked)
			d.LockedUntil = &until
		}
	}
	return nil
}

// decide applies the rules and the newest-verified guarantee to a group.
func decide(g *Group, opts PlanOptions, now time.Time, verify func(*Snapshot) error) error {
	var items []Item
	for _, d := range g.Decisions {
		items = append(items, Item{Time: d.Time})
	}
	for i, v := range Apply(items, opts.Policy, opts.Location, now) {
		g.Decisions[i].Keep, g.Decisions[i].Reasons = v.Keep, append([]string{}, v.Reasons...)
	}
	// Newest first, the correctly dated ones before any dated in the
	// future, which cannot be placed in time.
	var candidates, future []*Decision
	for _, d := range g.Decisions {
		d.FutureDated = FutureDated(d.Time, now)
		if d.FutureDated {
			future = append(future, d)
		} else {
			candidates = append(candidates, d)
		}
	}
	for _, d := range append(candidates, future...) {
		if err := verify(d.Snapshot); err != nil {
			return err
		}
		d.Problems = d.report.Problems
		d.Verified = Judge(d.Manifest, d.report)
		if d.Verified == VerifiedOK {
			g.NewestGood = d.Path
			d.Keep = true
			d.Reasons = append(d.Reasons, ReasonNewestGood)
			break
		}
	}
	if g.NewestGood == "" {
		for _, d := range g.Decisions {
			d.Keep = true
			d.Reasons = append(d.Reasons, ReasonNoneVerified)
		}
	}
	return nil
}

// Judge decides whether a snapshot passes: intact, and its databases
// checked and found sound, both as recorded when it was made and as its
// bytes read now.
func Judge(m *backup.Manifest, rep *backup.VerifyReport) string {
	if m == nil {
		return VerifiedDamaged
	}
	intact := true
	for _, p := range rep.Problems {
		if p.Kind != backup.ProblemDatabaseDamaged {
			intact = false
		}
	}
	switch {
	case !intact:
		return VerifiedDamaged
	case !rep.OK(), m.Checks != nil && m.Checks.Verdict == string(engine.Damaged):
		return VerifiedDBDamage
	case m.Checks == nil || m.Checks.Verdict == string(engine.NotChecked):
		return VerifiedNotChecked
	}
	// A reader with engines judged the bytes again; one without leaves
	// every folder unrecognised, and then the recorded verdict stands.
	s := engine.Summarise(rep.Databases)
	if s.OK+s.Warning+s.Damaged > 0 && s.Verdict == engine.NotChecked {
		return VerifiedNotChecked
	}
	return VerifiedOK
}

// ToRemove lists the snapshots the plan removes.
func (p *Plan) ToRemove() []*Decision {
	var out []*Decision
	for _, g := range p.Groups {
		for _, d := range g.Decisions {
			if !d.Keep {
				out = append(out, d)
			}
		}
	}
	return out
}

// Execute removes what the plan says, each snapshot's sidecar first and
// then its archive: a crash in between leaves an archive without sidecar,
// which the next prune recognises by its embedded manifest and removes,
// never a sidecar that looks like a snapshot that is not there. An
// encrypted snapshot goes the other way round (its embedded manifest takes
// the key to read), and the orphan sidecar a crash may leave is removed by
// the next prune, as the plan's OrphanSidecars are by this one. A file that
// changed since the scan is kept. It returns the first error; every
// decision records its own outcome.
func (p *Plan) Execute() error { return p.execute(context.Background(), func(string) {}) }

// execute is Execute with the test hook: "prune-sidecar-removed" between a
// snapshot's sidecar and its archive ("prune-archive-removed" between an
// encrypted snapshot's archive and its sidecar), "prune-snapshot-removed"
// after each snapshot. When ctx ends (Ctrl-C), it stops between two
// snapshots: those not yet removed are kept (ReasonInterrupted), and it
// returns ctx's error. A snapshot whose removal began is removed whole.
func (p *Plan) execute(ctx context.Context, hook func(point string)) error {
	var first error
	for i := range p.OrphanSidecars {
		o := &p.OrphanSidecars[i]
		if err := p.store.Remove(ctx, o.Name); err != nil && !errors.Is(err, store.ErrNotFound) {
			if first == nil {
				first = err
			}
			continue
		}
		o.Removed = true
	}
	for _, d := range p.ToRemove() {
		if err := ctx.Err(); err != nil {
			d.Keep = true
			d.Reasons = append(d.Reasons, ReasonInterrupted)
			first = err
			continue
		}
		if err := removeSnapshot(context.WithoutCancel(ctx), p.store, d.Snapshot, hook); err != nil {
			d.Keep = true
			var re *store.RetainedError
			if errors.As(err, &re) {
				// Locked since the plan looked; nothing was removed.
				d.Reasons = append(d.Reasons, ReasonLocked)
				until := re.Retention.Until
				d.LockedUntil = &until
				continue
			}
			d.Error = err.Error()
			if errors.Is(err, errChanged) {
				d.Reasons = append(d.Reasons, ReasonChangedOnDisk)
			} else {
				d.Reasons = append(d.Reasons, ReasonRemoveFailed)
			}
			if first == nil {
				first = err
			}
			continue
		}
		d.Removed = true
		hook("prune-snapshot-removed")
	}
	return first
}

var errChanged = errors.New("changed since it was checked")

func removeSnapshot(ctx context.Context, st store.Store, s *Snapshot, hook func(string)) error {
	now, err := st.Stat(ctx, s.Name)
	if err != nil {
		return err
	}
	if now.Size != s.entry.Size || !now.ModTime.Equal(s.entry.ModTime) || now.VersionID != s.entry.VersionID {
		return fmt.Errorf("%s %w", s.Path, errChanged)
	}
	// A retention set since the plan looked: refuse before removing
	// anything (the store refuses too, object by object).
	if now.Retention.Active(time.Now()) {
		return &store.RetainedError{Where: store.Location(st), Name: s.Name, Retention: now.Retention}
	}
	// The engine's proof goes first: it describes the snapshot, and is
	// worthless without it. Then the sidecar, then the archive: a run
	// stopped in between leaves an archive the next prune recognises by
	// its embedded manifest.
	if err := st.Remove(ctx, s.Name+backup.ProofSuffix); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if backup.IsEncrypted(s.Name) {
		// The archive first: without its sidecar an encrypted archive
		// could not be told from a file that is not ours without its key,
		// while a sidecar left without its archive is an orphan the next
		// prune recognises and removes.
		if err := st.Remove(ctx, s.Name); err != nil {
			return err
		}
		hook("prune-archive-removed")
		if err := st.Remove(ctx, s.Name+backup.SidecarSuffix); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return nil
	}
	if err := st.Remove(ctx, s.Name+backup.SidecarSuffix); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	hook("prune-sidecar-removed")
	return st.Remove(ctx, s.Name)
}

// PruneOptions tunes Prune.
type PruneOptions struct {
	PlanOptions
	DryRun bool
	Lock   store.LockOptions
	// Hook, when set, is called at named points; tests stop the process
	// there: "prune-locked" (the lock is held, nothing read yet),
	// "prune-before-remove" (the plan is made), for each snapshot removed
	// "prune-sidecar-removed" (its sidecar is gone, its archive not yet;
	// for an encrypted one "prune-archive-removed", the other way round)
	// and "prune-snapshot-removed", and "prune-removed" (all removed, the
	// lock not yet released).
	Hook func(point string)
}

// Prune plans and, unless DryRun, removes, all while holding the folder
// lock, so that no snapshot or other prune runs meanwhile. A dry run takes
// no lock and writes nothing. takenOver is the stale lock it replaced, if
// any.
func Prune(ctx context.Context, dir string, opts PruneOptions) (plan *Plan, takenOver *store.LockInfo, err error) {
	return PruneStore(ctx, local.New(dir), opts)
}

// PruneStore is Prune for any store, under the store's lock. Holding it
// in a bucket, it also aborts the unfinished uploads of efbackup's names
// that killed runs left (Plan.Orphans).
func PruneStore(ctx context.Context, st store.Store, opts PruneOptions) (plan *Plan, takenOver *store.LockInfo, err error) {
	hook := opts.Hook
	if hook == nil {
		hook = func(string) {}
	}
	var (
		left    []fsutil.Leftover
		orphans []string
	)
	if !opts.DryRun {
		if opts.Lock.Command == "" {
			opts.Lock.Command = "prune"
		}
		l, err := st.Lock(ctx, opts.Lock)
		if err != nil {
			return nil, nil, err
		}
		takenOver = l.TakenOver()
		defer func() {
			if rerr := l.Release(); rerr != nil && err == nil {
				err = rerr
			}
		}()
		hook("prune-locked")
		if lo, ok := l.(interface{ Leftovers() []fsutil.Leftover }); ok {
			left = lo.Leftovers()
		}
		if _, ok := st.(*local.Store); !ok {
			// An unfinished upload costs money and shows in no listing:
			// the run that holds the lock aborts it. (A folder's .partial
			// files are left to the next snapshot, which says so.)
			if orphans, err = st.CleanupOrphans(ctx, OursName); err != nil {
				return nil, takenOver, err
			}
		}
	}
	plan, err = PlanStore(ctx, st, opts.PlanOptions)
	if err != nil {
		return nil, takenOver, err
	}
	plan.Leftovers, plan.Orphans = left, orphans
	if opts.DryRun {
		return plan, nil, nil
	}
	if err := ctx.Err(); err != nil {
		return plan, takenOver, err
	}
	hook("prune-before-remove")
	err = plan.execute(ctx, hook)
	hook("prune-removed")
	return plan, takenOver, err
}

// OursName reports whether name is one efbackup writes into a snapshot
// store: an archive, or its sidecar or proof.
func OursName(name string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(name, backup.SidecarSuffix), backup.ProofSuffix)
	_, _, ok := backup.ParseArchiveName(base)
	return ok
}
