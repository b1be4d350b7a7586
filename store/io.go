package store

import (
	"context"
	"fmt"
	"io"
)

// ReadAll reads a small object whole (a sidecar, a proof), refusing one
// larger than limit bytes. A missing object is an error matching
// ErrNotFound (and fs.ErrNotExist).
func ReadAll(ctx context.Context, st Store, name string, limit int64) ([]byte, error) {
	r, err := st.Open(ctx, name, OpenOptions{})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if r.Size() > limit {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d allowed", Path(st, name), r.Size(), limit)
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than the %d bytes allowed", Path(st, name), limit)
	}
	return b, nil
}

// WriteAll creates name holding data, all or nothing.
func WriteAll(ctx context.Context, st Store, name string, data []byte, opts CreateOptions) (Committed, error) {
	w, err := st.Create(ctx, name, opts)
	if err != nil {
		return Committed{}, err
	}
	if _, err := w.Write(data); err != nil {
		_ = w.Abort()
		return Committed{}, err
	}
	return w.Commit()
}
