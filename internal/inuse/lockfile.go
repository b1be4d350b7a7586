package inuse

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"unicode/utf16"
)

// LockFile is the content of an H2 lock file (*.lock.db). H2 writes it as a
// Java properties file:
//
//	#FileLock
//	#Sat Nov 21 04:59:57 UTC 2026
//	server=localhost\:44333
//	hostName=localhost
//	method=file
//	id=1a1fc79b4000bd0c4e705f78d3247453950651f0c5f
//
// method is file or socket (H2 1.3 also had serialized). The socket method
// adds ipAddress and port; AUTO_SERVER adds server (host:port) and hostName.
type LockFile struct {
	Method    string
	ID        string
	Server    string
	HostName  string
	IPAddress string
	Port      string
	// Raw holds every key, including the ones above.
	Raw map[string]string
}

// ErrNotLockFile is returned by ParseLockFile for text that is valid
// properties but names neither a lock method nor an id.
var ErrNotLockFile = errors.New("not an H2 lock file (no method and no id)")

// ParseLockFile parses the content of an H2 lock file. It follows
// java.util.Properties.load exactly (H2 reads the file with it): ISO-8859-1
// bytes, '#' and '!' comments, key=value, key:value or key value, backslash
// escapes and continuation lines. The only syntax error Java knows is a
// malformed \uXXXX escape.
func ParseLockFile(b []byte) (*LockFile, error) {
	raw, err := parseProperties(b)
	if err != nil {
		return nil, err
	}
	_, hasMethod := raw["method"]
	_, hasID := raw["id"]
	if !hasMethod && !hasID {
		return nil, ErrNotLockFile
	}
	return &LockFile{
		Method:    raw["method"],
		ID:        raw["id"],
		Server:    raw["server"],
		HostName:  raw["hostName"],
		IPAddress: raw["ipAddress"],
		Port:      raw["port"],
		Raw:       raw,
	}, nil
}

// Addresses returns the TCP addresses the lock file says its owner listens
// on: the socket method's ipAddress and port, and AUTO_SERVER's server. A
// connection to one of them that succeeds means the owner is alive; a
// refused one means it is gone.
func (l *LockFile) Addresses() []string {
	var addrs []string
	if strings.EqualFold(l.Method, "socket") && l.IPAddress != "" && l.Port != "" {
		if p, err := strconv.Atoi(l.Port); err == nil && p > 0 && p < 65536 {
			addrs = append(addrs, net.JoinHostPort(l.IPAddress, l.Port))
		}
	}
	if l.Server != "" {
		if a, ok := serverAddr(l.Server); ok && (len(addrs) == 0 || addrs[0] != a) {
			addrs = append(addrs, a)
		}
	}
	return addrs
}

// serverAddr turns H2's server value into a dialable address, the way H2's
// NetUtils.createSocket reads it: "[v6]:port" or "host:port", split at the
// first colon after any brackets; without a port, H2's default TCP port.
func serverAddr(s string) (string, bool) {
	s = strings.TrimSpace(s)
	start := 0
	if strings.HasPrefix(s, "[") {
		start = strings.IndexByte(s, ']')
		if start < 0 {
			return "", false
		}
	}
	host, port := s, "9092"
	if i := strings.IndexByte(s[start:], ':'); i >= 0 {
		host, port = s[:start+i], s[start+i+1:]
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	p, err := strconv.Atoi(port)
	if err != nil || p <= 0 || p > 65535 || host == "" {
		return "", false
	}
	return net.JoinHostPort(host, strconv.Itoa(p)), true
}

// describe names a lock file the way the messages do:
// "lock file db.lock.db method=file server=10.0.0.5:9092".
func (l *LockFile) describe(name string) string {
	var b strings.Builder
	b.WriteString("lock file ")
	b.WriteString(name)
	if l == nil {
		return b.String()
	}
	for _, kv := range [][2]string{
		{"method", l.Method}, {"server", l.Server},
		{"ipAddress", l.IPAddress}, {"port", l.Port},
	} {
		if kv[1] != "" {
			fmt.Fprintf(&b, " %s=%s", kv[0], kv[1])
		}
	}
	return b.String()
}

// parseProperties is java.util.Properties.load (Java 17) over ISO-8859-1
// bytes, transcribed state for state so that edge cases agree; a test checks
// it against the JVM. Duplicate keys: the last wins, as in Java.
func parseProperties(b []byte) (map[string]string, error) {
	m := map[string]string{}
	r := lineReader{in: b}
	for {
		line, ok := r.readLine()
		if !ok {
			return m, nil
		}
		limit := len(line)
		keyLen, valueStart := 0, limit
		hasSep, preceding := false, false
		for keyLen < limit {
			c := line[keyLen]
			if (c == '=' || c == ':') && !preceding {
				valueStart = keyLen + 1
				hasSep = true
				break
			} else if (c == ' ' || c == '\t' || c == '\f') && !preceding {
				valueStart = keyLen + 1
				break
			}
			preceding = c == '\\' && !preceding
			keyLen++
		}
		for valueStart < limit {
			c := line[valueStart]
			if c != ' ' && c != '\t' && c != '\f' {
				if !hasSep && (c == '=' || c == ':') {
					hasSep = true
				} else {
					break
				}
			}
			valueStart++
		}
		key, err := loadConvert(line[:keyLen])
		if err != nil {
			return nil, err
		}
		value, err := loadConvert(line[valueStart:])
		if err != nil {
			return nil, err
		}
		m[key] = value
	}
}

// lineReader is Java's Properties.LineReader: it returns logical lines, with
// comments and blank lines skipped, continuation lines joined (leading
// whitespace of the continuation dropped) and the joining backslash removed.
type lineReader struct {
	in  []byte
	off int
}

func (r *lineReader) readLine() ([]byte, bool) {
	var line []byte
	skipWhite := true
	appendedLineBegin := false
	preceding := false
	for {
		if r.off >= len(r.in) {
			if len(line) == 0 {
				return nil, false
			}
			if preceding {
				line = line[:len(line)-1]
			}
			return line, true
		}
		c := r.in[r.off]
		r.off++
		if skipWhite {
			if c == ' ' || c == '\t' || c == '\f' {
				continue
			}
			if !appendedLineBegin && (c == '\r' || c == '\n') {
				continue
			}
			skipWhite = false
			appendedLineBegin = false
		}
		if len(line) == 0 && (c == '#' || c == '!') {
			for {
				if r.off >= len(r.in) {
					return nil, false
				}
				c = r.in[r.off]
				r.off++
				if c == '\n' || c == '\r' {
					break
				}
			}
			skipWhite = true
			continue
		}
		if c != '\n' && c != '\r' {
			line = append(line, c)
			preceding = c == '\\' && !preceding
			continue
		}
		// end of a natural line
		if len(line) == 0 {
			skipWhite = true
			continue
		}
		if r.off >= len(r.in) {
			if preceding {
				line = line[:len(line)-1]
			}
			return line, true
		}
		if !preceding {
			return line, true
		}
		// a backslash joins the next natural line
		line = line[:len(line)-1]
		skipWhite = true
		appendedLineBegin = true
		preceding = false
		if c == '\r' && r.in[r.off] == '\n' {
			r.off++
		}
	}
}

// loadConvert undoes Java's escapes in ISO-8859-1 bytes: \t \r \n \f,
// \uXXXX (UTF-16 code units, so surrogate pairs join), and backslash before
// any other character stands for that character.
func loadConvert(in []byte) (string, error) {
	units := make([]uint16, 0, len(in))
	for i := 0; i < len(in); {
		c := in[i]
		i++
		if c != '\\' {
			units = append(units, uint16(c))
			continue
		}
		if i >= len(in) {
			// readLine never leaves an unescaped backslash at the end;
			// Java would fail with an index error here.
			return "", errors.New("properties: backslash at end of line")
		}
		c = in[i]
		i++
		switch c {
		case 'u':
			if i > len(in)-4 {
				return "", errors.New("properties: malformed \\uxxxx encoding")
			}
			var v uint16
			for _, h := range in[i : i+4] {
				var d byte
				switch {
				case h >= '0' && h <= '9':
					d = h - '0'
				case h >= 'a' && h <= 'f':
					d = h - 'a' + 10
				case h >= 'A' && h <= 'F':
					d = h - 'A' + 10
				default:
					return "", errors.New("properties: malformed \\uxxxx encoding")
				}
				v = v<<4 | uint16(d)
			}
			i += 4
			units = append(units, v)
		case 't':
			units = append(units, '\t')
		case 'r':
			units = append(units, '\r')
		case 'n':
			units = append(units, '\n')
		case 'f':
			units = append(units, '\f')
		default:
			units = append(units, uint16(c))
		}
	}
	return string(utf16.Decode(units)), nil
}
