package s3

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/storetest"
	"github.com/minio/minio-go/v7"
)

// detailCase is one store error and the English detail it must keep.
type detailCase struct {
	what string
	err  error
	kind store.Kind
	want string // the English detail, exactly
}

// checkDetails asserts each error's kind and English detail, and that the
// detail is a catalogue message that reads as Indonesian.
func checkDetails(t *testing.T, cases []detailCase) {
	t.Helper()
	for _, c := range cases {
		storetest.CheckDetail(t, c.what, c.err, c.kind, c.want)
	}

}

// offline is a store whose settings are complete; it never reaches a
// server in these tests.
func offline(t *testing.T, secret string) *Store {
	t.Helper()
	s, err := New(Config{Bucket: "efb-words", Prefix: "p", Endpoint: "https://s3.example.com",
		Env: env{"AWS_ACCESS_KEY_ID": "AKIDWORDS", "AWS_SECRET_ACCESS_KEY": secret, "HOME": t.TempDir()}.get})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// timeoutErr is a network error that timed out.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// Every error code and network failure the classification maps gets a
// message of its own: Indonesian under --lang id, the English detail it
// always had.
func TestFailWorded(t *testing.T) {
	t.Parallel()
	s := offline(t, "SECRETwordsSECRETwords0123456789")
	code := func(c, msg string, status int) error {
		return minio.ErrorResponse{Code: c, Message: msg, StatusCode: status}
	}
	fail := func(err error) error { return s.fail("list", "", err) }
	host := "s3.example.com"
	checkDetails(t, []detailCase{
		{"cancelled", fail(context.Canceled), store.KindInterrupted, "interrupted"},
		{"locked object", fail(code("AccessDenied", "Access Denied because object protected by object lock", 403)), store.KindAccessDenied,
			"refused: the object is protected by Object Lock"},
		{"access denied", fail(code("AccessDenied", "Access Denied", 403)), store.KindAccessDenied, "access denied (the key may not do this here)"},
		{"unknown key", fail(code("InvalidAccessKeyId", "", 403)), store.KindBadCredentials, "the server does not know this access key"},
		{"wrong secret", fail(code("SignatureDoesNotMatch", "", 403)), store.KindBadCredentials, "the secret key does not match the access key"},
		{"expired token", fail(code("ExpiredToken", "", 400)), store.KindBadCredentials, "the session token (AWS_SESSION_TOKEN) has expired or is invalid"},
		{"no bucket", fail(code("NoSuchBucket", "", 404)), store.KindNoBucket, `bucket "efb-words" does not exist`},
		{"no key", fail(code("NoSuchKey", "", 404)), store.KindServer, "not found"},
		{"precondition", fail(code("PreconditionFailed", "", 412)), store.KindServer, "already exists"},
		{"upload gone", fail(code("NoSuchUpload", "", 404)), store.KindServer, "the upload was aborted meanwhile (a cleanup by another efbackup run?)"},
		{"no object lock", fail(code("ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket", 404)), store.KindNoObjectLock,
			`bucket "efb-words" has no Object Lock: Object Lock configuration does not exist for this bucket`},
		{"region", fail(code("AuthorizationHeaderMalformed", "", 400)), store.KindConfig,
			"the bucket is in another region: set AWS_REGION to the bucket's region"},
		{"region named", fail(minio.ErrorResponse{Code: "PermanentRedirect", Region: "ap-southeast-3", StatusCode: 301}), store.KindConfig,
			"the bucket is in another region: set AWS_REGION to the bucket's region (ap-southeast-3)"},
		{"too large", fail(code("EntityTooLarge", "", 400)), store.KindTooLarge, "the object is too large for the server"},
		{"bad digest", fail(code("BadDigest", "", 400)), store.KindIntegrity, "the server received other bytes than were sent"},
		{"other code", fail(code("SlowDown", "Please reduce your request rate.", 503)), store.KindServer, "the server answered SlowDown: Please reduce your request rate."},
		{"dns", fail(&net.DNSError{Name: "s3.example.invalid", Err: "no such host", IsNotFound: true}), store.KindEndpoint,
			`the server name "s3.example.invalid" could not be found`},
		{"unknown authority", fail(x509.UnknownAuthorityError{}), store.KindTLS, "the certificate of " + host + " is not signed by a trusted authority"},
		{"other name", fail(x509.HostnameError{Certificate: &x509.Certificate{}, Host: "other"}), store.KindTLS, "the certificate of " + host + " is for another name"},
		{"expired certificate", fail(x509.CertificateInvalidError{Reason: x509.Expired}), store.KindTLS, "the certificate of " + host + " is invalid or expired"},
		{"plain http", fail(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), store.KindEndpoint,
			host + " does not speak https (an http:// endpoint?)"},
		{"refused", fail(&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), store.KindEndpoint, "nothing answers at " + host + " (connection refused)"},
		{"no route", fail(&net.OpError{Op: "dial", Net: "tcp", Err: syscall.EHOSTUNREACH}), store.KindEndpoint, host + " cannot be reached (no route)"},
		{"silent", fail(&net.OpError{Op: "read", Net: "tcp", Err: timeoutErr{}}), store.KindNetwork, "the connection to " + host + " went silent"},
		{"broke off", fail(io.ErrUnexpectedEOF), store.KindNetwork, "the connection to " + host + " broke off"},
		{"server failed", fail(minio.ErrorResponse{StatusCode: http.StatusBadGateway}), store.KindServer, "the server failed (HTTP 502)"},
		{"lost midway", midway(fail(&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED})), store.KindNetwork,
			"the connection was lost in the middle: nothing answers at " + host + " (connection refused)"},
		{"unreadable retention", fail(i18n.NewError("store.detail.retention.date", "soon")), store.KindServer, `unreadable retention date "soon"`},
	})
}

// A failure the classification does not know keeps the library's own
// text, without the secret, and is not taken for efbackup's words; the
// same text quoting a secret is shown redacted, in every language.
func TestFailUnknownKeepsTextWithoutSecret(t *testing.T) {
	t.Parallel()
	const secret = "SECRETunknownSECRET0123456789abcdef"
	s := offline(t, secret)
	for _, err := range []error{errors.New("minio: something odd"), fmt.Errorf("odd answer quoting %s", secret), fmt.Errorf("wrapped: %w", i18n.NewError("store.detail.name.empty"))} {
		var e *store.Error
		if !errors.As(s.fail("list", "", err), &e) || e.Kind != store.KindServer {
			t.Fatalf("%v: %v", err, e)
		}
		if e.Text.Key != "" || e.In(i18n.ID) != e.Detail {
			t.Errorf("%v: a foreign text became a message: %+v", err, e.Text)
		}
		for _, text := range []string{e.Detail, e.In(i18n.ID), e.Error()} {
			if strings.Contains(text, secret) {
				t.Errorf("the secret shows in %q", text)
			}
		}
	}
}

// The settings and requests efbackup refuses before any network: every
// refusal is a catalogue message.
func TestSettingsWorded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	credFile := filepath.Join(dir, "credentials")
	if err := os.WriteFile(credFile, []byte("[default]\nregion = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(dir, "notpem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	keys := env{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "HOME": dir}
	with := func(kv ...string) env {
		out := env{}
		for k, v := range keys {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	newErr := func(cfg Config, e env) error {
		if cfg.Bucket == "" {
			cfg.Bucket = "efb-words"
		}
		cfg.Env = e.get
		_, err := New(cfg)
		return err
	}
	empty := t.TempDir()
	nothing := env{"HOME": empty}
	cases := []detailCase{
		{"no credentials", newErr(Config{}, nothing), store.KindNoCredentials,
			"no S3 credentials: neither AWS_ACCESS_KEY_ID nor a profile in " + filepath.Join(empty, ".aws", "credentials")},
		{"profile missing", newErr(Config{}, env{"AWS_PROFILE": "nope", "AWS_SHARED_CREDENTIALS_FILE": credFile, "HOME": empty}), store.KindNoCredentials,
			fmt.Sprintf("profile %q is in neither %s nor %s", "nope", credFile, filepath.Join(empty, ".aws", "config"))},
		{"key without secret", newErr(Config{}, env{"AWS_ACCESS_KEY_ID": "AKID", "HOME": empty}), store.KindNoCredentials,
			"AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"},
		{"profile without keys", newErr(Config{}, env{"AWS_SHARED_CREDENTIALS_FILE": credFile, "HOME": empty}), store.KindNoCredentials,
			`profile "default" has no aws_access_key_id and aws_secret_access_key`},
		{"CA bundle not PEM", newErr(Config{}, with("AWS_CA_BUNDLE", notPEM)), store.KindConfig,
			"the CA bundle " + notPEM + " (AWS_CA_BUNDLE) holds no PEM certificate"},
		{"endpoint with a path", newErr(Config{Endpoint: "https://s3.example.com/bucket"}, keys), store.KindConfig,
			`endpoint "https://s3.example.com/bucket": give only the scheme, host and port, like https://s3.example.com:9000`},
		{"endpoint ftp", newErr(Config{Endpoint: "ftp://s3.example.com"}, keys), store.KindConfig,
			`endpoint "ftp://s3.example.com": use https:// (or http:// on a trusted network)`},
		{"endpoint unparsable", newErr(Config{Endpoint: "https://[s3"}, keys), store.KindConfig,
			`endpoint "https://[s3": ` + urlErr("https://[s3").Error()},
		{"addressing", newErr(Config{Addressing: "sideways"}, keys), store.KindConfig, `addressing "sideways" is neither "path" nor "virtual"`},
		{"part size", newErr(Config{PartSize: 1 << 20}, keys), store.KindConfig, "part size 1048576 is below S3's minimum of 5 MiB"},
		{"prefix part", newErr(Config{Prefix: "a/../b"}, keys), store.KindConfig, `"s3://efb-words/a/../b": prefix "a/../b" has an empty, "." or ".." part`},
		{"prefix name", newErr(Config{Prefix: "a/b\x01"}, keys), store.KindConfig, `"s3://efb-words/a/b\x01": prefix "a/b\x01": name "b\x01" holds a control character`},
	}

	// The CA bundle and the credentials file that cannot be read: the
	// system's reason is a value inside the message.
	cases = append(cases,
		detailCase{"CA bundle missing", newErr(Config{}, with("AWS_CA_BUNDLE", filepath.Join(dir, "nope.pem"))), store.KindConfig,
			"cannot read the CA bundle " + filepath.Join(dir, "nope.pem") + " (AWS_CA_BUNDLE): " + unwrapPath(readErr(filepath.Join(dir, "nope.pem"))).Error()},
		detailCase{"credentials file a folder", newErr(Config{}, env{"AWS_SHARED_CREDENTIALS_FILE": dir, "HOME": empty}), store.KindConfig,
			"cannot read the credentials file " + dir + ": " + unwrapPath(readErr(dir)).Error()},
	)

	// Requests refused before the network.
	s := offline(t, "secret")
	ctx := context.Background()
	_, err := s.Stat(ctx, LockName)
	cases = append(cases, detailCase{"lock name", err, store.KindConfig, "the name is the lock's"})
	_, err = s.Stat(ctx, "a/b")
	cases = append(cases, detailCase{"bad name", err, store.KindConfig, `name "a/b" holds a path separator`})
	_, err = s.Sub("..")
	cases = append(cases, detailCase{"bad sub-prefix", err, store.KindConfig, `name ".." is not a file name`})
	_, err = s.Create(ctx, "x", store.CreateOptions{LockDays: 1, LockMode: "forever"})
	cases = append(cases, detailCase{"lock mode", err, store.KindConfig, `lock mode "forever" is neither "governance" nor "compliance"`})
	_, err = s.Lock(ctx, store.LockOptions{Heartbeat: 2 * time.Minute, Stale: time.Minute})
	cases = append(cases, detailCase{"heartbeat", err, store.KindConfig, "heartbeat 2m0s is not below the staleness 1m0s"})

	checkDetails(t, cases)
}

func readErr(path string) error {
	_, err := os.ReadFile(path)
	return err
}

func urlErr(raw string) error {
	_, err := url.Parse(raw)
	return err
}
