package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/retention"
	"github.com/efbackup/efbackup/schedule"
)

// Two installs whose folders have the same name (D:\PT-Maju\eFaktur and
// D:\PT-Jaya\eFaktur) have the same default label. A label never says
// whose a snapshot or a schedule is: the install recorded with it does
// (the manifest's host and install folder, the schedule's record).

// installOfManifest describes the install a manifest records, for
// messages: "FOLDER on HOST".
func installOfManifest(u *ui, m *backup.Manifest) string {
	dir := m.Install
	if dir == "" {
		dir = filepath.Dir(m.Source)
	}
	return u.T("install.onhost", dir, m.Host)
}

// fromThisInstall reports whether m records the install folder root on
// this computer. A manifest that records no install (an old or a foreign
// one) is taken as this install's: nothing says otherwise.
func fromThisInstall(m *backup.Manifest, root string) bool {
	if m == nil || retention.InstallOf(m) == "" {
		return true
	}
	host, _ := os.Hostname()
	if retention.InstallOf(m) == retention.InstallOf(&backup.Manifest{Host: host, Install: root}) {
		return true
	}
	dir := m.Install
	if dir == "" {
		dir = filepath.Dir(m.Source)
	}
	// The same folder under another name on this computer: a link, a
	// mapped drive, another letter case.
	return strings.EqualFold(m.Host, host) && fsutil.SamePath(dir, root)
}

// otherInstallOfLabel returns the manifest of a snapshot of label in out
// taken of another install than root, or nil when there is none.
func otherInstallOfLabel(out, label, root string) *backup.Manifest {
	matches, _ := filepath.Glob(filepath.Join(out, globEscape(label)+"-*"+backup.ArchiveSuffix))
	for _, p := range matches {
		if l, _, ok := backup.ParseArchiveName(filepath.Base(p)); !ok || l != label {
			continue
		}
		m, err := backup.ReadSidecar(p)
		if err != nil || m.Label != label {
			continue
		}
		if !fromThisInstall(m, root) {
			return m
		}
	}
	return nil
}

// globEscape escapes the characters filepath.Match treats specially (a
// label holds none today; a later rule might allow them).
func globEscape(s string) string {
	r := strings.NewReplacer("*", `\*`, "?", `\?`, "[", `\[`)
	if filepath.Separator == '\\' {
		r = strings.NewReplacer("*", "[*]", "?", "[?]", "[", "[[]")
	}
	return r.Replace(s)
}

// sameScheduledInstall reports whether a schedule's record is of the
// install folder root (records are of this computer).
func sameScheduledInstall(s schedule.Spec, root string) bool {
	return fsutil.SamePath(s.Install, root) ||
		strings.EqualFold(filepath.Clean(s.Install), filepath.Clean(root))
}

// scheduleLabel is the label of the daily run of the install root into
// out, when no --label was given: the label of the install's schedule if
// it has one; else its plain label (its folder's name) unless another
// install's schedule or snapshots in out already use that, then a label
// made unique from the install's path. The second install's schedule
// never replaces the first's, and its runs never mix their snapshots.
func scheduleLabel(env schedule.Env, plain, root, out string) (label string, takenBy string, err error) {
	recs, err := env.Records()
	if err != nil {
		return "", "", err
	}
	for _, r := range recs {
		if sameScheduledInstall(r, root) {
			return r.Label, "", nil
		}
	}
	for _, r := range recs {
		if r.Label == plain {
			return schedule.UniqueLabel(plain, root), r.Install, nil
		}
	}
	if m := otherInstallOfLabel(out, plain, root); m != nil {
		dir := m.Install
		if dir == "" {
			dir = filepath.Dir(m.Source)
		}
		return schedule.UniqueLabel(plain, root), dir, nil
	}
	return plain, "", nil
}

// keyScheduleByInstall settles the label of the daily run s: without
// --label, the install's own (scheduleLabel), said when it is not the
// plain one; with --label, refused when it is another install's schedule.
func keyScheduleByInstall(u *ui, env schedule.Env, opts scheduleOptions, s *schedule.Spec) error {
	if opts.Label != "" {
		rec, err := env.Record(s.Label)
		if err == nil && rec != nil && !sameScheduledInstall(*rec, s.Install) {
			return &usageError{msg: u.T("schedule.labelother", s.Label, rec.Install), hint: u.T("hint.labelother")}
		}
		return nil
	}
	label, takenBy, err := scheduleLabel(env, s.Label, s.Install, s.Out)
	if err != nil {
		return err
	}
	if takenBy != "" {
		u.info("%s", u.T("schedule.labeltaken", s.Label, takenBy, label))
	}
	s.Label = label
	return nil
}

// installScheduleLabel is the label of the schedule of the install root,
// for schedule remove --install: the one its record names; without a
// record, the plain label unless that is recorded as another install's.
func installScheduleLabel(u *ui, env schedule.Env, root string) (string, error) {
	recs, err := env.Records()
	if err != nil {
		return "", err
	}
	for _, r := range recs {
		if sameScheduledInstall(r, root) {
			return r.Label, nil
		}
	}
	plain := backup.SafeLabel(filepath.Base(root))
	if rec, err := env.Record(plain); err == nil && rec != nil {
		return "", &usageError{msg: u.T("schedule.noneforinstall", root, plain, rec.Install), hint: u.T("hint.scheduleshow")}
	}
	return plain, nil
}

// acceptInstall lets a restore go on with a snapshot of manifest m into
// the install root: a snapshot of this install always; one of another
// install (same folder name, another folder or computer) only with
// --from-other-install when it would replace a db/, with a warning when
// the install has no db/ to lose (a new computer) or the flag was given.
func acceptInstall(u *ui, rep *restoreReport, m *backup.Manifest, root string, hasDB, allowed bool) error {
	if fromThisInstall(m, root) {
		return nil
	}
	if hasDB && !allowed {
		return &usageError{msg: u.T("restore.otherinstall", installOfManifest(u, m), root), hint: u.T("hint.otherinstall")}
	}
	w := u.T("restore.otherinstallok", installOfManifest(u, m))
	for _, have := range rep.Warnings {
		if have == w {
			return nil
		}
	}
	rep.Warnings = append(rep.Warnings, w)
	u.warn(w, "")
	return nil
}

// doctorScheduleLabel is the label doctor looks up the schedule and the
// scheduled runs of the install root by: its schedule's, when one is
// recorded; its plain label, unless that is recorded as another install's
// schedule, then the label its own would get (none is installed yet).
func doctorScheduleLabel(env schedule.Env, root, plain string) string {
	recs, _ := env.Records()
	for _, r := range recs {
		if sameScheduledInstall(r, root) {
			return r.Label
		}
	}
	for _, r := range recs {
		if r.Label == plain {
			return schedule.UniqueLabel(plain, root)
		}
	}
	return plain
}
