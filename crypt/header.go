package crypt

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Version is the first line of every age file.
const Version = "age-encryption.org/v1"

// The header's bounds. age's own are looser (1024 stanzas, 2 MiB); a
// snapshot is encrypted to a handful of keys, and a header beyond these is
// refused before it costs memory or work. The line limit leaves room for
// the longest stanzas age writes (post-quantum ones, about 1.5 KiB).
const (
	MaxStanzas     = 64
	MaxStanzaArgs  = 16
	MaxLineBytes   = 4096
	MaxBodyBytes   = 16 << 10
	MaxHeaderBytes = 256 << 10
)

// MaxWorkFactor is the largest scrypt work factor (log2 of N) a passphrase
// stanza may ask for: 2^20 needs 1 GiB of memory and a few seconds. age
// and efbackup write 18; age's own limit, 22, would take 4 GiB, more than
// many office PCs can spare.
const MaxWorkFactor = 20

// bodyColumns is the width of a stanza body line: a full line holds 48
// bytes, and a body always ends with a shorter line, which may be empty.
const bodyColumns = 64

var b64 = base64.RawStdEncoding.Strict()

// decodeB64 decodes canonical unpadded base64, as age writes it. Go's
// decoder skips CR and LF even when strict; age's format has none inside a
// value, and a header holding one would not re-encode to the bytes read
// (its MAC would cover other bytes than the file holds), so it is refused.
func decodeB64(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, base64.CorruptInputError(strings.IndexAny(s, "\r\n"))
	}
	return b64.DecodeString(s)
}

// A Stanza is one recipient block of an age header: a type (X25519,
// scrypt, ...), its arguments, and the wrapped file key.
type Stanza struct {
	Type string
	Args []string
	Body []byte
}

// A Header is a parsed age header. It holds nothing secret: an X25519
// stanza's argument is an ephemeral share, not the recipient's public key,
// which is why efbackup records the recipients beside the snapshot.
type Header struct {
	Stanzas []Stanza
	MAC     []byte
	// Len is the header's length in bytes, through the newline after the
	// MAC. The payload nonce follows.
	Len int64

	raw []byte
}

// Passphrase reports whether the file is protected by a passphrase.
func (h *Header) Passphrase() bool {
	return len(h.Stanzas) == 1 && h.Stanzas[0].Type == "scrypt"
}

// WorkFactor is the scrypt work factor (log2 of N) of a passphrase-
// protected file, 0 for any other.
func (h *Header) WorkFactor() int {
	if !h.Passphrase() || len(h.Stanzas[0].Args) != 2 {
		return 0
	}
	n, _ := strconv.Atoi(h.Stanzas[0].Args[1])
	return n
}

// Marshal encodes the header as age writes it. For a header that
// InspectHeader returned, these are exactly the bytes it read.
func (h *Header) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString(Version + "\n")
	for _, s := range h.Stanzas {
		b.WriteString("-> " + s.Type)
		for _, a := range s.Args {
			b.WriteString(" " + a)
		}
		b.WriteByte('\n')
		body := b64.EncodeToString(s.Body)
		for len(body) >= bodyColumns {
			b.WriteString(body[:bodyColumns] + "\n")
			body = body[bodyColumns:]
		}
		b.WriteString(body + "\n")
	}
	b.WriteString("--- " + b64.EncodeToString(h.MAC) + "\n")
	return b.Bytes()
}

// macInput is the part of the header the MAC covers: everything up to and
// including "---".
func (h *Header) macInput() []byte {
	return h.raw[:len(h.raw)-len(" ")-b64.EncodedLen(len(h.MAC))-len("\n")]
}

// InspectHeader parses the age header at the start of r without any key,
// within the bounds above. Anything malformed comes as a *DamageError
// (NotAge, Truncated, HeaderMalformed, TooCostly); an error reading r is
// returned as it is. It may read past the header.
func InspectHeader(r io.Reader) (*Header, error) {
	return parseHeader(bufio.NewReader(r), MaxWorkFactor)
}

// headerReader reads the header from a bufio.Reader one byte at a time, so
// that the payload starts exactly where the header ends, keeping the bytes
// it read for the MAC.
type headerReader struct {
	br  *bufio.Reader
	raw []byte
}

func (r *headerReader) off() int64 { return int64(len(r.raw)) }

var errLineTooLong = errors.New("line too long")

// line reads one line of at most max bytes before its newline, and returns
// it without the newline. io.ErrUnexpectedEOF means the input ended first.
func (r *headerReader) line(max int) ([]byte, error) {
	start := len(r.raw)
	for {
		c, err := r.br.ReadByte()
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		} else if err != nil {
			return nil, err
		}
		if len(r.raw) >= MaxHeaderBytes {
			return nil, damage(HeaderMalformed, int64(start), "crypt.detail.headertoolong", MaxHeaderBytes)
		}
		r.raw = append(r.raw, c)
		if c == '\n' {
			return r.raw[start : len(r.raw)-1], nil
		}
		if len(r.raw)-start > max {
			return nil, errLineTooLong
		}
	}
}

func parseHeader(br *bufio.Reader, maxWorkFactor int) (*Header, error) {
	if err := checkIntro(br); err != nil {
		return nil, err
	}
	r := &headerReader{br: br}
	if _, err := r.line(len(Version)); err != nil {
		return nil, lineError(err, 0, "crypt.detail.firstlinelong")
	}
	h := &Header{}
	for {
		start := r.off()
		line, err := r.line(MaxLineBytes)
		if err != nil {
			return nil, lineError(err, start, "crypt.detail.linelong")
		}
		if bytes.HasPrefix(line, []byte("---")) {
			mac, ok := strings.CutPrefix(string(line), "--- ")
			if h.MAC, err = decodeB64(mac); !ok || err != nil || len(h.MAC) != 32 {
				return nil, damage(HeaderMalformed, start, "crypt.detail.closingline")
			}
			break
		}
		if len(h.Stanzas) == MaxStanzas {
			return nil, damage(HeaderMalformed, start, "crypt.detail.toomanystanzas", MaxStanzas)
		}
		s, err := parseStanza(r, line, start)
		if err != nil {
			return nil, err
		}
		if err := checkStanza(s, start, maxWorkFactor); err != nil {
			return nil, err
		}
		h.Stanzas = append(h.Stanzas, *s)
	}
	if len(h.Stanzas) == 0 {
		return nil, damage(HeaderMalformed, -1, "crypt.detail.nostanza")
	}
	for _, s := range h.Stanzas {
		if s.Type == "scrypt" && len(h.Stanzas) != 1 {
			return nil, damage(HeaderMalformed, -1, "crypt.detail.mixedpassphrase")
		}
	}
	h.raw = r.raw
	h.Len = int64(len(r.raw))
	return h, nil
}

// checkIntro tells a file that is not age at all from one that is cut
// short or damaged, and names what it looks like instead.
func checkIntro(br *bufio.Reader) error {
	// Peek returns fewer bytes only at the end of the input or on a
	// read error.
	peek, err := br.Peek(len(Version) + 1)
	if err != nil && err != io.EOF {
		return fmt.Errorf("reading the age header: %w", err)
	}
	intro := Version + "\n"
	switch {
	case len(peek) == 0:
		return damage(Truncated, 0, "crypt.detail.empty")
	case string(peek) == intro:
		return nil
	case strings.HasPrefix(intro, string(peek)):
		return damage(Truncated, int64(len(peek)), "crypt.detail.firstlinecut")
	case bytes.HasPrefix(peek, []byte(Version+"\r")):
		return damage(HeaderMalformed, int64(len(Version)), "crypt.detail.crlf")
	case bytes.HasPrefix(peek, []byte("age-encryption.org/")):
		return damage(HeaderMalformed, 0, "crypt.detail.otherversion", Version)
	case bytes.HasPrefix(peek, []byte("-----BEGIN AGE")):
		return damage(NotAge, 0, "crypt.detail.armored")
	case bytes.HasPrefix(peek, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return damage(NotAge, 0, "crypt.detail.zstd")
	case bytes.HasPrefix(peek, []byte("AGE-SECRET-KEY-")), bytes.HasPrefix(peek, []byte("# created: ")), bytes.HasPrefix(peek, []byte("# public key: ")):
		return damage(NotAge, 0, "crypt.detail.identity")
	}
	return damage(NotAge, 0, "crypt.detail.notage", Version)
}

// lineError names what went wrong reading a line of the header; tooLong
// is the message (a crypt.detail.* key, with the limit as its argument)
// for a line longer than MaxLineBytes.
func lineError(err error, off int64, tooLong string) error {
	var d *DamageError
	switch {
	case errors.As(err, &d):
		return d
	case err == io.ErrUnexpectedEOF:
		return damage(Truncated, off, "crypt.detail.headercut")
	case err == errLineTooLong:
		return damage(HeaderMalformed, off, tooLong, MaxLineBytes)
	}
	return fmt.Errorf("reading the age header: %w", err)
}

func parseStanza(r *headerReader, line []byte, start int64) (*Stanza, error) {
	rest, ok := bytes.CutPrefix(line, []byte("-> "))
	if !ok {
		return nil, damage(HeaderMalformed, start, "crypt.detail.notstanza")
	}
	fields := strings.Split(string(rest), " ")
	for _, f := range fields {
		if !validField(f) {
			return nil, damage(HeaderMalformed, start, "crypt.detail.stanzaline")
		}
	}
	if len(fields)-1 > MaxStanzaArgs {
		return nil, damage(HeaderMalformed, start, "crypt.detail.stanzaargs", MaxStanzaArgs)
	}
	s := &Stanza{Type: fields[0], Args: fields[1:]}
	for {
		off := r.off()
		bl, err := r.line(bodyColumns)
		if err == errLineTooLong {
			return nil, damage(HeaderMalformed, off, "crypt.detail.bodywide", bodyColumns)
		} else if err != nil {
			return nil, lineError(err, off, "crypt.detail.bodylinelong")
		}
		b, err := decodeB64(string(bl))
		if err != nil {
			return nil, damage(HeaderMalformed, off, "crypt.detail.bodybase64")
		}
		if len(s.Body)+len(b) > MaxBodyBytes {
			return nil, damage(HeaderMalformed, off, "crypt.detail.bodylarge", MaxBodyBytes)
		}
		s.Body = append(s.Body, b...)
		if len(bl) < bodyColumns {
			return s, nil
		}
	}
}

func validField(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 33 || s[i] > 126 {
			return false
		}
	}
	return true
}

// checkStanza holds the two stanza types efbackup writes to their exact
// shape, so that a damaged one is named as such before any key is tried,
// and an scrypt work factor is bounded before scrypt runs. Other types
// (SSH keys, post-quantum keys, plugins) pass as they are: no identity
// efbackup holds will match them.
func checkStanza(s *Stanza, off int64, maxWorkFactor int) error {
	switch s.Type {
	case "X25519":
		if len(s.Args) != 1 || len(s.Body) != 32 {
			return damage(HeaderMalformed, off, "crypt.detail.x25519")
		}
		if share, err := decodeB64(s.Args[0]); err != nil || len(share) != 32 {
			return damage(HeaderMalformed, off, "crypt.detail.x25519share")
		}
	case "scrypt":
		if len(s.Args) != 2 || len(s.Body) != 32 {
			return damage(HeaderMalformed, off, "crypt.detail.scrypt")
		}
		if salt, err := decodeB64(s.Args[0]); err != nil || len(salt) != 16 {
			return damage(HeaderMalformed, off, "crypt.detail.scryptsalt")
		}
		w := s.Args[1]
		if w[0] < '1' || w[0] > '9' || strings.Trim(w, "0123456789") != "" {
			return damage(HeaderMalformed, off, "crypt.detail.scryptworkfactor")
		}
		if n, err := strconv.Atoi(w); err != nil || n > maxWorkFactor {
			if len(w) > 12 {
				w = w[:12] + "…"
			}
			return damage(TooCostly, off, "crypt.detail.toocostly", w, maxWorkFactor, maxWorkFactor, scryptMemory(maxWorkFactor))
		}
	}
	return nil
}

// scryptMemory is the memory scrypt with r=8 needs at work factor logN.
func scryptMemory(logN int) string {
	b := int64(128*8) << logN
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%d GiB", b>>30)
	case b >= 1<<20:
		return fmt.Sprintf("%d MiB", b>>20)
	}
	return fmt.Sprintf("%d KiB", b>>10)
}

// FileInfo is what a look at a whole age file finds without any key.
type FileInfo struct {
	Header *Header
	// Size is the file's length in bytes.
	Size int64
	// Chunks and PlaintextSize follow from Size: the payload's chunking
	// leaves one possible plaintext length.
	Chunks        int64
	PlaintextSize int64
	// SHA256 is the digest of the whole file, to compare with the one
	// recorded when it was written.
	SHA256 [32]byte
}

// InspectFile reads a whole age file without any key: it checks the header
// as InspectHeader does, and that the payload's length is one that age
// writes, which catches most files cut short; it hashes the file on the way.
// Whether the chunks are the ones written takes a key (Decrypt), or the
// digest recorded when the file was written.
func InspectFile(r io.Reader) (*FileInfo, error) {
	h := sha256.New()
	cr := &countingReader{r: io.TeeReader(r, h)}
	br := bufio.NewReader(cr)
	hdr, err := parseHeader(br, MaxWorkFactor)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		return nil, fmt.Errorf("reading the encrypted file at byte %d: %w", cr.n, err)
	}
	fi := &FileInfo{Header: hdr, Size: cr.n}
	h.Sum(fi.SHA256[:0])
	payload := fi.Size - hdr.Len - 16
	if payload < 0 {
		return nil, damage(Truncated, fi.Size, "crypt.detail.nopayload")
	}
	if payload == 0 {
		return nil, damage(Truncated, fi.Size, "crypt.detail.nopayloadnonce")
	}
	const enc = ChunkSize + Overhead
	fi.Chunks = (payload + enc - 1) / enc
	lastLen := payload - (fi.Chunks-1)*enc
	if lastLen < Overhead || (lastLen == Overhead && fi.Chunks > 1) {
		d := damage(Truncated, fi.Size, "crypt.detail.lastchunklength")
		d.Chunk = fi.Chunks - 1
		return nil, d
	}
	fi.PlaintextSize = payload - fi.Chunks*Overhead
	return fi, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
