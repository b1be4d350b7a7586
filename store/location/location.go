// Package location opens the store a URL names: s3://BUCKET/PREFIX is a
// bucket prefix (store/s3), anything else a local folder (store/local).
// It lives apart from package store so that the implementations can use
// store's types without an import cycle.
package location

import (
	"strings"

	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/local"
	"github.com/efbackup/efbackup/store/s3"
)

// Options are the settings of the kinds of store that need any; a local
// folder needs none.
type Options struct {
	// S3 is used for s3:// URLs; its Bucket and Prefix are taken from the
	// URL.
	S3 s3.Config
}

// IsS3 reports whether raw names a bucket.
func IsS3(raw string) bool { return strings.HasPrefix(raw, "s3://") }

// Open returns the store raw names. It touches neither the disk nor the
// network: the first operation does.
func Open(raw string, opts Options) (store.Store, error) {
	if !IsS3(raw) {
		return local.New(raw), nil
	}
	bucket, prefix, err := s3.ParseURL(raw)
	if err != nil {
		return nil, (&store.Error{Kind: store.KindConfig, Op: "open", Where: raw}).Quote(err)
	}
	cfg := opts.S3
	cfg.Bucket, cfg.Prefix = bucket, prefix
	return s3.New(cfg)
}
