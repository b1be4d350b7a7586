package migrate

import (
	"strconv"
	"strings"

	"github.com/efbackup/efbackup/install"
)

// Transition is one supported move of db/ from an install of version From
// into an install of version To. From may end in ".x": any minor version of
// that major.
type Transition struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Transitions is the one table of supported migrations. docs/migration.md
// shows the same table; a test keeps the two in step.
//
// Only upgrades DJP documents are here: a database goes forward one minor
// version at a time within 3.x, and any 3.x database goes to 4.0, whose
// updater (ETaxInvoiceUpd) converts it. Nothing goes backwards: an older
// e-Faktur cannot open a database a newer one has upgraded.
var Transitions = []Transition{
	{From: "3.0", To: "3.1"},
	{From: "3.1", To: "3.2"},
	{From: "3.2", To: "4.0"},
	{From: "3.x", To: "4.0"},
}

// VersionError is a version problem found before anything is touched: an
// unknown version, a downgrade, an unsupported step, or detection that
// contradicts what the command line states. The command maps it to exit
// code 2.
type VersionError struct {
	// Kind is one of VersionUnknown, VersionDowngrade, VersionSame,
	// VersionUnsupported, VersionContradicted.
	Kind string
	From string // as stated
	To   string // as stated
	// For VersionUnknown and VersionContradicted: which side ("source" or
	// "target"), the stated version and, when contradicted, what
	// detection found and where.
	Side     string
	Stated   string
	Detected string
	Marker   string
	Install  string
}

// VersionError kinds.
const (
	VersionUnknown      = "unknown"
	VersionDowngrade    = "downgrade"
	VersionSame         = "same"
	VersionUnsupported  = "unsupported"
	VersionContradicted = "contradicted"
)

func (e *VersionError) Error() string {
	switch e.Kind {
	case VersionUnknown:
		return "unknown e-Faktur version " + strconv.Quote(e.Stated) + " for the " + e.Side + " (supported: " + SupportedList() + ")"
	case VersionDowngrade:
		return "migrating from " + e.From + " down to " + e.To + " is a downgrade: an older e-Faktur cannot open a newer database"
	case VersionSame:
		return "--from and --to are both " + e.From + ": there is nothing to migrate"
	case VersionContradicted:
		return "the " + e.Side + " install " + e.Install + " is e-Faktur " + e.Detected + " (from " + e.Marker + "), not " + e.Stated
	}
	return "migrating from " + e.From + " to " + e.To + " is not supported (supported: " + SupportedList() + ")"
}

// SupportedList renders the table on one line, for messages.
func SupportedList() string {
	var parts []string
	for _, t := range Transitions {
		parts = append(parts, t.From+"→"+t.To)
	}
	return strings.Join(parts, ", ")
}

// parseVersion reads "X.Y" into its numbers.
func parseVersion(v string) (major, minor int, ok bool) {
	a, b, found := strings.Cut(v, ".")
	if !found {
		return 0, 0, false
	}
	var err error
	if major, err = strconv.Atoi(a); err != nil || major < 0 || a != strconv.Itoa(major) {
		return 0, 0, false
	}
	if minor, err = strconv.Atoi(b); err != nil || minor < 0 || b != strconv.Itoa(minor) {
		return 0, 0, false
	}
	return major, minor, true
}

// matches says whether version v fits a table entry ("3.2" or "3.x").
func matches(pattern, v string) bool {
	if major, ok := strings.CutSuffix(pattern, ".x"); ok {
		m, _, ok := parseVersion(v)
		return ok && strconv.Itoa(m) == major
	}
	return pattern == v
}

// known says whether v appears anywhere in the table.
func known(v string) bool {
	if _, _, ok := parseVersion(v); !ok {
		return false
	}
	for _, t := range Transitions {
		if matches(t.From, v) || matches(t.To, v) {
			return true
		}
	}
	return false
}

// CheckTransition says whether moving a database from version from to
// version to is supported. Patch levels ("3.2.1") count as their minor
// version. It returns a *VersionError otherwise.
func CheckTransition(from, to string) error {
	from, to = install.MajorMinor(strings.TrimSpace(from)), install.MajorMinor(strings.TrimSpace(to))
	for _, side := range []struct{ name, v string }{{"source", from}, {"target", to}} {
		if !known(side.v) {
			return &VersionError{Kind: VersionUnknown, From: from, To: to, Side: side.name, Stated: side.v}
		}
	}
	fM, fm, _ := parseVersion(from)
	tM, tm, _ := parseVersion(to)
	switch {
	case fM == tM && fm == tm:
		return &VersionError{Kind: VersionSame, From: from, To: to}
	case tM < fM || tM == fM && tm < fm:
		return &VersionError{Kind: VersionDowngrade, From: from, To: to}
	}
	for _, t := range Transitions {
		if matches(t.From, from) && matches(t.To, to) {
			return nil
		}
	}
	return &VersionError{Kind: VersionUnsupported, From: from, To: to}
}

// NormalizeVersion turns "3.2.1" into "3.2", the form the journal and the
// report use.
func NormalizeVersion(v string) string { return install.MajorMinor(strings.TrimSpace(v)) }
