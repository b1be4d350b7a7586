//go:build !windows

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const (
	rowEncSnapshot = "efbackup snapshot --encrypt-to"
	rowEncVerify   = "efbackup verify --identity (encrypted)"
)

// encryptionRows measures a snapshot encrypted to a new key (made once
// with efbackup key new in the work folder), and returns the snapshot it
// kept for the verify rows, or "" when it could not make one.
func encryptionRows(db, scratch string, add func(row)) string {
	key := filepath.Join(*work, "bench-key.txt")
	if _, err := os.Stat(key); err != nil {
		if out, err := exec.Command(*bin, "key", "new", "--out", key).CombinedOutput(); err != nil {
			add(row{name: rowEncSnapshot, skipped: "key new: " + strings.TrimSpace(string(out))})
			return ""
		}
	}
	pub, err := exec.Command(*bin, "key", "public", key).Output()
	if err != nil {
		add(row{name: rowEncSnapshot, skipped: "key public: " + err.Error()})
		return ""
	}
	recipient := strings.TrimSpace(string(pub))
	var last string
	add(row{name: rowEncSnapshot, m: median(func() measurement {
		os.RemoveAll(scratch)
		m := timeCmd("", nil, *bin, "snapshot", "--db", db, "--out", scratch, "--quiet", "--no-progress", "--allow-damaged", "--label", "bench", "--create-out", "--encrypt-to", recipient)
		matches, _ := filepath.Glob(filepath.Join(scratch, "*.tar.zst.age"))
		if len(matches) == 1 {
			m.size = fileSize(matches[0])
			last = matches[0]
		}
		return m
	})})
	if last == "" {
		return ""
	}
	keep := filepath.Join(*work, "efbackup_snapshot_encrypted.tar.zst.age")
	os.Rename(last, keep)
	os.Rename(last+".manifest.json", keep+".manifest.json")
	return keep
}
