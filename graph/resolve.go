package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/polgraph/polgraph/graph/model"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/vektah/gqlparser/v2/ast"
)

// wants is what a query asks of a list of relationships.
type wants struct {
	ends, evidence, articles, outlets, datasets bool
}

// relationshipWants reads, from the current field's selection at path
// under (e.g. "edges", "node"), what the query asks of the relationships
// there, looking through fragments. The answer depends only on the query's
// field, so siblings (the 50 relationships lists of a two-hop query) share
// one reading per request.
func relationshipWants(ctx context.Context, l *Loaders, under ...string) wants {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return readWants(ctx, under...)
	}
	key := wantsKey{fc.Field.Field, len(under)}
	l.mu.Lock()
	w, ok := l.wants[key]
	l.mu.Unlock()
	if ok {
		return w
	}
	w = readWants(ctx, under...)
	l.mu.Lock()
	l.wants[key] = w
	l.mu.Unlock()
	return w
}

// wantsKey is a query field and how deep under it the relationships are
// (every caller passes a fixed path for its depth).
type wantsKey struct {
	field *ast.Field
	depth int
}

func readWants(ctx context.Context, under ...string) wants {
	sel := selectionAt(ctx, under...)
	var w wants
	for _, f := range sel {
		switch f.Name {
		case "from", "to":
			w.ends = true
		case "evidence":
			w.evidence = true
			for _, g := range collect(ctx, f.Selections) {
				if g.Name == "dataset" {
					w.datasets = true
				}
				if g.Name == "article" {
					w.articles = true
					for _, h := range collect(ctx, g.Selections) {
						if h.Name == "outlet" {
							w.outlets = true
						}
					}
				}
			}
		}
	}
	return w
}

// resolveRelationships turns domain relationships into the API's, with
// what the query asks of them (ends, evidence articles, their outlets)
// fetched in one store call each for the whole list, and none for what the
// request has already seen (network and path nodes are remembered first).
// under is the path from the current field to the relationships.
func resolveRelationships(ctx context.Context, rels []kg.Relationship, under ...string) ([]model.Relationship, error) {
	out := make([]model.Relationship, len(rels))
	for i := range rels {
		out[i].Relationship = rels[i]
	}
	if len(rels) == 0 {
		return out, nil
	}
	l, err := loaders(ctx)
	if err != nil {
		return nil, err
	}
	w := relationshipWants(ctx, l, under...)
	if !w.ends && !w.evidence {
		return out, nil
	}
	var ids []string
	if w.ends {
		ids = make([]string, 0, 2*len(rels))
		for i := range rels {
			ids = append(ids, rels[i].From, rels[i].To)
		}
	}
	if w.articles || w.datasets {
		for i := range rels {
			for _, ev := range rels[i].Evidence {
				if ev.Article != "" && w.articles {
					ids = append(ids, ev.Article)
				}
				if ev.Dataset != "" && w.datasets {
					ids = append(ids, ev.Dataset)
				}
			}
		}
	}
	if err := l.ensure(ctx, ids); err != nil {
		return nil, err
	}
	if w.outlets {
		var outlets []string
		l.mu.Lock()
		for i := range rels {
			for _, ev := range rels[i].Evidence {
				if a, ok := l.known[ev.Article]; ok && ev.Article != "" && a.Domain().Outlet != "" {
					outlets = append(outlets, a.Domain().Outlet)
				}
			}
		}
		l.mu.Unlock()
		if err := l.ensure(ctx, outlets); err != nil {
			return nil, err
		}
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	get := func(id string) (model.Entity, error) {
		if e := l.known[id]; e != nil {
			return e, nil
		}
		return nil, dangling(id)
	}
	for i := range out {
		r := &out[i]
		if w.ends {
			if r.FromEntity, err = get(r.From); err != nil {
				return nil, err
			}
			if r.ToEntity, err = get(r.To); err != nil {
				return nil, err
			}
		}
		if !w.evidence {
			continue
		}
		r.EvidenceList = make([]model.Evidence, len(r.Evidence))
		for j, ev := range r.Evidence {
			r.EvidenceList[j].Evidence = ev
			if ev.Dataset != "" {
				if !w.datasets {
					continue
				}
				e, err := get(ev.Dataset)
				if err != nil {
					return nil, err
				}
				d, ok := e.(*model.Dataset)
				if !ok {
					return nil, kg.Internal("evidence", fmt.Errorf("evidence names %q, a %s, as its dataset", ev.Dataset, e.Domain().Kind))
				}
				r.EvidenceList[j].DatasetEntity = d
				continue
			}
			if !w.articles {
				continue
			}
			e, err := get(ev.Article)
			if err != nil {
				return nil, err
			}
			a, ok := e.(*model.Article)
			if !ok {
				return nil, kg.Internal("evidence", fmt.Errorf("evidence names %q, a %s, as its article", ev.Article, e.Domain().Kind))
			}
			r.EvidenceList[j].ArticleEntity = a
		}
	}
	return out, nil
}

// resolveRelationship is resolveRelationships for one relationship that is
// the current field.
func resolveRelationship(ctx context.Context, rel kg.Relationship) (*model.Relationship, error) {
	out, err := resolveRelationships(ctx, []kg.Relationship{rel})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// resolvePage resolves a page of relationships into a connection.
func resolvePage(ctx context.Context, page kg.RelationshipPage, after string) (*model.RelationshipConnection, error) {
	c := &model.RelationshipConnection{Page: page, After: after}
	if len(page.Edges) == 0 {
		return c, nil
	}
	sel := selectionAt(ctx, "edges")
	if sel == nil {
		return c, nil // totalCount or pageInfo only
	}
	rels := make([]kg.Relationship, len(page.Edges))
	for i, e := range page.Edges {
		rels[i] = e.Relationship
	}
	resolved, err := resolveRelationships(ctx, rels, "edges", "node")
	if err != nil {
		return nil, err
	}
	c.Edges = make([]model.RelationshipEdge, len(resolved))
	for i := range resolved {
		c.Edges[i] = model.RelationshipEdge{Cursor: page.Edges[i].Cursor, Node: resolved[i]}
	}
	return c, nil
}

func collect(ctx context.Context, sel ast.SelectionSet) []graphql.CollectedField {
	return graphql.CollectFields(graphql.GetOperationContext(ctx), sel, nil)
}

// selectionAt returns the fields the current field's selection asks for at
// path (through fragments), nil when the path is not selected.
func selectionAt(ctx context.Context, path ...string) []graphql.CollectedField {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return nil
	}
	fields := collect(ctx, fc.Field.Selections)
	for _, name := range path {
		var next []graphql.CollectedField
		found := false
		for _, f := range fields {
			if f.Name == name {
				next = append(next, collect(ctx, f.Selections)...)
				found = true
			}
		}
		if !found {
			return nil
		}
		fields = next
	}
	return fields
}

// duplicateFilter is the kind and least score of a duplicates query or
// scan: every kind and any score when not given.
func duplicateFilter(kind *kg.Kind, minScore *float64) (kg.Kind, float64) {
	var k kg.Kind
	if kind != nil {
		k = *kind
	}
	least := 0.0
	if minScore != nil {
		least = *minScore
	}
	return k, least
}
