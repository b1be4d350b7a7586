package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"hash"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/efbackup/efbackup/store"
	"github.com/minio/minio-go/v7"
)

// abortTimeout bounds the requests that clean up after a failed or
// cancelled create; they run even when the create's context is done.
const abortTimeout = 30 * time.Second

// Create starts writing name. The upload itself starts with the first
// full part, so a small object (a sidecar) costs one PUT at Commit.
func (s *Store) Create(ctx context.Context, name string, opts store.CreateOptions) (store.Writer, error) {
	if err := s.checkName("create", name); err != nil {
		return nil, err
	}
	po := minio.PutObjectOptions{ContentType: "application/octet-stream"}
	var ret store.Retention
	if opts.LockDays > 0 {
		switch strings.ToLower(opts.LockMode) {
		case "", store.LockGovernance:
			po.Mode = minio.Governance
		case store.LockCompliance:
			po.Mode = minio.Compliance
		default:
			return nil, (&store.Error{Kind: store.KindConfig, Op: "create", Where: s.String(), Name: name}).
				Say("store.detail.lockmode", opts.LockMode, store.LockGovernance, store.LockCompliance)
		}
		po.RetainUntilDate = time.Now().UTC().Add(time.Duration(opts.LockDays) * 24 * time.Hour).Truncate(time.Second)
		ret = store.Retention{Mode: string(po.Mode), Until: po.RetainUntilDate}
	}
	if opts.LockDays > 0 {
		// Refuse before writing: a server may accept the retention headers
		// of an upload into a bucket that cannot enforce them.
		if st, err := s.BucketStatus(ctx); err == nil && !st.ObjectLock {
			return nil, (&store.Error{Kind: store.KindNoObjectLock, Op: "create", Where: s.String(), Name: name}).
				Say("store.detail.cannotlock", s.bucket)
		} else if err != nil && store.KindOf(err) != store.KindAccessDenied {
			return nil, err
		}
	}
	// A name efbackup has used, even one deleted since, is never used
	// again: any version under it means it is taken. Commit checks again,
	// atomically, with If-None-Match.
	k := s.key(name)
	vs, _, err := s.versions(ctx, k, true)
	if err != nil {
		return nil, s.fail("create", name, err)
	}
	if len(vs[k]) > 0 {
		return nil, (&store.Error{Kind: store.KindServer, Op: "create", Where: s.String(), Name: name, Err: store.ErrExists}).Say("store.detail.exists")
	}
	wctx, cancel := context.WithCancel(ctx)
	w := &writer{s: s, ctx: ctx, wctx: wctx, cancel: cancel, name: name, key: k, po: po, ret: ret,
		free: make(chan []byte, s.inFlight), md5: md5.New()}
	w.buf = make([]byte, 0, min(64<<10, s.partSize))
	return w, nil
}

type writer struct {
	s         *Store
	ctx       context.Context // the caller's
	wctx      context.Context // the uploads'; cancelled by Abort
	cancel    context.CancelFunc
	name, key string
	po        minio.PutObjectOptions
	ret       store.Retention

	buf       []byte    // the part being filled
	md5       hash.Hash // of buf, as it fills
	allocated int       // part buffers made so far, at most inFlight
	free      chan []byte
	uploadID  string
	next      int // the next part's number
	written   int64
	done      bool

	wg    sync.WaitGroup
	mu    sync.Mutex
	parts []minio.CompletePart
	err   error // the first upload failure
}

func (w *writer) Written() int64 { return w.written }

func (w *writer) uploadErr() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func (w *writer) Write(p []byte) (int, error) {
	if w.done {
		return 0, errors.New("store: write after commit or abort")
	}
	if err := w.ctx.Err(); err != nil {
		return 0, w.s.fail("write", w.name, err)
	}
	if err := w.uploadErr(); err != nil {
		return 0, err
	}
	n := 0
	for len(p) > 0 {
		if len(w.buf) == w.s.partSize {
			if err := w.flush(); err != nil {
				return n, err
			}
		}
		room := w.s.partSize - len(w.buf)
		if room > cap(w.buf)-len(w.buf) {
			// The first buffer grows as a small object needs it; the
			// others are made full size.
			grown := make([]byte, len(w.buf), min(w.s.partSize, max(2*cap(w.buf), len(w.buf)+len(p))))
			copy(grown, w.buf)
			w.buf = grown
			room = min(room, cap(w.buf)-len(w.buf))
		}
		k := min(room, len(p))
		w.buf = append(w.buf, p[:k]...)
		w.md5.Write(p[:k])
		p = p[k:]
		n += k
		w.written += int64(k)
	}
	return n, nil
}

// flush hands the full buffer to an upload and takes a free one, waiting
// while inFlight parts are uploading: that wait is what bounds memory.
func (w *writer) flush() error {
	if w.uploadID == "" {
		id, err := w.s.core.NewMultipartUpload(w.ctx, w.s.bucket, w.key, w.po)
		if err != nil {
			return w.s.fail("create", w.name, err)
		}
		w.uploadID = id
	}
	if w.next >= maxParts {
		return (&store.Error{Kind: store.KindTooLarge, Op: "write", Where: w.s.String(), Name: w.name}).
			Say("store.detail.toomanyparts", maxParts, w.s.partSize>>20)
	}
	w.next++
	part, data, sum := w.next, w.buf, base64.StdEncoding.EncodeToString(w.md5.Sum(nil))
	w.allocated = max(w.allocated, 1)
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer func() { w.free <- data[:0] }()
		// Content-MD5 lets the server refuse a part damaged on the way, and
		// AWS requires it (or a checksum) for objects under Object Lock.
		p, err := w.s.core.PutObjectPart(w.wctx, w.s.bucket, w.key, w.uploadID, part, bytes.NewReader(data), int64(len(data)),
			minio.PutObjectPartOptions{Md5Base64: sum})
		w.mu.Lock()
		defer w.mu.Unlock()
		if err != nil {
			if w.err == nil {
				w.err = midway(w.s.fail("write", w.name, err))
			}
			return
		}
		w.parts = append(w.parts, minio.CompletePart{PartNumber: part, ETag: p.ETag})
	}()
	w.md5.Reset()
	if w.allocated < w.s.inFlight {
		w.allocated++
		w.buf = make([]byte, 0, w.s.partSize)
		return nil
	}
	select {
	case w.buf = <-w.free:
	case <-w.ctx.Done():
		return w.s.fail("write", w.name, w.ctx.Err())
	}
	if cap(w.buf) < w.s.partSize {
		w.buf = make([]byte, 0, w.s.partSize) // the first, small buffer came back
	}
	return w.uploadErr()
}

// Commit uploads what is left and completes the upload with
// If-None-Match: *, or, for an object smaller than a part, PUTs it whole
// with the same condition.
func (w *writer) Commit() (store.Committed, error) {
	if w.done {
		return store.Committed{}, errors.New("store: commit after commit or abort")
	}
	c, err := w.commit()
	if err != nil && c.Name != "" {
		// Committed, but the retention could not be confirmed: the caller
		// hears both.
		w.done = true
		w.cancel()
		return c, err
	}
	if err != nil {
		_ = w.Abort()
		return store.Committed{}, err
	}
	w.done = true
	w.cancel()
	return c, nil
}

func (w *writer) commit() (store.Committed, error) {
	if err := w.ctx.Err(); err != nil {
		return store.Committed{}, w.s.fail("commit", w.name, err)
	}
	po := w.po
	po.SetMatchETagExcept("*")
	var info minio.UploadInfo
	if w.uploadID == "" {
		po.SendContentMd5 = true
		po.DisableMultipart = true
		var err error
		info, err = w.s.client.PutObject(w.ctx, w.s.bucket, w.key, bytes.NewReader(w.buf), int64(len(w.buf)), po)
		if err != nil {
			return store.Committed{}, w.s.fail("commit", w.name, err)
		}
	} else {
		if len(w.buf) > 0 {
			if err := w.flush(); err != nil {
				return store.Committed{}, err
			}
		}
		w.wg.Wait()
		if err := w.uploadErr(); err != nil {
			return store.Committed{}, err
		}
		if err := w.ctx.Err(); err != nil {
			return store.Committed{}, w.s.fail("commit", w.name, err)
		}
		sort.Slice(w.parts, func(i, j int) bool { return w.parts[i].PartNumber < w.parts[j].PartNumber })
		if len(w.parts) != w.next {
			return store.Committed{}, (&store.Error{Kind: store.KindServer, Op: "commit", Where: w.s.String(), Name: w.name}).
				Say("store.detail.partsmissing", len(w.parts), w.next)
		}
		// Only the headers that matter to the completion: the retention
		// was given when the upload started.
		cpo := minio.PutObjectOptions{}
		cpo.SetMatchETagExcept("*")
		var err error
		info, err = w.s.core.CompleteMultipartUpload(w.ctx, w.s.bucket, w.key, w.uploadID, w.parts, cpo)
		if err != nil {
			return store.Committed{}, midway(w.s.fail("commit", w.name, err))
		}
		w.uploadID = "" // completed: nothing left to abort
	}
	c := store.Committed{Name: w.name, Size: w.written, VersionID: normVersion(info.VersionID), Retention: w.ret}
	if w.ret.Mode != "" {
		if err := w.ensureRetention(c.VersionID); err != nil {
			return c, err
		}
	}
	return c, nil
}

// ensureRetention checks that the retention asked for is on the version
// written, and sets it when the server dropped it: a snapshot promised to
// be locked must be locked, or the caller must hear it is not (Commit then
// returns the Committed object and the error).
func (w *writer) ensureRetention(vid string) error {
	got, err := w.s.retention(w.ctx, w.name, vid)
	if err != nil {
		return err
	}
	if got.Mode == w.ret.Mode && !got.Until.Before(w.ret.Until) {
		return nil
	}
	mode := minio.RetentionMode(w.ret.Mode)
	until := w.ret.Until
	if err := w.s.client.PutObjectRetention(w.ctx, w.s.bucket, w.key, minio.PutObjectRetentionOptions{Mode: &mode, RetainUntilDate: &until, VersionID: vid}); err != nil {
		return w.s.fail("set retention", w.name, err)
	}
	return nil
}

// Abort stops the uploads and aborts the multipart upload. When the abort
// cannot reach the server, the upload stays pending for CleanupOrphans;
// the final name is never written either way.
func (w *writer) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	// Let the parts in flight finish (for a while) rather than cut them
	// off: a server may go on writing a part whose request was cut off
	// after the abort, and so bring the upload back (versitygw does).
	finished := make(chan struct{})
	go func() { w.wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(abortTimeout):
		w.cancel()
		<-finished
	}
	w.cancel()
	w.buf = nil
	if w.uploadID == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(w.ctx), abortTimeout)
	defer cancel()
	err := w.s.core.AbortMultipartUpload(ctx, w.s.bucket, w.key, w.uploadID)
	if err != nil && !isCode(err, "NoSuchUpload") {
		return w.s.fail("abort", w.name, err)
	}
	w.uploadID = ""
	return nil
}
