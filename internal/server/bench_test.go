package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/server"
)

// BenchmarkAccessLog compares a small query with every request logged at
// info, with the log sampled, and with no log: the sampled log must cost
// next to nothing.
func BenchmarkAccessLog(b *testing.B) {
	for _, tc := range []struct {
		name   string
		sample float64
	}{{"every", 1}, {"sampled-10pct", 0.1}, {"sampled-1pct", 0.01}, {"none", -1}} {
		b.Run(tc.name, func(b *testing.B) {
			f := newFixture(b, func(o *server.Options) {
				o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
				o.AccessLogSample = tc.sample
			})
			b.ResetTimer()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ entity(id: \"han-dong\") { name } }"}`))
				req.Header.Set("Content-Type", "application/json")
				req.Host = "127.0.0.1:8080"
				f.h.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}
