// Package s3 is the store for a bucket on Amazon S3 or any S3-compatible
// object store (MinIO, Wasabi, Backblaze B2, Cloudflare R2, versitygw,
// Ceph), under one prefix per install.
//
// What makes it safe to keep snapshots there:
//   - A create streams into a multipart upload of the final key as the
//     bytes arrive, in parts of DefaultPartSize with at most
//     DefaultPartsInFlight at once: no local copy, about 5 MiB of memory.
//     Only Commit completes the upload, with If-None-Match: * so that a
//     name is never written twice; a killed process leaves an incomplete
//     upload, never an object, and CleanupOrphans aborts it.
//   - With CreateOptions.LockDays, each object is written under an Object
//     Lock retention (per object: some servers do not apply a bucket's
//     default retention per object). Nobody with efbackup's credentials
//     can delete or overwrite that version before the date.
//   - In a versioned bucket a plain DELETE only adds a delete marker and a
//     PUT only adds a version. List, Stat and Open look past both: they
//     describe and read the first version of each name, the one efbackup
//     wrote, and report the later ones as Tamper.
//   - The lock is an object created with If-None-Match: * and refreshed by
//     a heartbeat (see lock.go).
//
// Credentials come from the standard AWS variables and profile files,
// never from a command line, and never appear in an error or a String().
package s3

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/efbackup/efbackup/store"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// LockName is the lock object's name under the prefix.
const LockName = "efbackup.lock"

// Store is one bucket prefix.
type Store struct {
	bucket, prefix string
	endpoint       *url.URL
	showEndpoint   bool // String names a non-AWS endpoint
	credSource     string
	region         string
	client         *minio.Client
	core           *minio.Core
	httpc          *http.Client
	secrets        secrets
	accessKey      string

	partSize, inFlight, readAhead int

	mu         sync.Mutex
	objectLock *bool // the bucket's Object Lock, once asked
	condWrites int   // lock.go: 0 unknown, 1 supported, 2 not
	lockSettle time.Duration
}

// New returns the store for cfg. It reads the environment and the profile
// files but does not touch the network.
func New(cfg Config) (*Store, error) {
	where := "s3://" + cfg.Bucket
	if cfg.Prefix != "" {
		where += "/" + cfg.Prefix
	}
	if _, _, err := ParseURL(where); err != nil {
		return nil, configErr(where, err).Quote(err)
	}
	prefix, _ := cleanPrefix(cfg.Prefix)
	r, err := cfg.resolve(where)
	if err != nil {
		return nil, err
	}
	s := &Store{
		bucket: cfg.Bucket, prefix: prefix, endpoint: r.endpoint, showEndpoint: !r.aws,
		credSource: r.credSource, region: r.region, accessKey: r.accessKey,
		secrets:  secrets{values: []string{r.secretKey, r.token}},
		partSize: cfg.PartSize, inFlight: cfg.PartsInFlight, readAhead: cfg.ReadAhead,
		lockSettle: 2 * time.Second,
	}
	if s.partSize == 0 {
		s.partSize = DefaultPartSize
	}
	if s.partSize < 5<<20 {
		return nil, configErr(where, nil).Say("store.detail.partsize", s.partSize)
	}
	if s.inFlight <= 0 {
		s.inFlight = DefaultPartsInFlight
	}
	if s.readAhead <= 0 {
		s.readAhead = DefaultReadAhead
	}
	ioTimeout := cfg.IOTimeout
	if ioTimeout <= 0 {
		ioTimeout = DefaultIOTimeout
	}
	retries := cfg.MaxRetries
	switch {
	case retries == 0:
		retries = DefaultMaxRetries
	case retries < 0:
		retries = 1 // minio-go counts the first try
	}
	tr := transport(r.roots, ioTimeout)
	s.httpc = &http.Client{Transport: tr}
	lookup := minio.BucketLookupDNS
	if r.pathStyle {
		lookup = minio.BucketLookupPath
	}
	if r.aws && cfg.Addressing == AddressingAuto {
		lookup = minio.BucketLookupAuto
	}
	s.client, err = minio.New(r.endpoint.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(r.accessKey, r.secretKey, r.token),
		Secure:       r.endpoint.Scheme == "https",
		Region:       r.region,
		BucketLookup: lookup,
		Transport:    tr,
		MaxRetries:   retries,
	})
	if err != nil {
		return nil, configErr(where, nil).Plain(s.secrets.redact(err.Error()))
	}
	s.core = &minio.Core{Client: s.client}
	return s, nil
}

// String is s3://bucket/prefix, with the endpoint when it is not AWS's.
func (s *Store) String() string {
	u := "s3://" + s.bucket
	if s.prefix != "" {
		u += "/" + s.prefix
	}
	if s.showEndpoint {
		u += " at " + s.endpoint.Scheme + "://" + s.endpoint.Host
	}
	return u
}

// Path is where name lives, as a URL a person can give back to efbackup
// (s3://bucket/prefix/name); the endpoint is not part of it.
func (s *Store) Path(name string) string {
	return "s3://" + s.bucket + "/" + s.key(name)
}

// URL is the store's own s3://bucket/prefix, without the endpoint.
func (s *Store) URL() string {
	u := "s3://" + s.bucket
	if s.prefix != "" {
		u += "/" + s.prefix
	}
	return u
}

// GoString keeps %#v from printing the client, which holds the keys.
func (s *Store) GoString() string { return "s3.Store(" + s.String() + ")" }

// Bucket and Prefix say where the store is.
func (s *Store) Bucket() string { return s.bucket }
func (s *Store) Prefix() string { return s.prefix }

// CredentialSource says where the keys came from ("environment
// (AWS_ACCESS_KEY_ID)", `profile "x" in FILE`), for doctor. It names no
// key.
func (s *Store) CredentialSource() string { return s.credSource }

// Sub is the store for the prefix name below this one.
func (s *Store) Sub(name string) (*Store, error) {
	if err := store.CheckName(name); err != nil {
		return nil, configErr(s.String(), err).Quote(err)
	}
	return &Store{
		bucket: s.bucket, prefix: s.key(name), endpoint: s.endpoint, showEndpoint: s.showEndpoint,
		credSource: s.credSource, region: s.region, client: s.client, core: s.core, httpc: s.httpc,
		secrets: s.secrets, accessKey: s.accessKey, partSize: s.partSize, inFlight: s.inFlight,
		readAhead: s.readAhead, lockSettle: s.lockSettle, condWrites: s.conditional(),
	}, nil
}

func (s *Store) key(name string) string {
	if s.prefix == "" {
		return name
	}
	return s.prefix + "/" + name
}

func (s *Store) listPrefix() string {
	if s.prefix == "" {
		return ""
	}
	return s.prefix + "/"
}

func (s *Store) checkName(op, name string) error {
	if err := store.CheckName(name); err != nil {
		return (&store.Error{Kind: store.KindConfig, Op: op, Where: s.String(), Name: name}).Quote(err)
	}
	if name == LockName {
		return (&store.Error{Kind: store.KindConfig, Op: op, Where: s.String(), Name: name}).Say("store.detail.lockname")
	}
	return nil
}

// version is one version of a key.
type version struct {
	id           string
	deleteMarker bool
	latest       bool
	size         int64
	modTime      time.Time
	etag         string
}

func normVersion(id string) string {
	if id == "null" {
		return "" // an unversioned bucket's only version
	}
	return id
}

// versions lists every version of the keys under prefix p (one level, or
// exactly one key), in the order the server lists them.
func (s *Store) versions(ctx context.Context, p string, exact bool) (map[string][]version, []string, error) {
	out := map[string][]version{}
	var order []string
	opts := minio.ListObjectsOptions{Prefix: p, WithVersions: true}
	for o := range s.client.ListObjects(ctx, s.bucket, opts) {
		if o.Err != nil {
			return nil, nil, o.Err
		}
		if exact && o.Key != p {
			continue
		}
		if strings.HasSuffix(o.Key, "/") {
			continue // a common prefix: a folder below
		}
		if _, ok := out[o.Key]; !ok {
			order = append(order, o.Key)
		}
		out[o.Key] = append(out[o.Key], version{id: normVersion(o.VersionID), deleteMarker: o.IsDeleteMarker, latest: o.IsLatest, size: o.Size,
			modTime: o.LastModified, etag: strings.Trim(o.ETag, `"`)})
	}
	return out, order, nil
}

// entry describes a name from its versions. efbackup writes a name once,
// and refuses a name that has any version, so its version is the oldest
// one holding data, and every other version came after it: tampering.
// Servers differ in the order they list versions and delete markers in
// (versitygw lists the markers first), so the order is not trusted: the
// newest is the one marked latest, the oldest the earliest modified (a
// tie goes to the later listed, as S3 lists each kind newest first). ok
// is false when no version holds data.
func entry(name string, vs []version) (store.Entry, bool) {
	first := -1
	for i, v := range vs {
		if !v.deleteMarker && (first < 0 || !v.modTime.After(vs[first].modTime)) {
			first = i
		}
	}
	if first < 0 {
		return store.Entry{}, false
	}
	v := vs[first]
	e := store.Entry{Name: name, Size: v.size, ModTime: v.modTime, VersionID: v.id}
	if len(vs) > 1 {
		newest := vs[0]
		for _, v := range vs {
			if v.latest {
				newest = v
			}
		}
		e.Tamper = &store.Tamper{DeleteMarker: newest.deleteMarker, Newer: len(vs) - 1, NewestVersionID: newest.id}
	}
	return e, true
}

// List lists the committed objects directly under the prefix.
func (s *Store) List(ctx context.Context, opts store.ListOptions) ([]store.Entry, error) {
	vs, order, err := s.versions(ctx, s.listPrefix(), false)
	if err != nil {
		return nil, s.fail("list", "", err)
	}
	var out []store.Entry
	for _, k := range order {
		name := strings.TrimPrefix(k, s.listPrefix())
		if name == LockName || store.CheckName(name) != nil {
			continue
		}
		if e, ok := entry(name, vs[k]); ok {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if opts.Retention {
		if err := s.fillRetention(ctx, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// fillRetention asks for the entries' retentions, four at a time.
func (s *Store) fillRetention(ctx context.Context, es []store.Entry) error {
	var wg sync.WaitGroup
	errs := make([]error, len(es))
	sem := make(chan struct{}, 4)
	for i := range es {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			es[i].Retention, errs[i] = s.retention(ctx, es[i].Name, es[i].VersionID)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Stat describes one name, with its retention.
func (s *Store) Stat(ctx context.Context, name string) (store.Entry, error) {
	e, err := s.stat(ctx, "stat", name)
	if err != nil {
		return e, err
	}
	e.Retention, err = s.retention(ctx, name, e.VersionID)
	return e, err
}

func (s *Store) stat(ctx context.Context, op, name string) (store.Entry, error) {
	if err := s.checkName(op, name); err != nil {
		return store.Entry{}, err
	}
	k := s.key(name)
	vs, _, err := s.versions(ctx, k, true)
	if err != nil {
		return store.Entry{}, s.fail(op, name, err)
	}
	e, ok := entry(name, vs[k])
	if !ok {
		return store.Entry{}, (&store.Error{Kind: store.KindServer, Op: op, Where: s.String(), Name: name, Err: store.ErrNotFound}).Say("store.detail.notfound")
	}
	return e, nil
}

// Retention returns the retention of the version Stat reports.
func (s *Store) Retention(ctx context.Context, name string) (store.Retention, error) {
	e, err := s.Stat(ctx, name)
	return e.Retention, err
}

// Remove deletes every version of name, which only succeeds once all
// their retentions have passed; before that it returns *RetainedError
// without touching anything.
func (s *Store) Remove(ctx context.Context, name string) error {
	if err := s.checkName("remove", name); err != nil {
		return err
	}
	k := s.key(name)
	vm, _, err := s.versions(ctx, k, true)
	if err != nil {
		return s.fail("remove", name, err)
	}
	vs := vm[k]
	e, ok := entry(name, vs)
	if !ok {
		return (&store.Error{Kind: store.KindServer, Op: "remove", Where: s.String(), Name: name, Err: store.ErrNotFound}).Say("store.detail.notfound")
	}
	now := time.Now()
	for _, v := range vs {
		if v.deleteMarker {
			continue
		}
		r, err := s.retention(ctx, name, v.id)
		if err != nil {
			return err
		}
		if r.Active(now) {
			return &store.RetainedError{Where: s.String(), Name: name, Retention: r}
		}
	}
	// The snapshot's own version last: were this stopped half-way, it is
	// the one left, and the name still lists as the snapshot.
	sort.SliceStable(vs, func(i, j int) bool { return vs[j].id == e.VersionID && vs[i].id != e.VersionID })
	for _, v := range vs {
		err := s.client.RemoveObject(ctx, s.bucket, k, minio.RemoveObjectOptions{VersionID: v.id})
		if err != nil && !isNotFound(err) {
			return s.fail("remove", name, err)
		}
	}
	return nil
}

// retention reads a version's Object Lock retention. A HEAD says it on
// AWS and, for the newest version, on versitygw; where the HEAD is silent
// and the bucket has Object Lock, GetObjectRetention is asked, read
// leniently (versitygw names its reply's root element differently).
func (s *Store) retention(ctx context.Context, name, vid string) (store.Retention, error) {
	k := s.key(name)
	oi, err := s.client.StatObject(ctx, s.bucket, k, minio.StatObjectOptions{VersionID: vid})
	if err != nil {
		return store.Retention{}, s.fail("retention", name, err)
	}
	if r, ok := retentionFromHeader(oi.Metadata); ok {
		return r, nil
	}
	if !s.bucketHasObjectLock(ctx) {
		return store.Retention{}, nil
	}
	r, err := s.getRetention(ctx, k, vid)
	if err != nil {
		return store.Retention{}, s.fail("retention", name, err)
	}
	return r, nil
}

func retentionFromHeader(h http.Header) (store.Retention, bool) {
	mode, until := h.Get("X-Amz-Object-Lock-Mode"), h.Get("X-Amz-Object-Lock-Retain-Until-Date")
	if mode == "" || until == "" {
		return store.Retention{}, false
	}
	t, err := time.Parse(time.RFC3339, until)
	if err != nil {
		return store.Retention{}, false
	}
	return store.Retention{Mode: strings.ToUpper(mode), Until: t}, true
}

// bucketHasObjectLock asks once whether the bucket has Object Lock; when
// it cannot tell (the key may not read the configuration) it says yes, so
// that retentions are looked for rather than missed.
func (s *Store) bucketHasObjectLock(ctx context.Context) bool {
	s.mu.Lock()
	if s.objectLock != nil {
		v := *s.objectLock
		s.mu.Unlock()
		return v
	}
	s.mu.Unlock()
	st, err := s.BucketStatus(ctx)
	v := err != nil || st.ObjectLock
	s.mu.Lock()
	s.objectLock = &v
	s.mu.Unlock()
	return v
}

// BucketStatus is what doctor reports about a bucket.
type BucketStatus struct {
	Versioning string // "Enabled", "Suspended" or "" (never enabled)
	ObjectLock bool
	// DefaultMode and DefaultDays describe the bucket's default retention,
	// if any. efbackup sets a retention on each object itself and does not
	// rely on it.
	DefaultMode string
	DefaultDays int
}

// BucketStatus reads the bucket's versioning and Object Lock settings.
func (s *Store) BucketStatus(ctx context.Context) (BucketStatus, error) {
	var st BucketStatus
	v, err := s.client.GetBucketVersioning(ctx, s.bucket)
	if err != nil {
		return st, s.fail("bucket status", "", err)
	}
	st.Versioning = v.Status
	enabled, mode, validity, unit, err := s.client.GetObjectLockConfig(ctx, s.bucket)
	switch {
	case err == nil:
		st.ObjectLock = enabled == "Enabled"
		if mode != nil && validity != nil && unit != nil {
			st.DefaultMode = strings.ToUpper(string(*mode))
			st.DefaultDays = int(*validity)
			if *unit == minio.Years {
				st.DefaultDays *= 365
			}
		}
	case isCode(err, "ObjectLockConfigurationNotFoundError", "NoSuchObjectLockConfiguration") || isNotFound(err):
	default:
		return st, s.fail("bucket status", "", err)
	}
	s.mu.Lock()
	s.objectLock = &st.ObjectLock
	s.mu.Unlock()
	return st, nil
}

// Pending lists the incomplete multipart uploads directly under the
// prefix.
func (s *Store) Pending(ctx context.Context) ([]store.Pending, error) {
	var out []store.Pending
	for u := range s.client.ListIncompleteUploads(ctx, s.bucket, s.listPrefix(), false) {
		if u.Err != nil {
			return nil, s.fail("list uploads", "", u.Err)
		}
		name := strings.TrimPrefix(u.Key, s.listPrefix())
		if !strings.HasPrefix(u.Key, s.listPrefix()) || store.CheckName(name) != nil {
			continue
		}
		out = append(out, store.Pending{Name: name, Started: u.Initiated, ID: u.UploadID})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// CleanupOrphans aborts the incomplete uploads whose names ours accepts.
func (s *Store) CleanupOrphans(ctx context.Context, ours func(string) bool) ([]string, error) {
	ps, err := s.Pending(ctx)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, p := range ps {
		if ours != nil && !ours(p.Name) {
			continue
		}
		err := s.core.AbortMultipartUpload(ctx, s.bucket, s.key(p.Name), p.ID)
		if err != nil && !isCode(err, "NoSuchUpload") {
			return removed, s.fail("abort upload", p.Name, err)
		}
		removed = append(removed, p.Name)
	}
	return removed, nil
}

// ListPrefixes lists the prefixes one level below, including those whose
// objects all carry delete markers.
func (s *Store) ListPrefixes(ctx context.Context) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	opts := minio.ListObjectsOptions{Prefix: s.listPrefix(), WithVersions: true}
	for o := range s.client.ListObjects(ctx, s.bucket, opts) {
		if o.Err != nil {
			return nil, s.fail("list", "", o.Err)
		}
		name, ok := strings.CutSuffix(strings.TrimPrefix(o.Key, s.listPrefix()), "/")
		if !ok || name == "" || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, name)
	}
	sort.Strings(out)
	return out, nil
}

var _ store.Store = (*Store)(nil)
