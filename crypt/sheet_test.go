package crypt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestRecoverySheet(t *testing.T) {
	k := newKey(t)
	now := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	id, err := RecoverySheet(k.file, now, "id")
	if err != nil {
		t.Fatal(err)
	}
	en, err := RecoverySheet(k.file, now, "en")
	if err != nil {
		t.Fatal(err)
	}
	for lang, sheet := range map[string]string{"id": id, "en": en} {
		for _, want := range []string{
			k.rcpt.PublicKey(),
			"2026-12-01 09:30 UTC", // printed
			"2026-11-21T08:00:00Z", // the key's creation, from its file
			"key.txt",              // the identity file's name
			"efbackup restore SNAPSHOT --install DIR --identity FILE",
			"age -d -i key.txt NAME.tar.zst.age | tar --zstd -xf -",
			"sha256sum -c SHA256SUMS",
			"Without this file or this sheet no snapshot can ever be restored",
			"Tanpa file ini atau lembar ini, snapshot tidak akan pernah bisa dipulihkan",
		} {
			if !strings.Contains(sheet, want) {
				t.Errorf("%s: the sheet lacks %q", lang, want)
			}
		}
		for i, l := range strings.Split(sheet, "\n") {
			if utf8.RuneCountInString(l) > 78 {
				t.Errorf("%s: line %d is %d columns: %q", lang, i+1, utf8.RuneCountInString(l), l)
			}
		}
		// The key as printed, typed into a file, opens what the original
		// identity file opens.
		var secret string
		for _, l := range strings.Split(sheet, "\n") {
			if s := strings.TrimSpace(l); strings.HasPrefix(s, "AGE-SECRET-KEY-1") {
				secret = s
			}
		}
		typed := filepath.Join(t.TempDir(), "typed.txt")
		if err := os.WriteFile(typed, []byte(secret+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if pub, err := PublicKeyOf(typed); err != nil || pub != k.rcpt.PublicKey() {
			t.Errorf("%s: the printed key gives %q %v, want %q", lang, pub, err, k.rcpt.PublicKey())
		}
	}
	// Indonesian first for "id", English first for "en".
	if !strings.HasPrefix(id, "LEMBAR PEMULIHAN") || !strings.HasPrefix(en, "EFBACKUP RECOVERY SHEET") {
		t.Errorf("wrong language first:\n%.40s\n%.40s", id, en)
	}
	if _, err := RecoverySheet(k.file, now, "fr"); err == nil {
		t.Error("an unknown language was accepted")
	}
	if _, err := RecoverySheet(filepath.Join(t.TempDir(), "none.txt"), now, "id"); err == nil {
		t.Error("a missing identity file was accepted")
	}
	if testing.Verbose() {
		t.Log("\n" + id)
	}
}
