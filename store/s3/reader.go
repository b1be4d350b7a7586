package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/efbackup/efbackup/store"
	"github.com/minio/minio-go/v7"
)

// reopenTries is how often a sequential read reconnects, at the offset it
// had reached, after the connection broke off in the middle of an object.
const reopenTries = 3

// Open reads the version Stat reports (the first one written), or
// opts.VersionID. Every request names that version, so that a version
// written meanwhile can never mix into the bytes read.
func (s *Store) Open(ctx context.Context, name string, opts store.OpenOptions) (store.Reader, error) {
	if err := s.checkName("open", name); err != nil {
		return nil, err
	}
	r := &reader{s: s, ctx: ctx, name: name, key: s.key(name), vid: opts.VersionID}
	if opts.VersionID == "" {
		e, err := s.stat(ctx, "open", name)
		if err != nil {
			return nil, err
		}
		r.vid, r.size = e.VersionID, e.Size
	}
	oi, err := s.client.StatObject(ctx, s.bucket, r.key, minio.StatObjectOptions{VersionID: r.vid})
	if err != nil {
		return nil, s.fail("open", name, err)
	}
	r.size, r.etag = oi.Size, oi.ETag
	return r, nil
}

type reader struct {
	s         *Store
	ctx       context.Context
	name, key string
	vid, etag string
	size      int64

	pos     int64         // Read and Seek's position
	body    io.ReadCloser // the sequential stream, from bodyPos on
	bodyPos int64

	mu    sync.Mutex // ReadAt's read-ahead buffer
	ra    []byte
	raOff int64
}

func (r *reader) Size() int64       { return r.size }
func (r *reader) VersionID() string { return r.vid }

// get opens a ranged GET of [off, end).
func (r *reader) get(off, end int64) (io.ReadCloser, error) {
	o := minio.GetObjectOptions{VersionID: r.vid}
	if r.vid == "" && r.etag != "" {
		// Unversioned: at least notice a replacement while reading.
		_ = o.SetMatchETag(r.etag)
	}
	if err := o.SetRange(off, end-1); err != nil {
		return nil, err
	}
	body, _, _, err := r.s.core.GetObject(r.ctx, r.s.bucket, r.key, o)
	if err != nil {
		if isPrecondition(err) {
			return nil, (&store.Error{Kind: store.KindServer, Op: "read", Where: r.s.String(), Name: r.name}).Say("store.detail.replaced")
		}
		return nil, r.s.fail("read", r.name, err)
	}
	return body, nil
}

func (r *reader) Read(p []byte) (int, error) {
	if r.pos >= r.size {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if int64(len(p)) > r.size-r.pos {
		p = p[:r.size-r.pos]
	}
	var lastErr error
	for try := 0; try <= reopenTries; try++ {
		if r.body != nil && r.bodyPos != r.pos {
			r.body.Close()
			r.body = nil
		}
		if r.body == nil {
			b, err := r.get(r.pos, r.size)
			if err != nil {
				return 0, midway(err)
			}
			r.body, r.bodyPos = b, r.pos
		}
		n, err := r.body.Read(p)
		r.pos += int64(n)
		r.bodyPos += int64(n)
		if n > 0 {
			return n, nil
		}
		if err == nil {
			continue
		}
		if errors.Is(err, io.EOF) && r.pos >= r.size {
			return 0, io.EOF
		}
		// Broken off early: reconnect where it stopped.
		r.body.Close()
		r.body = nil
		lastErr = err
		if r.ctx.Err() != nil {
			break
		}
	}
	if lastErr == nil || errors.Is(lastErr, io.EOF) {
		lastErr = io.ErrUnexpectedEOF
	}
	return 0, midway(r.s.fail("read", r.name, lastErr))
}

func (r *reader) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		off += r.pos
	case io.SeekEnd:
		off += r.size
	default:
		return r.pos, fmt.Errorf("seek: bad whence %d", whence)
	}
	if off < 0 {
		return r.pos, fmt.Errorf("seek: negative position %d", off)
	}
	r.pos = off
	return off, nil
}

// ReadAt serves small reads from a read-ahead buffer of at most readAhead
// bytes, filled by one ranged GET; a read at least that large goes
// straight into p.
func (r *reader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("ReadAt: negative offset %d", off)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for n < len(p) {
		at := off + int64(n)
		if at >= r.size {
			return n, io.EOF
		}
		if at >= r.raOff && at < r.raOff+int64(len(r.ra)) {
			n += copy(p[n:], r.ra[at-r.raOff:])
			continue
		}
		want := int64(len(p) - n)
		if want >= int64(r.s.readAhead) {
			k, err := r.fill(p[n:min(int64(len(p)), int64(n)+r.size-at)], at)
			n += k
			if err != nil {
				return n, err
			}
			continue
		}
		if r.ra == nil {
			r.ra = make([]byte, r.s.readAhead)
		}
		end := min(at+int64(r.s.readAhead), r.size)
		r.ra = r.ra[:cap(r.ra)][:end-at]
		if _, err := r.fill(r.ra, at); err != nil {
			r.ra = r.ra[:0]
			return n, err
		}
		r.raOff = at
	}
	return n, nil
}

// fill reads exactly len(b) bytes at off with one ranged GET, retrying
// one that breaks off.
func (r *reader) fill(b []byte, off int64) (int, error) {
	var lastErr error
	for try := 0; try <= reopenTries; try++ {
		body, err := r.get(off, off+int64(len(b)))
		if err != nil {
			return 0, err
		}
		_, err = io.ReadFull(body, b)
		body.Close()
		if err == nil {
			return len(b), nil
		}
		lastErr = err
		if r.ctx.Err() != nil {
			break
		}
	}
	return 0, midway(r.s.fail("read", r.name, lastErr))
}

func (r *reader) Close() error {
	if r.body != nil {
		r.body.Close()
		r.body = nil
	}
	r.ra = nil
	return nil
}
