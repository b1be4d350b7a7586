package location

import (
	"path/filepath"
	"testing"

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
