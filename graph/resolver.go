// Package graph is polgraph's GraphQL layer: the resolvers behind
// schema.graphqls (generated glue in graph/generated, Go types in
// graph/model), per-request dataloaders, the error presenter that maps
// kg error kinds to extensions.code, and the complexity and depth limits.
// Resolvers speak domain types and call kg.Service, which validates and
// caps every argument once for every store.
package graph

//go:generate go run github.com/99designs/gqlgen generate

import (
	"log/slog"

	"github.com/polgraph/polgraph/internal/kg"
)

// Resolver holds the resolvers' dependencies.
type Resolver struct {
	Service *kg.Service
	Logger  *slog.Logger
}
