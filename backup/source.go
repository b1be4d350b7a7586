package backup

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/efbackup/efbackup/store"
)

// Source is a snapshot to read: a file on a disk, or an object of a store
// (a folder, an S3 bucket). Verify and restore read it as a stream of
// bytes from its start, so that any store, and any transformation of the
// stream, plugs in.
type Source struct {
	// Name is what reports and the restore journal call the snapshot: its
	// path, or s3://bucket/prefix/NAME.
	Name string
	// Open returns the archive's bytes from the start. Restore calls it
	// twice: once to verify, once to extract.
	Open func(ctx context.Context) (io.ReadCloser, error)
	// Sidecar returns the sidecar manifest's bytes, or an error matching
	// fs.ErrNotExist when there is none.
	Sidecar func(ctx context.Context) ([]byte, error)
}

// FileSource is the snapshot in the file path, with its sidecar beside it.
func FileSource(path string) Source {
	return Source{
		Name: path,
		Open: func(context.Context) (io.ReadCloser, error) { return os.Open(path) },
		Sidecar: func(context.Context) ([]byte, error) {
			return readLimited(path+SidecarSuffix, MaxManifestBytes)
		},
	}
}

// StoreSource is the snapshot called name in st, with its sidecar beside
// it. In a versioned bucket both are read at the version efbackup wrote.
func StoreSource(st store.Store, name string) Source {
	return Source{
		Name: store.Path(st, name),
		Open: func(ctx context.Context) (io.ReadCloser, error) {
			return st.Open(ctx, name, store.OpenOptions{})
		},
		Sidecar: func(ctx context.Context) ([]byte, error) {
			return store.ReadAll(ctx, st, name+SidecarSuffix, MaxManifestBytes)
		},
	}
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// ReadSidecarFrom reads the sidecar manifest of the snapshot name in st.
// A missing sidecar is an error matching fs.ErrNotExist.
func ReadSidecarFrom(ctx context.Context, st store.Store, name string) (*Manifest, error) {
	b, err := store.ReadAll(ctx, st, name+SidecarSuffix, MaxManifestBytes)
	if err != nil {
		return nil, err
	}
	m, err := ParseSidecar(b)
	if err != nil {
		// Name the file, as a read of the file itself does.
		return nil, fmt.Errorf("%s: %w", store.Path(st, name+SidecarSuffix), err)
	}
	return m, nil
}
