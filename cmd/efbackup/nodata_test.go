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
// database folder (in a data file and in the H2 trace file, whose lines
// efbackup reads for error codes); every command's output and every file
// efbackup writes beside the snapshots must be free of it.
func TestNoTaxpayerDataInLogsOrReports(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every command")
	}
	const secret = "NPWP 01.234.567.8-901.000 PT RAHASIA SEKALI"
	src := genInstall(t, "3.2")
	db := filepath.Join(src, "db")
	trace := "2026-01-15 10:23:45 jdbc[3]: exception\n" +
		"org.h2.jdbc.JdbcSQLNonTransientException: File corrupted while reading record: INSERT INTO FAKTUR VALUES('" + secret + "') [90030-197]\n"
	if err := os.WriteFile(filepath.Join(db, "efaktur.trace.db"), []byte(trace), 0o644); err != nil {
		t.Fatal(err)
	}
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
		if code != 0 && code != ExitIntegrity { // the trace file's 90030 is a warning
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
		said.WriteString(stdout + stderr)
	}
	if strings.Contains(said.String(), secret) || strings.Contains(said.String(), "RAHASIA") {
		t.Fatalf("a command printed database content")
	}
	if !strings.Contains(said.String(), "90030") {
		t.Fatalf("the trace finding is missing, so this test did not see the trace file read")
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
