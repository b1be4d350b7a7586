package fsutil

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestReplaceFileHookAndLeftovers(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "j")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	// At the hook the new content is durable under a temporary name and
	// the file still holds the old one.
	var atHook string
	err := ReplaceFileHook(p, []byte("new"), PrivatePerm, func() {
		b, _ := os.ReadFile(p)
		atHook = string(b)
		m, _ := filepath.Glob(p + ".*.tmp")
		if len(m) != 1 {
			t.Errorf("temporary files at the hook: %v", m)
		}
	})
	if err != nil || atHook != "old" {
		t.Fatalf("%v, at the hook %q", err, atHook)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Fatalf("after: %q", b)
	}
	// What a killed writer leaves is removed; nothing else is.
	for _, n := range []string{"j.123.tmp", "j.12a.tmp", "j..tmp", "jx.1.tmp", "j.1.tmp.bak", "k.1.tmp"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "j.5.tmp"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := RemoveReplaceLeftovers(p); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	var left []string
	for _, e := range ents {
		left = append(left, e.Name())
	}
	sort.Strings(left)
	if got := strings.Join(left, " "); got != "j j..tmp j.1.tmp.bak j.12a.tmp j.5.tmp jx.1.tmp k.1.tmp" {
		t.Fatalf("left: %s", got)
	}
}

// appendTwice opens a run log with OpenPrivate twice, appending a line each
// time, checks both lines are there, and returns its path.
func appendTwice(t *testing.T, dir string) string {
	t.Helper()
	logf := filepath.Join(dir, "runs.log")
	for _, line := range []string{"one\n", "two\n"} {
		f, err := OpenPrivate(logf, os.O_WRONLY|os.O_APPEND|os.O_CREATE)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(line))
		f.Close()
	}
	if b, _ := os.ReadFile(logf); string(b) != "one\ntwo\n" {
		t.Fatalf("append: %q", b)
	}
	return logf
}
