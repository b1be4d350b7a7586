package backup

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// FuzzParseManifest: parsing never panics, and whatever parses re-encodes
// to a manifest that parses to the same value (and the same bytes).
func FuzzParseManifest(f *testing.F) {
	m := validManifest(map[string][]byte{"efaktur.mv.db": []byte("x"), "sub/a": nil})
	m.Dirs = []Dir{{Path: "sub", Mode: 0o755}}
	b, _ := m.Marshal()
	f.Add(b)
	f.Add([]byte(`{"schema":"efbackup.manifest/1"}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
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

// FuzzVerifyArchive feeds arbitrary bytes, and mutations of a real
// snapshot, to the archive reader: it must never panic or hang, and must
// never call a mutated archive good unless the mutation kept every byte
// that matters.
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
			t.Fatal(err)
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
