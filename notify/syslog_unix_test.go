//go:build unix

package notify

import (
	"bytes"
	"encoding/binary"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// listen opens a datagram socket at path and returns what arrives.
func listen(t *testing.T, path string) <-chan []byte {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	ch := make(chan []byte, 4)
	go func() {
		for {
			b := make([]byte, 64<<10)
			n, err := conn.Read(b)
			if err != nil {
				return
			}
			ch <- b[:n]
		}
	}()
	return ch
}

func receive(t *testing.T, ch <-chan []byte) []byte {
	t.Helper()
	select {
	case b := <-ch:
		return b
	case <-time.After(5 * time.Second):
		t.Fatal("nothing arrived")
	}
	return nil
}

func sockets(t *testing.T) (journal, syslog string) {
	dir, err := os.MkdirTemp("", "efb") // short: socket paths are limited to about 100 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	oldJ, oldS := JournalSocket, SyslogSockets
	JournalSocket, SyslogSockets = filepath.Join(dir, "journal"), []string{filepath.Join(dir, "log")}
	t.Cleanup(func() { JournalSocket, SyslogSockets = oldJ, oldS })
	return JournalSocket, SyslogSockets[0]
}

// journald's native protocol: fields, a multi-line message in the binary
// form.
func TestJournal(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("journald is Linux's")
	}
	j, _ := sockets(t)
	ch := listen(t, j)
	if err := SystemLog(Error, "efbackup [pkp]: failed\nhint: connect the drive", Fields{"EFBACKUP_OUTCOME": "no-drive", "bad field": "x"}); err != nil {
		t.Fatal(err)
	}
	b := receive(t, ch)
	msg := "efbackup [pkp]: failed\nhint: connect the drive"
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(msg)))
	want := "MESSAGE\n" + string(n[:]) + msg + "\nPRIORITY=3\nSYSLOG_IDENTIFIER=efbackup\nEFBACKUP_OUTCOME=no-drive\n"
	if !bytes.Equal(b, []byte(want)) {
		t.Errorf("journal entry %q\nwant %q", b, want)
	}
}

// Without a journal, syslog; without either, an error that names both.
func TestSyslogFallback(t *testing.T) {
	_, s := sockets(t)
	if err := SystemLog(Warning, "no log yet", nil); err == nil {
		t.Fatal("no socket, no error")
	}
	ch := listen(t, s)
	if err := SystemLog(Warning, "efbackup [pkp]: no good snapshot for 3 days\nsecond line", nil); err != nil {
		t.Fatal(err)
	}
	got := string(receive(t, ch))
	// <12>: user facility (8) + warning (4).
	if !strings.HasPrefix(got, "<12>") || !strings.Contains(got, "efbackup[") || !strings.Contains(got, "no good snapshot for 3 days | second line") {
		t.Errorf("syslog line %q", got)
	}
}
