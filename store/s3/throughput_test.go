package s3

import (
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/s3/s3test"
)

// TestThroughput measures a 500 MiB streamed create against the local
// server, and rclone copying the same file to the same server, in the same
// run. It writes 1 GiB in all, so it runs only with EFBACKUP_S3_BENCH=1.
func TestThroughput(t *testing.T) {
	if os.Getenv("EFBACKUP_S3_BENCH") != "1" {
		t.Skip("set EFBACKUP_S3_BENCH=1 to measure")
	}
	srv := s3test.Shared(t)
	b := bucket(t, srv, true)
	const size = 500 << 20
	src := filepath.Join(t.TempDir(), "data")
	f, err := os.Create(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.NewChaCha8([32]byte{1}), size); err != nil {
		t.Fatal(err)
	}
	f.Close()

	s := newStore(t, srv, b, "efbackup", rootEnv(t, srv))
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	start := time.Now()
	w, err := s.Create(testCtx(t), "bench-20240101T000000Z.tar.zst", store.CreateOptions{LockDays: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyBuffer(w, in, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	ours := time.Since(start)

	rclone, err := exec.LookPath("rclone")
	if err != nil {
		t.Logf("efbackup store: %d MiB in %s = %.0f MiB/s; rclone not installed", size>>20, ours.Round(time.Millisecond), float64(size>>20)/ours.Seconds())
		return
	}
	conf := filepath.Join(t.TempDir(), "rclone.conf")
	if err := os.WriteFile(conf, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(rclone, "copy", src, "x:"+b+"/rclone/")
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "RCLONE_CONFIG=" + conf,
		"RCLONE_CONFIG_X_TYPE=s3", "RCLONE_CONFIG_X_PROVIDER=Other", "RCLONE_CONFIG_X_ENDPOINT=" + srv.Endpoint,
		"RCLONE_CONFIG_X_ACCESS_KEY_ID=" + srv.AccessKey, "RCLONE_CONFIG_X_SECRET_ACCESS_KEY=" + srv.SecretKey,
		"RCLONE_CONFIG_X_REGION=us-east-1", "RCLONE_CONFIG_X_FORCE_PATH_STYLE=true"}
	start = time.Now()
	out, err := cmd.CombinedOutput()
	theirs := time.Since(start)
	if err != nil {
		t.Fatalf("rclone: %v\n%s", err, out)
	}
	sub, _ := s.Sub("x")
	sub.prefix = "rclone"
	e, err := sub.Stat(testCtx(t), "data")
	if err != nil || e.Size != size {
		t.Fatalf("rclone's copy: %+v, %v", e, err)
	}
	t.Logf("500 MiB to versitygw on 127.0.0.1: efbackup store %s (%.0f MiB/s, parts of %d MiB, %d in flight); rclone copy %s (%.0f MiB/s, %s)",
		ours.Round(time.Millisecond), float64(size>>20)/ours.Seconds(), DefaultPartSize>>20, DefaultPartsInFlight,
		theirs.Round(time.Millisecond), float64(size>>20)/theirs.Seconds(), strings.TrimSpace(rcloneVersion(rclone)))
}

func rcloneVersion(bin string) string {
	out, _ := exec.Command(bin, "version").Output()
	line, _, _ := strings.Cut(string(out), "\n")
	return line
}
