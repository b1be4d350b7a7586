//go:build unix

// Command peakrss runs a program and writes its peak resident memory, in
// KiB, to a file: peakrss OUT PROGRAM ARGS... It exits with the program's
// exit code.
//
// The memory tests need the program's own peak. The rusage a Go test gets
// for its child is no good for that: Go starts children with vfork, and on
// Linux a vforked child that execs keeps its parent's high-water mark, the
// test binary's. peakrss is a small parent, so the mark its child inherits
// is at most its own few MiB, far below the figure measured.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: peakrss OUT PROGRAM [ARGS...]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		os.Exit(2)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Fprintln(os.Stderr, "peakrss: no rusage")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], []byte(strconv.FormatInt(int64(ru.Maxrss), 10)), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		os.Exit(2)
	}
	os.Exit(cmd.ProcessState.ExitCode())
}
