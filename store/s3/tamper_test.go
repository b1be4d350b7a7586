package s3

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/efbackup/efbackup/store"
	"github.com/efbackup/efbackup/store/s3/s3test"
	"github.com/minio/minio-go/v7"
)

func readVersion(t *testing.T, s *Store, name, vid string) []byte {
	t.Helper()
	r, err := s.Open(testCtx(t), name, store.OpenOptions{VersionID: vid})
	if err != nil {
		t.Fatalf("open %s (version %q): %v", name, vid, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Someone with efbackup's own credentials tries to destroy a locked
// snapshot: a version-specific delete is refused; a plain delete and an
// overwrite only add versions, the locked one stays readable byte for byte,
// and the store reports the tampering.
func TestTamperLockedSnapshot(t *testing.T) {
	srv := s3test.Shared(t)
	b := bucket(t, srv, true)
	e := rootEnv(t, srv)
	s := newStore(t, srv, b, "pt-maju", e)
	ctx := testCtx(t)
	const name = "eFaktur-20261121T080000Z.tar.zst"
	data := bytes.Repeat([]byte("snapshot bytes "), 500_000) // 7.2 MiB: a multipart upload
	for _, mode := range []string{"", store.LockCompliance} {
		n := name
		if mode != "" {
			n = "c-" + name
		}
		w, err := s.Create(ctx, n, store.CreateOptions{LockDays: 1, LockMode: mode})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
		c, err := w.Commit()
		if err != nil {
			t.Fatal(err)
		}
		wantMode := "GOVERNANCE"
		if mode == store.LockCompliance {
			wantMode = "COMPLIANCE"
		}
		if c.VersionID == "" || c.Retention.Mode != wantMode {
			t.Fatalf("committed %+v: want a version id and %s retention", c, wantMode)
		}
		r, err := s.Retention(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if r.Mode != wantMode || r.Until.Before(time.Now().Add(23*time.Hour)) || r.Until.After(time.Now().Add(25*time.Hour)) {
			t.Fatalf("retention %+v, want %s for a day", r, wantMode)
		}

		// The attacker uses the very keys efbackup uses.
		evil := s.client
		key := s.key(n)
		err = evil.RemoveObject(ctx, b, key, minio.RemoveObjectOptions{VersionID: c.VersionID})
		if KindOfS3(s, err) != store.KindAccessDenied {
			t.Fatalf("version-specific delete of a locked snapshot: %v, want access denied", err)
		}
		if err := evil.RemoveObject(ctx, b, key, minio.RemoveObjectOptions{}); err != nil {
			t.Fatalf("plain delete: %v", err)
		}
		es, err := s.List(ctx, store.ListOptions{Retention: true})
		if err != nil {
			t.Fatal(err)
		}
		got := find(es, n)
		if got == nil || got.Tamper == nil || !got.Tamper.DeleteMarker || got.VersionID != c.VersionID || got.Size != int64(len(data)) {
			t.Fatalf("after a plain delete, list says %+v (tamper %+v); want the locked version, marked deleted", got, tamperOf(got))
		}
		if got.Retention.Mode != wantMode {
			t.Fatalf("retention of the deleted-over version: %+v", got.Retention)
		}
		if !bytes.Equal(readAll(t, s, n), data) || !bytes.Equal(readVersion(t, s, n, c.VersionID), data) {
			t.Fatal("the locked version does not read back byte for byte after a plain delete")
		}

		evilBytes := []byte("not a snapshot")
		if _, err := evil.PutObject(ctx, b, key, bytes.NewReader(evilBytes), int64(len(evilBytes)), minio.PutObjectOptions{}); err != nil {
			t.Fatalf("overwrite: %v", err)
		}
		st, err := s.Stat(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if st.Tamper == nil || st.Tamper.DeleteMarker || st.Tamper.Newer != 2 || st.VersionID != c.VersionID || st.Tamper.NewestVersionID == c.VersionID {
			t.Fatalf("after an overwrite, stat says %+v (tamper %+v)", st, tamperOf(&st))
		}
		if !bytes.Equal(readAll(t, s, n), data) {
			t.Fatal("after an overwrite, Open reads the attacker's bytes")
		}
		if err := evil.RemoveObject(ctx, b, key, minio.RemoveObjectOptions{VersionID: c.VersionID}); KindOfS3(s, err) != store.KindAccessDenied {
			t.Fatalf("version-specific delete after the overwrite: %v", err)
		}
		var re *store.RetainedError
		if err := s.Remove(ctx, n); !errors.As(err, &re) || re.Retention.Mode != wantMode {
			t.Fatalf("remove of a retained snapshot: %v, want *store.RetainedError", err)
		}
		if !bytes.Equal(readAll(t, s, n), data) {
			t.Fatal("a refused remove changed the snapshot")
		}
		// A new create of the name is refused too: a used name stays used.
		if _, err := s.Create(ctx, n, store.CreateOptions{}); !errors.Is(err, store.ErrExists) {
			t.Fatalf("create over a tampered name: %v", err)
		}
	}
}

// KindOfS3 classifies a raw client error the way the store would.
func KindOfS3(s *Store, err error) store.Kind {
	return store.KindOf(s.fail("test", "", err))
}

func find(es []store.Entry, name string) *store.Entry {
	for i := range es {
		if es[i].Name == name {
			return &es[i]
		}
	}
	return nil
}

func tamperOf(e *store.Entry) *store.Tamper {
	if e == nil {
		return nil
	}
	return e.Tamper
}

func readAll(t *testing.T, s *Store, name string) []byte {
	t.Helper()
	return readVersion(t, s, name, "")
}

// Once its retention has passed, Remove deletes every version of a name,
// the tampering ones included; before, it refuses without touching any.
func TestRemoveAfterRetention(t *testing.T) {
	srv := s3test.Shared(t)
	b := bucket(t, srv, true)
	s := newStore(t, srv, b, "p", rootEnv(t, srv))
	ctx := testCtx(t)
	until := time.Now().Add(3 * time.Second).UTC().Truncate(time.Second).Add(time.Second)
	key := s.key("short")
	if _, err := s.client.PutObject(ctx, b, key, strings.NewReader("x"), 1, minio.PutObjectOptions{Mode: minio.Governance, RetainUntilDate: until}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.PutObject(ctx, b, key, strings.NewReader("yy"), 2, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	var re *store.RetainedError
	if err := s.Remove(ctx, "short"); !errors.As(err, &re) || !re.Retention.Until.Equal(until) {
		t.Fatalf("remove before the date: %v", err)
	}
	vs, _, err := s.versions(ctx, key, true)
	if err != nil || len(vs[key]) != 2 {
		t.Fatalf("a refused remove touched the versions: %+v, %v", vs[key], err)
	}
	time.Sleep(time.Until(until) + 1100*time.Millisecond)
	if err := s.Remove(ctx, "short"); err != nil {
		t.Fatalf("remove after the date: %v", err)
	}
	vs, _, err = s.versions(ctx, key, true)
	if err != nil || len(vs[key]) != 0 {
		t.Fatalf("versions left after remove: %+v, %v", vs[key], err)
	}
}

// BucketStatus tells doctor whether a bucket can hold locked snapshots.
func TestBucketStatus(t *testing.T) {
	srv := s3test.Shared(t)
	e := rootEnv(t, srv)
	for _, lock := range []bool{true, false} {
		s := newStore(t, srv, bucket(t, srv, lock), "", e)
		st, err := s.BucketStatus(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		if st.ObjectLock != lock || (st.Versioning == "Enabled") != lock {
			t.Fatalf("object lock %v: status %+v", lock, st)
		}
	}
}

// A retention asked of a bucket without Object Lock is an error the user
// can act on, never a snapshot silently left unlocked.
func TestLockDaysWithoutObjectLock(t *testing.T) {
	srv := s3test.Shared(t)
	s := newStore(t, srv, bucket(t, srv, false), "", rootEnv(t, srv))
	ctx := testCtx(t)
	for _, size := range []int{10, 6 << 20} {
		w, err := s.Create(ctx, "locked", store.CreateOptions{LockDays: 7})
		if err == nil {
			_, err = w.Write(make([]byte, size))
			if err == nil {
				_, err = w.Commit()
			}
			_ = w.Abort()
		}
		if k := store.KindOf(err); k != store.KindNoObjectLock {
			t.Fatalf("%d bytes with LockDays in a bucket without Object Lock: %v (kind %q)", size, err, k)
		}
		if _, err := s.Stat(ctx, "locked"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("stat: %v", err)
		}
	}
}
