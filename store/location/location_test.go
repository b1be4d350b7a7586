package location

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/i18n/i18ntest"
	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/local"
	"github.com/efbackup/efbackup/store/s3"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := st.(*local.Store); !ok || l.Dir() != filepath.Clean(dir) {
		t.Fatalf("Open(%q) = %v", dir, st)
	}
	env := map[string]string{"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}
	st, err = Open("s3://efb-clients/consultant/pt-maju/", Options{S3: s3.Config{Endpoint: "https://s3.example.com", Env: func(k string) string { return env[k] }}})
	if err != nil {
		t.Fatal(err)
	}
	s, ok := st.(*s3.Store)
	if !ok || s.Bucket() != "efb-clients" || s.Prefix() != "consultant/pt-maju" {
		t.Fatalf("Open(s3://...) = %v", st)
	}
	if got, want := s.String(), "s3://efb-clients/consultant/pt-maju at https://s3.example.com"; got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
	if _, err := Open("s3://Bad_Bucket/x", Options{}); store.KindOf(err) != store.KindConfig {
		t.Fatalf("bad bucket: %v", err)
	}
}

// A URL that names no usable bucket is refused with a catalogue message
// (the bucket-name library's own reason a value inside it), and a prefix
// with a bad part with one nested in another.
func TestOpenRefusalWorded(t *testing.T) {
	for raw, want := range map[string]string{
		"s3://Bad_Bucket/x": `"s3://Bad_Bucket/x": bucket name "Bad_Bucket": `,
		"s3://efb-ok/a/./b": `"s3://efb-ok/a/./b": prefix "a/./b" has an empty, "." or ".." part`,
	} {
		_, err := Open(raw, Options{})
		var e *store.Error
		if !errors.As(err, &e) || e.Kind != store.KindConfig || !strings.HasPrefix(e.Detail, want) {
			t.Fatalf("Open(%q): %v, want a config error starting %q", raw, err, want)
		}
		i18ntest.Check(t, raw, e.Detail, e.Text)
		t.Logf("%s | %s", e.In(i18n.EN), e.In(i18n.ID))
	}
}
