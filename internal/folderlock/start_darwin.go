package folderlock

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// processStart identifies the start of process pid: its start time as the
// kernel records it, which tells a holder from a later process that got
// its number. "" when it cannot be read.
func processStart(pid int) string {
	k, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil || k.Proc.P_pid != int32(pid) {
		return ""
	}
	t := k.Proc.P_starttime
	return fmt.Sprintf("%d.%06d", t.Sec, t.Usec)
}
