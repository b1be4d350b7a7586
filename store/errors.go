package store

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/efbackup/efbackup/internal/i18n"
)

var (
	// ErrExists: the name is taken. A name efbackup has used is never
	// written again, in a folder or a bucket.
	ErrExists = errors.New("already exists")
	// ErrNotFound: no such object. It matches fs.ErrNotExist too.
	ErrNotFound = fmt.Errorf("not found (%w)", fs.ErrNotExist)
)

// Kind sorts what went wrong with a store into what the user can do about
// it. Its string is stable: messages in other languages are keyed on it.
type Kind string

const (
	KindNoCredentials  Kind = "no-credentials"  // nothing says which key to use
	KindBadCredentials Kind = "bad-credentials" // the server does not accept the key or secret
	KindAccessDenied   Kind = "access-denied"   // the key is valid but may not do this
	KindEndpoint       Kind = "endpoint"        // the server cannot be reached at all
	KindTLS            Kind = "tls"             // the server's certificate is not trusted
	KindNoBucket       Kind = "no-bucket"       // the bucket does not exist
	KindNoObjectLock   Kind = "no-object-lock"  // a retention was asked for, the bucket cannot hold one
	KindNetwork        Kind = "network"         // the connection broke off in the middle
	KindConfig         Kind = "config"          // the URL, profile or CA bundle is unusable
	KindTooLarge       Kind = "too-large"       // more than the store can take in one object
	KindUnsupported    Kind = "unsupported"     // this kind of store cannot do that
	KindServer         Kind = "server"          // the server failed or answered something unexpected
	KindLocal          Kind = "local"           // a local file-system error (disk full, permissions)
	KindInterrupted    Kind = "interrupted"     // the context was cancelled
	KindIntegrity      Kind = "integrity"       // the server stored something other than what was sent
)

// Error is a store failure with a Kind, in words a user can act on. It never
// holds a secret: the S3 store removes its keys and tokens from every text
// before building one.
//
// Detail is English and stable, for scripts and logs; Text is the same
// detail as a catalogue message, which the commands word in the user's
// language. A detail is set only through Say, Quote or Plain.
type Error struct {
	Kind   Kind
	Op     string    // "list", "create", "commit", "open", "read", "remove", "lock", ...
	Where  string    // the store, as its String() gives it
	Name   string    // the object, when there is one
	Detail string    // English, lowercase, no final period
	Text   i18n.Text // Detail as a message; empty when Detail is not efbackup's own words (an operating system's or a server's)
	Err    error     // the underlying error, for errors.Is/As; nil when Detail says it all
}

// Say sets the detail to the catalogue message key (store.detail.*) with
// args: Text keeps the message, Detail its English wording. It returns e.
func (e *Error) Say(key string, args ...any) *Error {
	e.Text = i18n.Say(key, args...)
	e.Detail = e.Text.String()
	return e
}

// Quote sets the detail to err's own words: its message when err can word
// itself (an i18n.Worder, such as the errors of CheckName), else its text
// as it is. It returns e.
func (e *Error) Quote(err error) *Error {
	var w i18n.Worder
	if errors.As(err, &w) && w.Words().Key != "" && w.Words().String() == err.Error() {
		e.Text, e.Detail = w.Words(), err.Error()
		return e
	}
	return e.Plain(err.Error())
}

// Plain sets the detail to a text that is not efbackup's own words (an
// operating system's or a server's error), shown as it is in every
// language. It returns e.
func (e *Error) Plain(detail string) *Error {
	e.Text, e.Detail = i18n.Text{}, detail
	return e
}

// In is the detail in language l: its Text when it has one, else the
// Detail as it is.
func (e *Error) In(l i18n.Lang) string {
	return e.Text.Or(e.Detail).In(l)
}

// DetailText is the detail as a message, for quoting it in another one:
// its Text, else Detail as a value.
func (e *Error) DetailText() i18n.Text {
	return e.Text.Or(e.Detail)
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Where)
	if e.Name != "" {
		b.WriteString(": ")
		b.WriteString(e.Name)
	}
	if e.Op != "" {
		b.WriteString(": ")
		b.WriteString(e.Op)
	}
	b.WriteString(": ")
	b.WriteString(e.Detail)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Hint says, in English, what to do about the error; "" when there is
// nothing to add.
func (e *Error) Hint() string {
	switch e.Kind {
	case KindNoCredentials:
		return "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile of ~/.aws/credentials with AWS_PROFILE"
	case KindBadCredentials:
		return "check the access key and the secret key (and renew AWS_SESSION_TOKEN if it is a temporary key)"
	case KindAccessDenied:
		return "the key works but lacks a permission: ask the bucket's administrator to allow it on this bucket and prefix"
	case KindEndpoint:
		return "check the endpoint address (--s3-endpoint or AWS_ENDPOINT_URL) and the internet connection"
	case KindTLS:
		return "the server's certificate is not trusted: if the server uses a private CA, point AWS_CA_BUNDLE at its certificate"
	case KindNoBucket:
		return "create the bucket first, with versioning and Object Lock enabled, or correct its name"
	case KindNoObjectLock:
		return "enable versioning and Object Lock on the bucket (Object Lock can only be chosen when the bucket is created on most services)"
	case KindNetwork:
		return "the connection broke off; nothing was left under the final name: run the command again"
	case KindConfig:
		return "correct the setting named above"
	case KindTooLarge:
		return "the object is larger than one upload can hold"
	case KindInterrupted:
		return ""
	case KindIntegrity:
		return "run the command again; if it keeps happening, the server or a proxy on the way is corrupting data"
	}
	return ""
}

// KindOf returns the Kind of err's *Error, or "" when it has none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

// RetainedError: Remove refused an object whose retention has not passed.
type RetainedError struct {
	Where     string
	Name      string
	Retention Retention
}

func (e *RetainedError) Error() string {
	return fmt.Sprintf("%s: %s is under %s retention until %s and cannot be removed before then", e.Where, e.Name,
		strings.ToLower(e.Retention.Mode), e.Retention.Until.UTC().Format(time.RFC3339))
}

// LockedError: another efbackup process holds the store's lock.
type LockedError struct {
	Where  string
	Holder *LockInfo // nil when the lock could not be read
	Waited time.Duration
	// StaleAt is when the lock will count as abandoned if its holder stops
	// refreshing it; zero when not known.
	StaleAt time.Time
}

func (e *LockedError) Error() string {
	if e.Holder == nil {
		return fmt.Sprintf("%s is locked by another efbackup process", e.Where)
	}
	return fmt.Sprintf("%s is locked by efbackup %s (pid %d on %s since %s)", e.Where, e.Holder.Command, e.Holder.PID,
		e.Holder.Host, e.Holder.Time.Local().Format("2006-01-02 15:04:05"))
}

// LockLostError: the lock was taken over by another process.
type LockLostError struct {
	Where string
	By    *LockInfo // the new holder, when known
}

func (e *LockLostError) Error() string {
	if e.By == nil {
		return fmt.Sprintf("%s: the lock was taken over by another efbackup process", e.Where)
	}
	return fmt.Sprintf("%s: the lock was taken over by efbackup %s (pid %d on %s)", e.Where, e.By.Command, e.By.PID, e.By.Host)
}
