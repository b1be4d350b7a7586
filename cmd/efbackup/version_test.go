package main

import "testing"

// --version names the release, its commit and the commit's date, as make
// release sets them; a build without them says only what it knows.
func TestVersionLine(t *testing.T) {
	old := [3]string{version, commit, date}
	t.Cleanup(func() { version, commit, date = old[0], old[1], old[2] })
	for _, c := range []struct{ v, c, d, want string }{
		{"1.1.0", "35b0fc3", "2026-12-06", "efbackup 1.1.0 (35b0fc3, 2026-12-06)\n"},
		{"1.1.0", "35b0fc3d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b", "2026-12-06", "efbackup 1.1.0 (35b0fc3, 2026-12-06)\n"},
		{"1.1.0", "35b0fc3-dirty", "2026-12-06", "efbackup 1.1.0 (35b0fc3-dirty, 2026-12-06)\n"},
		{"dev", "", "", "efbackup dev\n"},
	} {
		version, commit, date = c.v, c.c, c.d
		code, stdout, stderr := runCLI(t, "--version")
		if code != 0 || stdout != c.want {
			t.Errorf("%+v: exit %d %q %q", c, code, stdout, stderr)
		}
	}
}
