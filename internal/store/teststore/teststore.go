// Package teststore gives the API-level tests (GraphQL, end to end) the
// store they run on: the Neo4j store named by NEO4J_URI when it is set, so
// that the same tests run on Neo4j, and otherwise an embedded store in a
// temporary directory.
package teststore

import (
	"os"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/embedded"
	"github.com/polgraph/polgraph/internal/store/neo4j/neo4jtest"
)

// Open returns an empty store that is closed when the test ends.
func Open(t testing.TB) kg.Store {
	t.Helper()
	if os.Getenv("NEO4J_URI") != "" {
		return neo4jtest.Open(t)
	}
	st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("closing the store: %v", err)
		}
	})
	return st
}

// Name says which store Open returns, for test logs.
func Name() string {
	if os.Getenv("NEO4J_URI") != "" {
		return "neo4j"
	}
	return "embedded"
}
