package main

// Where snapshots live: a folder, or a bucket prefix s3://BUCKET/PREFIX on
// an S3-compatible object store. Every command that reads or writes
// snapshots opens its store here and speaks to it through store.Store.

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/efbackup/efbackup/internal/folderlock"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/local"
	"github.com/efbackup/efbackup/store/location"
	"github.com/efbackup/efbackup/store/s3"
	"github.com/urfave/cli/v2"
)

// storeOptions are the settings of an S3 store that may be given on the
// command line. The keys never are: they come from the environment or a
// profile of the AWS files.
type storeOptions struct {
	Endpoint string
	Profile  string
}

func storeFlags(u *ui, so *storeOptions) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "s3-endpoint", Usage: u.T("flag.s3endpoint"), Destination: &so.Endpoint},
		&cli.StringFlag{Name: "s3-profile", Usage: u.T("flag.s3profile"), Destination: &so.Profile},
	}
}

// args returns the settings as flags, for the schedule's command line.
func (so storeOptions) args() []string {
	var out []string
	if so.Endpoint != "" {
		out = append(out, "--s3-endpoint", so.Endpoint)
	}
	if so.Profile != "" {
		out = append(out, "--s3-profile", so.Profile)
	}
	return out
}

// lockOptions: the Object Lock retention of each object written.
type lockOptions struct {
	Days int
	Mode string
}

func lockFlags(u *ui, lo *lockOptions) []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "lock-days", Usage: u.T("flag.lockdays"), Destination: &lo.Days},
		&cli.StringFlag{Name: "lock-mode", Usage: u.T("flag.lockmode"), Value: store.LockGovernance, Destination: &lo.Mode},
	}
}

func (lo lockOptions) args() []string {
	if lo.Days <= 0 {
		return nil
	}
	return []string{"--lock-days", fmt.Sprint(lo.Days), "--lock-mode", lo.Mode}
}

// create checks the lock flags for a store at raw and returns the create
// options. A retention only an object store can hold is refused for a
// folder before anything is written.
func (lo lockOptions) create(u *ui, raw string) (store.CreateOptions, error) {
	mode := strings.ToLower(lo.Mode)
	switch {
	case lo.Days < 0:
		return store.CreateOptions{}, u.usageErr("err.lockdays", lo.Days)
	case mode != "" && mode != store.LockGovernance && mode != store.LockCompliance:
		return store.CreateOptions{}, u.usageErr("err.lockmode", lo.Mode)
	case lo.Days > 0 && !location.IsS3(raw):
		return store.CreateOptions{}, u.usageErr("err.locklocal", raw)
	}
	return store.CreateOptions{LockDays: lo.Days, LockMode: mode}, nil
}

// openStore returns the store raw names: s3://BUCKET/PREFIX, or a folder.
// It touches neither the disk nor the network.
func openStore(raw string, so storeOptions) (store.Store, error) {
	if !location.IsS3(raw) {
		return local.New(raw), nil
	}
	cfg := s3.Config{Endpoint: so.Endpoint, Profile: so.Profile}
	if testHooks.S3 != nil {
		testHooks.S3(&cfg)
	}
	return location.Open(raw, location.Options{S3: cfg})
}

// openObject splits a snapshot's location into its store and name:
// s3://BUCKET/PREFIX/NAME, or a file path.
func openObject(raw string, so storeOptions) (store.Store, string, error) {
	if !location.IsS3(raw) {
		abs, err := filepath.Abs(raw)
		if err != nil {
			return nil, "", err
		}
		return local.New(filepath.Dir(abs)), filepath.Base(abs), nil
	}
	i := strings.LastIndex(raw, "/")
	if i < len("s3://") || i == len(raw)-1 || !strings.Contains(raw[len("s3://"):], "/") {
		return nil, "", (&store.Error{Kind: store.KindConfig, Op: "open", Where: raw}).Say("store.detail.nameobject")
	}
	st, err := openStore(raw[:i], so)
	return st, raw[i+1:], err
}

// isS3 says whether a store is a bucket (and not a folder).
func isS3(st store.Store) bool {
	_, ok := st.(*s3.Store)
	return ok
}

// lockStore takes the store's writer lock for a command, says so when it
// took over a stale lock, and returns the release. In a bucket the lock is
// an object refreshed by a heartbeat; lk.Check says whether it was lost.
func lockStore(ctx context.Context, u *ui, st store.Store, command string) (release func(), lk store.Lock, err error) {
	lk, err = st.Lock(ctx, store.LockOptions{Command: command, Wait: defaultLockWait()})
	if err != nil {
		return func() {}, nil, storeLockErr(u, st, err)
	}
	if over := lk.TakenOver(); over != nil {
		u.warn(u.T("lock.takenover", store.Location(st), over.Command, over.PID, over.Host, over.Why), "")
	}
	if lo, ok := lk.(interface{ Leftovers() []fsutil.Leftover }); ok {
		reportLeftovers(u, lo.Leftovers())
	}
	cl := &checkedLock{Lock: lk}
	return func() {
		if err := lk.Release(); err != nil {
			if isKind[*folderlock.LostError](err) {
				if !cl.lost { // else the run's own error said it
					u.warn(lostErr(u, err).Error(), "")
				}
				return
			}
			u.warn(err.Error(), "")
		}
	}, cl, nil
}

// checkedLock remembers that its Check found the lock lost, so that the
// loss is told once.
type checkedLock struct {
	store.Lock
	lost bool
}

func (c *checkedLock) Check() error {
	err := c.Lock.Check()
	if isKind[*store.LockLostError](err) {
		c.lost = true
	}
	return err
}

// lockObject is the lock's own file or object in st.
func lockObject(st store.Store) string {
	if isS3(st) {
		return store.Path(st, s3.LockName)
	}
	return store.Path(st, folderlock.Name)
}

// storeLockErr words a *store.LockedError like a folder's lock; other
// errors pass through.
func storeLockErr(u *ui, st store.Store, err error) error {
	var le *store.LockedError
	if !errors.As(err, &le) {
		return err
	}
	where := store.Location(st)
	hint := u.T("hint.locked", lockObject(st))
	if isS3(st) {
		hint = u.T("hint.lockeds3", lockObject(st))
		if !le.StaleAt.IsZero() {
			hint = u.T("hint.lockeds3stale", le.StaleAt.Local().Format("2006-01-02 15:04:05"))
		}
	}
	h := le.Holder
	if h == nil {
		return &lockedError{msg: u.T("lock.heldunknown", where), hint: hint}
	}
	return &lockedError{msg: u.T("lock.held", where, h.Command, h.PID, h.Host, h.Time.Local().Format("2006-01-02 15:04:05")), hint: hint}
}

// cleanupOrphans removes, while the lock is held, what killed runs left
// unfinished in the store (.partial files, incomplete multipart uploads)
// under efbackup's names, and says so.
func cleanupOrphans(ctx context.Context, u *ui, st store.Store, ours func(string) bool) {
	removed, err := st.CleanupOrphans(ctx, ours)
	if err != nil {
		u.warn(err.Error(), "")
		return
	}
	if len(removed) > 0 {
		key := "snapshot.abortedupload"
		if !isS3(st) {
			key = "snapshot.removedpartial"
			for i := range removed {
				removed[i] += fsutil.PartialSuffix
			}
		}
		u.info("%s", u.T(key, strings.Join(removed, ", ")))
	}
}
