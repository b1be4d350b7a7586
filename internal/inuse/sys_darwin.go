package inuse

import (
	"golang.org/x/sys/unix"
)

// procName is the command name of pid, from the kernel's process table.
func procName(pid int) string {
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil || kp.Proc.P_pid != int32(pid) {
		return ""
	}
	b := kp.Proc.P_comm[:]
	n := 0
	for n < len(b) && b[n] != 0 {
		n++
	}
	return string(b[:n])
}

// procExe would need libproc's proc_pidpath; the name is enough to tell a
// JVM from efbackup.
func procExe(int) string { return "" }
