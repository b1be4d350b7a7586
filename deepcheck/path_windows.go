package deepcheck

import "golang.org/x/sys/windows"

// launcherPath is p as the java launcher's command line can carry it. The
// launcher reads its arguments through the ANSI code page, so a path with
// a character outside it (the temporary folder of a user whose name has
// one, an install folder) is given by its short 8.3 name, which is ASCII.
// Where the volume keeps no short names the path is returned as it is.
func launcherPath(p string) string {
	for _, r := range p {
		if r > 0x7e {
			return shortPath(p)
		}
	}
	return p
}

func shortPath(p string) string {
	long, err := windows.UTF16PtrFromString(p)
	if err != nil {
		return p
	}
	buf := make([]uint16, 260)
	for {
		n, err := windows.GetShortPathName(long, &buf[0], uint32(len(buf)))
		if err != nil || n == 0 {
			return p
		}
		if int(n) < len(buf) {
			return windows.UTF16ToString(buf[:n])
		}
		buf = make([]uint16, n)
	}
}
