//go:build !unix && !windows

package inuse

import "errors"

func holdFcntl(string) (func(), error) { return nil, errors.New("not supported") }

func holdJDK(string) (func(), error) { return nil, errors.New("not supported") }
