// Package folderlock keeps two efbackup processes from writing into the
// same snapshot folder at once: a prune must never delete a snapshot that a
// running snapshot is about to compare against, and two snapshots must
// never race for the same name.
//
// The lock is a small JSON file, efbackup.lock, created with O_EXCL and
// owner-only permissions. It records host, PID, boot and time, so that a
// lock left behind by a crash (kill -9, a power cut) is recognised as
// stale and taken over instead of blocking every later scheduled run:
//   - on the same host, when its process is gone (or a zombie), or the
//     machine has rebooted since (Linux boot id);
//   - anywhere, when it is older than Options.Stale (6 h by default);
//   - when it is unreadable and older than a minute (a crash between
//     creating and writing it).
//
// The lock file is never written in place: its record goes to a private
// temporary file (efbackup.lock.<pid>.<token>.tmp) that is then linked to
// the lock name. A kill in between leaves that temporary file in the
// user's folder; the next process to hold the lock removes such files of
// writers that are gone (never one whose process is alive on this host)
// and lists them in Lock.Leftovers. The takeover marker is made the same
// way, so a takeover killed half-way never holds up the next one.
//
// The package never prints. Acquire returns *LockedError when the folder
// stays locked for longer than Options.Wait.
package folderlock

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// Name is the lock file's name inside the locked folder.
const Name = "efbackup.lock"

// takeoverName serialises the takeover of a stale lock, so that two
// waiters cannot both remove it and one of them remove the other's fresh
// lock.
const takeoverName = "efbackup.lock.takeover"

// Defaults.
const (
	DefaultWait  = 5 * time.Second
	DefaultStale = 6 * time.Hour
	// unreadableGrace is how long an empty or garbled lock file is
	// respected: its writer may be between creating and writing it.
	unreadableGrace = time.Minute
)

// Info is what a lock file records.
type Info struct {
	Tool    string    `json:"tool"`
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Boot    string    `json:"boot,omitempty"` // Linux boot id: a reboot ends every process
	Time    time.Time `json:"time"`
	Command string    `json:"command,omitempty"`
	Token   string    `json:"token"` // tells our own lock from a successor's
	// Why says, for a lock that was taken over, why it was judged stale
	// ("process gone", "older than 6h0m0s", ...). Never written to disk.
	Why string `json:"-"`
}

// Options tunes Acquire. The zero value waits DefaultWait and treats locks
// older than DefaultStale as stale.
type Options struct {
	Wait    time.Duration // how long to wait for a held lock; 0 means DefaultWait, <0 means do not wait
	Stale   time.Duration // age after which any lock is stale; 0 means DefaultStale
	Command string        // recorded for the person reading the lock ("snapshot", "prune")
	Poll    time.Duration // how often to look again while waiting; 0 means 100 ms
	Now     func() time.Time
}

// LockedError says another efbackup process holds the folder.
type LockedError struct {
	Dir    string
	Holder *Info // nil when the lock file could not be read
	Waited time.Duration
}

func (e *LockedError) Error() string {
	if e.Holder == nil {
		return fmt.Sprintf("%s is locked by another efbackup process", e.Dir)
	}
	return fmt.Sprintf("%s is locked by efbackup %s (pid %d on %s since %s)", e.Dir, e.Holder.Command, e.Holder.PID, e.Holder.Host,
		e.Holder.Time.Local().Format("2006-01-02 15:04:05"))
}

// Lock is a held folder lock.
type Lock struct {
	path string
	info Info
	left []fsutil.Leftover
}

// Leftovers lists what killed efbackup processes had left of their lock
// files (temporary files, a takeover marker) and Acquire removed.
func (l *Lock) Leftovers() []fsutil.Leftover { return l.left }

// Path is the lock file.
func (l *Lock) Path() string { return l.path }

// Info is what the lock file records.
func (l *Lock) Info() Info { return l.info }

// Acquire takes the lock on dir, creating dir (0700) if needed. When
// another process holds it, Acquire waits up to opts.Wait, then returns
// *LockedError. When the lock it found was stale, it takes it over and
// returns what the stale lock said in takenOver.
func Acquire(dir string, opts Options) (l *Lock, takenOver *Info, err error) {
	if opts.Wait == 0 {
		opts.Wait = DefaultWait
	}
	if opts.Stale <= 0 {
		opts.Stale = DefaultStale
	}
	if opts.Poll <= 0 {
		opts.Poll = 100 * time.Millisecond
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, err
	}
	path := filepath.Join(dir, Name)
	start := time.Now()
	var left []fsutil.Leftover
	for {
		l, err := create(path, opts)
		if err == nil {
			// Only the holder sweeps: no other efbackup is creating a lock
			// it could still link into place.
			swept, err := sweepTemps(dir, opts)
			l.left = append(left, swept...)
			if err != nil {
				_ = l.Release()
				return nil, nil, err
			}
			return l, takenOver, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, nil, err
		}
		holder, stale, why := judge(path, opts)
		if stale {
			old, ok, err := takeOver(dir, path, holder, opts, &left)
			if err != nil {
				return nil, nil, err
			}
			if ok {
				if old != nil {
					old.Why = why
				} else {
					old = &Info{Why: why}
				}
				takenOver = old
			}
			continue // create again; another waiter may have won
		}
		waited := time.Since(start)
		if opts.Wait < 0 || waited >= opts.Wait {
			return nil, nil, &LockedError{Dir: dir, Holder: holder, Waited: waited}
		}
		time.Sleep(min(opts.Poll, opts.Wait-waited))
	}
}

// create makes the lock file with its record already inside: the record is
// written to a private file first and then hard-linked to the lock name,
// which fails if the name is taken. A process killed half-way therefore
// never leaves an empty lock file behind (an empty one would block the next
// scheduled run until it looked stale). Where the file system has no hard
// links (FAT, some NAS shares), it falls back to O_EXCL and a write.
func create(path string, opts Options) (*Lock, error) {
	host, _ := os.Hostname()
	var tok [8]byte
	_, _ = rand.Read(tok[:])
	info := Info{
		Tool: "efbackup", Host: host, PID: os.Getpid(), Boot: bootID(),
		Time: opts.Now().UTC().Truncate(time.Millisecond), Command: opts.Command, Token: hex.EncodeToString(tok[:]),
	}
	b, _ := json.Marshal(info)
	b = append(b, '\n')
	if err := linkNew(path, info.Token, b); err != nil {
		return nil, err
	}
	return &Lock{path: path, info: info}, nil
}

// linkNew creates path holding b, failing with fs.ErrExist when the name is
// taken: b goes to a private temporary file first
// (path.<pid>.<token>.tmp), which is then hard-linked to path, so that path
// never exists without its content. Where the file system has no hard
// links (FAT, some NAS shares), it falls back to O_EXCL and a write.
func linkNew(path, token string, b []byte) error {
	tmp := fmt.Sprintf("%s.%d.%s.tmp", path, os.Getpid(), token)
	if err := writeSynced(tmp, b, os.O_WRONLY|os.O_CREATE|os.O_EXCL); err == nil {
		lerr := os.Link(tmp, path)
		_ = os.Remove(tmp)
		if lerr == nil {
			_ = fsutil.SyncDir(filepath.Dir(path))
			return nil
		}
		if errors.Is(lerr, fs.ErrExist) {
			return lerr
		}
		// No hard links here: fall through to O_EXCL.
	}
	if err := writeSynced(path, b, os.O_WRONLY|os.O_CREATE|os.O_EXCL); err != nil {
		return err
	}
	_ = fsutil.SyncDir(filepath.Dir(path))
	return nil
}

// tempRe matches the temporary names linkNew uses for the lock and the
// takeover marker: the writer's PID and a random token.
var tempRe = regexp.MustCompile(`^` + regexp.QuoteMeta(Name) + `(\.takeover)?\.([0-9]{1,10})\.([0-9a-f]{16})\.tmp$`)

// sweepTemps removes the temporary files killed writers left in dir, and
// returns them. A file whose writer may still be running is kept: one of a
// live process on this host (by the record inside, or the PID in its name
// when the record is unreadable), or one from another host that is younger
// than unreadableGrace (a lock is created in milliseconds).
func sweepTemps(dir string, opts Options) ([]fsutil.Leftover, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	var out []fsutil.Leftover
	for _, e := range entries {
		m := tempRe.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		pid, _ := strconv.Atoi(m[2])
		if pid == os.Getpid() {
			continue
		}
		var in Info
		b, rerr := os.ReadFile(p)
		switch {
		case rerr == nil && json.Unmarshal(b, &in) == nil && in.PID > 0 && in.Host != "":
			if in.Host != host || host == "" {
				fi, err := os.Stat(p)
				if err != nil || opts.Now().Sub(fi.ModTime()) <= unreadableGrace {
					continue
				}
			} else if (in.Boot == "" || in.Boot == bootID()) && processAlive(in.PID) {
				continue
			}
		case processAlive(pid):
			continue
		}
		if err := removeFile(p); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return out, err
		}
		out = append(out, fsutil.Leftover{Path: p, Action: fsutil.LeftoverRemoved})
	}
	return out, nil
}

// writeSynced creates path with flag, writes b and fsyncs it; on a failed
// write it removes what it created.
func writeSynced(path string, b []byte, flag int) error {
	f, err := fsutil.OpenPrivate(path, flag)
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		_ = os.Remove(path)
	}
	return werr
}

// Read returns what the lock file in dir records, or nil when there is
// none. It is for status displays (doctor).
func Read(dir string) (*Info, error) {
	b, err := os.ReadFile(filepath.Join(dir, Name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var in Info
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(dir, Name), err)
	}
	return &in, nil
}

// judge reads the lock at path and decides whether it is stale.
func judge(path string, opts Options) (holder *Info, stale bool, why string) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, "" // released meanwhile: just try again
	}
	fi, serr := os.Stat(path)
	var in Info
	if err != nil || json.Unmarshal(b, &in) != nil || in.PID <= 0 {
		if serr == nil && opts.Now().Sub(fi.ModTime()) > unreadableGrace {
			return nil, true, "unreadable lock file"
		}
		return nil, false, ""
	}
	holder = &in
	if age := opts.Now().Sub(in.Time); age > opts.Stale {
		return holder, true, fmt.Sprintf("older than %s", opts.Stale)
	}
	host, _ := os.Hostname()
	if in.Host != host || host == "" {
		// Another PC sharing the folder (a NAS): only age can tell.
		return holder, false, ""
	}
	if in.Boot != "" && in.Boot != bootID() {
		return holder, true, "the computer has restarted since"
	}
	if in.PID == os.Getpid() {
		return holder, false, ""
	}
	if !processAlive(in.PID) {
		return holder, true, fmt.Sprintf("process %d is gone", in.PID)
	}
	return holder, false, ""
}

// takeOver removes a stale lock, if it is still the same stale lock,
// under the takeover marker. It reports whether it removed one; a marker
// that a killed takeover left is removed (and added to left) as soon as
// its process is known to be gone.
func takeOver(dir, path string, stale *Info, opts Options, left *[]fsutil.Leftover) (*Info, bool, error) {
	tpath := filepath.Join(dir, takeoverName)
	host, _ := os.Hostname()
	var tok [8]byte
	_, _ = rand.Read(tok[:])
	me := Info{Tool: "efbackup", Host: host, PID: os.Getpid(), Boot: bootID(), Time: opts.Now().UTC(), Command: "takeover", Token: hex.EncodeToString(tok[:])}
	b, _ := json.Marshal(me)
	if err := linkNew(tpath, me.Token, append(b, '\n')); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another process is taking over right now (a takeover takes
			// milliseconds), or was killed while doing so.
			if h, dead, _ := judge(tpath, Options{Stale: unreadableGrace, Now: opts.Now}); dead && removeIfSame(tpath, h) {
				*left = append(*left, fsutil.Leftover{Path: tpath, Action: fsutil.LeftoverRemoved})
			}
			time.Sleep(20 * time.Millisecond)
			return nil, false, nil
		}
		return nil, false, err
	}
	defer removeFile(tpath)
	// Still the lock we judged stale? A waiter that was faster may have
	// replaced it with its own, fresh one.
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var now Info
	if stale != nil {
		if json.Unmarshal(b, &now) != nil || now.Token != stale.Token {
			return nil, false, nil
		}
	} else if json.Unmarshal(b, &now) == nil && now.PID > 0 {
		return nil, false, nil
	}
	if err := removeFile(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	return stale, true, nil
}

// removeIfSame removes p if it still holds the record judged dead (h; nil
// for an unreadable one), so that a marker a live process has made since
// is left alone.
func removeIfSame(p string, h *Info) bool {
	b, err := os.ReadFile(p)
	if err != nil {
		return false
	}
	var now Info
	if h == nil {
		if json.Unmarshal(b, &now) == nil && now.PID > 0 {
			return false
		}
	} else if json.Unmarshal(b, &now) != nil || now.Token != h.Token {
		return false
	}
	return removeFile(p) == nil
}

// Release removes the lock file, if it is still ours. A lock that was
// taken over as stale (we ran for more than Options.Stale) belongs to its
// new owner and is left alone.
func (l *Lock) Release() error {
	if l == nil {
		return nil
	}
	b, err := os.ReadFile(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var in Info
	if json.Unmarshal(bytes.TrimSpace(b), &in) != nil || in.Token != l.info.Token {
		return fmt.Errorf("%s was taken over by another efbackup process", l.path)
	}
	if err := removeFile(l.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// removeSharedFor is how long removeFile keeps trying while another
// process has the file open: a waiter reads the lock file for a few
// milliseconds at a time.
const removeSharedFor = 2 * time.Second

// removeFile removes path. On Windows a file cannot be removed while
// another handle to it is open without FILE_SHARE_DELETE, and Go opens
// every file without it: while a waiting efbackup process (or doctor)
// reads the lock file, removing it fails with a sharing violation. That
// is momentary, so removeFile tries again for up to removeSharedFor.
func removeFile(path string) error {
	deadline := time.Now().Add(removeSharedFor)
	for {
		err := os.Remove(path)
		if err == nil || !isSharingViolation(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// BootID identifies the current boot on Linux ("" elsewhere): a lock that
// records it is known stale once the computer has restarted.
func BootID() string { return bootID() }

// Gone reports why a lock holder recorded by host, boot and pid has
// certainly ended: it ran on this computer, and the computer has restarted
// since or the process no longer runs. "" when that cannot be told (another
// computer, or the process may still run).
func Gone(host, boot string, pid int) string {
	me, _ := os.Hostname()
	if host != me || me == "" || pid <= 0 {
		return ""
	}
	if boot != "" && boot != bootID() {
		return "the computer has restarted since"
	}
	if pid == os.Getpid() || processAlive(pid) {
		return ""
	}
	return fmt.Sprintf("process %d is gone", pid)
}
