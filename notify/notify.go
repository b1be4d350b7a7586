// Package notify tells people how a scheduled backup went, through three
// channels that do not depend on the backup drive being there:
//
//   - the system's own log (SystemLog): the Windows Event Log
//     (Application, source "efbackup"), journald or syslog on Linux, the
//     unified log on macOS (through syslog), where consultants already
//     look;
//   - a web hook (Hook): an HTTP POST of the run's JSON result, or for a
//     healthchecks-style monitor the start, success, /fail and /log pings
//     it expects;
//   - a desktop notification for the signed-in user (Desktop): a toast on
//     Windows, notify-send on Linux, Notification Center on macOS.
//
// Each channel returns its error; the caller logs it and goes on: no
// channel ever makes a backup fail. The package never prints and never
// exits.
package notify

import "errors"

// Level is how serious a message is.
type Level int

const (
	Info Level = iota
	Warning
	Error
)

func (l Level) String() string {
	switch l {
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "info"
}

// Source is the name efbackup logs under: the Event Log source, the
// syslog tag, the journal's SYSLOG_IDENTIFIER.
const Source = "efbackup"

// ErrNoDesktop says there is no desktop session to show a notification
// in (a task that runs whether or not the user is logged on, a service, a
// cron job without a session bus).
var ErrNoDesktop = errors.New("no desktop session to show a notification in")

// Fields are extra structured fields for the system's log (the journal
// keeps them; other logs ignore them). Keys are upper case letters,
// digits and underscores.
type Fields map[string]string

// The sockets of the system's log on Unix (Windows has its Event Log).
// Tests point them at their own.
var (
	// JournalSocket is journald's native socket (Linux).
	JournalSocket = "/run/systemd/journal/socket"
	// SyslogSockets are tried in order when there is no journal: Linux's
	// /dev/log, macOS's /var/run/syslog (which feeds the unified log),
	// the BSDs' /var/run/log.
	SyslogSockets = []string{"/dev/log", "/var/run/syslog", "/var/run/log"}
)

// SystemLog writes msg to the system's own log at level.
func SystemLog(level Level, msg string, fields Fields) error {
	return systemLog(level, msg, fields)
}
