package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/backup"
)

// Logs, reports, sidecars and messages hold file names, sizes and
// checksums, never database content. A taxpayer's data is planted in the
// database folder (over a page of a table, which the checks then report
// as damaged, in service.properties, which they read, and in a data file);
// every command's output and every file efbackup writes beside the
// snapshots must be free of it.
func TestNoTaxpayerDataInLogsOrReports(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every command")
	}
	const secret = "NPWP 01.234.567.8-901.000 PT RAHASIA SEKALI"
	src := genInstall(t, "3.2")
	db := filepath.Join(src, "db")
	main := filepath.Join(db, "ETaxInvoice")
	page, err := os.OpenFile(filepath.Join(main, "seg0", "c20.dat"), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := page.WriteAt([]byte(secret), 3*4096+300); err != nil {
		t.Fatal(err)
	}
	page.Close()
	props, err := os.OpenFile(filepath.Join(main, "service.properties"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	props.WriteString("efaktur.pemilik=" + secret + "\n")
	props.Close()
	if err := os.WriteFile(filepath.Join(db, "lampiran.txt"), []byte(strings.Repeat(secret+"\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	tgt := genInstall(t, "4.0")
	snaps := t.TempDir()
	var said strings.Builder
	for _, args := range [][]string{
		{"snapshot", "--install", src, "--out", out},
		{"snapshot", "--install", src, "--out", out, "--json", "--label", "second"},
		{"verify", "--db", db},
		{"verify", "--db", db, "--json"},
		{"list", "--out", out},
		{"list", "--out", out, "--json"},
		{"run-scheduled", "--install", src, "--out", out, "--keep-last", "1"},
		{"doctor", src, "--out", out},
		{"doctor", src, "--out", out, "--json"},
		{"migrate", "--from", "3.2", "--to", "4.0", "--source", src, "--target", tgt, "--snapshot-dir", snaps},
	} {
		code, stdout, stderr := runCLI(t, args...)
		if code != 0 && code != ExitIntegrity { // the damaged page is reported with exit 3
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
		said.WriteString(stdout + stderr)
	}
	if strings.Contains(said.String(), secret) || strings.Contains(said.String(), "RAHASIA") {
		t.Fatalf("a command printed database content")
	}
	if !strings.Contains(said.String(), "page-checksum") {
		t.Fatalf("the damaged page was not reported, so this test did not see the page read")
	}
	checked := 0
	for _, dir := range []string{out, snaps, filepath.Dir(tgt)} { // the migration report sits in the target install
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if strings.HasSuffix(p, backup.ArchiveSuffix) || strings.Contains(p, string(filepath.Separator)+"db") {
				return nil // the snapshots and the databases themselves hold the data, as they must
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			checked++
			if strings.Contains(string(b), "RAHASIA") {
				t.Errorf("%s holds database content", p)
			}
			return nil
		})
	}
	if checked < 4 {
		t.Fatalf("only %d log, report or sidecar files were checked", checked)
	}
	t.Logf("%d log, report and sidecar files checked", checked)
}
