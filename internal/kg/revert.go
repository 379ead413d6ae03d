package kg

import (
	"fmt"
	"slices"
	"strings"
)

// A revert is decided here and applied by the store, like a write (see
// write.go): inside its write transaction, under the locks that keep what
// it reads current, a store
//
//  1. reads the record, and what RevertReadsOf names: the current value of
//     every entity and relationship the record changed and of every
//     entity their earlier values refer to; for the entities the revert
//     removes, what refers to them; for those it reclassifies, their
//     relationships;
//  2. when RevertBlocked names anything, reads the records written after
//     the reverted one that changed it (RevertStored.Later), so that the
//     conflict names them;
//  3. calls DecideRevert, and writes the Reversal it returns, or fails
//     with its error.

// RevertReads is what a store must read before DecideRevert.
type RevertReads struct {
	// Written are the entities the record changed (a store locks them as
	// it locks the entities a write stores); Referenced the other entities
	// the restored values refer to. Both sorted, disjoint.
	Written, Referenced []string
	// Relationships the record changed, sorted.
	Relationships []string
	// Removed are the entities the revert removes (the write created
	// them): the store reads what refers to them (RevertStored.Attached,
	// Citing, Naming).
	Removed []string
	// Reclassified are the organizations whose classification the revert
	// changes back: the store reads their relationships (Attached).
	Reclassified []string
	// Proposals the record changed, sorted: the store reads (and locks)
	// them into RevertStored.Proposals.
	Proposals []string
}

// RevertStored is what a store read for DecideRevert.
type RevertStored struct {
	// Entities holds the current value of every entity of Written and
	// Referenced that exists; Relationships of every relationship of
	// Relationships that exists.
	Entities      map[string]*Entity
	Relationships map[string]Relationship
	// Attached holds, for each entity of Removed and Reclassified, the
	// stored relationships with it at either end.
	Attached map[string][]Relationship
	// Citing holds, for each entity of Removed, the ids of the stored
	// relationships with evidence from it (an article).
	Citing map[string][]string
	// Naming holds, for each entity of Removed, the ids of the stored
	// entities that name it as their outlet or speaker.
	Naming map[string][]string
	// Proposals holds the current value of every proposal of
	// RevertReads.Proposals that is stored.
	Proposals map[string]Proposal
	// Later holds, for each id RevertBlocked names, the first few records
	// written after the reverted one that changed it (AuditLog with
	// Entity the id, After the record's id), oldest first.
	Later map[string][]AuditRecord
}

// RevertLaterRecords is how many of the later records that changed an id
// a store reads for RevertStored.Later.
const RevertLaterRecords = 3

// RevertBlocked lists, sorted, the ids of the entities and relationships
// rec changed whose value has changed again since in a way a revert cannot
// undo alone (see DecideRevert): a store reads their later records before
// DecideRevert, which then names them in its conflict.
func RevertBlocked(rec *AuditRecord, st RevertStored) []string {
	blocked, _ := revertState(rec, st)
	return blocked
}

// revertState compares what rec left with what is stored: blocked are the
// ids changed since that the revert cannot undo; merged the relationships
// changed since only in evidence, given their value after the revert (the
// current one with rec's own evidence change undone).
func revertState(rec *AuditRecord, st RevertStored) (blocked []string, merged map[string]Relationship) {
	merged = map[string]Relationship{}
	for _, c := range rec.Entities {
		cur, ok := st.Entities[c.ID]
		if ok != (c.After != nil) || (ok && !SameEntity(cur, c.After)) {
			blocked = append(blocked, c.ID)
		}
	}
	for _, c := range rec.Relationships {
		cur, ok := st.Relationships[c.ID]
		if ok == (c.After != nil) && (!ok || SameRelationship(&cur, c.After)) {
			continue
		}
		if m, ok := undoEvidence(c, cur, ok); ok {
			merged[c.ID] = m
			continue
		}
		blocked = append(blocked, c.ID)
	}
	for _, c := range rec.Proposals {
		cur, ok := st.Proposals[c.ID]
		if ok != (c.After != nil) || (ok && !sameJSON(&cur, c.After)) {
			blocked = append(blocked, c.ID)
		}
	}
	return sortedUnique(blocked), merged
}

// undoEvidence undoes a write's change to a relationship's evidence when
// later writes changed it too: possible when the write changed nothing but
// evidence, later writes changed nothing but evidence, and every piece the
// write added is still there as it was. The result is the current value
// without the pieces the write added, with the pieces it removed.
func undoEvidence(c RelationshipChange, cur Relationship, exists bool) (Relationship, bool) {
	if !exists || c.Before == nil || c.After == nil || !sameButEvidence(c.Before, c.After) || !sameButEvidence(c.After, &cur) {
		return Relationship{}, false
	}
	in := func(list []Evidence, ev Evidence) bool {
		return slices.ContainsFunc(list, func(x Evidence) bool { return SameEvidence(x, ev) })
	}
	var added, removed []Evidence
	for _, ev := range c.After.Evidence {
		if !in(c.Before.Evidence, ev) {
			added = append(added, ev)
		}
	}
	for _, ev := range c.Before.Evidence {
		if !in(c.After.Evidence, ev) {
			removed = append(removed, ev)
		}
	}
	for _, ev := range added {
		if !in(cur.Evidence, ev) {
			return Relationship{}, false // changed or removed since
		}
	}
	out := cur
	out.Evidence = nil
	for _, ev := range cur.Evidence {
		if !in(added, ev) {
			out.Evidence = append(out.Evidence, ev)
		}
	}
	out.Evidence = MergeEvidence(out.Evidence, removed)
	return out, true
}

// sameButEvidence reports whether two relationships agree on everything
// but their evidence.
func sameButEvidence(a, b *Relationship) bool {
	x, y := *a, *b
	x.Evidence, y.Evidence = nil, nil
	return SameRelationship(&x, &y)
}

// Reversal is a decided revert: what the store must write.
type Reversal struct {
	// Entities to store whole and Relationships to store whole (type and
	// ends as they are stored, when they exist), in id order.
	Entities      []Entity
	Relationships []Relationship
	// Created names the relationships of Relationships that do not exist
	// now (a revert of a revert brings them back).
	Created map[string]bool
	// RemoveEntities and RemoveRelationships are to be deleted, in id order.
	RemoveEntities      []string
	RemoveRelationships []string
	// Proposals to store whole (back as they were before the write: an
	// accepted proposal pending again), and RemoveProposals to delete
	// whole (the write stored them first), in id order.
	Proposals       []Proposal
	RemoveProposals []Proposal
	// Record is the revert's own audit record, without ID and Time.
	Record AuditRecord
}

// RevertReadsOf lists what a store must read to revert rec. A record that
// is not a write of the graph (a key operation) cannot be reverted:
// KindInvalid.
func RevertReadsOf(op string, rec *AuditRecord) (RevertReads, error) {
	if rec.Key != nil || len(rec.Entities)+len(rec.Relationships)+len(rec.Proposals) == 0 {
		return RevertReads{}, Invalidf(op, "id", "record %q is a %s, not a write of the graph: it cannot be reverted", rec.ID, rec.Op)
	}
	var rr RevertReads
	written := map[string]bool{}
	for _, c := range rec.Entities {
		written[c.ID] = true
		if c.Before == nil {
			rr.Removed = append(rr.Removed, c.ID)
		} else if c.After != nil && c.Before.Classification != c.After.Classification {
			rr.Reclassified = append(rr.Reclassified, c.ID)
		}
	}
	refs := map[string]bool{}
	ref := func(id string) {
		if id != "" && !written[id] {
			refs[id] = true
		}
	}
	for _, c := range rec.Entities {
		if c.Before != nil {
			ref(c.Before.Outlet)
			ref(c.Before.Speaker)
			for _, src := range c.Before.Sources {
				ref(src.Dataset)
			}
		}
	}
	for _, c := range rec.Relationships {
		rr.Relationships = append(rr.Relationships, c.ID)
		if r := c.Before; r != nil {
			ref(r.From)
			ref(r.To)
			for _, ev := range r.Evidence {
				ref(ev.Source())
			}
		}
	}
	for _, c := range rec.Proposals {
		rr.Proposals = append(rr.Proposals, c.ID)
		if c.Before != nil {
			ref(c.Before.Article)
		}
	}
	rr.Written = sortedKeys(written)
	rr.Referenced = sortedKeys(refs)
	rr.Relationships = sortedUnique(rr.Relationships)
	slices.Sort(rr.Removed)
	slices.Sort(rr.Reclassified)
	rr.Proposals = sortedUnique(rr.Proposals)
	return rr, nil
}

// DecideRevert decides the revert of rec against what is stored. Nothing is
// written when it fails:
//
//   - KindConflict: an entity or relationship the write changed has changed
//     again since (revert the later writes first: the error names what
//     changed and, from RevertStored.Later, the writes that changed it),
//     except a relationship whose evidence alone the write and the later
//     writes changed: the write's own evidence change is then undone and
//     the later writes' kept (a piece the write added that was changed or
//     removed since still blocks); an entity the write created is now referred to by
//     something the write did not create (a relationship, evidence, an
//     article's outlet, a statement's speaker); restoring a value would
//     break a rule (an end or an evidence article that no longer exists or
//     is no longer of the right kind, an organization whose relationships
//     need its current classification, a proposal whose article would not
//     exist); a proposal the write changed has changed again since (an
//     accepted proposal of an ingest, say: revert the accept first).
//   - KindInvalid: rec is not a write of the graph.
//
// The proposals the write changed go back to their value before it: a
// proposal it accepted or rejected is pending again, one it stored first
// is removed, one it removed (with its article, or superseded by a new
// reading) comes back.
func DecideRevert(op string, rec *AuditRecord, st RevertStored) (Reversal, error) {
	if _, err := RevertReadsOf(op, rec); err != nil {
		return Reversal{}, err
	}

	// Everything the write changed must still be as the write left it,
	// but for evidence others have added or removed since.
	blocked, merged := revertState(rec, st)
	if len(blocked) > 0 {
		what := map[string]string{}
		for _, c := range rec.Relationships {
			what[c.ID] = "relationship"
		}
		for _, c := range rec.Proposals {
			what[c.ID] = "proposal"
		}
		for _, c := range rec.Entities {
			what[c.ID] = "entity"
		}
		changed := make([]string, len(blocked))
		for i, id := range blocked {
			what := what[id]
			changed[i] = fmt.Sprintf("%s %q", what, id)
			if later := st.Later[id]; len(later) > 0 {
				by := make([]string, len(later))
				for j, l := range later {
					by[j] = fmt.Sprintf("%s (%s by %s)", l.ID, l.Op, l.Actor)
				}
				changed[i] += " (changed since by write " + strings.Join(by, ", ") + ")"
			}
		}
		return Reversal{}, Conflict(op, rec.ID, "%s changed after write %s: revert the later writes first (auditLog(entity: ...) lists them)",
			listOf(changed), rec.ID)
	}

	inEnts := make(map[string]*EntityChange, len(rec.Entities))
	for i := range rec.Entities {
		inEnts[rec.Entities[i].ID] = &rec.Entities[i]
	}
	inRels := make(map[string]*RelationshipChange, len(rec.Relationships))
	for i := range rec.Relationships {
		inRels[rec.Relationships[i].ID] = &rec.Relationships[i]
	}
	// final is an entity as it will be after the revert.
	final := func(id string) (*Entity, bool) {
		if c, ok := inEnts[id]; ok {
			return c.Before, c.Before != nil
		}
		if e, ok := st.Entities[id]; ok {
			return e, true
		}
		return nil, false
	}

	var broken []string
	// What the write created and others now refer to stays.
	for _, c := range rec.Entities {
		if c.Before != nil {
			continue
		}
		var by []string
		for _, r := range st.Attached[c.ID] {
			if _, ok := inRels[r.ID]; !ok {
				by = append(by, fmt.Sprintf("relationship %q", r.ID))
			}
		}
		for _, id := range st.Citing[c.ID] {
			if _, ok := inRels[id]; !ok {
				by = append(by, fmt.Sprintf("evidence of relationship %q", id))
			}
		}
		for _, id := range st.Naming[c.ID] {
			if _, ok := inEnts[id]; !ok {
				by = append(by, fmt.Sprintf("entity %q", id))
			}
		}
		if len(by) > 0 {
			by = sortedUnique(by)
			broken = append(broken, fmt.Sprintf("entity %q, which the write created, is now used by %s", c.ID, listOf(by)))
		}
	}
	// Restored values must keep the rules.
	check := func(what, id string, ep Endpoint) {
		e, ok := final(id)
		if !ok {
			broken = append(broken, fmt.Sprintf("%s refers to %q, which would not exist", what, id))
			return
		}
		if ok, why := ep.Allows(e); !ok {
			broken = append(broken, fmt.Sprintf("%s: %q %s", what, id, why))
		}
	}
	for _, c := range rec.Entities {
		e := c.Before
		if e == nil {
			continue
		}
		if c.After != nil && c.After.Kind != e.Kind {
			broken = append(broken, fmt.Sprintf("entity %q is a %s and cannot become a %s", e.ID, c.After.Kind, e.Kind))
		}
		if e.Outlet != "" {
			check(fmt.Sprintf("the outlet of %q", e.ID), e.Outlet, outletEnd)
		}
		for _, src := range e.Sources {
			check(fmt.Sprintf("the source of %q", e.ID), src.Dataset, datasetEnd)
		}
		if e.Speaker != "" {
			check(fmt.Sprintf("the speaker of %q", e.ID), e.Speaker, speakerEnd)
		}
	}
	for _, c := range rec.Relationships {
		r := c.Before
		if m, ok := merged[c.ID]; ok {
			r = &m
		}
		if r == nil {
			continue
		}
		if a := c.After; a != nil && (a.Type != r.Type || a.From != r.From || a.To != r.To) {
			broken = append(broken, fmt.Sprintf("relationship %q cannot change type or ends", r.ID))
			continue
		}
		rule, _ := RuleFor(r.Type)
		what := fmt.Sprintf("relationship %q", r.ID)
		check(what+" (from)", r.From, rule.From)
		check(what+" (to)", r.To, rule.To)
		for _, ev := range r.Evidence {
			if _, kept := merged[c.ID]; kept && !slices.ContainsFunc(c.Before.Evidence, func(b Evidence) bool { return b.Source() == ev.Source() }) {
				continue // stored since, by a later write, under the store's rules
			}
			if ev.Dataset != "" {
				check(what+" (evidence)", ev.Dataset, datasetEnd)
			} else {
				check(what+" (evidence)", ev.Article, articleEnd)
			}
		}
		if len(r.Evidence) > MaxEvidence {
			broken = append(broken, fmt.Sprintf("%s would keep more than %d pieces of evidence", what, MaxEvidence))
		}
	}
	for id, rels := range st.Attached {
		c, ok := inEnts[id]
		if !ok || c.Before == nil {
			continue
		}
		for _, r := range rels {
			if _, ok := inRels[r.ID]; ok {
				continue // restored itself: checked above
			}
			rule, _ := RuleFor(r.Type)
			if r.From == id {
				if ok, why := rule.From.Allows(c.Before); !ok {
					broken = append(broken, fmt.Sprintf("relationship %q (%s from %q): %q %s", r.ID, r.Type, id, id, why))
				}
			}
			if r.To == id {
				if ok, why := rule.To.Allows(c.Before); !ok {
					broken = append(broken, fmt.Sprintf("relationship %q (%s to %q): %q %s", r.ID, r.Type, id, id, why))
				}
			}
		}
	}
	// A proposal comes back only with its article.
	for _, c := range rec.Proposals {
		if c.Before != nil {
			check(fmt.Sprintf("proposal %q", c.ID), c.Before.Article, articleEnd)
		}
	}
	if len(broken) > 0 {
		slices.Sort(broken)
		return Reversal{}, Conflict(op, rec.ID, "write %s cannot be reverted: %s", rec.ID, strings.Join(broken, "; "))
	}

	rv := Reversal{
		Created: map[string]bool{},
		Record:  AuditRecord{Reverts: rec.ID},
	}
	for _, c := range rec.Entities {
		rv.Record.Entities = append(rv.Record.Entities, EntityChange{ID: c.ID, Before: c.After, After: c.Before})
		if c.Before == nil {
			rv.RemoveEntities = append(rv.RemoveEntities, c.ID)
		} else {
			rv.Entities = append(rv.Entities, *c.Before)
		}
	}
	for _, c := range rec.Relationships {
		if m, ok := merged[c.ID]; ok {
			cur := st.Relationships[c.ID]
			rv.Record.Relationships = append(rv.Record.Relationships, RelationshipChange{ID: c.ID, Before: &cur, After: &m})
			rv.Relationships = append(rv.Relationships, m)
			continue
		}
		rv.Record.Relationships = append(rv.Record.Relationships, RelationshipChange{ID: c.ID, Before: c.After, After: c.Before})
		if c.Before == nil {
			rv.RemoveRelationships = append(rv.RemoveRelationships, c.ID)
		} else {
			rv.Relationships = append(rv.Relationships, *c.Before)
			if c.After == nil {
				rv.Created[c.ID] = true
			}
		}
	}
	for _, c := range rec.Proposals {
		rv.Record.Proposals = append(rv.Record.Proposals, ProposalChange{ID: c.ID, Before: c.After, After: c.Before})
		if c.Before == nil {
			rv.RemoveProposals = append(rv.RemoveProposals, *c.After)
		} else {
			rv.Proposals = append(rv.Proposals, *c.Before)
		}
	}
	slices.SortFunc(rv.Proposals, func(a, b Proposal) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(rv.RemoveProposals, func(a, b Proposal) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(rv.Entities, func(a, b Entity) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(rv.Relationships, func(a, b Relationship) int { return strings.Compare(a.ID, b.ID) })
	slices.Sort(rv.RemoveEntities)
	slices.Sort(rv.RemoveRelationships)
	return rv, nil
}

// listOf joins items for a message, naming at most ten.
func listOf(items []string) string {
	const most = 10
	if len(items) > most {
		return strings.Join(items[:most], ", ") + fmt.Sprintf(" and %d more", len(items)-most)
	}
	return strings.Join(items, ", ")
}
