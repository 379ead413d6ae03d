package web_test

import (
	"context"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/polgraph/polgraph/examples"
	"github.com/polgraph/polgraph/internal/dossier"
	"github.com/polgraph/polgraph/internal/export"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/server"
	"github.com/polgraph/polgraph/internal/store/embedded"
	"github.com/polgraph/polgraph/web"
)

// demoServer starts the real HTTP front, as polgraph serve --demo builds
// it, on 127.0.0.1 over an embedded store in a temporary directory holding
// the demo dossier, and returns its base URL. POLGRAPH_WEB_URL points the
// test at a server that is already running instead.
func demoServer(t *testing.T) string {
	t.Helper()
	if u := os.Getenv("POLGRAPH_WEB_URL"); u != "" {
		return u
	}
	store, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := kg.NewService(store, kg.DefaultLimits)
	if _, err := dossier.Ingest(context.Background(), svc, examples.Demo()); err != nil {
		t.Fatalf("loading the demo dossier: %v", err)
	}
	srv := httptest.NewServer(server.New(server.Options{
		Service: svc,
		Web:     web.Handler(),
		Export:  export.Handler(svc, nil),
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
