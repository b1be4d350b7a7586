//go:build !linux && !windows && !darwin

package volume

import "fmt"

func of(path string) (ID, error) {
	return ID{}, fmt.Errorf("%s: %w", path, ErrUnknown)
}
