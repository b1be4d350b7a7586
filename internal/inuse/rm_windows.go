package inuse

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// The Restart Manager (rstrtmgr.dll, Windows Vista and later) lists the
// processes that have a file open, from the kernel's own records, without
// opening the file: nothing Derby does can collide with it.
var (
	modRstrtmgr             = windows.NewLazySystemDLL("rstrtmgr.dll")
	procRmStartSession      = modRstrtmgr.NewProc("RmStartSession")
	procRmRegisterResources = modRstrtmgr.NewProc("RmRegisterResources")
	procRmGetList           = modRstrtmgr.NewProc("RmGetList")
	procRmEndSession        = modRstrtmgr.NewProc("RmEndSession")
)

// rmProcessInfo is RM_PROCESS_INFO (restartmanager.h).
type rmProcessInfo struct {
	PID         uint32           // RM_UNIQUE_PROCESS.dwProcessId
	StartTime   windows.Filetime // RM_UNIQUE_PROCESS.ProcessStartTime
	AppName     [256]uint16      // CCH_RM_MAX_APP_NAME + 1
	ServiceName [64]uint16       // CCH_RM_MAX_SVC_NAME + 1
	AppType     uint32
	AppStatus   uint32
	TSSessionID uint32
	Restartable int32
}

// rmSessionKeyLen is CCH_RM_SESSION_KEY + 1.
const rmSessionKeyLen = 33

// rmList returns the processes that have any of paths open.
func rmList(paths []string) ([]rmProcessInfo, error) {
	if err := modRstrtmgr.Load(); err != nil {
		return nil, err
	}
	for _, p := range []*windows.LazyProc{procRmStartSession, procRmRegisterResources, procRmGetList, procRmEndSession} {
		if err := p.Find(); err != nil {
			return nil, err
		}
	}
	var session uint32
	var key [rmSessionKeyLen]uint16
	if r, _, _ := procRmStartSession.Call(uintptr(unsafe.Pointer(&session)), 0, uintptr(unsafe.Pointer(&key[0]))); r != 0 {
		return nil, fmt.Errorf("RmStartSession: %w", syscall.Errno(r))
	}
	defer procRmEndSession.Call(uintptr(session))

	names := make([]*uint16, len(paths))
	for i, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		if names[i], err = windows.UTF16PtrFromString(abs); err != nil {
			return nil, err
		}
	}
	if len(names) > 0 {
		r, _, _ := procRmRegisterResources.Call(uintptr(session), uintptr(len(names)), uintptr(unsafe.Pointer(&names[0])), 0, 0, 0, 0)
		runtime.KeepAlive(names)
		if r != 0 {
			return nil, fmt.Errorf("RmRegisterResources: %w", syscall.Errno(r))
		}
	}
	var infos []rmProcessInfo
	for range 5 { // the list may grow between two calls
		var needed, reasons uint32
		n := uint32(len(infos))
		var arr uintptr
		if n > 0 {
			arr = uintptr(unsafe.Pointer(&infos[0]))
		}
		r, _, _ := procRmGetList.Call(uintptr(session), uintptr(unsafe.Pointer(&needed)), uintptr(unsafe.Pointer(&n)), arr, uintptr(unsafe.Pointer(&reasons)))
		switch syscall.Errno(r) {
		case 0:
			return infos[:n], nil
		case windows.ERROR_MORE_DATA:
			infos = make([]rmProcessInfo, needed+4)
		default:
			return nil, fmt.Errorf("RmGetList: %w", syscall.Errno(r))
		}
	}
	return nil, errors.New("RmGetList: the list kept changing")
}

// restartManager reports whether the Restart Manager can be trusted here,
// and if not why. It is checked once per process, against a temporary file
// this process holds open: an implementation that does not list that
// process (Wine's stub lists no process at all and still reports success)
// would report every database free.
var restartManager = sync.OnceValue(func() error {
	f, err := os.CreateTemp("", "efbackup-rm-*.tmp")
	if err != nil {
		return fmt.Errorf("cannot make the test file: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	procs, err := rmList([]string{f.Name()})
	if err != nil {
		return err
	}
	self := uint32(os.Getpid())
	for _, p := range procs {
		if p.PID == self {
			return nil
		}
	}
	return errors.New("it does not list this process for a file this process holds open")
})
