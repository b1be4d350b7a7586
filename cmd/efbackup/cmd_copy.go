package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/retention"
	"github.com/efbackup/efbackup/store"
	"github.com/urfave/cli/v2"
)

// copyOptions: which snapshot, to which store.
type copyOptions struct {
	Snapshot string
	To       string
	Store    storeOptions
	Lock     lockOptions
}

func copyCommand(u *ui) *cli.Command {
	var opts copyOptions
	return &cli.Command{
		Name:        "copy",
		Usage:       u.T("copy.usage"),
		UsageText:   "efbackup copy SNAPSHOT --to s3://BUCKET/PREFIX [--s3-endpoint URL] [--s3-profile NAME] [--lock-days N] [--lock-mode governance|compliance]",
		Description: u.T("copy.description"),
		Flags: append(append([]cli.Flag{
			&cli.StringFlag{Name: "to", Usage: u.T("flag.copyto"), Destination: &opts.To},
		}, storeFlags(u, &opts.Store)...), lockFlags(u, &opts.Lock)...),
		Action: func(c *cli.Context) error {
			switch {
			case c.NArg() == 0:
				return u.usageErr("err.copynothing")
			case c.NArg() > 1:
				return u.usageErr("err.extraargs", c.Args().Get(1))
			case opts.To == "":
				return u.usageErr("err.copyneedsto")
			}
			opts.Snapshot = c.Args().First()
			rep, err := runCopy(c.Context, u, opts)
			return printed(err, rep, func() error { return printCopy(u, rep) })
		},
	}
}

// copyReport is what copy sent, and what reading it back found.
type copyReport struct {
	Snapshot string `json:"snapshot"`
	Copy     string `json:"copy"`
	Bytes    int64  `json:"bytes"`
	// AlreadyThere: the destination already held these very bytes under
	// the name (a copy made earlier); nothing was sent.
	AlreadyThere bool             `json:"already_there"`
	Sidecar      bool             `json:"sidecar"`
	Proof        bool             `json:"proof"`
	SHA256       string           `json:"sha256"`
	VersionID    string           `json:"version_id,omitempty"`
	Retention    *store.Retention `json:"retention,omitempty"`
	Verified     bool             `json:"verified"`
	Problems     []backup.Problem `json:"problems"`
	Seconds      float64          `json:"seconds"`
}

// runCopy sends a snapshot (its archive, then its sidecar and the engine's
// proof when there are) to another store, under the destination's lock,
// and then reads the copy back in full: its bytes must hash as the
// original's, and it must verify. The report comes back once something
// was sent, also with an error: an *integrityFinding when the copy does
// not verify.
func runCopy(ctx context.Context, u *ui, opts copyOptions) (*copyReport, error) {
	start := time.Now()
	src, name, err := openObject(opts.Snapshot, opts.Store)
	if err != nil {
		return nil, err
	}
	if _, _, ok := backup.ParseArchiveName(name); !ok {
		return nil, u.usageErr("err.copyname", opts.Snapshot)
	}
	e, err := src.Stat(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, u.usageErr("err.nosnapshot", opts.Snapshot)
	}
	if err != nil {
		return nil, err
	}
	create, err := opts.Lock.create(u, opts.To)
	if err != nil {
		return nil, err
	}
	dst, err := openStore(opts.To, opts.Store)
	if err != nil {
		return nil, err
	}
	if store.Path(dst, name) == store.Path(src, name) {
		return nil, u.usageErr("err.copysame", opts.Snapshot)
	}
	release, _, err := lockStore(ctx, u, dst, "copy")
	if err != nil {
		return nil, err
	}
	defer release()
	cleanupOrphans(ctx, u, dst, retention.OursName)

	rep := &copyReport{Snapshot: store.Path(src, name), Copy: store.Path(dst, name), Bytes: e.Size, Problems: []backup.Problem{}}
	progress, finish := u.progress(u.T("progress.copy", name), e.Size)
	sum, c, there, err := copyObject(ctx, src, dst, name, create, progress)
	finish()
	if err != nil {
		return nil, err
	}
	rep.SHA256, rep.AlreadyThere, rep.VersionID = sum, there, c.VersionID
	if c.Retention.Mode != "" {
		r := c.Retention
		rep.Retention = &r
	}
	reach("copy-archive-sent")
	// The sidecar and the proof describe the snapshot; each is sent when
	// the original has one.
	for _, extra := range []struct {
		suffix string
		sent   *bool
	}{{backup.SidecarSuffix, &rep.Sidecar}, {backup.ProofSuffix, &rep.Proof}} {
		b, err := store.ReadAll(ctx, src, name+extra.suffix, backup.MaxManifestBytes)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := copySmall(ctx, dst, name+extra.suffix, b, create); err != nil {
			return nil, err
		}
		*extra.sent = true
	}
	// Read the copy back, every byte, from the store.
	progress, finish = u.progress(u.T("progress.verify", name), e.Size)
	h := &hashingSource{}
	vr, err := backup.VerifySource(ctx, h.wrap(backup.StoreSource(dst, name)), backup.ReadOptions{Engines: engines(), Progress: progress})
	finish()
	if err != nil {
		return nil, err
	}
	rep.Problems = vr.Problems
	if rep.Problems == nil {
		rep.Problems = []backup.Problem{}
	}
	rep.Verified = vr.OK()
	rep.Seconds = time.Since(start).Seconds()
	switch got := h.sum(); {
	case got != sum:
		rep.Verified = false
		return rep, &integrityFinding{msg: u.T("copy.differs", rep.Copy, rep.Snapshot), hint: u.T("hint.copydiffers")}
	case !vr.OK():
		return rep, &integrityFinding{msg: u.T("copy.damaged", rep.Snapshot, len(vr.Problems)), hint: u.T("hint.integrity")}
	}
	return rep, nil
}

// copyObject streams name from src into dst, hashing it on the way. When
// dst already holds the name, it is left as it is: with the same bytes it
// counts as copied (there), with others it is an error.
func copyObject(ctx context.Context, src, dst store.Store, name string, create store.CreateOptions, progress func(int64)) (sum string, c store.Committed, there bool, err error) {
	r, err := src.Open(ctx, name, store.OpenOptions{})
	if err != nil {
		return "", c, false, err
	}
	defer r.Close()
	h := sha256.New()
	w, err := dst.Create(ctx, name, create)
	if errors.Is(err, store.ErrExists) {
		if _, err := io.Copy(h, r); err != nil {
			return "", c, false, err
		}
		sum = hex.EncodeToString(h.Sum(nil))
		theirs, err := hashObject(ctx, dst, name)
		if err != nil {
			return "", c, false, err
		}
		if theirs != sum {
			return "", c, false, (&store.Error{Kind: store.KindConfig, Op: "copy", Where: store.Location(dst), Name: name, Err: store.ErrExists}).Say("store.detail.copysnapshotname")
		}
		e, err := dst.Stat(ctx, name)
		if err != nil {
			return "", c, false, err
		}
		return sum, store.Committed{Name: name, Size: e.Size, VersionID: e.VersionID, Retention: e.Retention}, true, nil
	}
	if err != nil {
		return "", c, false, err
	}
	committed := false
	defer func() {
		if !committed {
			_ = w.Abort()
		}
	}()
	mib := mibPoints("copy-mib")
	var done int64
	buf := make([]byte, 1<<20)
	for {
		n, rerr := r.Read(buf)
		if n > 0 {
			h.Write(buf[:n])
			if _, err := w.Write(buf[:n]); err != nil {
				return "", c, false, err
			}
			done += int64(n)
			if progress != nil {
				progress(done)
			}
			if mib != nil {
				mib(done)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return "", c, false, rerr
		}
	}
	reach("copy-before-commit")
	c, err = w.Commit()
	committed = true
	if err != nil && c.Name == "" {
		return "", c, false, err
	}
	return hex.EncodeToString(h.Sum(nil)), c, false, err
}

// copySmall writes a sidecar or proof; one already there with the same
// bytes counts as written.
func copySmall(ctx context.Context, dst store.Store, name string, data []byte, create store.CreateOptions) error {
	_, err := store.WriteAll(ctx, dst, name, data, create)
	if !errors.Is(err, store.ErrExists) {
		return err
	}
	theirs, rerr := store.ReadAll(ctx, dst, name, int64(len(data))+1)
	if rerr != nil {
		return rerr
	}
	if !bytes.Equal(theirs, data) {
		return (&store.Error{Kind: store.KindConfig, Op: "copy", Where: store.Location(dst), Name: name, Err: store.ErrExists}).Say("store.detail.copyfilename")
	}
	return nil
}

func hashObject(ctx context.Context, st store.Store, name string) (string, error) {
	r, err := st.Open(ctx, name, store.OpenOptions{})
	if err != nil {
		return "", err
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashingSource hashes every byte a verify reads of a source, so that one
// read back both verifies the copy and compares it with the original.
type hashingSource struct {
	h hash.Hash
}

func (s *hashingSource) wrap(src backup.Source) backup.Source {
	open := src.Open
	src.Open = func(ctx context.Context) (io.ReadCloser, error) {
		r, err := open(ctx)
		if err != nil {
			return nil, err
		}
		s.h = sha256.New()
		return &hashingReader{r: r, h: s.h}, nil
	}
	return src
}

func (s *hashingSource) sum() string {
	if s.h == nil {
		return ""
	}
	return hex.EncodeToString(s.h.Sum(nil))
}

type hashingReader struct {
	r io.ReadCloser
	h hash.Hash
}

func (r *hashingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.h.Write(p[:n])
	return n, err
}

// Close reads what the verify left unread (nothing, for a whole archive)
// so that the hash covers every byte.
func (r *hashingReader) Close() error {
	_, _ = io.Copy(r.h, r.r)
	return r.r.Close()
}

func printCopy(u *ui, rep *copyReport) error {
	return u.result(rep, func(w io.Writer) {
		if rep.AlreadyThere {
			fmt.Fprintln(w, u.T("copy.already", rep.Copy))
		} else {
			fmt.Fprintln(w, u.T("copy.done", rep.Snapshot, rep.Copy, humanBytes(rep.Bytes), rep.Seconds))
		}
		if r := rep.Retention; r != nil {
			fmt.Fprintln(w, u.T("snapshot.locked", r.Until.Local().Format("2006-01-02 15:04"), strings.ToLower(r.Mode)))
		}
		if rep.Verified {
			fmt.Fprintln(w, "  "+u.T("copy.verified"))
		}
		for _, p := range rep.Problems {
			fmt.Fprintf(w, "  %s\n", problemLine(u.lang, p))
		}
	})
}
