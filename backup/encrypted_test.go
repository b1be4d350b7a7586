package backup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"

	"github.com/efbackup/efbackup/crypt"
)

// testKey is an identity file made as "efbackup key new" makes it.
type testKey struct {
	ids  []crypt.Identity
	rcpt crypt.Recipient
}

func newTestKey(t *testing.T) testKey {
	t.Helper()
	file := filepath.Join(t.TempDir(), "key.txt")
	pub, err := crypt.NewIdentityFile(file, time.Now())
	must(t, err)
	ids, err := crypt.ReadIdentityFile(file)
	must(t, err)
	r, err := crypt.ParseRecipient(pub)
	must(t, err)
	return testKey{ids: ids, rcpt: r}
}

func weakPassphrase(t *testing.T, pass string) (crypt.Recipient, crypt.Identity) {
	t.Helper()
	r, err := crypt.PassphraseRecipientAt(pass, 10)
	must(t, err)
	id, err := crypt.PassphraseIdentity(pass)
	must(t, err)
	return r, id
}

func encSnap(t *testing.T, db, out string, rs ...crypt.Recipient) *SnapshotResult {
	t.Helper()
	res, err := Snapshot(context.Background(), SnapshotOptions{DB: db, OutDir: out, Label: "toy", Level: zstd.SpeedFastest,
		ToolVersion: "test", EFakturVersion: "4.0", Engines: toys, Recipients: rs,
		Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }})
	must(t, err)
	return res
}

func keyErr(t *testing.T, err error, kind crypt.Kind) *KeyError {
	t.Helper()
	var ke *KeyError
	if !errors.As(err, &ke) || crypt.KindOf(err) != kind {
		t.Fatalf("got %v, want a *KeyError of kind %v", err, kind)
	}
	return ke
}

// An encrypted snapshot: NAME.tar.zst.age, owner-only, unreadable without
// its key; its sidecar holds nothing from inside the database; it checks
// out without the key (against its sidecar) and with either key (every
// byte and the database checks); it restores only with a key that opens
// it, and then exactly.
func TestEncryptedSnapshotRoundTrip(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	db := filepath.Join(tmp, "install", "db")
	makeToyDB(t, db, false)
	owner, consultant, stranger := newTestKey(t), newTestKey(t), newTestKey(t)
	res := encSnap(t, db, filepath.Join(tmp, "out"), owner.rcpt, consultant.rcpt, owner.rcpt)
	if filepath.Base(res.Path) != "toy-20260102T030405Z.tar.zst.age" || res.Sidecar != res.Path+SidecarSuffix {
		t.Fatalf("names %s, %s", res.Path, res.Sidecar)
	}
	for _, p := range []string{res.Path, res.Sidecar} {
		fi, err := os.Stat(p)
		must(t, err)
		if runtime.GOOS != "windows" && fi.Mode().Perm() != FilePerm {
			t.Errorf("%s has mode %v", p, fi.Mode().Perm())
		}
	}
	data, err := os.ReadFile(res.Path)
	must(t, err)
	if !bytes.HasPrefix(data, []byte(crypt.Version+"\n")) || bytes.Contains(data, []byte(ManifestName)) || bytes.Contains(data, []byte("\x28\xb5\x2f\xfd")) {
		t.Fatal("the archive is not an age file, or shows its plaintext")
	}
	sum := sha256.Sum256(data)
	want := Encryption{Format: "age", Recipients: []string{owner.rcpt.String(), consultant.rcpt.String()},
		SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
	if diff := cmp.Diff(&want, res.Encryption); diff != "" {
		t.Fatalf("encryption (-want +got):\n%s", diff)
	}

	// The sidecar: what list, prune and doctor need, nothing from inside.
	side, err := os.ReadFile(res.Sidecar)
	must(t, err)
	forbidden := []string{res.Manifest.ContentID, `"files": [`, `"path"`, "content_id", "seg/c1.dat", "toy.db", "Stray", "notes.txt", "loose.txt", SumsName}
	for _, f := range res.Manifest.Files {
		forbidden = append(forbidden, f.SHA256)
	}
	for _, f := range forbidden {
		if bytes.Contains(side, []byte(f)) {
			t.Errorf("the sidecar holds %q:\n%s", f, side)
		}
	}
	for _, f := range []string{want.SHA256, owner.rcpt.String(), consultant.rcpt.String(), `"label": "toy"`, SidecarSchemaEncrypted, `"verdict"`} {
		if !bytes.Contains(side, []byte(f)) {
			t.Errorf("the sidecar lacks %q:\n%s", f, side)
		}
	}
	sm, err := ReadSidecar(res.Path)
	must(t, err)
	// Of the databases, only those an engine recognised: "Stray" and
	// "loose.txt" are not named.
	if sm.Totals != res.Manifest.Totals || sm.Label != "toy" || len(sm.Databases) != 1 || sm.Databases[0].Name != "Main" || sm.Files != nil {
		t.Fatalf("sidecar read back as %+v", sm)
	}
	if _, err := ParseManifest(side); err == nil {
		t.Fatal("the sidecar of an encrypted snapshot passed for a manifest")
	}

	// Without the key: the header, the length, the SHA-256.
	rep, err := VerifyArchive(ctx, res.Path, ReadOptions{Engines: toys})
	must(t, err)
	if !rep.OK() || rep.Encryption == nil || !rep.Encryption.Keyless || rep.Encryption.SHA256 != want.SHA256 || rep.Files != 0 {
		t.Fatalf("keyless verify: %+v %+v", rep.Problems, rep.Encryption)
	}
	if rep.Manifest == nil || rep.Manifest.Label != "toy" || rep.Manifest.Totals != res.Manifest.Totals {
		t.Fatalf("keyless verify names no manifest: %+v", rep.Manifest)
	}

	// With either key: everything, as for a snapshot that is not encrypted.
	for _, k := range []testKey{owner, consultant} {
		rep, err := VerifyArchive(ctx, res.Path, ReadOptions{Engines: toys, Identities: append(stranger.ids, k.ids...)})
		must(t, err)
		if !rep.OK() || rep.Encryption.Keyless || rep.Files != res.Manifest.Totals.Files || rep.Encryption.SHA256 != want.SHA256 {
			t.Fatalf("verify with the key: %+v %+v", rep.Problems, rep.Encryption)
		}
		if diff := cmp.Diff(res.Manifest, rep.Manifest); diff != "" {
			t.Fatalf("manifest differs (-written +read):\n%s", diff)
		}
		if len(rep.Databases) == 0 || rep.Databases[0].Name != "Main" {
			t.Fatalf("the database checks did not run: %+v", rep.Databases)
		}
	}
	ke := keyErr(t, verifyErr(ctx, res.Path, ReadOptions{Identities: stranger.ids}), crypt.WrongKey)
	if !strings.Contains(ke.Error(), owner.rcpt.String()) {
		t.Errorf("a wrong key is not told which keys open it: %v", ke)
	}
	keyErr(t, verifyErr(ctx, res.Path, ReadOptions{RequireKey: true}), crypt.KeyMissing)

	// Restore: never without the key; with it, exactly what was there.
	must(t, os.WriteFile(filepath.Join(db, "loose.txt"), []byte("changed"), 0o644))
	_, err = Restore(ctx, res.Path, RestoreOptions{DB: db, Engines: toys})
	keyErr(t, err, crypt.KeyMissing)
	_, err = Restore(ctx, res.Path, RestoreOptions{DB: db, Identities: stranger.ids})
	keyErr(t, err, crypt.WrongKey)
	if b, _ := os.ReadFile(filepath.Join(db, "loose.txt")); string(b) != "changed" {
		t.Fatal("a restore without the key touched db/")
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "install", "*")); len(left) != 1 {
		t.Fatalf("a restore without the key left %v", left)
	}
	rr, err := Restore(ctx, res.Path, RestoreOptions{DB: db, Engines: toys, Identities: consultant.ids})
	must(t, err)
	if b, _ := os.ReadFile(filepath.Join(db, "loose.txt")); string(b) != "x" {
		t.Fatal("the restore did not bring the snapshot back")
	}
	if rr.Extracted == nil || len(rr.Extracted.Problems) != 0 || len(rr.Extracted.Files) != res.Manifest.Totals.Files {
		t.Fatalf("extracted: %+v", rr.Extracted)
	}
	// Nothing but db/ and the previous db/ beside it: the decrypted stream
	// was never written.
	if left, _ := filepath.Glob(filepath.Join(tmp, "install", "*")); len(left) != 2 {
		t.Fatalf("the install holds %v", left)
	}
}

func verifyErr(ctx context.Context, archive string, opt ReadOptions) error {
	_, err := VerifyArchive(ctx, archive, opt)
	return err
}

// A passphrase protects a snapshot on its own; a key cannot open it, and a
// wrong passphrase is told apart from damage.
func TestEncryptedSnapshotPassphrase(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	db := filepath.Join(tmp, "db")
	makeToyDB(t, db, false)
	r, id := weakPassphrase(t, "correct horse")
	res := encSnap(t, db, filepath.Join(tmp, "out"), r)
	if got := res.Encryption.Recipients; len(got) != 1 || got[0] != PassphraseRecipient {
		t.Fatalf("recipients %v", got)
	}
	rep, err := VerifyArchive(ctx, res.Path, ReadOptions{})
	must(t, err)
	if !rep.OK() || !rep.Encryption.Passphrase {
		t.Fatalf("keyless: %+v %+v", rep.Problems, rep.Encryption)
	}
	rep, err = VerifyArchive(ctx, res.Path, ReadOptions{Identities: []crypt.Identity{id}})
	must(t, err)
	if !rep.OK() || rep.Encryption.Keyless {
		t.Fatalf("with the passphrase: %+v", rep.Problems)
	}
	wrong, err := crypt.PassphraseIdentity("wrong horse")
	must(t, err)
	keyErr(t, verifyErr(ctx, res.Path, ReadOptions{Identities: []crypt.Identity{wrong}}), crypt.WrongPassphrase)
	ke := keyErr(t, verifyErr(ctx, res.Path, ReadOptions{Identities: newTestKey(t).ids}), crypt.KeyMissing)
	if !ke.Err.Passphrase || !ke.Err.OtherKind {
		t.Fatalf("a key for a passphrase file: %+v", ke.Err)
	}
	if _, err := Snapshot(ctx, SnapshotOptions{DB: db, OutDir: filepath.Join(tmp, "out2"), Label: "x", Recipients: []crypt.Recipient{r, newTestKey(t).rcpt}}); !errors.Is(err, crypt.ErrPassphraseMixed) {
		t.Fatalf("a passphrase beside a key: %v", err)
	}
	if es, _ := os.ReadDir(filepath.Join(tmp, "out2")); len(es) != 0 {
		t.Fatalf("a refused snapshot left %v", es)
	}
}

// Every change to an encrypted snapshot is damage, found with the key and
// without it, and told apart from a key problem.
func TestEncryptedSnapshotDamage(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	db := filepath.Join(tmp, "db")
	makeToyDB(t, db, false)
	k := newTestKey(t)
	res := encSnap(t, db, filepath.Join(tmp, "out"), k.rcpt)
	orig, err := os.ReadFile(res.Path)
	must(t, err)
	side, err := os.ReadFile(res.Sidecar)
	must(t, err)
	hdr, err := crypt.InspectHeader(bytes.NewReader(orig))
	must(t, err)
	flip := func(off int64) func([]byte) []byte {
		return func(b []byte) []byte { b[off] ^= 0x20; return b }
	}
	// A letter of the MAC, not its last character: flipping its case
	// keeps the base64 canonical and changes the MAC.
	mac := hdr.Len - 3
	for c := orig[mac]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'); c = orig[mac] {
		mac--
	}
	cases := []struct {
		name           string
		edit           func([]byte) []byte
		keyless, keyed string // problem kinds
	}{
		{"a byte of the header", flip(30), ProblemEncryptedHeader, ProblemEncryptedHeader},
		{"the header MAC", flip(mac), ProblemHash, ProblemEncryptedHeader},
		{"a byte of the first chunk", flip(hdr.Len + 40), ProblemHash, ProblemEncryptedChunk},
		{"the last byte", flip(int64(len(orig)) - 1), ProblemHash, ProblemEncryptedChunk},
		{"cut short inside the payload", func(b []byte) []byte { return b[:len(b)-100] }, ProblemTruncated, ProblemTruncated},
		{"cut short to a length age never writes", func(b []byte) []byte { return b[:hdr.Len+16+5] }, ProblemTruncated, ProblemTruncated},
		{"cut short after the header", func(b []byte) []byte { return b[:hdr.Len+3] }, ProblemTruncated, ProblemTruncated},
		{"bytes added", func(b []byte) []byte { return append(b, "more"...) }, ProblemSize, ProblemEncryptedChunk},
		{"not age at all", func([]byte) []byte { return []byte("PK\x03\x04 a zip") }, ProblemEncryptedHeader, ProblemEncryptedHeader},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			must(t, os.WriteFile(res.Path, c.edit(bytes.Clone(orig)), 0o600))
			defer func() { must(t, os.WriteFile(res.Path, orig, 0o600)) }()
			for _, mode := range []struct {
				kind string
				opt  ReadOptions
			}{{c.keyless, ReadOptions{}}, {c.keyed, ReadOptions{Identities: k.ids, Engines: toys}}} {
				rep, err := VerifyArchive(ctx, res.Path, mode.opt)
				if err != nil {
					t.Fatalf("keyless %v: %v", mode.opt.Identities == nil, err)
				}
				if len(rep.Problems) == 0 || rep.Problems[0].Kind != mode.kind {
					t.Fatalf("keyless %v: problems %+v, want %s first", mode.opt.Identities == nil, rep.Problems, mode.kind)
				}
				assertWorded(t, c.name, rep.Problems)
			}
			_, err := Restore(ctx, res.Path, RestoreOptions{DB: db, Identities: k.ids})
			var ie *IntegrityError
			if !errors.As(err, &ie) {
				t.Fatalf("restore: %v", err)
			}
			if left, _ := filepath.Glob(filepath.Join(tmp, "db.*")); len(left) != 0 {
				t.Fatalf("a refused restore left %v", left)
			}
		})
	}

	// The sidecar: changed, it no longer matches; lost, the file can only
	// be checked with the key.
	bad := bytes.Replace(side, []byte(`"label": "toy"`), []byte(`"label": "tox"`), 1)
	must(t, os.WriteFile(res.Sidecar, bad, 0o600))
	rep, err := VerifyArchive(ctx, res.Path, ReadOptions{Identities: k.ids})
	must(t, err)
	if !hasProblem(rep, ProblemSidecar, "") {
		t.Fatalf("a changed sidecar: %+v", rep.Problems)
	}
	must(t, os.Remove(res.Sidecar))
	rep, err = VerifyArchive(ctx, res.Path, ReadOptions{})
	ke := keyErr(t, err, crypt.KeyMissing)
	if !ke.NoSidecar || rep == nil || len(rep.Problems) != 0 {
		t.Fatalf("keyless without a sidecar: %+v %+v", ke, rep)
	}
	rep, err = VerifyArchive(ctx, res.Path, ReadOptions{Identities: k.ids})
	must(t, err)
	if !rep.OK() || rep.SidecarPresent {
		t.Fatalf("with the key, without a sidecar: %+v", rep.Problems)
	}
}

// A snapshot killed after its sidecar was written and before its archive
// took its name leaves a sidecar that describes nothing: the next
// snapshot's sweep removes it, and a snapshot of the same name replaces
// it; any other file under that name is never replaced.
func TestEncryptedOrphanSidecar(t *testing.T) {
	tmp := t.TempDir()
	db, out := filepath.Join(tmp, "db"), filepath.Join(tmp, "out")
	makeToyDB(t, db, false)
	k := newTestKey(t)
	res := encSnap(t, db, out, k.rcpt)
	must(t, os.Remove(res.Path))
	if !OrphanSidecar(out, filepath.Base(res.Sidecar)) {
		t.Fatal("not recognised as an orphan")
	}
	res2 := encSnap(t, db, out, k.rcpt)
	if res2.Path != res.Path {
		t.Fatalf("%s, then %s", res.Path, res2.Path)
	}
	must(t, os.Remove(res.Path))
	foreign := filepath.Join(out, "other-20260102T030405Z.tar.zst.age.manifest.json")
	must(t, os.WriteFile(foreign, []byte(`{"not":"ours"}`), 0o600))
	removed, err := RemoveStalePartials(out)
	must(t, err)
	if len(removed) != 1 || removed[0] != filepath.Base(res.Sidecar) {
		t.Fatalf("removed %v", removed)
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Fatal("a file efbackup did not write was removed")
	}
	if OrphanSidecar(out, filepath.Base(foreign)) {
		t.Fatal("a foreign file passed for an orphan sidecar")
	}
}

// The sidecar parser is as strict as the manifest's.
func TestEncryptedSidecarRefusals(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "db")
	makeToyDB(t, db, false)
	k := newTestKey(t)
	res := encSnap(t, db, filepath.Join(tmp, "out"), k.rcpt)
	good, err := os.ReadFile(res.Sidecar)
	must(t, err)
	if _, err := ParseSidecar(good); err != nil {
		t.Fatal(err)
	}
	pub := k.rcpt.String()
	for name, edit := range map[string][2]string{
		"unknown field":         {`"format": "age"`, `"format": "age", "key": "x"`},
		"unknown format":        {`"format": "age"`, `"format": "gpg"`},
		"sha256":                {`"sha256": "`, `"sha256": "Z`},
		"no recipients":         {`"` + pub + `"`, ``},
		"not a key":             {pub, "age1" + strings.Repeat("q", 58)},
		"a secret key":          {pub, "AGE-SECRET-KEY-1QQQ"},
		"passphrase and key":    {`"` + pub + `"`, `"` + pub + `", "passphrase"`},
		"twice the same key":    {`"` + pub + `"`, `"` + pub + `", "` + pub + `"`},
		"negative totals":       {`"files": `, `"files": -`},
		"a verdict not known":   {`"verdict": "ok"`, `"verdict": "fine"`},
		"a file list":           {`"totals"`, `"files": [], "totals"`},
		"a manifest schema too": {SidecarSchemaEncrypted, Schema},
	} {
		b := bytes.Replace(good, []byte(edit[0]), []byte(edit[1]), 1)
		if bytes.Equal(b, good) {
			t.Fatalf("%s: the edit changed nothing", name)
		}
		if _, err := ParseSidecar(b); err == nil {
			t.Errorf("%s: accepted", name)
		} else if _, ok := err.(*ManifestError); !ok {
			t.Errorf("%s: %T %v", name, err, err)
		}
	}
}

// The engine's proof beside an encrypted snapshot keeps its verdict but
// no table hash.
func TestProofBesideEncryptedSnapshotHoldsNoHashes(t *testing.T) {
	dir := t.TempDir()
	rec := &DeepRecord{Checked: time.Now(), Engine: "Derby", Verdict: "ok", Tables: map[string][]DeepTable{"ETaxInvoice": {{Name: "APP.FAKTUR", Rows: 3, Hash: "abc123"}}}}
	for _, name := range []string{"a-20260101T000000Z.tar.zst", "a-20260101T000000Z.tar.zst.age"} {
		p := filepath.Join(dir, name)
		must(t, WriteProof(p, rec))
		b, err := os.ReadFile(p + ProofSuffix)
		must(t, err)
		if got := bytes.Contains(b, []byte("abc123")); got != !IsEncrypted(name) {
			t.Errorf("%s: the proof holds the table hash: %v", name, got)
		}
		got, err := ReadProof(p)
		must(t, err)
		if got.Verdict != "ok" {
			t.Errorf("%s: verdict %q", name, got.Verdict)
		}
	}
}
