package derby

import "testing"

// A folder whose files hold neither service.properties nor containers is
// not a Derby database: the check does not claim it, so that it is called
// "not checked" rather than a damaged database.
func TestCheckClaimsOnlyDerbyFolders(t *testing.T) {
	c := New().NewCheck("Stray")
	fc := c.File("notes.txt", 5)
	fc.Write([]byte("hello"))
	fc.Result()
	if d := c.Finish(); d != nil {
		t.Fatalf("a folder with a text file was claimed: %+v", d)
	}
	c = New().NewCheck("Broken")
	fc = c.File("seg0/c10.dat", 4096)
	fc.Write(make([]byte, 4096))
	fc.Result()
	d := c.Finish()
	if d == nil || d.Engine != "derby" || d.Verdict != "damaged" {
		t.Fatalf("a folder with a container but no service.properties: %+v", d)
	}
}
