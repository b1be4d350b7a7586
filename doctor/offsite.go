package doctor

import (
	"context"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/retention"
	"github.com/efbackup/efbackup/schedule"
	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/s3"
)

// Findings about off-site stores (S3 buckets).
const (
	CodeOffsiteUnreadable = "offsite-unreadable" // warning: a bucket could not be read (keys, network, permissions)
	CodeNoVersioning      = "offsite-no-versioning"
	CodeNoObjectLock      = "offsite-no-object-lock"
	CodeOffsiteTampered   = "offsite-tampered" // warning: snapshot names deleted or overwritten after efbackup wrote them
)

func init() {
	Codes = append(Codes, CodeOffsiteUnreadable, CodeNoVersioning, CodeNoObjectLock, CodeOffsiteTampered)
}

// Offsite is what doctor found in one bucket prefix: whether the bucket
// can protect snapshots (versioning, Object Lock), and the newest snapshot
// of each install kept there, directly or one prefix further down (one
// prefix per client).
type Offsite struct {
	Location   string `json:"location"`
	Versioning string `json:"versioning"`
	ObjectLock bool   `json:"object_lock"`
	// DefaultMode and DefaultDays are the bucket's default retention, if
	// any (efbackup sets one on each snapshot itself).
	DefaultMode string `json:"default_retention_mode,omitempty"`
	DefaultDays int    `json:"default_retention_days,omitempty"`
	// Error says why the bucket could not be read; nothing else is filled.
	Error    string            `json:"error,omitempty"`
	Prefixes []string          `json:"prefixes,omitempty"`
	Installs []OffsiteSnapshot `json:"installs"`
	// Tampered lists the snapshots whose names were deleted or
	// overwritten after efbackup wrote them.
	Tampered []string `json:"tampered,omitempty"`

	snaps []*retention.Snapshot
}

// OffsiteSnapshot is the newest snapshot of one install in a bucket.
type OffsiteSnapshot struct {
	Snapshot  string           `json:"snapshot"` // s3://bucket/prefix/NAME
	Prefix    string           `json:"prefix,omitempty"`
	Label     string           `json:"label"`
	Host      string           `json:"host,omitempty"`
	Install   string           `json:"install,omitempty"`
	Time      time.Time        `json:"time"`
	AgeDays   float64          `json:"age_days"`
	Count     int              `json:"count"`
	Retention *store.Retention `json:"retention,omitempty"`
	Tampered  bool             `json:"tampered,omitempty"`
}

// examineOffsite reads a bucket prefix: its status, and its snapshots'
// sidecars (not the archives). An error is recorded, not returned.
func examineOffsite(ctx context.Context, raw string, opts Options, now time.Time) *Offsite {
	o := &Offsite{Location: raw, Installs: []OffsiteSnapshot{}}
	st, err := opts.OpenStore(raw)
	if err != nil {
		o.Error = err.Error()
		return o
	}
	o.Location = store.Location(st)
	b, ok := st.(*s3.Store)
	if ok {
		bs, err := b.BucketStatus(ctx)
		if err != nil {
			o.Error = err.Error()
			return o
		}
		o.Versioning, o.ObjectLock, o.DefaultMode, o.DefaultDays = bs.Versioning, bs.ObjectLock, bs.DefaultMode, bs.DefaultDays
	}
	stores := map[string]store.Store{"": st}
	if ok {
		prefixes, err := b.ListPrefixes(ctx)
		if err != nil {
			o.Error = err.Error()
			return o
		}
		for _, p := range prefixes {
			sub, err := b.Sub(p)
			if err != nil {
				continue
			}
			stores[p] = sub
			o.Prefixes = append(o.Prefixes, p)
		}
	}
	newest := map[string]*OffsiteSnapshot{}
	var order []string
	for _, p := range append([]string{""}, o.Prefixes...) {
		f, err := retention.ScanWithRetention(ctx, stores[p])
		if err != nil {
			o.Error = err.Error()
			return o
		}
		for _, s := range f.Snapshots {
			o.snaps = append(o.snaps, s)
			if s.Tamper != nil {
				o.Tampered = append(o.Tampered, s.Path)
			}
			key := p + "|" + retention.InstallOf(s.Manifest) + "|" + s.Label
			n := newest[key]
			if n == nil {
				n = &OffsiteSnapshot{Prefix: p, Label: s.Label}
				newest[key] = n
				order = append(order, key)
			}
			n.Count++
			if retention.FutureDated(s.Time, now) || (n.Snapshot != "" && !s.Time.After(n.Time)) {
				continue
			}
			n.Snapshot, n.Time, n.AgeDays, n.Retention, n.Tampered = s.Path, s.Time, days(now.Sub(s.Time)), s.Retention, s.Tamper != nil
			n.Host, n.Install = s.Manifest.Host, s.Manifest.Install
		}
	}
	sort.Strings(order)
	for _, k := range order {
		if newest[k].Snapshot != "" {
			o.Installs = append(o.Installs, *newest[k])
		}
	}
	return o
}

// offsiteFindings says what is wrong with a bucket.
func offsiteFindings(o *Offsite) []Finding {
	var out []Finding
	add := func(code string, args []any, next ...any) {
		out = append(out, Finding{Severity: Warning, Code: code, Args: args, NextArgs: next})
	}
	if o.Error != "" {
		add(CodeOffsiteUnreadable, []any{o.Location, o.Error}, o.Location)
		return out
	}
	if o.Versioning != "Enabled" {
		add(CodeNoVersioning, []any{o.Location}, o.Location)
	}
	if !o.ObjectLock {
		add(CodeNoObjectLock, []any{o.Location}, o.Location)
	}
	if len(o.Tampered) > 0 {
		add(CodeOffsiteTampered, []any{len(o.Tampered), strings.Join(o.Tampered, ", ")}, o.Location)
	}
	return out
}

// newestOffsite is the newest snapshot of the install ir in the buckets:
// its manifest names this install on this computer.
func newestOffsite(ir *InstallReport, buckets []*Offsite, now time.Time) *OffsiteSnapshot {
	host, _ := os.Hostname()
	var best *OffsiteSnapshot
	for _, o := range buckets {
		for _, s := range o.snaps {
			m := s.Manifest
			if m == nil || m.Install == "" || !fsutil.SamePath(m.Install, ir.Root) || !strings.EqualFold(m.Host, host) {
				continue
			}
			if retention.FutureDated(s.Time, now) {
				continue
			}
			if best == nil {
				best = &OffsiteSnapshot{}
			}
			best.Count++
			if best.Snapshot != "" && !s.Time.After(best.Time) {
				continue
			}
			best.Snapshot, best.Label, best.Host, best.Install = s.Path, s.Label, m.Host, m.Install
			best.Time, best.AgeDays, best.Retention, best.Tampered = s.Time, days(now.Sub(s.Time)), s.Retention, s.Tamper != nil
		}
	}
	return best
}

// offsiteLocations are the buckets a schedule writes to: its --out, and
// its --copy-to.
func offsiteLocations(sp *schedule.Spec) []string {
	if sp == nil {
		return nil
	}
	var out []string
	if isBucket(sp.Out) {
		out = append(out, sp.Out)
	}
	for i, a := range sp.Args {
		if a == "--copy-to" && i+1 < len(sp.Args) && isBucket(sp.Args[i+1]) {
			out = append(out, sp.Args[i+1])
		}
	}
	return out
}

func isBucket(raw string) bool { return strings.HasPrefix(raw, "s3://") }
