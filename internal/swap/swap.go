// Package swap puts a staged folder in the place of another (an e-Faktur
// install's db/) and, when asked, back out again, in steps that a kill may
// interrupt anywhere. Restore and migrate both use it.
//
// The caller keeps a journal and records in it, before each move, every
// name and identity the move involves (Folders, saved through
// Swapper.Save). After a kill, the next run reads its journal, asks Inspect
// where the original folder and the staged copy now are (a Layout), and
// finishes the swap (Finish) or reverses it (Back, Do). Nothing is ever
// deleted that may hold the original or a folder that was in place.
//
// Two methods exist:
//   - Exchange: one system call swaps the staged folder and db/ (renameat2
//     RENAME_EXCHANGE, renamex_np RENAME_SWAP), so db/ is never missing;
//     the original then moves from the staging name to the aside name.
//     The folders are told apart by their file-system identities.
//   - Rename: db/ is renamed aside, then the staged folder to db/ (Windows,
//     and file systems that cannot exchange). No two names ever swap
//     contents, so which names exist says where everything is; identities,
//     where the system has them, must agree.
//
// The package never prints and never exits.
package swap

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/efbackup/efbackup/internal/fsutil"
)

// Swap methods, as journals record them.
const (
	Exchange = "exchange"
	Rename   = "rename"
)

// Folders is what a journal records of a swap. Names are base names inside
// Dir; identities are fsutil.ID values ("" where unknown, as on Windows).
type Folders struct {
	Dir       string // the folder holding every name (the install folder)
	DB        string // the folder being replaced ("db")
	HadDB     bool   // DB existed before the swap
	DBID      string // identity of the original DB
	Staging   string // the staged folder's name
	StagingID string // identity of the staged folder
	Aside     string // where the original goes ("" when !HadDB)
	Undone    string // where a folder that was in place goes when the swap is reversed ("" until chosen)
	Method    string // "", Exchange or Rename: how the swap is, or was, made
	// Started says the journal records that the swap may have begun.
	Started bool
}

// What a name holds.
type Holds string

const (
	Nothing  Holds = ""  // the name does not exist
	Original Holds = "O" // the original DB
	Copy     Holds = "C" // the staged folder (complete, or before the swap maybe partial)
	Foreign  Holds = "?" // a folder the swap did not put there
)

// Kind names a layout: where the original and the copy are.
type Kind string

// Layout kinds. The strings are part of migrate's output (Plan.Resume.Found).
const (
	BeforeSwap   Kind = "before-swap"  // DB is the original (or absent, as it was); maybe a staged copy
	Exchanged    Kind = "exchanged"    // DB is the copy; the original is still under the staging name
	HalfSwapped  Kind = "half-swapped" // DB is missing: the original is aside, the copy staged
	Swapped      Kind = "swapped"      // DB is the copy; the original (if any) is aside
	UndoMid      Kind = "undo-mid"     // reversing: the original is back in DB; the copy still aside
	UndoHalf     Kind = "undo-half"    // reversing: DB is missing; the original aside, the copy moved away
	ForeignDB    Kind = "foreign-db"   // a DB the swap did not put there
	Inconsistent Kind = "inconsistent" // anything else
)

// Layout is what the recorded names hold.
type Layout struct {
	DB, Staging, Aside, Undone Holds
	// AsideTaken says the aside name holds a folder that is not the
	// original: it cannot receive the original, and is never touched.
	AsideTaken bool
	Kind       Kind
}

func (l *Layout) String() string {
	show := func(name string, v Holds) string {
		switch v {
		case Nothing:
			return name + " absent"
		case Original:
			return name + " holds the original"
		case Copy:
			return name + " holds the copy"
		}
		return name + " holds something else"
	}
	aside := show("aside", l.Aside)
	if l.AsideTaken {
		aside = "aside holds something else"
	}
	return strings.Join([]string{show("db", l.DB), show("staging", l.Staging), aside, show("undone", l.Undone)}, ", ")
}

// NotFolderError says a name the journal records holds something other
// than a folder: nothing is touched.
type NotFolderError struct{ Path string }

func (e *NotFolderError) Error() string { return e.Path + " is not a folder" }

// Moves, as Error and Action name them.
const (
	OpExchange           = "exchange"             // exchange the staged folder and DB
	OpAsideAfterExchange = "aside-after-exchange" // rename the original from the staging name to the aside name
	OpAside              = "aside"                // rename the original DB to the aside name
	OpPlace              = "place"                // rename the staged folder to DB
	OpRename             = "rename"               // Action: a rename
	OpRemove             = "remove"               // Action: remove a staged copy that was never in place
)

// Error says which move of Swap or Finish failed, and what it left.
type Error struct {
	Op  string // OpExchange, OpAsideAfterExchange, OpAside or OpPlace
	Err error
	// For a failed OpPlace after the original was renamed aside: whether
	// it was moved back to DB, and if not, why.
	MovedBack bool
	Back      error
	wasAside  bool
}

func (e *Error) Error() string {
	if e.Back != nil {
		return fmt.Sprintf("%s: %v; moving the original back also failed: %v", e.Op, e.Err, e.Back)
	}
	return e.Op + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Unchanged says whether the failed move left every name as it was before
// the swap, so that the staged folder may be removed.
func (e *Error) Unchanged() bool {
	switch e.Op {
	case OpExchange, OpAside:
		return true
	case OpPlace:
		return !e.wasAside || e.MovedBack
	}
	return false
}

// Swapper makes and reverses the swap F records.
type Swapper struct {
	F *Folders
	// Save records F in the caller's journal, durably. It is called
	// before every move whose names or method F did not yet record.
	Save func() error
	// Hook, when set, is called after each durable move: "exchanged",
	// "aside-after-exchange", "aside" (the original renamed aside, two
	// renames) and "placed" (the staged folder renamed to DB).
	Hook func(point string)
	// Exchange and ID default to fsutil.Exchange and fsutil.ID; tests
	// swap them to take the paths of other systems.
	Exchange func(a, b string) error
	ID       func(path string) string
	// NewAside, when set, returns a free aside name for when the
	// recorded one has been taken meanwhile; it is recorded (Save) before
	// it is used. Without it a taken aside name fails the move.
	NewAside func() (string, error)
}

func (s *Swapper) path(name string) string {
	if name == "" {
		return ""
	}
	return filepath.Join(s.F.Dir, name)
}

func (s *Swapper) id(p string) string {
	if s.ID != nil {
		return s.ID(p)
	}
	return fsutil.ID(p)
}

func (s *Swapper) hook(p string) {
	if s.Hook != nil {
		s.Hook(p)
	}
}

func (s *Swapper) exchange(a, b string) error {
	if s.Exchange != nil {
		return s.Exchange(a, b)
	}
	return fsutil.Exchange(a, b)
}

func (s *Swapper) save() error {
	if s.Save == nil {
		return nil
	}
	return s.Save()
}

// CopyWasInPlace says whether a copy under the staging name may have been
// in place as DB: only an exchange can have put it there and taken it
// back. Such a copy may hold work done in it and is never removed.
func (s *Swapper) CopyWasInPlace() bool { return s.F.Method == Exchange && s.F.Started }

// Inspect works out what every recorded name holds.
//
// After an exchange, folders are told apart by identity: the original
// keeps its identity through every rename, and so does the copy. With
// renames (or before the swap), names decide: the aside name only ever
// holds the original, the staging and undone names only the copy, and DB
// holds the copy exactly when the original is aside; identities, where
// known, must agree, or the folder is one the swap did not put there.
func (s *Swapper) Inspect() (*Layout, error) {
	f := s.F
	var have [4]bool
	names := []string{f.DB, f.Staging, f.Aside, f.Undone}
	for i, n := range names {
		if n == "" {
			continue
		}
		fi, err := os.Lstat(s.path(n))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			return nil, &NotFolderError{Path: s.path(n)}
		}
		have[i] = true
	}
	l := &Layout{}
	hold := []*Holds{&l.DB, &l.Staging, &l.Aside, &l.Undone}
	if f.Method == Exchange && f.HadDB && f.DBID != "" {
		for i, n := range names {
			if !have[i] {
				continue
			}
			switch id := s.id(s.path(n)); {
			case id == f.DBID:
				*hold[i] = Original
			case f.StagingID == "" || id == f.StagingID:
				*hold[i] = Copy
			default:
				*hold[i] = Foreign
			}
		}
		if l.DB == Copy && !f.Started {
			l.DB = Foreign
		}
	} else {
		if have[1] {
			l.Staging = Copy
		}
		if have[2] {
			l.Aside = Original
		}
		if have[3] {
			l.Undone = Copy
		}
		switch {
		case !have[0]:
		case !f.HadDB && f.Started && !have[1]:
			l.DB = Copy
		case !f.HadDB:
			l.DB = Foreign
		case have[2]:
			l.DB = Copy
		default:
			l.DB = Original
		}
		// Identities, where known, must agree with what the names say.
		for i, n := range names {
			want := f.StagingID
			if *hold[i] == Original {
				want = f.DBID
			}
			if *hold[i] == Nothing || *hold[i] == Foreign || want == "" {
				continue
			}
			if got := s.id(s.path(n)); got != "" && got != want {
				*hold[i] = Foreign
			}
		}
	}
	if l.Aside == Foreign {
		l.Aside, l.AsideTaken = Nothing, true
	}
	l.Kind = classify(f, l)
	return l, nil
}

func classify(f *Folders, l *Layout) Kind {
	origHome := Original
	if !f.HadDB {
		origHome = Nothing
	}
	copies := 0
	for _, v := range []Holds{l.DB, l.Staging, l.Aside, l.Undone} {
		if v == Copy {
			copies++
		}
	}
	switch {
	case l.DB == Foreign:
		return ForeignDB
	case copies > 1 || l.Staging == Foreign || l.Undone == Foreign:
		return Inconsistent
	case l.DB == origHome && l.Aside == Nothing:
		return BeforeSwap
	case l.DB == Copy && l.Staging == Original && l.Aside == Nothing:
		return Exchanged
	case l.DB == Nothing && f.HadDB && l.Aside == Original && l.Staging == Copy:
		return HalfSwapped
	case l.DB == Copy && l.Staging == Nothing && l.Aside == origHome && !l.AsideTaken:
		return Swapped
	case l.DB == Original && l.Aside == Copy && l.Staging == Nothing:
		return UndoMid
	case l.DB == Nothing && f.HadDB && l.Aside == Original && l.Undone == Copy:
		return UndoHalf
	}
	return Inconsistent
}

// rename renames a folder to a name that must be free, and makes it
// durable.
func (s *Swapper) rename(from, to string) error {
	if err := fsutil.RenameNoReplace(from, to); err != nil {
		return err
	}
	return fsutil.SyncDir(s.F.Dir)
}

// toAside renames from (the original: DB, or the staging name after an
// exchange) to the aside name, choosing and recording a free one first
// when the recorded name has been taken (NewAside).
func (s *Swapper) toAside(from string) error {
	aside := s.path(s.F.Aside)
	if _, err := os.Lstat(aside); !errors.Is(err, fs.ErrNotExist) && s.NewAside != nil {
		name, err := s.NewAside()
		if err != nil {
			return err
		}
		s.F.Aside = filepath.Base(name)
		if err := s.save(); err != nil {
			return err
		}
		aside = s.path(s.F.Aside)
	}
	return s.rename(from, aside)
}

// Swap puts the staged folder in place of DB, from BeforeSwap: by
// exchange when tryExchange and there is a DB to exchange with (falling
// back to two renames where the file system cannot), else by renames. The
// method is recorded (Save) before the first move. A failure is *Error.
func (s *Swapper) Swap(tryExchange bool) error {
	f := s.F
	d, st := s.path(f.DB), s.path(f.Staging)
	if !f.HadDB {
		f.Method = Rename
		if err := s.save(); err != nil {
			return err
		}
		if err := s.rename(st, d); err != nil {
			return &Error{Op: OpPlace, Err: err}
		}
		s.hook("placed")
		return nil
	}
	if tryExchange {
		f.Method = Exchange
		if err := s.save(); err != nil {
			return err
		}
		err := s.exchange(st, d)
		switch {
		case err == nil:
			if err := fsutil.SyncDir(f.Dir); err != nil {
				// Exchanged: the original sits under the staging name.
				return &Error{Op: OpAsideAfterExchange, Err: err}
			}
			s.hook("exchanged")
			if err := s.toAside(st); err != nil {
				return &Error{Op: OpAsideAfterExchange, Err: err}
			}
			s.hook("aside-after-exchange")
			return nil
		case !errors.Is(err, fsutil.ErrExchangeUnsupported):
			return &Error{Op: OpExchange, Err: err}
		}
	}
	f.Method = Rename
	if err := s.save(); err != nil {
		return err
	}
	if err := s.toAside(d); err != nil {
		return &Error{Op: OpAside, Err: err}
	}
	s.hook("aside")
	if err := s.rename(st, d); err != nil {
		e := &Error{Op: OpPlace, Err: err, wasAside: true}
		if back := os.Rename(s.path(f.Aside), d); back != nil {
			e.Back = back
		} else {
			e.MovedBack = true
			_ = fsutil.SyncDir(f.Dir)
		}
		return e
	}
	s.hook("placed")
	return nil
}

// Finish completes a swap a kill interrupted: from Exchanged it renames
// the original aside, from HalfSwapped it renames the staged folder (which
// the caller has checked) to DB. From Swapped there is nothing to do. Any
// other layout is an error: the caller decides.
func (s *Swapper) Finish(l *Layout) error {
	switch l.Kind {
	case Swapped:
		return nil
	case Exchanged:
		if err := s.toAside(s.path(s.F.Staging)); err != nil {
			return &Error{Op: OpAsideAfterExchange, Err: err}
		}
		s.hook("aside-after-exchange")
		return nil
	case HalfSwapped:
		if err := s.rename(s.path(s.F.Staging), s.path(s.F.DB)); err != nil {
			return &Error{Op: OpPlace, Err: err, wasAside: true}
		}
		s.hook("placed")
		return nil
	}
	return fmt.Errorf("swap: cannot finish from %s (%s)", l.Kind, l)
}

// Action is one move of a reversal.
type Action struct {
	Op   string `json:"op"` // OpExchange, OpRename, OpRemove
	From string `json:"from"`
	To   string `json:"to,omitempty"`
}

// Back returns the next move that reverses the swap from l, one at a time
// (the caller inspects again after each, so that a kill between moves
// leaves a layout the next run continues from), and false when the
// original is back and no copy is left under the staging name. A copy
// that was ever in place goes to the Undone name (which the caller has
// chosen and recorded); one that never was is removed. An inconsistent
// layout is an error.
func (s *Swapper) Back(l *Layout) (Action, bool, error) {
	f := s.F
	d, st, a, u := s.path(f.DB), s.path(f.Staging), s.path(f.Aside), s.path(f.Undone)
	switch l.Kind {
	case BeforeSwap, ForeignDB:
		if l.Staging != Copy {
			return Action{}, false, nil
		}
		if s.CopyWasInPlace() {
			return Action{Op: OpRename, From: st, To: u}, true, nil
		}
		return Action{Op: OpRemove, From: st}, true, nil
	case Exchanged:
		return Action{Op: OpExchange, From: st, To: d}, true, nil
	case HalfSwapped, UndoHalf:
		return Action{Op: OpRename, From: a, To: d}, true, nil
	case Swapped:
		if f.HadDB && f.Method == Exchange {
			return Action{Op: OpExchange, From: a, To: d}, true, nil
		}
		return Action{Op: OpRename, From: d, To: u}, true, nil
	case UndoMid:
		return Action{Op: OpRename, From: a, To: u}, true, nil
	}
	return Action{}, false, fmt.Errorf("swap: cannot reverse from %s (%s)", l.Kind, l)
}

// PlanBack lists the moves Back would make from l, without making them,
// and whether a folder that was in place ends under the Undone name.
func (s *Swapper) PlanBack(l *Layout) (acts []Action, keptCopy bool) {
	f := s.F
	d, st, a, u := s.path(f.DB), s.path(f.Staging), s.path(f.Aside), s.path(f.Undone)
	switch l.Kind {
	case BeforeSwap, ForeignDB:
		if l.Staging == Copy {
			if s.CopyWasInPlace() {
				acts, keptCopy = append(acts, Action{Op: OpRename, From: st, To: u}), true
			} else {
				acts = append(acts, Action{Op: OpRemove, From: st})
			}
		}
	case Exchanged:
		acts, keptCopy = append(acts, Action{Op: OpExchange, From: st, To: d}, Action{Op: OpRename, From: st, To: u}), true
	case HalfSwapped:
		acts = append(acts, Action{Op: OpRename, From: a, To: d})
		if s.CopyWasInPlace() {
			acts, keptCopy = append(acts, Action{Op: OpRename, From: st, To: u}), true
		} else {
			acts = append(acts, Action{Op: OpRemove, From: st})
		}
	case Swapped:
		switch {
		case !f.HadDB:
			acts = append(acts, Action{Op: OpRename, From: d, To: u})
		case f.Method == Exchange:
			acts = append(acts, Action{Op: OpExchange, From: a, To: d}, Action{Op: OpRename, From: a, To: u})
		default:
			acts = append(acts, Action{Op: OpRename, From: d, To: u}, Action{Op: OpRename, From: a, To: d})
		}
		keptCopy = true
	case UndoMid:
		acts, keptCopy = append(acts, Action{Op: OpRename, From: a, To: u}), true
	case UndoHalf:
		acts, keptCopy = append(acts, Action{Op: OpRename, From: a, To: d}), true
	}
	if l.Undone == Copy {
		keptCopy = true
	}
	return acts, keptCopy
}

// Do makes one move of a reversal durable.
func (s *Swapper) Do(a Action) error {
	switch a.Op {
	case OpExchange:
		if err := s.exchange(a.From, a.To); err != nil {
			return err
		}
		return fsutil.SyncDir(s.F.Dir)
	case OpRename:
		return s.rename(a.From, a.To)
	case OpRemove:
		return RemoveStaging(a.From)
	}
	return fmt.Errorf("swap: unknown move %q", a.Op)
}

// RemoveStaging removes a staged folder that was never in place. It
// refuses anything but a plain folder whose name ends in ".partial" (the
// form every staging name has), and never follows a link inside it.
func RemoveStaging(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() || !strings.HasSuffix(path, fsutil.PartialSuffix) {
		return fmt.Errorf("refusing to remove %s: not a staging folder", path)
	}
	// Folders may have been made read-only by the copy of their modes.
	_ = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o700)
		}
		return nil
	})
	if err := fsutil.RemoveAll(path); err != nil {
		return err
	}
	return fsutil.SyncDir(filepath.Dir(path))
}
