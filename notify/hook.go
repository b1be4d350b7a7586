package notify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Hook is a web hook: a URL that gets an HTTP POST of each run's JSON
// result. A healthchecks-style URL (hc-ping.com, or a path that starts
// with /ping/, as self-hosted Healthchecks serves) gets the pings such a
// monitor expects instead: URL/start when a snapshot starts, URL on
// success, URL/fail on failure and URL/log for a try that only waits;
// each with the JSON result as its body.
type Hook struct {
	URL string
	// Client defaults to one with a 15-second timeout.
	Client *http.Client
	// UserAgent names efbackup and its version.
	UserAgent string
	// Attempts (default 2) and Backoff (default 500 ms, doubled after
	// each attempt) bound the retries of a request that failed on the
	// way or with a 5xx or 429 answer.
	Attempts int
	Backoff  time.Duration
}

// Result is what a run's ping says.
type Result int

const (
	Success Result = iota
	Failure
	// Log is a try that neither succeeded nor failed (it waits for
	// e-Faktur to close): a monitor records it without changing state.
	Log
)

// ParseHook checks a --notify URL: http or https, with a host.
func ParseHook(raw string) (*Hook, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s: want an http:// or https:// address", Redact(raw))
	}
	return &Hook{URL: raw}, nil
}

// Healthchecks reports whether the URL is a healthchecks-style monitor's.
func (h *Hook) Healthchecks() bool {
	u, err := url.Parse(h.URL)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return host == "hc-ping.com" || strings.HasSuffix(host, ".hc-ping.com") || strings.HasPrefix(u.Path, "/ping/")
}

// endpoint is the URL with a suffix added to its path (healthchecks'
// /start, /fail, /log).
func (h *Hook) endpoint(suffix string) string {
	u, err := url.Parse(h.URL)
	if err != nil {
		return h.URL
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + suffix
	u.RawPath = ""
	return u.String()
}

// Start tells a healthchecks-style monitor that a snapshot starts; for a
// plain hook it does nothing.
func (h *Hook) Start(ctx context.Context) error {
	if !h.Healthchecks() {
		return nil
	}
	return h.post(ctx, h.endpoint("/start"), nil)
}

// Send posts the run's JSON result.
func (h *Hook) Send(ctx context.Context, r Result, body []byte) error {
	if !h.Healthchecks() {
		return h.post(ctx, h.URL, body)
	}
	suffix := ""
	switch r {
	case Failure:
		suffix = "/fail"
	case Log:
		suffix = "/log"
	}
	return h.post(ctx, h.endpoint(suffix), body)
}

func (h *Hook) post(ctx context.Context, target string, body []byte) error {
	client := h.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	attempts, backoff := h.Attempts, h.Backoff
	if attempts <= 0 {
		attempts = 2
	}
	if backoff <= 0 {
		backoff = 500 * time.Millisecond
	}
	var last error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(backoff):
			}
			backoff *= 2
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("web hook %s: %v", Redact(target), err)
		}
		req.Header.Set("Content-Type", "application/json")
		if h.UserAgent != "" {
			req.Header.Set("User-Agent", h.UserAgent)
		}
		resp, err := client.Do(req)
		if err != nil {
			// The error names the URL; say it again without its secret.
			last = fmt.Errorf("web hook %s: %v", Redact(target), unwrapURL(err))
			continue
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return nil
		}
		last = fmt.Errorf("web hook %s: the server answered %s", Redact(target), resp.Status)
		if resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests {
			break
		}
	}
	return last
}

// unwrapURL drops the *url.Error around err, which quotes the whole URL.
func unwrapURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// Redact is a hook URL without what may be its secret: scheme and host
// only. Web hook URLs carry tokens (a healthchecks UUID, a chat
// webhook's key), which are never printed or logged.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(web hook)"
	}
	s := u.Scheme + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		s += "/…"
	}
	return s
}
