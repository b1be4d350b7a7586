package s3

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/efbackup/efbackup/internal/folderlock"
	"github.com/efbackup/efbackup/store"
	"github.com/minio/minio-go/v7"
)

// The store's lock is the object PREFIX/efbackup.lock, holding a JSON
// store.LockInfo. Its holder rewrites it every Heartbeat; a lock whose
// last write is older than Stale, by the server's own clock (its Date
// header against the object's Last-Modified, so that no computer's clock
// matters), is abandoned and may be taken over.
//
// Where the server honours conditional writes (AWS since 2024, MinIO,
// versitygw, and others), the lock is exact: it is created with
// If-None-Match: * (only one creator can win), refreshed and taken over
// with If-Match: <etag> (only the holder refreshes, only one waiter takes
// over). The first Lock of each Store finds out whether the server
// honours them, by repeating its own create: a server that does refuses
// it.
//
// Where it does not (an older server that ignores the headers), the lock
// is best effort: a waiter writes its lock only when it found none (or a
// stale one), waits lockSettle, and reads it back; whoever's token is
// there holds it. Two processes that start within the same moment can
// then, rarely, both believe they hold it; the daily schedule of one
// install does not do that, and a consultant who runs efbackup by hand
// against the same prefix from two computers at once is told so in the
// documentation.

const (
	condUnknown = iota
	condYes
	condNo
)

// lockCond is the condition a lock write carries.
type lockCond struct {
	create bool   // If-None-Match: *
	match  string // If-Match: etag
}

// lockState is what the last read of the lock object found.
type lockState struct {
	info  *store.LockInfo // nil when unreadable
	etag  string
	vid   string
	age   time.Duration // since its last write, by the server's clock
	found bool
}

func (s *Store) lockKey() string { return s.key(LockName) }

func (s *Store) conditional() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.condWrites
}

func (s *Store) setConditional(v int) {
	s.mu.Lock()
	s.condWrites = v
	s.mu.Unlock()
}

// LockMode says how this store's locks work: "conditional",
// "best-effort", or "" before the first Lock found out.
func (s *Store) LockMode() string {
	switch s.conditional() {
	case condYes:
		return "conditional"
	case condNo:
		return "best-effort"
	}
	return ""
}

func (s *Store) readLock(ctx context.Context) (lockState, error) {
	body, oi, h, err := s.core.GetObject(ctx, s.bucket, s.lockKey(), minio.GetObjectOptions{})
	if err != nil {
		if isNotFound(err) {
			return lockState{}, nil
		}
		return lockState{}, err
	}
	defer body.Close()
	b, err := io.ReadAll(io.LimitReader(body, 64<<10))
	if err != nil {
		return lockState{}, err
	}
	st := lockState{found: true, etag: oi.ETag, vid: normVersion(oi.VersionID)}
	var in store.LockInfo
	if json.Unmarshal(b, &in) == nil && in.Token != "" {
		st.info = &in
	}
	now := time.Now()
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		now = d
	}
	// Both times have one-second resolution: a lock just written can
	// look a moment younger than zero.
	st.age = max(0, now.Sub(oi.LastModified))
	return st, nil
}

// writeLock writes the lock object under cond and returns its etag and
// version. A server that refuses the condition as not implemented is
// remembered as one without conditional writes, and written to plainly.
func (s *Store) writeLock(ctx context.Context, in store.LockInfo, cond lockCond) (etag, vid string, err error) {
	b, _ := json.Marshal(in)
	po := minio.PutObjectOptions{ContentType: "application/json", DisableMultipart: true, SendContentMd5: true}
	if s.conditional() != condNo {
		switch {
		case cond.create:
			po.SetMatchETagExcept("*")
		case cond.match != "":
			po.SetMatchETag(cond.match)
		}
	}
	info, err := s.client.PutObject(ctx, s.bucket, s.lockKey(), bytes.NewReader(b), int64(len(b)), po)
	if err != nil && isNotImplemented(err) && (cond.create || cond.match != "") {
		s.setConditional(condNo)
		return s.writeLock(ctx, in, lockCond{})
	}
	if err != nil {
		return "", "", err
	}
	return info.ETag, normVersion(info.VersionID), nil
}

// removeLockVersion deletes one version of the lock object; in an
// unversioned bucket (vid "") the object itself.
func (s *Store) removeLockVersion(ctx context.Context, vid string) error {
	err := s.client.RemoveObject(ctx, s.bucket, s.lockKey(), minio.RemoveObjectOptions{VersionID: vid})
	if err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

// clearLockMarkers clears the lock name when its newest version is a
// delete marker (a plain delete of a released lock): some servers
// (versitygw) refuse an If-None-Match create over a marker. The versions
// under the marker are released locks, and go first, so that none of
// them resurfaces as a lock when the marker goes.
func (s *Store) clearLockMarkers(ctx context.Context) (bool, error) {
	k := s.lockKey()
	vm, _, err := s.versions(ctx, k, true)
	if err != nil {
		return false, err
	}
	vs := vm[k]
	latestMarker := false
	for _, v := range vs {
		if v.latest && v.deleteMarker {
			latestMarker = true
		}
	}
	if !latestMarker {
		return false, nil
	}
	sort.SliceStable(vs, func(i, j int) bool { return !vs[i].deleteMarker && vs[j].deleteMarker })
	for _, v := range vs {
		if err := s.removeLockVersion(ctx, v.id); err != nil {
			return false, err
		}
	}
	return true, nil
}

func newToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Lock takes the lock, waiting up to opts.Wait for a holder to release it
// and taking over a lock whose heartbeat is older than opts.Stale.
func (s *Store) Lock(ctx context.Context, opts store.LockOptions) (store.Lock, error) {
	if opts.Wait == 0 {
		opts.Wait = store.DefaultLockWait
	}
	if opts.Stale <= 0 {
		opts.Stale = store.DefaultLockStale
	}
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = store.DefaultHeartbeat
	}
	if opts.Heartbeat >= opts.Stale {
		return nil, (&store.Error{Kind: store.KindConfig, Op: "lock", Where: s.String()}).
			Say("store.detail.heartbeat", opts.Heartbeat, opts.Stale)
	}
	if opts.Poll <= 0 {
		opts.Poll = 250 * time.Millisecond
	}
	host, _ := os.Hostname()
	start := time.Now()
	for {
		now := time.Now().UTC().Truncate(time.Millisecond)
		in := store.LockInfo{Tool: "efbackup", Host: host, PID: os.Getpid(), Boot: folderlock.BootID(), Time: now, Heartbeat: now, Command: opts.Command, Token: newToken()}
		st, err := s.readLock(ctx)
		if err != nil {
			return nil, s.fail("lock", "", err)
		}
		var (
			etag, vid string
			takenOver *store.LockInfo
			won       bool
		)
		switch {
		case !st.found:
			etag, vid, err = s.writeLock(ctx, in, lockCond{create: true})
			switch {
			case err == nil:
				won = true
			case isPrecondition(err):
				// Someone was faster, or a delete marker stands in the way.
				if _, err := s.clearLockMarkers(ctx); err != nil {
					return nil, s.fail("lock", "", err)
				}
				continue
			default:
				return nil, s.fail("lock", "", err)
			}
		case st.age > opts.Stale || st.info != nil && folderlock.Gone(st.info.Host, st.info.Boot, st.info.PID) != "":
			// Stale, or held by a process of this computer that has ended
			// (a killed run): nobody will release it.
			etag, vid, err = s.writeLock(ctx, in, lockCond{match: st.etag})
			switch {
			case err == nil:
				won = true
				old := store.LockInfo{Why: "unreadable lock"}
				if st.info != nil {
					old = *st.info
					old.Why = fmt.Sprintf("no heartbeat for %s", st.age.Round(time.Second))
					if why := folderlock.Gone(st.info.Host, st.info.Boot, st.info.PID); st.age <= opts.Stale && why != "" {
						old.Why = why
					}
				}
				takenOver = &old
				if st.vid != "" && st.vid != vid {
					_ = s.removeLockVersion(ctx, st.vid)
				}
			case isPrecondition(err):
				continue // another waiter took it over first
			default:
				return nil, s.fail("lock", "", err)
			}
		}
		if won {
			ok, err := s.confirm(ctx, in, &etag, &vid)
			if err != nil {
				return nil, s.fail("lock", "", err)
			}
			if ok {
				l := &lock{s: s, opts: opts, info: in, etag: etag, vid: vid, old: takenOver, stop: make(chan struct{}), stopped: make(chan struct{})}
				go l.heartbeat()
				return l, nil
			}
		}
		waited := time.Since(start)
		if opts.Wait < 0 || waited >= opts.Wait {
			le := &store.LockedError{Where: s.String(), Holder: st.info, Waited: waited}
			if st.found {
				le.StaleAt = time.Now().Add(opts.Stale - st.age)
			}
			return nil, le
		}
		select {
		case <-ctx.Done():
			return nil, s.fail("lock", "", ctx.Err())
		case <-time.After(min(opts.Poll, opts.Wait-waited)):
		}
	}
}

// confirm makes sure a lock just written is held. The first time, it
// learns whether the server honours conditional writes, by writing the
// same lock again with If-None-Match: *, which such a server refuses.
// Without them, it waits lockSettle and reads the lock back.
func (s *Store) confirm(ctx context.Context, in store.LockInfo, etag, vid *string) (bool, error) {
	if s.conditional() == condUnknown {
		e, v, err := s.writeLock(ctx, in, lockCond{create: true})
		switch {
		case isPrecondition(err):
			s.setConditional(condYes)
		case err == nil:
			// The probe wrote a second copy: keep one.
			s.setConditional(condNo)
			if *vid != "" && *vid != v {
				_ = s.removeLockVersion(ctx, *vid)
			}
			*etag, *vid = e, v
		default:
			return false, err
		}
	}
	if s.conditional() == condYes {
		return true, nil
	}
	select {
	case <-ctx.Done():
		return false, ctx.Err()
	case <-time.After(s.lockSettle):
	}
	st, err := s.readLock(ctx)
	if err != nil {
		return false, err
	}
	return st.info != nil && st.info.Token == in.Token, nil
}

type lock struct {
	s    *Store
	opts store.LockOptions

	mu       sync.Mutex
	info     store.LockInfo
	etag     string
	vid      string
	old      *store.LockInfo
	lost     error
	released bool

	stop    chan struct{}
	stopped chan struct{}
}

func (l *lock) Info() store.LockInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.info
}

func (l *lock) TakenOver() *store.LockInfo { return l.old }

// heartbeat rewrites the lock every Heartbeat, with If-Match on the
// version it last wrote, and deletes that version so that the lock name
// keeps one version. A refused write means the lock was taken over.
func (l *lock) heartbeat() {
	defer close(l.stopped)
	t := time.NewTicker(l.opts.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), l.opts.Heartbeat)
		err := l.refresh(ctx)
		cancel()
		if err != nil && l.lostErr() != nil {
			return
		}
		// Any other failure (the network) is tried again at the next beat;
		// the lock stays ours until Stale has passed without one.
	}
}

func (l *lock) refresh(ctx context.Context) error {
	l.mu.Lock()
	in, etag, vid := l.info, l.etag, l.vid
	l.mu.Unlock()
	if l.s.conditional() == condNo {
		st, err := l.s.readLock(ctx)
		if err != nil {
			return err
		}
		if st.info == nil || st.info.Token != in.Token {
			l.setLost(st.info)
			return l.lostErr()
		}
		etag = st.etag
	}
	in.Heartbeat = time.Now().UTC().Truncate(time.Millisecond)
	newEtag, newVid, err := l.s.writeLock(ctx, in, lockCond{match: etag})
	if isPrecondition(err) {
		st, _ := l.s.readLock(ctx)
		l.setLost(st.info)
		return l.lostErr()
	}
	if err != nil {
		return err
	}
	l.mu.Lock()
	l.info, l.etag, l.vid = in, newEtag, newVid
	l.mu.Unlock()
	if vid != "" && vid != newVid {
		_ = l.s.removeLockVersion(ctx, vid)
	}
	return nil
}

func (l *lock) setLost(by *store.LockInfo) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lost == nil {
		l.lost = &store.LockLostError{Where: l.s.String(), By: by}
	}
}

func (l *lock) lostErr() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lost
}

// Check reads the lock back: nil while it still holds this lock's token.
func (l *lock) Check() error {
	if err := l.lostErr(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := l.s.readLock(ctx)
	if err != nil {
		return l.s.fail("lock", "", err)
	}
	if st.info == nil || st.info.Token != l.Info().Token {
		l.setLost(st.info)
		return l.lostErr()
	}
	return nil
}

// Release stops the heartbeat and deletes the lock's version, if the lock
// is still this one's.
func (l *lock) Release() error {
	l.mu.Lock()
	if l.released {
		l.mu.Unlock()
		return nil
	}
	l.released = true
	l.mu.Unlock()
	close(l.stop)
	<-l.stopped
	if err := l.lostErr(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := l.s.readLock(ctx)
	if err != nil {
		return l.s.fail("unlock", "", err)
	}
	if !st.found || st.info == nil || st.info.Token != l.Info().Token {
		return &store.LockLostError{Where: l.s.String(), By: st.info}
	}
	// By version: a plain delete in a versioned bucket would leave a
	// delete marker, and the lock's old versions behind it.
	if err := l.s.removeLockVersion(ctx, st.vid); err != nil {
		if st.vid == "" {
			return l.s.fail("unlock", "", err)
		}
		// A bucket default retention may protect the version: a plain
		// delete then hides it behind a marker, which the next Lock clears.
		if err := l.s.removeLockVersion(ctx, ""); err != nil {
			return l.s.fail("unlock", "", err)
		}
	}
	return nil
}
