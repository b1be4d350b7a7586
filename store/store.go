// Package store is where snapshots live: a folder on a disk, a USB drive or
// a NAS share, or a bucket on an S3-compatible object store. The commands
// speak to a Store and never call os.* on a snapshot folder directly, so
// that every guarantee a snapshot folder gives holds in both places:
//
//   - a half-written object never carries its final name (Create, then
//     Commit or Abort);
//   - a name, once used, is never written again (ErrExists);
//   - one efbackup process at a time writes into a store (Lock);
//   - a snapshot under an Object Lock retention cannot be removed, and the
//     store says so before trying (Retention, *RetainedError).
//
// The implementations live in store/local and store/s3; store/location
// opens the right one for a URL, and store/storetest is the conformance
// suite both pass. The package never prints.
package store

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Store is one place snapshots live, scoped to one folder or one bucket
// prefix. Names are single path elements (CheckName); a Store never looks
// above or below its own level.
type Store interface {
	// String names the store for messages: a folder path, or
	// s3://bucket/prefix with the endpoint. It never holds a secret.
	fmt.Stringer

	// List returns the committed objects, sorted by name. Objects still
	// being written are not listed (see Pending), nor is the store's own
	// lock.
	List(ctx context.Context, opts ListOptions) ([]Entry, error)
	// Stat returns what List would say of one name, with its retention,
	// or an error matching ErrNotFound.
	Stat(ctx context.Context, name string) (Entry, error)
	// Open reads an object. By default it reads the version Stat reports,
	// the one efbackup wrote even if someone has since written over or
	// deleted the name in a versioned bucket.
	Open(ctx context.Context, name string, opts OpenOptions) (Reader, error)
	// Create starts writing name. Nothing is visible under name until
	// Commit returns; it fails with an error matching ErrExists when the
	// name is taken, here or at Commit.
	Create(ctx context.Context, name string, opts CreateOptions) (Writer, error)
	// Remove deletes an object for good. It refuses, with
	// *RetainedError, an object whose retention has not passed.
	Remove(ctx context.Context, name string) error
	// Retention returns the retention of the version Stat reports; the
	// zero Retention when there is none.
	Retention(ctx context.Context, name string) (Retention, error)

	// Lock takes the store's writer lock. A store holds at most one lock
	// at a time across every process and every computer that writes to it.
	Lock(ctx context.Context, opts LockOptions) (Lock, error)
	// Pending lists the creates that were started and neither committed
	// nor aborted: a running writer's, or a killed one's.
	Pending(ctx context.Context) ([]Pending, error)
	// CleanupOrphans removes the pending creates whose names ours accepts
	// (all when ours is nil) and returns those names. Call it only while
	// holding the lock, when no other efbackup can be writing.
	CleanupOrphans(ctx context.Context, ours func(name string) bool) ([]string, error)

	// ListPrefixes lists the stores one level below this one: the
	// sub-folders of a folder, the prefixes under a bucket prefix (one per
	// client when a consultant keeps them in one bucket).
	ListPrefixes(ctx context.Context) ([]string, error)
}

// Entry is one committed object.
type Entry struct {
	Name    string
	Size    int64
	ModTime time.Time
	// VersionID is the object store's version of the bytes this entry
	// describes (the one efbackup wrote); empty in a local folder and in
	// an unversioned bucket.
	VersionID string
	// Retention is filled in by Stat, and by List with
	// ListOptions.Retention.
	Retention Retention
	// Tamper is not nil when a versioned bucket holds more than the one
	// version efbackup writes of a name: someone deleted or overwrote it.
	// The entry still describes (and Open still reads) the first version.
	Tamper *Tamper
}

// Tamper says how a name was changed after efbackup wrote it.
type Tamper struct {
	// DeleteMarker: the newest version is a delete marker, so a plain
	// listing of the bucket no longer shows the name.
	DeleteMarker bool
	// Newer counts the versions (data or delete marker) written after the
	// first one.
	Newer int
	// NewestVersionID is the newest version's id.
	NewestVersionID string
}

// Retention is an Object Lock retention.
type Retention struct {
	Mode  string // "GOVERNANCE" or "COMPLIANCE"; "" for none
	Until time.Time
}

// Active reports whether the retention still forbids removing the object
// at now.
func (r Retention) Active(now time.Time) bool {
	return r.Mode != "" && now.Before(r.Until)
}

// ListOptions tunes List.
type ListOptions struct {
	// Retention asks for each entry's retention; in an object store that
	// costs one request per object.
	Retention bool
}

// OpenOptions tunes Open.
type OpenOptions struct {
	// VersionID reads that version instead of the one Stat reports.
	VersionID string
}

// Lock modes for CreateOptions.LockMode.
const (
	LockGovernance = "governance"
	LockCompliance = "compliance"
)

// CreateOptions tunes Create.
type CreateOptions struct {
	// LockDays, when above zero, puts the object under an Object Lock
	// retention for that many days from now: nobody with efbackup's
	// credentials can delete or overwrite that version until then. Only an
	// object store can do that; a local folder refuses.
	LockDays int
	// LockMode is LockGovernance (an administrator with the bypass
	// permission can lift it) or LockCompliance (nobody can, not even the
	// account owner); empty means governance.
	LockMode string
}

// Writer is an object being written. Exactly one of Commit and Abort ends
// it; Abort after Commit does nothing.
type Writer interface {
	io.Writer
	// Commit makes the object visible under its name, all or nothing. The
	// one exception: an object committed whose retention the store could
	// not confirm is returned with the error (Committed.Name is set).
	Commit() (Committed, error)
	// Abort throws away what was written. An abort the store cannot carry
	// out (the network is gone) leaves a pending create that
	// CleanupOrphans removes later; it never leaves the final name.
	Abort() error
	// Written is the number of bytes accepted so far.
	Written() int64
}

// Committed describes an object Commit made visible.
type Committed struct {
	Name string
	Size int64
	// VersionID is the version written, in a versioned bucket. Keep it:
	// it is what proves, later, which version is efbackup's.
	VersionID string
	Retention Retention
}

// Reader reads one version of an object; Read and Seek move one position,
// ReadAt reads anywhere without moving it.
type Reader interface {
	io.Reader
	io.ReaderAt
	io.Seeker
	io.Closer
	Size() int64
	VersionID() string
}

// Pending is a create that was started and not finished.
type Pending struct {
	Name    string
	Started time.Time
	// ID is the store's handle on it: a temporary file name, or a
	// multipart upload id.
	ID string
}

// LockOptions tunes Lock.
type LockOptions struct {
	// Command is recorded for the person reading the lock ("snapshot").
	Command string
	// Wait is how long to wait for a lock another process holds: 0 means
	// DefaultLockWait, below 0 means not at all.
	Wait time.Duration
	// Stale is when a lock counts as abandoned and is taken over: the
	// time since its holder last refreshed it. In a local folder that is
	// the lock of another computer, by the folder's own clock (0:
	// folderlock.DefaultStale; a live process on this computer keeps its
	// lock); in an object store, any lock (0: DefaultLockStale).
	Stale time.Duration
	// Heartbeat is how often the holder of an object-store lock refreshes
	// it (0: DefaultHeartbeat). It must be well below Stale.
	Heartbeat time.Duration
	// Poll is how often a waiter looks again (0: 250 ms).
	Poll time.Duration
}

// Lock defaults.
const (
	DefaultLockWait  = 5 * time.Second
	DefaultHeartbeat = time.Minute
	DefaultLockStale = 5 * time.Minute
)

// Lock is a held store lock.
type Lock interface {
	// Release gives the lock up. It is safe to call twice.
	Release() error
	// Info is what the lock records about its holder.
	Info() LockInfo
	// TakenOver is what the stale lock this one replaced said, or nil.
	TakenOver() *LockInfo
	// Check returns nil while the lock is still held, and *LockLostError
	// once another process has taken it over (a holder that could not
	// refresh it for longer than Stale). A writer checks it before Commit.
	Check() error
}

// LockInfo is what a lock records about its holder.
type LockInfo struct {
	Tool    string    `json:"tool"`
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Time    time.Time `json:"time"`
	Command string    `json:"command,omitempty"`
	Token   string    `json:"token"`
	// Boot is the holder's Linux boot id: a restart ends every process.
	Boot string `json:"boot,omitempty"`
	// Heartbeat is when an object-store lock was last refreshed, by the
	// holder's clock (staleness itself is judged by the server's
	// timestamps); zero for a local lock.
	Heartbeat time.Time `json:"heartbeat,omitzero"`
	// Why says, for a lock that was taken over, why it was judged stale.
	Why string `json:"-"`
}

// Path names an object of st for people and reports: a file path in a
// folder, s3://bucket/prefix/name in a bucket. It is what a user gives
// back to efbackup to name that object.
func Path(st Store, name string) string {
	if p, ok := st.(interface{ Path(string) string }); ok {
		return p.Path(name)
	}
	return st.String() + "/" + name
}

// Location names st itself for people and reports: the folder, or
// s3://bucket/prefix (without the endpoint String adds).
func Location(st Store) string {
	if u, ok := st.(interface{ URL() string }); ok {
		return u.URL()
	}
	return st.String()
}
