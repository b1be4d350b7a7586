package fsutil

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// FreeSpace reports room on a real folder, and a missing one as an error
// that names it.
func TestFreeSpace(t *testing.T) {
	dir := t.TempDir()
	if n, err := FreeSpace(dir); err != nil || n <= 0 {
		t.Fatalf("FreeSpace(%s) = %d, %v", dir, n, err)
	}
	missing := filepath.Join(dir, "nowhere")
	_, err := FreeSpace(missing)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "nowhere") {
		t.Fatalf("FreeSpace of a missing folder: %v", err)
	}
}
