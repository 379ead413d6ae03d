package graph

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/polgraph/polgraph/graph/generated"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// NewExecutableSchema builds the schema over the resolver, with complexity
// functions that charge a list field its page size (first, limit), so that
// nested pages multiply and a query that could fan out to millions of
// objects is rejected before it runs.
func NewExecutableSchema(r *Resolver) graphql.ExecutableSchema {
	l := r.Service.Limits()
	c := generated.Config{Resolvers: r}
	cx := &c.Complexity

	page := func(child int, first *int) int { return times(orDefault(first, l.DefaultPageSize), child) }
	rels := func(child int, _ *kg.Direction, _ []kg.RelType, _ *kg.Date, first *int, _ *string) int {
		return page(child, first)
	}
	// A list field without arguments returns at most a page of entities.
	list := func(child int) int { return times(l.DefaultPageSize, child) }

	cx.Person.Relationships = rels
	cx.Organization.Relationships = rels
	cx.Country.Relationships = rels
	cx.Article.Relationships = rels
	cx.Allegation.Relationships = rels
	cx.Event.Relationships = rels
	cx.Statement.Relationships = rels
	cx.Article.Mentions = func(child int, first *int, _ *string) int { return page(child, first) }
	cx.Article.Asserts = func(child int, _ []kg.RelType, first *int, _ *string) int { return page(child, first) }
	cx.Allegation.Accused = list
	cx.Allegation.ReportedBy = list
	cx.Allegation.DeniedBy = list
	cx.Event.Participants = list

	cx.Query.Search = func(child int, _ string, _ []kg.Kind, first *int, _ *string) int { return page(child, first) }
	cx.Query.Articles = func(child int, _, _ *string, first *int, _ *string) int { return page(child, first) }
	cx.Query.Allegations = func(child int, _ *kg.AllegationStatus, _ *string, first *int, _ *string) int {
		return page(child, first)
	}
	cx.Query.Network = func(child int, _ []string, _ *int, _ []kg.RelType, _ *kg.Date, limit *int, _ *int) int {
		return times(orDefault(limit, l.DefaultNodes), child)
	}
	cx.Query.Paths = func(child int, _, _ string, maxLength *int, _ []kg.RelType, _ *kg.Date, first *int) int {
		return times(times(orDefault(first, l.DefaultPaths), orDefault(maxLength, l.DefaultPathLen)+1), child)
	}
	cx.Query.AuditLog = func(child int, _, _ *string, _ *time.Time, first *int, _ *string) int { return page(child, first) }
	return generated.NewExecutableSchema(c)
}

func orDefault(v *int, def int) int {
	if v == nil || *v < 1 {
		return def
	}
	return *v
}

// times multiplies without overflowing: an absurd first must be rejected as
// too complex, not wrap around to a small number.
func times(a, b int) int {
	const ceiling = 1 << 40
	if a <= 0 || b <= 0 {
		return max(a, b)
	}
	if a > ceiling/b {
		return ceiling
	}
	return a * b
}

// DepthLimit rejects operations whose selections nest deeper than Max
// fields. Introspection (fields starting with "__") is not counted, so
// GraphiQL's schema query always passes.
type DepthLimit struct{ Max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = DepthLimit{}

// ExtensionName implements graphql.HandlerExtension.
func (DepthLimit) ExtensionName() string { return "DepthLimit" }

// Validate implements graphql.HandlerExtension.
func (d DepthLimit) Validate(graphql.ExecutableSchema) error {
	if d.Max < 1 {
		return fmt.Errorf("depth limit %d must be at least 1", d.Max)
	}
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (d DepthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet); depth > d.Max {
		err := gqlerror.Errorf("operation is nested %d fields deep, above the limit of %d", depth, d.Max)
		err.Extensions = map[string]any{"code": "DEPTH_LIMIT_EXCEEDED"}
		return err
	}
	return nil
}

// selectionDepth is the deepest field nesting below set. Fragment cycles are
// impossible here: validation has rejected them before mutators run.
func selectionDepth(set ast.SelectionSet) int {
	deepest := 0
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			d = 1 + selectionDepth(s.SelectionSet)
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				d = selectionDepth(s.Definition.SelectionSet)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}
