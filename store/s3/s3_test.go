package s3

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/s3/s3test"
	"github.com/efbackup/efbackup/store/storetest"
	"github.com/minio/minio-go/v7"
)

func TestMain(m *testing.M) { os.Exit(s3test.Main(m)) }

// env is a controlled environment: only what a test puts in it, so that
// the machine's AWS_* (AWS_CA_BUNDLE is set on some) cannot leak in.
type env map[string]string

func (e env) get(k string) string { return e[k] }

// rootEnv is an environment with the server's root credentials and an
// empty home.
func rootEnv(t *testing.T, srv *s3test.Server) env {
	return env{"AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": srv.SecretKey, "HOME": t.TempDir()}
}

func testCtx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

func bucket(t *testing.T, srv *s3test.Server, objectLock bool) string {
	t.Helper()
	b, err := srv.NewBucket(testCtx(t), objectLock)
	if err != nil {
		t.Fatalf("make bucket: %v\n%s", err, srv.Log())
	}
	return b
}

func newStore(t *testing.T, srv *s3test.Server, bucket, prefix string, e env, mod ...func(*Config)) *Store {
	t.Helper()
	cfg := Config{Bucket: bucket, Prefix: prefix, Endpoint: srv.Endpoint, Env: e.get, MaxRetries: 2}
	for _, m := range mod {
		m(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("new store: %v", err)
	}
	return s
}

func randPrefix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "client-" + hex.EncodeToString(b)
}

func conformance(t *testing.T, objectLock bool) {
	srv := s3test.Shared(t)
	b := bucket(t, srv, objectLock)
	e := rootEnv(t, srv)
	storetest.Run(t, storetest.Options{
		New: func(t *testing.T) store.Store { return newStore(t, srv, b, "consultant/"+randPrefix(), e) },
		Reopen: func(t *testing.T, st store.Store) store.Store {
			return newStore(t, srv, b, st.(*Store).Prefix(), e)
		},
		Orphan: func(t *testing.T, st store.Store, name string) {
			s := st.(*Store)
			id, err := s.core.NewMultipartUpload(testCtx(t), s.bucket, s.key(name), minio.PutObjectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			part := bytes.Repeat([]byte("x"), 1000)
			if _, err := s.core.PutObjectPart(testCtx(t), s.bucket, s.key(name), id, 1, bytes.NewReader(part), int64(len(part)), minio.PutObjectPartOptions{}); err != nil {
				t.Fatal(err)
			}
		},
		Sub: func(t *testing.T, st store.Store, name string) store.Store {
			sub, err := st.(*Store).Sub(name)
			if err != nil {
				t.Fatal(err)
			}
			return sub
		},
	})
}

// The conformance suite in a versioned bucket with Object Lock, where
// efbackup's snapshots belong.
func TestConformanceObjectLock(t *testing.T) { conformance(t, true) }

// And in a plain bucket, without versions.
func TestConformancePlain(t *testing.T) { conformance(t, false) }

func TestParseURL(t *testing.T) {
	for _, c := range []struct{ in, bucket, prefix string }{
		{"s3://efb", "efb", ""},
		{"s3://efb/", "efb", ""},
		{"s3://efb/pt-maju/", "efb", "pt-maju"},
		{"s3://efb/consultant/pt-maju", "efb", "consultant/pt-maju"},
	} {
		b, p, err := ParseURL(c.in)
		if err != nil || b != c.bucket || p != c.prefix {
			t.Errorf("ParseURL(%q) = %q, %q, %v", c.in, b, p, err)
		}
	}
	for _, bad := range []string{"s3://", "s3://A_B/x", "s3://efb/a//b", "s3://efb/a/../b", "https://efb/x", "s3://efb/a\x00"} {
		if _, _, err := ParseURL(bad); err == nil {
			t.Errorf("ParseURL(%q) succeeded", bad)
		}
	}
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
