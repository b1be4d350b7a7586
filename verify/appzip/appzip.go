// Package appzip checks the zip backups that e-Faktur's updater
// (ETaxInvoiceUpd) writes into the install's backup/ folder at start-up,
// and removes the older ones once the newest few are known to be good.
//
// Nobody checks those zips: a backup cut short by a full disk or a
// shutdown, or damaged on a failing disk, is found out only on the day it
// is needed. Check opens each zip and reads every entry to its end, so
// that the zip reader compares each entry's CRC-32 and size with the
// directory, and says whether the file is complete, truncated or damaged.
//
// The package never prints and never exits.
package appzip

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/efbackup/efbackup/internal/i18n"
)

// Status is the verdict on one zip.
type Status string

const (
	Complete  Status = "complete"  // every entry read back with the right size and CRC-32
	Truncated Status = "truncated" // the file ends early: the end of the zip (its directory) is missing
	Damaged   Status = "damaged"   // the file is whole, but an entry's data or the directory is wrong
)

// Problem is one thing wrong in a zip.
//
// Detail is English, for JSON and logs; Text is the same message as a
// catalogue key with its arguments, to word in the user's language.
type Problem struct {
	Entry  string    `json:"entry,omitempty"`
	Detail string    `json:"detail"`
	Text   i18n.Text `json:"-"`
}

func problem(entry string, t i18n.Text) Problem {
	return Problem{Entry: entry, Detail: t.String(), Text: t}
}

// In is the problem's detail in language l.
func (p Problem) In(l i18n.Lang) string {
	return p.Text.Or(p.Detail).In(l)
}

// Result is what Check found in one zip.
type Result struct {
	Path    string    `json:"path"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"modified"`
	// Time is when the backup was made: from the file name when it holds
	// a date and time, else the modification time.
	Time   time.Time `json:"time"`
	Status Status    `json:"status"`
	// Entries and Bytes count the entries read back intact and their
	// uncompressed size. For a truncated zip they say how much of it is
	// still usable.
	Entries  int       `json:"entries"`
	Bytes    int64     `json:"bytes"`
	Problems []Problem `json:"problems,omitempty"`
	// Read says whether the entries were read (false for CheckQuick).
	Read bool `json:"read"`
}

// OK reports whether the zip is complete.
func (r Result) OK() bool { return r.Status == Complete }

// Check reads the zip at path in full.
func Check(path string) Result { return CheckContext(context.Background(), path) }

// CheckContext is Check, stopping early (as damaged, with the reason) when
// ctx ends.
func CheckContext(ctx context.Context, path string) Result {
	return check(ctx, path, true)
}

// CheckQuick reads only the zip's directory: it finds truncation and a
// damaged directory, not damaged data. It costs a few reads, whatever the
// size.
func CheckQuick(path string) Result { return check(context.Background(), path, false) }

func check(ctx context.Context, path string, full bool) Result {
	r := Result{Path: path, Read: full}
	fi, err := os.Stat(path)
	if err != nil {
		return r.fail(Damaged, "", "appzip.detail.unreadable", err)
	}
	r.Size, r.ModTime = fi.Size(), fi.ModTime()
	r.Time = backupTime(filepath.Base(path), fi.ModTime())
	if fi.Size() == 0 {
		return r.fail(Truncated, "", "appzip.detail.empty")
	}
	f, err := os.Open(path)
	if err != nil {
		return r.fail(Damaged, "", "appzip.detail.unreadable", err)
	}
	defer f.Close()
	zr, err := zip.NewReader(f, fi.Size())
	if err != nil {
		return r.noDirectory(f, err)
	}
	if len(zr.File) == 0 {
		return r.fail(Damaged, "", "appzip.detail.nofiles")
	}
	if !full {
		r.Status = Complete
		r.Entries = len(zr.File)
		for _, zf := range zr.File {
			r.Bytes += int64(zf.UncompressedSize64)
		}
		return r
	}
	buf := make([]byte, 256<<10)
	for _, zf := range zr.File {
		if err := ctx.Err(); err != nil {
			return r.fail(Damaged, "", "appzip.detail.stopped", err)
		}
		if strings.HasSuffix(zf.Name, "/") {
			continue
		}
		n, err := readEntry(ctx, zf, buf)
		if err != nil {
			r.Problems = append(r.Problems, problem(zf.Name, describe(err)))
			continue
		}
		r.Entries++
		r.Bytes += n
	}
	r.Status = Complete
	if len(r.Problems) > 0 {
		r.Status = Damaged
	}
	return r
}

func readEntry(ctx context.Context, zf *zip.File, buf []byte) (int64, error) {
	rc, err := zf.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		k, err := rc.Read(buf)
		n += int64(k)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

func describe(err error) i18n.Text {
	switch {
	case errors.Is(err, zip.ErrChecksum):
		return i18n.Say("appzip.detail.crc")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return i18n.Say("appzip.detail.short")
	case errors.Is(err, zip.ErrAlgorithm):
		return i18n.Say("appzip.detail.method")
	}
	var ce flate.CorruptInputError
	if errors.As(err, &ce) {
		return i18n.Say("appzip.detail.flate", int64(ce))
	}
	return i18n.Say("appzip.detail.error", err)
}

func (r Result) fail(s Status, entry, key string, args ...any) Result {
	r.Status = s
	r.Problems = append(r.Problems, problem(entry, i18n.Say(key, args...)))
	return r
}

// noDirectory judges a zip whose directory cannot be read. A zip is
// written front to back and its directory comes last, so a file that
// starts like a zip but has no directory was cut short; reading its
// entries one after the other tells how much of it is intact, and whether
// something before the cut is damaged as well.
func (r Result) noDirectory(f *os.File, openErr error) Result {
	var head [4]byte
	if _, err := f.ReadAt(head[:], 0); err != nil || binary.LittleEndian.Uint32(head[:]) != sigLocal {
		if !errors.Is(openErr, zip.ErrFormat) {
			return r.fail(Damaged, "", "appzip.detail.error", openErr)
		}
		return r.fail(Damaged, "", "appzip.detail.notzip")
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return r.fail(Damaged, "", "appzip.detail.error", err)
	}
	entries, bytes, reachedDir, damage, bad, err := scanLocal(bufio.NewReaderSize(f, 256<<10))
	r.Entries, r.Bytes = entries, bytes
	r.Problems = append(r.Problems, damage...)
	if bad != nil {
		r.Problems = append(r.Problems, *bad)
	}
	switch {
	case bad != nil:
		return r.fail(Truncated, "", "appzip.detail.nodir", entries)
	case reachedDir:
		return r.fail(Truncated, "", "appzip.detail.dircut", entries)
	case err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF):
		// Still cut short (the directory is missing), but how much is
		// intact cannot be told.
		return r.fail(Truncated, "", "appzip.detail.nodirafter", entries, err)
	}
	return r.fail(Truncated, "", "appzip.detail.endsearly", entries+1, entries)
}

const (
	sigLocal      = 0x04034b50
	sigCentral    = 0x02014b50
	sigDescriptor = 0x08074b50
)

// scanLocal follows the local file headers from the start of a zip whose
// directory is missing. An entry whose CRC-32 is wrong is recorded in
// damage and the scan goes on; it stops at the first central directory
// header (reachedDir), at the end of the data (err is io.EOF or
// io.ErrUnexpectedEOF), or at damage it cannot read past (bad).
func scanLocal(br *bufio.Reader) (entries int, total int64, reachedDir bool, damage []Problem, bad *Problem, err error) {
	var hdr [30]byte
	for {
		if _, err := io.ReadFull(br, hdr[:4]); err != nil {
			return entries, total, false, damage, nil, err
		}
		switch binary.LittleEndian.Uint32(hdr[:4]) {
		case sigLocal:
		case sigCentral:
			return entries, total, true, damage, nil, nil
		default:
			return entries, total, false, damage, ptr(problem("", i18n.Say("appzip.detail.afterfile", entries))), nil
		}
		if _, err := io.ReadFull(br, hdr[4:]); err != nil {
			return entries, total, false, damage, nil, err
		}
		flags := binary.LittleEndian.Uint16(hdr[6:])
		method := binary.LittleEndian.Uint16(hdr[8:])
		crc := binary.LittleEndian.Uint32(hdr[14:])
		csize := int64(binary.LittleEndian.Uint32(hdr[18:]))
		nameLen := int(binary.LittleEndian.Uint16(hdr[26:]))
		extraLen := int(binary.LittleEndian.Uint16(hdr[28:]))
		nameExtra := make([]byte, nameLen+extraLen)
		if _, err := io.ReadFull(br, nameExtra); err != nil {
			return entries, total, false, damage, nil, err
		}
		name := string(nameExtra[:nameLen])
		zip64 := hasZip64(nameExtra[nameLen:])
		if zip64 && csize == 0xFFFFFFFF {
			csize = zip64Size(nameExtra[nameLen:], 1)
		}
		descriptor := flags&0x8 != 0
		h := crc32.NewIEEE()
		var n int64
		switch {
		case method == zip.Deflate:
			// flate stops exactly at the end of the stream when its
			// reader is an io.ByteReader, which bufio.Reader is.
			fr := flate.NewReader(br)
			n, err = io.Copy(h, fr)
			fr.Close()
		case method == zip.Store && !descriptor:
			n, err = io.CopyN(h, br, csize)
		default:
			return entries, total, false, damage, nil, fmt.Errorf("%s: compression method %d with unknown size", name, method)
		}
		if err != nil {
			var ce flate.CorruptInputError
			if errors.As(err, &ce) {
				return entries, total, false, damage, ptr(problem(name, describe(err))), nil
			}
			return entries, total, false, damage, nil, err
		}
		if descriptor {
			want, err := readDescriptor(br, zip64)
			if err != nil {
				return entries, total, false, damage, nil, err
			}
			crc = want
		}
		if h.Sum32() != crc {
			damage = append(damage, problem(name, describe(zip.ErrChecksum)))
			continue
		}
		if !strings.HasSuffix(name, "/") {
			entries++
			total += n
		}
	}
}

func readDescriptor(br *bufio.Reader, zip64 bool) (crc uint32, err error) {
	var b [4]byte
	if _, err := io.ReadFull(br, b[:]); err != nil {
		return 0, err
	}
	crc = binary.LittleEndian.Uint32(b[:])
	if crc == sigDescriptor { // the signature is optional
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return 0, err
		}
		crc = binary.LittleEndian.Uint32(b[:])
	}
	sizes := 8
	if zip64 {
		sizes = 16
	}
	_, err = io.ReadFull(br, make([]byte, sizes))
	return crc, err
}

func hasZip64(extra []byte) bool {
	for len(extra) >= 4 {
		id, size := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if id == 0x0001 {
			return true
		}
		if 4+size > len(extra) {
			return false
		}
		extra = extra[4+size:]
	}
	return false
}

// zip64Size returns the i-th 8-byte field of the zip64 extra (0:
// uncompressed, 1: compressed).
func zip64Size(extra []byte, i int) int64 {
	for len(extra) >= 4 {
		id, size := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if 4+size > len(extra) {
			return -1
		}
		if id == 0x0001 && size >= 8*(i+1) {
			return int64(binary.LittleEndian.Uint64(extra[4+8*i:]))
		}
		extra = extra[4+size:]
	}
	return -1
}

// nameTimeRe finds a date and time in a backup's file name: 20240131,
// 2024-01-31_1530, 2024_01_31-15_30_45 and the like.
var nameTimeRe = regexp.MustCompile(`(20[0-9]{2})[-_.]?([01][0-9])[-_.]?([0-3][0-9])(?:[-_T .]?([0-2][0-9])[-_.:]?([0-5][0-9])(?:[-_.:]?([0-5][0-9]))?)?`)

// backupTime reads the date and time from a name, in local time, or falls
// back to mtime. A copy of backup/ made with a tool that does not keep
// times would otherwise make every zip look new.
func backupTime(name string, mtime time.Time) time.Time {
	m := nameTimeRe.FindStringSubmatch(name)
	if m == nil {
		return mtime
	}
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	y, mo, d := num(m[1]), num(m[2]), num(m[3])
	h, mi, s := num(m[4]), num(m[5]), num(m[6])
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 {
		return mtime
	}
	t := time.Date(y, time.Month(mo), d, h, mi, s, 0, time.Local)
	if t.Day() != d {
		return mtime // 31 February
	}
	return t
}

// List returns the zips in dir (the install's backup/ folder), newest
// first. A missing folder is an empty list.
func List(dir string) ([]Backup, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Backup
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.EqualFold(filepath.Ext(e.Name()), ".zip") {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, Backup{Path: filepath.Join(dir, e.Name()), Size: fi.Size(), ModTime: fi.ModTime(), Time: backupTime(e.Name(), fi.ModTime())})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Time.Equal(out[j].Time) {
			return out[i].Time.After(out[j].Time)
		}
		return out[i].Path > out[j].Path
	})
	return out, nil
}

// Backup is one zip in backup/, before it is checked.
type Backup struct {
	Path    string    `json:"path"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"modified"`
	Time    time.Time `json:"time"`
}

func ptr(p Problem) *Problem { return &p }
