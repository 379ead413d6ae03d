// Package neo4jtest opens the Neo4j store for tests outside the store
// package (GraphQL end-to-end, copy), gated on NEO4J_URI like the store's
// own tests.
package neo4jtest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/neo4j"
	"github.com/polgraph/polgraph/internal/testtool"
)

// Open returns the Neo4j store named by NEO4J_URI (credentials from
// NEO4J_USER / NEO4J_PASSWORD), emptied of everything, and closes it when
// the test ends. Without NEO4J_URI it skips the test (see testtool.Neo4jURI).
func Open(t testing.TB) kg.Store {
	t.Helper()
	uri := testtool.Neo4jURI(t)
	cfg, err := neo4j.ConfigFromEnv(uri, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := neo4j.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open Neo4j: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.DeleteAll(ctx); err != nil {
		t.Fatalf("empty the Neo4j database: %v", err)
	}
	return s
}
