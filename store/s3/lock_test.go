package s3

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/s3/s3test"
	"github.com/minio/minio-go/v7"
)

// versitygw honours If-None-Match and If-Match: the first Lock finds out.
func TestLockIsConditional(t *testing.T) {
	srv := s3test.Shared(t)
	s := newStore(t, srv, bucket(t, srv, true), "p", rootEnv(t, srv))
	if s.LockMode() != "" {
		t.Fatalf("lock mode %q before any lock", s.LockMode())
	}
	l, err := s.Lock(testCtx(t), store.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if s.LockMode() != "conditional" {
		t.Fatalf("lock mode %q, want conditional", s.LockMode())
	}
}

// A holder that stops refreshing (killed, or cut off) loses its lock once
// the heartbeat is stale; one that keeps refreshing never does.
func TestLockHeartbeatAndTakeover(t *testing.T) {
	srv := s3test.Shared(t)
	for _, versioned := range []bool{true, false} {
		b := bucket(t, srv, versioned)
		e := rootEnv(t, srv)
		a, other := newStore(t, srv, b, "p", e), newStore(t, srv, b, "p", e)
		ctx := testCtx(t)
		opts := store.LockOptions{Command: "snapshot", Heartbeat: 200 * time.Millisecond, Stale: 2 * time.Second, Poll: 50 * time.Millisecond}
		la, err := a.Lock(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		// Alive: refreshed every 200 ms, never 2 s old, so a waiter gives
		// up after 3 s without taking it.
		wait := opts
		wait.Command, wait.Wait = "prune", 3*time.Second
		var le *store.LockedError
		if _, err := other.Lock(ctx, wait); !errors.As(err, &le) || le.Holder == nil || le.Holder.Token != la.Info().Token {
			t.Fatalf("lock of a live holder: %v", err)
		}
		if le.StaleAt.IsZero() || time.Until(le.StaleAt) > opts.Stale {
			t.Fatalf("StaleAt %s", le.StaleAt)
		}
		if err := la.Check(); err != nil {
			t.Fatalf("check of a live lock: %v", err)
		}
		// Kill the holder's heartbeat, as a SIGKILL would.
		ll := la.(*lock)
		close(ll.stop)
		<-ll.stopped
		start := time.Now()
		// Last-Modified and Date have one-second resolution: a lock is
		// seen as stale up to a second late.
		takeover := wait
		takeover.Wait = opts.Stale + 3*time.Second
		lb, err := other.Lock(ctx, takeover)
		if err != nil {
			t.Fatalf("lock after the holder died: %v", err)
		}
		if time.Since(start) < time.Second {
			t.Fatalf("took over after %s, before the lock was stale", time.Since(start))
		}
		old := lb.TakenOver()
		if old == nil || old.Token != la.Info().Token || !strings.Contains(old.Why, "no heartbeat") {
			t.Fatalf("taken over: %+v", old)
		}
		var lost *store.LockLostError
		if err := la.Check(); !errors.As(err, &lost) || lost.By == nil || lost.By.Token != lb.Info().Token {
			t.Fatalf("check of a lost lock: %v", err)
		}
		ll.released = false // Release without stopping twice
		ll.stop, ll.stopped = make(chan struct{}), make(chan struct{})
		close(ll.stopped)
		if err := la.Release(); !errors.As(err, &lost) {
			t.Fatalf("release of a lost lock: %v", err)
		}
		if err := lb.Check(); err != nil {
			t.Fatalf("the new holder lost its lock to the old one's release: %v", err)
		}
		if err := lb.Release(); err != nil {
			t.Fatal(err)
		}
		// The lock name keeps no version behind: the next lock is a plain
		// create, not a takeover.
		lk := a.lockKey()
		vs, _, err := a.versions(ctx, lk, true)
		if err != nil || len(vs[lk]) != 0 {
			t.Fatalf("versions of the lock left after release: %+v, %v", vs[lk], err)
		}
		lc, err := a.Lock(ctx, store.LockOptions{Wait: -1})
		if err != nil || lc.TakenOver() != nil {
			t.Fatalf("lock after release: %v, %+v", err, lc)
		}
		lc.Release()
	}
}

// A plain delete of the lock object in a versioned bucket leaves a delete
// marker, over which versitygw refuses an If-None-Match create: the next
// Lock clears it.
func TestLockAfterDeleteMarker(t *testing.T) {
	srv := s3test.Shared(t)
	s := newStore(t, srv, bucket(t, srv, true), "p", rootEnv(t, srv))
	ctx := testCtx(t)
	if _, err := s.client.PutObject(ctx, s.bucket, s.lockKey(), bytes.NewReader([]byte("{}")), 2, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.client.RemoveObject(ctx, s.bucket, s.lockKey(), minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	l, err := s.Lock(ctx, store.LockOptions{Wait: -1})
	if err != nil {
		t.Fatalf("lock over a delete marker: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
}

// Where the server ignores conditional writes, the lock is the documented
// best effort: written only over no lock or a stale one, and confirmed by
// reading it back after a pause.
func TestLockBestEffort(t *testing.T) {
	srv := s3test.Shared(t)
	b := bucket(t, srv, true)
	e := rootEnv(t, srv)
	mk := func() *Store {
		s := newStore(t, srv, b, "p", e)
		s.condWrites, s.lockSettle = condNo, 100*time.Millisecond
		return s
	}
	a, other := mk(), mk()
	ctx := testCtx(t)
	la, err := a.Lock(ctx, store.LockOptions{Command: "snapshot", Heartbeat: 100 * time.Millisecond, Stale: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if a.LockMode() != "best-effort" {
		t.Fatalf("mode %q", a.LockMode())
	}
	var le *store.LockedError
	if _, err := other.Lock(ctx, store.LockOptions{Wait: 1500 * time.Millisecond, Heartbeat: 100 * time.Millisecond, Stale: time.Second}); !errors.As(err, &le) {
		t.Fatalf("second lock: %v", err)
	}
	// Two writers that both saw no lock: the one whose lock is read back
	// holds it, the other learns it lost.
	if err := la.Release(); err != nil {
		t.Fatal(err)
	}
	in1 := store.LockInfo{Tool: "efbackup", PID: 1, Token: "one"}
	in2 := store.LockInfo{Tool: "efbackup", PID: 2, Token: "two"}
	e1, v1, err := a.writeLock(ctx, in1, lockCond{create: true})
	if err != nil {
		t.Fatal(err)
	}
	e2, v2, err := other.writeLock(ctx, in2, lockCond{create: true})
	if err != nil {
		t.Fatal(err)
	}
	ok1, err1 := a.confirm(ctx, in1, &e1, &v1)
	ok2, err2 := other.confirm(ctx, in2, &e2, &v2)
	if err1 != nil || err2 != nil || ok1 || !ok2 {
		t.Fatalf("confirm: first %v %v, second %v %v; want only the second", ok1, err1, ok2, err2)
	}
}
