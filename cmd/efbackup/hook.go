package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// testHook lets the tests stop efbackup at a named point:
//   - EFBACKUP_TEST_KILL_AT=POINT kills the process there, as a power cut
//     would (no cleanup runs);
//   - EFBACKUP_TEST_PAUSE_AT=POINT pauses there for a few seconds, so that
//     a test can send Ctrl-C at a known moment; with
//     EFBACKUP_TEST_RESUME_FILE=PATH it waits until PATH exists instead,
//     so that a test can fill the disk at that point.
//
// Unset, it does nothing.
func testHook(point string) {
	if os.Getenv("EFBACKUP_TEST_KILL_AT") == point {
		fmt.Fprintf(os.Stderr, "efbackup: test hook: killed at %s\n", point)
		killSelf()
	}
	if os.Getenv("EFBACKUP_TEST_PAUSE_AT") == point {
		fmt.Fprintf(os.Stderr, "efbackup: test hook: paused at %s\n", point)
		resume := os.Getenv("EFBACKUP_TEST_RESUME_FILE")
		if resume == "" {
			time.Sleep(3 * time.Second)
			return
		}
		// Wait until the test has done its part (filled the disk, say)
		// and created the resume file.
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if _, err := os.Stat(resume); err == nil {
				return
			}
		}
	}
}

// testSlow is the pause EFBACKUP_TEST_SLOW_MS asks for after each MiB
// copied, so that the crash tests' random kills land inside the copy.
// Unset, it is zero.
func testSlow() time.Duration {
	ms, err := strconv.Atoi(os.Getenv("EFBACKUP_TEST_SLOW_MS"))
	if err != nil || ms <= 0 {
		return 0
	}
	return time.Duration(ms) * time.Millisecond
}

// testReportPeakMemory writes the process's peak resident memory (VmHWM,
// in KiB, Linux only) to EFBACKUP_TEST_PEAK_FILE when it is set: the
// memory tests' measure. The rusage a parent gets is no good for that: on
// Linux a child started with vfork inherits its parent's high-water mark
// at exec. Unset, it does nothing.
func testReportPeakMemory() {
	p := os.Getenv("EFBACKUP_TEST_PEAK_FILE")
	if p == "" {
		return
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			_ = os.WriteFile(p, []byte(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))), 0o600)
		}
	}
}
