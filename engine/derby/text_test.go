package derby

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/fixtures/damage"
	derbyfix "github.com/efbackup/efbackup/fixtures/derby"
	"github.com/efbackup/efbackup/internal/i18n"
)

// englishWords are words only an English sentence holds (as in the
// catalogue's own test): a finding worded in Indonesian has none of them.
var englishWords = regexp.MustCompile(`\b(the|is|are|not|but|of|and|says|holds|from|which|than|while|page|bytes)\b`)

// wordedProblem says what is wrong with how f can be worded, or "": every
// finding keeps its message key, its English wording is its Detail, and
// its Indonesian wording is Indonesian.
func wordedProblem(f engine.Finding) string {
	if !strings.HasPrefix(f.Text.Key, "derby.detail.") {
		return "no message key (a plain Detail?)"
	}
	if en := f.Text.String(); en != f.Detail {
		return "its English wording " + en + " is not its Detail"
	}
	if strings.Contains(f.Detail, "%!") {
		return "its arguments do not fit its message"
	}
	id := f.In(i18n.ID)
	if id == f.Detail {
		return "its Indonesian wording is the English one"
	}
	if w := englishWords.FindString(id); w != "" {
		return "its Indonesian wording " + id + " holds the English word " + w
	}
	return ""
}

// checkWorded fails for each finding of db that cannot be worded in the
// user's language.
func checkWorded(t testing.TB, db *engine.Database) {
	t.Helper()
	for _, f := range db.Findings {
		if p := wordedProblem(f); p != "" {
			t.Errorf("%s finding %s about %s (%q): %s", f.Verdict, f.Code, f.File, f.Detail, p)
		}
	}
}

// The check's findings keep their message key, so that a command words
// them in the user's language, while Detail (JSON, the manifest) stays the
// English wording. Every kind of damage the package knows is run once
// (seed 1); checkDir checks the same of every other test's findings, the
// random damage of every seed among them.
func TestFindingsWordedInUsersLanguage(t *testing.T) {
	clean := fixture(t, derbyfix.Spec{Seed: 1})
	crashed := fixture(t, derbyfix.Spec{Seed: 1, State: derbyfix.Crashed})
	seen := map[string]bool{}
	check := func(t *testing.T, dir string) {
		db, _ := checkDir(t, dir) // which checks the wording
		for _, f := range db.Findings {
			seen[f.Text.Key] = true
		}
	}
	for _, kind := range damage.Kinds() {
		for _, src := range []struct{ name, dir string }{{"clean", clean}, {"crashed", crashed}} {
			if src.dir == clean && damage.NeedsOlder(kind) {
				continue // its older log set is the clean database's
			}
			t.Run(src.name+"/"+string(kind), func(t *testing.T) {
				dir := private(t, src.dir)
				d, err := damage.ApplyOlder(dir, clean, kind, 1)
				if errors.Is(err, damage.ErrNotApplicable) {
					t.Skip(err)
				}
				if err != nil {
					t.Fatal(err)
				}
				t.Log(d)
				check(t, dir)
			})
		}
	}
	for _, kind := range []damage.Kind{damage.LastLogDelete, damage.MiddleLogDelete} {
		t.Run("many logs/"+string(kind), func(t *testing.T) {
			dir, _ := damaged(t, manyLogsDB(t), kind, 1)
			check(t, dir)
		})
	}
	t.Run("encrypted", func(t *testing.T) { check(t, encryptedDB(t, false)) })
	t.Run("log device", func(t *testing.T) { check(t, logDeviceDB(t)) })
	t.Run("many bad pages", func(t *testing.T) {
		// More bad pages in one container than the check keeps: the rest
		// are counted in one summary finding.
		dir := private(t, clean)
		name, size := largestContainer(t, dir)
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := parseContainerInfo(b[borrowedOffset:])
		ps := int64(info.pageSize)
		if !legalPageSize(ps) || size < (maxPerCode+3)*ps {
			t.Fatalf("%s has only %d bytes", name, size)
		}
		for no := int64(1); no <= maxPerCode+2; no++ {
			flipByte(t, name, no*ps+ps/2)
		}
		check(t, dir)
	})
	t.Run("no log", func(t *testing.T) {
		dir := private(t, clean)
		if err := os.RemoveAll(filepath.Join(dir, "log")); err != nil {
			t.Fatal(err)
		}
		check(t, dir)
	})

	var keys []string
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("%d message keys worded: %s", len(keys), strings.Join(keys, ", "))
	if len(keys) < 15 || !seen["derby.detail.more"] || !seen["derby.detail.page-checksum"] {
		t.Errorf("only %d message keys were seen: the damage no longer reaches the checks", len(keys))
	}
}

// largestContainer is the path and size of the largest container in the
// database folder dir.
func largestContainer(t testing.TB, dir string) (string, int64) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "seg0", "c*.dat"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no containers in %s: %v", dir, err)
	}
	var best string
	var size int64
	for _, n := range names {
		fi, err := os.Stat(n)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > size {
			best, size = n, fi.Size()
		}
	}
	return best, size
}

// A finding made without a message key fails the check above.
func TestWordedProblemCatchesPlainDetail(t *testing.T) {
	plain := engine.Finding{Verdict: engine.Damaged, Code: CodePageChecksum, Page: 3, Offset: 12288,
		Detail: "page 3's checksum is 0x1 but its bytes give 0x2; Derby fails with XSDG2 when it reads it"}
	if wordedProblem(plain) == "" {
		t.Fatal("a finding with only a plain Detail passed")
	}
	keyed := engine.NewFinding(engine.Damaged, CodePageChecksum, "seg0/c10.dat", 3, 12288,
		"derby.detail.page-checksum", 3, uint64(1), uint32(2), i18n.Say("derby.detail.page-checksum-read"))
	if p := wordedProblem(keyed); p != "" {
		t.Fatal(p)
	}
	if keyed.Detail != plain.Detail {
		t.Fatalf("the English wording changed: %q", keyed.Detail)
	}
	if got := keyed.In(i18n.ID); !strings.Contains(got, "Derby gagal dengan XSDG2") {
		t.Fatalf("the piece of the detail was not worded in Indonesian: %q", got)
	}
}

// No code of the check builds a Detail itself: every finding is made by
// engine.NewFinding from a message key, on paths the damage above reaches
// and on those it does not.
func TestNoPlainDetails(t *testing.T) {
	plain := regexp.MustCompile(`Detail\s*(:|=)|engine\.Finding\{[^}]`)
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if plain.MatchString(line) {
				t.Errorf("%s:%d builds a finding's Detail without a message key: %s", name, i+1, strings.TrimSpace(line))
			}
		}
	}
}
