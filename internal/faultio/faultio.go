// Package faultio is where efbackup's reads can be made to fail on purpose,
// the way a failing disk, a bad sector or a dropped network share fails
// them: after some bytes of a file were read, the next read returns an
// error. Every read of a source file and of a snapshot goes through Reader,
// so the tests can prove that such an error is reported clearly and loses
// nothing.
//
// Only tests set rules (Set). With none, Reader returns the reader it was
// given: the program users run pays nothing and cannot be made to fail.
package faultio

import (
	"io"
	"os"
	"strings"
	"sync"
)

// Rule makes reads of a file fail: the first Offset bytes of a file whose
// path ends in Suffix read normally, then each read returns Err. The first
// Skip readers of a matching file are left alone, so that a test can let
// one pass over the file succeed and make a later one fail.
type Rule struct {
	Suffix string
	Offset int64
	Skip   int
	Err    error
}

var (
	mu    sync.Mutex
	rules []*Rule
)

// Set installs rules (replacing any earlier ones) and returns a function
// that removes them.
func Set(r ...Rule) (reset func()) {
	mu.Lock()
	prev := rules
	rules = nil
	for _, x := range r {
		x := x
		rules = append(rules, &x)
	}
	mu.Unlock()
	return func() {
		mu.Lock()
		rules = prev
		mu.Unlock()
	}
}

// Reader returns r, or, when a rule matches path, a reader that fails at
// the rule's offset with an *os.PathError for path, as os.File.Read would.
func Reader(path string, r io.Reader) io.Reader {
	mu.Lock()
	defer mu.Unlock()
	for _, rule := range rules {
		if strings.HasSuffix(path, rule.Suffix) {
			if rule.Skip > 0 {
				rule.Skip--
				return r
			}
			return &faulty{r: r, path: path, left: rule.Offset, err: rule.Err}
		}
	}
	return r
}

type faulty struct {
	r    io.Reader
	path string
	left int64
	err  error
}

func (f *faulty) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, &os.PathError{Op: "read", Path: f.path, Err: f.err}
	}
	if int64(len(p)) > f.left {
		p = p[:f.left]
	}
	n, err := f.r.Read(p)
	f.left -= int64(n)
	return n, err
}
