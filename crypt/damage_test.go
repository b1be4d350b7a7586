package crypt

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

const encChunk = ChunkSize + Overhead

// sample is an encrypted file of three chunks, the last one short, with
// the offsets of its parts.
type sample struct {
	file  []byte
	plain []byte
	hdr   int // header length
	lines []int
}

func newSample(t testing.TB, n int, k testKey) sample {
	t.Helper()
	plain := plaintext(n, 42)
	file := encrypt(t, plain, k.rcpt)
	hdr, err := InspectHeader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	s := sample{file: file, plain: plain, hdr: int(hdr.Len)}
	for i, c := range file[:hdr.Len] {
		if i == 0 || file[i-1] == '\n' {
			s.lines = append(s.lines, i)
		}
		_ = c
	}
	if len(s.lines) != 4 {
		t.Fatalf("header of %d lines, want 4: intro, stanza, body, MAC", len(s.lines))
	}
	return s
}

func cut(b []byte, n int) []byte { return bytes.Clone(b[:n]) }

func flip(b []byte, off int) []byte {
	c := bytes.Clone(b)
	c[off] ^= 0x01
	return c
}

// smash puts a character outside base64 at off.
func smash(b []byte, off int) []byte {
	c := bytes.Clone(b)
	c[off] = '*'
	return c
}

// swapB64 changes the base64 character at off to another one, so that the
// header stays canonical and only its meaning changes.
func swapB64(b []byte, off int) []byte {
	c := bytes.Clone(b)
	if c[off] == 'A' {
		c[off] = 'B'
	} else {
		c[off] = 'A'
	}
	return c
}

func join(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

type damageCase struct {
	name  string
	file  []byte
	opts  DecryptOptions
	ids   []Identity
	want  Kind
	chunk int64 // the chunk a payload error names; -1 when not checked
}

func checkCase(t *testing.T, c damageCase, plain []byte) {
	t.Helper()
	got, err := decryptAll(c.file, c.opts, c.ids...)
	// Reads of a chunk or more reach the same verdict.
	big, err2 := decryptReads(c.file, c.opts, 3*ChunkSize, c.ids...)
	if KindOf(err) != KindOf(err2) || (err == nil) != (err2 == nil) || !bytes.Equal(got, big) {
		t.Errorf("%s: small reads: %v; large reads: %v", c.name, err, err2)
	}
	if c.want == 0 {
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("%s: %v, want the plaintext", c.name, err)
		}
		return
	}
	if err == nil {
		t.Errorf("%s: decrypted, want %s", c.name, c.want)
		return
	}
	if k := KindOf(err); k != c.want {
		t.Errorf("%s: %s (%v), want %s", c.name, k, err, c.want)
		return
	}
	var d *DamageError
	var ke *KeyError
	switch {
	case c.want.Damage() && !errors.As(err, &d):
		t.Errorf("%s: %T, want a *DamageError", c.name, err)
	case !c.want.Damage() && !errors.As(err, &ke):
		t.Errorf("%s: %T, want a *KeyError", c.name, err)
	case d != nil && c.chunk >= 0 && d.Chunk != c.chunk:
		t.Errorf("%s: names chunk %d, want %d (%v)", c.name, d.Chunk, c.chunk, err)
	}
	if IsDamage(err) == IsKeyProblem(err) {
		t.Errorf("%s: damage %v and key problem %v", c.name, IsDamage(err), IsKeyProblem(err))
	}
	t.Logf("%-44s %-16s %v", c.name, c.want, err)
}

func TestDamageAndKeyErrors(t *testing.T) {
	for _, set := range keyedDamageCases(t) {
		for _, c := range set.cases {
			checkCase(t, c, set.plain)
		}
	}
}

// A damageCaseSet is cases made from one file, with the plaintext it holds.
type damageCaseSet struct {
	plain []byte
	cases []damageCase
}

// keyedDamageCases are files encrypted to a key, damaged in every way
// Decrypt tells apart, and opened with the right key, a wrong one or none.
func keyedDamageCases(t testing.TB) []damageCaseSet {
	a, b := newKey(t), newKey(t)
	s := newSample(t, 2*ChunkSize+1000, a)
	f, h, L := s.file, s.hdr, s.lines
	size := int64(len(f))
	sized := DecryptOptions{Size: size}
	known := DecryptOptions{Recipients: []string{a.rcpt.PublicKey()}}
	p0, p1, p2 := h+16, h+16+encChunk, h+16+2*encChunk // where each chunk starts
	A, B := []Identity{a.id}, []Identity{b.id}
	pass := passID(t, "sandi")

	cases := []damageCase{
		{"whole file", f, DecryptOptions{}, A, 0, -1},
		{"right key after a wrong one", f, DecryptOptions{}, []Identity{b.id, a.id}, 0, -1},
		{"whole file, size and recipients known", f, DecryptOptions{Size: size, Recipients: known.Recipients}, A, 0, -1},

		{"wrong key", f, DecryptOptions{}, B, WrongKey, -1},
		{"wrong key, recipients known", f, known, B, WrongKey, -1},
		{"no key", f, DecryptOptions{}, nil, KeyMissing, -1},
		{"only a passphrase for a keyed file", f, DecryptOptions{}, []Identity{pass}, KeyMissing, -1},

		{"truncated: empty", cut(f, 0), DecryptOptions{}, A, Truncated, -1},
		{"truncated: in the first line", cut(f, 10), DecryptOptions{}, A, Truncated, -1},
		{"truncated: in the stanza line", cut(f, L[1]+5), DecryptOptions{}, A, Truncated, -1},
		{"truncated: in the stanza body", cut(f, L[2]+20), DecryptOptions{}, A, Truncated, -1},
		{"truncated: in the MAC line", cut(f, L[3]+20), DecryptOptions{}, A, Truncated, -1},
		{"truncated: before the nonce", cut(f, h), DecryptOptions{}, A, Truncated, -1},
		{"truncated: in the nonce", cut(f, h+8), DecryptOptions{}, A, Truncated, -1},
		{"truncated: after the nonce", cut(f, p0), DecryptOptions{}, A, Truncated, 0},
		{"truncated: in the first chunk", cut(f, p0+1000), DecryptOptions{}, A, Truncated, 0},
		{"truncated: in the first chunk, size known", cut(f, p0+1000), sized, A, Truncated, 0},
		{"truncated: first chunk boundary", cut(f, p1), DecryptOptions{}, A, Truncated, 1},
		{"truncated: second chunk boundary", cut(f, p2), DecryptOptions{}, A, Truncated, 2},
		{"truncated: in the last chunk's first bytes", cut(f, p2+8), DecryptOptions{}, A, Truncated, 2},
		{"truncated: in the last chunk", cut(f, p2+500), DecryptOptions{}, A, Truncated, 2},
		{"truncated: in the last chunk, size known", cut(f, p2+500), sized, A, Truncated, 2},
		{"truncated: last byte", cut(f, len(f)-1), sized, A, Truncated, 2},

		{"changed: first line", flip(f, 2), DecryptOptions{}, A, NotAge, -1},
		{"changed: stanza type", flip(f, L[1]+3), DecryptOptions{}, A, WrongKey, -1},
		{"changed: stanza type, recipients known", flip(f, L[1]+3), known, A, HeaderChanged, -1},
		{"changed: ephemeral share", swapB64(f, L[1]+20), DecryptOptions{}, A, WrongKey, -1},
		{"changed: ephemeral share, recipients known", swapB64(f, L[1]+20), known, A, HeaderChanged, -1},
		{"changed: stanza body", swapB64(f, L[2]+10), DecryptOptions{}, A, WrongKey, -1},
		{"changed: stanza body, recipients known", swapB64(f, L[2]+10), known, A, HeaderChanged, -1},
		{"changed: stanza body, not base64", smash(f, L[2]+10), DecryptOptions{}, A, HeaderMalformed, -1},
		{"changed: MAC", swapB64(f, L[3]+10), DecryptOptions{}, A, HeaderChanged, -1},
		{"changed: MAC, not base64", smash(f, L[3]+10), DecryptOptions{}, A, HeaderMalformed, -1},
		{"changed: closing line", flip(f, L[3]+1), DecryptOptions{}, A, HeaderMalformed, -1},
		{"changed: nonce", flip(f, h+3), DecryptOptions{}, A, ChunkChanged, 0},
		{"changed: first chunk", flip(f, p0+100), DecryptOptions{}, A, ChunkChanged, 0},
		{"changed: middle chunk", flip(f, p1+100), DecryptOptions{}, A, ChunkChanged, 1},
		{"changed: middle chunk's tag", flip(f, p2-1), DecryptOptions{}, A, ChunkChanged, 1},
		{"changed: last chunk, size known", flip(f, p2+100), sized, A, ChunkChanged, 2},
		{"changed: last chunk's tag, size known", flip(f, len(f)-1), sized, A, ChunkChanged, 2},
		// Without the size, a last chunk that fails is reported as cut
		// short, the commoner cause (DecryptOptions.Size).
		{"changed: last chunk, size unknown", flip(f, p2+100), DecryptOptions{}, A, Truncated, 2},
		{"changed: chunks swapped", join(f[:p0], f[p1:p2], f[p0:p1], f[p2:]), DecryptOptions{}, A, ChunkChanged, 0},

		{"appended: one byte, size known", join(f, []byte{0}), sized, A, TrailingData, -1},
		{"appended: a whole chunk, size known", join(f, f[p0:p1]), sized, A, TrailingData, -1},
		{"appended: the file again, size known", join(f, f), sized, A, TrailingData, -1},
		{"appended: one byte, size unknown", join(f, []byte{0}), DecryptOptions{}, A, Truncated, -1},
	}

	// A file whose last chunk is full: every case is told apart without
	// the size.
	full := newSample(t, 2*ChunkSize, a)
	g, gh := full.file, full.hdr
	q1 := gh + 16 + encChunk
	fullCases := []damageCase{
		{"full last chunk: whole", g, DecryptOptions{}, A, 0, -1},
		{"full last chunk: changed", flip(g, q1+100), DecryptOptions{}, A, ChunkChanged, 1},
		{"full last chunk: changed tag", flip(g, len(g)-1), DecryptOptions{}, A, ChunkChanged, 1},
		{"full last chunk: truncated at the boundary", cut(g, q1), DecryptOptions{}, A, Truncated, 1},
		{"full last chunk: one byte short", cut(g, len(g)-1), DecryptOptions{}, A, Truncated, 1},
		{"full last chunk: one byte appended", join(g, []byte{0}), DecryptOptions{}, A, TrailingData, 1},
		{"full last chunk: 70000 bytes appended", join(g, plaintext(70000, 1)), DecryptOptions{}, A, TrailingData, 1},
	}
	return []damageCaseSet{{s.plain, cases}, {full.plain, fullCases}}
}

func TestPassphraseErrors(t *testing.T) {
	set := passphraseDamageCases(t)
	for _, c := range set.cases {
		checkCase(t, c, set.plain)
	}
}

// passphraseDamageCases are a passphrase-protected file opened with the
// right passphrase, a wrong one, a key, nothing, and a lower work limit.
func passphraseDamageCases(t testing.TB) damageCaseSet {
	k := newKey(t)
	file := encrypt(t, []byte("faktur"), weakPassphrase(t, "benar", 8))
	pass := passID(t, "benar")
	return damageCaseSet{[]byte("faktur"), []damageCase{
		{"right passphrase", file, DecryptOptions{}, []Identity{pass}, 0, -1},
		{"right passphrase after a wrong one", file, DecryptOptions{}, []Identity{passID(t, "salah"), pass}, 0, -1},
		{"wrong passphrase", file, DecryptOptions{}, []Identity{passID(t, "salah")}, WrongPassphrase, -1},
		{"a key for a passphrase file", file, DecryptOptions{}, []Identity{k.id}, KeyMissing, -1},
		{"nothing", file, DecryptOptions{}, nil, KeyMissing, -1},
		{"work factor above the limit", file, DecryptOptions{MaxWorkFactor: 7}, []Identity{pass}, TooCostly, -1},
	}}
}

// What a key error says: which keys were tried, and which would open the
// file when that is known; and never a secret.
func TestKeyErrorMessages(t *testing.T) {
	a, b := newKey(t), newKey(t)
	file := encrypt(t, []byte("x"), a.rcpt)
	_, err := decryptAll(file, DecryptOptions{Recipients: []string{a.rcpt.PublicKey()}}, b.id)
	msg := err.Error()
	if !strings.Contains(msg, b.rcpt.PublicKey()) || !strings.Contains(msg, a.rcpt.PublicKey()) {
		t.Errorf("%q names neither the key tried nor the one that would open it", msg)
	}
	var ke *KeyError
	if !errors.As(err, &ke) || ke.Stanzas != 1 || len(ke.Tried) != 1 {
		t.Errorf("%#v", err)
	}
	_, err = decryptAll(file, DecryptOptions{}, nil...)
	if !strings.Contains(err.Error(), "no identity") {
		t.Errorf("key missing: %q", err)
	}
	pf := encrypt(t, []byte("x"), weakPassphrase(t, "p", 4))
	_, err = decryptAll(pf, DecryptOptions{}, a.id)
	if !strings.Contains(err.Error(), "passphrase") {
		t.Errorf("key missing for a passphrase file: %q", err)
	}
}

// A damaged file is named as damaged by the reader, never ended with
// io.EOF, however it is read.
func TestDamageNeverEOF(t *testing.T) {
	k := newKey(t)
	s := newSample(t, 2*ChunkSize+1000, k)
	bad := flip(s.file, s.hdr+16+encChunk+5)
	r, err := Decrypt(bytes.NewReader(bad), k.id)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, r)
	if KindOf(err) != ChunkChanged {
		t.Fatalf("%v", err)
	}
	// The first chunk authenticated and was delivered; nothing of the
	// changed one was.
	if n != ChunkSize {
		t.Fatalf("read %d bytes before the error, want %d", n, ChunkSize)
	}
	if _, err2 := r.Read(make([]byte, 10)); err2 != err {
		t.Fatalf("a second read says %v, want the same error", err2)
	}
}

// A read error of the disk is passed on as it is, not called damage.
func TestReadErrorIsNotDamage(t *testing.T) {
	k := newKey(t)
	s := newSample(t, 2*ChunkSize+1000, k)
	disk := errors.New("input/output error")
	for _, at := range []int{5, s.hdr + 4, s.hdr + 16 + 100, s.hdr + 16 + encChunk + 10} {
		r := io.MultiReader(bytes.NewReader(s.file[:at]), &failing{disk})
		got, err := func() ([]byte, error) {
			d, err := Decrypt(r, k.id)
			if err != nil {
				return nil, err
			}
			return io.ReadAll(d)
		}()
		if !errors.Is(err, disk) || IsDamage(err) || IsKeyProblem(err) {
			t.Errorf("read error at byte %d: %v (%d bytes)", at, err, len(got))
		}
	}
}

type failing struct{ err error }

func (f *failing) Read([]byte) (int, error) { return 0, f.err }

// The keyless check catches a file cut where no age file can end, and
// passes any length age could have written: that takes the key, or the
// digest recorded beside the file.
func TestInspectFileTruncation(t *testing.T) {
	k := newKey(t)
	s := newSample(t, 2*ChunkSize+1000, k)
	for _, c := range inspectFileCuts(s) {
		_, err := InspectFile(bytes.NewReader(s.file[:c.n]))
		if c.ok != (err == nil) || (err != nil && KindOf(err) != Truncated) {
			t.Errorf("cut at %d: %v, want ok=%v", c.n, err, c.ok)
		}
	}
}

type fileCut struct {
	n  int
	ok bool
}

// inspectFileCuts are lengths to cut s at, and whether InspectFile passes
// a file of that length.
func inspectFileCuts(s sample) []fileCut {
	p0 := s.hdr + 16
	return []fileCut{
		{0, false}, {10, false}, {s.hdr - 1, false}, {s.hdr, false}, {s.hdr + 8, false}, {p0, false},
		{p0 + 15, false}, {p0 + 16, true}, {p0 + 1000, true}, {p0 + encChunk, true},
		{p0 + encChunk + 10, false}, {p0 + encChunk + 16, false}, {p0 + encChunk + 17, true}, {len(s.file), true},
	}
}
