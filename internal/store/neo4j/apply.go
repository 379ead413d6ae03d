package neo4j

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/polgraph/polgraph/internal/kg"
)

// Apply writes the batch in one transaction: all of it, or nothing.
//
// The transaction function is idempotent, as the driver may run it again:
// entities are MERGEd; relationships are resolved in Go against what the
// transaction reads (evidence merged with kg.MergeEvidence, so that every
// store merges alike), then deleted and created afresh with their ASSERTS
// links.
func (s *Store) Apply(ctx context.Context, b kg.Batch) error {
	const op = "apply"
	if b.Empty() {
		return nil
	}
	plan, err := planEntities(b.Entities)
	if err != nil {
		return kg.Internal(op, err)
	}
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	_, err = writeTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		for _, step := range plan {
			if _, err := run(ctx, tx, step.statement, map[string]any{"rows": step.rows}); err != nil {
				return struct{}{}, err
			}
		}
		if len(b.Relationships) == 0 && len(b.Evidence) == 0 {
			return struct{}{}, nil
		}
		stored, err := relationshipsByID(ctx, tx, touchedRelationships(b))
		if err != nil {
			return struct{}{}, err
		}
		final, err := resolveRelationships(op, stored, b)
		if err != nil {
			return struct{}{}, err
		}
		if err := checkEnds(ctx, tx, op, final); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, replaceRelationships(ctx, tx, stored, final)
	})
	return err
}

type entityStep struct {
	statement string
	rows      []any
}

// planEntities groups entity rows by kind (a label cannot be a parameter),
// keeping the batch's order within each kind.
func planEntities(es []kg.Entity) ([]entityStep, error) {
	var steps []entityStep
	index := map[kg.Kind]int{}
	for _, e := range es {
		label, err := kindLabel(e.Kind)
		if err != nil {
			return nil, err
		}
		i, ok := index[e.Kind]
		if !ok {
			i = len(steps)
			index[e.Kind] = i
			steps = append(steps, entityStep{statement: prefixUpsertEntities + label})
		}
		steps[i].rows = append(steps[i].rows, entityRow(e))
	}
	return steps, nil
}

func touchedRelationships(b kg.Batch) []string {
	seen := map[string]bool{}
	var ids []string
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, r := range b.Relationships {
		add(r.ID)
	}
	for _, ev := range b.Evidence {
		add(ev.Relationship)
	}
	return ids
}

// resolveRelationships computes the relationships as they must be after the
// batch, in first-touched order: the batch's upserts replace type, ends,
// role and dates and merge their evidence into what is stored; evidence
// additions merge into the relationship stored or written earlier.
func resolveRelationships(op string, stored map[string]kg.Relationship, b kg.Batch) ([]kg.Relationship, error) {
	final := map[string]kg.Relationship{}
	var order []string
	current := func(id string) (kg.Relationship, bool) {
		if r, ok := final[id]; ok {
			return r, true
		}
		r, ok := stored[id]
		return r, ok
	}
	put := func(r kg.Relationship) {
		if _, ok := final[r.ID]; !ok {
			order = append(order, r.ID)
		}
		final[r.ID] = r
	}
	for _, r := range b.Relationships {
		prev, _ := current(r.ID)
		r.Evidence = kg.MergeEvidence(prev.Evidence, r.Evidence)
		put(r)
	}
	for _, ev := range b.Evidence {
		r, ok := current(ev.Relationship)
		if !ok {
			return nil, kg.NotFound(op, ev.Relationship)
		}
		r.Evidence = kg.MergeEvidence(r.Evidence, []kg.Evidence{ev.Evidence})
		put(r)
	}
	out := make([]kg.Relationship, len(order))
	for i, id := range order {
		out[i] = final[id]
	}
	return out, nil
}

// checkEnds fails with KindNotFound naming the first end that does not exist
// (the transaction then rolls back, entities included).
func checkEnds(ctx context.Context, tx neo4j.ManagedTransaction, op string, rels []kg.Relationship) error {
	var ids []any
	seen := map[string]bool{}
	for _, r := range rels {
		for _, id := range []string{r.From, r.To} {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	recs, err := run(ctx, tx, stMissingEntities, map[string]any{"ids": ids})
	if err != nil {
		return err
	}
	missing := map[string]bool{}
	for _, rec := range recs {
		id, err := recordString(rec, "id")
		if err != nil {
			return err
		}
		missing[id] = true
	}
	for _, id := range ids {
		if missing[id.(string)] {
			return kg.NotFound(op, id.(string))
		}
	}
	return nil
}

// replaceRelationships deletes the stored versions of the relationships (and
// their ASSERTS links) and creates the final ones.
func replaceRelationships(ctx context.Context, tx neo4j.ManagedTransaction, stored map[string]kg.Relationship, final []kg.Relationship) error {
	del := map[kg.RelType][]any{}
	var oldAsserts []any
	for _, r := range final {
		old, ok := stored[r.ID]
		if !ok {
			continue
		}
		del[old.Type] = append(del[old.Type], old.ID)
		oldAsserts = append(oldAsserts, assertRows(old)...)
	}
	if len(oldAsserts) > 0 {
		if _, err := run(ctx, tx, stDeleteAsserts, map[string]any{"rows": oldAsserts}); err != nil {
			return err
		}
	}
	for _, t := range kg.RelTypes {
		if ids := del[t]; len(ids) > 0 {
			if _, err := run(ctx, tx, prefixDeleteRels+mustRelPattern([]kg.RelType{t}), map[string]any{"ids": ids}); err != nil {
				return err
			}
		}
	}
	create := map[kg.RelType][]any{}
	var asserts []any
	for _, r := range final {
		if _, err := relPattern([]kg.RelType{r.Type}); err != nil {
			return kg.Internal("apply", err)
		}
		create[r.Type] = append(create[r.Type], relRow(r))
		asserts = append(asserts, assertRows(r)...)
	}
	for _, t := range kg.RelTypes {
		if rows := create[t]; len(rows) > 0 {
			if _, err := run(ctx, tx, prefixCreateRels+mustRelPattern([]kg.RelType{t}), map[string]any{"rows": rows}); err != nil {
				return err
			}
		}
	}
	if len(asserts) > 0 {
		if _, err := run(ctx, tx, stCreateAsserts, map[string]any{"rows": asserts}); err != nil {
			return err
		}
	}
	return nil
}

// assertRows are the ASSERTS links of a relationship: one per distinct
// article of its evidence, from the article to the relationship's source.
func assertRows(r kg.Relationship) []any {
	seen := map[string]bool{}
	var rows []any
	for _, ev := range r.Evidence {
		if !seen[ev.Article] {
			seen[ev.Article] = true
			rows = append(rows, map[string]any{"article": ev.Article, "rel": r.ID, "src": r.From})
		}
	}
	return rows
}

// relationshipsByID reads relationships inside a transaction.
func relationshipsByID(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]kg.Relationship, error) {
	out := map[string]kg.Relationship{}
	if len(ids) == 0 {
		return out, nil
	}
	recs, err := run(ctx, tx, stRelsByID, map[string]any{"ids": anyStrings(ids)})
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		r, err := relationshipFromRecord(rec)
		if err != nil {
			return nil, err
		}
		out[r.ID] = r
	}
	return out, nil
}
