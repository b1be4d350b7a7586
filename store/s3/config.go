package s3

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/store"
	"github.com/minio/minio-go/v7/pkg/s3utils"
)

// Addressing modes for Config.Addressing.
const (
	AddressingAuto    = ""        // path-style for any endpoint but AWS's, virtual-hosted for AWS
	AddressingPath    = "path"    // https://endpoint/bucket/key
	AddressingVirtual = "virtual" // https://bucket.endpoint/key
)

// Defaults.
const (
	// DefaultPartSize is the size of one part of an upload, and of each of
	// the upload buffers. 5 MiB is the smallest part S3 accepts: a snapshot
	// already takes about 55 MiB of the 64 MiB efbackup allows itself
	// (docs/performance.md), so the upload gets the least memory that
	// works. 10,000 parts of 5 MiB hold 48 GiB, far above any e-Faktur
	// database's compressed size.
	DefaultPartSize = 5 << 20
	// DefaultPartsInFlight is how many parts upload at once: one, in 5 MiB
	// of buffer. Two (one sending while the next fills) were 15% faster
	// into a server on the same machine but took the snapshot to 64.5 MiB
	// of peak memory, over efbackup's 64 MiB; over a real network the
	// upload is far slower than the compressor, so the compressor's wait
	// for each part costs little. Config.PartsInFlight raises it.
	DefaultPartsInFlight = 1
	// DefaultReadAhead is the buffer of ReadAt's ranged reads.
	DefaultReadAhead = 1 << 20
	// DefaultMaxRetries is how often a failed request is tried again (with
	// a growing pause, up to a second) before the error is reported.
	DefaultMaxRetries = 10
	// DefaultIOTimeout is how long a connection may stay silent in the
	// middle of a request before it counts as broken: a network that
	// vanishes without a reset would otherwise hang an upload for the
	// operating system's TCP timeout (many minutes).
	DefaultIOTimeout = 2 * time.Minute
	maxParts         = 10000
)

// Config says which bucket and how to reach it. Credentials never come
// from it: they come from the environment and the AWS profile files, as
// for every other S3 tool, so that they never show on a command line.
type Config struct {
	Bucket string
	Prefix string // "" for the whole bucket; no leading or trailing "/"
	// Endpoint overrides AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL and the
	// profile's endpoint_url (the commands' --s3-endpoint). A bare
	// host[:port] means https.
	Endpoint string
	// Region overrides AWS_REGION, AWS_DEFAULT_REGION and the profile's
	// region.
	Region string
	// Profile overrides AWS_PROFILE.
	Profile string
	// Addressing is AddressingAuto, AddressingPath or AddressingVirtual.
	Addressing string
	// Env looks up environment variables; nil means os.Getenv. Tests set
	// it to control AWS_* without touching the process environment.
	Env func(string) string

	PartSize      int // 0: DefaultPartSize; at least 5 MiB
	PartsInFlight int // 0: DefaultPartsInFlight
	ReadAhead     int // 0: DefaultReadAhead
	MaxRetries    int // 0: DefaultMaxRetries; below 0: no retry
	IOTimeout     time.Duration
}

// ParseURL splits s3://BUCKET/PREFIX.
func ParseURL(raw string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(raw, "s3://")
	if !ok {
		return "", "", i18n.NewError("store.detail.url.scheme", raw)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if err := s3utils.CheckValidBucketNameStrict(bucket); err != nil {
		return "", "", i18n.NewError("store.detail.url.bucket", raw, bucket, err)
	}
	prefix, err = cleanPrefix(prefix)
	if err != nil {
		return "", "", i18n.NewError("store.detail.url.prefix", raw, err)
	}
	return bucket, prefix, nil
}

// cleanPrefix trims slashes and refuses empty, "." and ".." segments, which
// S3 would store literally and a person would misread.
func cleanPrefix(p string) (string, error) {
	p = strings.Trim(p, "/")
	if p == "" {
		return "", nil
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "", i18n.NewError("store.detail.prefix.part", p)
		}
		if err := store.CheckName(seg); err != nil {
			return "", i18n.NewError("store.detail.prefix.name", p, err)
		}
	}
	return p, nil
}

// resolved is everything New works out from the Config, the environment
// and the profile files.
type resolved struct {
	endpoint   *url.URL
	aws        bool
	region     string
	accessKey  string
	secretKey  string
	token      string
	credSource string // "environment", "profile \"x\" in FILE": no secret
	pathStyle  bool
	caBundle   string
	roots      *x509.CertPool
}

func (c *Config) env(k string) string {
	if c.Env != nil {
		return strings.TrimSpace(c.Env(k))
	}
	return strings.TrimSpace(os.Getenv(k))
}

func (c *Config) home() string {
	if h := c.env("HOME"); h != "" {
		return h
	}
	if runtime.GOOS == "windows" {
		if h := c.env("USERPROFILE"); h != "" {
			return h
		}
	}
	if c.Env == nil {
		h, _ := os.UserHomeDir()
		return h
	}
	return ""
}

// configErr is a configuration failure of the store at where; its detail
// is set with Say, Quote or Plain.
func configErr(where string, err error) *store.Error {
	return &store.Error{Kind: store.KindConfig, Op: "configure", Where: where, Err: err}
}

func (c *Config) resolve(where string) (*resolved, error) {
	r := &resolved{}
	profile := c.Profile
	explicitProfile := profile != "" || c.env("AWS_PROFILE") != ""
	if profile == "" {
		profile = c.env("AWS_PROFILE")
	}
	if profile == "" {
		profile = "default"
	}
	credFile := c.env("AWS_SHARED_CREDENTIALS_FILE")
	cfgFile := c.env("AWS_CONFIG_FILE")
	if h := c.home(); h != "" {
		if credFile == "" {
			credFile = filepath.Join(h, ".aws", "credentials")
		}
		if cfgFile == "" {
			cfgFile = filepath.Join(h, ".aws", "config")
		}
	}
	creds, credsFound, err := readINI(credFile, profile, false)
	if err != nil {
		return nil, configErr(where, err).Say("store.detail.credfile", credFile, err)
	}
	conf, confFound, err := readINI(cfgFile, profile, true)
	if err != nil {
		return nil, configErr(where, err).Say("store.detail.conffile", cfgFile, err)
	}

	// Credentials: an explicitly chosen profile wins over the environment
	// only when named in the Config (the command line); otherwise the
	// environment's keys come first, as in the AWS tools.
	envKey, envSecret := c.env("AWS_ACCESS_KEY_ID"), c.env("AWS_SECRET_ACCESS_KEY")
	switch {
	case c.Profile == "" && envKey != "" && envSecret != "":
		r.accessKey, r.secretKey, r.token = envKey, envSecret, c.env("AWS_SESSION_TOKEN")
		r.credSource = "environment (AWS_ACCESS_KEY_ID)"
	case creds["aws_access_key_id"] != "" && creds["aws_secret_access_key"] != "":
		r.accessKey, r.secretKey, r.token = creds["aws_access_key_id"], creds["aws_secret_access_key"], creds["aws_session_token"]
		r.credSource = fmt.Sprintf("profile %q in %s", profile, credFile)
	case conf["aws_access_key_id"] != "" && conf["aws_secret_access_key"] != "":
		r.accessKey, r.secretKey, r.token = conf["aws_access_key_id"], conf["aws_secret_access_key"], conf["aws_session_token"]
		r.credSource = fmt.Sprintf("profile %q in %s", profile, cfgFile)
	case explicitProfile && !credsFound && !confFound:
		return nil, (&store.Error{Kind: store.KindNoCredentials, Op: "configure", Where: where}).
			Say("store.detail.profilemissing", profile, credFile, cfgFile)
	case envKey != "" && envSecret == "":
		return nil, (&store.Error{Kind: store.KindNoCredentials, Op: "configure", Where: where}).
			Say("store.detail.nosecret")
	case credsFound || confFound:
		return nil, (&store.Error{Kind: store.KindNoCredentials, Op: "configure", Where: where}).
			Say("store.detail.profilenokeys", profile)
	default:
		return nil, (&store.Error{Kind: store.KindNoCredentials, Op: "configure", Where: where}).
			Say("store.detail.nocredentials", credFile)
	}

	// Endpoint.
	ep := c.Endpoint
	for _, v := range []string{c.env("AWS_ENDPOINT_URL_S3"), c.env("AWS_ENDPOINT_URL"), conf["endpoint_url"]} {
		if ep == "" {
			ep = v
		}
	}
	if ep == "" {
		ep = "https://s3.amazonaws.com"
	}
	u, err := parseEndpoint(ep)
	if err != nil {
		return nil, configErr(where, err).Quote(err)
	}
	r.endpoint = u
	r.aws = s3utils.IsAmazonEndpoint(*u)

	// Region.
	r.region = c.Region
	for _, v := range []string{c.env("AWS_REGION"), c.env("AWS_DEFAULT_REGION"), conf["region"]} {
		if r.region == "" {
			r.region = v
		}
	}
	if r.region == "" && !r.aws {
		// Most other servers ignore the region but sign with one; this is
		// what they expect when told nothing.
		r.region = "us-east-1"
	}

	switch c.Addressing {
	case AddressingAuto:
		r.pathStyle = !r.aws
	case AddressingPath:
		r.pathStyle = true
	case AddressingVirtual:
		r.pathStyle = false
	default:
		return nil, configErr(where, nil).Say("store.detail.addressing", c.Addressing, AddressingPath, AddressingVirtual)
	}

	// Extra CA certificates, on top of the system's: TLS is always
	// verified.
	r.caBundle = c.env("AWS_CA_BUNDLE")
	if r.caBundle == "" {
		r.caBundle = conf["ca_bundle"]
	}
	if r.caBundle != "" {
		pem, err := os.ReadFile(r.caBundle)
		if err != nil {
			return nil, configErr(where, err).Say("store.detail.cabundle.read", r.caBundle, unwrapPath(err))
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, configErr(where, nil).Say("store.detail.cabundle.nopem", r.caBundle)
		}
		r.roots = pool
	}
	return r, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// parseEndpoint accepts https://host[:port], http://host[:port] and a bare
// host[:port] (https). A path is refused: S3 endpoints have none.
func parseEndpoint(raw string) (*url.URL, error) {
	s := strings.TrimRight(raw, "/")
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, i18n.NewError("store.detail.endpoint.parse", raw, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, i18n.NewError("store.detail.endpoint.scheme", raw)
	}
	if u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil {
		return nil, i18n.NewError("store.detail.endpoint.path", raw)
	}
	return u, nil
}

// readINI reads one section of an AWS credentials or config file: [name]
// in the credentials file, [profile name] (or [default]) in the config
// file. A missing file is no error. Nested settings (an indented block
// under a key such as "s3 =") are skipped.
func readINI(path, profile string, config bool) (map[string]string, bool, error) {
	out := map[string]string{}
	if path == "" {
		return out, false, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return out, false, nil
	}
	if err != nil {
		return nil, false, unwrapPath(err)
	}
	want := profile
	if config && profile != "default" {
		want = "profile " + profile
	}
	found, in := false, false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		raw := sc.Text()
		line := strings.TrimSpace(raw)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' && strings.HasSuffix(line, "]") {
			name := strings.Join(strings.Fields(line[1:len(line)-1]), " ")
			in = name == want || (config && name == "profile default" && profile == "default")
			found = found || in
			continue
		}
		if !in || raw[0] == ' ' || raw[0] == '\t' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		out[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	return out, found, sc.Err()
}

// transport is an HTTP transport that verifies TLS against the system's
// roots plus the CA bundle, and gives up on a connection that stays silent
// for ioTimeout.
func transport(roots *x509.CertPool, ioTimeout time.Duration) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	d := &net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &deadlineConn{Conn: c, timeout: ioTimeout}, nil
	}
	t.TLSHandshakeTimeout = 15 * time.Second
	t.ResponseHeaderTimeout = ioTimeout
	t.MaxIdleConnsPerHost = 4
	return t
}

// deadlineConn pushes its deadline forward on every read and write, so
// that only silence, not a long transfer, ends it. A write moves the read
// deadline too: while a slow link sends a part, the transport is already
// waiting to read the answer, and that wait must not run out.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (c *deadlineConn) Read(p []byte) (int, error) {
	_ = c.Conn.SetReadDeadline(time.Now().Add(c.timeout))
	return c.Conn.Read(p)
}

func (c *deadlineConn) Write(p []byte) (int, error) {
	_ = c.Conn.SetDeadline(time.Now().Add(c.timeout))
	return c.Conn.Write(p)
}
