// Package demotest starts what `polgraph serve --demo` serves, for tests:
// the demo dossier loaded into a fresh store (embedded, or Neo4j when
// NEO4J_URI is set) behind the real HTTP front on 127.0.0.1.
package demotest

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/polgraph/polgraph/examples"
	"github.com/polgraph/polgraph/internal/dossier"
	"github.com/polgraph/polgraph/internal/export"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/server"
	"github.com/polgraph/polgraph/internal/store/teststore"
	"github.com/polgraph/polgraph/web"
)

// Service returns a service over a fresh store holding the demo dataset.
func Service(t testing.TB) *kg.Service {
	t.Helper()
	svc := kg.NewService(teststore.Open(t), kg.DefaultLimits)
	if _, err := dossier.Ingest(context.Background(), svc, examples.Demo()); err != nil {
		t.Fatalf("loading the demo dossier: %v", err)
	}
	return svc
}

// Server starts the HTTP front (GraphQL, web page, exports) over Service's
// store, with the access serve --demo has on a loopback bind (anonymous
// requests read, and write while no key exists), and stops it when the test
// ends.
func Server(t testing.TB) *httptest.Server {
	t.Helper()
	svc := Service(t)
	srv := httptest.NewServer(server.New(server.Options{
		Service: svc,
		Web:     web.Handler(),
		Export:  export.Handler(svc, nil),
		Auth:    server.Auth{AnonymousWrites: server.AnonymousWritesWithoutKeys},
	}))
	t.Cleanup(srv.Close)
	return srv
}
