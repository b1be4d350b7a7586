//go:build !windows

package doctor

import (
	"errors"
	"os"
	"strconv"
	"syscall"
)

var errNoDevice = errors.New("device unknown")

// deviceOf identifies the file system path lives on.
func deviceOf(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", errNoDevice
	}
	return "dev:" + strconv.FormatUint(uint64(st.Dev), 10), nil
}
