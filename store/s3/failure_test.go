package s3

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/s3/s3test"
)

// childEnv names the variables that make TestKillChild the writer a
// parent test kills.
const childEnv = "EFBACKUP_S3_KILL_CHILD"

// TestKillChild is not a test on its own: run by TestKillDuringUpload in a
// child process, it starts a create, writes until parts are on the server,
// says READY and goes on writing slowly until it is killed.
func TestKillChild(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("runs only as TestKillDuringUpload's child")
	}
	e := env{"AWS_ACCESS_KEY_ID": os.Getenv("EFB_CHILD_KEY"), "AWS_SECRET_ACCESS_KEY": os.Getenv("EFB_CHILD_SECRET"), "HOME": t.TempDir()}
	s, err := New(Config{Bucket: os.Getenv("EFB_CHILD_BUCKET"), Prefix: "p", Endpoint: os.Getenv("EFB_CHILD_ENDPOINT"), Env: e.get})
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.Create(context.Background(), "killed-20240101T000000Z.tar.zst", store.CreateOptions{LockDays: 1})
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	// Three parts handed over means the first has finished uploading: it
	// had to give its buffer back.
	for range 16 {
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	fmt.Println("READY")
	for {
		if _, err := w.Write(chunk[:1024]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A process killed with SIGKILL in the middle of a create leaves no
// object under the final name, only an incomplete upload, which the next
// run's CleanupOrphans aborts.
func TestKillDuringUpload(t *testing.T) {
	srv := s3test.Shared(t)
	b := bucket(t, srv, true)
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1", "EFB_CHILD_KEY="+srv.AccessKey, "EFB_CHILD_SECRET="+srv.SecretKey,
		"EFB_CHILD_BUCKET="+b, "EFB_CHILD_ENDPOINT="+srv.Endpoint)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "READY" {
				ready <- true
				_, _ = io.Copy(io.Discard, out)
				return
			}
		}
		ready <- false
	}()
	select {
	case ok := <-ready:
		if !ok {
			_ = cmd.Wait()
			t.Fatalf("the child ended before uploading: %s", stderr.String())
		}
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("the child did not start uploading within a minute")
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no deferred cleanup runs
		t.Fatal(err)
	}
	_ = cmd.Wait()

	s := newStore(t, srv, b, "p", rootEnv(t, srv))
	ctx := testCtx(t)
	const name = "killed-20240101T000000Z.tar.zst"
	if _, err := s.Stat(ctx, name); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after the kill, stat: %v, want not found", err)
	}
	ps, err := s.Pending(ctx)
	if err != nil || len(ps) != 1 || ps[0].Name != name {
		t.Fatalf("pending after the kill: %+v, %v", ps, err)
	}
	// The next run: lock, then clean up.
	l, err := s.Lock(ctx, store.LockOptions{Command: "snapshot"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	removed, err := s.CleanupOrphans(ctx, nil)
	if err != nil || len(removed) != 1 || removed[0] != name {
		t.Fatalf("cleanup: %v, %v", removed, err)
	}
	if ps, err := s.Pending(ctx); err != nil || len(ps) != 0 {
		t.Fatalf("pending after cleanup: %+v, %v", ps, err)
	}
	if es, err := s.List(ctx, store.ListOptions{}); err != nil || len(es) != 0 {
		t.Fatalf("list after cleanup: %+v, %v", es, err)
	}
}

// The network goes away in the middle of an upload: the create fails with
// a network error, nothing carries the final name, and once the network
// is back a retry succeeds and the orphaned upload is cleaned up.
func TestNetworkCutDuringUpload(t *testing.T) {
	srv := s3test.Shared(t)
	b := bucket(t, srv, true)
	proxy, err := s3test.NewProxy(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	e := rootEnv(t, srv)
	viaProxy := newStore(t, srv, b, "p", e, func(c *Config) { c.Endpoint = "http://" + proxy.Addr; c.MaxRetries = 2 })
	direct := newStore(t, srv, b, "p", e)
	ctx := testCtx(t)
	const name = "cut-20240101T000000Z.tar.zst"
	seed := rand.Uint64()
	t.Logf("data seed %d", seed)
	data := make([]byte, 20<<20)
	_, _ = rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16), byte(seed >> 24)}).Read(data)

	proxy.CutAfter(8 << 20)
	w, err := viaProxy.Create(ctx, name, store.CreateOptions{LockDays: 1})
	if err != nil {
		t.Fatal(err)
	}
	var werr error
	for off := 0; off < len(data) && werr == nil; off += 1 << 20 {
		_, werr = w.Write(data[off : off+1<<20])
	}
	if werr == nil {
		_, werr = w.Commit()
	}
	if !proxy.Down() {
		t.Fatal("the proxy never cut the network")
	}
	if k := store.KindOf(werr); k != store.KindNetwork {
		t.Fatalf("upload across a cut: %v (kind %q), want kind %q", werr, k, store.KindNetwork)
	}
	var se *store.Error
	if errors.As(werr, &se) && se.Hint() == "" {
		t.Fatal("a network error without a hint")
	}
	_ = w.Abort() // cannot reach the server: the upload stays pending
	if _, err := direct.Stat(ctx, name); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after the cut, stat: %v, want not found", err)
	}

	proxy.Restore()
	w, err = viaProxy.Create(ctx, name, store.CreateOptions{LockDays: 1})
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	c, err := w.Commit()
	if err != nil {
		t.Fatalf("retry commit: %v", err)
	}
	if got := readAll(t, direct, name); !bytes.Equal(got, data) {
		t.Fatal("the retried object reads back wrong")
	}
	removed, err := direct.CleanupOrphans(ctx, nil)
	if err != nil || len(removed) > 1 {
		t.Fatalf("cleanup of the first attempt: %v, %v", removed, err)
	}
	if ps, err := direct.Pending(ctx); err != nil || len(ps) != 0 {
		t.Fatalf("pending: %+v, %v", ps, err)
	}

	// A read that loses its connection picks up where it was once the
	// network is back, and says "network" while it is not.
	r, err := viaProxy.Open(ctx, name, store.OpenOptions{VersionID: c.VersionID})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	head := make([]byte, 3<<20)
	if _, err := io.ReadFull(r, head); err != nil {
		t.Fatal(err)
	}
	proxy.Cut()
	var rerr error
	for rerr == nil {
		_, rerr = r.Read(make([]byte, 1<<20))
	}
	if store.KindOf(rerr) != store.KindNetwork {
		t.Fatalf("read across a cut: %v, want kind network", rerr)
	}
	proxy.Restore()
	pos, _ := r.Seek(0, io.SeekCurrent)
	rest, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(rest, data[pos:]) {
		t.Fatalf("read after the network came back: %d bytes, %v", len(rest), err)
	}
}

// The keys come from the environment, a profile in the credentials file,
// or a profile in the config file, which may also name the endpoint.
func TestCredentialSources(t *testing.T) {
	srv := s3test.Shared(t)
	b := bucket(t, srv, false)
	dir := t.TempDir()
	credFile := writeFile(t, dir, "creds", fmt.Sprintf("# efbackup test\n[default]\naws_access_key_id = nobody\naws_secret_access_key = wrong\n\n[client-a]\naws_access_key_id = %s\naws_secret_access_key = %s\n", srv.AccessKey, srv.SecretKey))
	cfgFile := writeFile(t, dir, "config", fmt.Sprintf("[profile via-config]\naws_access_key_id=%s\naws_secret_access_key=%s\nendpoint_url = %s\nregion = us-east-1\ns3 =\n  addressing_style = path\n", srv.AccessKey, srv.SecretKey, srv.Endpoint))
	home := t.TempDir()
	writeFile(t, home, ".aws/credentials", fmt.Sprintf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n", srv.AccessKey, srv.SecretKey))
	for _, c := range []struct {
		name    string
		env     env
		cfg     Config
		source  string
		noEndpt bool
	}{
		{name: "environment", env: env{"AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": srv.SecretKey}, source: "environment"},
		{name: "credentials file", env: env{"AWS_PROFILE": "client-a", "AWS_SHARED_CREDENTIALS_FILE": credFile}, source: `profile "client-a" in ` + credFile},
		{name: "default profile under HOME", env: env{"HOME": home}, source: `profile "default"`},
		{name: "config file with endpoint", env: env{"AWS_PROFILE": "via-config", "AWS_CONFIG_FILE": cfgFile}, source: `profile "via-config" in ` + cfgFile, noEndpt: true},
		{name: "AWS_ENDPOINT_URL", env: env{"AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": srv.SecretKey, "AWS_ENDPOINT_URL": srv.Endpoint}, source: "environment", noEndpt: true},
		{name: "profile option over wrong environment keys", env: env{"AWS_ACCESS_KEY_ID": "nobody", "AWS_SECRET_ACCESS_KEY": "wrong", "AWS_SHARED_CREDENTIALS_FILE": credFile},
			cfg: Config{Profile: "client-a"}, source: `profile "client-a"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg
			cfg.Bucket, cfg.Env, cfg.MaxRetries = b, c.env.get, -1
			if !c.noEndpt {
				cfg.Endpoint = srv.Endpoint
			}
			s, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(s.CredentialSource(), c.source) {
				t.Fatalf("credential source %q, want %q", s.CredentialSource(), c.source)
			}
			if _, err := s.List(testCtx(t), store.ListOptions{}); err != nil {
				t.Fatalf("list: %v", err)
			}
		})
	}
	for _, c := range []struct {
		name string
		env  env
		cfg  Config
		want store.Kind
	}{
		{"nothing", env{"HOME": t.TempDir()}, Config{}, store.KindNoCredentials},
		{"profile missing", env{"AWS_PROFILE": "nope", "AWS_SHARED_CREDENTIALS_FILE": credFile}, Config{}, store.KindNoCredentials},
		{"key without secret", env{"AWS_ACCESS_KEY_ID": "x", "HOME": t.TempDir()}, Config{}, store.KindNoCredentials},
		{"CA bundle missing", env{"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y", "AWS_CA_BUNDLE": dir + "/nope.pem"}, Config{}, store.KindConfig},
		{"CA bundle not PEM", env{"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y", "AWS_CA_BUNDLE": credFile}, Config{}, store.KindConfig},
		{"endpoint with a path", env{"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"}, Config{Endpoint: "https://s3.example.com/bucket"}, store.KindConfig},
		{"endpoint ftp", env{"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"}, Config{Endpoint: "ftp://s3.example.com"}, store.KindConfig},
	} {
		cfg := c.cfg
		cfg.Bucket, cfg.Env = b, c.env.get
		_, err := New(cfg)
		if k := store.KindOf(err); k != c.want {
			t.Errorf("%s: %v (kind %q), want kind %q", c.name, err, k, c.want)
		}
		var se *store.Error
		if errors.As(err, &se) && se.Hint() == "" {
			t.Errorf("%s: no hint", c.name)
		}
	}
}

// Each way of getting the server wrong has its own kind, and no error, no
// hint and no printout of the store holds the secret key or the token.
func TestWrongSettings(t *testing.T) {
	srv := s3test.Shared(t)
	b := bucket(t, srv, false)
	const secret, token = "SECRETsecretSECRETsecret0123456789abcdef", "TOKENtokenTOKENtoken0123456789"
	closed := closedPort(t)
	tlsSrv, err := s3test.Start(testCtx(t), t.TempDir(), s3test.Options{TLS: true})
	if err != nil {
		s3test.Unavailable(t, err)
	}
	defer tlsSrv.Stop()
	tb, err := tlsSrv.NewBucket(testCtx(t), false)
	if err != nil {
		t.Fatal(err)
	}
	good := env{"AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": srv.SecretKey}
	tlsGood := env{"AWS_ACCESS_KEY_ID": tlsSrv.AccessKey, "AWS_SECRET_ACCESS_KEY": tlsSrv.SecretKey}
	with := func(e env, kv ...string) env {
		out := env{}
		for k, v := range e {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	for _, c := range []struct {
		name     string
		endpoint string
		bucket   string
		env      env
		want     store.Kind
	}{
		{"wrong secret", srv.Endpoint, b, with(good, "AWS_SECRET_ACCESS_KEY", secret), store.KindBadCredentials},
		{"unknown key", srv.Endpoint, b, with(good, "AWS_ACCESS_KEY_ID", "nobody", "AWS_SECRET_ACCESS_KEY", secret), store.KindBadCredentials},
		{"wrong secret and a token", srv.Endpoint, b, with(good, "AWS_SECRET_ACCESS_KEY", secret, "AWS_SESSION_TOKEN", token), store.KindBadCredentials},
		{"bucket missing", srv.Endpoint, "efb-no-such-bucket", good, store.KindNoBucket},
		{"connection refused", "http://" + closed, b, good, store.KindEndpoint},
		{"unknown host", "https://efbackup-test.invalid", b, good, store.KindEndpoint},
		{"https to an http server", "https://" + srv.Addr, b, good, store.KindEndpoint},
		{"untrusted certificate", tlsSrv.Endpoint, tb, tlsGood, store.KindTLS},
		{"untrusted certificate with another bundle", tlsSrv.Endpoint, tb, with(tlsGood, "AWS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt"), store.KindTLS},
		{"trusted through AWS_CA_BUNDLE", tlsSrv.Endpoint, tb, with(tlsGood, "AWS_CA_BUNDLE", tlsSrv.CAFile), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if strings.Contains(c.name, "another bundle") {
				if _, err := os.Stat("/etc/ssl/certs/ca-certificates.crt"); err != nil {
					t.Skip("no system bundle here")
				}
			}
			s, err := New(Config{Bucket: c.bucket, Prefix: "p", Endpoint: c.endpoint, Env: c.env.get, MaxRetries: -1})
			if err != nil {
				t.Fatal(err)
			}
			ctx := testCtx(t)
			_, lerr := s.List(ctx, store.ListOptions{})
			_, cerr := s.Create(ctx, "x", store.CreateOptions{})
			_, oerr := s.Lock(ctx, store.LockOptions{Wait: -1})
			for i, err := range []error{lerr, cerr, oerr} {
				if k := store.KindOf(err); k != c.want || (c.want == "" && err != nil) {
					t.Fatalf("operation %d: %v (kind %q), want kind %q", i, err, k, c.want)
				}
				if err == nil {
					continue
				}
				var se *store.Error
				errors.As(err, &se)
				for _, text := range []string{err.Error(), se.Hint(), fmt.Sprintf("%v %+v %#v %s", s, s, s, s), fmt.Sprintf("%#v %+v", err, err)} {
					if strings.Contains(text, secret) || strings.Contains(text, token) || strings.Contains(text, srv.SecretKey) {
						t.Fatalf("a secret shows in %q", text)
					}
				}
				if se.Hint() == "" {
					t.Fatalf("%v: no hint", err)
				}
			}
			t.Logf("%v", lerr)
		})
	}
}

// closedPort is an address of 127.0.0.1 where nothing listens.
func closedPort(t *testing.T) string {
	p, err := s3test.NewProxy("127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	addr := p.Addr
	p.Close()
	return addr
}
