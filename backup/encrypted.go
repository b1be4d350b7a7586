package backup

// Encrypted snapshots. NAME.tar.zst.age is the whole NAME.tar.zst stream
// encrypted with age (package crypt), so that it opens with efbackup or
// with "age -d -i key.txt NAME.tar.zst.age | tar --zstd -xf -". The manifest
// travels inside, as in every snapshot. The sidecar beside it carries
// nothing from inside the database (no file list, no hashes of files, no
// content id): only what list, prune, doctor and a check without the key
// need: label, time, sizes, the databases' states and verdicts, and the
// SHA-256, size and recipients of the encrypted file.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/efbackup/efbackup/crypt"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/faultio"
	"github.com/efbackup/efbackup/internal/i18n"
)

// EncryptedSuffix ends the name of an encrypted snapshot, after
// ArchiveSuffix: NAME.tar.zst.age.
const EncryptedSuffix = ".age"

// SidecarSchemaEncrypted identifies the sidecar of an encrypted snapshot.
// It is not a manifest: ParseManifest refuses it, ParseSidecar reads it.
const SidecarSchemaEncrypted = "efbackup.sidecar-encrypted/1"

// EncryptionFormat is the only encryption a sidecar may name.
const EncryptionFormat = "age"

// PassphraseRecipient stands for a passphrase in Encryption.Recipients.
const PassphraseRecipient = "passphrase"

// Problem kinds of an encrypted snapshot that is not the file written
// (a file cut short is ProblemTruncated, as for any snapshot).
const (
	ProblemEncryptedHeader = "encrypted-header" // the age header is malformed, changed, or not age at all
	ProblemEncryptedChunk  = "encrypted-chunk"  // a chunk of the encrypted payload fails authentication, or bytes were added
)

// Encryption describes the encrypted file of a snapshot, in its sidecar.
type Encryption struct {
	Format string `json:"format"`
	// Recipients are the age public keys the file is encrypted to, or
	// the one word PassphraseRecipient.
	Recipients []string `json:"recipients"`
	// SHA256 and Size are the encrypted file's, as written.
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// PublicKeys are the recipients that are public keys.
func (e *Encryption) PublicKeys() []string {
	var out []string
	for _, r := range e.Recipients {
		if r != PassphraseRecipient {
			out = append(out, r)
		}
	}
	return out
}

// IsEncrypted reports whether name is that of an encrypted snapshot.
func IsEncrypted(name string) bool {
	return strings.HasSuffix(name, ArchiveSuffix+EncryptedSuffix)
}

// encryptedStream reports whether the snapshot called name, whose bytes r
// begins, is encrypted: by its name, or, for a file renamed by hand, by
// its first line. The reader it returns yields every byte of r.
//
// Faults a test sets for the file apply here, from its first byte, once:
// the reader returned is never wrapped again.
func encryptedStream(name string, r io.Reader) (bool, io.Reader) {
	r = faultio.Reader(name, r)
	if IsEncrypted(name) {
		return true, r
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(len(crypt.Version) + 1)
	return string(head) == crypt.Version+"\n", br
}

// recipientNames are the names a sidecar records for recipients, each
// public key once, in the order given.
func recipientNames(rs []crypt.Recipient) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rs {
		s := r.String()
		if r.Passphrase() {
			s = PassphraseRecipient
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// encryptedSidecar is the layout of an encrypted snapshot's sidecar:
// nothing in it comes from inside a database file.
type encryptedSidecar struct {
	Schema         string            `json:"schema"`
	Tool           string            `json:"tool"`
	ToolVersion    string            `json:"tool_version"`
	Created        time.Time         `json:"created"`
	Host           string            `json:"host"`
	Source         string            `json:"source"`
	Install        string            `json:"install,omitempty"`
	Label          string            `json:"label"`
	EFakturVersion string            `json:"efaktur_version"`
	Compression    string            `json:"compression"`
	Totals         Totals            `json:"totals"`
	Encryption     *Encryption       `json:"encryption"`
	Databases      []engine.Database `json:"databases,omitempty"`
	Checks         *ChecksSummary    `json:"checks,omitempty"`
}

func encryptedSidecarOf(m *Manifest) *encryptedSidecar {
	return &encryptedSidecar{
		Schema: m.Schema, Tool: m.Tool, ToolVersion: m.ToolVersion, Created: m.Created, Host: m.Host,
		Source: m.Source, Install: m.Install, Label: m.Label, EFakturVersion: m.EFakturVersion,
		Compression: m.Compression, Totals: m.Totals, Encryption: m.Encryption, Databases: m.Databases,
		Checks: m.Checks,
	}
}

func (s *encryptedSidecar) manifest() *Manifest {
	return &Manifest{
		Schema: s.Schema, Tool: s.Tool, ToolVersion: s.ToolVersion, Created: s.Created, Host: s.Host,
		Source: s.Source, Install: s.Install, Label: s.Label, EFakturVersion: s.EFakturVersion,
		Compression: s.Compression, Totals: s.Totals, Encryption: s.Encryption, Databases: s.Databases,
		Checks: s.Checks,
	}
}

// EncryptedSidecar is the sidecar of an encrypted snapshot whose manifest
// is m: its label, time, sizes, the states and verdicts of the databases an
// engine recognised, and enc. No file list, no file hash, no content id: a hash of a database
// file (or of all of them) would let anyone holding a copy of a database
// tell whether a snapshot holds it. Nor the names of other files and
// folders in db/: what they are is not known, so nothing of them is said.
func EncryptedSidecar(m *Manifest, enc Encryption) *Manifest {
	s := &Manifest{
		Schema: SidecarSchemaEncrypted, Tool: m.Tool, ToolVersion: m.ToolVersion, Created: m.Created,
		Host: m.Host, Source: m.Source, Install: m.Install, Label: m.Label, EFakturVersion: m.EFakturVersion,
		Compression: m.Compression, Totals: m.Totals, Checks: m.Checks, Encryption: &enc,
	}
	for _, d := range m.Databases {
		if d.Engine != engine.UnknownEngine {
			s.Databases = append(s.Databases, d)
		}
	}
	return s
}

// schemaOf returns the "schema" of a JSON document, "" when there is none.
func schemaOf(b []byte) string {
	var v struct {
		Schema string `json:"schema"`
	}
	_ = json.Unmarshal(b, &v)
	return v.Schema
}

// ParseSidecar decodes and validates a sidecar from untrusted bytes: a
// manifest (ParseManifest), or the sidecar of an encrypted snapshot, whose
// Manifest has Encryption set and no files. Every error is a
// *ManifestError.
func ParseSidecar(b []byte) (*Manifest, error) {
	if len(b) > MaxManifestBytes {
		return nil, manifestErr("", "detail.manifest.toolarge", len(b), MaxManifestBytes)
	}
	if schemaOf(b) != SidecarSchemaEncrypted {
		return ParseManifest(b)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var s encryptedSidecar
	if err := dec.Decode(&s); err != nil {
		return nil, jsonErr(err)
	}
	if dec.More() {
		return nil, manifestErr("", "detail.manifest.trailing")
	}
	m := s.manifest()
	if err := m.validateEncryptedSidecar(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Manifest) validateEncryptedSidecar() error {
	if err := checkEnum("compression", m.Compression, []string{Compression}); err != nil {
		return err
	}
	if err := m.validateChecks(); err != nil {
		return err
	}
	if c := m.Checks; c != nil {
		if err := checkEnum("checks.verdict", c.Verdict, Verdicts); err != nil {
			return err
		}
		if c.OK < 0 || c.Warning < 0 || c.Damaged < 0 {
			return manifestErr("checks", "detail.manifest.negative")
		}
	}
	if m.Totals.Files < 0 || m.Totals.Files > MaxFiles || m.Totals.Bytes < 0 || m.Totals.Bytes > MaxFileSize {
		return manifestErr("totals", "detail.manifest.totals", m.Totals.Files, m.Totals.Bytes)
	}
	e := m.Encryption
	switch {
	case e == nil:
		return manifestErr("encryption", "detail.manifest.missing")
	case e.Format != EncryptionFormat:
		return manifestErr("encryption.format", "detail.manifest.unknownvalue", e.Format, EncryptionFormat)
	case len(e.SHA256) != 64 || strings.ToLower(e.SHA256) != e.SHA256:
		return manifestErr("encryption.sha256", "detail.manifest.sha256", e.SHA256)
	case e.Size <= 0 || e.Size > 2*MaxFileSize:
		return manifestErr("encryption.size", "detail.manifest.size", e.Size)
	case len(e.Recipients) == 0 || len(e.Recipients) > crypt.MaxStanzas:
		return manifestErr("encryption.recipients", "detail.manifest.recipients", len(e.Recipients), crypt.MaxStanzas)
	}
	if _, err := hex.DecodeString(e.SHA256); err != nil {
		return manifestErr("encryption.sha256", "detail.manifest.sha256", e.SHA256)
	}
	seen := map[string]bool{}
	for i, r := range e.Recipients {
		field := fmt.Sprintf("encryption.recipients[%d]", i)
		if r == PassphraseRecipient {
			if len(e.Recipients) > 1 {
				return manifestErr(field, "detail.manifest.passphrase")
			}
			continue
		}
		pr, err := crypt.ParseRecipient(r)
		if err != nil || pr.PublicKey() != r {
			return manifestErr(field, "detail.manifest.notkey")
		}
		if seen[r] {
			return manifestErr(field, "detail.manifest.twice", r)
		}
		seen[r] = true
	}
	return nil
}

// KeyError says an encrypted snapshot could not be checked or read because
// no key that opens it was given. It is not damage: the file may be whole.
type KeyError struct {
	Archive string
	// NoSidecar is set when no key was given and the sidecar, which a
	// check without the key compares the file with, is missing: then only
	// the age header and the file's length could be checked.
	NoSidecar bool
	// Err says which key was missing or did not fit.
	Err *crypt.KeyError
}

func (e *KeyError) Error() string {
	if e.NoSidecar {
		return fmt.Sprintf("%s is encrypted and its sidecar %s is missing: without the sidecar or the key only its age header and length can be checked", e.Archive, filepath.Base(e.Archive)+SidecarSuffix)
	}
	return e.Archive + ": " + e.Err.Error()
}

func (e *KeyError) Unwrap() error { return e.Err }

// EncryptionReport is what verify learnt of an encrypted snapshot.
type EncryptionReport struct {
	// Recipients are the public keys (or "passphrase") the sidecar
	// records; empty without a usable sidecar.
	Recipients []string `json:"recipients,omitempty"`
	// Passphrase is set when the age header shows a passphrase.
	Passphrase bool `json:"passphrase,omitempty"`
	// Keyless is set when the snapshot was checked without a key: its
	// age header and length, and its SHA-256 against the sidecar. What is
	// inside was not read.
	Keyless bool `json:"keyless"`
	// SHA256 and Size are the encrypted file's, as read now (empty when
	// it could not be read to its end).
	SHA256 string `json:"sha256,omitempty"`
	Size   int64  `json:"size,omitempty"`
}

// cryptProblem turns damage that package crypt found into a problem.
func cryptProblem(d *crypt.DamageError) Problem {
	kind := ProblemEncryptedHeader
	switch d.Kind {
	case crypt.Truncated:
		kind = ProblemTruncated
	case crypt.ChunkChanged, crypt.TrailingData:
		kind = ProblemEncryptedChunk
	}
	var what any = d.Kind.String()
	if key := "crypt.kind." + d.Kind.String(); i18n.Has(key) {
		what = i18n.Say(key)
	}
	return problemText(kind, "", i18n.Say("crypt.detail.problem", what, d.Words()))
}

// errRecorder passes reads through and keeps the first error other than
// io.EOF: the zstd decoder between it and the pass may not wrap what the
// decryption said, and the pass reports that, not the decoder's words.
type errRecorder struct {
	r   io.Reader
	err error
}

func (e *errRecorder) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// ctxReader stops reading once ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// plainSource is the decrypted stream of an encrypted snapshot.
type plainSource struct {
	r   *errRecorder    // the plaintext: the tar.zst stream
	sum hash.Hash       // SHA-256 of the encrypted bytes read so far
	n   *countingReader // the encrypted bytes read so far
	hdr *crypt.Header
}

// openEncrypted checks the age header of f, opens it with the first
// identity that fits and returns its plaintext. The sidecar (side, may be
// nil) names the recipients and the size written, which lets package
// crypt tell a wrong key from a changed header, and a file cut short from
// a changed last chunk. Errors are package crypt's, or reading errors.
func openEncrypted(f io.Reader, name string, side *Manifest, ids []crypt.Identity, progress func(int64)) (*plainSource, error) {
	src := &plainSource{sum: sha256.New()}
	src.n = &countingReader{r: io.TeeReader(f, src.sum), progress: progress}
	var opts crypt.DecryptOptions
	if side != nil && side.Encryption != nil {
		opts.Recipients, opts.Size = side.Encryption.PublicKeys(), side.Encryption.Size
	}
	pr, err := crypt.DecryptWith(src.n, opts, ids...)
	if err != nil {
		return nil, err
	}
	src.hdr = pr.Header()
	src.r = &errRecorder{r: pr}
	return src, nil
}

// finishPlain reads what is left of the plaintext once the tar and zstd
// ends were reached: nothing, and then the age stream's authenticated end
// (io.EOF), after which the whole file was read and hashed.
func (s *plainSource) finishPlain() error {
	n, err := io.Copy(io.Discard, s.r)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%d bytes follow the end of the compressed stream inside the encrypted file", n)
	}
	_, err = io.Copy(io.Discard, s.n)
	return err
}

// readEncryptedSidecar reads the sidecar of an encrypted snapshot, adding
// a problem to rep when it is there but unusable.
func readEncryptedSidecar(ctx context.Context, src Source, rep *VerifyReport) (side *Manifest, raw []byte, present bool) {
	raw, err := src.Sidecar(ctx)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, false
	}
	if err != nil {
		rep.add(ProblemSidecar, "", "detail.sidecar.cannotread", err)
		return nil, nil, true
	}
	m, err := ParseSidecar(raw)
	switch {
	case err != nil:
		rep.add(ProblemSidecar, "", "detail.sidecar.unreadable", err)
		return nil, raw, true
	case m.Encryption == nil:
		rep.add(ProblemSidecar, "", "detail.sidecar.notencrypted")
		return nil, raw, true
	}
	return m, raw, true
}

// verifyEncrypted is VerifyArchive for an encrypted snapshot. With a key
// (or RequireKey) it decrypts and checks everything a snapshot's check
// does, and that the sidecar matches; without, it checks the age header,
// the length, and the SHA-256 the sidecar records.
func verifyEncrypted(ctx context.Context, source Source, f io.Reader, opt ReadOptions) (*VerifyReport, error) {
	archive := source.Name
	rep := &VerifyReport{Archive: archive, Encryption: &EncryptionReport{}}
	side, raw, present := readEncryptedSidecar(ctx, source, rep)
	rep.SidecarPresent = present
	if side != nil {
		rep.Encryption.Recipients = side.Encryption.Recipients
	}
	if len(opt.Identities) == 0 && !opt.RequireKey {
		return verifyKeyless(ctx, archive, f, opt, rep, side, present)
	}
	p := &pass{rep: rep, entries: map[string]*entry{}, checks: map[string]FileCheck{}, opt: ReadOptions{Engines: opt.Engines}, dbs: opt.Engines.NewPass()}
	src, err := openEncrypted(f, archive, side, opt.Identities, opt.Progress)
	if err != nil {
		var ke *crypt.KeyError
		var de *crypt.DamageError
		switch {
		case ctx.Err() != nil:
			return rep, ctx.Err()
		case errors.As(err, &ke):
			return rep, &KeyError{Archive: archive, Err: ke}
		case errors.As(err, &de):
			rep.Problems = append(rep.Problems, cryptProblem(de))
		default:
			p.streamProblem(err, i18n.Say("detail.doing.ageheader"))
		}
		rep.Manifest = side
		return rep, nil
	}
	rep.Encryption.Passphrase = src.hdr.Passphrase()
	p.src = src.r
	if err := p.run(ctx, src.r); err != nil {
		return rep, err
	}
	if p.complete {
		if err := src.finishPlain(); err != nil {
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
			p.complete = false
			p.streamProblem(err, i18n.Say("detail.doing.encend"))
		} else {
			rep.Encryption.SHA256, rep.Encryption.Size = hex.EncodeToString(src.sum.Sum(nil)), src.n.n
		}
	}
	p.finish(nil, false)
	rep.SidecarPresent = present
	inner := rep.Manifest
	if inner == nil {
		rep.Manifest = side
	}
	if side == nil {
		return rep, nil
	}
	if inner != nil {
		want, err := EncryptedSidecar(inner, *side.Encryption).Marshal()
		if err != nil || !bytes.Equal(want, raw) {
			rep.add(ProblemSidecar, "", "detail.sidecar.differsenc")
		}
	}
	if e := rep.Encryption; e.SHA256 != "" && (e.SHA256 != side.Encryption.SHA256 || e.Size != side.Encryption.Size) {
		rep.add(ProblemSidecar, "", "detail.sidecar.othercopy",
			e.Size, e.SHA256, side.Encryption.Size, side.Encryption.SHA256)
	}
	return rep, nil
}

// verifyKeyless checks an encrypted snapshot without a key.
func verifyKeyless(ctx context.Context, archive string, f io.Reader, opt ReadOptions, rep *VerifyReport, side *Manifest, present bool) (*VerifyReport, error) {
	rep.Encryption.Keyless = true
	rep.Manifest = side
	cr := &countingReader{r: f, progress: opt.Progress}
	fi, err := crypt.InspectFile(&ctxReader{ctx: ctx, r: cr})
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}
	if err != nil {
		var de *crypt.DamageError
		if errors.As(err, &de) {
			rep.Problems = append(rep.Problems, cryptProblem(de))
		} else {
			(&pass{rep: rep, read: cr}).streamProblem(err, i18n.Say("detail.doing.enc"))
		}
		return rep, nil
	}
	e := rep.Encryption
	e.Passphrase, e.SHA256, e.Size = fi.Header.Passphrase(), hex.EncodeToString(fi.SHA256[:]), fi.Size
	if side == nil {
		if present {
			return rep, nil // the sidecar is there but unusable: a problem already says so
		}
		return rep, &KeyError{Archive: archive, NoSidecar: true,
			Err: &crypt.KeyError{Kind: crypt.KeyMissing, Passphrase: e.Passphrase, Stanzas: len(fi.Header.Stanzas)}}
	}
	name := filepath.Base(archive)
	switch {
	case e.Size < side.Encryption.Size:
		rep.add(ProblemTruncated, name, "detail.enc.truncated", e.Size, side.Encryption.Size)
	case e.Size > side.Encryption.Size:
		rep.add(ProblemSize, name, "detail.enc.size", e.Size, side.Encryption.Size)
	case e.SHA256 != side.Encryption.SHA256:
		rep.add(ProblemHash, name, "detail.enc.hash", e.SHA256, side.Encryption.SHA256)
	case e.Passphrase != (len(side.Encryption.PublicKeys()) == 0):
		rep.add(ProblemSidecar, "", "detail.enc.passphrase")
	}
	return rep, nil
}

// OrphanSidecar reports whether name, in dir, is the sidecar of an
// encrypted snapshot whose archive is not there: what a snapshot killed
// between writing the sidecar and naming the archive, or a prune killed
// between removing the archive and the sidecar, leaves. It was written by
// efbackup (it parses, and gives exactly its own name) and describes
// nothing: the next snapshot or prune, holding the folder's lock, removes
// it.
func OrphanSidecar(dir, name string) bool {
	archive, ok := strings.CutSuffix(name, SidecarSuffix)
	if !ok || !IsEncrypted(archive) {
		return false
	}
	if _, _, ok := ParseArchiveName(archive); !ok {
		return false
	}
	if _, err := os.Lstat(filepath.Join(dir, archive)); !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	m, err := ReadSidecar(filepath.Join(dir, archive))
	return err == nil && m.Encryption != nil && ArchiveName(m.Label, m.Created)+EncryptedSuffix == archive
}

// removeOrphanSidecar removes the sidecar of final when OrphanSidecar says
// it is one, so that a snapshot can take a name a killed run had reserved.
func removeOrphanSidecar(final string) error {
	dir, name := filepath.Split(final)
	if !OrphanSidecar(filepath.Clean(dir), name+SidecarSuffix) {
		return nil
	}
	return os.Remove(final + SidecarSuffix)
}
