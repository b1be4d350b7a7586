package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/store"
)

// Under --lang id, a bucket whose keys are not set up is refused in
// Indonesian down to the store's own detail (which key is missing, where
// efbackup looked); the English run keeps the English detail. No server is
// needed: the keys are looked for before any connection.
func TestIndonesianStoreDetail(t *testing.T) {
	home := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_S3": "", "AWS_CA_BUNDLE": "", "HOME": home, "USERPROFILE": home,
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "none", "credentials"),
		"AWS_CONFIG_FILE":             filepath.Join(home, "none", "config"),
		"EFBACKUP_LANG":               "",
	} {
		t.Setenv(k, v)
	}
	args := []string{"snapshot", "--db", t.TempDir(), "--out", "s3://efb-bucket/x"}
	for _, c := range []struct {
		name, keyID string
		id, en      string
	}{
		{"no credentials", "",
			"tidak ada kunci S3 untuk s3://efb-bucket/x: tidak ada kunci S3: tidak ada AWS_ACCESS_KEY_ID maupun profil di " + filepath.Join(home, "none", "credentials"),
			"no S3 credentials for s3://efb-bucket/x: no S3 credentials: neither AWS_ACCESS_KEY_ID nor a profile in " + filepath.Join(home, "none", "credentials")},
		{"key without secret", "AKIDEFBACKUPTEST",
			"tidak ada kunci S3 untuk s3://efb-bucket/x: AWS_ACCESS_KEY_ID diatur tetapi AWS_SECRET_ACCESS_KEY tidak",
			"no S3 credentials for s3://efb-bucket/x: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"},
	} {
		t.Setenv("AWS_ACCESS_KEY_ID", c.keyID)
		code, stdout, stderr := runCLI(t, append([]string{"--lang", "id"}, args...)...)
		if code != ExitUsage || !strings.Contains(stderr, c.id) {
			t.Fatalf("%s: exit %d, want %d and %q\n%s%s", c.name, code, ExitUsage, c.id, stdout, stderr)
		}
		assertNoEnglish(t, c.name, stdout+stderr)
		code, _, stderr = runCLI(t, append([]string{"--lang", "en"}, args...)...)
		if code != ExitUsage || !strings.Contains(stderr, c.en) {
			t.Fatalf("%s in English: exit %d, want %d and %q\n%s", c.name, code, ExitUsage, c.en, stderr)
		}
	}
}

// Each way the command words a store's failure (an S3 kind, a folder's,
// a sidecar the store could not take) gives the store's detail in the
// user's language, and the English detail unchanged in English.
func TestStoreDetailWordedEverywhere(t *testing.T) {
	s3err := (&store.Error{Kind: store.KindNoBucket, Op: "list", Where: "s3://efb-bucket/x"}).Say("store.detail.nobucket", "efb-bucket")
	local := (&store.Error{Kind: store.KindLocal, Op: "create", Where: "/srv/out", Name: "a.tar.zst", Err: store.ErrExists}).Say("store.detail.exists")
	for _, c := range []struct {
		name   string
		err    error
		en, id string
	}{
		{"s3", s3err, `the bucket of s3://efb-bucket/x does not exist: bucket "efb-bucket" does not exist`,
			`bucket untuk s3://efb-bucket/x tidak ada: bucket "efb-bucket" tidak ada`},
		{"folder", local, "/srv/out: a.tar.zst: already exists", "/srv/out: a.tar.zst: sudah ada"},
		{"sidecar", &backup.SidecarError{Archive: "a.tar.zst", Err: local}, "already exists", "sudah ada"},
	} {
		en, _ := describeError(i18n.EN, c.err)
		id, _ := describeError(i18n.ID, c.err)
		if !strings.Contains(en, c.en) || !strings.Contains(id, c.id) {
			t.Errorf("%s:\n en %q, want %q in it\n id %q, want %q in it", c.name, en, c.en, id, c.id)
		}
		assertNoEnglish(t, c.name, id)
	}
	// An operating system's words are shown as they are in both.
	plain := (&store.Error{Kind: store.KindLocal, Op: "create", Where: "/srv/out", Name: "a.tar.zst"}).Plain("disk quota exceeded")
	if id, _ := describeError(i18n.ID, &backup.SidecarError{Archive: "a.tar.zst", Err: plain}); !strings.Contains(id, "disk quota exceeded") {
		t.Errorf("a plain detail: %q", id)
	}
}
