package kg

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Curation: deleting entities and relationships, removing evidence and
// retracting an article. A removal travels in a Batch like any write, so it
// is decided by Decide inside the store's write transaction, is atomic, and
// is recorded in the audit log with the value of everything it removed or
// changed (After nil for what it removed), which is what lets RevertWrite
// bring it back.

// Removal is what a batch removes. A batch either stores (Entities,
// Relationships, Evidence) or removes, never both: Decide refuses a batch
// that does both (KindInvalid).
type Removal struct {
	// Entities are deleted with every relationship at either end of them.
	Entities []string
	// Relationships are deleted with their evidence.
	Relationships []string
	// Evidence names pieces of evidence to take off relationships; the
	// relationship stays, with or without evidence left.
	Evidence []EvidenceRef
	// Retractions take all evidence from an article off every
	// relationship.
	Retractions []Retraction
}

// EvidenceRef names one piece of evidence: evidence is identified by its
// relationship and either its article and quote or its dataset and record
// (see MergeEvidence).
type EvidenceRef struct {
	Relationship string
	Article      string
	Quote        string
	Dataset      string
	Record       string
}

// matches reports whether ev is the piece ref names.
func (ref *EvidenceRef) matches(ev *Evidence) bool {
	return sameEvidence(ev, &Evidence{Article: ref.Article, Quote: ref.Quote, Dataset: ref.Dataset, Record: ref.Record})
}

// Retraction withdraws a source, an article or a dataset.
type Retraction struct {
	Source string // id of an ARTICLE or a DATASET
	// Kind, when set, is the kind the source must be (retractArticle
	// retracts no dataset).
	Kind Kind
	// KeepUnsupported keeps the relationships the retraction leaves with
	// no evidence, flagged Unsupported (and reported as
	// Decision.Unsupported); otherwise they are deleted.
	KeepUnsupported bool
}

// Empty reports whether the removal removes nothing.
func (r *Removal) Empty() bool {
	return len(r.Entities)+len(r.Relationships)+len(r.Evidence)+len(r.Retractions) == 0
}

// Detached lists the entities whose ties a store must read for Decide:
// Stored.Attached (relationships at either end), Stored.Citing
// (relationships with evidence from them) and Stored.Naming (entities
// naming them as outlet or speaker), for every entity the batch deletes or
// retracts. Sorted, no duplicates.
func (b *Batch) Detached() []string {
	set := map[string]bool{}
	for _, id := range b.Remove.Entities {
		set[id] = true
	}
	for _, r := range b.Remove.Retractions {
		set[r.Source] = true
	}
	return sortedKeys(set)
}

// decideRemoval decides a batch that removes. Retractions and evidence
// removals are applied first, then deletions of relationships, then of
// entities, so that deleting an article in the same batch that retracts it
// works.
func decideRemoval(op string, b *Batch, st Stored) (Decision, error) {
	rm := &b.Remove
	var p problems
	var missing []string
	// notFound records a problem about a missing id.
	notFound := func(path, format, id string, args ...any) {
		p.add(path, format, args...)
		missing = append(missing, id)
	}
	changed := map[string]*Relationship{}
	removedRel := map[string]bool{}
	current := func(r Relationship) *Relationship {
		if c, ok := changed[r.ID]; ok {
			return c
		}
		r.Evidence = slices.Clone(r.Evidence)
		changed[r.ID] = &r
		return &r
	}
	var unsupported []string
	at := func(format string, i int) string {
		if b.Paths.Removal != "" {
			return b.Paths.Removal
		}
		return fmt.Sprintf(format, i)
	}

	for i, rt := range rm.Retractions {
		path := at("remove.retractions[%d].source", i)
		e, ok := st.Entities[rt.Source]
		if !ok {
			notFound(path, "no entity with id %q", rt.Source, rt.Source)
			continue
		}
		if e.Kind != Article && e.Kind != Dataset {
			p.add(path, "%q is a %s, not an ARTICLE or a DATASET: only a source can be retracted", rt.Source, e.Kind)
			continue
		}
		if rt.Kind != "" && e.Kind != rt.Kind {
			p.add(path, "%q is a %s, not a %s", rt.Source, e.Kind, rt.Kind)
			continue
		}
		for _, stored := range st.Citing[rt.Source] {
			r := current(stored)
			if removedRel[r.ID] {
				continue
			}
			had := len(r.Evidence)
			r.Evidence = slices.DeleteFunc(r.Evidence, func(ev Evidence) bool { return ev.Source() == rt.Source })
			if had > 0 && len(r.Evidence) == 0 {
				if rt.KeepUnsupported {
					r.Unsupported = true
					unsupported = append(unsupported, r.ID)
				} else {
					removedRel[r.ID] = true
				}
			}
		}
	}
	for i, ref := range rm.Evidence {
		path := at("remove.evidence[%d]", i)
		stored, ok := st.Relationships[ref.Relationship]
		if !ok || removedRel[ref.Relationship] {
			notFound(path, "no relationship with id %q", ref.Relationship, ref.Relationship)
			continue
		}
		r := current(stored)
		at := slices.IndexFunc(r.Evidence, func(ev Evidence) bool { return ref.matches(&ev) })
		if at < 0 {
			if ref.Dataset != "" {
				notFound(path, "relationship %q has no evidence from record %q of dataset %q", ref.Relationship, ref.Relationship, ref.Record, ref.Dataset)
			} else {
				notFound(path, "relationship %q has no evidence from article %q with quote %q", ref.Relationship, ref.Relationship, ref.Article, ref.Quote)
			}
			continue
		}
		r.Evidence = slices.Delete(r.Evidence, at, at+1)
	}
	for i, id := range rm.Relationships {
		if _, ok := st.Relationships[id]; !ok {
			notFound(at("remove.relationships[%d]", i), "no relationship with id %q", id, id)
			continue
		}
		removedRel[id] = true
	}
	deleted := map[string]bool{}
	for _, id := range rm.Entities {
		deleted[id] = true
	}
	for i, id := range rm.Entities {
		path := at("remove.entities[%d]", i)
		if _, ok := st.Entities[id]; !ok {
			notFound(path, "no entity with id %q", id, id)
			continue
		}
		for _, r := range st.Attached[id] {
			removedRel[r.ID] = true
		}
		var by []string
		for _, r := range st.Citing[id] {
			if removedRel[r.ID] {
				continue
			}
			if c, ok := changed[r.ID]; ok && !slices.ContainsFunc(c.Evidence, func(ev Evidence) bool { return ev.Source() == id }) {
				continue // retracted by this batch
			}
			by = append(by, fmt.Sprintf("evidence of relationship %q", r.ID))
		}
		for _, e := range st.Naming[id] {
			if !deleted[e] {
				by = append(by, fmt.Sprintf("entity %q", e))
			}
		}
		if len(by) > 0 {
			by = sortedUnique(by)
			return Decision{}, Conflict(op, id, "entity %q is used by %s: retract the source (retractArticle, retractDataset) or change those entities first", id, listOf(by))
		}
	}
	if len(p.list) > 0 {
		if len(missing) == len(p.list) {
			return Decision{}, &Error{Op: op, Kind: KindNotFound, ID: missing[0], Problems: p.list}
		}
		return Decision{}, Invalid(op, p.list...)
	}

	d := Decision{Created: map[string]bool{}}
	for id, r := range changed {
		if old, _ := st.relationship(id); !removedRel[id] && !SameRelationship(r, &old) {
			d.Relationships = append(d.Relationships, *r)
		}
	}
	for id := range removedRel {
		d.RemoveRelationships = append(d.RemoveRelationships, id)
	}
	for id := range deleted {
		d.RemoveEntities = append(d.RemoveEntities, id)
	}
	for _, id := range unsupported {
		if !removedRel[id] {
			d.Unsupported = append(d.Unsupported, id)
		}
	}
	slices.SortFunc(d.Relationships, func(a, b Relationship) int { return strings.Compare(a.ID, b.ID) })
	slices.Sort(d.RemoveRelationships)
	slices.Sort(d.RemoveEntities)
	d.Unsupported = sortedUnique(d.Unsupported)
	return d, nil
}

// relationship finds a stored relationship among everything st read.
func (st *Stored) relationship(id string) (Relationship, bool) {
	if r, ok := st.Relationships[id]; ok {
		return r, true
	}
	for _, m := range []map[string][]Relationship{st.Attached, st.Citing} {
		for _, rs := range m {
			for _, r := range rs {
				if r.ID == id {
					return r, true
				}
			}
		}
	}
	return Relationship{}, false
}

// Removed reports what a removal did.
type Removed struct {
	Entities      []string // deleted entities
	Relationships []string // deleted relationships
	// Updated are the relationships that lost evidence and stay, as
	// stored now.
	Updated []Relationship
	// Unsupported are those of Updated left with no evidence, kept because
	// the caller asked: they need a curator's look.
	Unsupported []Relationship
}

// DeleteRelationship deletes one relationship with its evidence.
func (s *Service) DeleteRelationship(ctx context.Context, id string) (Removed, error) {
	return s.remove(ctx, "deleteRelationship", Removal{Relationships: []string{id}}, "id")
}

// DeleteEntity deletes one entity with every relationship at either end
// of it. An article that is still evidence, or an outlet or speaker other
// entities name, is not deleted (KindConflict): retract the article first.
func (s *Service) DeleteEntity(ctx context.Context, id string) (Removed, error) {
	return s.remove(ctx, "deleteEntity", Removal{Entities: []string{id}}, "id")
}

// RemoveEvidence takes one piece of evidence (article and quote) off a
// relationship, which stays.
func (s *Service) RemoveEvidence(ctx context.Context, ref EvidenceRef) (Relationship, error) {
	const op = "removeEvidence"
	ref.Quote = strings.TrimSpace(ref.Quote)
	ref.Record = strings.TrimSpace(ref.Record)
	switch {
	case ref.Article == "" && ref.Dataset == "":
		return Relationship{}, Invalidf(op, "article", "must not be empty (or name a dataset and record)")
	case ref.Article != "" && ref.Dataset != "":
		return Relationship{}, Invalidf(op, "dataset", "name an article or a dataset, not both")
	case ref.Dataset != "" && ref.Record == "":
		return Relationship{}, Invalidf(op, "record", "must not be empty for dataset evidence")
	}
	if _, err := s.remove(ctx, op, Removal{Evidence: []EvidenceRef{ref}}, "relationship"); err != nil {
		return Relationship{}, err
	}
	return s.Relationship(ctx, ref.Relationship)
}

// RetractArticle takes all evidence from an article off every
// relationship. Relationships left with no evidence are deleted, or kept,
// flagged Unsupported and reported as such when keepUnsupported is set.
// The article itself stays (DeleteEntity deletes it once it is no longer
// evidence).
func (s *Service) RetractArticle(ctx context.Context, article string, keepUnsupported bool) (Removed, error) {
	return s.retract(ctx, "retractArticle", Article, article, keepUnsupported, "article")
}

// RetractDataset is RetractArticle for a dataset: all evidence from its
// records is taken off every relationship. Entities keep the dataset among
// their sources (they are not facts it asserts about a tie; delete them,
// or the dataset's entities listing shows them).
func (s *Service) RetractDataset(ctx context.Context, dataset string, keepUnsupported bool) (Removed, error) {
	return s.retract(ctx, "retractDataset", Dataset, dataset, keepUnsupported, "dataset")
}

// retract retracts a source of the kind the operation is for.
func (s *Service) retract(ctx context.Context, op string, kind Kind, id string, keep bool, arg string) (Removed, error) {
	return s.remove(ctx, op, Removal{Retractions: []Retraction{{Source: id, Kind: kind, KeepUnsupported: keep}}}, arg)
}

// remove authorizes and applies one removal; the store decides it with
// Decide. path names the argument that carries the id.
func (s *Service) remove(ctx context.Context, op string, rm Removal, path string) (Removed, error) {
	actor, err := Authorize(ctx, op, RoleEditor)
	if err != nil {
		return Removed{}, err
	}
	ids := append(append([]string(nil), rm.Entities...), rm.Relationships...)
	for _, ev := range rm.Evidence {
		ids = append(ids, ev.Relationship)
	}
	for _, rt := range rm.Retractions {
		ids = append(ids, rt.Source)
	}
	for _, id := range ids {
		if strings.TrimSpace(id) == "" {
			return Removed{}, Invalidf(op, path, "must not be empty")
		}
	}
	var out Removed
	b := Batch{
		Remove: rm,
		Op:     op,
		Paths:  BatchPaths{Removal: path},
		Audit:  writeMeta(ctx, actor, op),
		Decided: func(d Decision) {
			out = Removed{Entities: d.RemoveEntities, Relationships: d.RemoveRelationships, Updated: d.Relationships}
			for _, r := range d.Relationships {
				if slices.Contains(d.Unsupported, r.ID) {
					out.Unsupported = append(out.Unsupported, r)
				}
			}
		},
	}
	if err := s.store.Apply(ctx, b); err != nil {
		return Removed{}, err
	}
	return out, nil
}
