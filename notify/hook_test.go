package notify

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

type recorder struct {
	mu    sync.Mutex
	calls []string // "METHOD PATH BODY"
	fail  map[string]int
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.calls = append(r.calls, req.Method+" "+req.URL.Path+" "+req.Header.Get("Content-Type")+" "+string(b))
	code := r.fail[req.URL.Path]
	r.mu.Unlock()
	if code != 0 {
		w.WriteHeader(code)
		return
	}
	io.WriteString(w, "OK")
}

func TestPlainHook(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	h, err := ParseHook(srv.URL + "/efbackup/hook?token=s3cret")
	if err != nil || h.Healthchecks() {
		t.Fatal(h, err)
	}
	ctx := context.Background()
	if err := h.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for _, r := range []Result{Success, Failure, Log} {
		if err := h.Send(ctx, r, []byte(`{"outcome":"ok"}`)); err != nil {
			t.Fatal(err)
		}
	}
	want := strings.Repeat(`POST /efbackup/hook application/json {"outcome":"ok"}`+"\n", 3)
	if got := strings.Join(rec.calls, "\n") + "\n"; got != want {
		t.Errorf("calls:\n%s\nwant (no start ping, every result to the URL itself):\n%s", got, want)
	}
}

// A healthchecks-style URL gets /start, the URL itself on success, /fail
// and /log.
func TestHealthchecksHook(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	h, _ := ParseHook(srv.URL + "/ping/5b2c1d8e-0000-4000-8000-000000000001/")
	if !h.Healthchecks() {
		t.Fatal("a /ping/ URL is healthchecks-style")
	}
	ctx := context.Background()
	h.Start(ctx)
	h.Send(ctx, Success, []byte("{}"))
	h.Send(ctx, Failure, []byte("{}"))
	h.Send(ctx, Log, []byte("{}"))
	var paths []string
	for _, c := range rec.calls {
		paths = append(paths, strings.Fields(c)[1])
	}
	p := "/ping/5b2c1d8e-0000-4000-8000-000000000001"
	if want := []string{p + "/start", p, p + "/fail", p + "/log"}; !slices.Equal(paths, want) {
		t.Errorf("pings %q, want %q", paths, want)
	}
	for _, u := range []string{"https://hc-ping.com/abc", "https://eu.hc-ping.com/abc"} {
		if h, _ := ParseHook(u); !h.Healthchecks() {
			t.Errorf("%s is healthchecks-style", u)
		}
	}
}

// A failing hook says so without its secret, retries a 5xx once and a
// 4xx never.
func TestHookFailures(t *testing.T) {
	rec := &recorder{fail: map[string]int{"/down/s3cret": 503, "/gone/s3cret": 404}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	ctx := context.Background()
	for _, c := range []struct {
		path  string
		calls int
	}{{"/down/s3cret", 2}, {"/gone/s3cret", 1}} {
		rec.calls = nil
		h := &Hook{URL: srv.URL + c.path, Backoff: time.Millisecond}
		err := h.Send(ctx, Success, nil)
		if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), srv.Listener.Addr().String()) {
			t.Errorf("%s: %v", c.path, err)
		}
		if len(rec.calls) != c.calls {
			t.Errorf("%s: %d requests, want %d", c.path, len(rec.calls), c.calls)
		}
	}
	// Nothing listens: the error has no secret either.
	srv.Close()
	h := &Hook{URL: srv.URL + "/x/s3cret", Backoff: time.Millisecond}
	if err := h.Send(ctx, Success, nil); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("closed server: %v", err)
	}
	for _, bad := range []string{"ftp://x/y", "hc-ping.com/abc", "", "http://"} {
		if _, err := ParseHook(bad); err == nil {
			t.Errorf("ParseHook(%q) accepted", bad)
		}
	}
	if r := Redact("https://hc-ping.com/5b2c1d8e?x=1"); r != "https://hc-ping.com/…" {
		t.Errorf("Redact: %s", r)
	}
}
