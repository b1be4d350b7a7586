package schedule

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

// An install goes through the documented points in order, and removes the
// temporary files a killed install left next to the files it writes: only
// names of that exact form.
func TestInstallPointsAndTempCleanup(t *testing.T) {
	ctx := context.Background()
	env, _ := testEnv(t, "linux")
	var points []string
	env.Hook = func(p string) { points = append(points, p) }
	b, _ := env.Backend(ctx, "systemd")
	unitDir := filepath.Join(env.ConfigDir, "systemd", "user")
	if err := os.MkdirAll(unitDir, 0o700); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(unitDir, "efbackup-eFaktur-3.2.service.1234567.tmp")
	keep := []string{
		filepath.Join(unitDir, "efbackup-eFaktur-3.2.service.bak.tmp"),
		filepath.Join(unitDir, "my-photos.service.1234567.tmp"),
	}
	for _, p := range append([]string{stale}, keep...) {
		if err := os.WriteFile(p, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := env.Install(ctx, b, unixSpec); err != nil {
		t.Fatal(err)
	}
	want := []string{"schedule-planned",
		"schedule-temp-written", "schedule-file-written", "schedule-temp-written", "schedule-file-written",
		"schedule-command-run", "schedule-command-run", "schedule-installed",
		"schedule-temp-written", "schedule-file-written", "schedule-recorded"}
	if !slices.Equal(points, want) {
		t.Errorf("points %q\nwant %q", points, want)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("the stale temporary file is still there")
	}
	for _, p := range keep {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s, not of the temporary form, was removed", p)
		}
	}
	for _, p := range []string{filepath.Join(unitDir, "efbackup-eFaktur-3.2.service"), env.recordPath(unixSpec.Label)} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v", p, fi.Mode().Perm())
		}
	}
}
