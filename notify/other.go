//go:build !unix && !windows

package notify

import (
	"context"
	"errors"
)

func systemLog(level Level, msg string, fields Fields) error {
	return errors.New("no system log on this system")
}

func Desktop(ctx context.Context, level Level, title, body string) error { return ErrNoDesktop }
