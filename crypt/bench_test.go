package crypt

import (
	"bytes"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// benchSize is the amount of plaintext each benchmark moves.
const benchSize = 256 << 20

var bench struct {
	once       sync.Once
	raw        []byte // database-like bytes: 4 KiB pages, a third random
	compressed []byte // raw, zstd at the fastest level
	cipher     []byte // compressed, encrypted
	key        testKey
}

func benchData(b *testing.B) {
	bench.once.Do(func() {
		r := rand.New(rand.NewPCG(1, 2))
		raw := make([]byte, benchSize)
		for p := 0; p < len(raw); p += 4096 {
			page := raw[p : p+4096]
			for i := 0; i < 1360; i++ {
				page[i] = byte(r.Uint32())
			}
			fill := byte(p >> 12)
			for i := 1360; i < len(page); i++ {
				page[i] = fill + byte(i%7)
			}
		}
		bench.raw = raw
		var c bytes.Buffer
		enc := newZstd(b, &c)
		enc.Write(raw)
		enc.Close()
		bench.compressed = c.Bytes()
		bench.key = newKey(b)
		bench.cipher = encrypt(b, bench.compressed, bench.key.rcpt)
		b.Logf("%d MiB of pages compress to %d MiB", len(raw)>>20, len(bench.compressed)>>20)
	})
}

// newZstd is the snapshot's encoder at the fastest level.
func newZstd(b *testing.B, w io.Writer) *zstd.Encoder {
	enc, err := zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderCRC(true),
		zstd.WithWindowSize(1<<20), zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)))
	if err != nil {
		b.Fatal(err)
	}
	return enc
}

func BenchmarkEncrypt(b *testing.B) {
	benchData(b)
	b.SetBytes(benchSize)
	for b.Loop() {
		w, err := Encrypt(io.Discard, bench.key.rcpt)
		if err != nil {
			b.Fatal(err)
		}
		w.Write(bench.raw)
		w.Close()
	}
}

func BenchmarkDecrypt(b *testing.B) {
	benchData(b)
	cipher := encrypt(b, bench.raw, bench.key.rcpt)
	b.SetBytes(benchSize)
	for b.Loop() {
		r, err := Decrypt(bytes.NewReader(cipher), bench.key.id)
		if err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, 256<<10)
		for {
			_, err := r.Read(buf)
			if err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkSHA256(b *testing.B) {
	benchData(b)
	b.SetBytes(benchSize)
	for b.Loop() {
		sha256.Sum256(bench.raw)
	}
}

func BenchmarkZstdFastest(b *testing.B) {
	benchData(b)
	b.SetBytes(benchSize)
	for b.Loop() {
		enc := newZstd(b, io.Discard)
		enc.Write(bench.raw)
		enc.Close()
	}
}

// The snapshot's work on 256 MiB of database pages (hash, compress, and
// encrypt the compressed stream or not): the difference is what
// encryption adds to a snapshot.
func BenchmarkSnapshotPipeline(b *testing.B) {
	benchData(b)
	for _, encrypted := range []bool{false, true} {
		name := "plain"
		if encrypted {
			name = "encrypted"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(benchSize)
			for b.Loop() {
				var dst io.Writer = io.Discard
				var ew io.WriteCloser
				if encrypted {
					var err error
					if ew, err = Encrypt(io.Discard, bench.key.rcpt); err != nil {
						b.Fatal(err)
					}
					dst = ew
				}
				enc := newZstd(b, dst)
				h := sha256.New()
				for p := 0; p < benchSize; p += 1 << 20 {
					chunk := bench.raw[p : p+1<<20]
					h.Write(chunk)
					enc.Write(chunk)
				}
				enc.Close()
				if ew != nil {
					ew.Close()
				}
			}
		})
	}
}

// The verify side: decompress and hash 256 MiB, after decrypting or not.
func BenchmarkVerifyPipeline(b *testing.B) {
	benchData(b)
	for _, encrypted := range []bool{false, true} {
		name := "plain"
		if encrypted {
			name = "encrypted"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(benchSize)
			for b.Loop() {
				var src io.Reader = bytes.NewReader(bench.compressed)
				if encrypted {
					r, err := Decrypt(bytes.NewReader(bench.cipher), bench.key.id)
					if err != nil {
						b.Fatal(err)
					}
					src = r
				}
				dec, err := zstd.NewReader(src, zstd.WithDecoderConcurrency(4), zstd.WithDecoderLowmem(true))
				if err != nil {
					b.Fatal(err)
				}
				h := sha256.New()
				if n, err := io.CopyBuffer(h, dec, make([]byte, 256<<10)); err != nil || n != benchSize {
					b.Fatal(n, err)
				}
				dec.Close()
			}
		})
	}
}
