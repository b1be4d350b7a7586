package backup

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// member is one entry of a hand-made archive.
type member struct {
	hdr  tar.Header
	data []byte
}

func reg(name string, data []byte) member {
	return member{hdr: tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(data)), Mode: 0o644, ModTime: time.Unix(1700000000, 0), Format: tar.FormatPAX}, data: data}
}

// validManifest builds a manifest for the given db files.
func validManifest(files map[string][]byte) *Manifest {
	m := &Manifest{Schema: Schema, Tool: "efbackup", ToolVersion: "test", Created: time.Unix(1700000000, 0).UTC(), Label: "x", EFakturVersion: "unknown", Compression: "zstd"}
	for p, b := range files {
		s := sha256.Sum256(b)
		m.Files = append(m.Files, File{Path: p, Size: int64(len(b)), Mode: 0o644, MTime: time.Unix(1700000000, 0).UTC(), SHA256: hex.EncodeToString(s[:])})
	}
	m.Finish()
	return m
}

// archiveOf writes members, then SHA256SUMS and the manifest (when m is
// not nil), as a tar.zst.
func archiveOf(t *testing.T, members []member, m *Manifest) []byte {
	t.Helper()
	var tarBuf bytes.Buffer
	tw := tar.NewWriter(&tarBuf)
	if m != nil {
		mb, _ := m.Marshal()
		members = append(members, reg(SumsName, m.Sums()), reg(ManifestName, mb))
	}
	for _, mem := range members {
		h := mem.hdr
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatalf("header %s: %v", h.Name, err)
		}
		if len(mem.data) > 0 {
			if _, err := tw.Write(mem.data); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return compress(t, tarBuf.Bytes())
}

func compress(t *testing.T, b []byte) []byte {
	var out bytes.Buffer
	enc, err := zstd.NewWriter(&out, zstd.WithEncoderCRC(true))
	if err != nil {
		t.Fatal(err)
	}
	enc.Write(b)
	enc.Close()
	return out.Bytes()
}

// hostileCases is the corpus: each archive with the problem kind verify must
// report. restore must refuse every one with an *IntegrityError and leave
// the install as it was.
func hostileCases(t *testing.T) map[string]struct {
	archive []byte
	kind    string
} {
	good := []byte("good data")
	goodM := validManifest(map[string][]byte{"efaktur.mv.db": good})
	dbDir := member{hdr: tar.Header{Typeflag: tar.TypeDir, Name: "db/", Mode: 0o755, Format: tar.FormatPAX}}
	with := func(extra ...member) []member {
		return append([]member{dbDir, reg("db/efaktur.mv.db", good)}, extra...)
	}
	link := func(typ byte, name, target string) member {
		return member{hdr: tar.Header{Typeflag: typ, Name: name, Linkname: target, Mode: 0o777, Format: tar.FormatPAX}}
	}
	cases := map[string]struct {
		archive []byte
		kind    string
	}{
		"dotdot":            {archiveOf(t, with(reg("db/../evil", []byte("x"))), goodM), ProblemHostile},
		"dotdot-top":        {archiveOf(t, with(reg("../evil", []byte("x"))), goodM), ProblemHostile},
		"absolute":          {archiveOf(t, with(reg("/tmp/evil", []byte("x"))), goodM), ProblemHostile},
		"windows-drive":     {archiveOf(t, with(reg("db/C:/Windows/evil", []byte("x"))), goodM), ProblemHostile},
		"windows-drive-top": {archiveOf(t, with(reg("C:\\evil", []byte("x"))), goodM), ProblemHostile},
		"unc":               {archiveOf(t, with(reg("\\\\server\\share\\evil", []byte("x"))), goodM), ProblemHostile},
		"backslash":         {archiveOf(t, with(reg("db\\..\\..\\evil", []byte("x"))), goodM), ProblemHostile},
		"outside-db":        {archiveOf(t, with(reg("lib/evil.jar", []byte("x"))), goodM), ProblemHostile},
		"symlink":           {archiveOf(t, with(link(tar.TypeSymlink, "db/link", "/etc/passwd")), goodM), ProblemHostile},
		"symlink-dir":       {archiveOf(t, with(link(tar.TypeSymlink, "db/sub", ".."), reg("db/sub/evil", []byte("x"))), goodM), ProblemHostile},
		"hardlink":          {archiveOf(t, with(link(tar.TypeLink, "db/hard", "/etc/passwd")), goodM), ProblemHostile},
		"chardev":           {archiveOf(t, with(member{hdr: tar.Header{Typeflag: tar.TypeChar, Name: "db/null", Devmajor: 1, Devminor: 3, Format: tar.FormatPAX}}), goodM), ProblemHostile},
		"fifo":              {archiveOf(t, with(member{hdr: tar.Header{Typeflag: tar.TypeFifo, Name: "db/fifo", Format: tar.FormatPAX}}), goodM), ProblemHostile},
		"duplicate":         {archiveOf(t, with(reg("db/efaktur.mv.db", good)), goodM), ProblemDuplicate},
		"duplicate-case":    {archiveOf(t, with(reg("db/EFAKTUR.MV.DB", good)), goodM), ProblemDuplicate},
		"extra-file":        {archiveOf(t, with(reg("db/extra", []byte("x"))), goodM), ProblemExtra},
		"size-mismatch":     {archiveOf(t, []member{dbDir, reg("db/efaktur.mv.db", []byte("good data but longer"))}, goodM), ProblemSize},
		"no-manifest":       {archiveOf(t, with(), nil), ProblemManifest},
	}
	// A manifest that lists a path outside db/.
	evilM := validManifest(map[string][]byte{"efaktur.mv.db": good})
	evilM.Files = append(evilM.Files, File{Path: "../evil", Size: 1, Mode: 0o644, SHA256: strings.Repeat("0", 64)})
	evilM.Finish()
	cases["manifest-outside-db"] = struct {
		archive []byte
		kind    string
	}{archiveOf(t, with(), evilM), ProblemManifest}
	// Absurd sizes and counts.
	absurd := validManifest(map[string][]byte{"efaktur.mv.db": good})
	absurd.Files[0].Size = 1 << 62
	absurd.Totals.Bytes = 1 << 62
	cases["manifest-absurd-size"] = struct {
		archive []byte
		kind    string
	}{archiveOf(t, with(), absurd), ProblemManifest}
	many := validManifest(map[string][]byte{"efaktur.mv.db": good})
	for i := 0; i <= MaxFiles; i++ {
		many.Files = append(many.Files, File{Path: fmt.Sprintf("f%d", i), SHA256: strings.Repeat("0", 64)})
	}
	many.Finish()
	cases["manifest-absurd-count"] = struct {
		archive []byte
		kind    string
	}{archiveOf(t, with(), many), ProblemManifest}
	// An entry that claims more bytes than the archive holds.
	full := archiveOf(t, []member{dbDir, reg("db/efaktur.mv.db", bytes.Repeat([]byte("x"), 1<<20))}, goodM)
	var tarBuf bytes.Buffer
	dec, _ := zstd.NewReader(bytes.NewReader(full))
	tarBuf.ReadFrom(dec)
	cases["claims-beyond-data"] = struct {
		archive []byte
		kind    string
	}{compress(t, tarBuf.Bytes()[:4096]), ProblemTruncated}
	// A zstd frame that asks for a 2 TiB window.
	cases["zstd-huge-window"] = struct {
		archive []byte
		kind    string
	}{[]byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xf8, 0x01, 0x00, 0x00}, ProblemHostile}
	// A tar bomb: a sparse entry that claims a terabyte, made by GNU tar.
	if bomb := sparseBomb(t); bomb != nil {
		cases["sparse-bomb"] = struct {
			archive []byte
			kind    string
		}{compress(t, bomb), ProblemHostile}
	}
	return cases
}

func sparseBomb(t *testing.T) []byte {
	if _, err := exec.LookPath("tar"); err != nil {
		t.Log("tar not installed: sparse-bomb case skipped")
		return nil
	}
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "db"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "db", "efaktur.mv.db"), []byte("good data"), 0o644))
	f, err := os.Create(filepath.Join(dir, "db", "bomb"))
	must(t, err)
	must(t, f.Truncate(1<<40))
	f.Close()
	out, err := exec.Command("tar", "--sparse", "--format=posix", "-C", dir, "-cf", "-", "db").Output()
	if err != nil {
		t.Logf("tar --sparse failed (%v): sparse-bomb case skipped", err)
		return nil
	}
	return out
}

func TestHostileArchives(t *testing.T) {
	for name, c := range hostileCases(t) {
		t.Run(name, func(t *testing.T) {
			tmp := t.TempDir()
			arch := filepath.Join(tmp, "snaps", "x-20260101T000000Z.tar.zst")
			must(t, os.MkdirAll(filepath.Dir(arch), 0o700))
			must(t, os.WriteFile(arch, c.archive, 0o600))
			rep, err := VerifyArchive(context.Background(), arch, ReadOptions{})
			must(t, err)
			found := false
			for _, p := range rep.Problems {
				if p.Kind == c.kind {
					found = true
				}
			}
			if !found {
				t.Fatalf("verify did not report %q; problems: %v", c.kind, rep.Problems)
			}
			assertWorded(t, "verify", rep.Problems)
			// restore must refuse, and leave the install exactly as it was
			inst := filepath.Join(tmp, "inst")
			db := filepath.Join(inst, "db")
			must(t, os.MkdirAll(db, 0o755))
			must(t, os.WriteFile(filepath.Join(db, "old.mv.db"), []byte("old"), 0o644))
			before := listTree(t, tmp)
			_, err = Restore(context.Background(), arch, RestoreOptions{DB: db})
			var ie *IntegrityError
			if !errors.As(err, &ie) {
				t.Fatalf("restore: want IntegrityError, got %v", err)
			}
			assertWorded(t, "restore", ie.Problems)
			if after := listTree(t, tmp); after != before {
				t.Fatalf("restore changed the tree:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

// TestTruncatedEverywhere cuts a real snapshot at many offsets: verify must
// always report a problem, and never panic or hang.
func TestTruncatedEverywhere(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "db")
	makeDB(t, db)
	res := snap(t, db, filepath.Join(tmp, "out"))
	full, err := os.ReadFile(res.Path)
	must(t, err)
	step := len(full) / 97
	if step == 0 {
		step = 1
	}
	for cut := 0; cut < len(full); cut += step {
		p := filepath.Join(tmp, "cut.tar.zst")
		must(t, os.WriteFile(p, full[:cut], 0o600))
		rep, err := VerifyArchive(context.Background(), p, ReadOptions{})
		must(t, err)
		if rep.OK() {
			t.Fatalf("archive cut at %d of %d passed verification", cut, len(full))
		}
		assertWorded(t, fmt.Sprintf("cut at %d", cut), rep.Problems)
	}
}

func listTree(t *testing.T, root string) string {
	var b strings.Builder
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fmt.Fprintf(&b, "%s %v %d\n", rel, fi.Mode(), fi.Size())
		return nil
	})
	return b.String()
}

// hostileCorpus is the corpus on disk: each hand-made archive as a file,
// with its expected verdict in expected.json, so that the command-line
// tests (cmd/efbackup) and anyone else can run the real program on them.
// EFBACKUP_WRITE_HOSTILE_CORPUS=1 go test ./backup -run TestHostileCorpus
// rewrites it from hostileCases.
const hostileCorpus = "../fixtures/hostile"

func TestHostileCorpus(t *testing.T) {
	if os.Getenv("EFBACKUP_WRITE_HOSTILE_CORPUS") == "1" {
		cases := hostileCases(t)
		want := map[string]string{}
		must(t, os.MkdirAll(hostileCorpus, 0o755))
		for name, c := range cases {
			must(t, os.WriteFile(filepath.Join(hostileCorpus, name+ArchiveSuffix), c.archive, 0o644))
			want[name+ArchiveSuffix] = c.kind
		}
		b, err := json.MarshalIndent(want, "", "  ")
		must(t, err)
		must(t, os.WriteFile(filepath.Join(hostileCorpus, "expected.json"), append(b, '\n'), 0o644))
	}
	want := readHostileExpected(t)
	if len(want) < 24 {
		t.Fatalf("the corpus holds %d cases, want at least 24", len(want))
	}
	for name, kind := range want {
		rep, err := VerifyArchive(context.Background(), filepath.Join(hostileCorpus, name), ReadOptions{})
		must(t, err)
		if !hasProblem(rep, kind, "") {
			t.Errorf("%s: verify did not report %q; problems: %v", name, kind, rep.Problems)
		}
		assertWorded(t, name, rep.Problems)
	}
}

func readHostileExpected(t *testing.T) map[string]string {
	b, err := os.ReadFile(filepath.Join(hostileCorpus, "expected.json"))
	must(t, err)
	var want map[string]string
	must(t, json.Unmarshal(b, &want))
	return want
}
