package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/polgraph/polgraph/internal/bench"
	"github.com/polgraph/polgraph/internal/gengraph"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/server"
	"github.com/polgraph/polgraph/internal/store/embedded"
)

// BenchmarkQuery runs the HTTP benchmark's queries through the production
// handler in process (no sockets), on a generated graph of 20k entities and
// 200k relationships, for allocation and CPU profiles of the response path:
//
//	go test ./graph -run '^$' -bench Query/q3 -benchmem -memprofile mem.prof
//
// Throughput figures come from `polgraph bench http`, not from here.
func BenchmarkQuery(b *testing.B) {
	h := benchHandler(b)
	const actors = 20_000
	for _, s := range bench.Shapes {
		b.Run(s.Name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			q, _ := json.Marshal(s.Query)
			b.ReportAllocs()
			for b.Loop() {
				vars, _ := json.Marshal(s.Vars(rng, actors))
				body := append(append(append([]byte(`{"query":`), q...), `,"variables":`...), vars...)
				body = append(body, '}')
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
					b.Fatalf("%d %s", rec.Code, rec.Body.Bytes())
				}
			}
		})
	}
}

// benchHandler loads the graph into a fresh embedded store for this run.
func benchHandler(b *testing.B) http.Handler {
	b.Helper()
	st, err := embedded.Open(b.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	svc := kg.NewService(st, kg.DefaultLimits)
	if err := bench.LoadGraph(context.Background(), svc, gengraph.Options{Nodes: 20_000, Edges: 200_000}, 0, slog.New(slog.DiscardHandler)); err != nil {
		b.Fatal(err)
	}
	return server.New(server.Options{Service: svc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}
