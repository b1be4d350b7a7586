package s3

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/store"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/signer"
)

// getRetention asks GetObjectRetention for a version. minio-go insists on
// the root element AWS sends; when a server names it otherwise (versitygw
// says ObjectLockRetention) the request is made again here and read
// without caring about the root's name.
func (s *Store) getRetention(ctx context.Context, key, vid string) (store.Retention, error) {
	mode, until, err := s.client.GetObjectRetention(ctx, s.bucket, key, vid)
	switch {
	case err == nil:
		if mode == nil || until == nil {
			return store.Retention{}, nil
		}
		return store.Retention{Mode: strings.ToUpper(string(*mode)), Until: *until}, nil
	case noRetention(err):
		return store.Retention{}, nil
	}
	if code, _ := s3Code(err); code != "" {
		return store.Retention{}, err
	}
	return s.getRetentionRaw(ctx, key, vid)
}

func noRetention(err error) bool {
	return isCode(err, "NoSuchObjectLockConfiguration", "ObjectLockConfigurationNotFoundError", "InvalidRequest")
}

func (s *Store) getRetentionRaw(ctx context.Context, key, vid string) (store.Retention, error) {
	u := *s.endpoint
	u.Path = "/" + s.bucket + "/" + key
	q := url.Values{"retention": {""}}
	if vid != "" {
		q.Set("versionId", vid)
	}
	u.RawQuery = strings.Replace(q.Encode(), "retention=", "retention", 1)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return store.Retention{}, err
	}
	req.Header.Set("X-Amz-Content-Sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
	signed := signer.SignV4(*req, s.accessKey, s.secrets.values[0], s.secrets.values[1], s.region)
	resp, err := s.httpc.Do(signed)
	if err != nil {
		return store.Retention{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return store.Retention{}, err
	}
	if resp.StatusCode != http.StatusOK {
		var er minio.ErrorResponse
		_ = xml.Unmarshal(body, &er)
		er.StatusCode = resp.StatusCode
		if noRetention(er) || resp.StatusCode == http.StatusNotFound && er.Code == "" {
			return store.Retention{}, nil
		}
		return store.Retention{}, er
	}
	var r struct {
		Mode            string
		RetainUntilDate string
	}
	if err := xml.Unmarshal(body, &r); err != nil {
		return store.Retention{}, i18n.NewError("store.detail.retention.unreadable", err)
	}
	if r.Mode == "" {
		return store.Retention{}, nil
	}
	t, err := time.Parse(time.RFC3339, r.RetainUntilDate)
	if err != nil {
		return store.Retention{}, i18n.NewError("store.detail.retention.date", r.RetainUntilDate)
	}
	return store.Retention{Mode: strings.ToUpper(r.Mode), Until: t}, nil
}
