package crypt

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// runWithTTY runs cmd with a pseudo-terminal as its controlling terminal,
// where age asks for passphrases, and types each answer once the prompt
// for it has appeared. It returns what the terminal showed.
func runWithTTY(t *testing.T, cmd *exec.Cmd, answers ...string) (string, error) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	defer ptmx.Close()
	fd := int(ptmx.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		tty.Close()
		t.Fatal(err)
	}
	tty.Close()

	var mu sync.Mutex
	var out bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return // EIO once the child's side is closed
			}
		}
	}()
	shown := func() string {
		mu.Lock()
		defer mu.Unlock()
		return out.String()
	}
	deadline := time.Now().Add(30 * time.Second)
	for i, a := range answers {
		for strings.Count(strings.ToLower(shown()), "passphrase") <= i {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("no prompt for answer %d; the terminal shows %q", i+1, shown())
			}
			time.Sleep(10 * time.Millisecond)
		}
		if _, err := ptmx.Write([]byte(a + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	timer := time.AfterFunc(time.Until(deadline)+30*time.Second, func() { cmd.Process.Kill() })
	err = cmd.Wait()
	timer.Stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	return shown(), err
}

// A file the age command encrypts with a passphrase (-p, typed at its
// prompt) opens with PassphraseIdentity.
func TestAgeCLIPassphraseToUs(t *testing.T) {
	ageBin := needAge(t)
	dir := t.TempDir()
	plain := plaintext(2*ChunkSize+99, 11)
	in, out := dir+"/in.bin", dir+"/in.bin.age"
	must(t, os.WriteFile(in, plain, 0o600))
	const pass = "kata sandi kantor 2026"
	shown, err := runWithTTY(t, exec.Command(ageBin, "-p", "-o", out, in), pass, pass)
	if err != nil {
		t.Fatalf("age -p: %v\n%s", err, shown)
	}
	file, err := os.ReadFile(out)
	must(t, err)
	got, err := decryptAll(file, DecryptOptions{}, passID(t, pass))
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("%v", err)
	}
	if _, err := decryptAll(file, DecryptOptions{}, passID(t, pass+"!")); KindOf(err) != WrongPassphrase {
		t.Fatalf("wrong passphrase: %v", err)
	}
	hdr, err := InspectHeader(bytes.NewReader(file))
	must(t, err)
	t.Logf("age -p wrote work factor %d", hdr.WorkFactor())
}

// A file efbackup encrypts with a passphrase opens with age -d, the
// passphrase typed at its prompt.
func TestUsPassphraseToAgeCLI(t *testing.T) {
	ageBin := needAge(t)
	dir := t.TempDir()
	const pass = "rahasia perusahaan"
	r, err := PassphraseRecipient(pass)
	must(t, err)
	plain := plaintext(ChunkSize+5, 12)
	in, out := dir+"/s.tar.zst.age", dir+"/s.tar.zst"
	must(t, os.WriteFile(in, encrypt(t, plain, r), 0o600))
	shown, err := runWithTTY(t, exec.Command(ageBin, "-d", "-o", out, in), pass)
	if err != nil {
		t.Fatalf("age -d: %v\n%s", err, shown)
	}
	got, err := os.ReadFile(out)
	must(t, err)
	if !bytes.Equal(got, plain) {
		t.Fatal("age -d gave other bytes")
	}
	// And refuses a wrong one, as Decrypt does.
	os.Remove(out)
	if shown, err := runWithTTY(t, exec.Command(ageBin, "-d", "-o", out, in), "salah"); err == nil {
		t.Fatalf("age -d took a wrong passphrase:\n%s", shown)
	}
}
