// Package ptytest runs a program with a pseudo-terminal as its
// controlling terminal and answers its prompts, for the tests of the
// dialogues a person has with efbackup (setup) or with age (passphrases).
// Only tests import it.
package ptytest

import (
	"bytes"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// Run starts cmd on a new pseudo-terminal and, for each step of dialogue
// in order, waits until its prompt (dialogue[i][0]) appears after the
// previous one, calls before[i] when set, and types its answer
// (dialogue[i][1]) with a newline. It returns what the terminal showed,
// with "\r\n" as "\n", and how cmd ended. Where there are no
// pseudo-terminals it skips t.
func Run(t *testing.T, cmd *exec.Cmd, before map[int]func(), dialogue ...[2]string) (string, error) {
	t.Helper()
	ptmx, tty := openPTY(t)
	defer ptmx.Close()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	setControllingTTY(cmd)
	if err := cmd.Start(); err != nil {
		tty.Close()
		t.Fatal(err)
	}
	tty.Close()
	var mu sync.Mutex
	var shownBuf bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			mu.Lock()
			shownBuf.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return // EIO once the child's side is closed
			}
		}
	}()
	shown := func() string {
		mu.Lock()
		defer mu.Unlock()
		return shownBuf.String()
	}
	deadline := time.Now().Add(60 * time.Second)
	from := 0
	for n, qa := range dialogue {
		for {
			s := shown()
			if i := strings.Index(s[from:], qa[0]); i >= 0 {
				from += i + len(qa[0])
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("no %q on the terminal; it shows:\n%s", qa[0], s)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if f := before[n]; f != nil {
			f()
		}
		if _, err := ptmx.Write([]byte(qa[1] + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	timer := time.AfterFunc(time.Until(deadline)+30*time.Second, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	timer.Stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	return strings.ReplaceAll(shown(), "\r\n", "\n"), err
}
