package kg

import (
	"cmp"
	"slices"
	"strings"
)

// A write is decided here and applied by the store. Every store runs the
// same three steps inside its own write transaction, under the locks that
// keep what it reads current until it commits:
//
//  1. read what b.Reads names (entities and relationships that exist);
//  2. read the stored relationships of the entities Reclassified names;
//  3. call Decide, and write the Decision it returns, or fail with its error.
//
// So the rules (kinds, endpoints, references, conflicts, evidence merge and
// cap) live once, here, and hold under concurrency in every store.

// Stored is what a store read for Decide.
type Stored struct {
	// Entities holds every entity named by Reads that exists.
	Entities map[string]Entity
	// Relationships holds every relationship named by Reads that exists.
	Relationships map[string]Relationship
	// Attached holds, for each entity Reclassified or Detached names, the
	// stored relationships that have it at either end.
	Attached map[string][]Relationship
	// Citing holds, for each entity Detached names, the stored
	// relationships with evidence from it; Naming the ids of the stored
	// entities that name it as their outlet or speaker.
	Citing map[string][]Relationship
	Naming map[string][]string
}

// Decision is a decided write: what the store must hold after it.
type Decision struct {
	// Entities to store whole, one per id (the batch's last wins), in id order.
	Entities []Entity
	// Relationships as they must be stored, one per id, in id order, with
	// their evidence merged into what was stored.
	Relationships []Relationship
	// Created names the relationships of Relationships that are new; the
	// others exist and keep their type and ends (only role, dates and
	// evidence change), so a store may update them in place.
	Created map[string]bool
	// RemoveEntities and RemoveRelationships are to be deleted (a
	// removal), in id order; a store deletes the relationships first.
	RemoveEntities      []string
	RemoveRelationships []string
	// Unsupported names the relationships a retraction left with no
	// evidence and kept because the caller asked (they are among
	// Relationships), in id order.
	Unsupported []string
}

// Reads lists the ids a store must read before Decide: every entity the
// batch writes or refers to, and every relationship it writes or adds
// evidence to. Both lists are sorted and free of duplicates (a store that
// locks what it reads locks in this order, so two writes cannot deadlock).
func (b *Batch) Reads() (entities, relationships []string) {
	es := map[string]bool{}
	addE := func(ids ...string) {
		for _, id := range ids {
			if id != "" {
				es[id] = true
			}
		}
	}
	for i := range b.Entities {
		e := &b.Entities[i]
		addE(e.ID, e.Outlet, e.Speaker)
	}
	rs := map[string]bool{}
	for i := range b.Relationships {
		r := &b.Relationships[i]
		addE(r.From, r.To)
		for _, ev := range r.Evidence {
			addE(ev.Article)
		}
		rs[r.ID] = true
	}
	for _, ev := range b.Evidence {
		addE(ev.Evidence.Article)
		rs[ev.Relationship] = true
	}
	addE(b.Remove.Entities...)
	for _, rt := range b.Remove.Retractions {
		addE(rt.Article)
	}
	for _, id := range b.Remove.Relationships {
		rs[id] = true
	}
	for _, ev := range b.Remove.Evidence {
		rs[ev.Relationship] = true
	}
	return sortedKeys(es), sortedKeys(rs)
}

// Reclassified lists the entities of the batch that exist with another
// organization classification than the batch gives them: their stored
// relationships must be read (Stored.Attached) so that Decide can check the
// endpoint rules still hold. Sorted, no duplicates.
func (b *Batch) Reclassified(stored map[string]Entity) []string {
	set := map[string]bool{}
	for i := range b.Entities {
		e := &b.Entities[i]
		if old, ok := stored[e.ID]; ok && old.Kind == e.Kind && old.Classification != e.Classification {
			set[e.ID] = true
		}
	}
	return sortedKeys(set)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Decide checks the batch against what is stored and returns what the store
// must write. Nothing is written when it fails:
//
//   - KindConflict: an entity would change kind; a relationship would change
//     type or ends (delete and recreate it instead); a reclassified
//     organization would break the endpoint rules of its relationships
//     (the error names them).
//   - KindNotFound (ID: the first missing id, Problems: every one): the batch
//     refers to entities or relationships that neither exist nor are in it.
//   - for a removal (b.Remove), see decideRemoval: KindNotFound for
//     missing ids or evidence, KindConflict for an entity still used as
//     evidence, outlet or speaker, KindInvalid for retracting what is not
//     an article;
//   - KindInvalid: an end or an evidence article of the wrong kind, an
//     outlet that is not a media outlet, evidence beyond MaxEvidence, or one
//     id given two kinds within the batch.
//
// Problems are located with b.Paths, so they name the caller's input.
func Decide(b *Batch, st Stored) (Decision, error) {
	op := b.Op
	if op == "" {
		op = "apply"
	}
	if !b.Remove.Empty() {
		if len(b.Entities)+len(b.Relationships)+len(b.Evidence) > 0 {
			return Decision{}, Invalidf(op, "batch", "a write either stores or removes: this one does both")
		}
		return decideRemoval(op, b, st)
	}
	paths := b.Paths
	var p problems
	var missing []string
	missingAt := func(path, what, id string) {
		p.add(path, "no %s with id %q", what, id)
		missing = append(missing, id)
	}

	// Entities: the last of an id wins; a kind never changes.
	batch := make(map[string]*Entity, len(b.Entities))
	for i := range b.Entities {
		e := &b.Entities[i]
		if prev, dup := batch[e.ID]; dup && prev.Kind != e.Kind {
			p.add(joinPath(paths.entity(i), "kind"), "entity %q appears twice in this write with kinds %s and %s", e.ID, prev.Kind, e.Kind)
		}
		if old, ok := st.Entities[e.ID]; ok && old.Kind != e.Kind {
			return Decision{}, Conflict(op, e.ID, "entity %q is a %s and cannot become a %s", e.ID, old.Kind, e.Kind)
		}
		batch[e.ID] = e
	}
	lookup := func(id string) (*Entity, bool) {
		if e, ok := batch[id]; ok {
			return e, true
		}
		if e, ok := st.Entities[id]; ok {
			return &e, true
		}
		return nil, false
	}
	expect := func(path, id string, ep Endpoint) {
		e, ok := lookup(id)
		if !ok {
			missingAt(path, "entity", id)
			return
		}
		if ok, why := ep.Allows(e); !ok {
			p.add(path, "%q %s", id, why)
		}
	}
	for i := range b.Entities {
		e := &b.Entities[i]
		if e.Outlet != "" {
			expect(joinPath(paths.entity(i), "outlet"), e.Outlet, outletEnd)
		}
		if e.Speaker != "" {
			expect(joinPath(paths.entity(i), "speaker"), e.Speaker, speakerEnd)
		}
	}

	// Relationships: type and ends are fixed once stored; evidence merges.
	final := make(map[string]*Relationship, len(b.Relationships)+len(b.Evidence))
	created := map[string]bool{}
	current := func(id string) *Relationship {
		if r, ok := final[id]; ok {
			return r
		}
		if r, ok := st.Relationships[id]; ok {
			r.Evidence = slices.Clone(r.Evidence)
			final[id] = &r
			return &r
		}
		return nil
	}
	for i := range b.Relationships {
		r := b.Relationships[i]
		path := paths.relationship(i)
		rule, _ := RuleFor(r.Type)
		expect(joinPath(path, "from"), r.From, rule.From)
		expect(joinPath(path, "to"), r.To, rule.To)
		for j, ev := range r.Evidence {
			expect(joinPath(path, "evidence")+index(j)+".article", ev.Article, articleEnd)
		}
		have := current(r.ID)
		if have == nil {
			r.Evidence = MergeEvidence(nil, r.Evidence)
			final[r.ID] = &r
			created[r.ID] = true
			continue
		}
		if have.Type != r.Type || have.From != r.From || have.To != r.To {
			return Decision{}, Conflict(op, r.ID,
				"relationship %q is %s -%s-> %s and cannot become %s -%s-> %s: delete it and create a new one",
				r.ID, have.From, have.Type, have.To, r.From, r.Type, r.To)
		}
		ev := MergeEvidence(have.Evidence, r.Evidence)
		*have = r
		have.Evidence = ev
	}
	for i, add := range b.Evidence {
		path := paths.evidence(i)
		expect(joinPath(path, "article"), add.Evidence.Article, articleEnd)
		r := current(add.Relationship)
		if r == nil {
			missingAt(joinPath(path, "relationship"), "relationship", add.Relationship)
			continue
		}
		r.Evidence = MergeEvidence(r.Evidence, []Evidence{add.Evidence})
	}
	for _, r := range final {
		if len(r.Evidence) > MaxEvidence {
			p.add(relPath(b, paths, r.ID), "relationship %q would keep more than %d pieces of evidence", r.ID, MaxEvidence)
		}
	}

	// A reclassified organization keeps the endpoint rules of what it is
	// tied to.
	for id, rels := range st.Attached {
		e, ok := batch[id]
		if !ok {
			continue
		}
		var broken []string
		for _, r := range rels {
			if _, ok := final[r.ID]; ok {
				continue // written by this batch: its ends were checked above
			}
			rule, _ := RuleFor(r.Type)
			if r.From == id {
				if ok, _ := rule.From.Allows(e); !ok {
					broken = append(broken, r.ID+" ("+string(r.Type)+" from it)")
				}
			}
			if r.To == id {
				if ok, _ := rule.To.Allows(e); !ok {
					broken = append(broken, r.ID+" ("+string(r.Type)+" to it)")
				}
			}
		}
		if len(broken) > 0 {
			slices.Sort(broken)
			return Decision{}, Conflict(op, id, "organization %q cannot become %s: it would break the rules of its relationships %s",
				id, e.Classification, strings.Join(broken, ", "))
		}
	}

	if len(p.list) > 0 {
		if len(missing) == len(p.list) {
			return Decision{}, &Error{Op: op, Kind: KindNotFound, ID: missing[0], Problems: p.list}
		}
		return Decision{}, Invalid(op, p.list...)
	}

	d := Decision{
		Entities:      make([]Entity, 0, len(batch)),
		Relationships: make([]Relationship, 0, len(final)),
		Created:       created,
	}
	for _, e := range batch {
		d.Entities = append(d.Entities, *e)
	}
	for _, r := range final {
		d.Relationships = append(d.Relationships, *r)
	}
	slices.SortFunc(d.Entities, func(a, b Entity) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(d.Relationships, func(a, b Relationship) int { return cmp.Compare(a.ID, b.ID) })
	return d, nil
}

var (
	articleEnd = Endpoint{Kinds: []Kind{Article}}
	outletEnd  = Endpoint{Kinds: []Kind{Organization}, Classes: []OrgClass{MediaOutlet}}
	speakerEnd = Endpoint{Kinds: []Kind{Person, Organization, Country}}
)

// relPath locates a relationship of the batch for a problem: the last
// upsert of it, else the last evidence addition to it.
func relPath(b *Batch, paths BatchPaths, id string) string {
	for i := len(b.Relationships) - 1; i >= 0; i-- {
		if b.Relationships[i].ID == id {
			return joinPath(paths.relationship(i), "evidence")
		}
	}
	for i := len(b.Evidence) - 1; i >= 0; i-- {
		if b.Evidence[i].Relationship == id {
			return paths.evidence(i)
		}
	}
	return "evidence"
}
