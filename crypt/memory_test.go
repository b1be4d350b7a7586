package crypt

import (
	"crypto/sha256"
	"io"
	"runtime"
	"testing"
)

// Encrypting and decrypting a stream hold one chunk at a time: 128 MiB
// pass through in well under 4 MiB of allocations, whatever the size.
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 128 MiB")
	}
	const size = 128 << 20
	k := newKey(t)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)

	pr, pw := io.Pipe()
	sent := sha256.New()
	go func() {
		w, err := Encrypt(pw, k.rcpt)
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		src := io.TeeReader(io.LimitReader(&endless{pattern: plaintext(ChunkSize+13, 5)}, size), sent)
		if _, err := io.CopyBuffer(w, src, make([]byte, 32<<10)); err != nil {
			pw.CloseWithError(err)
			return
		}
		pw.CloseWithError(w.Close())
	}()
	r, err := Decrypt(pr, k.id)
	if err != nil {
		t.Fatal(err)
	}
	got := sha256.New()
	n, err := io.CopyBuffer(got, r, make([]byte, 32<<10))
	if err != nil || n != size {
		t.Fatalf("%d bytes: %v", n, err)
	}
	runtime.ReadMemStats(&m1)
	if string(got.Sum(nil)) != string(sent.Sum(nil)) {
		t.Fatal("plaintext differs")
	}
	alloc := m1.TotalAlloc - m0.TotalAlloc
	t.Logf("%d MiB through Encrypt and Decrypt with %d KiB allocated", size>>20, alloc>>10)
	if alloc > 4<<20 {
		t.Fatalf("allocated %d KiB for a %d MiB stream", alloc>>10, size>>20)
	}
}
