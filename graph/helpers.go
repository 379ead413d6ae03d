package graph

import (
	"context"
	"sort"

	"github.com/99designs/gqlgen/graphql"
	"github.com/polgraph/polgraph/graph/model"
	"github.com/polgraph/polgraph/internal/dossier"
	"github.com/polgraph/polgraph/internal/kg"
)

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefDate(d *kg.Date) kg.Date {
	if d == nil {
		return kg.Date{}
	}
	return *d
}

// relationships is Entity.relationships for every kind.
func (r *Resolver) relationships(ctx context.Context, id string, direction *kg.Direction, types []kg.RelType, asOf *kg.Date, first *int, after *string) (*model.RelationshipConnection, error) {
	q := kg.RelQuery{Entity: id, Direction: kg.Both, Types: types, AsOf: derefDate(asOf), After: deref(after)}
	if direction != nil {
		q.Direction = *direction
	}
	page, err := r.Service.Relationships(ctx, q, first)
	if err != nil {
		return nil, err
	}
	return &model.RelationshipConnection{Page: page, After: q.After}, nil
}

// linked returns the entities at the far end of id's relationships of one
// type, in relationship id order, at most a full page of them.
func (r *Resolver) linked(ctx context.Context, id string, t kg.RelType, dir kg.Direction) ([]model.Entity, error) {
	first := r.Service.Limits().MaxPageSize
	page, err := r.Service.Relationships(ctx, kg.RelQuery{Entity: id, Direction: dir, Types: []kg.RelType{t}}, &first)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(page.Edges))
	for _, e := range page.Edges {
		ids = append(ids, e.Relationship.Other(id))
	}
	return loadEntities(ctx, ids)
}

// entityOrNil looks an entity up for a nullable field: a missing id is null.
func (r *Resolver) entityOrNil(ctx context.Context, id string) (*kg.Entity, error) {
	e, err := r.Service.Entity(ctx, id)
	if kg.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if l, err := loaders(ctx); err == nil {
		l.Entities.Prime(e.ID, e)
	}
	return &e, nil
}

// afterWrite drops what the request's loaders cached before a mutation.
func afterWrite(ctx context.Context) {
	if l, err := loaders(ctx); err == nil {
		l.clear()
	}
}

// list is a listing of one kind as a connection.
func (r *Resolver) list(ctx context.Context, q kg.ListQuery, first *int) (*model.EntityConnection, error) {
	page, err := r.Service.ListEntities(ctx, q, first)
	if err != nil {
		return nil, err
	}
	return &model.EntityConnection{Page: page, After: q.After}, nil
}

// ingest loads one dossier and summarises what it did for the API: the
// counts, the graph ids of its entities, and the relationships its article
// supports.
func (r *Resolver) ingest(ctx context.Context, doc []byte) (*model.IngestResult, error) {
	res, err := dossier.Ingest(ctx, r.Service, doc)
	if err != nil {
		return nil, err
	}
	out := &model.IngestResult{
		Created:       res.Entities.Created + res.Relationships.Created,
		Updated:       res.Entities.Updated + res.Relationships.Updated,
		Unchanged:     res.Entities.Unchanged + res.Relationships.Unchanged,
		Entities:      []string{},
		Relationships: []string{},
		Article:       model.Optional(res.Article),
		Tally: &model.IngestTally{
			Entities:      &model.IngestCount{Created: res.Entities.Created, Updated: res.Entities.Updated, Unchanged: res.Entities.Unchanged},
			Relationships: &model.IngestCount{Created: res.Relationships.Created, Updated: res.Relationships.Updated, Unchanged: res.Relationships.Unchanged},
		},
	}
	seen := map[string]bool{}
	for _, id := range res.IDs {
		if !seen[id] {
			seen[id] = true
			out.Entities = append(out.Entities, id)
		}
	}
	sort.Strings(out.Entities)
	if res.Article == "" {
		return out, nil
	}
	first := r.Service.Limits().MaxPageSize
	q := kg.RelQuery{Article: res.Article}
	for {
		page, err := r.Service.Relationships(ctx, q, &first)
		if err != nil {
			return nil, err
		}
		for _, e := range page.Edges {
			out.Relationships = append(out.Relationships, e.Relationship.ID)
		}
		if !page.HasNextPage || len(page.Edges) == 0 {
			return out, nil
		}
		q.After = page.Edges[len(page.Edges)-1].Cursor
	}
}

// selects reports whether the current field's selection reaches the field
// path (e.g. "edges", "evidence"), looking through fragments.
func selects(ctx context.Context, path ...string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return false
	}
	oc := graphql.GetOperationContext(ctx)
	sel := fc.Field.Selections
	for _, name := range path {
		found := false
		for _, f := range graphql.CollectFields(oc, sel, nil) {
			if f.Name == name {
				sel, found = f.Selections, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// prefetchEvidence loads, in one batch each, the articles that the edges'
// evidence names and those articles' outlets, when the query asks for them.
// Without it, the hundreds of Evidence.article fields of a large subgraph
// would be batched by timing alone (the loader's wait), which makes the
// number of store calls depend on scheduling.
func prefetchEvidence(ctx context.Context, edges []kg.Relationship, under ...string) {
	l, err := loaders(ctx)
	if err != nil || !selects(ctx, append(under, "evidence", "article")...) {
		return
	}
	var ids []string
	seen := map[string]bool{}
	for _, r := range edges {
		for _, ev := range r.Evidence {
			if !seen[ev.Article] {
				seen[ev.Article] = true
				ids = append(ids, ev.Article)
			}
		}
	}
	articles, _ := l.Entities.LoadAll(ctx, ids) // errors surface in the fields that need them
	if !selects(ctx, append(under, "evidence", "article", "outlet")...) {
		return
	}
	var outlets []string
	for _, a := range articles {
		if a.Outlet != "" && !seen[a.Outlet] {
			seen[a.Outlet] = true
			outlets = append(outlets, a.Outlet)
		}
	}
	_, _ = l.Entities.LoadAll(ctx, outlets)
}

// removalResult is what a curation mutation returns.
func removalResult(res kg.Removed, err error) (*model.RemovalResult, error) {
	if err != nil {
		return nil, err
	}
	return &model.RemovalResult{
		DeletedEntities:          nonNil(res.Entities),
		DeletedRelationships:     nonNil(res.Relationships),
		UpdatedRelationships:     nonNil(res.Updated),
		UnsupportedRelationships: nonNil(res.Unsupported),
	}, nil
}

// nonNil gives an empty list for none, as a non-null GraphQL list needs.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
