package crypt

import (
	"bufio"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"
)

// DecryptOptions says what efbackup knows about a file from beside it (the
// snapshot's sidecar), which lets Decrypt name problems precisely.
type DecryptOptions struct {
	// Recipients are the public keys the file was encrypted to. age headers
	// do not name them; with them, a wrong key is told which keys would
	// open the file, and a file that no longer opens with one of them is
	// reported as a changed header rather than a wrong key.
	Recipients []string
	// Size is the file's size as it was written, 0 when unknown. When the
	// last chunk fails authentication, only the size tells a file cut
	// short inside that chunk (Truncated) from one whose last chunk
	// changed (ChunkChanged) or grew (TrailingData); without it,
	// Truncated, by far the more common, is reported.
	Size int64
	// MaxWorkFactor bounds the scrypt work a passphrase-protected file may
	// ask for; 0, or anything above MaxWorkFactor, means MaxWorkFactor.
	MaxWorkFactor int
}

// Decrypt opens the age file read from src with the first identity that
// fits, and returns a reader of its plaintext. See DecryptWith.
func Decrypt(src io.Reader, identities ...Identity) (io.Reader, error) {
	r, err := DecryptWith(src, DecryptOptions{}, identities...)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// DecryptWith checks the header of the age file read from src (within the
// bounds of InspectHeader), finds the identity that opens it, checks the
// header's MAC and returns a reader of the plaintext.
//
// Problems with the file come as a *DamageError, problems with the keys as
// a *KeyError; an error reading src is returned as it is. The reader
// decrypts one 64 KiB chunk at a time and returns io.EOF only once the
// last chunk has authenticated and nothing follows it: plaintext read
// before an error is not known to be whole and must be discarded.
func DecryptWith(src io.Reader, opts DecryptOptions, identities ...Identity) (*Reader, error) {
	maxWF := opts.MaxWorkFactor
	if maxWF <= 0 || maxWF > MaxWorkFactor {
		maxWF = MaxWorkFactor
	}
	br := bufio.NewReader(src)
	hdr, err := parseHeader(br, maxWF)
	if err != nil {
		return nil, err
	}
	fileKey, err := unwrap(hdr, opts, identities)
	if err != nil {
		return nil, err
	}
	macKey, err := hkdf.Key(sha256.New, fileKey, nil, "header", 32)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, macKey)
	mac.Write(hdr.macInput())
	if !hmac.Equal(mac.Sum(nil), hdr.MAC) {
		return nil, damage(HeaderChanged, hdr.Len-int64(len(" \n")+b64.EncodedLen(len(hdr.MAC))), "crypt.detail.macchanged")
	}
	nonce := make([]byte, 16)
	if n, err := io.ReadFull(br, nonce); err == io.EOF || err == io.ErrUnexpectedEOF {
		return nil, damage(Truncated, hdr.Len+int64(n), "crypt.detail.nopayload")
	} else if err != nil {
		return nil, fmt.Errorf("reading the encrypted file at byte %d: %w", hdr.Len+int64(n), err)
	}
	streamKey, err := hkdf.Key(sha256.New, fileKey, nonce, "payload", chacha20poly1305.KeySize)
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.New(streamKey)
	if err != nil {
		return nil, err
	}
	return &Reader{hdr: hdr, aead: aead, src: br, size: opts.Size, off: hdr.Len + int64(len(nonce))}, nil
}

// unwrap finds the file key with the identities that can apply to hdr.
func unwrap(hdr *Header, opts DecryptOptions, identities []Identity) ([]byte, error) {
	passphrase := hdr.Passphrase()
	var ids []Identity
	var tried []string
	for _, id := range identities {
		if id.id != nil && id.passphrase == passphrase {
			ids = append(ids, id)
			if !id.passphrase {
				tried = append(tried, id.publicKey)
			}
		}
	}
	keyErr := &KeyError{Passphrase: passphrase, Recipients: opts.Recipients, Tried: tried, Stanzas: len(hdr.Stanzas)}
	if len(ids) == 0 {
		keyErr.Kind = KeyMissing
		keyErr.OtherKind = len(identities) > 0
		return nil, keyErr
	}
	stanzas := make([]*age.Stanza, len(hdr.Stanzas))
	for i := range hdr.Stanzas {
		s := hdr.Stanzas[i]
		stanzas[i] = &age.Stanza{Type: s.Type, Args: s.Args, Body: s.Body}
	}
	for _, id := range ids {
		fileKey, err := id.id.Unwrap(stanzas)
		if err == nil {
			return fileKey, nil
		}
		if !errors.Is(err, age.ErrIncorrectIdentity) {
			// The header check leaves only what needs the key to see:
			// an X25519 share that is a low-order point, for one.
			return nil, damage(HeaderMalformed, -1, "crypt.detail.stanzaunwrap", err)
		}
	}
	if passphrase {
		keyErr.Kind = WrongPassphrase
		return nil, keyErr
	}
	for _, pk := range tried {
		if slices.Contains(opts.Recipients, pk) {
			return nil, damage(HeaderChanged, -1, "crypt.detail.stanzagone", pk)
		}
	}
	keyErr.Kind = WrongKey
	return nil, keyErr
}

// A Reader reads the plaintext of an age file, one chunk at a time.
type Reader struct {
	hdr   *Header
	aead  cipher.AEAD
	src   *bufio.Reader
	size  int64
	off   int64 // where the next chunk starts in the file
	chunk uint64
	buf   [ChunkSize + Overhead]byte
	plain [ChunkSize]byte
	rest  []byte // plaintext not yet read, in plain
	err   error
}

// Header is the file's age header.
func (r *Reader) Header() *Header { return r.hdr }

func (r *Reader) Read(p []byte) (int, error) {
	for len(r.rest) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if len(p) == 0 {
			return 0, nil
		}
		if len(p) >= ChunkSize {
			// Straight into p, saving a copy: p is the caller's to
			// overwrite even when the chunk fails.
			var out []byte
			out, r.err = r.next(p[:0])
			if len(out) > 0 {
				return len(out), nil
			}
			continue
		}
		r.rest, r.err = r.next(r.plain[:0])
	}
	n := copy(p, r.rest)
	r.rest = r.rest[n:]
	return n, nil
}

// next decrypts the next chunk into dst. Whether a chunk is the last one is told by
// what follows it, and the nonce it authenticates under confirms it; which
// of the two nonces a failing chunk does open under names the damage.
func (r *Reader) next(dst []byte) ([]byte, error) {
	idx := int64(r.chunk)
	n, err := io.ReadFull(r.src, r.buf[:])
	switch {
	case err == io.EOF:
		return nil, r.damage(Truncated, r.off, "crypt.detail.nopayloadnonce")
	case err != nil && err != io.ErrUnexpectedEOF:
		return nil, fmt.Errorf("reading the encrypted file at byte %d: %w", r.off+int64(n), err)
	}
	if r.size > 0 && r.off < r.size && r.off+int64(n) > r.size {
		// The file is longer than it was written, and its recorded end
		// lies in this chunk: if the chunk authenticates as the last one
		// up to there, bytes were added and nothing else changed.
		if _, ok := r.open(dst, r.buf[:r.size-r.off], true); ok {
			return nil, r.damage(TrailingData, r.size, "crypt.detail.longer", r.off+int64(n)-r.size)
		}
	}
	if err == io.ErrUnexpectedEOF {
		return r.last(dst, r.buf[:n])
	}
	// A full chunk: the last one only if nothing follows.
	if _, err := r.src.Peek(1); err == io.EOF {
		out, ok := r.open(dst, r.buf[:n], true)
		if ok {
			r.off += int64(n)
			return out, io.EOF
		}
		if _, ok := r.open(dst, r.buf[:n], false); ok {
			d := r.damage(Truncated, r.off+int64(n), "crypt.detail.lastmissing", idx)
			d.Chunk = idx + 1
			return nil, d
		}
		return nil, r.damage(ChunkChanged, r.off, "crypt.detail.lastchanged", idx)
	} else if err != nil {
		return nil, fmt.Errorf("reading the encrypted file at byte %d: %w", r.off+int64(n), err)
	}
	out, ok := r.open(dst, r.buf[:n], false)
	if ok {
		r.off += int64(n)
		r.chunk++
		return out, nil
	}
	if _, ok := r.open(dst, r.buf[:n], true); ok {
		return nil, r.damage(TrailingData, r.off+int64(n), "crypt.detail.appended", idx)
	}
	return nil, r.damage(ChunkChanged, r.off, "crypt.detail.chunkchanged", idx)
}

// last handles a chunk shorter than a full one: the file ends in it.
func (r *Reader) last(dst, in []byte) ([]byte, error) {
	idx := int64(r.chunk)
	end := r.off + int64(len(in))
	if len(in) < Overhead {
		return nil, r.damage(Truncated, end, "crypt.detail.inchunk", idx)
	}
	out, ok := r.open(dst, in, true)
	switch {
	case ok && len(out) == 0 && idx > 0:
		// age never writes an empty last chunk after others.
		return nil, r.damage(ChunkChanged, r.off, "crypt.detail.emptylast", idx)
	case ok:
		r.off = end
		return out, io.EOF
	case len(in) == Overhead && idx > 0:
		return nil, r.damage(Truncated, end, "crypt.detail.inchunk", idx)
	case r.size > 0 && end >= r.size:
		// As long as written, or longer but not just by added bytes
		// (next checked that): the last chunk itself changed.
		return nil, r.damage(ChunkChanged, r.off, "crypt.detail.lastchanged", idx)
	case r.size > 0:
		return nil, r.damage(Truncated, end, "crypt.detail.early", r.size-end, idx)
	}
	return nil, r.damage(Truncated, end, "crypt.detail.lastcut", idx)
}

// open authenticates and decrypts one chunk under its nonce: the chunk
// counter, and a final byte 1 for the last chunk.
func (r *Reader) open(dst, in []byte, last bool) ([]byte, bool) {
	var nonce [chacha20poly1305.NonceSize]byte
	binary.BigEndian.PutUint64(nonce[3:11], r.chunk)
	if last {
		nonce[11] = 1
	}
	out, err := r.aead.Open(dst, nonce[:], in, nil)
	return out, err == nil
}

func (r *Reader) damage(k Kind, off int64, key string, args ...any) *DamageError {
	d := damage(k, off, key, args...)
	d.Chunk = int64(r.chunk)
	return d
}
