package crypt

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"filippo.io/age"
)

// fuzzSeeds are the hostile corpus and a few good files made with its key.
func fuzzSeeds(f *testing.F, limit int) {
	names := make([]string, 0)
	for name := range readHostileAgeExpected(f) {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(hostileAgeCorpus, name))
		must(f, err)
		f.Add(b[:min(len(b), limit)])
	}
	ids, err := ReadIdentityFile(filepath.Join(hostileAgeCorpus, "identity.txt"))
	must(f, err)
	r, err := ParseRecipient(ids[0].PublicKey())
	must(f, err)
	for _, n := range []int{0, 1, 100, ChunkSize + 10} {
		if b := encrypt(f, plaintext(n, uint64(n)), r); len(b) <= limit {
			f.Add(b)
		}
	}
	f.Add(encrypt(f, []byte("faktur"), weakPassphrase(f, hostilePassphrase, 4)))
}

// The header parser never panics, answers every input with a header or a
// damage verdict, re-encodes what it accepts to the very bytes it read,
// and accepts nothing that age refuses; what age accepts and it refuses
// breaks one of efbackup's stricter bounds. Its damage is kept as a
// message that says what Error says.
func FuzzInspectHeader(f *testing.F) {
	fuzzSeeds(f, 4096)
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := InspectHeader(bytes.NewReader(data))
		ageHdr, aerr := age.ExtractHeader(bytes.NewReader(data))
		if err != nil {
			checkWords(t, "InspectHeader", err)
			switch k := KindOf(err); k {
			case NotAge, Truncated, HeaderMalformed, TooCostly:
			default:
				t.Fatalf("InspectHeader: %v (kind %s)", err, k)
			}
			if aerr == nil && KindOf(err) != HeaderMalformed && KindOf(err) != TooCostly {
				t.Fatalf("age reads the header, InspectHeader says %v", err)
			}
			return
		}
		if h.Len > int64(len(data)) || !bytes.Equal(h.Marshal(), data[:h.Len]) {
			t.Fatalf("the header does not re-encode to the bytes read")
		}
		if aerr != nil {
			t.Fatalf("InspectHeader accepted a header age refuses: %v", aerr)
		}
		if !bytes.Equal(ageHdr, data[:h.Len]) {
			t.Fatalf("age reads a header of %d bytes, InspectHeader %d", len(ageHdr), h.Len)
		}
	})
}

// Decrypt never panics, answers every input with the plaintext or a typed
// verdict, and agrees with age: it opens exactly the files age opens, to
// the same plaintext, but for headers beyond its stricter bounds. Knowing
// the size changes how damage is named, never whether a file opens, and
// neither does the size of the reads. Damage is kept as a message that
// says what Error says.
func FuzzDecrypt(f *testing.F) {
	fuzzSeeds(f, 3*ChunkSize)
	ids := hostileIdentities(f)
	ageIDs := []age.Identity{ids[0].id, ids[1].id}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := DecryptOptions{MaxWorkFactor: 10}
		plain, err := decryptAll(data, opts, ids...)
		if err != nil && KindOf(err) == 0 {
			t.Fatalf("an error without a kind: %v", err)
		}
		sized := opts
		sized.Size = int64(len(data))
		plain2, err2 := decryptReads(data, sized, ChunkSize, ids...)
		checkWords(t, "Decrypt", err)
		checkWords(t, "Decrypt, size known", err2)
		if (err == nil) != (err2 == nil) || !bytes.Equal(plain, plain2) || IsKeyProblem(err) != IsKeyProblem(err2) {
			t.Fatalf("without the size: %v; with it: %v", err, err2)
		}
		if err != nil && KindOf(err) == TooCostly {
			return // age would spend the scrypt work efbackup refuses
		}
		ar, aerr := age.Decrypt(bytes.NewReader(data), ageIDs...)
		var aplain []byte
		if aerr == nil {
			aplain, aerr = io.ReadAll(ar)
		}
		switch {
		case err == nil && aerr != nil:
			t.Fatalf("Decrypt opened a file age refuses: %v", aerr)
		case err == nil && !bytes.Equal(plain, aplain):
			t.Fatalf("Decrypt and age disagree on the plaintext")
		case err != nil && aerr == nil && KindOf(err) != HeaderMalformed:
			t.Fatalf("age opens the file, Decrypt says %v", err)
		}
		if err == nil {
			fi, ierr := InspectFile(bytes.NewReader(data))
			if ierr != nil || fi.PlaintextSize != int64(len(plain)) || fi.Size != int64(len(data)) {
				t.Fatalf("InspectFile on a good file: %v", ierr)
			}
		}
	})
}
