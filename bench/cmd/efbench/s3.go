//go:build !windows

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/efbackup/efbackup/store/s3/s3test"
)

var onlyS3 = flag.Bool("only-s3", false, "measure only the S3 rows, print them, and write no report")

// Row names of the S3 measurements.
const (
	rowS3Snapshot = "efbackup snapshot --out s3://"
	rowS3Peer     = "local snapshot + rclone copy to S3"
)

// s3Rows measures a snapshot streamed into a bucket of a local versitygw
// (the server the tests run) against its peer on the same server in the
// same run: a local snapshot followed by rclone copy of it. It returns
// the database's bytes per second of the streamed snapshot.
func s3Rows(db string, add func(row)) (throughput float64) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	dir := filepath.Join(*work, "s3")
	os.RemoveAll(dir)
	must(os.MkdirAll(dir, 0o755))
	defer os.RemoveAll(dir)
	srv, err := s3test.Start(ctx, dir, s3test.Options{})
	if err != nil {
		add(row{name: rowS3Snapshot, skipped: "no S3 server: " + err.Error()})
		return 0
	}
	defer srv.Stop()
	bucket, err := srv.NewBucket(ctx, false)
	must(err)
	// The keys go in the environment, as a user's would; the machine's own
	// AWS settings are cleared.
	env := []string{"AWS_ACCESS_KEY_ID=" + srv.AccessKey, "AWS_SECRET_ACCESS_KEY=" + srv.SecretKey, "AWS_SESSION_TOKEN=",
		"AWS_ENDPOINT_URL=" + srv.Endpoint, "AWS_REGION=" + srv.Region, "AWS_PROFILE=", "AWS_CA_BUNDLE=",
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "none")}
	n := 0
	s3 := row{name: rowS3Snapshot, m: median(func() measurement {
		n++
		return timeCmd("", env, *bin, "snapshot", "--db", db, "--out", fmt.Sprintf("s3://%s/run%d", bucket, n),
			"--quiet", "--no-progress", "--allow-damaged", "--label", "bench")
	})}
	add(s3)
	if !has("rclone") {
		add(row{name: rowS3Peer, skipped: "rclone not installed"})
		return float64(dirSize(db)) / s3.m.wall.Seconds()
	}
	rc := []string{"RCLONE_CONFIG_BENCH_TYPE=s3", "RCLONE_CONFIG_BENCH_PROVIDER=Other",
		"RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=" + srv.AccessKey, "RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=" + srv.SecretKey,
		"RCLONE_CONFIG_BENCH_ENDPOINT=" + srv.Endpoint, "RCLONE_CONFIG_BENCH_REGION=" + srv.Region,
		"RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true", "RCLONE_CONFIG=" + filepath.Join(dir, "rclone.conf"),
		"AWS_CA_BUNDLE=", "AWS_PROFILE=", "AWS_ENDPOINT_URL="}
	scratch := filepath.Join(*work, "scratch-s3peer")
	add(row{name: rowS3Peer, m: median(func() measurement {
		n++
		os.RemoveAll(scratch)
		a := timeCmd("", nil, *bin, "snapshot", "--db", db, "--out", scratch, "--create-out", "--quiet", "--no-progress", "--allow-damaged", "--label", "bench")
		b := timeCmd("", rc, "rclone", "copy", "--quiet", scratch, fmt.Sprintf("bench:%s/peer%d", bucket, n))
		return measurement{wall: a.wall + b.wall, rssKB: max(a.rssKB, b.rssKB)}
	})})
	os.RemoveAll(scratch)
	return float64(dirSize(db)) / s3.m.wall.Seconds()
}
