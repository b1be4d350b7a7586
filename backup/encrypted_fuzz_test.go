package backup

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/efbackup/efbackup/crypt"
)

// hostileAgeCorpus holds the hand-made .age files of package crypt's
// corpus, and the test key (it protects nothing) they are made for.
const hostileAgeCorpus = "../fixtures/hostile/age"

// encryptedSeed writes a small encrypted snapshot to the corpus's test key
// and returns the archive and its sidecar.
func encryptedSeed(f *testing.F) (archive, sidecar []byte, ids []crypt.Identity) {
	ids, err := crypt.ReadIdentityFile(filepath.Join(hostileAgeCorpus, "identity.txt"))
	if err != nil {
		f.Fatal(err)
	}
	pub, err := crypt.PublicKeyOf(filepath.Join(hostileAgeCorpus, "identity.txt"))
	if err != nil {
		f.Fatal(err)
	}
	r, err := crypt.ParseRecipient(pub)
	if err != nil {
		f.Fatal(err)
	}
	tmp := f.TempDir()
	db := filepath.Join(tmp, "db")
	os.MkdirAll(db, 0o755)
	os.WriteFile(filepath.Join(db, "efaktur.mv.db"), bytes.Repeat([]byte("faktur "), 500), 0o644)
	res, err := Snapshot(context.Background(), SnapshotOptions{DB: db, OutDir: tmp, Label: "f", Level: zstd.SpeedFastest,
		Now: func() time.Time { return time.Unix(1, 0) }, Recipients: []crypt.Recipient{r}})
	if err != nil {
		f.Fatal(err)
	}
	if archive, err = os.ReadFile(res.Path); err != nil {
		f.Fatal(err)
	}
	if sidecar, err = os.ReadFile(res.Sidecar); err != nil {
		f.Fatal(err)
	}
	return archive, sidecar, ids
}

// FuzzParseSidecar: any sidecar, the encrypted kind included, is refused
// with a *ManifestError or parses to one whose encoding is stable; the
// sidecar of an encrypted snapshot never comes back with a file list.
func FuzzParseSidecar(f *testing.F) {
	_, side, _ := encryptedSeed(f)
	f.Add(side)
	f.Add(bytes.Replace(side, []byte(`"format": "age"`), []byte(`"format": "gpg"`), 1))
	f.Add(bytes.Replace(side, []byte(`"totals"`), []byte(`"files": [], "totals"`), 1))
	f.Add([]byte(`{"schema":"` + SidecarSchemaEncrypted + `"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseSidecar(data)
		if err != nil {
			var me *ManifestError
			if !errors.As(err, &me) {
				t.Fatalf("a refusal that is not a *ManifestError: %#v", err)
			}
			return
		}
		if m.Encryption == nil {
			return
		}
		if len(m.Files) > 0 || m.ContentID != "" {
			t.Fatalf("an encrypted snapshot's sidecar parsed with files or a content id: %+v", m)
		}
		out, err := EncryptedSidecar(m, *m.Encryption).Marshal()
		if err != nil {
			t.Fatalf("marshal of a parsed sidecar failed: %v", err)
		}
		m2, err := ParseSidecar(out)
		if err != nil {
			t.Fatalf("a re-encoded sidecar does not parse: %v\n%s", err, out)
		}
		out2, _ := EncryptedSidecar(m2, *m2.Encryption).Marshal()
		if !bytes.Equal(out, out2) {
			t.Fatalf("encoding is not stable:\n%s\n%s", out, out2)
		}
	})
}

// FuzzVerifyEncrypted feeds mutations of a real encrypted snapshot and the
// hostile .age corpus to verify, with the key and without: it never
// panics or hangs, fails only with a *KeyError (everything else is a
// problem of a known kind in the report), and never calls a changed file
// good: age authenticates every byte.
func FuzzVerifyEncrypted(f *testing.F) {
	real, side, ids := encryptedSeed(f)
	f.Add(real, uint32(0), byte(0))
	f.Add(real, uint32(40), byte(1))
	f.Add(real, uint32(len(real)/2), byte(0x40))
	f.Add(real, uint32(len(real)-1), byte(0x80))
	entries, err := os.ReadDir(hostileAgeCorpus)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".age" {
			continue
		}
		h, err := os.ReadFile(filepath.Join(hostileAgeCorpus, e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(h, uint32(0), byte(0))
	}
	known := map[string]bool{ProblemEncryptedHeader: true, ProblemEncryptedChunk: true}
	for k := range problemKinds {
		known[k] = true
	}
	tmp := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, pos uint32, flip byte) {
		if len(data) > 1<<20 {
			return
		}
		changed := false
		if len(data) > 0 && flip != 0 {
			data = append([]byte(nil), data...)
			data[int(pos)%len(data)] ^= flip
			changed = true
		}
		p := filepath.Join(tmp, "x.tar.zst.age")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p+SidecarSuffix, side, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, keys := range [][]crypt.Identity{ids, nil} {
			rep, err := VerifyArchive(context.Background(), p, ReadOptions{Identities: keys})
			var ke *KeyError
			if err != nil && !errors.As(err, &ke) {
				t.Fatalf("an error that is neither a key problem nor a problem in the report: %#v", err)
			}
			if err != nil {
				continue
			}
			for _, pr := range rep.Problems {
				if !known[pr.Kind] {
					t.Fatalf("a problem of unknown kind %q: %+v", pr.Kind, pr)
				}
			}
			if rep.OK() && changed && bytes.Equal(orig(data, pos, flip), real) {
				t.Fatalf("a changed copy of the snapshot verified as good (with key: %v)", keys != nil)
			}
		}
	})
}

// orig undoes the flip at pos.
func orig(data []byte, pos uint32, flip byte) []byte {
	o := append([]byte(nil), data...)
	if len(o) > 0 {
		o[int(pos)%len(o)] ^= flip
	}
	return o
}
