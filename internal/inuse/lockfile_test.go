package inuse

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"
)

// The fixtures are lock files written by the real engines (see
// testdata/java/Hold.java): H2 2.1.214 with FILE_LOCK=FILE, FILE_LOCK=SOCKET
// and AUTO_SERVER, and H2 1.4.197 PageStore, plain and with AUTO_SERVER.
func TestParseLockFileReal(t *testing.T) {
	tests := []struct {
		file  string
		want  LockFile
		addrs []string
	}{
		{"h2-1.4.197-pagestore.lock.db", LockFile{Method: "file", ID: "1a1fc796d5b33d25bc0803569ddc831c02ab32eb8d9"}, nil},
		{"h2-2.1.214-file.lock.db", LockFile{Method: "file", ID: "1a1fc7984f075ccd34110b8be286aa1e4c115bae93b"}, nil},
		{"h2-2.1.214-socket.lock.db", LockFile{Method: "socket", ID: "1a1fc799c5827141e98315f83166db28580838b4f49", IPAddress: "localhost", Port: "35117"}, []string{"localhost:35117"}},
		{"h2-2.1.214-autoserver.lock.db", LockFile{Method: "file", ID: "1a1fc79b4000bd0c4e705f78d3247453950651f0c5f", Server: "localhost:44333", HostName: "localhost"}, []string{"localhost:44333"}},
		{"h2-1.4.197-autoserver.lock.db", LockFile{Method: "file", ID: "1a1fc79cc9d86613d04a93103a79a2471acc40db7e9", Server: "localhost:42115", HostName: "localhost"}, []string{"localhost:42115"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "lockfiles", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			// Java on Windows writes CRLF; the parse must not change.
			for _, text := range [][]byte{b, bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))} {
				lf, err := ParseLockFile(text)
				if err != nil {
					t.Fatal(err)
				}
				got := *lf
				got.Raw = nil
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("got %+v, want %+v", got, tt.want)
				}
				if lf.Raw["method"] != tt.want.Method || len(lf.Raw) < 2 {
					t.Errorf("Raw = %v", lf.Raw)
				}
				if a := lf.Addresses(); !reflect.DeepEqual(a, tt.addrs) {
					t.Errorf("Addresses() = %q, want %q", a, tt.addrs)
				}
			}
		})
	}
}

func TestParseLockFileSyntax(t *testing.T) {
	tests := []struct {
		name string
		in   string
		raw  map[string]string
		err  bool
	}{
		{"escaped colon", "method=file\nserver=192.168.1.10\\:9092\n", map[string]string{"method": "file", "server": "192.168.1.10:9092"}, false},
		{"colon separator and spaces", "  method : socket\n\tport   41234\n", map[string]string{"method": "socket", "port": "41234"}, false},
		{"comments both kinds", "#FileLock\n! other\n   # indented\nmethod=file\n", map[string]string{"method": "file"}, false},
		{"continuation", "method=fi\\\n     le\nid=a\\\r\n  b\n", map[string]string{"method": "file", "id": "ab"}, false},
		{"escaped backslash is not continuation", "id=a\\\\\nmethod=file", map[string]string{"id": `a\`, "method": "file"}, false},
		{"unicode escape", "method=file\nhostName=PC-\\u00e9\\u0041\n", map[string]string{"method": "file", "hostName": "PC-éA"}, false},
		{"surrogate pair", "method=file\nx=\\ud83d\\ude00\n", map[string]string{"method": "file", "x": "😀"}, false},
		{"latin-1 bytes", "method=file\nhostName=PC-\xe9\n", map[string]string{"method": "file", "hostName": "PC-é"}, false},
		{"escaped key chars", "a\\=b\\ c=d\nmethod=file", map[string]string{"a=b c": "d", "method": "file"}, false},
		{"control escapes", "method=file\nx=\\t\\n\\r\\f\\q", map[string]string{"method": "file", "x": "\t\n\r\fq"}, false},
		{"last duplicate wins", "method=socket\nmethod=file\n", map[string]string{"method": "file"}, false},
		{"trailing backslash at EOF", "method=file\\", map[string]string{"method": "file"}, false},
		{"comment at EOF without newline", "method=file\n#end", map[string]string{"method": "file"}, false},
		{"key only", "method\nid", map[string]string{"method": "", "id": ""}, false},
		{"malformed unicode", "method=file\nx=\\u00g1\n", nil, true},
		{"short unicode", "method=file\nx=\\u00", nil, true},
		{"empty", "", nil, true},
		{"only comments", "#FileLock\n#Sat Nov 21 04:59:38 UTC 2026\n", nil, true},
		{"not a lock file", "foo=bar\n", nil, true},
		{"binary garbage", "\x00\x01\xff\xfe\x7f=\x80", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lf, err := ParseLockFile([]byte(tt.in))
			if tt.err {
				if err == nil {
					t.Fatalf("no error, got %+v", lf)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(lf.Raw, tt.raw) {
				t.Errorf("Raw = %q, want %q", lf.Raw, tt.raw)
			}
		})
	}
	if _, err := ParseLockFile([]byte("foo=bar")); !errors.Is(err, ErrNotLockFile) {
		t.Errorf("err = %v, want ErrNotLockFile", err)
	}
}

func TestServerAddr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"localhost:44333", "localhost:44333"},
		{"192.168.1.10:9092", "192.168.1.10:9092"},
		{"[fe80::1]:9093", "[fe80::1]:9093"},
		{"[::1]", "[::1]:9092"},
		{"pc-kasir", "pc-kasir:9092"},
		{" pc-kasir:9094 ", "pc-kasir:9094"},
		{"host:0", ""},
		{"host:99999", ""},
		{"host:x", ""},
		{":9092", ""},
		{"[::1", ""},
		{"::1:9092", ""}, // H2 itself cannot read it either
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := serverAddr(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("serverAddr(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

// encodeProperties writes m the way java.util.Properties.store does
// (without the comment lines), sorted by key.
func encodeProperties(m map[string]string) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	for _, k := range keys {
		b.WriteString(saveConvert(k, true))
		b.WriteByte('=')
		b.WriteString(saveConvert(m[k], false))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// saveConvert is Java's Properties.saveConvert with escUnicode set.
func saveConvert(s string, escapeSpace bool) string {
	var b strings.Builder
	for i, c := range utf16.Encode([]rune(s)) {
		switch {
		case c > 61 && c < 127:
			if c == '\\' {
				b.WriteString(`\\`)
			} else {
				b.WriteByte(byte(c))
			}
		case c == ' ':
			if i == 0 || escapeSpace {
				b.WriteByte('\\')
			}
			b.WriteByte(' ')
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\f':
			b.WriteString(`\f`)
		case c == '=' || c == ':' || c == '#' || c == '!':
			b.WriteByte('\\')
			b.WriteByte(byte(c))
		case c < 0x20 || c > 0x7e:
			fmt.Fprintf(&b, `\u%04X`, c)
		default:
			b.WriteByte(byte(c))
		}
	}
	return b.String()
}

// checkRoundTrip is the fuzz property: what parses re-encodes (as Java
// stores it) to text that parses to the same map, and that text is a fixed
// point of parse-then-encode.
func checkRoundTrip(t *testing.T, data []byte) {
	m, err := parseProperties(data)
	lf, lerr := ParseLockFile(data)
	if err != nil {
		if lerr == nil {
			t.Fatalf("ParseLockFile accepted what parseProperties rejected: %v", err)
		}
		return
	}
	if lerr == nil {
		if lf.Method != m["method"] || lf.ID != m["id"] || lf.Server != m["server"] ||
			lf.HostName != m["hostName"] || lf.IPAddress != m["ipAddress"] || lf.Port != m["port"] {
			t.Fatalf("fields disagree with Raw: %+v", lf)
		}
		for _, a := range lf.Addresses() {
			if a == "" {
				t.Fatal("empty address")
			}
		}
	} else if !errors.Is(lerr, ErrNotLockFile) {
		t.Fatalf("ParseLockFile: %v, parseProperties: ok", lerr)
	}
	enc := encodeProperties(m)
	m2, err := parseProperties(enc)
	if err != nil {
		t.Fatalf("re-encoded text does not parse: %v\n%q", err, enc)
	}
	if !reflect.DeepEqual(m, m2) {
		t.Fatalf("round trip changed the map:\n%q\n%q\nvia %q", m, m2, enc)
	}
	if enc2 := encodeProperties(m2); !bytes.Equal(enc, enc2) {
		t.Fatalf("encoding is not a fixed point:\n%q\n%q", enc, enc2)
	}
}

func FuzzParseLockFile(f *testing.F) {
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "lockfiles", "*.lock.db"))
	for _, p := range fixtures {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")))
	}
	for _, s := range propertyEdgeCases {
		f.Add([]byte(s))
	}
	f.Fuzz(checkRoundTrip)
}

func TestRoundTripEdgeCases(t *testing.T) {
	for _, s := range propertyEdgeCases {
		checkRoundTrip(t, []byte(s))
	}
}

// propertyEdgeCases are texts where a hand-written properties parser
// usually goes wrong. TestParsePropertiesMatchesJava runs them through Java.
var propertyEdgeCases = []string{
	"", "\n", "\\", "\\\\", "a\\", "a\\\\", "a=\\", "a=b\\\n", "a=b\\\n\\", "a=b\\\r\nc",
	"a=b\\\r\r\nc=d", "a=b\\\n\nc=d", "\\\n#x=y", "\\\n  !x=y\nz", "a=b\\\n   \\\n   c",
	"#c\\\nx=y", "#c\r\nx=y", "!c\rx=y", "  \t\f x = y ", "x\\ y=z", "x\\=y=z", "x\\:y:z",
	"x==y", "x=:y", "x:=y", "x =y", "x  y  z", "x\t=\ty", "x\f:y", "=y", ":y", " =y",
	"\\u0041=\\u0042", "a=\\u004", "a=\\u00zz", "a=\\U0041", "a=\\ud800", "a=\\udc00\\ud800",
	"a=\\ud83d\\ude00", "a=\xe9\xff\x00", "a\x00b=c", "a=b\x00\nc=d", "\r\r\n\n", "a=b\rc=d\nd=e\r\nf=g",
	"a\\\\\\=b=c", "a=\\\\\\", "a=\\\\\\\n b", "a=\\\\\\\\\n b", "method=file\\\n", "k\\\n=v",
	"\\ k=v", "k=\\ v", "k= \\ v", "\\#k=v", "\\!k=v", "k=#v", "k=!v", "k=v # not a comment",
}

// TestParsePropertiesMatchesJava checks parseProperties against
// java.util.Properties.load itself, on the edge cases and on random texts
// made of the characters that matter.
func TestParsePropertiesMatchesJava(t *testing.T) {
	t.Parallel()
	inputs := append([]string(nil), propertyEdgeCases...)
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "lockfiles", "*.lock.db"))
	for _, p := range fixtures {
		b, _ := os.ReadFile(p)
		inputs = append(inputs, string(b))
	}
	rng := rand.New(rand.NewSource(1))
	alphabet := []string{"\\", "\\", "=", ":", " ", "\t", "\f", "\r", "\n", "\r\n", "#", "!", "u", "0", "4", "1", "d", "e", "a", "k", "\xe9", "\xff", "\x00", "\\u00", "\\ud83d"}
	for i := 0; i < 400; i++ {
		var b strings.Builder
		for n := rng.Intn(24); n > 0; n-- {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		inputs = append(inputs, b.String())
	}
	dir := tempDir(t)
	args := make([]string, len(inputs))
	for i, in := range inputs {
		args[i] = filepath.Join(dir, fmt.Sprintf("%03d.properties", i))
		if err := os.WriteFile(args[i], []byte(in), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := javaCmd(t, "", "PropsDump", args...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("PropsDump: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for i, in := range inputs {
		if !sc.Scan() {
			t.Fatalf("PropsDump printed %d lines for %d inputs", i, len(inputs))
		}
		fields := strings.Fields(sc.Text())
		got, err := parseProperties([]byte(in))
		if fields[0] == "ERR" {
			if err == nil {
				t.Errorf("%q: Java rejects it, Go parsed %q", in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: Java parses it, Go: %v", in, err)
			continue
		}
		want := map[string]string{}
		for _, kv := range fields[1:] {
			k, v, _ := strings.Cut(kv, "=")
			want[unhex(t, k)] = unhex(t, v)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n Go   %q\n Java %q", in, got, want)
		}
	}
}

func unhex(t *testing.T, s string) string {
	if s == "-" {
		return ""
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
