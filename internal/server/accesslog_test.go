package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAccessLogSampling: at info one successful request in accessLogSample
// is logged (saying how many it stands for), every error is, and at debug
// every request is.
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
	logged := accessLog(slog.New(slog.NewTextHandler(&info, nil)), h)
	serve(logged, 2*accessLogSample+50)
	if got := lines(&info, "sampled=100"); got != 3 {
		t.Errorf("info: %d sampled lines for %d requests, want 3:\n%s", got, 2*accessLogSample+50, info.String())
	}
	status = http.StatusNotFound
	serve(logged, 5)
	if got := lines(&info, "status=404 "); got != 5 {
		t.Errorf("info: %d lines for 5 client errors, want 5", got)
	}
	status = http.StatusInternalServerError
	serve(logged, 2)
	if got := lines(&info, "level=WARN"); got != 2 {
		t.Errorf("info: %d warnings for 2 server errors, want 2", got)
	}

	var debug bytes.Buffer
	status = http.StatusOK
	serve(accessLog(slog.New(slog.NewTextHandler(&debug, &slog.HandlerOptions{Level: slog.LevelDebug})), h), 7)
	if got := lines(&debug, "level=DEBUG msg=\"http request\""); got != 7 {
		t.Errorf("debug: %d lines for 7 requests, want 7", got)
	}

	var warn bytes.Buffer
	serve(accessLog(slog.New(slog.NewTextHandler(&warn, &slog.HandlerOptions{Level: slog.LevelWarn})), h), 2*accessLogSample)
	if warn.Len() != 0 {
		t.Errorf("warn: successful requests logged:\n%s", warn.String())
	}
}
