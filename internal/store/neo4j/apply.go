package neo4j

import (
	"context"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/polgraph/polgraph/internal/kg"
)

// Apply writes the batch in one transaction: all of it, or nothing.
//
// What is written is decided by kg.Decide, inside the transaction, on what
// the transaction read after locking it: the entities the batch writes are
// MERGEd and write-locked first (so two writes of one new id serialise, the
// second seeing the first's kind), the entities it refers to and the
// relationships it touches are write-locked, and only then read. Stored
// relationships are updated in place (their type and ends never change);
// new ones are created. The transaction function is idempotent, as the
// driver may run it again (after a deadlock between two writes, say).
func (s *Store) Apply(ctx context.Context, b kg.Batch) error {
	const op = "apply"
	if b.Empty() {
		return nil
	}
	entIDs, relIDs := b.Reads()
	written := map[string]bool{}
	var writtenIDs, referencedIDs []any
	for _, e := range b.Entities {
		written[e.ID] = true
	}
	for _, id := range entIDs {
		if written[id] {
			writtenIDs = append(writtenIDs, id)
		} else {
			referencedIDs = append(referencedIDs, id)
		}
	}
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	d, err := writeTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (kg.Decision, error) {
		if err := checkNoKeys(ctx, tx, op, b.Audit); err != nil {
			return kg.Decision{}, err
		}
		st, err := lockAndRead(ctx, tx, &b, writtenIDs, referencedIDs, relIDs)
		if err != nil {
			return kg.Decision{}, err
		}
		if articles := b.ProposalArticles(); len(b.Proposals)+len(articles) > 0 {
			if st.Proposals, err = proposalsByID(ctx, tx, b.ProposalIDs(), true); err != nil {
				return kg.Decision{}, err
			}
			if err := lockArticleProposals(ctx, tx, articles, st.Proposals); err != nil {
				return kg.Decision{}, err
			}
		}
		d, err := kg.Decide(&b, st)
		if err != nil {
			return kg.Decision{}, err
		}
		if err := deleteRels(ctx, tx, st.Relationships, d.RemoveRelationships); err != nil {
			return kg.Decision{}, err
		}
		if err := write(ctx, tx, st, d); err != nil {
			return kg.Decision{}, err
		}
		if err := putProposals(ctx, tx, d.Proposals); err != nil {
			return kg.Decision{}, err
		}
		if err := deleteProposals(ctx, tx, d.RemoveProposals); err != nil {
			return kg.Decision{}, err
		}
		if len(d.RemoveEntities) > 0 {
			if _, err := run(ctx, tx, stDeleteEntities, map[string]any{"ids": anyStrings(d.RemoveEntities)}); err != nil {
				return kg.Decision{}, err
			}
		}
		if b.Audit != nil {
			if rec, ok := kg.NewWriteRecord(*b.Audit, st, d); ok {
				return d, createAudit(ctx, tx, &rec)
			}
		}
		return d, nil
	})
	if err == nil && b.Decided != nil {
		b.Decided(d)
	}
	return err
}

// deleteRels deletes relationships (read into stored) with their ASSERTS
// links.
func deleteRels(ctx context.Context, tx neo4j.ManagedTransaction, stored map[string]kg.Relationship, ids []string) error {
	var asserts []any
	byType := map[kg.RelType][]any{}
	for _, id := range ids {
		r, ok := stored[id]
		if !ok {
			continue
		}
		asserts = append(asserts, assertRows(r)...)
		byType[r.Type] = append(byType[r.Type], id)
	}
	if len(asserts) > 0 {
		if _, err := run(ctx, tx, stDeleteAsserts, map[string]any{"rows": asserts}); err != nil {
			return err
		}
	}
	for _, t := range kg.RelTypes {
		if ids := byType[t]; len(ids) > 0 {
			if _, err := run(ctx, tx, prefixDeleteRels+mustRelPattern([]kg.RelType{t}), map[string]any{"ids": ids}); err != nil {
				return err
			}
		}
	}
	return nil
}

// lockAndRead takes the write locks of everything the batch reads, then
// reads it: a read after the lock sees the last committed value, and no
// other write can change it before this transaction ends.
func lockAndRead(ctx context.Context, tx neo4j.ManagedTransaction, b *kg.Batch, written, referenced []any, relIDs []string) (kg.Stored, error) {
	st, err := lockAndReadIDs(ctx, tx, written, referenced, relIDs)
	if err != nil {
		return st, err
	}
	if ids := b.Reclassified(st.Entities); len(ids) > 0 {
		if st.Attached, err = attachedRels(ctx, tx, ids); err != nil {
			return st, err
		}
	}
	if ids := b.Detached(); len(ids) > 0 {
		if err := readDetached(ctx, tx, ids, &st); err != nil {
			return st, err
		}
	}
	if b.Merge != nil {
		// A merge re-points the outlets and speakers that name what it
		// merges: those entities are written, so locked and read.
		var naming []any
		for _, ids := range st.Naming {
			for _, id := range ids {
				if _, ok := st.Entities[id]; !ok {
					naming = append(naming, id)
				}
			}
		}
		if len(naming) > 0 {
			more, err := lockAndReadIDs(ctx, tx, nil, naming, nil)
			if err != nil {
				return st, err
			}
			for id, e := range more.Entities {
				st.Entities[id] = e
			}
		}
	}
	return st, nil
}

// readDetached reads the ties of the entities a removal deletes or
// retracts (kg.Stored.Attached, Citing, Naming). The entities are locked
// already; the relationships found are locked, then read again, and kept
// in st.Relationships too (write and deleteRels find their stored values
// there).
func readDetached(ctx context.Context, tx neo4j.ManagedTransaction, ids []string, st *kg.Stored) error {
	attached, err := attachedRels(ctx, tx, ids)
	if err != nil {
		return err
	}
	params := map[string]any{"ids": anyStrings(ids)}
	citing := map[string][]string{}
	recs, err := run(ctx, tx, stCitingRels, params)
	if err != nil {
		return err
	}
	for _, rec := range recs {
		id, err := recordString(rec, "id")
		if err != nil {
			return err
		}
		rel, err := recordString(rec, "rel")
		if err != nil {
			return err
		}
		citing[id] = append(citing[id], rel)
	}
	var relIDs []string
	for _, rs := range attached {
		for _, r := range rs {
			relIDs = append(relIDs, r.ID)
		}
	}
	for _, rs := range citing {
		relIDs = append(relIDs, rs...)
	}
	slices.Sort(relIDs)
	relIDs = slices.Compact(relIDs)
	locked, err := lockAndReadIDs(ctx, tx, nil, nil, relIDs)
	if err != nil {
		return err
	}
	if st.Attached == nil {
		st.Attached = map[string][]kg.Relationship{}
	}
	st.Citing = map[string][]kg.Relationship{}
	st.Naming = map[string][]string{}
	for id, rs := range attached {
		for _, r := range rs {
			if r, ok := locked.Relationships[r.ID]; ok {
				st.Attached[id] = append(st.Attached[id], r)
			}
		}
	}
	for id, rs := range citing {
		for _, rid := range rs {
			if r, ok := locked.Relationships[rid]; ok {
				st.Citing[id] = append(st.Citing[id], r)
			}
		}
	}
	for id, r := range locked.Relationships {
		st.Relationships[id] = r
	}
	return readNaming(ctx, tx, params, st.Naming)
}

// readNaming reads the entities that name each of params' ids as their
// outlet or speaker, or as a dataset they were imported from.
func readNaming(ctx context.Context, tx neo4j.ManagedTransaction, params map[string]any, naming map[string][]string) error {
	for _, stmt := range []string{stNamingEntities, stSourcedEntities} {
		recs, err := run(ctx, tx, stmt, params)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			id, err := recordString(rec, "id")
			if err != nil {
				return err
			}
			e, err := recordString(rec, "entity")
			if err != nil {
				return err
			}
			naming[id] = append(naming[id], e)
		}
	}
	return nil
}

// deletedMeanwhile reports whether a node a lock statement matched was
// deleted by a transaction that held its lock first: once the lock is
// granted the statement returns it with no properties. A write that
// references it finds it not stored (NOT_FOUND), as if it had come after
// the delete, which it did; one that writes it locks the id again (see
// lockAndReadIDs).
func deletedMeanwhile(n neo4j.Node) bool { return len(n.Props) == 0 }

// lockAndReadIDs locks and reads entities and relationships: written ones
// through MERGE (so that two writes of one new id serialise; an entity made
// by the MERGE is not reported as stored), referenced ones and the
// relationships through their write locks.
func lockAndReadIDs(ctx context.Context, tx neo4j.ManagedTransaction, written, referenced []any, relIDs []string) (kg.Stored, error) {
	st := kg.Stored{Entities: map[string]*kg.Entity{}, Relationships: map[string]kg.Relationship{}}
	// An id whose node was deleted while this write waited for its lock
	// is locked again: another write queued behind the same delete may
	// have made it anew meanwhile, and this one must read that node (or
	// make its own), not decide "create" and overwrite it unread.
	for ids := written; len(ids) > 0; {
		recs, err := run(ctx, tx, stLockWritten, map[string]any{"ids": ids})
		if err != nil {
			return st, err
		}
		var deleted []any
		for _, rec := range recs {
			n, _, err := neo4j.GetRecordValue[neo4j.Node](rec, "e")
			if err != nil {
				return st, err
			}
			created, _ := rec.Get("created")
			if created == true {
				continue // made by this transaction's MERGE: not stored
			}
			if deletedMeanwhile(n) {
				id, err := recordString(rec, "id")
				if err != nil {
					return st, err
				}
				deleted = append(deleted, id)
				continue
			}
			e, err := entityFromNode(n)
			if err != nil {
				return st, err
			}
			st.Entities[e.ID] = &e
		}
		ids = deleted
	}
	if len(referenced) > 0 {
		recs, err := run(ctx, tx, stLockEntities, map[string]any{"ids": referenced})
		if err != nil {
			return st, err
		}
		for _, rec := range recs {
			n, _, err := neo4j.GetRecordValue[neo4j.Node](rec, "e")
			if err != nil {
				return st, err
			}
			if deletedMeanwhile(n) {
				continue
			}
			e, err := entityFromNode(n)
			if err != nil {
				return st, err
			}
			st.Entities[e.ID] = &e
		}
	}
	if len(relIDs) > 0 {
		// A relationship is locked through its type's own statement (a type
		// cannot be a parameter), so its type is read first.
		found, err := relationshipsByID(ctx, tx, relIDs)
		if err != nil {
			return st, err
		}
		byType := map[kg.RelType][]any{}
		for _, r := range found {
			byType[r.Type] = append(byType[r.Type], r.ID)
		}
		for _, t := range kg.RelTypes {
			if ids := byType[t]; len(ids) > 0 {
				if _, err := run(ctx, tx, prefixLockRels+mustRelPattern([]kg.RelType{t}), map[string]any{"ids": ids}); err != nil {
					return st, err
				}
			}
		}
		if len(found) > 0 {
			if st.Relationships, err = relationshipsByID(ctx, tx, relIDs); err != nil {
				return st, err
			}
		}
	}
	return st, nil
}

// attachedRels reads the relationships at either end of each entity.
func attachedRels(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string][]kg.Relationship, error) {
	recs, err := run(ctx, tx, stRelsOfEntities, map[string]any{"ids": anyStrings(ids)})
	if err != nil {
		return nil, err
	}
	out := map[string][]kg.Relationship{}
	for _, rec := range recs {
		id, err := recordString(rec, "id")
		if err != nil {
			return nil, err
		}
		r, err := relationshipFromRecord(rec)
		if err != nil {
			return nil, err
		}
		out[id] = append(out[id], r)
	}
	return out, nil
}

// write stores a decision: entities upserted whole, by kind; relationships
// created or updated in place, by type; ASSERTS links following evidence.
func write(ctx context.Context, tx neo4j.ManagedTransaction, st kg.Stored, d kg.Decision) error {
	steps, err := planEntities(d.Entities)
	if err != nil {
		return kg.Internal("apply", err)
	}
	for _, step := range steps {
		if _, err := run(ctx, tx, step.statement, map[string]any{"rows": step.rows}); err != nil {
			return err
		}
	}
	if err := writeSourceLinks(ctx, tx, st, d.Entities); err != nil {
		return err
	}
	create := map[kg.RelType][]any{}
	update := map[kg.RelType][]any{}
	var oldAsserts, newAsserts []any
	for _, r := range d.Relationships {
		if d.Created[r.ID] {
			create[r.Type] = append(create[r.Type], relRow(r))
		} else {
			update[r.Type] = append(update[r.Type], relRow(r))
			oldAsserts = append(oldAsserts, assertRows(st.Relationships[r.ID])...)
		}
		newAsserts = append(newAsserts, assertRows(r)...)
	}
	if len(oldAsserts) > 0 {
		if _, err := run(ctx, tx, stDeleteAsserts, map[string]any{"rows": oldAsserts}); err != nil {
			return err
		}
	}
	for _, t := range kg.RelTypes {
		typ := mustRelPattern([]kg.RelType{t})
		if rows := update[t]; len(rows) > 0 {
			if _, err := run(ctx, tx, prefixUpdateRels+typ, map[string]any{"rows": rows}); err != nil {
				return err
			}
		}
		if rows := create[t]; len(rows) > 0 {
			if _, err := run(ctx, tx, prefixCreateRels+typ, map[string]any{"rows": rows}); err != nil {
				return err
			}
		}
	}
	if len(newAsserts) > 0 {
		if _, err := run(ctx, tx, stCreateAsserts, map[string]any{"rows": newAsserts}); err != nil {
			return err
		}
	}
	return nil
}

// writeSourceLinks keeps the SOURCE_OF links of the written entities equal
// to their sources: links to an entity that had sources are dropped, then
// one is merged per dataset of its sources. Entities without sources
// before or after cost nothing. With no stored entities at hand (a
// revert), every written entity's links are dropped first.
func writeSourceLinks(ctx context.Context, tx neo4j.ManagedTransaction, st kg.Stored, es []kg.Entity) error {
	var drop, rows []any
	for i := range es {
		e := &es[i]
		if old, ok := st.Entities[e.ID]; st.Entities == nil || (ok && len(old.Sources) > 0) {
			drop = append(drop, e.ID)
		}
		for _, ds := range entityDatasets(*e) {
			rows = append(rows, map[string]any{"src": ds, "dst": e.ID})
		}
	}
	if len(drop) > 0 {
		if _, err := run(ctx, tx, stDeleteSourceOf, map[string]any{"ids": drop}); err != nil {
			return err
		}
	}
	if len(rows) > 0 {
		if _, err := run(ctx, tx, stCreateSourceOf, map[string]any{"rows": rows}); err != nil {
			return err
		}
	}
	return nil
}

type entityStep struct {
	statement string
	rows      []any
}

// planEntities groups entity rows by kind (a label cannot be a parameter),
// keeping the order within each kind.
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

// assertRows are the ASSERTS links of a relationship: one per distinct
// source (article or dataset) of its evidence, from the source to the
// relationship's subject.
func assertRows(r kg.Relationship) []any {
	seen := map[string]bool{}
	var rows []any
	for _, ev := range r.Evidence {
		if src := ev.Source(); !seen[src] {
			seen[src] = true
			rows = append(rows, map[string]any{"source": src, "rel": r.ID, "src": r.From})
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
