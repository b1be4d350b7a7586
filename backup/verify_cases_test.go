package backup

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// rewriteArchive decompresses a snapshot, lets edit change its members, and
// compresses it again: a tampered archive whose zstd and tar layers are
// sound, so only the manifest checks can catch the change.
func rewriteArchive(t *testing.T, path string, edit func(name string, data []byte) (string, []byte, bool)) {
	t.Helper()
	raw, err := os.ReadFile(path)
	must(t, err)
	dec, err := zstd.NewReader(bytes.NewReader(raw))
	must(t, err)
	defer dec.Close()
	tr := tar.NewReader(dec)
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		must(t, err)
		data, err := io.ReadAll(tr)
		must(t, err)
		name, data, keep := edit(h.Name, data)
		if !keep {
			continue
		}
		h.Name, h.Size = name, int64(len(data))
		must(t, tw.WriteHeader(h))
		_, err = tw.Write(data)
		must(t, err)
	}
	must(t, tw.Close())
	must(t, os.WriteFile(path, compress(t, out.Bytes()), 0o600))
}

func hasProblem(rep *VerifyReport, kind, file string) bool {
	for _, p := range rep.Problems {
		if p.Kind == kind && (file == "" || p.File == file) {
			return true
		}
	}
	return false
}

// Each way a snapshot can be damaged or tampered with, and the problem verify
// must report for it.
func TestVerifyCatches(t *testing.T) {
	cases := map[string]struct {
		damage func(t *testing.T, archive string)
		kind   string
		file   string
	}{
		"file missing from the archive": {func(t *testing.T, a string) {
			rewriteArchive(t, a, func(n string, d []byte) (string, []byte, bool) { return n, d, n != "db/efaktur.trace.db" })
		}, ProblemMissing, "efaktur.trace.db"},
		"file content changed": {func(t *testing.T, a string) {
			rewriteArchive(t, a, func(n string, d []byte) (string, []byte, bool) {
				if n == "db/efaktur.trace.db" {
					d = bytes.ToUpper(d)
				}
				return n, d, true
			})
		}, ProblemHash, "efaktur.trace.db"},
		"edited manifest": {func(t *testing.T, a string) {
			rewriteArchive(t, a, func(n string, d []byte) (string, []byte, bool) {
				if n == ManifestName {
					d = bytes.Replace(d, []byte(`"label": "test"`), []byte(`"label": "evil"`), 1)
				}
				return n, d, true
			})
		}, ProblemSidecar, ""},
		"edited manifest hash": {func(t *testing.T, a string) {
			rewriteArchive(t, a, func(n string, d []byte) (string, []byte, bool) {
				if n == ManifestName {
					m, err := ParseManifest(d)
					must(t, err)
					m.Files[0].SHA256 = strings.Repeat("0", 64)
					m.Finish()
					d, _ = m.Marshal()
				}
				return n, d, true
			})
		}, ProblemHash, ""},
		"edited SHA256SUMS": {func(t *testing.T, a string) {
			rewriteArchive(t, a, func(n string, d []byte) (string, []byte, bool) {
				if n == SumsName {
					d = append([]byte(strings.Repeat("f", 64)+"  db/other\n"), d...)
				}
				return n, d, true
			})
		}, ProblemSums, ""},
		"mismatched sidecar": {func(t *testing.T, a string) {
			b, err := os.ReadFile(a + SidecarSuffix)
			must(t, err)
			must(t, os.WriteFile(a+SidecarSuffix, bytes.Replace(b, []byte(`"host"`), []byte(`"host" `), 1), 0o600))
		}, ProblemSidecar, ""},
		"flipped byte in the compressed data": {func(t *testing.T, a string) {
			b, err := os.ReadFile(a)
			must(t, err)
			b[len(b)/3] ^= 0x01
			must(t, os.WriteFile(a, b, 0o600))
		}, "", ""},
		"truncated archive": {func(t *testing.T, a string) {
			fi, err := os.Stat(a)
			must(t, err)
			must(t, os.Truncate(a, fi.Size()*2/3))
		}, ProblemTruncated, ""},
		"garbage appended": {func(t *testing.T, a string) {
			f, err := os.OpenFile(a, os.O_APPEND|os.O_WRONLY, 0)
			must(t, err)
			f.Write([]byte("trailing garbage"))
			f.Close()
		}, ProblemCorrupt, ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			tmp := t.TempDir()
			db := filepath.Join(tmp, "db")
			makeDB(t, db)
			res := snap(t, db, filepath.Join(tmp, "out"))
			c.damage(t, res.Path)
			rep, err := VerifyArchive(context.Background(), res.Path, ReadOptions{})
			must(t, err)
			if rep.OK() {
				t.Fatal("verify found nothing")
			}
			if c.kind != "" && !hasProblem(rep, c.kind, c.file) {
				t.Fatalf("want a %q problem for %q; got %v", c.kind, c.file, rep.Problems)
			}
			assertWorded(t, name, rep.Problems)
		})
	}
}
