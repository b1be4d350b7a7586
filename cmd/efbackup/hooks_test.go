package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/efbackup/efbackup/internal/faultio"
	"github.com/efbackup/efbackup/internal/fsutil"
	"github.com/efbackup/efbackup/migrate"
	"github.com/efbackup/efbackup/notify"
	"github.com/efbackup/efbackup/store/s3"
)

// The switches of the test binary. TestMain sets efbackup's test hooks to
// read them from the environment, both when the binary runs as the
// program (EFBACKUP_AS_MAIN, testscript's "exec efbackup") and for the
// tests that call run in process. The program users run has none of them
// (release_test.go builds it and checks).
//
//   - EFBACKUP_TEST_KILL_AT=POINT or POINT#N kills the process, as a power
//     cut would (no cleanup runs), the first or the N-th time it reaches
//     POINT. Points are the commands' step boundaries ("snapshot-committed",
//     "prune-sidecar-removed", ...), one per MiB copied ("snapshot-mib",
//     "restore-extract-mib", "migrate-<step>-mib") and the four points of
//     every atomic write, named with the file they write, its time stamps
//     replaced by TIME ("atomic-renamed:pkp-TIME.tar.zst.manifest.json").
//   - EFBACKUP_TEST_PAUSE_AT=POINT[#N] pauses there for three seconds, or
//     with EFBACKUP_TEST_RESUME_FILE=PATH until PATH exists (a test fills
//     the disk meanwhile).
//   - EFBACKUP_TEST_TRACE=PATH appends every point reached to PATH, one
//     POINT#N a line: the crash tests choose their kills from it.
//   - EFBACKUP_TEST_READ_FAULT=SUFFIX@OFFSET[+SKIP][;...] makes reads of a
//     file whose path ends in SUFFIX fail with EIO after OFFSET bytes,
//     after SKIP good passes (internal/faultio).
//   - EFBACKUP_TEST_NO_EXCHANGE=1 makes restore use two renames, as on
//     Windows.
//   - EFBACKUP_TEST_FREE_BYTES=N is the free space migrate sees.
//   - EFBACKUP_TEST_S3_RETRIES=N is how often an S3 request is tried again
//     (a test of a network cut ends quickly).
//   - EFBACKUP_TEST_KEY_ANY_DRIVE=DIR[:DIR...] lets setup keep its key in
//     these folders, although they are on the drive of the install or the
//     snapshots (every temporary folder of a test is on one drive).
//   - EFBACKUP_TEST_SYSLOG=PATH is the socket the system's log is written
//     to (journald's protocol on Linux, syslog elsewhere), instead of the
//     system's own.
const (
	envKillAt     = "EFBACKUP_TEST_KILL_AT"
	envPauseAt    = "EFBACKUP_TEST_PAUSE_AT"
	envResumeFile = "EFBACKUP_TEST_RESUME_FILE"
	envTrace      = "EFBACKUP_TEST_TRACE"
	envReadFault  = "EFBACKUP_TEST_READ_FAULT"
	envNoExchange = "EFBACKUP_TEST_NO_EXCHANGE"
	envFreeBytes  = "EFBACKUP_TEST_FREE_BYTES"
	envS3Retries  = "EFBACKUP_TEST_S3_RETRIES"
	envSyslog     = "EFBACKUP_TEST_SYSLOG"
	envKeyDrive   = "EFBACKUP_TEST_KEY_ANY_DRIVE"
)

func installTestHooks() {
	testHooks.At = atTestPoint
	testHooks.BeforeRun = beforeTestRun
	testHooks.NoExchange = func() bool { return os.Getenv(envNoExchange) == "1" }
	testHooks.Migrate = func(o *migrate.Options) {
		if n, err := strconv.ParseInt(os.Getenv(envFreeBytes), 10, 64); err == nil {
			o.FreeSpace = func(string) (int64, error) { return n, nil }
		}
	}
	testHooks.ScryptWorkFactor = func() int { return 10 }
	testHooks.S3 = func(c *s3.Config) {
		if n, err := strconv.Atoi(os.Getenv(envS3Retries)); err == nil {
			c.MaxRetries = n
		}
	}
	testHooks.KeyDirAnyDrive = func(dir string) bool {
		for _, d := range filepath.SplitList(os.Getenv(envKeyDrive)) {
			if d != "" && fsutil.SamePath(d, dir) {
				return true
			}
		}
		return false
	}
	if p := os.Getenv(envSyslog); p != "" {
		notify.JournalSocket, notify.SyslogSockets = p, []string{p}
	}
	// Through testHooks.At, so that a test that swaps it sees these too.
	fsutil.Hook = func(point, final string) { reach(point + ":" + stableName(final)) }
}

// timeStamp matches the time in efbackup's file names.
var timeStamp = regexp.MustCompile(`[0-9]{8}T[0-9]{6}Z`)

// stableName is a file's name with its time stamps replaced, the same in
// every run.
func stableName(path string) string {
	return timeStamp.ReplaceAllString(filepath.Base(path), "TIME")
}

var (
	pointsMu sync.Mutex
	points   = map[string]int{}
	// readFaults says whether the read faults came from the environment,
	// so that a later run without the variable removes them.
	readFaults bool
)

// beforeTestRun starts the count of points afresh and installs the read
// faults the environment asks for.
func beforeTestRun() error {
	pointsMu.Lock()
	points = map[string]int{}
	pointsMu.Unlock()
	v := os.Getenv(envReadFault)
	if v == "" {
		if readFaults {
			faultio.Set()
			readFaults = false
		}
		return nil
	}
	var rs []faultio.Rule
	for _, part := range strings.Split(v, ";") {
		suffix, spec, ok := strings.Cut(part, "@")
		off, skip, hasSkip := strings.Cut(spec, "+")
		n, err := strconv.ParseInt(off, 10, 64)
		k := 0
		if hasSkip && err == nil {
			k, err = strconv.Atoi(skip)
		}
		if !ok || suffix == "" || err != nil || n < 0 || k < 0 {
			return fmt.Errorf("%s: %q is not SUFFIX@OFFSET or SUFFIX@OFFSET+SKIP", envReadFault, part)
		}
		rs = append(rs, faultio.Rule{Suffix: filepath.FromSlash(suffix), Offset: n, Skip: k, Err: syscall.EIO})
	}
	faultio.Set(rs...)
	readFaults = true
	return nil
}

// atTestPoint counts the point, traces it, and kills or pauses the process
// when the environment asks for that point.
func atTestPoint(point string) {
	pointsMu.Lock()
	points[point]++
	nth := fmt.Sprintf("%s#%d", point, points[point])
	if p := os.Getenv(envTrace); p != "" {
		if f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600); err == nil {
			fmt.Fprintln(f, nth)
			f.Close()
		}
	}
	pointsMu.Unlock()
	if k := os.Getenv(envKillAt); k == point || k == nth {
		fmt.Fprintf(os.Stderr, "efbackup: test hook: killed at %s\n", k)
		killSelf()
	}
	if k := os.Getenv(envPauseAt); k == point || k == nth {
		fmt.Fprintf(os.Stderr, "efbackup: test hook: paused at %s\n", k)
		pause()
	}
}

// pause waits three seconds, or until the resume file exists (at most a
// minute).
func pause() {
	resume := os.Getenv(envResumeFile)
	if resume == "" {
		time.Sleep(3 * time.Second)
		return
	}
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(resume); err == nil {
			return
		}
	}
}
