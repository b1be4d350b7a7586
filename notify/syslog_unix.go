//go:build unix

package notify

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/syslog"
	"net"
	"os"
	"runtime"
	"sort"
	"strings"
)

func systemLog(level Level, msg string, fields Fields) error {
	var jerr error
	if runtime.GOOS == "linux" {
		if jerr = journal(level, msg, fields); jerr == nil {
			return nil
		}
	}
	serr := syslogSend(level, msg)
	if serr == nil {
		return nil
	}
	if jerr != nil {
		return fmt.Errorf("no system log: journald: %v; syslog: %v", jerr, serr)
	}
	return fmt.Errorf("no system log: syslog: %v", serr)
}

// journal sends one entry over journald's native protocol: fields as
// KEY=value lines, or KEY, a newline, a 64-bit little-endian length and
// the value, for a value with a line break.
func journal(level Level, msg string, fields Fields) error {
	if _, err := os.Stat(JournalSocket); err != nil {
		return err
	}
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: JournalSocket, Net: "unixgram"})
	if err != nil {
		return err
	}
	defer conn.Close()
	var b bytes.Buffer
	put := func(k, v string) {
		if strings.ContainsRune(v, '\n') {
			b.WriteString(k + "\n")
			binary.Write(&b, binary.LittleEndian, uint64(len(v)))
			b.WriteString(v + "\n")
			return
		}
		b.WriteString(k + "=" + v + "\n")
	}
	put("MESSAGE", msg)
	put("PRIORITY", fmt.Sprint(priority(level)))
	put("SYSLOG_IDENTIFIER", Source)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if validField(k) {
			put(k, fields[k])
		}
	}
	_, err = conn.Write(b.Bytes())
	return err
}

// validField: journal field names are upper case letters, digits and
// underscores, not starting with an underscore or a digit.
func validField(k string) bool {
	if k == "" || k[0] == '_' || (k[0] >= '0' && k[0] <= '9') {
		return false
	}
	return strings.Trim(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == ""
}

// priority is the syslog severity: 3 error, 4 warning, 6 informational.
func priority(l Level) int {
	switch l {
	case Error:
		return 3
	case Warning:
		return 4
	}
	return 6
}

func syslogSend(level Level, msg string) error {
	sev := syslog.LOG_INFO
	switch level {
	case Error:
		sev = syslog.LOG_ERR
	case Warning:
		sev = syslog.LOG_WARNING
	}
	var errs []error
	for _, p := range SyslogSockets {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		for _, network := range []string{"unixgram", "unix"} {
			w, err := syslog.Dial(network, p, sev|syslog.LOG_USER, Source)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			// One line: a syslog message ends at its first line break.
			_, err = w.Write([]byte(strings.ReplaceAll(msg, "\n", " | ")))
			w.Close()
			if err == nil {
				return nil
			}
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		return fmt.Errorf("none of %s exists", strings.Join(SyslogSockets, ", "))
	}
	return errors.Join(errs...)
}
