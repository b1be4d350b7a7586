//go:build unix && !linux && !darwin

package inuse

func procName(int) string { return "" }

func procExe(int) string { return "" }
