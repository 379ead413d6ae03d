package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAccessLogSampling: at info one ordinary request in 1/sample is logged
// (saying how many it stands for), every error is, and a negative sample
// logs no ordinary request.
func TestAccessLogSampling(t *testing.T) {
	status := http.StatusOK
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) })
	serve := func(handler http.Handler, n int) {
		for range n {
			handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/graphql", nil))
		}
	}
	lines := func(b *bytes.Buffer, substr string) int {
		n := 0
		for _, l := range strings.Split(b.String(), "\n") {
			if strings.Contains(l, substr) {
				n++
			}
		}
		return n
	}

	var info bytes.Buffer
	logged := accessLog(slog.New(slog.NewTextHandler(&info, nil)), 0.01, NewMetrics(), h)
	serve(logged, 250)
	if got := lines(&info, "sampled=100"); got != 2 {
		t.Errorf("info: %d sampled lines for 250 requests, want 2:\n%s", got, info.String())
	}
	status = http.StatusNotFound
	serve(logged, 5)
	if got := lines(&info, "status=404 "); got != 5 {
		t.Errorf("info: %d lines for 5 client errors, want 5", got)
	}
	status = http.StatusInternalServerError
	serve(logged, 2)
	if got := lines(&info, "status=500 "); got != 2 {
		t.Errorf("info: %d lines for 2 server errors, want 2", got)
	}

	var none bytes.Buffer
	status = http.StatusOK
	serve(accessLog(slog.New(slog.NewTextHandler(&none, nil)), -1, NewMetrics(), h), 300)
	if none.Len() != 0 {
		t.Errorf("sample -1: ordinary requests logged:\n%s", none.String())
	}

	var all bytes.Buffer
	serve(accessLog(slog.New(slog.NewTextHandler(&all, nil)), 1, NewMetrics(), h), 7)
	if got := lines(&all, `msg="http request"`); got != 7 {
		t.Errorf("sample 1: %d lines for 7 requests, want 7", got)
	}
}
