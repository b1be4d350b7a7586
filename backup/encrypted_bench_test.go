package backup

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/efbackup/efbackup/crypt"
	derbyfix "github.com/efbackup/efbackup/fixtures/derby"
	"github.com/efbackup/efbackup/internal/dbcheck"
)

// BenchmarkEncryption measures what encryption costs a snapshot and its
// verification, with the unencrypted snapshot of the same Derby db/ in the
// same run: snapshot/plain against snapshot/age, verify/plain against
// verify/age-key (decrypting, every check) and verify/age-keyless (the
// encrypted file's header, length and SHA-256). Both at the level the
// program uses by default, with the database checks on, as snapshot and
// verify run them. With -count N the variants alternate, so a busy machine
// slows them alike.
//
// EFBACKUP_BENCH_DB names a db/ folder to measure (for example the one
// bench/cmd/efbench generates: .work/bench/install-1024MiB/db); without it
// a small real Derby database from fixtures/derby is used.
//
//	go test ./backup -run '^$' -bench Encryption -benchtime 3x -count 5
func BenchmarkEncryption(b *testing.B) {
	db := os.Getenv("EFBACKUP_BENCH_DB")
	if db == "" {
		db = filepath.Join(b.TempDir(), "db")
		if err := derbyfix.Materialize(context.Background(), derbyfix.Spec{Seed: 1}, filepath.Join(db, "ETaxInvoice")); err != nil {
			b.Skipf("no Derby fixture (needs Java and Derby, as make test installs them): %v", err)
		}
	}
	keyFile := filepath.Join(b.TempDir(), "key.txt")
	pub, err := crypt.NewIdentityFile(keyFile, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	ids, err := crypt.ReadIdentityFile(keyFile)
	if err != nil {
		b.Fatal(err)
	}
	rcpt, err := crypt.ParseRecipient(pub)
	if err != nil {
		b.Fatal(err)
	}
	level, err := ParseLevel("default")
	if err != nil {
		b.Fatal(err)
	}
	out := b.TempDir()
	snap := func(b *testing.B, rs []crypt.Recipient) *SnapshotResult {
		n := 0
		res, err := Snapshot(context.Background(), SnapshotOptions{DB: db, OutDir: out, Label: "bench", Level: level,
			ToolVersion: "bench", EFakturVersion: "3.2", Engines: dbcheck.Engines, Recipients: rs,
			Now: func() time.Time { n++; return time.Date(2026, 1, 1, 0, 0, n, 0, time.UTC) }})
		if err != nil {
			b.Fatal(err)
		}
		return res
	}
	// The snapshots verify reads, made once.
	plain := snap(b, nil)
	sealed := snap(b, []crypt.Recipient{rcpt})
	total := plain.Manifest.Totals.Bytes
	b.Logf("db/: %d files, %.1f MiB; plain %.1f MiB, encrypted %.1f MiB", plain.Manifest.Totals.Files,
		float64(total)/(1<<20), float64(plain.ArchiveSize)/(1<<20), float64(sealed.ArchiveSize)/(1<<20))
	for _, c := range []struct {
		name string
		rs   []crypt.Recipient
	}{{"snapshot/plain", nil}, {"snapshot/age", []crypt.Recipient{rcpt}}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(total)
			for i := 0; i < b.N; i++ {
				res := snap(b, c.rs)
				b.StopTimer()
				os.Remove(res.Path)
				os.Remove(res.Sidecar)
				b.StartTimer()
			}
		})
	}
	for _, c := range []struct {
		name string
		path string
		ids  []crypt.Identity
	}{{"verify/plain", plain.Path, nil}, {"verify/age-key", sealed.Path, ids}, {"verify/age-keyless", sealed.Path, nil}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(total)
			for i := 0; i < b.N; i++ {
				rep, err := VerifyArchive(context.Background(), c.path, ReadOptions{Engines: dbcheck.Engines, Identities: c.ids})
				if err != nil {
					b.Fatal(err)
				}
				if !rep.OK() {
					b.Fatalf("%s: %v", c.name, rep.Problems)
				}
			}
		})
	}
}
