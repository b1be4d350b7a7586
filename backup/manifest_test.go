package backup

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/engine"
)

// Every enumerated field of a manifest is checked where the manifest is
// parsed: a value this release does not know (a newer release's, or
// damage) is a *ManifestError naming the field, never a value that later
// code has to guess at.
func TestManifestRefusesUnknownValues(t *testing.T) {
	for field, edit := range map[string]func(m *Manifest){
		"checks.verdict":         func(m *Manifest) { m.Checks = &ChecksSummary{Verdict: "mixed"} },
		"files[0].check.verdict": func(m *Manifest) { m.Files[0].Check = &FileCheck{Kind: "mvstore", Verdict: "so-so"} },
		"files[0].check.findings[0].verdict": func(m *Manifest) {
			m.Files[0].Check = &FileCheck{Kind: "mvstore", Verdict: "ok", Findings: []engine.Finding{{Verdict: "dire"}}}
		},
		"compression": func(m *Manifest) { m.Compression = "brotli" },
		"schema":      func(m *Manifest) { m.Schema = "efbackup.manifest/9" },
	} {
		t.Run(field, func(t *testing.T) {
			m := validManifest(map[string][]byte{"efaktur.mv.db": []byte("x")})
			edit(m)
			b, err := m.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			_, err = ParseManifest(b)
			var me *ManifestError
			if !errors.As(err, &me) || me.Field != field {
				t.Fatalf("want a *ManifestError about %s, got %#v", field, err)
			}
			if !strings.Contains(me.Error(), field) {
				t.Errorf("the message does not name the field: %s", me)
			}
		})
	}
	// Every verdict a check can record is accepted.
	for _, v := range Verdicts {
		m := validManifest(map[string][]byte{"efaktur.mv.db": []byte("x")})
		m.Files[0].Check = &FileCheck{Kind: "derby", Verdict: v}
		m.Finish()
		b, _ := m.Marshal()
		if _, err := ParseManifest(b); err != nil {
			t.Errorf("verdict %q: %v", v, err)
		}
	}
}

// A field a newer release added is named too.
func TestManifestNamesUnknownField(t *testing.T) {
	m := validManifest(nil)
	b, _ := m.Marshal()
	b = []byte(strings.Replace(string(b), `"schema"`, `"retention_hint": 3, "schema"`, 1))
	_, err := ParseManifest(b)
	var me *ManifestError
	if !errors.As(err, &me) || me.Field != "retention_hint" {
		t.Fatalf("got %#v", err)
	}
}

// A sidecar that holds an unknown value is a parse error naming the
// sidecar file and the field.
func TestSidecarUnknownVerdictNamesFileAndField(t *testing.T) {
	dir := t.TempDir()
	archive := filepath.Join(dir, "x-20260101T000000Z.tar.zst")
	m := validManifest(nil)
	m.Checks = &ChecksSummary{Verdict: "mixed"}
	b, _ := m.Marshal()
	must(t, os.WriteFile(archive+SidecarSuffix, b, 0o600))
	_, err := ReadSidecar(archive)
	var me *ManifestError
	if !errors.As(err, &me) || me.File != archive+SidecarSuffix || me.Field != "checks.verdict" {
		t.Fatalf("got %#v", err)
	}
	if !strings.Contains(err.Error(), archive+SidecarSuffix) || !strings.Contains(err.Error(), `"mixed"`) {
		t.Errorf("message: %s", err)
	}
}
