package s3

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/efbackup/efbackup/store"
	"github.com/minio/minio-go/v7"
)

// secrets is what must never appear in an error or a String(): the secret
// key and the session token. It prints as "[redacted]" itself.
type secrets struct{ values []string }

func (s secrets) String() string   { return "[redacted]" }
func (s secrets) GoString() string { return "[redacted]" }

// redact removes every secret from text.
func (s secrets) redact(text string) string {
	for _, v := range s.values {
		if v != "" {
			text = strings.ReplaceAll(text, v, "[redacted]")
		}
	}
	return text
}

// redactedError keeps an underlying error for errors.Is/As while showing
// only its redacted text.
type redactedError struct {
	text string
	err  error
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.err }

// s3Code returns the S3 error code of err, or "".
func s3Code(err error) (code string, status int) {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er.Code, er.StatusCode
	}
	return "", 0
}

func isCode(err error, codes ...string) bool {
	c, _ := s3Code(err)
	for _, w := range codes {
		if c == w {
			return true
		}
	}
	return false
}

func isNotFound(err error) bool {
	c, st := s3Code(err)
	return c == "NoSuchKey" || c == "NoSuchVersion" || (c == "" && st == http.StatusNotFound) || (st == http.StatusNotFound && c == "NotFound")
}

func isPrecondition(err error) bool {
	c, st := s3Code(err)
	return c == "PreconditionFailed" || st == http.StatusPreconditionFailed
}

func isNotImplemented(err error) bool {
	c, st := s3Code(err)
	return c == "NotImplemented" || st == http.StatusNotImplemented
}

// fail turns any error of an operation into a *store.Error whose Kind
// says what the user can do, with every secret removed.
func (s *Store) fail(op, name string, err error) error {
	if err == nil {
		return nil
	}
	var se *store.Error
	if errors.As(err, &se) {
		return err
	}
	e := &store.Error{Op: op, Where: s.String(), Name: name}
	e.Err = &redactedError{text: s.secrets.redact(err.Error()), err: err}
	host := s.endpoint.Host
	code, status := s3Code(err)
	var msg string
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		msg = s.secrets.redact(er.Message)
	}
	// "Object Lock", "ObjectLockConfiguration", "object lock": one test.
	aboutLock := strings.Contains(strings.ToLower(strings.ReplaceAll(msg, " ", "")), "objectlock")
	var (
		dnsErr  *net.DNSError
		unknown x509.UnknownAuthorityError
		hostErr x509.HostnameError
		invalid x509.CertificateInvalidError
		recErr  tls.RecordHeaderError
		certErr *tls.CertificateVerificationError
		netErr  net.Error
	)
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		e.Kind = store.KindInterrupted
		e.Say("store.detail.interrupted")
	case code == "AccessDenied" && aboutLock:
		e.Kind = store.KindAccessDenied
		e.Say("store.detail.objectlocked")
	case code == "AccessDenied" || code == "AllAccessDisabled" || code == "AccountProblem":
		e.Kind = store.KindAccessDenied
		e.Say("store.detail.accessdenied")
	case code == "InvalidAccessKeyId" || code == "XAdminUserNotFound": // versitygw says the latter, with 404
		e.Kind = store.KindBadCredentials
		e.Say("store.detail.unknownkey")
	case code == "SignatureDoesNotMatch":
		e.Kind = store.KindBadCredentials
		e.Say("store.detail.badsecret")
	case code == "ExpiredToken" || code == "InvalidToken" || code == "TokenRefreshRequired":
		e.Kind = store.KindBadCredentials
		e.Say("store.detail.badtoken")
	case code == "NoSuchBucket":
		e.Kind = store.KindNoBucket
		e.Say("store.detail.nobucket", s.bucket)
	case code == "NoSuchKey" || code == "NoSuchVersion" || code == "NotFound" || (code == "" && status == http.StatusNotFound):
		e.Kind, e.Err = store.KindServer, store.ErrNotFound
		e.Say("store.detail.notfound")
	case code == "PreconditionFailed" || status == http.StatusPreconditionFailed:
		e.Kind, e.Err = store.KindServer, store.ErrExists
		e.Say("store.detail.exists")
	case code == "NoSuchUpload":
		e.Kind = store.KindServer
		e.Say("store.detail.uploadaborted")
	case code == "InvalidBucketObjectLockConfiguration" || code == "ObjectLockConfigurationNotFoundError" ||
		(code == "InvalidRequest" && aboutLock):
		e.Kind = store.KindNoObjectLock
		e.Say("store.detail.noobjectlock", s.bucket, msg)
	case code == "AuthorizationHeaderMalformed" || code == "PermanentRedirect" || code == "IllegalLocationConstraintException":
		e.Kind = store.KindConfig
		if er.Region != "" {
			e.Say("store.detail.regionnamed", er.Region)
		} else {
			e.Say("store.detail.region")
		}
	case code == "EntityTooLarge":
		e.Kind = store.KindTooLarge
		e.Say("store.detail.toolarge")
	case code == "BadDigest" || code == "InvalidDigest" || code == "XAmzContentSHA256Mismatch":
		e.Kind = store.KindIntegrity
		e.Say("store.detail.baddigest")
	case code != "":
		e.Kind = store.KindServer
		e.Say("store.detail.answered", code, msg)
	case errors.As(err, &dnsErr):
		e.Kind = store.KindEndpoint
		e.Say("store.detail.dns", dnsErr.Name)
	case errors.As(err, &unknown) || errors.As(err, &certErr):
		e.Kind = store.KindTLS
		e.Say("store.detail.tls.authority", host)
	case errors.As(err, &hostErr):
		e.Kind = store.KindTLS
		e.Say("store.detail.tls.name", host)
	case errors.As(err, &invalid):
		e.Kind = store.KindTLS
		e.Say("store.detail.tls.invalid", host)
	case errors.As(err, &recErr) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		e.Kind = store.KindEndpoint
		e.Say("store.detail.nothttps", host)
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Kind = store.KindEndpoint
		e.Say("store.detail.refused", host)
	case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		e.Kind = store.KindEndpoint
		e.Say("store.detail.noroute", host)
	case errors.As(err, &netErr) && netErr.Timeout():
		e.Kind = store.KindNetwork
		e.Say("store.detail.silent", host)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.As(err, &netErr):
		e.Kind = store.KindNetwork
		e.Say("store.detail.brokeoff", host)
	case status >= 500:
		e.Kind = store.KindServer
		e.Say("store.detail.http", status)
	default:
		e.Kind = store.KindServer
		if text := s.secrets.redact(err.Error()); text == err.Error() {
			e.Quote(err) // efbackup's own words, when it has any (an unreadable retention); no secret in them
		} else {
			e.Plain(text)
		}
	}
	return e
}

// midway turns "cannot reach the server" into "the network went away"
// for an operation that had already been talking to it: a user acts on
// those differently.
func midway(err error) error {
	var e *store.Error
	if errors.As(err, &e) && e.Kind == store.KindEndpoint {
		c := *e
		c.Kind = store.KindNetwork
		c.Say("store.detail.midway", e.DetailText())
		return &c
	}
	return err
}
