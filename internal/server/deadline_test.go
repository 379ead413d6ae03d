package server_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/polgraph/polgraph/internal/export"
	"github.com/polgraph/polgraph/internal/server"
)

// An export runs under the server's export deadline, and stops when the
// client goes away.
func TestExportDeadline(t *testing.T) {
	t.Run("HandlerSeesTheDeadline", func(t *testing.T) {
		got := make(chan time.Duration, 1)
		f := newFixture(t, func(o *server.Options) {
			o.ExportTimeout = 3 * time.Second
			o.Export = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				d, ok := r.Context().Deadline()
				if !ok {
					got <- -1
					return
				}
				got <- time.Until(d)
			})
		})
		f.send(httptest.NewRequest(http.MethodGet, "/export?format=json", nil))
		if left := <-got; left <= 0 || left > 3*time.Second {
			t.Errorf("the export's context has %v left, want a deadline within 3s", left)
		}
	})

	t.Run("PastTheDeadlineIsStopped", func(t *testing.T) {
		f := newFixture(t, func(o *server.Options) {
			o.ExportTimeout = time.Nanosecond
			o.Export = export.Handler(o.Service, o.Logger)
		})
		r := f.send(httptest.NewRequest(http.MethodGet, "/export?format=polgraph", nil))
		if r.status != http.StatusServiceUnavailable || !strings.Contains(string(r.body), "deadline") {
			t.Errorf("status %d, body %s; want 503 naming the deadline", r.status, r.body)
		}
	})

	t.Run("ClientGoneCancels", func(t *testing.T) {
		stopped := make(chan error, 1)
		f := newFixture(t, func(o *server.Options) {
			o.Export = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusOK)
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					stopped <- r.Context().Err()
				case <-time.After(10 * time.Second):
					stopped <- errors.New("still running 10s after the client left")
				}
			})
		})
		ts := httptest.NewServer(f.h)
		defer ts.Close()
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/export?format=json", nil)
		req.Host = "127.0.0.1:8080"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		cancel()
		resp.Body.Close()
		if err := <-stopped; !errors.Is(err, context.Canceled) {
			t.Errorf("the export's context ended with %v, want it cancelled", err)
		}
	})
}
