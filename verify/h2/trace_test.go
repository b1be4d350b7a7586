package h2

import (
	"strings"
	"testing"
)

func TestTraceCodes(t *testing.T) {
	long := strings.Repeat("x", 200000)
	trace := "2024-01-15 10:23:45 jdbc[3]: exception\n" +
		"org.h2.jdbc.JdbcSQLNonTransientConnectionException: Database may be already in use: null. Possible solutions: close all other connection(s); use the server mode [90020-197]\n" +
		"\tat org.h2.message.DbException.getJdbcSQLException(DbException.java:617)\n" +
		"2024-02-01 08:00:00 database: opening /db/efaktur\n" +
		"org.h2.jdbc.JdbcSQLNonTransientException: File corrupted while reading record: " + long + " [90030-197]\n" +
		"Caused by: org.h2.jdbc.JdbcSQLNonTransientException: File corrupted [90030-197]\n" +
		"2024-03-01 09:00:00 database: flush\n" +
		"Caused by: org.h2.mvstore.MVStoreException: File corrupted in chunk 5 [2.1.214/6]\n" +
		"2024-03-02 09:00:00 database: other error [90048-214] [42000-214] [1.2.3/9]\n" +
		"not a date 2024-03-03 10:00:00 [90020-214]\n"
	r := check("db/efaktur.trace.db", []byte(trace))
	if r.Kind != KindTrace || r.Verdict != Warning || len(r.Findings) != 2 {
		t.Fatalf("%+v", r)
	}
	c30, c20 := r.Findings[0], r.Findings[1]
	if c30.Code != CodeTrace90030 || !strings.Contains(c30.Detail, "2 time(s)") ||
		!strings.Contains(c30.Detail, "from 2024-02-01 08:00:00 to 2024-03-01 09:00:00") {
		t.Errorf("90030: %+v", c30)
	}
	if c20.Code != CodeTrace90020 || !strings.Contains(c20.Detail, "2 time(s)") ||
		!strings.Contains(c20.Detail, "from 2024-01-15 10:23:45 to 2024-03-02 09:00:00") {
		t.Errorf("90020: %+v", c20)
	}
	if c30.Offset <= 0 || c30.Offset >= int64(len(trace)) || trace[c30.Offset] != '[' {
		t.Errorf("90030 offset %d", c30.Offset)
	}
	if r := check("db/x.trace.db", []byte("2024-01-15 10:23:45 all fine [90048-214]\n")); r.Verdict != OK {
		t.Errorf("harmless trace: %+v", r)
	}
}
