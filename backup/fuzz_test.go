package backup

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// problemKinds are the kinds of problem verify may report; anything else
// is a kind no script or message knows.
var problemKinds = map[string]bool{
	ProblemCorrupt: true, ProblemTruncated: true, ProblemMissing: true, ProblemExtra: true, ProblemSize: true,
	ProblemHash: true, ProblemMode: true, ProblemManifest: true, ProblemSums: true, ProblemSidecar: true,
	ProblemHostile: true, ProblemDuplicate: true, ProblemDatabaseDamaged: true, ProblemUnreadable: true,
}

// sidecarSeeds are manifests as sidecars hold them: a real one written by
// Snapshot, the manifests inside the hostile corpus, and hostile sidecars
// (values and fields this release does not know, absurd sizes).
func sidecarSeeds(f *testing.F) [][]byte {
	tmp := f.TempDir()
	db := filepath.Join(tmp, "db")
	os.MkdirAll(filepath.Join(db, "sub"), 0o755)
	os.WriteFile(filepath.Join(db, "efaktur.mv.db"), bytes.Repeat([]byte("faktur "), 50), 0o644)
	os.WriteFile(filepath.Join(db, "sub", "x"), nil, 0o600)
	res, err := Snapshot(context.Background(), SnapshotOptions{DB: db, OutDir: tmp, Label: "f", Level: zstd.SpeedFastest, Now: func() time.Time { return time.Unix(1, 0) }})
	if err != nil {
		f.Fatal(err)
	}
	real, err := os.ReadFile(res.Sidecar)
	if err != nil {
		f.Fatal(err)
	}
	seeds := [][]byte{real}
	for _, edit := range []func(string) string{
		func(s string) string {
			return strings.Replace(s, `"files": [`, `"checks": {"verdict": "mixed"}, "files": [`, 1)
		},
		func(s string) string { return strings.Replace(s, `"compression": "zstd"`, `"compression": "xz"`, 1) },
		func(s string) string { return strings.Replace(s, `"schema"`, `"signature": "x", "schema"`, 1) },
		func(s string) string { return strings.Replace(s, `"size": 350`, `"size": 99999999999999999`, 1) },
		func(s string) string {
			return strings.Replace(s, `"path": "efaktur.mv.db"`, `"path": "../efaktur.mv.db"`, 1)
		},
		func(s string) string { return strings.Replace(s, `"mode": "0644"`, `"mode": "77777"`, 1) },
	} {
		seeds = append(seeds, []byte(edit(string(real))))
	}
	// The manifests the hostile archives carry.
	archives, _ := filepath.Glob(filepath.Join(hostileCorpus, "*"+ArchiveSuffix))
	for _, a := range archives {
		if b := embeddedManifest(f, a); b != nil {
			seeds = append(seeds, b)
		}
	}
	return seeds
}

// embeddedManifest is the manifest member of a tar.zst, or nil.
func embeddedManifest(f *testing.F, archive string) []byte {
	raw, err := os.ReadFile(archive)
	if err != nil {
		f.Fatal(err)
	}
	zr, err := zstd.NewReader(bytes.NewReader(raw), zstd.WithDecoderMaxWindow(8<<20), zstd.WithDecoderMaxMemory(64<<20))
	if err != nil {
		return nil
	}
	defer zr.Close()
	tr := tar.NewReader(io.LimitReader(zr, 64<<20))
	for {
		h, err := tr.Next()
		if err != nil {
			return nil
		}
		if h.Name == ManifestName {
			b, _ := io.ReadAll(io.LimitReader(tr, MaxManifestBytes+1))
			return b
		}
	}
}

// FuzzParseManifest: parsing never panics; every refusal is a
// *ManifestError (never an untyped error); whatever parses re-encodes to a
// manifest that parses to the same value (and the same bytes).
func FuzzParseManifest(f *testing.F) {
	m := validManifest(map[string][]byte{"efaktur.mv.db": []byte("x"), "sub/a": nil})
	m.Dirs = []Dir{{Path: "sub", Mode: 0o755}}
	b, _ := m.Marshal()
	f.Add(b)
	f.Add([]byte(`{"schema":"efbackup.manifest/1"}`))
	f.Add([]byte(`{}`))
	for _, s := range sidecarSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			var me *ManifestError
			if !errors.As(err, &me) || me.Detail == "" {
				t.Fatalf("a refusal that is not a *ManifestError: %#v", err)
			}
			return
		}
		out, err := m.Marshal()
		if err != nil {
			t.Fatalf("marshal of a parsed manifest failed: %v", err)
		}
		m2, err := ParseManifest(out)
		if err != nil {
			t.Fatalf("re-encoded manifest does not parse: %v\n%s", err, out)
		}
		out2, _ := m2.Marshal()
		if !bytes.Equal(out, out2) {
			t.Fatalf("encoding is not stable:\n%s\n%s", out, out2)
		}
	})
}

// FuzzVerifyArchive feeds arbitrary bytes, mutations of a real snapshot and
// the hostile corpus to the archive reader: it must never panic or hang,
// never fail with an error (the file exists: everything wrong with it is a
// problem in the report), report only problems of known kinds, report a
// hostile archive with (at least) the problem expected.json names for it,
// and never call a mutated archive good unless the mutation kept every
// byte that matters.
func FuzzVerifyArchive(f *testing.F) {
	tmp := f.TempDir()
	db := filepath.Join(tmp, "db")
	os.MkdirAll(db, 0o755)
	os.WriteFile(filepath.Join(db, "efaktur.mv.db"), bytes.Repeat([]byte("faktur "), 500), 0o644)
	// Fixed times: every fuzz worker must build the very same archive.
	os.Chtimes(filepath.Join(db, "efaktur.mv.db"), time.Unix(1e9, 0), time.Unix(1e9, 0))
	res, err := Snapshot(context.Background(), SnapshotOptions{DB: db, OutDir: tmp, Label: "f", Level: zstd.SpeedFastest, Now: func() time.Time { return time.Unix(1, 0) }})
	if err != nil {
		f.Fatal(err)
	}
	real, _ := os.ReadFile(res.Path)
	f.Add(real, uint32(0), byte(0))
	f.Add(real, uint32(len(real)/2), byte(1))
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd}, uint32(0), byte(0))
	f.Add([]byte("not an archive"), uint32(3), byte(0x80))
	// The hostile corpus, as it is and with a bit flipped; what each one
	// must be reported as, by content.
	expect := map[[32]byte]string{}
	b, err := os.ReadFile(filepath.Join(hostileCorpus, "expected.json"))
	if err != nil {
		f.Fatal(err)
	}
	var want map[string]string
	if err := json.Unmarshal(b, &want); err != nil {
		f.Fatal(err)
	}
	for name, kind := range want {
		h, err := os.ReadFile(filepath.Join(hostileCorpus, name))
		if err != nil {
			f.Fatal(err)
		}
		expect[sha256.Sum256(h)] = kind
		f.Add(h, uint32(0), byte(0))
		f.Add(h, uint32(len(h)/3), byte(0x10))
	}
	f.Fuzz(func(t *testing.T, data []byte, pos uint32, flip byte) {
		if len(data) > 1<<20 {
			return
		}
		orig := data
		data = append([]byte(nil), data...)
		if len(data) > 0 {
			data[int(pos)%len(data)] ^= flip
		}
		// One file per worker process (each has its own f.TempDir and
		// runs its inputs one at a time): a folder per input costs more
		// than the check.
		p := filepath.Join(tmp, "x.tar.zst")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		rep, err := VerifyArchive(context.Background(), p, ReadOptions{})
		if err != nil {
			t.Fatalf("an error instead of problems in the report: %#v", err)
		}
		for _, pr := range rep.Problems {
			if !problemKinds[pr.Kind] {
				t.Fatalf("a problem of unknown kind %q: %+v", pr.Kind, pr)
			}
		}
		if kind, ok := expect[sha256.Sum256(data)]; ok && !hasProblem(rep, kind, "") {
			t.Fatalf("a hostile archive was not reported as %q: %+v", kind, rep.Problems)
		}
		if rep.OK() && !bytes.Equal(data, orig) {
			// If a flipped archive still verifies, the original must too,
			// and both must decompress to the same tar stream.
			if !sameContent(t, data, orig) {
				t.Fatalf("a mutated archive verified as good")
			}
		}
	})
}

func sameContent(t *testing.T, a, b []byte) bool {
	da, err := zstd.NewReader(bytes.NewReader(a))
	if err != nil {
		return false
	}
	defer da.Close()
	db, _ := zstd.NewReader(bytes.NewReader(b))
	defer db.Close()
	var ba, bb bytes.Buffer
	if _, err := ba.ReadFrom(da); err != nil {
		return false
	}
	bb.ReadFrom(db)
	return bytes.Equal(ba.Bytes(), bb.Bytes())
}

// FuzzCheckRelPath: an accepted path never escapes the folder it is
// joined to.
func FuzzCheckRelPath(f *testing.F) {
	for _, s := range []string{"a", "a/b", "../a", "a/../../b", "C:/x", `a\b`, "/abs", "a/./b", "a.", "con"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if CheckRelPath(p) != nil {
			return
		}
		dir := "/restore/here"
		j, err := safeJoin(dir, p)
		if err != nil {
			t.Fatalf("CheckRelPath accepted %q but safeJoin refused: %v", p, err)
		}
		rel, err := filepath.Rel(dir, j)
		if err != nil || rel == ".." || filepath.IsAbs(rel) || len(rel) >= 3 && rel[:3] == "../" {
			t.Fatalf("%q escapes: %s", p, j)
		}
	})
}
