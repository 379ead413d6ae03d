package web_test

import (
	"os"
	"testing"

	"github.com/polgraph/polgraph/internal/demotest"
)

// demoServer starts the real HTTP front, as polgraph serve --demo builds
// it, on 127.0.0.1 over a fresh store holding the demo dossier, and
// returns its base URL. POLGRAPH_WEB_URL points the test at a server that
// is already running instead.
func demoServer(t *testing.T) string {
	t.Helper()
	if u := os.Getenv("POLGRAPH_WEB_URL"); u != "" {
		return u
	}
	return demotest.Server(t).URL
}
