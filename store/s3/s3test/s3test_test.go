package s3test

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestServer builds the server when the cache lacks it (make deps-s3 runs
// this test), starts it and makes a bucket with Object Lock.
func TestServer(t *testing.T) {
	s := Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := s.NewBucket(ctx, true)
	if err != nil {
		t.Fatalf("make bucket: %v\n%s", err, s.Log())
	}
	cfg, _, _, _, err := s.Client().GetObjectLockConfig(ctx, b)
	if err != nil {
		t.Fatalf("object lock config: %v", err)
	}
	if cfg != "Enabled" {
		t.Fatalf("object lock %q, want Enabled", cfg)
	}
	bin, _ := Binary(ctx)
	t.Logf("versitygw %s at %s, serving %s", Version, bin, s.Endpoint)
}
