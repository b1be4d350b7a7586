package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/doctor"
	"github.com/efbackup/efbackup/schedule"
	"github.com/efbackup/efbackup/store/s3/s3test"
	"github.com/minio/minio-go/v7"
)

// The commands against a real S3 server (versitygw, started by s3test on
// 127.0.0.1): the keys come from the environment as a user's would, the
// endpoint from AWS_ENDPOINT_URL. Skipped, saying why, when the server
// cannot be built here; a failure with EFBACKUP_REQUIRE_S3=1.

// s3Bucket makes a fresh bucket (with Object Lock and versioning when
// lock) on the shared server and points the environment of this test, and
// of the programs it starts, at the server.
func s3Bucket(t *testing.T, lock bool) (*s3test.Server, string) {
	t.Helper()
	srv := s3test.Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := srv.NewBucket(ctx, lock)
	if err != nil {
		t.Fatalf("make bucket: %v\n%s", err, srv.Log())
	}
	opsEnv(t)
	home := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": srv.SecretKey, "AWS_SESSION_TOKEN": "",
		"AWS_ENDPOINT_URL": srv.Endpoint, "AWS_ENDPOINT_URL_S3": "", "AWS_REGION": srv.Region, "AWS_DEFAULT_REGION": "",
		"AWS_PROFILE": "", "AWS_CA_BUNDLE": "", "AWS_CONFIG_FILE": "", "AWS_SHARED_CREDENTIALS_FILE": "", "HOME": home,
		envS3Retries: "1",
	} {
		t.Setenv(k, v)
	}
	return srv, b
}

// jsonOut decodes a command's --json output.
func jsonOut(t *testing.T, stdout string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(stdout), v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
}

// objectNames lists every object name under prefix with the server's own
// client (complete objects only, newest versions).
func objectNames(t *testing.T, srv *s3test.Server, bucket, prefix string) []string {
	t.Helper()
	var out []string
	for o := range srv.Client().ListObjects(context.Background(), bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		out = append(out, o.Key)
	}
	return out
}

// incompleteUploads lists the multipart uploads begun and never completed.
func incompleteUploads(t *testing.T, srv *s3test.Server, bucket string) []string {
	t.Helper()
	var out []string
	for u := range srv.Client().ListIncompleteUploads(context.Background(), bucket, "", true) {
		if u.Err != nil {
			t.Fatal(u.Err)
		}
		out = append(out, u.Key)
	}
	return out
}

// Every command that reads or writes snapshots, against a bucket: a locked
// snapshot into one client's prefix and another into a second client's,
// list across both prefixes, verify and restore from the bucket, prune that
// plans around the locked snapshots and says so.
func TestS3Commands(t *testing.T) {
	srv, b := s3Bucket(t, true)
	inst := opsInstall(t, "4.0", -1)
	urlA, urlB := "s3://"+b+"/clients/pt-maju", "s3://"+b+"/clients/cv-jaya"

	code, stdout, stderr := runCLI(t, "snapshot", "--install", inst, "--out", urlA, "--label", "pkp", "--lock-days", "1", "--json")
	if code != ExitOK {
		t.Fatalf("snapshot to S3: exit %d\n%s\n%s", code, stdout, stderr)
	}
	var snap struct {
		Snapshot  string `json:"snapshot"`
		VersionID string `json:"version_id"`
		Retention *struct {
			Mode  string    `json:"mode"`
			Until time.Time `json:"until"`
		} `json:"retention"`
	}
	jsonOut(t, stdout, &snap)
	if !strings.HasPrefix(snap.Snapshot, urlA+"/pkp-") || snap.VersionID == "" || snap.Retention == nil || snap.Retention.Mode != "GOVERNANCE" ||
		snap.Retention.Until.Before(time.Now().Add(23*time.Hour)) {
		t.Fatalf("snapshot result %+v: want an object under %s with a version id and a day of governance retention", snap, urlA)
	}
	names := objectNames(t, srv, b, "clients/pt-maju/")
	name := snap.Snapshot[strings.LastIndex(snap.Snapshot, "/")+1:]
	if !contains(names, "clients/pt-maju/"+name) || !contains(names, "clients/pt-maju/"+name+".manifest.json") {
		t.Fatalf("bucket holds %v: want the archive and its sidecar", names)
	}
	if code, stdout, stderr := runCLI(t, "snapshot", "--install", inst, "--out", urlB, "--label", "pkp"); code != ExitOK {
		t.Fatalf("second client: exit %d\n%s\n%s", code, stdout, stderr)
	}

	// list across the consultant's prefixes.
	code, stdout, stderr = runCLI(t, "list", "--out", "s3://"+b+"/clients", "--json")
	if code != ExitOK {
		t.Fatalf("list: exit %d\n%s\n%s", code, stdout, stderr)
	}
	var list listOutput
	jsonOut(t, stdout, &list)
	if len(list.Snapshots) != 2 || list.Snapshots[0].Prefix != "cv-jaya" || list.Snapshots[1].Prefix != "pt-maju" ||
		list.Snapshots[1].Status != "ok" || list.Snapshots[1].Retention == nil {
		t.Fatalf("list across prefixes: %s", stdout)
	}

	// EFBACKUP_OUT names a bucket prefix as it names a folder.
	t.Setenv("EFBACKUP_OUT", urlA)
	code, stdout, stderr = runCLI(t, "list", "--no-verify", "--json")
	t.Setenv("EFBACKUP_OUT", "")
	var one listOutput
	jsonOut(t, stdout, &one)
	if code != ExitOK || len(one.Snapshots) != 1 || one.Snapshots[0].Snapshot != snap.Snapshot {
		t.Fatalf("list with EFBACKUP_OUT=%s: exit %d\n%s\n%s", urlA, code, stdout, stderr)
	}

	// verify and restore straight from the bucket.
	if code, stdout, stderr := runCLI(t, "verify", snap.Snapshot); code != ExitOK || !strings.Contains(stdout, snap.Snapshot) {
		t.Fatalf("verify: exit %d\n%s\n%s", code, stdout, stderr)
	}
	want, err := treeHash(filepath.Join(inst, "db"))
	if err != nil {
		t.Fatal(err)
	}
	target := opsInstall(t, "4.0", -1)
	if code, stdout, stderr := runCLI(t, "restore", snap.Snapshot, "--install", target, "--from-other-install"); code != ExitOK {
		t.Fatalf("restore from S3: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if got, err := treeHash(filepath.Join(target, "db")); err != nil || got != want {
		t.Fatalf("restored db/ differs from the original (%v)", err)
	}

	// A second snapshot of pt-maju; prune keeping one may not remove the
	// locked first: it says so, removes nothing, and the snapshot stays.
	time.Sleep(1100 * time.Millisecond) // a new second, a new name
	if code, stdout, stderr := runCLI(t, "snapshot", "--install", inst, "--out", urlA, "--label", "pkp", "--lock-days", "1"); code != ExitOK {
		t.Fatalf("snapshot: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "prune", "--out", urlA, "--keep-last", "1")
	if code != ExitOK || !strings.Contains(stdout+stderr, "retention") {
		t.Fatalf("prune of locked snapshots: exit %d, want 0 and the retention named\n%s\n%s", code, stdout, stderr)
	}
	if !contains(objectNames(t, srv, b, "clients/pt-maju/"), "clients/pt-maju/"+name) {
		t.Fatal("prune removed a snapshot under retention")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// What goes wrong with a bucket is said in words a user can act on, in
// English and Indonesian, with exit code 1 (kind "storage" in --json), or 2
// when no keys are set up at all; the keys never show.
func TestS3Errors(t *testing.T) {
	srv, b := s3Bucket(t, false)
	inst := opsInstall(t, "4.0", -1)
	cases := []struct {
		name, url string
		env       map[string]string
		en, id    string
		code      int
		kind      string
	}{
		// Nothing to sign with is a matter of setting up, like a wrong flag.
		{"no credentials", "s3://" + b + "/x", map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}, "no S3 credentials", "kunci S3", ExitUsage, "usage"},
		{"bad secret", "s3://" + b + "/x", map[string]string{"AWS_SECRET_ACCESS_KEY": "not-the-secret"}, "does not accept", "tidak menerima", ExitFailed, "storage"},
		{"bucket missing", "s3://efb-no-such-bucket/x", nil, "does not exist", "tidak ada", ExitFailed, "storage"},
		{"wrong endpoint", "s3://" + b + "/x", map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1"}, "cannot reach", "tidak dapat", ExitFailed, "storage"},
		{"no object lock", "s3://" + b + "/x", nil, "Object Lock", "Object Lock", ExitFailed, "storage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			args := []string{"snapshot", "--install", inst, "--out", c.url}
			if c.name == "no object lock" {
				args = append(args, "--lock-days", "1")
			}
			for _, lang := range []string{"en", "id"} {
				t.Setenv("EFBACKUP_LANG", lang)
				code, stdout, stderr := runCLI(t, args...)
				want := c.en
				if lang == "id" {
					want = c.id
				}
				if code != c.code || !strings.Contains(stderr, want) {
					t.Fatalf("%s (%s): exit %d, want %d and %q\n%s\n%s", c.name, lang, code, c.code, want, stdout, stderr)
				}
				if strings.Contains(stdout+stderr, srv.SecretKey) || strings.Contains(stdout+stderr, "not-the-secret") {
					t.Fatalf("a secret shows in the output:\n%s\n%s", stdout, stderr)
				}
			}
			t.Setenv("EFBACKUP_LANG", "en")
			_, _, stderr := runCLI(t, append(args, "--json")...)
			if !strings.Contains(stderr, `"kind":"`+c.kind+`"`) && !strings.Contains(stderr, `"kind": "`+c.kind+`"`) {
				t.Fatalf("--json error: %s, want kind %q", stderr, c.kind)
			}
		})
	}
	if n := objectNames(t, srv, b, ""); len(n) != 0 {
		t.Fatalf("failed runs left %v in the bucket", n)
	}
}

// With the very keys efbackup uses, someone deletes and overwrites a
// locked snapshot and tries to delete its version: the delete of the
// version is refused; verify and list still read the version efbackup
// wrote, find it sound, and report the tampering (exit 3).
func TestS3LockedSnapshotTampered(t *testing.T) {
	srv, b := s3Bucket(t, true)
	inst := opsInstall(t, "4.0", -1)
	url := "s3://" + b + "/pkp"
	code, stdout, stderr := runCLI(t, "snapshot", "--install", inst, "--out", url, "--lock-days", "1", "--json")
	if code != ExitOK {
		t.Fatalf("snapshot: exit %d\n%s\n%s", code, stdout, stderr)
	}
	var snap struct {
		Snapshot  string `json:"snapshot"`
		VersionID string `json:"version_id"`
	}
	jsonOut(t, stdout, &snap)
	key := "pkp/" + snap.Snapshot[strings.LastIndex(snap.Snapshot, "/")+1:]
	ctx := context.Background()
	c := srv.Client()
	if err := c.RemoveObject(ctx, b, key, minio.RemoveObjectOptions{VersionID: snap.VersionID}); err == nil {
		t.Fatal("the locked version was deleted")
	}
	if err := c.RemoveObject(ctx, b, key, minio.RemoveObjectOptions{}); err != nil {
		t.Fatalf("plain delete (adds a delete marker): %v", err)
	}
	junk := []byte("encrypted by ransomware")
	if _, err := c.PutObject(ctx, b, key, bytes.NewReader(junk), int64(len(junk)), minio.PutObjectOptions{}); err != nil {
		t.Fatalf("overwrite (adds a version): %v", err)
	}
	for _, lang := range []string{"en", "id"} {
		t.Setenv("EFBACKUP_LANG", lang)
		code, stdout, stderr = runCLI(t, "verify", snap.Snapshot)
		want := map[string]string{"en": "tamper", "id": "diutak-atik"}[lang]
		if code != ExitIntegrity || !strings.Contains(strings.ToLower(stdout+stderr), want) {
			t.Fatalf("verify of a tampered snapshot (%s): exit %d, want %d and %q\n%s\n%s", lang, code, ExitIntegrity, want, stdout, stderr)
		}
	}
	t.Setenv("EFBACKUP_LANG", "en")
	code, stdout, stderr = runCLI(t, "verify", snap.Snapshot, "--json")
	var out verifyOutput
	jsonOut(t, stdout, &out)
	if code != ExitIntegrity || len(out.Results) != 1 || !out.Results[0].OK || out.Results[0].Tampered == nil {
		t.Fatalf("verify --json: exit %d: want the version efbackup wrote read as sound and the tampering reported\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "list", "--out", url, "--json")
	var list listOutput
	jsonOut(t, stdout, &list)
	if code != ExitIntegrity || len(list.Snapshots) != 1 || list.Snapshots[0].Tampered == nil || list.Snapshots[0].Status != "ok" {
		t.Fatalf("list of a tampered bucket: exit %d\n%s", code, stdout)
	}
}

// bigInstall is an install whose db/ holds 16 MiB that do not compress,
// so that a snapshot uploads in several parts.
func bigInstall(t *testing.T) string {
	t.Helper()
	inst := opsInstall(t, "4.0", -1)
	b := make([]byte, 16<<20)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inst, "db", "lampiran.bin"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return inst
}

// A snapshot killed in the middle of its upload leaves no object under a
// final name, only an incomplete upload; the next run aborts it and says
// so.
func TestS3KilledUpload(t *testing.T) {
	srv, b := s3Bucket(t, false)
	inst := bigInstall(t)
	url := "s3://" + b + "/pkp"
	killed, out := killAt(t, child([]string{"snapshot", "--install", inst, "--out", url}), "snapshot-mib#20", ExitOK)
	if !killed {
		t.Fatalf("the snapshot ended before the kill:\n%s", out)
	}
	for _, n := range objectNames(t, srv, b, "pkp/") {
		if strings.HasSuffix(n, ".tar.zst") || strings.HasSuffix(n, ".manifest.json") {
			t.Fatalf("a killed upload left %s under a final name", n)
		}
	}
	if ups := incompleteUploads(t, srv, b); len(ups) == 0 {
		t.Fatal("no incomplete upload after the kill: the kill came before the upload began")
	}
	code, stdout, stderr := runCLI(t, "snapshot", "--install", inst, "--out", url)
	if code != ExitOK || !strings.Contains(stdout+stderr, "unfinished upload") {
		t.Fatalf("next run: exit %d, want 0 and the orphan named\n%s\n%s", code, stdout, stderr)
	}
	if ups := incompleteUploads(t, srv, b); len(ups) != 0 {
		t.Fatalf("the orphaned upload is still there: %v", ups)
	}
}

// The network goes away in the middle of an upload: the snapshot fails
// with the network named, and no object carries a final name.
func TestS3NetworkCut(t *testing.T) {
	srv, b := s3Bucket(t, false)
	inst := bigInstall(t)
	p, err := s3test.NewProxy(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	t.Setenv("AWS_ENDPOINT_URL", "http://"+p.Addr)
	p.CutAfter(7 << 20)
	code, stdout, stderr := runCLI(t, "snapshot", "--install", inst, "--out", "s3://"+b+"/pkp")
	if code != ExitFailed || !strings.Contains(stderr, "network") {
		t.Fatalf("cut mid-upload: exit %d, want %d and the network named\n%s\n%s", code, ExitFailed, stdout, stderr)
	}
	p.Restore()
	for _, n := range objectNames(t, srv, b, "pkp/") {
		if strings.HasSuffix(n, ".tar.zst") {
			t.Fatalf("a cut upload left %s under a final name", n)
		}
	}
}

// copy sends a local snapshot, its sidecar and its proof off-site, locked,
// reads the copy back and verifies it; a second copy finds it there and
// sends nothing. A snapshot efbackup did not name is refused.
func TestS3Copy(t *testing.T) {
	srv, b := s3Bucket(t, true)
	inst := opsInstall(t, "4.0", -1)
	dir := t.TempDir()
	if code, stdout, stderr := runCLI(t, "snapshot", "--install", inst, "--out", dir); code != ExitOK {
		t.Fatalf("snapshot: exit %d\n%s\n%s", code, stdout, stderr)
	}
	snap := archives(t, dir)[0]
	proof := []byte(`{"engine":"derby","verdict":"ok","checked":"2026-12-01T00:00:00Z"}` + "\n")
	if err := os.WriteFile(snap+".proof.json", proof, 0o600); err != nil {
		t.Fatal(err)
	}
	to := "s3://" + b + "/pkp"
	code, stdout, stderr := runCLI(t, "copy", snap, "--to", to, "--lock-days", "2", "--json")
	if code != ExitOK {
		t.Fatalf("copy: exit %d\n%s\n%s", code, stdout, stderr)
	}
	var rep copyReport
	jsonOut(t, stdout, &rep)
	name := filepath.Base(snap)
	if !rep.Verified || !rep.Sidecar || !rep.Proof || rep.AlreadyThere || rep.Copy != to+"/"+name || rep.Retention == nil {
		t.Fatalf("copy report: %s", stdout)
	}
	got := objectNames(t, srv, b, "pkp/")
	for _, n := range []string{name, name + ".manifest.json", name + ".proof.json"} {
		if !contains(got, "pkp/"+n) {
			t.Fatalf("bucket holds %v: no %s", got, n)
		}
	}
	code, stdout, stderr = runCLI(t, "copy", snap, "--to", to, "--json")
	jsonOut(t, stdout, &rep)
	if code != ExitOK || !rep.AlreadyThere || !rep.Verified {
		t.Fatalf("second copy: exit %d, want the copy found there and verified\n%s\n%s", code, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, "verify", rep.Copy); code != ExitOK {
		t.Fatalf("verify of the copy: exit %d\n%s\n%s", code, stdout, stderr)
	}
	other := filepath.Join(t.TempDir(), "notes.tar.zst")
	if err := os.WriteFile(other, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "copy", other, "--to", to); code != ExitUsage || !strings.Contains(stderr, "not named like") {
		t.Fatalf("copy of a foreign file: exit %d\n%s", code, stderr)
	}
}

// doctor reads a bucket: one without Object Lock and versioning is named
// with how to enable them; in --json, each install's newest off-site
// snapshot.
func TestS3Doctor(t *testing.T) {
	_, plain := s3Bucket(t, false)
	srv := s3test.Shared(t)
	locked, err := srv.NewBucket(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	inst := opsInstall(t, "4.0", -1)
	for _, client := range []string{"pt-maju", "cv-jaya"} {
		if code, stdout, stderr := runCLI(t, "snapshot", "--install", inst, "--out", "s3://"+locked+"/"+client, "--label", client, "--lock-days", "1"); code != ExitOK {
			t.Fatalf("snapshot: exit %d\n%s\n%s", code, stdout, stderr)
		}
	}
	_, stdout, stderr := runCLI(t, "doctor", inst, "--out", "s3://"+plain+"/x", "--out", "s3://"+locked, "--json")
	var d doctorOutput
	jsonOut(t, stdout, &d)
	if len(d.Offsite) != 2 {
		t.Fatalf("doctor examined %d buckets, want 2\n%s\n%s", len(d.Offsite), stdout, stderr)
	}
	p, l := d.Offsite[0], d.Offsite[1]
	if p.ObjectLock || p.Versioning == "Enabled" || !l.ObjectLock || l.Versioning != "Enabled" {
		t.Fatalf("bucket status: %+v %+v", p, l)
	}
	if len(l.Installs) != 2 || l.Installs[0].Retention == nil || l.Installs[0].Snapshot == "" {
		t.Fatalf("newest off-site snapshots: %+v", l.Installs)
	}
	codes := map[string]string{}
	for _, f := range d.Findings {
		codes[f.Code] = f.Next
	}
	for _, in := range d.Installs {
		for _, f := range in.Findings {
			codes[f.Code] = f.Next
		}
	}
	if codes[doctor.CodeNoObjectLock] == "" || codes[doctor.CodeNoVersioning] == "" {
		t.Fatalf("no finding on the bucket without Object Lock and versioning: %v\n%s", codes, stdout)
	}
	for _, lang := range []string{"en", "id"} {
		_, stdout, _ := runCLI(t, "--lang", lang, "doctor", inst, "--out", "s3://"+plain+"/x")
		want := map[string]string{"en": "Object Lock", "id": "Object Lock"}[lang]
		if !strings.Contains(stdout, want) || strings.Contains(stdout, "%!") {
			t.Fatalf("doctor (%s):\n%s", lang, stdout)
		}
	}
}

// The scheduled run makes its snapshot on the USB drive and copies it to
// the bucket in the same run; the run log says where the copy went.
func TestS3ScheduledCopy(t *testing.T) {
	srv, b := s3Bucket(t, true)
	inst := opsInstall(t, "4.0", -1)
	usb := t.TempDir()
	code, stdout, stderr := runCLI(t, "run-scheduled", "--install", inst, "--out", usb, "--label", "pkp",
		"--copy-to", "s3://"+b+"/pkp", "--lock-days", "1", "--keep-last", "3")
	if code != ExitOK {
		t.Fatalf("run-scheduled: exit %d\n%s\n%s", code, stdout, stderr)
	}
	local := archives(t, usb)
	if len(local) != 1 {
		t.Fatalf("USB drive holds %v", local)
	}
	if !contains(objectNames(t, srv, b, "pkp/"), "pkp/"+filepath.Base(local[0])) {
		t.Fatal("the run did not copy its snapshot to the bucket")
	}
	log, err := os.ReadFile(filepath.Join(usb, schedule.RunLogName))
	if err != nil {
		t.Fatalf("run log: %v", err)
	}
	if !strings.Contains(string(log), `"copied":"s3://`+b+`/pkp/`+filepath.Base(local[0])) {
		t.Fatalf("run log does not name the copy:\n%s", log)
	}
	if strings.Contains(string(log), srv.SecretKey) {
		t.Fatal("the run log holds the secret key")
	}
}

// A schedule that writes to a bucket names the profile its run reads the
// keys from, never the keys; without a profile it says where to put them.
func TestS3ScheduleHoldsNoSecret(t *testing.T) {
	srv, b := s3Bucket(t, true)
	inst := opsInstall(t, "4.0", -1)
	usb := t.TempDir()
	aws := filepath.Join(os.Getenv("HOME"), ".aws")
	if err := os.MkdirAll(aws, 0o700); err != nil {
		t.Fatal(err)
	}
	creds := "[efaktur]\naws_access_key_id = " + srv.AccessKey + "\naws_secret_access_key = " + srv.SecretKey + "\n"
	if err := os.WriteFile(filepath.Join(aws, "credentials"), []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, profile := range []string{"", "efaktur"} {
		args := []string{"schedule", "show", "--install", inst, "--out", usb, "--copy-to", "s3://" + b + "/pkp",
			"--lock-days", "30", "--daily", "18:30", "--backend", "cron"}
		if profile != "" {
			args = append(args, "--s3-profile", profile)
		}
		code, stdout, stderr := runCLI(t, args...)
		if code != ExitOK {
			t.Fatalf("schedule show: exit %d\n%s\n%s", code, stdout, stderr)
		}
		all := stdout + stderr
		if strings.Contains(all, srv.SecretKey) || strings.Contains(all, srv.AccessKey) {
			t.Fatalf("the schedule holds a key:\n%s", all)
		}
		if !strings.Contains(all, "--copy-to") || !strings.Contains(all, "--lock-days 30") {
			t.Fatalf("the schedule's command line lacks the copy:\n%s", all)
		}
		if profile != "" && !strings.Contains(all, "--s3-profile "+profile) {
			t.Fatalf("the schedule does not name the profile:\n%s", all)
		}
		if profile == "" && !strings.Contains(all, "profile") {
			t.Fatalf("no word on where the scheduled run finds its keys:\n%s", all)
		}
	}
}
