package folderlock

import (
	"bytes"
	"os"
	"strconv"
)

// processStart identifies the start of process pid: its start time in
// clock ticks since boot (the 22nd field of /proc/PID/stat), which with
// the boot id tells a holder from a later process that got its number.
// "" when it cannot be read.
func processStart(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	// pid (comm) state ppid ...: comm may hold spaces and parentheses, so
	// the fields are counted after its last ')'; starttime is the 20th.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return ""
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 20 {
		return ""
	}
	return string(f[19])
}
