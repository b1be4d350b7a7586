package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An encrypted snapshot in a bucket: the archive and its sidecar go up
// together; list and verify need no key (checked against the sidecar),
// a changed byte is caught without the key, verify and restore with the
// key read it through, and prune removes archive and sidecar together.
func TestS3Encrypted(t *testing.T) {
	srv, b := s3Bucket(t, false)
	inst := opsInstall(t, "4.0", -1)
	key, pub := newKey(t, t.TempDir(), "key.txt")
	url := "s3://" + b + "/pt-maju"

	code, stdout, stderr := runCLI(t, "snapshot", "--install", inst, "--out", url, "--label", "pkp", "--encrypt-to", pub, "--json")
	if code != ExitOK {
		t.Fatalf("encrypted snapshot to S3: exit %d\n%s\n%s", code, stdout, stderr)
	}
	var snap struct {
		Snapshot string `json:"snapshot"`
	}
	jsonOut(t, stdout, &snap)
	name := snap.Snapshot[strings.LastIndex(snap.Snapshot, "/")+1:]
	if !strings.HasSuffix(name, ".tar.zst.age") {
		t.Fatalf("snapshot %s: want a .tar.zst.age name", snap.Snapshot)
	}
	names := objectNames(t, srv, b, "pt-maju/")
	if !contains(names, "pt-maju/"+name) || !contains(names, "pt-maju/"+name+".manifest.json") {
		t.Fatalf("bucket holds %v: want the encrypted archive and its sidecar", names)
	}

	// Without the key: list and verify check it against its sidecar.
	code, stdout, stderr = runCLI(t, "list", "--out", url, "--json")
	var list listOutput
	jsonOut(t, stdout, &list)
	if code != ExitOK || len(list.Snapshots) != 1 || list.Snapshots[0].Status != "ok-encrypted" || !list.Snapshots[0].Encrypted {
		t.Fatalf("list of an encrypted snapshot in a bucket: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, "verify", snap.Snapshot); code != ExitOK {
		t.Fatalf("verify without the key: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// With the key: everything, as for a plain snapshot.
	if code, stdout, stderr := runCLI(t, "verify", "--identity", key, snap.Snapshot); code != ExitOK {
		t.Fatalf("verify with the key: exit %d\n%s\n%s", code, stdout, stderr)
	}
	want, err := treeHash(filepath.Join(inst, "db"))
	if err != nil {
		t.Fatal(err)
	}
	target := opsInstall(t, "4.0", -1)
	if code, stdout, stderr := runCLI(t, "restore", snap.Snapshot, "--install", target, "--from-other-install"); code != ExitKey {
		t.Fatalf("restore without the key: exit %d, want %d\n%s\n%s", code, ExitKey, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, "restore", snap.Snapshot, "--install", target, "--identity", key, "--from-other-install"); code != ExitOK {
		t.Fatalf("restore with the key: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if got, err := treeHash(filepath.Join(target, "db")); err != nil || got != want {
		t.Fatalf("restored db/ differs from the original (%v)", err)
	}

	// prune removes the archive and its sidecar together, without a key.
	time.Sleep(1100 * time.Millisecond) // a new second, a new name
	if code, stdout, stderr := runCLI(t, "snapshot", "--install", inst, "--out", url, "--label", "pkp", "--encrypt-to", pub); code != ExitOK {
		t.Fatalf("second snapshot: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, "prune", "--out", url, "--keep-last", "1"); code != ExitOK {
		t.Fatalf("prune: exit %d\n%s\n%s", code, stdout, stderr)
	}
	left := objectNames(t, srv, b, "pt-maju/")
	if contains(left, "pt-maju/"+name) || contains(left, "pt-maju/"+name+".manifest.json") || len(left) != 2 {
		t.Fatalf("after prune --keep-last 1 the bucket holds %v: want only the newest archive and its sidecar", left)
	}

	// copy sends a local encrypted snapshot off-site and checks it there,
	// without the key.
	local := t.TempDir()
	code, stdout, stderr = runCLI(t, "snapshot", "--install", inst, "--out", local, "--label", "usb", "--encrypt-to", pub, "--json")
	if code != ExitOK {
		t.Fatalf("local encrypted snapshot: exit %d\n%s\n%s", code, stdout, stderr)
	}
	jsonOut(t, stdout, &snap)
	if code, stdout, stderr := runCLI(t, "copy", snap.Snapshot, "--to", url); code != ExitOK {
		t.Fatalf("copy of an encrypted snapshot: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !contains(objectNames(t, srv, b, "pt-maju/"), "pt-maju/"+filepath.Base(snap.Snapshot)+".manifest.json") {
		t.Fatal("copy sent no sidecar")
	}
}
