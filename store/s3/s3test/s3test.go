// Package s3test runs a real S3 server for the tests: versitygw (Apache-2.0)
// with its posix backend and a versioning folder, which gives versioned
// buckets, Object Lock and conditional writes on 127.0.0.1.
//
// The server binary is built once per machine with the Go toolchain into a
// cache folder ($EFBACKUP_TOOLS_CACHE, default ~/.cache/efbackup-tools),
// under a lock so that concurrent test processes do not both build it; the
// first build takes minutes. Tests skip, saying why, when the server cannot
// be built or run here, unless EFBACKUP_REQUIRE_S3=1, which turns the skip
// into a failure.
package s3test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/efbackup/efbackup/internal/folderlock"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Version is the versitygw release the tests run.
const Version = "v1.8.0"

const module = "github.com/versity/versitygw/cmd/versitygw"

// RequireEnv names the variable that turns a skip into a failure.
const RequireEnv = "EFBACKUP_REQUIRE_S3"

// Required reports whether EFBACKUP_REQUIRE_S3=1.
func Required() bool { return os.Getenv(RequireEnv) == "1" }

// CacheDir is the folder the server binary is built into.
func CacheDir() (string, error) {
	base := os.Getenv("EFBACKUP_TOOLS_CACHE")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		base = filepath.Join(home, ".cache", "efbackup-tools")
	}
	return filepath.Join(base, "versitygw-"+Version), nil
}

// Binary returns the path of the versitygw binary, building it first when
// the cache does not hold it. Concurrent callers, in this process or
// others, wait for one build.
func Binary(ctx context.Context) (string, error) {
	if runtime.GOOS != "linux" {
		return "", fmt.Errorf("versitygw's posix backend needs Linux extended attributes; this is %s", runtime.GOOS)
	}
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "versitygw")
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin, nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("no Go toolchain to build versitygw: %v", err)
	}
	// A build takes minutes: wait for another process's for as long.
	l, _, err := folderlock.Acquire(dir, folderlock.Options{Wait: 20 * time.Minute, Stale: time.Hour, Command: "build versitygw"})
	if err != nil {
		return "", err
	}
	defer l.Release()
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin, nil // built while we waited
	}
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, goBin, "install", module+"@"+Version)
	cmd.Dir = tmp // outside any module: install the release as published
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOWORK=off", "GOFLAGS=-buildvcs=false")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go install %s@%s: %v\n%s", module, Version, err, tail(out, 2000))
	}
	if err := os.Rename(filepath.Join(tmp, "versitygw"), bin); err != nil {
		return "", err
	}
	return bin, nil
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// Server is a running versitygw.
type Server struct {
	Endpoint  string // http(s)://127.0.0.1:PORT
	Addr      string // 127.0.0.1:PORT
	AccessKey string
	SecretKey string
	Region    string
	Root      string // the posix backend's folder: one sub-folder per bucket
	// CAFile is the PEM certificate that signs the server's, with TLS.
	CAFile string

	cmd  *exec.Cmd
	done chan error
	log  *lockedBuffer
}

// Options tunes Start.
type Options struct {
	// TLS serves https with a certificate for 127.0.0.1 signed by a CA
	// made for this server (Server.CAFile).
	TLS bool
}

// Start builds (if needed) and starts a server on a free port of
// 127.0.0.1, with fresh folders under dir.
func Start(ctx context.Context, dir string, opts Options) (*Server, error) {
	bin, err := Binary(ctx)
	if err != nil {
		return nil, err
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		s, err := start(ctx, bin, dir, opts)
		if err == nil {
			return s, nil
		}
		lastErr = err // the free port may have been taken meanwhile
	}
	return nil, lastErr
}

func start(ctx context.Context, bin, dir string, opts Options) (*Server, error) {
	base, err := os.MkdirTemp(dir, "versitygw-")
	if err != nil {
		return nil, err
	}
	root, versions := filepath.Join(base, "root"), filepath.Join(base, "versions")
	for _, d := range []string{root, versions} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &Server{Addr: addr, AccessKey: "efbackup-test-" + randHex(4), SecretKey: randHex(20), Region: "us-east-1", Root: root,
		done: make(chan error, 1), log: &lockedBuffer{}}
	args := []string{"--port", addr, "--region", s.Region, "--quiet"}
	scheme := "http"
	if opts.TLS {
		cert, key, ca, err := makeCert(base)
		if err != nil {
			return nil, err
		}
		args = append(args, "--cert", cert, "--key", key)
		s.CAFile = ca
		scheme = "https"
	}
	s.Endpoint = scheme + "://" + addr
	args = append(args, "posix", "--versioning-dir", versions, root)
	cmd := exec.Command(bin, args...)
	cmd.Env = serverEnv(s)
	cmd.Stdout, cmd.Stderr = s.log, s.log
	setDeathSignal(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s.cmd = cmd
	go func() { s.done <- cmd.Wait() }()
	if err := s.waitReady(ctx, 15*time.Second); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// serverEnv is the environment without anything that would configure the
// server behind the test's back, plus the root credentials (kept off the
// command line, where ps shows them).
func serverEnv(s *Server) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "VGW_") || strings.HasPrefix(kv, "ROOT_") || strings.HasPrefix(kv, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "ROOT_ACCESS_KEY_ID="+s.AccessKey, "ROOT_SECRET_ACCESS_KEY="+s.SecretKey)
}

func (s *Server) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: time.Second, Transport: s.Transport()}
	for {
		select {
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("versitygw exited at start: %v\n%s", err, tail(s.log.Bytes(), 2000))
		default:
		}
		resp, err := client.Get(s.Endpoint + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("versitygw did not answer within %s: %v\n%s", limit, err, tail(s.log.Bytes(), 2000))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Transport is an HTTP transport that trusts the server's CA (with TLS).
func (s *Server) Transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if s.CAFile != "" {
		pool := x509.NewCertPool()
		if b, err := os.ReadFile(s.CAFile); err == nil {
			pool.AppendCertsFromPEM(b)
		}
		t.TLSClientConfig.RootCAs = pool
	}
	return t
}

// Stop ends the server and waits for it.
func (s *Server) Stop() {
	if s == nil || s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	err := <-s.done
	s.done <- err
}

// Log is what the server printed.
func (s *Server) Log() string { return string(s.log.Bytes()) }

// Client is a minio-go client with the root credentials, for setting up
// and inspecting buckets behind the store's back.
func (s *Server) Client() *minio.Client {
	c, err := minio.New(strings.TrimPrefix(strings.TrimPrefix(s.Endpoint, "http://"), "https://"), &minio.Options{
		Creds:        credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""),
		Secure:       strings.HasPrefix(s.Endpoint, "https://"),
		Region:       s.Region,
		BucketLookup: minio.BucketLookupPath,
		Transport:    s.Transport(),
	})
	if err != nil {
		panic(err) // only a malformed endpoint fails here, and Start made it
	}
	return c
}

// NewBucket makes a bucket with a fresh name; with objectLock, with
// versioning and Object Lock enabled.
func (s *Server) NewBucket(ctx context.Context, objectLock bool) (string, error) {
	name := "efb-" + randHex(6)
	c := s.Client()
	if err := c.MakeBucket(ctx, name, minio.MakeBucketOptions{Region: s.Region, ObjectLocking: objectLock}); err != nil {
		return "", err
	}
	if objectLock {
		// AWS turns versioning on with Object Lock; say it explicitly for
		// servers that wait to be told.
		if err := c.EnableVersioning(ctx, name); err != nil {
			return "", err
		}
	}
	return name, nil
}

var (
	sharedOnce sync.Once
	shared     *Server
	sharedErr  error
	sharedDir  string
)

// Shared returns the package's one server, started at the first call,
// or skips t (fails it with EFBACKUP_REQUIRE_S3=1) when there can be none.
// Main stops it.
func Shared(t testing.TB) *Server {
	t.Helper()
	sharedOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
		defer cancel()
		sharedDir, sharedErr = os.MkdirTemp("", "efbackup-s3test-")
		if sharedErr == nil {
			shared, sharedErr = Start(ctx, sharedDir, Options{})
		}
	})
	if sharedErr != nil {
		Unavailable(t, sharedErr)
	}
	return shared
}

// Unavailable skips t because the server cannot run, or fails it when
// EFBACKUP_REQUIRE_S3=1.
func Unavailable(t testing.TB, err error) {
	t.Helper()
	if Required() {
		t.Fatalf("S3 test server unavailable (and %s=1): %v", RequireEnv, err)
	}
	t.Skipf("S3 test server unavailable: %v (set %s=1 to make this a failure)", err, RequireEnv)
}

// Main runs the tests and stops the shared server afterwards: call it from
// TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	if shared != nil {
		shared.Stop()
	}
	if sharedDir != "" {
		_ = removeAll(sharedDir)
	}
	return code
}

// removeAll removes a server's folders; Object Lock makes versitygw mark
// files immutable nowhere, so plain removal works, but a folder left
// read-only is made writable first.
func removeAll(dir string) error {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o700)
		}
		return nil
	})
	return os.RemoveAll(dir)
}

func randHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// makeCert writes a CA and a server certificate for 127.0.0.1 signed by it.
func makeCert(dir string) (certFile, keyFile, caFile string, err error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", "", err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "efbackup test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return "", "", "", err
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return "", "", "", err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return "", "", "", err
	}
	certFile, keyFile, caFile = filepath.Join(dir, "server.pem"), filepath.Join(dir, "server-key.pem"), filepath.Join(dir, "ca.pem")
	for _, f := range []struct {
		path, typ string
		der       []byte
	}{{certFile, "CERTIFICATE", der}, {keyFile, "EC PRIVATE KEY", keyDER}, {caFile, "CERTIFICATE", caDER}} {
		if err := os.WriteFile(f.path, pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der}), 0o600); err != nil {
			return "", "", "", err
		}
	}
	return certFile, keyFile, caFile, nil
}

type lockedBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.b) < 1<<20 { // a runaway log must not eat the test's memory
		l.b = append(l.b, p...)
	}
	return len(p), nil
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]byte(nil), l.b...)
}
