// Package storetest is the conformance suite every store passes: the
// local folder and the S3 bucket must behave alike wherever the commands
// can tell, so that a command written against one works with the other.
package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/i18n/i18ntest"
	"github.com/efbackup/efbackup/store"
)

// Options says how to make stores for the suite.
type Options struct {
	// New returns an empty store, fresh for each subtest.
	New func(t *testing.T) store.Store
	// Reopen returns a second, independent handle on the same place (a
	// second process would have one).
	Reopen func(t *testing.T, s store.Store) store.Store
	// Orphan leaves in s what a writer of name killed mid-create leaves
	// (a ".partial" file, an incomplete upload); nil skips that part of
	// the suite.
	Orphan func(t *testing.T, s store.Store, name string)
	// Sub returns the store one level below s called name (a sub-folder,
	// a prefix), for ListPrefixes.
	Sub func(t *testing.T, s store.Store, name string) store.Store
	// PendingBytes is how much a create must have written before Pending
	// sees it (an object store starts its upload with the first full
	// part). 0 means 6 MiB.
	PendingBytes int
	// LargeSize is the size of the bounded-memory create; 0 means 200 MiB
	// (32 MiB with -short).
	LargeSize int64
	// MaxHeap is the most the Go heap may grow while it streams; 0 means
	// 32 MiB.
	MaxHeap uint64
	// Seed makes the random data and offsets repeatable; 0 picks one,
	// which the suite prints.
	Seed uint64
}

// Names efbackup writes: labels of letters, digits, '.', '_' and '-', a
// UTC time, the archive and sidecar suffixes.
var Names = []string{
	"eFaktur-20261121T080000Z.tar.zst",
	"eFaktur-20261121T080000Z.tar.zst.manifest.json",
	"PT.Maju_Jaya-2-20240101T000000Z.tar.zst",
	"e-Faktur_3.2.0.0-20250630T235959Z.tar.zst",
	"x",
	strings.Repeat("L", 64) + "-20240101T000000Z.tar.zst.manifest.json",
}

// Run runs the suite.
func Run(t *testing.T, o Options) {
	if o.Seed == 0 {
		o.Seed = rand.Uint64()
	}
	if o.PendingBytes == 0 {
		o.PendingBytes = 6 << 20
	}
	if o.LargeSize == 0 {
		o.LargeSize = 200 << 20
		if testing.Short() {
			o.LargeSize = 32 << 20
		}
	}
	if o.MaxHeap == 0 {
		o.MaxHeap = 32 << 20
	}
	t.Logf("storetest seed %d (set Options.Seed to repeat)", o.Seed)
	s := &suite{o: o}
	t.Run("CreateCommitListOpen", s.createCommitListOpen)
	t.Run("RangeReads", s.rangeReads)
	t.Run("Empty", s.empty)
	t.Run("Remove", s.remove)
	t.Run("AbortLeavesNothing", s.abortLeavesNothing)
	t.Run("CreateExisting", s.createExisting)
	t.Run("ConcurrentCreate", s.concurrentCreate)
	t.Run("Names", s.names)
	t.Run("BadNames", s.badNames)
	t.Run("Cancel", s.cancel)
	t.Run("PendingAndCleanup", s.pendingAndCleanup)
	t.Run("LockExcludes", s.lockExcludes)
	t.Run("LockBusy", s.lockBusy)
	t.Run("ListPrefixes", s.listPrefixes)
	t.Run("LargeBoundedMemory", s.large)
}

type suite struct{ o Options }

func (s *suite) rng(salt uint64) *rand.ChaCha8 {
	var seed [32]byte
	for i := range 8 {
		seed[i] = byte(s.o.Seed >> (8 * i))
		seed[8+i] = byte(salt >> (8 * i))
	}
	return rand.NewChaCha8(seed)
}

func (s *suite) data(salt uint64, n int) []byte {
	b := make([]byte, n)
	_, _ = s.rng(salt).Read(b)
	return b
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

// put creates and commits name with data, writing in chunks of 1 MiB as a
// snapshot does.
func put(t *testing.T, st store.Store, name string, data []byte) store.Committed {
	t.Helper()
	w, err := st.Create(ctx(t), name, store.CreateOptions{})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	for off := 0; off < len(data); off += 1 << 20 {
		end := min(off+1<<20, len(data))
		if n, err := w.Write(data[off:end]); err != nil || n != end-off {
			t.Fatalf("write %s at %d: %d, %v", name, off, n, err)
		}
	}
	if w.Written() != int64(len(data)) {
		t.Fatalf("Written %d, want %d", w.Written(), len(data))
	}
	c, err := w.Commit()
	if err != nil {
		t.Fatalf("commit %s: %v", name, err)
	}
	if c.Name != name || c.Size != int64(len(data)) {
		t.Fatalf("committed %+v, want %s of %d bytes", c, name, len(data))
	}
	return c
}

func readAll(t *testing.T, st store.Store, name string) []byte {
	t.Helper()
	r, err := st.Open(ctx(t), name, store.OpenOptions{})
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	if int64(len(b)) != r.Size() {
		t.Fatalf("read %d bytes of %s, Size says %d", len(b), name, r.Size())
	}
	return b
}

func names(t *testing.T, st store.Store) []string {
	t.Helper()
	es, err := st.List(ctx(t), store.ListOptions{})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	out := []string{}
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out
}

func wantNotFound(t *testing.T, st store.Store, name string) {
	t.Helper()
	_, err := st.Stat(ctx(t), name)
	if !errors.Is(err, store.ErrNotFound) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("stat %s: %v, want not found", name, err)
	}
}

func (s *suite) createCommitListOpen(t *testing.T) {
	st := s.o.New(t)
	const name = "eFaktur-20261121T080000Z.tar.zst"
	data := s.data(1, 11<<20+7) // three parts of an object store, the last short
	before := time.Now().Add(-time.Minute)
	put(t, st, name, data)
	es, err := st.List(ctx(t), store.ListOptions{Retention: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Name != name || es[0].Size != int64(len(data)) {
		t.Fatalf("list %+v, want one %s of %d bytes", es, name, len(data))
	}
	if es[0].ModTime.Before(before) || es[0].ModTime.After(time.Now().Add(time.Minute)) {
		t.Fatalf("modification time %s, want about now", es[0].ModTime)
	}
	if es[0].Tamper != nil || es[0].Retention.Mode != "" {
		t.Fatalf("fresh object reports tamper %+v, retention %+v", es[0].Tamper, es[0].Retention)
	}
	e, err := st.Stat(ctx(t), name)
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != name || e.Size != es[0].Size || e.VersionID != es[0].VersionID {
		t.Fatalf("stat %+v, list %+v", e, es[0])
	}
	if got := readAll(t, st, name); !bytes.Equal(got, data) {
		t.Fatalf("read back differs (%d bytes, want %d)", len(got), len(data))
	}
	if p, err := st.Pending(ctx(t)); err != nil || len(p) != 0 {
		t.Fatalf("pending after commit: %v, %v", p, err)
	}
	if r, err := st.Retention(ctx(t), name); err != nil || r.Mode != "" {
		t.Fatalf("retention %+v, %v; want none", r, err)
	}
}

func (s *suite) rangeReads(t *testing.T) {
	st := s.o.New(t)
	const name = "r-20240101T000000Z.tar.zst"
	data := s.data(2, 3<<20+555)
	put(t, st, name, data)
	r, err := st.Open(ctx(t), name, store.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Size() != int64(len(data)) {
		t.Fatalf("size %d, want %d", r.Size(), len(data))
	}
	rng := rand.New(s.rng(3))
	for i := range 200 {
		off := rng.Int64N(int64(len(data)))
		n := 1 + rng.IntN(1<<16)
		if i%20 == 0 {
			n = 1 + rng.IntN(2<<20) // larger than a read-ahead buffer
		}
		p := make([]byte, n)
		k, err := r.ReadAt(p, off)
		want := data[off:min(off+int64(n), int64(len(data)))]
		if k != len(want) || !bytes.Equal(p[:k], want) {
			t.Fatalf("ReadAt(%d bytes at %d) = %d bytes, %v; want %d bytes", n, off, k, err, len(want))
		}
		if k < n && err != io.EOF {
			t.Fatalf("short ReadAt at %d: %v, want io.EOF", off, err)
		}
		if k == n && err != nil && err != io.EOF {
			t.Fatalf("ReadAt at %d: %v", off, err)
		}
	}
	if _, err := r.ReadAt(make([]byte, 1), int64(len(data))); err != io.EOF {
		t.Fatalf("ReadAt at the end: %v, want io.EOF", err)
	}
	// Sequential reads and seeks, interleaved with ReadAt: they keep one
	// position of their own.
	if pos, err := r.Seek(1<<20, io.SeekStart); err != nil || pos != 1<<20 {
		t.Fatalf("seek: %d, %v", pos, err)
	}
	head := make([]byte, 1000)
	if _, err := io.ReadFull(r, head); err != nil || !bytes.Equal(head, data[1<<20:1<<20+1000]) {
		t.Fatalf("read after seek: %v", err)
	}
	if _, err := r.ReadAt(head, 5); err != nil {
		t.Fatal(err)
	}
	if pos, err := r.Seek(0, io.SeekCurrent); err != nil || pos != 1<<20+1000 {
		t.Fatalf("position after ReadAt: %d, %v", pos, err)
	}
	if pos, err := r.Seek(-10, io.SeekEnd); err != nil || pos != int64(len(data))-10 {
		t.Fatalf("seek from end: %d, %v", pos, err)
	}
	rest, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(rest, data[len(data)-10:]) {
		t.Fatalf("read the last 10 bytes: %q, %v", rest, err)
	}
	if _, err := r.Seek(-1, io.SeekStart); err == nil {
		t.Fatal("seek before the start succeeded")
	}
}

func (s *suite) empty(t *testing.T) {
	st := s.o.New(t)
	const name = "empty"
	put(t, st, name, nil)
	if got := readAll(t, st, name); len(got) != 0 {
		t.Fatalf("read %d bytes of an empty object", len(got))
	}
	r, err := st.Open(ctx(t), name, store.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n, err := r.ReadAt(make([]byte, 4), 0); n != 0 || err != io.EOF {
		t.Fatalf("ReadAt of empty: %d, %v", n, err)
	}
}

func (s *suite) remove(t *testing.T) {
	st := s.o.New(t)
	put(t, st, "a", s.data(4, 100))
	put(t, st, "b", s.data(5, 100))
	if err := st.Remove(ctx(t), "a"); err != nil {
		t.Fatalf("remove: %v", err)
	}
	wantNotFound(t, st, "a")
	if got := names(t, st); len(got) != 1 || got[0] != "b" {
		t.Fatalf("after remove: %v", got)
	}
	if err := st.Remove(ctx(t), "a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second remove: %v, want not found", err)
	}
	if _, err := st.Open(ctx(t), "a", store.OpenOptions{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("open removed: %v, want not found", err)
	}
}

func (s *suite) abortLeavesNothing(t *testing.T) {
	st := s.o.New(t)
	for _, n := range []int{0, 1000, s.o.PendingBytes + 1} {
		name := fmt.Sprintf("abort-%d", n)
		w, err := st.Create(ctx(t), name, store.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(s.data(6, n)); err != nil {
			t.Fatal(err)
		}
		if err := w.Abort(); err != nil {
			t.Fatalf("abort: %v", err)
		}
		if err := w.Abort(); err != nil {
			t.Fatalf("second abort: %v", err)
		}
		if _, err := w.Commit(); err == nil {
			t.Fatal("commit after abort succeeded")
		}
		wantNotFound(t, st, name)
	}
	if got := names(t, st); len(got) != 0 {
		t.Fatalf("after aborts: %v", got)
	}
	if p, err := st.Pending(ctx(t)); err != nil || len(p) != 0 {
		t.Fatalf("pending after aborts: %+v, %v", p, err)
	}
	// The name is free again: an abort is not a use.
	put(t, st, "abort-1000", s.data(7, 10))
}

func (s *suite) createExisting(t *testing.T) {
	st := s.o.New(t)
	const name = "dup-20240101T000000Z.tar.zst"
	first := s.data(8, 5000)
	put(t, st, name, first)
	w, err := st.Create(ctx(t), name, store.CreateOptions{})
	if err == nil {
		_, _ = w.Write(s.data(9, 6000))
		_, err = w.Commit()
	}
	if !errors.Is(err, store.ErrExists) {
		t.Fatalf("second create of %s: %v, want ErrExists", name, err)
	}
	if got := readAll(t, st, name); !bytes.Equal(got, first) {
		t.Fatal("the first object changed")
	}
	if p, err := st.Pending(ctx(t)); err != nil || len(p) != 0 {
		t.Fatalf("pending after a refused create: %+v, %v", p, err)
	}
}

func (s *suite) concurrentCreate(t *testing.T) {
	st := s.o.New(t)
	other := s.o.Reopen(t, st)
	const name = "race"
	a, b := s.data(10, 3000), s.data(11, 4000)
	wa, errA := st.Create(ctx(t), name, store.CreateOptions{})
	wb, errB := other.Create(ctx(t), name, store.CreateOptions{})
	var commits int
	var winner []byte
	for _, c := range []struct {
		w    store.Writer
		err  error
		data []byte
	}{{wa, errA, a}, {wb, errB, b}} {
		if c.err != nil {
			if !errors.Is(c.err, store.ErrExists) {
				t.Fatalf("create: %v", c.err)
			}
			continue
		}
		_, _ = c.w.Write(c.data)
		if _, err := c.w.Commit(); err != nil {
			if !errors.Is(err, store.ErrExists) {
				t.Fatalf("commit: %v", err)
			}
			continue
		}
		commits++
		winner = c.data
	}
	if commits != 1 {
		t.Fatalf("%d of two creates of one name committed, want 1", commits)
	}
	if got := readAll(t, st, name); !bytes.Equal(got, winner) {
		t.Fatal("the object holds neither writer's bytes whole")
	}
}

func (s *suite) names(t *testing.T) {
	st := s.o.New(t)
	want := append([]string(nil), Names...)
	for i, n := range want {
		put(t, st, n, s.data(uint64(20+i), 10+i))
	}
	sort.Strings(want)
	got := names(t, st)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("list:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i, n := range Names {
		if b := readAll(t, st, n); !bytes.Equal(b, s.data(uint64(20+i), 10+i)) {
			t.Fatalf("%s reads back wrong", n)
		}
	}
}

func (s *suite) badNames(t *testing.T) {
	st := s.o.New(t)
	for _, n := range []string{"", ".", "..", "a/b", `a\b`, "/a", "a\x00b", "tab\there", strings.Repeat("n", store.MaxNameLen+1)} {
		if w, err := st.Create(ctx(t), n, store.CreateOptions{}); err == nil {
			w.Abort()
			t.Errorf("create %q succeeded", n)
		}
		if _, err := st.Open(ctx(t), n, store.OpenOptions{}); err == nil {
			t.Errorf("open %q succeeded", n)
		}
	}
}

func (s *suite) cancel(t *testing.T) {
	st := s.o.New(t)
	c, cancel := context.WithCancel(ctx(t))
	w, err := st.Create(c, "cancelled", store.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(s.data(30, s.o.PendingBytes+1)); err != nil {
		t.Fatal(err)
	}
	cancel()
	_, werr := w.Write(s.data(31, 1<<20))
	_, cerr := w.Commit()
	if cerr == nil {
		t.Fatalf("commit after cancel succeeded (write: %v)", werr)
	}
	if k := store.KindOf(cerr); k != store.KindInterrupted {
		t.Fatalf("commit after cancel: %v (kind %q), want kind %q", cerr, k, store.KindInterrupted)
	}
	_ = w.Abort()
	wantNotFound(t, st, "cancelled")
}

func (s *suite) pendingAndCleanup(t *testing.T) {
	st := s.o.New(t)
	const name = "half-20240101T000000Z.tar.zst"
	w, err := st.Create(ctx(t), name, store.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(s.data(40, s.o.PendingBytes+1)); err != nil {
		t.Fatal(err)
	}
	// A second handle, as the next run would have, sees the create.
	next := s.o.Reopen(t, st)
	p, err := next.Pending(ctx(t))
	if err != nil || len(p) != 1 || p[0].Name != name {
		t.Fatalf("pending: %+v, %v; want %s", p, err, name)
	}
	if got := names(t, next); len(got) != 0 {
		t.Fatalf("a create in progress is listed: %v", got)
	}
	removed, err := next.CleanupOrphans(ctx(t), func(n string) bool { return n != name })
	if err != nil || len(removed) != 0 {
		t.Fatalf("cleanup of nothing of ours: %v, %v", removed, err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if p, err := next.Pending(ctx(t)); err != nil || len(p) != 0 {
		t.Fatalf("pending after abort: %+v, %v", p, err)
	}
	if s.o.Orphan == nil {
		return
	}
	// What a killed writer leaves: CleanupOrphans, which runs under the
	// lock and so never beside a live writer, removes it.
	s.o.Orphan(t, st, name)
	s.o.Orphan(t, st, "other-20240101T000000Z.tar.zst")
	p, err = next.Pending(ctx(t))
	if err != nil || len(p) != 2 || p[0].Name != name {
		t.Fatalf("pending orphans: %+v, %v", p, err)
	}
	removed, err = next.CleanupOrphans(ctx(t), func(n string) bool { return n == name })
	if err != nil || len(removed) != 1 || removed[0] != name {
		t.Fatalf("cleanup: %v, %v", removed, err)
	}
	removed, err = next.CleanupOrphans(ctx(t), nil)
	if err != nil || len(removed) != 1 {
		t.Fatalf("cleanup of the rest: %v, %v", removed, err)
	}
	if p, err := next.Pending(ctx(t)); err != nil || len(p) != 0 {
		t.Fatalf("pending after cleanup: %+v, %v", p, err)
	}
	wantNotFound(t, st, name)
	// The name is free: an orphan is not a use.
	put(t, st, name, []byte("x"))
}

func (s *suite) lockExcludes(t *testing.T) {
	st := s.o.New(t)
	handles := []store.Store{st, s.o.Reopen(t, st), s.o.Reopen(t, st)}
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := handles[i%len(handles)]
			l, err := h.Lock(ctx(t), store.LockOptions{Command: fmt.Sprintf("test %d", i), Wait: time.Minute, Poll: 20 * time.Millisecond})
			if err != nil {
				errs <- err
				return
			}
			n := inside.Add(1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			if err := l.Check(); err != nil {
				errs <- err
			}
			time.Sleep(30 * time.Millisecond)
			inside.Add(-1)
			if err := l.Release(); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if most.Load() != 1 {
		t.Fatalf("%d lock holders at once, want 1", most.Load())
	}
}

func (s *suite) lockBusy(t *testing.T) {
	st := s.o.New(t)
	l, err := st.Lock(ctx(t), store.LockOptions{Command: "snapshot"})
	if err != nil {
		t.Fatal(err)
	}
	if l.Info().Command != "snapshot" || l.Info().PID <= 0 || l.Info().Token == "" {
		t.Fatalf("lock info %+v", l.Info())
	}
	other := s.o.Reopen(t, st)
	start := time.Now()
	_, err = other.Lock(ctx(t), store.LockOptions{Command: "prune", Wait: 300 * time.Millisecond, Poll: 50 * time.Millisecond})
	var le *store.LockedError
	if !errors.As(err, &le) {
		t.Fatalf("second lock: %v, want *store.LockedError", err)
	}
	if time.Since(start) < 250*time.Millisecond {
		t.Fatalf("gave up after %s, before the wait", time.Since(start))
	}
	if le.Holder == nil || le.Holder.Command != "snapshot" || le.Holder.Token != l.Info().Token {
		t.Fatalf("holder %+v, want the snapshot's lock", le.Holder)
	}
	if _, err := other.Lock(ctx(t), store.LockOptions{Wait: -1}); !errors.As(err, &le) {
		t.Fatalf("lock without waiting: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Fatalf("second release: %v", err)
	}
	l2, err := other.Lock(ctx(t), store.LockOptions{Wait: -1})
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	if l2.TakenOver() != nil {
		t.Fatalf("a released lock was taken over: %+v", l2.TakenOver())
	}
	if got := names(t, st); len(got) != 0 {
		t.Fatalf("the lock is listed: %v", got)
	}
	if err := l2.Release(); err != nil {
		t.Fatal(err)
	}
}

func (s *suite) listPrefixes(t *testing.T) {
	if s.o.Sub == nil {
		t.Skip("no Sub")
	}
	st := s.o.New(t)
	put(t, st, "top", []byte("x"))
	for _, n := range []string{"client-b", "client-a"} {
		put(t, s.o.Sub(t, st, n), "eFaktur-20261121T080000Z.tar.zst", []byte(n))
	}
	got, err := st.ListPrefixes(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	if strings.Join(got, ",") != "client-a,client-b" {
		t.Fatalf("prefixes %v, want client-a, client-b", got)
	}
	if got := names(t, st); len(got) != 1 || got[0] != "top" {
		t.Fatalf("the parent lists %v, want only top", got)
	}
	if b := readAll(t, s.o.Sub(t, st, "client-a"), "eFaktur-20261121T080000Z.tar.zst"); string(b) != "client-a" {
		t.Fatalf("sub-store reads %q", b)
	}
}

// heapWatch samples the Go heap until stopped and returns the peak growth
// over the heap at the start.
func heapWatch() (stop func() uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > base && ms.HeapInuse-base > peak.Load() {
				peak.Store(ms.HeapInuse - base)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		return peak.Load()
	}
}

// source is size pseudo-random bytes, made as they are read, so that the
// test itself holds no copy.
type source struct {
	r    *rand.ChaCha8
	left int64
}

func (s *source) Read(p []byte) (int, error) {
	if s.left == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > s.left {
		p = p[:s.left]
	}
	_, _ = s.r.Read(p)
	s.left -= int64(len(p))
	return len(p), nil
}

func (s *suite) large(t *testing.T) {
	st := s.o.New(t)
	const name = "large-20240101T000000Z.tar.zst"
	size := s.o.LargeSize
	c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	stop := heapWatch()
	start := time.Now()
	w, err := st.Create(c, name, store.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	buf := make([]byte, 1<<20)
	n, err := io.CopyBuffer(w, io.TeeReader(&source{r: s.rng(50), left: size}, h), buf)
	if err != nil || n != size {
		t.Fatalf("write: %d, %v", n, err)
	}
	if _, err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	peak := stop()
	t.Logf("create of %d MiB: %s (%.0f MiB/s), Go heap grew by at most %.1f MiB", size>>20, took.Round(time.Millisecond),
		float64(size)/(1<<20)/took.Seconds(), float64(peak)/(1<<20))
	if peak > s.o.MaxHeap {
		t.Errorf("the Go heap grew by %.1f MiB while streaming %d MiB, want at most %d MiB", float64(peak)/(1<<20), size>>20, s.o.MaxHeap>>20)
	}
	want := h.Sum(nil)
	stop = heapWatch()
	r, err := st.Open(c, name, store.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h.Reset()
	if n, err := io.CopyBuffer(h, r, buf); err != nil || n != size {
		t.Fatalf("read back: %d, %v", n, err)
	}
	peak = stop()
	r.Close() // Windows removes no open file
	if !bytes.Equal(h.Sum(nil), want) {
		t.Fatal("read back differs")
	}
	if peak > s.o.MaxHeap {
		t.Errorf("the Go heap grew by %.1f MiB while reading %d MiB back, want at most %d MiB", float64(peak)/(1<<20), size>>20, s.o.MaxHeap>>20)
	}
	if err := st.Remove(c, name); err != nil {
		t.Fatal(err)
	}
}

// CheckDetail asserts that err is a store error of kind with the English
// detail want, kept as a catalogue message that reads as Indonesian.
func CheckDetail(t *testing.T, what string, err error, kind store.Kind, want string) {
	t.Helper()
	var e *store.Error
	if !errors.As(err, &e) {
		t.Errorf("%s: %v is not a store error", what, err)
		return
	}
	if e.Kind != kind || e.Detail != want {
		t.Errorf("%s: kind %q detail %q, want %q %q", what, e.Kind, e.Detail, kind, want)
	}
	i18ntest.Check(t, what, e.Detail, e.Text)
	t.Logf("%s: %s | %s", what, e.In(i18n.EN), e.In(i18n.ID))
}
