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
		e.Kind, e.Detail = store.KindInterrupted, "interrupted"
	case code == "AccessDenied" && aboutLock:
		e.Kind, e.Detail = store.KindAccessDenied, "refused: the object is protected by Object Lock"
	case code == "AccessDenied" || code == "AllAccessDisabled" || code == "AccountProblem":
		e.Kind, e.Detail = store.KindAccessDenied, "access denied (the key may not do this here)"
	case code == "InvalidAccessKeyId" || code == "XAdminUserNotFound": // versitygw says the latter, with 404
		e.Kind, e.Detail = store.KindBadCredentials, "the server does not know this access key"
	case code == "SignatureDoesNotMatch":
		e.Kind, e.Detail = store.KindBadCredentials, "the secret key does not match the access key"
	case code == "ExpiredToken" || code == "InvalidToken" || code == "TokenRefreshRequired":
		e.Kind, e.Detail = store.KindBadCredentials, "the session token (AWS_SESSION_TOKEN) has expired or is invalid"
	case code == "NoSuchBucket":
		e.Kind, e.Detail = store.KindNoBucket, fmt.Sprintf("bucket %q does not exist", s.bucket)
	case code == "NoSuchKey" || code == "NoSuchVersion" || code == "NotFound" || (code == "" && status == http.StatusNotFound):
		e.Kind, e.Detail, e.Err = store.KindServer, "not found", store.ErrNotFound
	case code == "PreconditionFailed" || status == http.StatusPreconditionFailed:
		e.Kind, e.Detail, e.Err = store.KindServer, "already exists", store.ErrExists
	case code == "NoSuchUpload":
		e.Kind, e.Detail = store.KindServer, "the upload was aborted meanwhile (a cleanup by another efbackup run?)"
	case code == "InvalidBucketObjectLockConfiguration" || code == "ObjectLockConfigurationNotFoundError" ||
		(code == "InvalidRequest" && aboutLock):
		e.Kind, e.Detail = store.KindNoObjectLock, fmt.Sprintf("bucket %q has no Object Lock: %s", s.bucket, msg)
	case code == "AuthorizationHeaderMalformed" || code == "PermanentRedirect" || code == "IllegalLocationConstraintException":
		e.Kind, e.Detail = store.KindConfig, "the bucket is in another region: set AWS_REGION to the bucket's region"+regionHint(er.Region)
	case code == "EntityTooLarge":
		e.Kind, e.Detail = store.KindTooLarge, "the object is too large for the server"
	case code == "BadDigest" || code == "InvalidDigest" || code == "XAmzContentSHA256Mismatch":
		e.Kind, e.Detail = store.KindIntegrity, "the server received other bytes than were sent"
	case code != "":
		e.Kind, e.Detail = store.KindServer, fmt.Sprintf("the server answered %s: %s", code, msg)
	case errors.As(err, &dnsErr):
		e.Kind, e.Detail = store.KindEndpoint, fmt.Sprintf("the server name %q could not be found", dnsErr.Name)
	case errors.As(err, &unknown) || errors.As(err, &certErr):
		e.Kind, e.Detail = store.KindTLS, fmt.Sprintf("the certificate of %s is not signed by a trusted authority", host)
	case errors.As(err, &hostErr):
		e.Kind, e.Detail = store.KindTLS, fmt.Sprintf("the certificate of %s is for another name", host)
	case errors.As(err, &invalid):
		e.Kind, e.Detail = store.KindTLS, fmt.Sprintf("the certificate of %s is invalid or expired", host)
	case errors.As(err, &recErr) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		e.Kind, e.Detail = store.KindEndpoint, fmt.Sprintf("%s does not speak https (an http:// endpoint?)", host)
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Kind, e.Detail = store.KindEndpoint, fmt.Sprintf("nothing answers at %s (connection refused)", host)
	case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		e.Kind, e.Detail = store.KindEndpoint, fmt.Sprintf("%s cannot be reached (no route)", host)
	case errors.As(err, &netErr) && netErr.Timeout():
		e.Kind, e.Detail = store.KindNetwork, fmt.Sprintf("the connection to %s went silent", host)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.As(err, &netErr):
		e.Kind, e.Detail = store.KindNetwork, fmt.Sprintf("the connection to %s broke off", host)
	case status >= 500:
		e.Kind, e.Detail = store.KindServer, fmt.Sprintf("the server failed (HTTP %d)", status)
	default:
		e.Kind, e.Detail = store.KindServer, s.secrets.redact(err.Error())
	}
	return e
}

func regionHint(r string) string {
	if r == "" {
		return ""
	}
	return fmt.Sprintf(" (%s)", r)
}

// midway turns "cannot reach the server" into "the network went away"
// for an operation that had already been talking to it: a user acts on
// those differently.
func midway(err error) error {
	var e *store.Error
	if errors.As(err, &e) && e.Kind == store.KindEndpoint {
		c := *e
		c.Kind = store.KindNetwork
		c.Detail = "the connection was lost in the middle: " + e.Detail
		return &c
	}
	return err
}
