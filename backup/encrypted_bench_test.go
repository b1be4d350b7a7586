package backup

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/efbackup/efbackup/crypt"
	derbyfix "github.com/efbackup/efbackup/fixtures/derby"
	"github.com/efbackup/efbackup/internal/dbcheck"
)

// BenchmarkEncryption measures what encryption costs a snapshot and its
// verification, against the unencrypted snapshot of the same Derby db/ in
// the same run. Each iteration runs every variant once, in turns (the
// order rotates), so a busy machine slows them alike; the figures are the
// medians per variant, wall time and CPU time (user and system, of the
// whole process), and the overhead of each encrypted variant in percent:
// snapshot plain against age; verify plain against age-key (decrypting,
// every check) and age-keyless (the encrypted file's header, length and
// SHA-256). Both at the level the program uses by default, with the
// database checks on, as snapshot and verify run them.
//
// EFBACKUP_BENCH_DB names a db/ folder to measure (for example the one
// bench/cmd/efbench generates: .work/bench/install-1024MiB/db); without it
// a small real Derby database from fixtures/derby is used.
//
//	EFBACKUP_BENCH_DB=DIR go test ./backup -run '^$' -bench Encryption -benchtime 5x
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
	n := 0
	snap := func(b *testing.B, rs []crypt.Recipient) *SnapshotResult {
		n++
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Second)
		res, err := Snapshot(context.Background(), SnapshotOptions{DB: db, OutDir: out, Label: "bench", Level: level,
			ToolVersion: "bench", EFakturVersion: "3.2", Engines: dbcheck.Engines, Recipients: rs,
			Now: func() time.Time { return at }})
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

	b.Run("snapshot", func(b *testing.B) {
		pairs(b, total, []variant{
			{"plain", func() {
				res := snap(b, nil)
				b.StopTimer()
				os.Remove(res.Path)
				os.Remove(res.Sidecar)
				b.StartTimer()
			}},
			{"age", func() {
				res := snap(b, []crypt.Recipient{rcpt})
				b.StopTimer()
				os.Remove(res.Path)
				os.Remove(res.Sidecar)
				b.StartTimer()
			}},
		})
	})
	verify := func(path string, ids []crypt.Identity) func() {
		return func() {
			rep, err := VerifyArchive(context.Background(), path, ReadOptions{Engines: dbcheck.Engines, Identities: ids})
			if err != nil {
				b.Fatal(err)
			}
			if !rep.OK() {
				b.Fatalf("%s: %v", path, rep.Problems)
			}
		}
	}
	b.Run("verify", func(b *testing.B) {
		pairs(b, total, []variant{{"plain", verify(plain.Path, nil)}, {"age-key", verify(sealed.Path, ids)}, {"age-keyless", verify(sealed.Path, nil)}})
	})
}

type variant struct {
	name string
	run  func()
}

// pairs runs every variant once per iteration, rotating the order, and
// reports each one's median wall and CPU seconds, and each later variant's
// overhead over the first in percent.
func pairs(b *testing.B, bytes int64, vs []variant) {
	wall := make([][]float64, len(vs))
	cpu := make([][]float64, len(vs))
	for i := 0; i < b.N; i++ {
		for k := range vs {
			j := (i + k) % len(vs)
			c0, t0 := cpuSeconds(), time.Now()
			vs[j].run()
			wall[j] = append(wall[j], time.Since(t0).Seconds())
			cpu[j] = append(cpu[j], cpuSeconds()-c0)
		}
	}
	b.SetBytes(bytes * int64(len(vs)))
	for j, v := range vs {
		w, c := median(wall[j]), median(cpu[j])
		b.ReportMetric(w, v.name+"-s")
		b.ReportMetric(c, v.name+"-cpu-s")
		if j > 0 {
			b.ReportMetric(100*(w/median(wall[0])-1), v.name+"-wall-%")
			b.ReportMetric(100*(c/median(cpu[0])-1), v.name+"-cpu-%")
		}
	}
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}
