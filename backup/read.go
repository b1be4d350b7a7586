package backup

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/klauspost/compress/zstd"

	"github.com/efbackup/efbackup/crypt"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/faultio"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/store"
)

// MaxWindow caps the zstd window a reader accepts. efbackup's own encoder
// never uses more than 8 MiB; a frame that asks for more is hostile or not
// ours, and refusing it keeps memory bounded.
const MaxWindow = 16 << 20

// NewDecoder returns the zstd decoder efbackup reads archives with, with
// memory and window capped.
func NewDecoder(r io.Reader) (*zstd.Decoder, error) {
	return zstd.NewReader(r,
		zstd.WithDecoderMaxWindow(MaxWindow),
		zstd.WithDecoderMaxMemory(MaxWindow),
		zstd.WithDecoderConcurrency(4),
		zstd.WithDecoderLowmem(true),
	)
}

// entry is what a pass over an archive learnt of one member.
type entry struct {
	name   string // as in the archive
	rel    string // relative to db/, "" for the records
	dir    bool
	size   int64
	mode   int64
	sha256 string
}

// ReadOptions tunes a pass over an archive.
type ReadOptions struct {
	// Engines are the database engines that check the files as they
	// stream out of the archive (nil: none).
	Engines  engine.Set
	Progress func(compressedDone int64)
	// Identities open encrypted snapshots (package crypt). Without any,
	// an encrypted snapshot is checked without its key: its age header,
	// its length, and its SHA-256 against the sidecar.
	Identities []crypt.Identity
	// RequireKey refuses that check without the key: an encrypted
	// snapshot is then read only with an identity that opens it, else
	// VerifyArchive returns *KeyError (restore needs what is inside).
	RequireKey bool
}

// VerifyReport is what verify found in one snapshot.
type VerifyReport struct {
	Archive  string
	Manifest *Manifest // the embedded manifest, or the sidecar when the embedded one is unreadable
	// ManifestBytes are the embedded manifest as stored.
	ManifestBytes  []byte
	SidecarPresent bool
	Files          int   // regular files under db/ read from the archive
	Bytes          int64 // their total size
	Checks         map[string]FileCheck
	// Databases is what the checks made of each folder of db/ in the
	// archive, judged by its bytes.
	Databases []engine.Database
	Problems  []Problem
	// Encryption is set for an encrypted snapshot.
	Encryption *EncryptionReport
}

// OK says whether verification found nothing wrong.
func (r *VerifyReport) OK() bool { return len(r.Problems) == 0 }

func (r *VerifyReport) add(kind, file, key string, args ...any) {
	r.Problems = append(r.Problems, NewProblem(kind, file, key, args...))
}

// Err returns an *IntegrityError when there are problems, else nil.
func (r *VerifyReport) Err() error {
	if r.OK() {
		return nil
	}
	return &IntegrityError{Target: r.Archive, Problems: r.Problems}
}

// classify decides what an archive member is, or why it must be refused.
// It is the single gate every member passes, for verify and for restore.
func classify(h *tar.Header) (e entry, problem i18n.Text) {
	e = entry{name: h.Name, size: h.Size, mode: h.Mode}
	switch h.Typeflag {
	case tar.TypeReg: // the reader already turns the old TypeRegA into TypeReg
	case tar.TypeDir:
		e.dir = true
	case tar.TypeSymlink:
		return e, i18n.Say("detail.entry.symlink")
	case tar.TypeLink:
		return e, i18n.Say("detail.entry.hardlink")
	case tar.TypeChar, tar.TypeBlock:
		return e, i18n.Say("detail.entry.device")
	case tar.TypeFifo:
		return e, i18n.Say("detail.entry.fifo")
	default:
		return e, i18n.Say("detail.entry.type", h.Typeflag)
	}
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse") || strings.HasPrefix(k, "SCHILY.") || strings.HasPrefix(k, "LIBARCHIVE.") {
			return e, i18n.Say("detail.entry.sparse", k)
		}
	}
	if h.Size < 0 || h.Size > MaxFileSize {
		return e, i18n.Say("detail.entry.size", h.Size)
	}
	name := h.Name
	if e.dir {
		name = strings.TrimSuffix(name, "/")
	}
	if !e.dir && (name == ManifestName || name == SumsName) {
		if h.Size > MaxManifestBytes {
			return e, i18n.Say("detail.entry.toolarge", name, h.Size)
		}
		return e, i18n.Text{}
	}
	if name == strings.TrimSuffix(DBPrefix, "/") && e.dir {
		e.rel = "."
		return e, i18n.Text{}
	}
	if !strings.HasPrefix(name, DBPrefix) {
		return e, i18n.Say("detail.entry.outside")
	}
	e.rel = strings.TrimPrefix(name, DBPrefix)
	if err := CheckRelPath(e.rel); err != nil {
		return e, i18n.Say("detail.error", err)
	}
	return e, i18n.Text{}
}

// pass reads a whole archive once. Every member is classified; regular
// files are hashed, fed to a database checker, and, when sink returns a
// writer, copied there. It collects problems instead of stopping, except
// when the stream itself cannot be read further.
type pass struct {
	rep      *VerifyReport
	entries  map[string]*entry // key: lower-case name, to catch case-only duplicates on Windows
	order    []*entry
	sums     []byte
	manifest []byte
	checks   map[string]FileCheck
	dbs      *engine.Pass
	// sink returns where a file's bytes go during extraction, or nil.
	sink func(e *entry) (io.Writer, error)
	// sinkDone is called after a file's bytes were written to the sink.
	sinkDone func(e *entry) error
	opt      ReadOptions
	complete bool            // the tar end marker and the zstd end were reached cleanly
	read     *countingReader // the compressed bytes read so far
	// src is the decrypted stream of an encrypted snapshot (nil for
	// another): when reading fails, what the decryption said is reported.
	src *errRecorder
}

type countingReader struct {
	r        io.Reader
	n        int64
	progress func(int64)
	err      error // the first read error other than the end
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil && n > 0 {
		c.progress(c.n)
	}
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

// storeFailure is the error of an object store that broke off a read (the
// network went away): the snapshot itself may be fine, so it is the
// pass's error, never a problem of the snapshot. A file's read errors are
// problems (ProblemUnreadable): the disk holding it may be failing.
func (p *pass) storeFailure() error {
	if p.read == nil || p.read.err == nil {
		return nil
	}
	var se *store.Error
	if errors.As(p.read.err, &se) && se.Kind != store.KindLocal {
		return p.read.err
	}
	return nil
}

// broken records that the stream could not be read further, while doing
// something; it returns the store's error instead when the store broke
// off the read.
func (p *pass) broken(err error, doing i18n.Text) error {
	if serr := p.storeFailure(); serr != nil {
		return serr
	}
	p.streamProblem(err, doing)
	return nil
}

func (p *pass) run(ctx context.Context, r io.Reader) error {
	if f, ok := r.(interface{ Name() string }); ok {
		// A file (also one a folder store opened): reads may be made to
		// fail in tests.
		r = faultio.Reader(f.Name(), r)
	}
	cr := &countingReader{r: r, progress: p.opt.Progress}
	p.read = cr
	dec, err := NewDecoder(cr)
	if err != nil {
		return err
	}
	defer dec.Close()
	tr := tar.NewReader(dec)
	buf := make([]byte, 1<<20)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return p.broken(err, i18n.Say("detail.doing.next"))
		}
		e, bad := classify(h)
		key := strings.ToLower(strings.TrimSuffix(e.name, "/"))
		if bad.Key != "" {
			p.rep.add(ProblemHostile, h.Name, "detail.hostile.refused", bad)
			// Its data is skipped by tr.Next; a sparse claim is never expanded.
			continue
		}
		if prev, dup := p.entries[key]; dup {
			p.rep.add(ProblemDuplicate, h.Name, "detail.duplicate", prev.name)
			continue
		}
		p.entries[key] = &e
		p.order = append(p.order, &e)
		if e.dir {
			if p.dbs != nil && e.rel != "." && e.rel != "" {
				p.dbs.Dir(e.rel)
			}
			continue
		}
		switch e.name {
		case ManifestName, SumsName:
			b, err := io.ReadAll(io.LimitReader(tr, MaxManifestBytes))
			if err != nil {
				return p.broken(err, i18n.Say("detail.doing.entry", e.name))
			}
			if e.name == ManifestName {
				p.manifest = b
			} else {
				p.sums = b
			}
			continue
		}
		if err := p.readFile(ctx, tr, &e, buf); err != nil {
			var se *streamError
			if errors.As(err, &se) {
				return p.broken(se.err, i18n.Say("detail.doing.entry", e.name))
			}
			return err
		}
	}
	// The tar end marker was seen. What follows inside the stream must be
	// padding, and the zstd stream must end with good checksums.
	n, err := drainZeros(dec, buf)
	if err != nil {
		return p.broken(err, i18n.Say("detail.doing.end"))
	}
	if n > 0 {
		p.rep.add(ProblemCorrupt, "", "detail.trailing", n)
	}
	p.complete = true
	return nil
}

type streamError struct{ err error }

func (e *streamError) Error() string { return e.err.Error() }

func (p *pass) readFile(ctx context.Context, tr io.Reader, e *entry, buf []byte) error {
	h := sha256.New()
	var chk engine.FileCheck
	if p.dbs != nil {
		chk = p.dbs.File(e.rel, e.size)
	}
	var sink io.Writer
	if p.sink != nil {
		w, err := p.sink(e)
		if err != nil {
			return err
		}
		sink = w
	}
	// Decompressing and hashing each take most of a core: a second
	// goroutine hashes, checks and writes one half of buf while this one
	// fills the other.
	half := len(buf) / 2
	free := make(chan []byte, 2)
	free <- buf[:half:half]
	free <- buf[half:]
	work := make(chan []byte)
	done := make(chan struct{})
	var werr error
	go func() {
		defer close(done)
		for b := range work {
			h.Write(b)
			if chk != nil {
				chk.Write(b)
			}
			if sink != nil && werr == nil {
				if _, err := sink.Write(b); err != nil {
					werr = err
				}
			}
			free <- b[:cap(b)]
		}
	}()
	var n int64
	readErr := func() error {
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			b := <-free
			k, err := tr.Read(b)
			if k > 0 {
				work <- b[:k]
				n += int64(k)
			} else {
				free <- b
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return &streamError{err}
			}
		}
	}()
	close(work)
	<-done
	if readErr != nil {
		return readErr
	}
	if werr != nil {
		return werr
	}
	e.sha256 = hex.EncodeToString(h.Sum(nil))
	p.rep.Files++
	p.rep.Bytes += n
	if chk != nil {
		chk.Result() // the pass keeps it; Finish says which engine's counts
	}
	if p.sinkDone != nil {
		return p.sinkDone(e)
	}
	return nil
}

// drainZeros reads r to its end and counts the non-zero bytes.
func drainZeros(r io.Reader, buf []byte) (int64, error) {
	var nonZero int64
	for {
		k, err := r.Read(buf)
		for _, c := range buf[:k] {
			if c != 0 {
				nonZero++
			}
		}
		if err == io.EOF {
			return nonZero, nil
		}
		if err != nil {
			return nonZero, err
		}
	}
}

func (p *pass) streamProblem(err error, doing i18n.Text) {
	if p.src != nil && p.src.err != nil {
		err = p.src.err
	}
	var de *crypt.DamageError
	if errors.As(err, &de) {
		p.rep.Problems = append(p.rep.Problems, cryptProblem(de))
		return
	}
	kind := ProblemCorrupt
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		kind = ProblemTruncated
	}
	var detail any = err
	var pe *os.PathError
	switch {
	case errors.As(err, &pe):
		// The disk, not the data: the bytes could not be read at all.
		kind = ProblemUnreadable
		at := int64(-1)
		if p.read != nil {
			at = p.read.n
		}
		p.rep.add(kind, "", "detail.diskerror", pe.Err.Error(), doing, at)
		return
	case errors.Is(err, zstd.ErrCRCMismatch):
		detail = i18n.Say("detail.zstd.crc")
	case errors.Is(err, zstd.ErrWindowSizeExceeded), errors.Is(err, zstd.ErrDecoderSizeExceeded):
		kind = ProblemHostile
		detail = i18n.Say("detail.zstd.window", MaxWindow>>20)
	case errors.Is(err, zstd.ErrMagicMismatch):
		detail = i18n.Say("detail.zstd.magic")
	case kind == ProblemTruncated:
		detail = i18n.Say("detail.truncated")
	}
	p.rep.add(kind, "", "detail.whiledoing", detail, doing)
}

// finish compares what the pass saw with the manifest, SHA256SUMS and
// sidecar, and records every disagreement.
func (p *pass) finish(sidecar []byte, sidecarPresent bool) {
	rep := p.rep
	rep.SidecarPresent = sidecarPresent
	if p.dbs != nil {
		dbs, results := p.dbs.Finish()
		for rel, r := range results {
			p.checks[rel] = *FileCheckOf(r)
		}
		rep.Databases = dbs
	}
	rep.Checks = p.checks
	var m *Manifest
	switch {
	case p.manifest == nil && p.complete:
		rep.add(ProblemManifest, ManifestName, "detail.manifest.none")
	case p.manifest != nil:
		var err error
		m, err = ParseManifest(p.manifest)
		if err != nil {
			rep.add(ProblemManifest, ManifestName, "detail.error", err)
		}
		rep.ManifestBytes = p.manifest
	}
	if sidecarPresent {
		if m == nil {
			if sm, err := ParseManifest(sidecar); err == nil {
				// Fall back to the sidecar to know what should have been there.
				rep.Manifest = sm
				if !p.complete {
					p.compareFiles(sm, false)
				}
			} else if p.manifest == nil || !p.complete {
				rep.add(ProblemSidecar, "", "detail.sidecar.manifestunreadable", err)
			}
		}
		if p.manifest != nil && !bytes.Equal(sidecar, p.manifest) {
			rep.add(ProblemSidecar, "", "detail.sidecar.differs")
		}
	}
	if m == nil {
		return
	}
	rep.Manifest = m
	p.compareFiles(m, p.complete)
	if p.sums == nil {
		if p.complete {
			rep.add(ProblemSums, SumsName, "detail.sums.none")
		}
	} else {
		compareSums(rep, p.sums, m)
	}
}

// compareFiles checks the archive's db/ members against m. When the pass
// did not reach the end, files it never reached are reported once, as a
// count, rather than as many "missing" lines.
func (p *pass) compareFiles(m *Manifest, complete bool) {
	rep := p.rep
	listed := map[string]bool{}
	notReached := 0
	for _, f := range m.Files {
		listed[strings.ToLower(f.Path)] = true
		e := p.entries[strings.ToLower(DBPrefix+f.Path)]
		switch {
		case e == nil && !complete:
			notReached++
		case e == nil:
			rep.add(ProblemMissing, f.Path, "detail.missing.archive")
		case e.dir:
			rep.add(ProblemMissing, f.Path, "detail.missing.isfolder")
		case e.rel != f.Path:
			rep.add(ProblemMissing, f.Path, "detail.missing.case", e.rel)
		case e.sha256 == "" && !complete:
			notReached++
		case e.size != f.Size:
			rep.add(ProblemSize, f.Path, "detail.size.archive", e.size, f.Size)
		case e.sha256 != f.SHA256:
			rep.add(ProblemHash, f.Path, "detail.hash.differs", e.sha256, f.SHA256)
		case e.mode&0o7777 != int64(f.Mode):
			rep.add(ProblemMode, f.Path, "detail.mode", e.mode&0o7777, f.Mode)
		}
	}
	if notReached > 0 {
		rep.add(ProblemMissing, "", "detail.missing.notreached", notReached)
	}
	for _, d := range m.Dirs {
		listed[strings.ToLower(d.Path)] = true
		if e := p.entries[strings.ToLower(DBPrefix+d.Path)]; e == nil && complete {
			rep.add(ProblemMissing, d.Path, "detail.missing.folder")
		}
	}
	for _, e := range p.order {
		if e.rel == "" || e.rel == "." {
			continue
		}
		if !listed[strings.ToLower(e.rel)] {
			rep.add(ProblemExtra, e.rel, "detail.extra.archive")
		}
	}
	rep.Problems = append(rep.Problems, DatabaseProblems(rep.Databases)...)
}

// DatabaseProblems turns every damage finding of the database checks into
// a problem naming the file (relative to db/), the page and the offset.
func DatabaseProblems(dbs []engine.Database) []Problem {
	var out []Problem
	add := func(file string, t i18n.Text) {
		out = append(out, problemText(ProblemDatabaseDamaged, file, t))
	}
	for _, d := range dbs {
		if d.Verdict != engine.Damaged {
			continue
		}
		n := 0
		for _, f := range d.Findings {
			if f.Verdict != engine.Damaged {
				continue
			}
			n++
			file := d.Name
			if f.File != "" {
				file = d.Name + "/" + f.File
			}
			add(file, findingWords(f))
		}
		if n == 0 {
			add(d.Name, i18n.Say("detail.db.damaged"))
		}
	}
	return out
}

// FindingText renders a finding's place and reason in one line.
func FindingText(f engine.Finding) string { return findingWords(f).String() }

// findingWords is FindingText as a message to word in any language.
func findingWords(f engine.Finding) i18n.Text {
	detail := f.Text.Or(f.Detail)
	switch {
	case f.Page >= 0 && f.Offset >= 0:
		return i18n.Say("detail.finding.pagebyte", f.Code, f.Page, f.Offset, detail)
	case f.Offset >= 0:
		return i18n.Say("detail.finding.byte", f.Code, f.Offset, detail)
	case f.Page >= 0:
		return i18n.Say("detail.finding.page", f.Code, f.Page, detail)
	}
	return i18n.Say("detail.finding", f.Code, detail)
}

func compareSums(rep *VerifyReport, sums []byte, m *Manifest) {
	if bytes.Equal(sums, m.Sums()) {
		return
	}
	want := map[string]string{}
	for _, f := range m.Files {
		want[DBPrefix+f.Path] = f.SHA256
	}
	got := map[string]string{}
	for i, line := range strings.Split(strings.TrimSuffix(string(sums), "\n"), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			rep.add(ProblemSums, SumsName, "detail.sums.line", i+1)
			continue
		}
		got[name] = sum
	}
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		switch g, ok := got[n]; {
		case !ok:
			rep.add(ProblemSums, strings.TrimPrefix(n, DBPrefix), "detail.sums.missing")
		case g != want[n]:
			rep.add(ProblemSums, strings.TrimPrefix(n, DBPrefix), "detail.sums.differs", g, want[n])
		}
	}
	for n := range got {
		if _, ok := want[n]; !ok {
			rep.add(ProblemSums, n, "detail.sums.extra")
		}
	}
	if len(rep.Problems) == 0 || rep.Problems[len(rep.Problems)-1].Kind != ProblemSums {
		rep.add(ProblemSums, SumsName, "detail.sums.layout")
	}
}

// VerifyArchive reads every byte of a snapshot and checks it against its
// manifest, SHA256SUMS and sidecar. The error is non-nil only when the
// file cannot be opened, or ctx ends, or (*KeyError) an encrypted
// snapshot could not be checked for want of its key; problems are in the
// report.
//
// An encrypted snapshot is decrypted with opt.Identities as it is read,
// never written out; without any identity (and without RequireKey) it is
// checked without its key, which reads no further than the encrypted
// bytes (VerifyReport.Encryption.Keyless).
func VerifyArchive(ctx context.Context, archive string, opt ReadOptions) (*VerifyReport, error) {
	return VerifySource(ctx, FileSource(archive), opt)
}

// VerifySource is VerifyArchive for a snapshot of any store. The error is
// non-nil when the snapshot cannot be opened, ctx ends, or the store
// breaks off the read (the network went away): those say nothing about
// the snapshot.
func VerifySource(ctx context.Context, src Source, opt ReadOptions) (*VerifyReport, error) {
	f, err := src.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	encrypted, r := encryptedStream(src.Name, f)
	if encrypted {
		return verifyEncrypted(ctx, src, r, opt)
	}
	rep := &VerifyReport{Archive: src.Name}
	p := &pass{rep: rep, entries: map[string]*entry{}, checks: map[string]FileCheck{}, opt: opt, dbs: opt.Engines.NewPass()}
	if err := p.run(ctx, r); err != nil {
		return rep, err
	}
	sidecar, err := src.Sidecar(ctx)
	present := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		rep.add(ProblemSidecar, "", "detail.sidecar.cannotread", err)
	}
	p.finish(sidecar, present)
	return rep, nil
}

// ReadSidecar reads a snapshot's sidecar: its manifest, or for an
// encrypted snapshot what the sidecar says of it (Encryption set, no
// files; see EncryptedSidecar).
func ReadSidecar(archive string) (*Manifest, error) {
	f, err := os.Open(archive + SidecarSuffix)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxManifestBytes+1))
	if err != nil {
		return nil, err
	}
	m, err := ParseSidecar(b)
	if me, ok := err.(*ManifestError); ok {
		me.File = f.Name()
	}
	return m, err
}
