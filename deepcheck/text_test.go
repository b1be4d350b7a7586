package deepcheck

import (
	"regexp"
	"strings"
	"testing"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/i18n"
)

// The engine's findings keep their message key, so that a command words
// them in the user's language; their Detail (JSON, the proof file) is the
// English wording it always was. What the engine itself said (its error
// messages, derby.log's lines) is quoted as it is.
func TestFindingsWordedInUsersLanguage(t *testing.T) {
	english := regexp.MustCompile(`\b(the|is|are|not|but|of|and|says|holds|from|which|than|while|page|bytes)\b`)
	for _, c := range []struct {
		name string
		out  string
		want []string // the English details, in order
		// quoted: the Indonesian wording quotes English from the engine
		quoted bool
	}{
		{"no reason", `{"dir":"/x","booted":false,"checkpoint_before":-1,"checkpoint_after":-1,"tables":[],"log":[],"seconds":0.1}`,
			[]string{"the Derby engine refuses to open the database: the engine did not boot the database and gave no reason"}, false},
		{"refused", `{"dir":"/x","booted":false,"boot_error":{"sqlstate":"XJ004","message":"Database '/x' not found."},"checkpoint_before":-1,"checkpoint_after":-1,"tables":[],"log":[],"seconds":0.1}`,
			[]string{"the Derby engine refuses to open the database: XJ004 Database '/x' not found."}, true},
		{"newer derby", `{"dir":"/x","booted":false,"boot_error":{"sqlstate":"XJ040","message":"Failed to start database","cause":{"sqlstate":"XSLAN","message":"incompatible format"}},"checkpoint_before":1,"checkpoint_after":-1,"tables":[],"log":[],"seconds":0.1}`,
			[]string{"the Derby engine could not judge this database: the database was created or upgraded by a newer Derby: XJ040 Failed to start database: XSLAN incompatible format"}, true},
		{"tables", `{"dir":"/x","booted":true,"checkpoint_before":1,"checkpoint_after":1,"shutdown_sqlstate":"XSDG1","shutdown_error":{"sqlstate":"XSDG1","message":"Page could not be written"},"tables":[
			{"schema":"APP","name":"T","type":"T","check_ok":false,"check_error":{"sqlstate":"XSDG2","message":"Invalid checksum"},"rows":5,"complete":false},
			{"schema":"APP","name":"U","type":"T","check_ok":true,"rows":7,"complete":false,"read_error":{"sqlstate":"XSDG2","message":"Invalid checksum"}}],
			"log":["Incomplete log record detected in file /x/log/log3.dat"],"seconds":0.1}`,
			[]string{
				"SYSCS_CHECK_TABLE failed on APP.T: XSDG2 Invalid checksum",
				"APP.T cannot be read to its end (5 rows read): not read to the end",
				"APP.U cannot be read to its end (7 rows read): XSDG2 Invalid checksum",
				"the engine did not shut the copy down cleanly: XSDG1 Page could not be written",
				"derby.log: Incomplete log record detected in file /x/log/log3.dat",
			}, true},
		{"no tables", `{"dir":"/x","booted":true,"checkpoint_before":1,"checkpoint_after":1,"reopen_error":{"sqlstate":"XSDG2","message":"Invalid checksum"},"tables":[],"log":[],"seconds":0.1}`,
			[]string{"the engine cannot list the tables: XSDG2 Invalid checksum"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := parseOutput([]byte(`{"format":1,"java":"1.8.0_202","java_vendor":"x","derby":"10.14.2.0","databases":[` + c.out + `]}`))
			if err != nil {
				t.Fatal(err)
			}
			d := out.Databases[0].report(Database{Name: "ETaxInvoice", Dir: "/x"})
			if len(d.Findings) != len(c.want) {
				t.Fatalf("%d findings, want %d: %+v", len(d.Findings), len(c.want), d.Findings)
			}
			for i, f := range d.Findings {
				if f.Detail != c.want[i] {
					t.Errorf("detail %q, want %q", f.Detail, c.want[i])
				}
				if !strings.HasPrefix(f.Text.Key, "deepcheck.detail.") || f.Text.String() != f.Detail {
					t.Errorf("%q: kept as %+v", f.Detail, f.Text)
				}
				id := f.In(i18n.ID)
				if id == f.Detail && !strings.HasPrefix(f.Detail, "derby.log: ") {
					t.Errorf("%q is not worded in Indonesian", f.Detail)
				}
				if w := english.FindString(id); w != "" && !c.quoted {
					t.Errorf("Indonesian %q holds the English word %q", id, w)
				}
			}
		})
	}
	// The engine's reason it could not judge a database is worded too.
	f := engine.NewFinding(engine.NotChecked, "engine-cannot-judge", "", -1, -1,
		"deepcheck.detail.cannot-judge", i18n.Say(cannotJudge["XSLAN"]), "XSLAN")
	if id := f.In(i18n.ID); strings.Contains(id, "newer") || !strings.Contains(id, "Derby yang lebih baru") {
		t.Errorf("the reason was not worded in Indonesian: %q", id)
	}
}
