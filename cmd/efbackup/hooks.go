package main

import (
	"github.com/efbackup/efbackup/migrate"
	"github.com/efbackup/efbackup/store/s3"
)

// testHooks are the switches the tests turn. Each is nil in the program
// users run: only the test binary sets them (TestMain), so nothing in a
// user's environment can stop, pause, slow down or mislead efbackup.
var testHooks struct {
	// At is called at every named point of a command that writes (the
	// step boundaries, and once for every MiB copied): the crash tests
	// kill the process there, the disk tests pause it.
	At func(point string)
	// BeforeRun runs as a run starts (faults to inject into reads); an
	// error ends the run with exit 2.
	BeforeRun func() error
	// NoExchange makes restore swap the folders with two renames, the way
	// it must on Windows, where the system has no exchange.
	NoExchange func() bool
	// Migrate adjusts a migration's options (the free space it sees).
	Migrate func(*migrate.Options)
	// ScryptWorkFactor is the scrypt work factor of the passphrase
	// recipients snapshot and migrate make: the tests spare a second and
	// 256 MiB (many seconds under the race detector) on each. Opening a
	// file costs what its header says, so nothing else changes.
	ScryptWorkFactor func() int
	// S3 adjusts the settings of every S3 store a command opens (fewer
	// retries, so that a test of a network cut ends quickly).
	S3 func(*s3.Config)
	// KeyDirAnyDrive lets setup keep the key in dir although it is on the
	// drive of the install or the snapshots: the tests have one drive.
	KeyDirAnyDrive func(dir string) bool
}

// reach calls testHooks.At at point.
func reach(point string) {
	if testHooks.At != nil {
		testHooks.At(point)
	}
}

// mibPoints returns a progress callback that reaches point once for every
// MiB done, so that the crash tests can stop a copy at a chosen MiB; nil
// when no test hook is set.
func mibPoints(point string) func(done int64) {
	if testHooks.At == nil {
		return nil
	}
	next := int64(1 << 20)
	return func(done int64) {
		for done >= next {
			testHooks.At(point)
			next += 1 << 20
		}
	}
}
