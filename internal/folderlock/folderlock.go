// Package folderlock keeps two efbackup processes from writing into the
// same snapshot folder at once: a prune must never delete a snapshot that a
// running snapshot is about to compare against, and two snapshots must
// never race for the same name.
//
// The lock is a small JSON file, efbackup.lock, created with O_EXCL and
// owner-only permissions. It records host, PID, the process's start and
// the boot, so that a lock left behind by a crash (kill -9, a power cut)
// is recognised as stale and taken over instead of blocking every later
// scheduled run. Its age never decides on its own: a clock that is hours
// off (an NTP correction, a PC on a NAS with the wrong time zone) must not
// make a live lock look old.
//   - On the same host, a lock is stale when its process is gone (or a
//     zombie, or its number now belongs to a process that started later),
//     or the machine has restarted since (Linux boot id). A lock whose
//     process is alive is never taken over, however long it runs.
//   - The holder refreshes its lock file (a heartbeat: it writes the same
//     bytes again every Options.Heartbeat), so a lock of another computer
//     sharing the folder (two PCs on a NAS) is stale when its file has not
//     been written for Options.Stale (10 min by default) by the folder's
//     own clock: the modification times that file system gives, compared
//     with the time it gives a file written now, never the local clock.
//     A lock written by a release without the heartbeat is stale after
//     6 h by the same clock.
//   - An unreadable lock is stale when, by the same clock, it is older
//     than a minute (a crash between creating and writing it).
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
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
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
	DefaultWait = 5 * time.Second
	// DefaultStale is how long the lock of another computer may go without
	// a heartbeat before it is stale.
	DefaultStale = 10 * time.Minute
	// DefaultHeartbeat is how often a holder refreshes its lock file.
	DefaultHeartbeat = time.Minute
	// legacyStale is DefaultStale for a lock of a release that wrote no
	// heartbeat: its file is written once, so only a long silence tells.
	legacyStale = 6 * time.Hour
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
	// Start identifies the holder process's start (its start time as the
	// system gives it), so that a later process that got the same number
	// is not taken for the holder. "" where the system does not tell.
	Start string `json:"start,omitempty"`
	// Heartbeat is how often, in seconds, the holder rewrites the lock
	// file; 0 for a lock of a release that did not.
	Heartbeat int `json:"heartbeat_seconds,omitempty"`
	// Why says in English, for a lock that was taken over, why it was
	// judged stale ("process 42 is gone", ...). Never written to disk.
	Why string `json:"-"`
	// Reason is Why as a stable word (Reason...), for scripts and for
	// messages in other languages, with Silent for ReasonSilent.
	Reason string        `json:"reason,omitempty"`
	Silent time.Duration `json:"-"`
}

// Why a lock was judged stale.
const (
	ReasonGone       = "process-gone" // its process on this computer has ended
	ReasonReused     = "pid-reused"   // its process number now belongs to a later process
	ReasonRestarted  = "restarted"    // this computer has restarted since
	ReasonSilent     = "silent"       // another computer's lock, not refreshed for Silent
	ReasonUnreadable = "unreadable"   // unreadable for longer than a minute
)

// stale is judge's verdict on a stale lock.
func stale(reason string, silent time.Duration, why string, args ...any) *Info {
	return &Info{Reason: reason, Silent: silent, Why: fmt.Sprintf(why, args...)}
}

// Options tunes Acquire. The zero value waits DefaultWait, refreshes the
// lock every DefaultHeartbeat and treats the lock of another computer as
// stale after DefaultStale without a heartbeat.
type Options struct {
	Wait time.Duration // how long to wait for a held lock; 0 means DefaultWait, <0 means do not wait
	// Stale is how long the lock of another computer may go without a
	// heartbeat, by the folder's clock, before it is stale; 0 means
	// DefaultStale.
	Stale   time.Duration
	Command string        // recorded for the person reading the lock ("snapshot", "prune")
	Poll    time.Duration // how often to look again while waiting; 0 means 100 ms
	// Heartbeat is how often the holder rewrites its lock file; 0 means
	// DefaultHeartbeat, <0 never (tests of older releases' locks).
	Heartbeat time.Duration
	// Now is the local clock, for the time the lock records (shown to
	// people). Staleness never rests on it.
	Now func() time.Time
	// folderNow tells the time by the folder's own clock; nil probes it
	// (tests replace it).
	folderNow func(dir string) (time.Time, error)
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
	// The heartbeat: stop ends it, done is closed when it has ended, lost
	// is closed when it found the lock file gone or another's.
	stop, done, lost chan struct{}
	lostOnce         sync.Once
}

// Lost is closed when the heartbeat finds that the lock is no longer this
// holder's (another process judged it stale and took it over, or someone
// removed it). A holder that sees it must not commit anything into the
// folder.
func (l *Lock) Lost() <-chan struct{} { return l.lost }

// Held returns nil while the lock file is still this holder's, else a
// *LostError. It reads the file now.
func (l *Lock) Held() error {
	b, err := os.ReadFile(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		l.markLost()
		return &LostError{Path: l.path, Removed: true}
	}
	if err != nil {
		return err
	}
	var in Info
	if json.Unmarshal(bytes.TrimSpace(b), &in) != nil || in.Token != l.info.Token {
		l.markLost()
		return &LostError{Path: l.path}
	}
	return nil
}

// LostError says a lock is no longer its holder's: another process took
// it over (it judged it stale), or someone removed the file.
type LostError struct {
	Path    string
	Removed bool
}

func (e *LostError) Error() string {
	if e.Removed {
		return fmt.Sprintf("%s was removed while this efbackup process held it", e.Path)
	}
	return fmt.Sprintf("%s was taken over by another efbackup process", e.Path)
}

func (l *Lock) markLost() { l.lostOnce.Do(func() { close(l.lost) }) }

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
	if opts.Heartbeat == 0 {
		opts.Heartbeat = DefaultHeartbeat
	}
	if opts.folderNow == nil {
		opts.folderNow = probeFolderClock
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, err
	}
	path := filepath.Join(dir, Name)
	start := time.Now()
	clk := &folderClock{dir: dir, probe: opts.folderNow}
	var left []fsutil.Leftover
	for {
		l, err := create(path, opts)
		if err == nil {
			// Only the holder sweeps: no other efbackup is creating a lock
			// it could still link into place.
			swept, err := sweepTemps(dir, clk)
			l.left = append(left, swept...)
			if err != nil {
				_ = l.Release()
				return nil, nil, err
			}
			l.beat(opts.Heartbeat)
			return l, takenOver, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, nil, err
		}
		holder, verdict := judge(path, opts.Stale, legacyStale, clk)
		if verdict != nil {
			old, ok, err := takeOver(dir, path, holder, clk, opts, &left)
			if err != nil {
				return nil, nil, err
			}
			if ok {
				if old == nil {
					old = &Info{}
				}
				old.Why, old.Reason, old.Silent = verdict.Why, verdict.Reason, verdict.Silent
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
	host, _ := hostName()
	var tok [8]byte
	_, _ = rand.Read(tok[:])
	info := Info{
		Tool: "efbackup", Host: host, PID: os.Getpid(), Boot: bootID(), Start: processStart(os.Getpid()),
		Time: opts.Now().UTC().Truncate(time.Millisecond), Command: opts.Command, Token: hex.EncodeToString(tok[:]),
	}
	if opts.Heartbeat > 0 {
		info.Heartbeat = max(1, int(opts.Heartbeat.Round(time.Second)/time.Second))
	}
	b, _ := json.Marshal(info)
	b = append(b, '\n')
	if err := linkNew(path, info.Token, b); err != nil {
		return nil, err
	}
	return &Lock{path: path, info: info, lost: make(chan struct{})}, nil
}

// hostName is os.Hostname; the tests' child processes pose as another
// computer through it.
var hostName = os.Hostname

// beat starts the heartbeat: every interval the lock file is rewritten
// with the bytes it holds, so that its modification time, set by the file
// system that holds the folder, tells other computers the holder is alive.
// It rewrites only a file that still holds this lock's token, through the
// handle it read it with; finding another's (or none), it marks the lock
// lost and stops. interval <= 0: no heartbeat.
func (l *Lock) beat(interval time.Duration) {
	if interval <= 0 {
		return
	}
	l.stop, l.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(l.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
			}
			if l.refresh() {
				return
			}
		}
	}()
}

// refresh rewrites the lock file once; it reports whether the lock was
// found lost. A failed write (a share gone for a moment) is tried again at
// the next beat.
func (l *Lock) refresh() (lost bool) {
	f, err := os.OpenFile(l.path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		l.markLost()
		return true
	}
	if err != nil {
		return false
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		return false
	}
	var in Info
	if json.Unmarshal(bytes.TrimSpace(b), &in) != nil || in.Token != l.info.Token {
		l.markLost()
		return true
	}
	if _, err := f.WriteAt(b, 0); err == nil {
		_ = f.Sync()
	}
	return false
}

// folderClock tells the time by the clock of the file system that holds
// the folder: it writes a file there once and reads the modification time
// the file system gave it, then adds the time elapsed since on the local
// monotonic clock (which a change of the wall clock does not move). A
// lock's modification time, set by the same file system, compares with it
// whatever the local clock says.
type folderClock struct {
	dir   string
	probe func(dir string) (time.Time, error)
	base  time.Time
	at    time.Time
	err   error
	done  bool
}

func (c *folderClock) now() (time.Time, error) {
	if !c.done {
		c.base, c.err = c.probe(c.dir)
		c.at, c.done = time.Now(), true
	}
	if c.err != nil {
		return time.Time{}, c.err
	}
	return c.base.Add(time.Since(c.at)), nil
}

// age is how long ago, by the folder's clock, fi was last written; false
// when the folder's clock cannot be read.
func (c *folderClock) age(fi fs.FileInfo) (time.Duration, bool) {
	now, err := c.now()
	if err != nil {
		return 0, false
	}
	return now.Sub(fi.ModTime()), true
}

// probeFolderClock writes a small file in dir (named like the lock's
// temporary files, with a record, so that the sweep can tell whose it is
// if a kill leaves it) and returns the modification time the file system
// gave it.
func probeFolderClock(dir string) (time.Time, error) {
	host, _ := hostName()
	var tok [8]byte
	_, _ = rand.Read(tok[:])
	in := Info{Tool: "efbackup", Host: host, PID: os.Getpid(), Boot: bootID(), Command: "clock", Token: hex.EncodeToString(tok[:])}
	b, _ := json.Marshal(in)
	p := filepath.Join(dir, fmt.Sprintf("%s.clock.%d.%s.tmp", Name, os.Getpid(), in.Token))
	if err := writeSynced(p, append(b, '\n'), os.O_WRONLY|os.O_CREATE|os.O_EXCL); err != nil {
		return time.Time{}, err
	}
	defer removeFile(p)
	fi, err := os.Stat(p)
	if err != nil {
		return time.Time{}, err
	}
	return fi.ModTime(), nil
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
var tempRe = regexp.MustCompile(`^` + regexp.QuoteMeta(Name) + `(\.takeover|\.clock)?\.([0-9]{1,10})\.([0-9a-f]{16})\.tmp$`)

// sweepTemps removes the temporary files killed writers left in dir, and
// returns them. A file whose writer may still be running is kept: one of a
// live process on this host (by the record inside, or the PID in its name
// when the record is unreadable), or one from another host that is younger
// than unreadableGrace by the folder's clock (a lock is created in
// milliseconds).
func sweepTemps(dir string, clk *folderClock) ([]fsutil.Leftover, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	host, _ := hostName()
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
				if err != nil {
					continue
				}
				if age, ok := clk.age(fi); !ok || age <= unreadableGrace {
					continue
				}
			} else if (in.Boot == "" || in.Boot == bootID()) && sameProcess(in) {
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

// judge reads the lock at path and decides whether it is stale. A lock
// of this host is stale only when its process is gone; one of another
// host when its file has gone unwritten for stale by the folder's clock
// (legacy for a lock without a heartbeat). The lock's recorded time, set
// by whatever clock its holder had, is never compared with anything.
func judge(path string, staleAfter, legacy time.Duration, clk *folderClock) (holder *Info, verdict *Info) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // released meanwhile: just try again
	}
	fi, serr := os.Stat(path)
	var in Info
	if err != nil || json.Unmarshal(b, &in) != nil || in.PID <= 0 {
		if serr != nil {
			return nil, nil
		}
		if age, ok := clk.age(fi); ok && age > unreadableGrace {
			return nil, stale(ReasonUnreadable, 0, "unreadable lock file")
		}
		return nil, nil
	}
	holder = &in
	host, _ := hostName()
	if in.Host != host || host == "" {
		// Another PC sharing the folder (a NAS): its process cannot be
		// seen from here, only its heartbeat.
		limit := staleAfter
		if in.Heartbeat <= 0 {
			limit = legacy
		}
		if serr != nil {
			return holder, nil
		}
		if age, ok := clk.age(fi); ok && age > limit {
			return holder, stale(ReasonSilent, limit, "not refreshed for %s", limit)
		}
		return holder, nil
	}
	if in.Boot != "" && in.Boot != bootID() {
		return holder, stale(ReasonRestarted, 0, "the computer has restarted since")
	}
	if in.PID == os.Getpid() {
		return holder, nil
	}
	if !processAlive(in.PID) {
		return holder, stale(ReasonGone, 0, "process %d is gone", in.PID)
	}
	if !sameProcess(in) {
		return holder, stale(ReasonReused, 0, "process %d is gone (its number now belongs to another program)", in.PID)
	}
	return holder, nil
}

// sameProcess reports whether the process numbered in.PID on this host is
// the one that wrote in: alive, and started when in says (where both the
// record and the system tell).
func sameProcess(in Info) bool {
	if !processAlive(in.PID) {
		return false
	}
	if in.Start == "" {
		return true
	}
	now := processStart(in.PID)
	return now == "" || now == in.Start
}

// takeOver removes a stale lock, if it is still the same stale lock,
// under the takeover marker. It reports whether it removed one; a marker
// that a killed takeover left is removed (and added to left) as soon as
// its process is known to be gone.
func takeOver(dir, path string, stale *Info, clk *folderClock, opts Options, left *[]fsutil.Leftover) (*Info, bool, error) {
	tpath := filepath.Join(dir, takeoverName)
	host, _ := hostName()
	var tok [8]byte
	_, _ = rand.Read(tok[:])
	me := Info{Tool: "efbackup", Host: host, PID: os.Getpid(), Boot: bootID(), Time: opts.Now().UTC(), Command: "takeover", Token: hex.EncodeToString(tok[:])}
	b, _ := json.Marshal(me)
	if err := linkNew(tpath, me.Token, append(b, '\n')); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another process is taking over right now (a takeover takes
			// milliseconds), or was killed while doing so.
			if h, dead := judge(tpath, unreadableGrace, unreadableGrace, clk); dead != nil && removeIfSame(tpath, h) {
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
	if l.stop != nil {
		close(l.stop)
		<-l.done
		l.stop = nil
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
		return &LostError{Path: l.path}
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
