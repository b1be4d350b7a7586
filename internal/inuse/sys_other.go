//go:build !unix && !windows

package inuse

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
)

// errUnsupported is what probes return where the system offers no way to
// see other processes' locks or open files.
var errUnsupported = errors.New("in-use probes are not supported on this system")

func probeFile(path string) (Signal, bool, error) {
	return Signal{}, false, &os.PathError{Op: "probe", Path: path, Err: errUnsupported}
}

func platformScanProcs(context.Context, string, []fileInfo, bool) procScan {
	return procScan{why: errUnsupported.Error()}
}

func readShared(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxLockFileSize))
}

func isRefused(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection refused")
}

func isUnroutable(error) bool { return false }
