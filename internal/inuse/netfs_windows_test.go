package inuse

import "testing"

func TestUNC(t *testing.T) {
	for p, want := range map[string]string{
		`\\nas\kantor\eFaktur\db`:       `\\nas\kantor`,
		`\\?\UNC\nas\kantor\eFaktur\db`: `\\nas\kantor`,
		`//nas/kantor/db`:               `\\nas\kantor`,
		`C:\eFaktur\db`:                 "",
		`\\?\C:\eFaktur\db`:             "",
		`\\.\PhysicalDrive0`:            "",
		`Z:\home\pkp\db`:                "",
	} {
		got := ""
		if isUNC(p) {
			got = uncShare(p)
		}
		if got != want {
			t.Errorf("%s: share %q, want %q", p, got, want)
		}
	}
}

// The test folder is on a local drive (under Wine: Z:, the Unix root).
func TestLocalDriveNotNetwork(t *testing.T) {
	dir := tempDir(t)
	if name, remote := networkFS(dir); remote {
		t.Fatalf("networkFS(%s) = %q", dir, name)
	}
}
