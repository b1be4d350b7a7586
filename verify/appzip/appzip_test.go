package appzip

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dbFiles is a small db/ folder: a compressible database file, a poorly
// compressible one and a trace log.
func dbFiles(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "db")
	os.MkdirAll(dir, 0o755)
	rng := rand.New(rand.NewSource(1))
	noise := make([]byte, 150000)
	rng.Read(noise)
	var text bytes.Buffer
	for i := 0; text.Len() < 300000; i++ {
		text.WriteString("INSERT INTO FAKTUR VALUES (")
		text.WriteString(strings.Repeat("x", i%50))
		text.WriteString(");\n")
	}
	os.WriteFile(filepath.Join(dir, "efaktur.mv.db"), text.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "efaktur2.mv.db"), noise, 0o644)
	os.WriteFile(filepath.Join(dir, "efaktur.trace.db"), []byte("trace\n"), 0o644)
	return dir
}

// zipGo writes a zip the way Java's ZipOutputStream does, with Go's
// writer: deflated entries under db/, sizes and CRC in a data descriptor.
func zipGo(t *testing.T, out, dir string, method uint16) {
	t.Helper()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	es, _ := os.ReadDir(dir)
	for _, e := range es {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		var w io.Writer
		var err error
		if method == zip.Store {
			// As Java writes STORED entries: sizes and CRC-32 in the
			// local header, no data descriptor.
			w, err = zw.CreateRaw(&zip.FileHeader{Name: "db/" + e.Name(), Method: zip.Store, CRC32: crc32.ChecksumIEEE(b),
				CompressedSize64: uint64(len(b)), UncompressedSize64: uint64(len(b))})
		} else {
			w, err = zw.CreateHeader(&zip.FileHeader{Name: "db/" + e.Name(), Method: method})
		}
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// zipJava writes the zip with java.util.zip, as a Java program such as
// e-Faktur's updater does. It falls back to zipGo without Java.
func zipJava(t *testing.T, out, dir string) bool {
	t.Helper()
	if _, err := exec.LookPath("java"); err != nil {
		zipGo(t, out, dir, zip.Deflate)
		return false
	}
	src, _ := filepath.Abs("testdata/java/ZipDb.java")
	cmd := exec.Command("java", src, out, dir)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("java ZipDb: %v\n%s", err, b)
	}
	return true
}

func mustStatus(t *testing.T, r Result, want Status) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: status %s, want %s; problems %+v", filepath.Base(r.Path), r.Status, want, r.Problems)
	}
}

func centralDirOffset(t *testing.T, p string) int64 {
	b, _ := os.ReadFile(p)
	i := bytes.LastIndex(b, []byte("PK\x05\x06"))
	if i < 0 {
		t.Fatal("no end of central directory")
	}
	return int64(binary.LittleEndian.Uint32(b[i+16:]))
}

func TestCompleteZips(t *testing.T) {
	dir := dbFiles(t)
	tmp := t.TempDir()
	goZip := filepath.Join(tmp, "go.zip")
	zipGo(t, goZip, dir, zip.Deflate)
	javaZip := filepath.Join(tmp, "java.zip")
	if !zipJava(t, javaZip, dir) {
		t.Log("java not installed: the Java-written zip is made by Go")
	}
	storedZip := filepath.Join(tmp, "stored.zip")
	zipGo(t, storedZip, dir, zip.Store)
	for _, p := range []string{goZip, javaZip, storedZip} {
		r := Check(p)
		mustStatus(t, r, Complete)
		if r.Entries != 3 || r.Bytes < 450000 || !r.Read || len(r.Problems) != 0 {
			t.Errorf("%s: %+v", p, r)
		}
	}
}

// A zip cut short (a full disk, a shutdown during the app's backup) is
// truncated, and the files before the cut are counted.
func TestTruncated(t *testing.T) {
	dir := dbFiles(t)
	tmp := t.TempDir()
	for _, method := range []uint16{zip.Deflate, zip.Store} {
		p := filepath.Join(tmp, "t.zip")
		if method == zip.Deflate {
			zipJava(t, p, dir)
		} else {
			zipGo(t, p, dir, method)
		}
		cd := centralDirOffset(t, p)
		// Cut inside the last entry's data.
		os.Truncate(p, cd-200)
		r := Check(p)
		mustStatus(t, r, Truncated)
		if r.Entries != 2 || !strings.Contains(r.Problems[0].Detail, "ends early") {
			t.Errorf("method %d: cut in the last file: %+v", method, r)
		}
		// Cut right at the directory: every file is there, the zip is not.
		if method == zip.Deflate {
			zipJava(t, p, dir)
		} else {
			zipGo(t, p, dir, method)
		}
		os.Truncate(p, cd+10)
		r = Check(p)
		mustStatus(t, r, Truncated)
		if r.Entries != 3 || !strings.Contains(r.Problems[0].Detail, "directory") {
			t.Errorf("method %d: cut in the directory: %+v", method, r)
		}
		if q := CheckQuick(p); q.Status != Truncated {
			t.Errorf("quick check missed the truncation: %+v", q)
		}
	}
}

// One flipped bit in the data: damaged, naming the entry. The quick check
// reads only the directory and cannot see it.
func TestBitFlip(t *testing.T) {
	dir := dbFiles(t)
	p := filepath.Join(t.TempDir(), "flip.zip")
	zipJava(t, p, dir)
	zr, _ := zip.OpenReader(p)
	var target *zip.File
	for _, f := range zr.File {
		if f.Name == "db/efaktur.mv.db" {
			target = f
		}
	}
	off, _ := target.DataOffset()
	zr.Close()
	b, _ := os.ReadFile(p)
	b[off+int64(target.CompressedSize64)/2] ^= 0x10
	os.WriteFile(p, b, 0o644)
	r := Check(p)
	mustStatus(t, r, Damaged)
	if len(r.Problems) != 1 || r.Problems[0].Entry != "db/efaktur.mv.db" || r.Entries != 2 {
		t.Errorf("%+v", r)
	}
	if q := CheckQuick(p); q.Status != Complete || q.Read {
		t.Errorf("quick check: %+v", q)
	}
	// The same damage in a truncated copy: still truncated, and the damage
	// is named too.
	os.Truncate(p, centralDirOffset(t, p)-100)
	r = Check(p)
	mustStatus(t, r, Truncated)
	if len(r.Problems) != 2 || r.Problems[0].Entry != "db/efaktur.mv.db" || r.Entries > 1 {
		t.Errorf("truncated and flipped: %+v", r)
	}
}

func TestNotAZip(t *testing.T) {
	tmp := t.TempDir()
	empty := filepath.Join(tmp, "empty.zip")
	os.WriteFile(empty, nil, 0o644)
	mustStatus(t, Check(empty), Truncated)
	junk := filepath.Join(tmp, "junk.zip")
	os.WriteFile(junk, []byte("this is not a zip file at all"), 0o644)
	mustStatus(t, Check(junk), Damaged)
	none := filepath.Join(tmp, "none.zip")
	f, _ := os.Create(none)
	zip.NewWriter(f).Close()
	f.Close()
	mustStatus(t, Check(none), Damaged)
	mustStatus(t, Check(filepath.Join(tmp, "missing.zip")), Damaged)
}

func TestListOrder(t *testing.T) {
	dir := t.TempDir()
	// Names with times win over modification times.
	for i, name := range []string{"backup_20240105_0800.zip", "backup_20240301_0800.ZIP", "backup_20231231_2359.zip", "notes.txt"} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("x"), 0o644)
		mt := time.Now().Add(time.Duration(i) * time.Hour)
		os.Chtimes(p, mt, mt)
	}
	// No time in the name: the modification time.
	p := filepath.Join(dir, "copy.zip")
	os.WriteFile(p, []byte("x"), 0o644)
	old := time.Date(2024, 2, 1, 0, 0, 0, 0, time.Local)
	os.Chtimes(p, old, old)
	list, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range list {
		got = append(got, filepath.Base(b.Path))
	}
	want := "backup_20240301_0800.ZIP copy.zip backup_20240105_0800.zip backup_20231231_2359.zip"
	if strings.Join(got, " ") != want {
		t.Errorf("order %v, want %s", got, want)
	}
	if l, err := List(filepath.Join(dir, "nope")); l != nil || err != nil {
		t.Errorf("missing folder: %v %v", l, err)
	}
}

func makeBackups(t *testing.T, n int) (string, []string) {
	t.Helper()
	db := dbFiles(t)
	dir := filepath.Join(t.TempDir(), "backup")
	os.MkdirAll(dir, 0o755)
	var paths []string
	base := filepath.Join(t.TempDir(), "base.zip")
	zipGo(t, base, db, zip.Deflate)
	b, _ := os.ReadFile(base)
	for i := 0; i < n; i++ {
		p := filepath.Join(dir, time.Date(2024, 1, 1+i, 8, 0, 0, 0, time.Local).Format("backup_20060102_150405.zip"))
		os.WriteFile(p, b, 0o644)
		paths = append(paths, p)
	}
	return dir, paths // oldest first
}

func TestPrune(t *testing.T) {
	ctx := context.Background()
	dir, paths := makeBackups(t, 5)
	if _, err := Prune(ctx, dir, 0, false); !errors.Is(err, ErrKeep) {
		t.Errorf("keep 0: %v", err)
	}
	res, err := Prune(ctx, dir, 2, true)
	if err != nil || res.Refused || len(res.Older) != 3 || len(res.Removed) != 0 {
		t.Fatalf("dry run: %+v %v", res, err)
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			t.Fatal("dry run removed", p)
		}
	}
	res, err = Prune(ctx, dir, 2, false)
	if err != nil || len(res.Removed) != 3 || len(res.Checked) != 2 {
		t.Fatalf("prune: %+v %v", res, err)
	}
	left, _ := List(dir)
	if len(left) != 2 || left[0].Path != paths[4] || left[1].Path != paths[3] {
		t.Errorf("left %+v", left)
	}
}

// When one of the newest N is not complete, nothing is removed: an older
// zip may be the only good copy.
func TestPruneRefusesWhenNewestBad(t *testing.T) {
	ctx := context.Background()
	dir, paths := makeBackups(t, 4)
	os.Truncate(paths[3], 1000)
	res, err := Prune(ctx, dir, 2, false)
	if err != nil || !res.Refused || len(res.Removed) != 0 || len(res.Incomplete) != 1 || res.Incomplete[0] != paths[3] {
		t.Fatalf("%+v %v", res, err)
	}
	if left, _ := List(dir); len(left) != 4 {
		t.Errorf("removed something: %d left", len(left))
	}
	// Fewer zips than keep: nothing to remove, nothing refused.
	res, err = Prune(ctx, dir, 10, false)
	if err != nil || len(res.Older) != 0 || len(res.Checked) != 4 {
		t.Fatalf("%+v %v", res, err)
	}
}
