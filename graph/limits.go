package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/polgraph/polgraph/graph/generated"
	"github.com/polgraph/polgraph/graph/model"
	"github.com/polgraph/polgraph/internal/ftm"
	"github.com/polgraph/polgraph/internal/importer"
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
	// Provenance (graph/provenance.graphqls): a dataset's listings are
	// pages; an entity's sources are bounded (kg.MaxSources) and each
	// resolves a dataset, so they are charged as a page of entities.
	cx.Dataset.Relationships = rels
	cx.Dataset.Asserts = func(child int, _ []kg.RelType, first *int, _ *string) int { return page(child, first) }
	cx.Dataset.Entities = func(child int, _ *kg.Kind, first *int, _ *string) int { return page(child, first) }
	cx.Person.Sources = list
	cx.Organization.Sources = list
	cx.Country.Sources = list
	cx.Article.Sources = list
	cx.Allegation.Sources = list
	cx.Event.Sources = list
	cx.Statement.Sources = list
	cx.Dataset.Sources = list
	cx.Query.Datasets = func(child int, first *int, _ *string) int { return page(child, first) }
	cx.Query.Relationships = func(child int, _ *string, _ *bool, _ []kg.RelType, _ *kg.Date, first *int, _ *string) int {
		return page(child, first)
	}
	cx.Allegation.Accused = list
	cx.Allegation.ReportedBy = list
	cx.Allegation.DeniedBy = list
	cx.Event.Participants = list

	cx.Query.Search = func(child int, query string, _ []kg.Kind, first *int, _ *string) int {
		return satAdd(page(child, first), times(len(kg.Tokens(query)), SearchWordCost))
	}
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
	// A pair is two entities.
	cx.Query.PossibleDuplicates = func(child int, _ *kg.Kind, _ *float64, first *int, _ *string) int {
		return times(page(child, first), 2)
	}
	cx.Mutation.MergeEntities = func(child int, _ string, merge []string) int { return times(child, max(1, len(merge))) }
	// importDataset's summary lists at most importer.MaxReported skipped
	// and failed records.
	cx.ImportSummary.Skipped = func(child int) int { return times(importer.MaxReported, child) }
	cx.ImportSummary.Errors = func(child int) int { return times(importer.MaxReported, child) }
	// ...and kept counts for at most ftm.MaxKeptFields fields.
	cx.ImportSummary.Kept = func(child int) int { return times(ftm.MaxKeptFields, child) }
	cx.Query.AuditLog = func(child int, _, _ *string, _ *time.Time, first *int, _ *string) int { return page(child, first) }
	cx.Query.Proposals = func(child int, _ *string, _ *kg.ProposalStatus, first *int, _ *string) int { return page(child, first) }
	// Reading an article runs the extractor over up to a megabyte of text.
	cx.Mutation.IngestArticle = func(child int, _ model.ArticleInput) int { return satAdd(child, IngestArticleCost) }
	return generated.NewExecutableSchema(c)
}

// SearchWordCost is what each word of a search's text adds to the query's
// complexity: a word is matched against the whole vocabulary (prefixes and
// typos), so with the default limit of 250,000 one operation can search
// about a hundred words in all.
const SearchWordCost = 2500

// IngestArticleCost is what ingestArticle adds to an operation's
// complexity: reading an article is the heaviest write there is, so one
// operation cannot ingest more than a few.
const IngestArticleCost = 50000

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
// fields. Every field counts, __typename and introspection included (the
// document budget has already checked the same before parsing; this is the
// check on the validated operation).
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
	if depth := selectionDepth(oc.Operation.SelectionSet, 0); depth > d.Max {
		return limitError(CodeDepthLimit, "operation is nested %d fields deep, above the limit of %d", depth, d.Max)
	}
	return nil
}

// selectionDepth is the deepest field nesting below set. Fragment cycles are
// impossible here: validation has rejected them before mutators run, and
// the document budget has bounded the expansion.
func selectionDepth(set ast.SelectionSet, guard int) int {
	if guard > 1000 {
		return guard
	}
	deepest := 0
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			d = 1 + selectionDepth(s.SelectionSet, guard+1)
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, guard)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				d = selectionDepth(s.Definition.SelectionSet, guard)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}

// CostLimit rejects operations whose complexity is above Max, before they
// run. Complexity counts every field, __typename and introspection
// included: a scalar costs 1, an object 1 plus its selection, a list field
// with a page size (first, limit) the page times its selection, and a
// search its page plus SearchWordCost for every word of its text. A search
// of more than MaxSearchWords words is rejected outright.
type CostLimit struct {
	Max            int
	MaxSearchWords int
	es             graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &CostLimit{}

// ExtensionName implements graphql.HandlerExtension.
func (*CostLimit) ExtensionName() string { return "CostLimit" }

// Validate implements graphql.HandlerExtension.
func (c *CostLimit) Validate(es graphql.ExecutableSchema) error {
	if c.Max < 1 {
		return fmt.Errorf("complexity limit %d must be at least 1", c.Max)
	}
	c.es = es
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (c *CostLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	w := costWalker{es: c.es, schema: c.es.Schema(), vars: oc.Variables, maxWords: c.MaxSearchWords}
	cost := w.set(ctx, oc.Operation.SelectionSet)
	if w.err != nil {
		return w.err
	}
	if cost > c.Max {
		err := limitError(CodeComplexityLimit, "operation has complexity %d, above the limit of %d", cost, c.Max)
		err.Extensions["complexity"] = cost
		err.Extensions["limit"] = c.Max
		return err
	}
	return nil
}

type costWalker struct {
	es       graphql.ExecutableSchema
	schema   *ast.Schema
	vars     map[string]any
	maxWords int
	err      *gqlerror.Error
}

func (w *costWalker) set(ctx context.Context, set ast.SelectionSet) int {
	total := 0
	for _, sel := range set {
		if w.err != nil {
			return 0
		}
		switch s := sel.(type) {
		case *ast.Field:
			total = satAdd(total, w.field(ctx, s))
		case *ast.InlineFragment:
			total = satAdd(total, w.set(ctx, s.SelectionSet))
		case *ast.FragmentSpread:
			if s.Definition != nil {
				total = satAdd(total, w.set(ctx, s.Definition.SelectionSet))
			}
		}
	}
	return total
}

func (w *costWalker) field(ctx context.Context, f *ast.Field) int {
	if f.Definition == nil || f.ObjectDefinition == nil {
		return 1
	}
	child := 0
	if def := w.schema.Types[f.Definition.Type.Name()]; def != nil {
		switch def.Kind {
		case ast.Object, ast.Interface, ast.Union:
			child = w.set(ctx, f.SelectionSet)
		}
	}
	args := f.ArgumentMap(w.vars)
	if f.ObjectDefinition.Name == "Query" && f.Name == "search" && w.maxWords > 0 {
		text, _ := args["query"].(string)
		if n := len(kg.Tokens(text)); n > w.maxWords {
			w.err = limitError(CodeSearchWordsLimit, "search: argument \"query\" has %d words, above the limit of %d", n, w.maxWords)
			w.err.Path = ast.Path{ast.PathName(f.Alias)}
			return 0
		}
	}
	custom := func(typ string) int {
		if v, ok := w.es.Complexity(ctx, typ, f.Name, child, args); ok && v >= 1 {
			return v
		}
		return satAdd(1, child)
	}
	if f.ObjectDefinition.Kind != ast.Interface {
		return custom(f.ObjectDefinition.Name)
	}
	// An interface field costs what its most expensive implementation does.
	worst := 0
	for _, t := range w.schema.GetPossibleTypes(f.ObjectDefinition) {
		worst = max(worst, custom(t.Name))
	}
	return max(worst, 1)
}
