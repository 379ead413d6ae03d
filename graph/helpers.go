package graph

import (
	"context"
	"sort"

	"github.com/polgraph/polgraph/graph/model"
	"github.com/polgraph/polgraph/internal/dossier"
	"github.com/polgraph/polgraph/internal/kg"
)

// DefaultConfidence is an evidence's confidence when the client gives none
// or null (EvidenceInput.confidence).
const DefaultConfidence = 1.0

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
	return resolvePage(ctx, page, q.After)
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
		l.remember([]kg.Entity{e})
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
	q := kg.RelQuery{Source: res.Article}
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

// removalResult is what a curation mutation returns, its relationships
// resolved as the query asks.
func removalResult(ctx context.Context, res kg.Removed, err error) (*model.RemovalResult, error) {
	if err != nil {
		return nil, err
	}
	updated, err := resolveRelationships(ctx, res.Updated, "updatedRelationships")
	if err != nil {
		return nil, err
	}
	unsupported, err := resolveRelationships(ctx, res.Unsupported, "unsupportedRelationships")
	if err != nil {
		return nil, err
	}
	return &model.RemovalResult{
		DeletedEntities:          nonNil(res.Entities),
		DeletedRelationships:     nonNil(res.Relationships),
		UpdatedRelationships:     nonNil(updated),
		UnsupportedRelationships: nonNil(unsupported),
	}, nil
}

// nonNil gives an empty list for none, as a non-null GraphQL list needs.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
