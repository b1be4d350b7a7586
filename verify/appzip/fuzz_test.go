package appzip

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzCheck feeds arbitrary bytes to the zip checks, above all to the
// scan of a zip without a directory, which parses local headers itself.
// Whatever the input, Check returns one of the three verdicts and never
// panics, and a complete verdict never comes with a problem.
func FuzzCheck(f *testing.F) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("db/efaktur.mv.db")
	w.Write(bytes.Repeat([]byte("faktur "), 300))
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "db/a.txt", Method: zip.Store})
	w.Write([]byte("stored"))
	zw.Close()
	full := buf.Bytes()
	f.Add(full)
	f.Add(full[:len(full)/2])
	f.Add(full[:len(full)-30])
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "f.zip")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, r := range []Result{Check(p), CheckQuick(p)} {
			switch r.Status {
			case Complete:
				if len(r.Problems) > 0 {
					t.Fatalf("complete with problems: %+v", r)
				}
			case Truncated, Damaged:
				if len(r.Problems) == 0 {
					t.Fatalf("%s without a problem", r.Status)
				}
			default:
				t.Fatalf("status %q", r.Status)
			}
		}
	})
}
