package crypt

import (
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"
)

// hostileAgeCorpus holds hand-made .age files, each with the verdict
// Decrypt must reach in expected.json, for the fuzzers' seeds and for
// anyone who wants to run the real program on them. The files are
// decrypted with the test key identity.txt beside them (it protects
// nothing) and the passphrase hostilePassphrase.
// EFBACKUP_WRITE_HOSTILE_CORPUS=1 go test ./crypt -run TestHostileAgeCorpus
// rewrites them from hostileAgeCases.
const hostileAgeCorpus = "../fixtures/hostile/age"

const hostilePassphrase = "hostile"

// forge builds an age file by hand around a file key of the test's
// choosing: the stanzas, a header MAC that is right, and payload chunks
// sealed with the last-chunk flag where last says, so that files age
// never writes can be made authentic.
func forge(t testing.TB, fileKey []byte, stanzas []Stanza, chunks [][]byte, last []bool) []byte {
	t.Helper()
	h := &Header{Stanzas: stanzas, MAC: make([]byte, 32)}
	raw := h.Marshal()
	macKey, err := hkdf.Key(sha256.New, fileKey, nil, "header", 32)
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, macKey)
	m.Write(raw[:len(raw)-len(" \n")-43])
	h.MAC = m.Sum(nil)
	out := h.Marshal()
	nonce := bytes.Repeat([]byte{7}, 16)
	out = append(out, nonce...)
	key, err := hkdf.Key(sha256.New, fileKey, nonce, "payload", 32)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := chacha20poly1305.New(key)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range chunks {
		var n [12]byte
		binary.BigEndian.PutUint64(n[3:11], uint64(i))
		if last[i] {
			n[11] = 1
		}
		out = aead.Seal(out, n[:], c, nil)
	}
	return out
}

// wrapTo wraps fileKey for the recipient, as age does.
func wrapTo(t testing.TB, r Recipient, fileKey []byte) []Stanza {
	t.Helper()
	ss, err := r.r.Wrap(fileKey)
	if err != nil {
		t.Fatal(err)
	}
	var out []Stanza
	for _, s := range ss {
		out = append(out, Stanza{Type: s.Type, Args: s.Args, Body: s.Body})
	}
	return out
}

// rawHeader is an age header written by hand, with a MAC of zeros.
func rawHeader(lines ...string) []byte {
	return []byte(Version + "\n" + strings.Join(lines, "\n") + "\n--- " + b64.EncodeToString(make([]byte, 32)) + "\n")
}

type hostileCase struct {
	data []byte
	kind Kind
}

func hostileAgeCases(t testing.TB, k testKey) map[string]hostileCase {
	t.Helper()
	other := newKey(t)
	fileKey := bytes.Repeat([]byte{0x42}, 16)
	mine := wrapTo(t, k.rcpt, fileKey)
	full, short := plaintext(ChunkSize, 1), plaintext(1000, 2)
	good := encrypt(t, append(bytes.Clone(full), short...), k.rcpt)
	fullFile := encrypt(t, full, k.rcpt)
	small := encrypt(t, short, k.rcpt)
	hdr, err := InspectHeader(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	h := int(hdr.Len)
	share := b64.EncodeToString(bytes.Repeat([]byte{9}, 32))
	body32 := b64.EncodeToString(bytes.Repeat([]byte{1}, 32))
	salt := b64.EncodeToString(bytes.Repeat([]byte{2}, 16))
	x25519 := "-> X25519 " + share + "\n" + body32

	cases := map[string]hostileCase{
		"empty":               {nil, Truncated},
		"not-age-zstd":        {[]byte("\x28\xb5\x2f\xfd\x04\x58\x01\x00\x00hello"), NotAge},
		"armored":             {[]byte("-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCg==\n-----END AGE ENCRYPTED FILE-----\n"), NotAge},
		"identity-not-a-file": {[]byte("# created: 2026-11-21T08:00:00Z\n# public key: " + k.rcpt.PublicKey() + "\n"), NotAge},
		"text":                {[]byte("PT Contoh Sejahtera, Faktur Keluaran 2026\n"), NotAge},
		"version-v2":          {[]byte("age-encryption.org/v2\n-> X25519 abc\n\n--- abc\n"), HeaderMalformed},
		"crlf":                {bytes.ReplaceAll(good[:h], []byte("\n"), []byte("\r\n")), HeaderMalformed},
		"truncated-header":    {good[:h-10], Truncated},

		"stanzas-1000":   {rawHeader(strings.Repeat("-> x\n\n", 999) + "-> x\n"), HeaderMalformed},
		"stanzas-65":     {rawHeader(strings.TrimSuffix(strings.Repeat(x25519+"\n", 65), "\n")), HeaderMalformed},
		"endless-line":   {append([]byte(Version+"\n-> X25519 "), bytes.Repeat([]byte("A"), 8<<10)...), HeaderMalformed},
		"endless-body":   {[]byte(Version + "\n-> X25519 " + share + "\n" + strings.Repeat(strings.Repeat("A", 64)+"\n", 400)), HeaderMalformed},
		"endless-intro":  {append([]byte(Version), bytes.Repeat([]byte("1"), 8<<10)...), HeaderMalformed},
		"many-args":      {rawHeader("-> X25519" + strings.Repeat(" a", 20) + "\n"), HeaderMalformed},
		"control-char":   {rawHeader("-> X2\x015519 " + share + "\n" + body32), HeaderMalformed},
		"double-space":   {rawHeader("-> X25519  " + share + "\n" + body32), HeaderMalformed},
		"trailing-space": {rawHeader("-> X25519 " + share + " \n" + body32), HeaderMalformed},
		"no-stanza":      {[]byte(Version + "\n--- " + b64.EncodeToString(make([]byte, 32)) + "\n"), HeaderMalformed},
		"mac-short":      {[]byte(Version + "\n" + x25519 + "\n--- " + b64.EncodeToString(make([]byte, 31)) + "\n"), HeaderMalformed},
		"mac-missing":    {[]byte(Version + "\n" + x25519 + "\n---\n"), HeaderMalformed},

		"noncanonical-body":  {rawHeader("-> X25519 " + share + "\n" + body32[:42] + "R"), HeaderMalformed},
		"noncanonical-share": {rawHeader("-> X25519 " + share[:42] + "R\n" + body32), HeaderMalformed},
		"noncanonical-mac":   {[]byte(Version + "\n" + x25519 + "\n--- " + b64.EncodeToString(make([]byte, 32))[:42] + "B\n"), HeaderMalformed},
		"padded-base64":      {rawHeader("-> X25519 " + share + "\n" + body32 + "="), HeaderMalformed},
		"body-line-65":       {rawHeader("-> X25519 " + share + "\n" + strings.Repeat("A", 65) + "\n"), HeaderMalformed},
		"body-no-short-line": {[]byte(Version + "\n-> x\n" + strings.Repeat("A", 64) + "\n--- " + b64.EncodeToString(make([]byte, 32)) + "\n"), HeaderMalformed},

		"x25519-share-short": {rawHeader("-> X25519 " + b64.EncodeToString(make([]byte, 31)) + "\n" + body32), HeaderMalformed},
		"x25519-two-shares":  {rawHeader("-> X25519 " + share + " " + share + "\n" + body32), HeaderMalformed},
		"x25519-body-short":  {rawHeader("-> X25519 " + share + "\n" + b64.EncodeToString(make([]byte, 31))), HeaderMalformed},
		// A low-order point: only the key's own computation sees it.
		"x25519-low-order": {forge(t, fileKey, []Stanza{{Type: "X25519", Args: []string{b64.EncodeToString(make([]byte, 32))}, Body: make([]byte, 32)}}, [][]byte{short}, []bool{true}), HeaderMalformed},

		"scrypt-wf-21":           {rawHeader("-> scrypt " + salt + " 21\n" + body32), TooCostly},
		"scrypt-wf-30":           {rawHeader("-> scrypt " + salt + " 30\n" + body32), TooCostly},
		"scrypt-wf-huge":         {rawHeader("-> scrypt " + salt + " 99999999999999999999999\n" + body32), TooCostly},
		"scrypt-wf-leading-zero": {rawHeader("-> scrypt " + salt + " 018\n" + body32), HeaderMalformed},
		"scrypt-wf-zero":         {rawHeader("-> scrypt " + salt + " 0\n" + body32), HeaderMalformed},
		"scrypt-wf-negative":     {rawHeader("-> scrypt " + salt + " -1\n" + body32), HeaderMalformed},
		"scrypt-salt-short":      {rawHeader("-> scrypt " + b64.EncodeToString(make([]byte, 15)) + " 10\n" + body32), HeaderMalformed},
		"scrypt-and-x25519":      {rawHeader("-> scrypt "+salt+" 10\n"+body32, x25519), HeaderMalformed},
		"two-scrypt":             {rawHeader("-> scrypt "+salt+" 10\n"+body32, "-> scrypt "+salt+" 10\n"+body32), HeaderMalformed},

		"mac-changed":        {swapB64(small, h-10), HeaderChanged},
		"chunk-changed":      {flip(good, h+16+100), ChunkChanged},
		"chunks-reordered":   {join(good[:h+16], good[h+16+encChunk:], good[h+16:h+16+encChunk]), ChunkChanged},
		"truncated-boundary": {good[:h+16+encChunk], Truncated},
		"truncated-nonce":    {good[:h+5], Truncated},
		"trailing-data":      {join(fullFile, []byte("tambahan")), TrailingData},
		"empty-last-chunk":   {forge(t, fileKey, mine, [][]byte{full, nil}, []bool{false, true}), ChunkChanged},
		"last-flag-early":    {forge(t, fileKey, mine, [][]byte{full, short}, []bool{true, true}), TrailingData},
		"no-last-flag":       {forge(t, fileKey, mine, [][]byte{full}, []bool{false}), Truncated},
		"no-last-flag-short": {forge(t, fileKey, mine, [][]byte{short}, []bool{false}), Truncated},
		"wrong-key":          {encrypt(t, short, other.rcpt), WrongKey},
		"foreign-stanza":     {forge(t, fileKey, []Stanza{{Type: "ssh-ed25519", Args: []string{"Zm9v", share}, Body: make([]byte, 32)}}, [][]byte{short}, []bool{true}), WrongKey},
		"wrong-passphrase":   {encrypt(t, short, weakPassphrase(t, "not "+hostilePassphrase, 10)), WrongPassphrase},
	}
	return cases
}

func TestHostileAgeCorpus(t *testing.T) {
	if os.Getenv("EFBACKUP_WRITE_HOSTILE_CORPUS") == "1" {
		if err := os.MkdirAll(hostileAgeCorpus, 0o755); err != nil {
			t.Fatal(err)
		}
		old, _ := filepath.Glob(filepath.Join(hostileAgeCorpus, "*"))
		for _, p := range old {
			os.Remove(p)
		}
		k := newKey(t)
		b, err := os.ReadFile(k.file)
		if err != nil {
			t.Fatal(err)
		}
		b = append([]byte("# The test key of the hostile corpus: it protects nothing.\n"), b...)
		must(t, os.WriteFile(filepath.Join(hostileAgeCorpus, "identity.txt"), b, 0o644))
		want := map[string]string{}
		for name, c := range hostileAgeCases(t, k) {
			must(t, os.WriteFile(filepath.Join(hostileAgeCorpus, name+".age"), c.data, 0o644))
			want[name+".age"] = c.kind.String()
		}
		j, err := json.MarshalIndent(want, "", "  ")
		must(t, err)
		must(t, os.WriteFile(filepath.Join(hostileAgeCorpus, "expected.json"), append(j, '\n'), 0o644))
	}
	want := readHostileAgeExpected(t)
	if len(want) < 50 {
		t.Fatalf("the corpus holds %d cases, want at least 50", len(want))
	}
	ids := hostileIdentities(t)
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(hostileAgeCorpus, name))
		must(t, err)
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		start := time.Now()
		_, err = decryptAll(data, DecryptOptions{}, ids...)
		took := time.Since(start)
		runtime.ReadMemStats(&m1)
		alloc := m1.TotalAlloc - m0.TotalAlloc
		if got := KindOf(err); got != want[name] {
			t.Errorf("%s: %s (%v), want %s", name, got, err, want[name])
		}
		// Refused quickly, and within memory: no scrypt work, no header
		// held beyond its bounds.
		if took > time.Second || alloc > 4<<20 {
			t.Errorf("%s: took %v and %d KiB", name, took, alloc>>10)
		}
		// What is wrong with the header alone is found without a key.
		_, herr := InspectHeader(bytes.NewReader(data))
		switch k := want[name]; {
		case herr != nil && KindOf(herr) != k:
			t.Errorf("%s: InspectHeader says %s (%v), Decrypt %s", name, KindOf(herr), herr, k)
		case herr == nil && (k == NotAge || k == TooCostly || k == HeaderMalformed && name != "x25519-low-order.age"):
			t.Errorf("%s: InspectHeader passed a header Decrypt refuses as %s", name, k)
		}
		t.Logf("%-28s %-16s %6.1f ms %5d KiB  %v", name, want[name], float64(took.Microseconds())/1000, alloc>>10, err)
	}
}

func readHostileAgeExpected(t testing.TB) map[string]Kind {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(hostileAgeCorpus, "expected.json"))
	must(t, err)
	var m map[string]string
	must(t, json.Unmarshal(b, &m))
	out := map[string]Kind{}
	for name, s := range m {
		k, ok := ParseKind(s)
		if !ok {
			t.Fatalf("%s: unknown kind %q", name, s)
		}
		out[name] = k
	}
	return out
}

// hostileIdentities are the corpus's test key and passphrase.
func hostileIdentities(t testing.TB) []Identity {
	t.Helper()
	ids, err := ReadIdentityFile(filepath.Join(hostileAgeCorpus, "identity.txt"))
	must(t, err)
	return append(ids, passID(t, hostilePassphrase))
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// endless is a reader that never ends: head, then pattern forever.
type endless struct {
	head, pattern []byte
	n             int64
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		if e.n < int64(len(e.head)) {
			p[i] = e.head[e.n]
		} else {
			p[i] = e.pattern[(e.n-int64(len(e.head)))%int64(len(e.pattern))]
		}
		e.n++
	}
	return len(p), nil
}

// Headers that never end are refused after a bounded read.
func TestEndlessHeaders(t *testing.T) {
	for name, e := range endlessHeaders() {
		_, err := InspectHeader(e)
		if !IsDamage(err) {
			t.Errorf("%s: %v", name, err)
		}
		if e.n > MaxHeaderBytes+8192 {
			t.Errorf("%s: read %d bytes before refusing", name, e.n)
		}
		t.Logf("%-12s refused after %7d bytes: %v", name, e.n, err)
	}
}

// endlessHeaders are inputs that never end, each starting a header.
func endlessHeaders() map[string]*endless {
	share := b64.EncodeToString(bytes.Repeat([]byte{9}, 32))
	return map[string]*endless{
		"line":         {head: []byte(Version + "\n-> X25519 "), pattern: []byte("A")},
		"intro":        {head: []byte(Version), pattern: []byte("1")},
		"body":         {head: []byte(Version + "\n-> X25519 " + share + "\n"), pattern: []byte(strings.Repeat("A", 64) + "\n")},
		"stanzas":      {head: []byte(Version + "\n"), pattern: []byte("-> x\n\n")},
		"big stanzas":  {head: []byte(Version + "\n"), pattern: []byte("-> x " + strings.Repeat("a", 4000) + "\n" + strings.Repeat(strings.Repeat("A", 64)+"\n", 200) + "\n")},
		"garbage":      {head: nil, pattern: []byte{0}},
		"newlines":     {head: []byte(Version + "\n"), pattern: []byte("\n")},
		"base64 lines": {head: []byte(Version + "\n-> x\n"), pattern: []byte(strings.Repeat("A", 64) + "\n")},
	}
}

// The largest header efbackup accepts, and one stanza more.
func TestHeaderBounds(t *testing.T) {
	k := newKey(t)
	var rs []Recipient
	for i := 0; i < MaxStanzas; i++ {
		rs = append(rs, newKey(t).rcpt)
	}
	rs[MaxStanzas/2] = k.rcpt
	file := encrypt(t, []byte("x"), rs...)
	if got, err := decryptAll(file, DecryptOptions{}, k.id); err != nil || string(got) != "x" {
		t.Fatalf("%d recipients: %v", MaxStanzas, err)
	}
	file = encrypt(t, []byte("x"), append(rs, newKey(t).rcpt)...)
	if _, err := decryptAll(file, DecryptOptions{}, k.id); KindOf(err) != HeaderMalformed {
		t.Fatalf("%d recipients: %v", MaxStanzas+1, err)
	}
	// The age CLI would read it: the bound is efbackup's.
	if _, err := age.Decrypt(bytes.NewReader(file), k.id.id); err != nil {
		t.Fatalf("age: %v", err)
	}
}

func ExampleInspectHeader() {
	file := rawHeader("-> scrypt " + b64.EncodeToString(make([]byte, 16)) + " 40\n" + b64.EncodeToString(make([]byte, 32)))
	_, err := InspectHeader(bytes.NewReader(file))
	fmt.Println(KindOf(err), IsDamage(err))
	// Output: too-costly true
}
