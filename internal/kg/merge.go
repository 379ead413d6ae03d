package kg

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// Merging: two or more entities found to be the same (a duplicate pair
// judged SAME, an MP created from an article and again from a parliament's
// data) become one, the survivor. A merge travels in a Batch like any
// write (Batch.Merge), so it is decided by Decide inside the store's write
// transaction and is recorded in the audit log with the value of
// everything it changed; unmerging is the revert of that record, so it
// restores exactly what was there before.
//
// What a merge does, for each merged entity:
//
//   - its name and aliases become aliases of the survivor, its identifiers,
//     sources and attributes are added to the survivor's, and fields the
//     survivor leaves empty (description, birth and death date, gender)
//     are taken from it;
//   - its id, and the ids merged into it before, go into the survivor's
//     MergedFrom: a lookup by any of them finds the survivor (a redirect);
//   - its relationships are re-pointed at the survivor. A relationship's
//     ends never change in place, so a re-pointed relationship gets a new
//     id: the id RelationshipID gives the new ends when the old id was the
//     one RelationshipID gave the old ends, else a stable hash of the old id
//     and the new ends (MergedRelationshipID). When the survivor already
//     has a relationship with that id (the same tie, asserted of both), the
//     two become one: the evidence and attributes of both, the survivor's
//     role and dates. A relationship between two of the merged entities, or
//     between one and the survivor, would tie the survivor to itself: it is
//     dropped (and comes back on unmerge);
//   - evidence citing it (when it is an article) cites the survivor.
//
// Articles whose outlet, and statements whose speaker, is a merged entity
// name the survivor instead. Datasets are not merged.

// Merge is what a merge batch does: the entities of Merged become Keep.
type Merge struct {
	Keep   string
	Merged []string
}

// Empty reports whether the merge merges nothing.
func (m *Merge) Empty() bool { return m == nil || len(m.Merged) == 0 }

// MaxMerge is how many entities one merge may merge into the survivor.
const MaxMerge = 100

// MaxMergedFrom bounds the redirects one survivor keeps.
const MaxMergedFrom = 10000

// MergedRelationshipID is the id of a relationship re-pointed by a merge
// when its old id was not derived from its ends (RelationshipID): stable,
// so that the same merge gives the same ids.
func MergedRelationshipID(t RelType, oldID, from, to string) string {
	h := sha256.New()
	for _, s := range []string{"merged", string(t), oldID, from, to} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "rel-" + strings.ToLower(string(t)) + "-" + hex.EncodeToString(h.Sum(nil)[:8])
}

// repointedID is the id r gets when its ends become from and to.
func repointedID(r *Relationship, from, to string) string {
	if r.ID == RelationshipID(r.Type, r.From, r.To, r.Role) {
		return RelationshipID(r.Type, from, to, r.Role)
	}
	return MergedRelationshipID(r.Type, r.ID, from, to)
}

// decideMerge decides a merge batch. Stored holds the survivor and the
// merged entities (Entities) and, for each of them, their relationships
// (Attached), the relationships citing them (Citing) and the entities
// naming them (Naming): Batch.Detached lists them all.
func decideMerge(op string, b *Batch, st Stored) (Decision, error) {
	m := b.Merge
	keep, ok := st.Entities[m.Keep]
	if !ok {
		return Decision{}, &Error{Op: op, Kind: KindNotFound, ID: m.Keep,
			Problems: []Problem{{Path: "keep", Reason: "no entity with id " + quote(m.Keep)}}}
	}
	var p problems
	var missing []string
	merged := make([]*Entity, 0, len(m.Merged))
	isMerged := map[string]bool{}
	for i, id := range m.Merged {
		path := "merge" + index(i)
		e, ok := st.Entities[id]
		switch {
		case id == m.Keep:
			p.add(path, "%q is the entity kept: it cannot be merged into itself", id)
		case isMerged[id]:
			p.add(path, "%q is listed twice", id)
		case !ok:
			p.add(path, "no entity with id %q", id)
			missing = append(missing, id)
		case e.Kind != keep.Kind:
			p.add(path, "%q is a %s and %q a %s: only entities of one kind are merged", id, e.Kind, m.Keep, keep.Kind)
		case e.Kind == Dataset:
			p.add(path, "datasets are not merged")
		default:
			merged = append(merged, e)
		}
		isMerged[id] = true
	}
	if keep.Kind == Dataset {
		p.add("keep", "datasets are not merged")
	}
	if len(p.list) > 0 {
		if len(missing) == len(p.list) {
			return Decision{}, &Error{Op: op, Kind: KindNotFound, ID: missing[0], Problems: p.list}
		}
		return Decision{}, Invalid(op, p.list...)
	}

	// The survivor.
	s := *keep
	s.Aliases = slices.Clone(s.Aliases)
	s.Identifiers = slices.Clone(s.Identifiers)
	s.Sources = slices.Clone(s.Sources)
	s.Attributes = slices.Clone(s.Attributes)
	from := slices.Clone(s.MergedFrom)
	for _, e := range merged {
		s.Aliases = append(s.Aliases, e.Names()...)
		for _, id := range e.Identifiers {
			if !slices.Contains(s.Identifiers, id) {
				s.Identifiers = append(s.Identifiers, id)
			}
		}
		for _, src := range e.Sources {
			if !slices.ContainsFunc(s.Sources, func(x Source) bool { return x.Dataset == src.Dataset && x.Record == src.Record }) {
				s.Sources = append(s.Sources, src)
			}
		}
		for _, a := range e.Attributes {
			if !slices.Contains(s.Attributes, a) {
				s.Attributes = append(s.Attributes, a)
			}
		}
		if s.Description == "" {
			s.Description = e.Description
		}
		if s.BirthDate.IsZero() {
			s.BirthDate = e.BirthDate
		}
		if s.DeathDate.IsZero() {
			s.DeathDate = e.DeathDate
		}
		if s.Gender == "" {
			s.Gender = e.Gender
		}
		from = append(from, e.ID)
		from = append(from, e.MergedFrom...)
	}
	s.Aliases = dedupeStrings(s.Aliases, s.Name)
	s.MergedFrom = sortedUnique(from)
	if len(s.Aliases) > MaxAliases {
		p.add("merge", "the merged entity would have %d aliases, above the maximum %d", len(s.Aliases), MaxAliases)
	}
	if len(s.Identifiers) > MaxIdentifiers {
		p.add("merge", "the merged entity would have %d identifiers, above the maximum %d", len(s.Identifiers), MaxIdentifiers)
	}
	if len(s.MergedFrom) > MaxMergedFrom {
		p.add("merge", "the merged entity would redirect %d ids, above the maximum %d", len(s.MergedFrom), MaxMergedFrom)
	}
	if err := p.err(op); err != nil {
		return Decision{}, err
	}

	// Relationships: every one touching a merged entity or citing one.
	sub := func(id string) string {
		if isMerged[id] {
			return m.Keep
		}
		return id
	}
	touched := map[string]Relationship{}
	for _, e := range merged {
		for _, r := range st.Attached[e.ID] {
			touched[r.ID] = r
		}
		for _, r := range st.Citing[e.ID] {
			touched[r.ID] = r
		}
	}
	// final holds the relationships the merge leaves, by id: the
	// survivor's own, as they are stored, and what re-pointing makes.
	final := map[string]*Relationship{}
	for _, r := range st.Attached[m.Keep] {
		if _, ok := touched[r.ID]; !ok {
			r := r
			final[r.ID] = &r
		}
	}
	changed := map[string]bool{}
	created := map[string]bool{}
	var remove []string
	ids := sortedKeys(touched)
	for _, id := range ids {
		r := touched[id]
		r.Evidence = slices.Clone(r.Evidence)
		for i := range r.Evidence {
			r.Evidence[i].Article = sub(r.Evidence[i].Article)
		}
		r.Evidence = MergeEvidence(nil, r.Evidence)
		from, to := sub(r.From), sub(r.To)
		if from == to {
			remove = append(remove, r.ID)
			continue
		}
		if from == r.From && to == r.To {
			// Only its evidence cited a merged article.
			if have, ok := final[r.ID]; ok {
				have.Evidence = MergeEvidence(have.Evidence, r.Evidence)
			} else {
				final[r.ID] = &r
			}
			changed[r.ID] = true
			continue
		}
		rule, _ := RuleFor(r.Type)
		if from != r.From {
			if ok, why := rule.From.Allows(&s); !ok {
				p.add("merge", "relationship %q (%s) would start at %q, which %s", r.ID, r.Type, m.Keep, why)
			}
		}
		if to != r.To {
			if ok, why := rule.To.Allows(&s); !ok {
				p.add("merge", "relationship %q (%s) would end at %q, which %s", r.ID, r.Type, m.Keep, why)
			}
		}
		newID := repointedID(&r, from, to)
		remove = append(remove, r.ID)
		if have, ok := final[newID]; ok {
			have.Evidence = MergeEvidence(have.Evidence, r.Evidence)
			for _, a := range r.Attributes {
				if !slices.Contains(have.Attributes, a) {
					have.Attributes = append(have.Attributes, a)
				}
			}
			changed[newID] = true
			continue
		}
		n := r
		n.ID, n.From, n.To = newID, from, to
		final[newID] = &n
		changed[newID] = true
		created[newID] = true
	}
	d := Decision{Entities: []Entity{s}, Created: created, RemoveEntities: slices.Clone(m.Merged)}
	// Articles whose outlet, statements whose speaker, is merged name the
	// survivor instead.
	var naming []string
	for _, e := range merged {
		naming = append(naming, st.Naming[e.ID]...)
	}
	for _, id := range sortedUnique(naming) {
		if isMerged[id] || id == m.Keep {
			continue // merged itself, or the survivor (updated above)
		}
		e, ok := st.Entities[id]
		if !ok {
			return Decision{}, Internal(op, fmt.Errorf("entity %q names a merged entity and was not read", id))
		}
		n := *e
		n.Outlet, n.Speaker = sub(n.Outlet), sub(n.Speaker)
		if err := checkNamed(op, &n, &s); err != nil {
			return Decision{}, err
		}
		d.Entities = append(d.Entities, n)
	}
	// The survivor itself may name a merged entity (a statement merged
	// with one whose speaker it is): it would name itself.
	if isMerged[s.Outlet] || isMerged[s.Speaker] || s.Outlet == s.ID || s.Speaker == s.ID {
		p.add("merge", "%q would name itself as its outlet or speaker", s.ID)
	}
	slices.SortFunc(d.Entities, func(a, b Entity) int { return cmp.Compare(a.ID, b.ID) })
	for id := range changed {
		r := final[id]
		if len(r.Evidence) > MaxEvidence {
			p.add("merge", "relationship %q would keep more than %d pieces of evidence", id, MaxEvidence)
		}
		d.Relationships = append(d.Relationships, *r)
	}
	if err := p.err(op); err != nil {
		return Decision{}, err
	}
	d.RemoveRelationships = sortedUnique(remove)
	slices.SortFunc(d.Relationships, func(a, b Relationship) int { return cmp.Compare(a.ID, b.ID) })
	slices.Sort(d.RemoveEntities)
	return d, nil
}

// checkNamed checks that the survivor can stand where e names it.
func checkNamed(op string, e, survivor *Entity) error {
	if e.Outlet == survivor.ID {
		if ok, why := outletEnd.Allows(survivor); !ok {
			return Invalidf(op, "merge", "%q would become the outlet of %q, but it %s", survivor.ID, e.ID, why)
		}
	}
	if e.Speaker == survivor.ID {
		if ok, why := speakerEnd.Allows(survivor); !ok {
			return Invalidf(op, "merge", "%q would become the speaker of %q, but it %s", survivor.ID, e.ID, why)
		}
	}
	return nil
}

// Merged reports what a merge did.
type Merged struct {
	Entity Entity // the survivor, as stored now
	// Merged are the ids merged into it; Removed the relationships the
	// merge re-pointed (under new ids) or dropped; Relationships the
	// relationships it wrote (re-pointed or given more evidence).
	Merged        []string
	Removed       []string
	Relationships []Relationship
}

// MergeEntities merges the entities of merge into keep (editor role: a
// merge is undone exactly by UnmergeEntity, so it destroys nothing).
func (s *Service) MergeEntities(ctx context.Context, keep string, merge []string) (Merged, error) {
	const op = "mergeEntities"
	actor, err := Authorize(ctx, op, RoleEditor)
	if err != nil {
		return Merged{}, err
	}
	var p problems
	if strings.TrimSpace(keep) == "" {
		p.add("keep", "must not be empty")
	}
	if len(merge) == 0 {
		p.add("merge", "at least one entity to merge is needed")
	} else if len(merge) > MaxMerge {
		p.add("merge", "%d entities is above the maximum %d per merge", len(merge), MaxMerge)
	}
	for i, id := range merge {
		if strings.TrimSpace(id) == "" {
			p.add("merge"+index(i), "must not be empty")
		}
	}
	if err := p.err(op); err != nil {
		return Merged{}, err
	}
	var out Merged
	b := Batch{
		Merge: &Merge{Keep: keep, Merged: merge},
		Op:    op,
		Audit: writeMeta(ctx, actor, op),
		Decided: func(d Decision) {
			for _, e := range d.Entities {
				if e.ID == keep {
					out.Entity = e
				}
			}
			out = Merged{Entity: out.Entity, Merged: d.RemoveEntities, Removed: d.RemoveRelationships, Relationships: d.Relationships}
		},
	}
	if err := s.store.Apply(ctx, b); err != nil {
		return Merged{}, err
	}
	return out, nil
}

// RedirectStore finds the survivors of merges by the ids merged into them.
type RedirectStore interface {
	// Redirects returns, for each id in the MergedFrom of an entity, that
	// entity's id; other ids are absent. (An id merged away and then used
	// again for a new entity still redirects: Service.Lookup looks for the
	// entity first.)
	Redirects(ctx context.Context, ids []string) (map[string]string, error)
}

// Lookup is an entity found by id, perhaps through a redirect.
type Lookup struct {
	Entity Entity
	// RedirectedFrom is the id asked for when it was merged into Entity
	// ("" when Entity has that id).
	RedirectedFrom string
}

// Lookup returns the entity with id or, when id was merged into another,
// the survivor, saying it was redirected.
func (s *Service) Lookup(ctx context.Context, id string) (Lookup, error) {
	const op = "entity"
	if id == "" {
		return Lookup{}, Invalidf(op, "id", "must not be empty")
	}
	m, err := s.store.Entities(ctx, []string{id})
	if err != nil {
		return Lookup{}, err
	}
	if e, ok := m[id]; ok {
		return Lookup{Entity: e}, nil
	}
	to, err := s.store.Redirects(ctx, []string{id})
	if err != nil {
		return Lookup{}, err
	}
	if t, ok := to[id]; ok {
		m, err := s.store.Entities(ctx, []string{t})
		if err != nil {
			return Lookup{}, err
		}
		if e, ok := m[t]; ok {
			return Lookup{Entity: e, RedirectedFrom: id}, nil
		}
	}
	return Lookup{}, NotFound(op, id)
}

// Redirects resolves ids merged into others to their survivors (see
// RedirectStore); at most MaxPageSize ids.
func (s *Service) Redirects(ctx context.Context, ids []string) (map[string]string, error) {
	if len(ids) > s.limits.MaxPageSize {
		return nil, Invalidf("redirects", "ids", "%d ids is above the maximum %d", len(ids), s.limits.MaxPageSize)
	}
	return s.store.Redirects(ctx, ids)
}

// UnmergeEntity undoes a merge: the revert of its audit record, so every
// entity and relationship it changed gets back its value from before (the
// merged entities and their relationships come back, the survivor loses
// what it gained). id is either a merged id (the merge that merged it is
// undone) or a survivor (its last merge is undone). The survivor and what
// the merge wrote must not have changed since, but for evidence added or
// removed (KindConflict naming the later writes: revert those first).
// Editor role, like the merge.
func (s *Service) UnmergeEntity(ctx context.Context, id string) (AuditRecord, error) {
	const op = "unmergeEntity"
	actor, err := Authorize(ctx, op, RoleEditor)
	if err != nil {
		return AuditRecord{}, err
	}
	if strings.TrimSpace(id) == "" {
		return AuditRecord{}, Invalidf(op, "id", "must not be empty")
	}
	rec, err := s.mergeRecord(ctx, op, id)
	if err != nil {
		return AuditRecord{}, err
	}
	return s.store.Revert(ctx, rec, AuditMeta{Actor: actor, Op: op})
}

// mergeRecord finds the audit record of the merge to undo for id.
func (s *Service) mergeRecord(ctx context.Context, op, id string) (string, error) {
	ents, err := s.store.Entities(ctx, []string{id})
	if err != nil {
		return "", err
	}
	survivor := ""
	var want func(c EntityChange) bool
	if e, ok := ents[id]; ok {
		if len(e.MergedFrom) == 0 {
			return "", Invalidf(op, "id", "%q was not merged into another entity and has none merged into it", id)
		}
		survivor = id
		want = func(c EntityChange) bool { return c.ID == id && c.Before != nil && c.After != nil }
	} else {
		to, err := s.store.Redirects(ctx, []string{id})
		if err != nil {
			return "", err
		}
		if survivor = to[id]; survivor == "" {
			return "", &Error{Op: op, Kind: KindNotFound, ID: id, Problems: []Problem{{Path: "id", Reason: "no entity with id " + quote(id) + " and none it was merged into"}}}
		}
		want = func(c EntityChange) bool { return c.ID == id && c.Before != nil && c.After == nil }
	}
	// The last merge that did it and is in effect. A merge undone and
	// then redone (the unmerge reverted with revertWrite, perhaps more
	// than once) is in effect again: its chain of reverts (RevertedBy)
	// has an even length, and what undoes it is the revert of the last
	// revert of the chain, whose changes are the merge's own.
	found := ""
	byID := map[string]*AuditRecord{}
	var merges []*AuditRecord
	q := AuditQuery{Entity: id, First: s.limits.MaxPageSize}
	for {
		page, err := s.store.AuditLog(ctx, q)
		if err != nil {
			return "", err
		}
		for i := range page.Records {
			r := &page.Records[i]
			byID[r.ID] = r
			if r.Op == "mergeEntities" && slices.ContainsFunc(r.Entities, want) {
				merges = append(merges, r)
			}
		}
		if !page.HasNextPage || len(page.Records) == 0 {
			break
		}
		q.After = page.Records[len(page.Records)-1].ID
	}
	for _, m := range merges {
		tail, undone, err := s.revertChain(ctx, m, byID)
		if err != nil {
			return "", err
		}
		if !undone {
			found = tail
		}
	}
	if found == "" {
		return "", Conflict(op, id, "no merge into %q that is not undone yet is recorded in the audit log", survivor)
	}
	return found, nil
}

// revertChain follows rec's reverts (RevertedBy, then the revert's own
// RevertedBy, ...) and returns the last record of the chain and whether
// rec is undone (the chain has an odd number of reverts). Records are
// read from known, else from the store.
func (s *Service) revertChain(ctx context.Context, rec *AuditRecord, known map[string]*AuditRecord) (string, bool, error) {
	tail, undone := rec, false
	seen := map[string]bool{rec.ID: true}
	for tail.RevertedBy != "" {
		next, ok := known[tail.RevertedBy]
		if !ok {
			r, err := s.store.AuditRecord(ctx, tail.RevertedBy)
			if err != nil {
				return "", false, err
			}
			next = &r
			known[r.ID] = next
		}
		if seen[next.ID] || next.Reverts != tail.ID {
			return "", false, Internal("unmergeEntity", fmt.Errorf("audit record %s is reverted by %s, which does not revert it", tail.ID, next.ID))
		}
		seen[next.ID] = true
		tail, undone = next, !undone
	}
	return tail.ID, undone, nil
}
