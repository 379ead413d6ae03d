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
	// Entities holds every entity named by Reads that exists and, for a
	// merge, every entity Naming names. Decide only
	// reads them, so a store may hand out pointers to what it holds.
	Entities map[string]*Entity
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
	// Proposals holds every proposal of Batch.ProposalIDs that is stored,
	// and every stored proposal of the articles Batch.ProposalArticles
	// names.
	Proposals map[string]Proposal
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
	// Proposals to store whole, in id order: only those that change.
	Proposals []Proposal
	// RemoveProposals are stored proposals to delete, whole (a store
	// needs their article to drop its index), in id order: those of the
	// articles a removal deletes, and the pending proposals of an article
	// that a new reading (Batch.Reading) no longer makes.
	RemoveProposals []Proposal
}

// Reads lists the ids a store must read before Decide: every entity the
// batch writes or refers to, and every relationship it writes or adds
// evidence to. Both lists are sorted and free of duplicates (a store that
// locks what it reads locks in this order, so two writes cannot deadlock).
func (b *Batch) Reads() (entities, relationships []string) {
	es := make(map[string]struct{}, len(b.Entities)+len(b.Relationships))
	rs := make(map[string]struct{}, len(b.Relationships)+len(b.Evidence))
	b.EachRead(func(id string) { es[id] = struct{}{} }, func(id string) { rs[id] = struct{}{} })
	return sortedKeys(es), sortedKeys(rs)
}

// EachRead calls entity with every entity id Reads lists and relationship
// with every relationship id, in batch order and as often as the batch
// names them: for a store that needs no lock order, it saves collecting and
// sorting them.
func (b *Batch) EachRead(entity, relationship func(id string)) {
	addE := func(id string) {
		if id != "" {
			entity(id)
		}
	}
	for i := range b.Entities {
		e := &b.Entities[i]
		addE(e.ID)
		addE(e.Outlet)
		addE(e.Speaker)
		for _, src := range e.Sources {
			addE(src.Dataset)
		}
	}
	for i := range b.Relationships {
		r := &b.Relationships[i]
		addE(r.From)
		addE(r.To)
		for _, ev := range r.Evidence {
			addE(ev.Source())
		}
		relationship(r.ID)
	}
	for _, ev := range b.Evidence {
		addE(ev.Evidence.Source())
		relationship(ev.Relationship)
	}
	for i := range b.Proposals {
		addE(b.Proposals[i].Article)
	}
	for _, id := range b.Remove.Entities {
		addE(id)
	}
	if b.Merge != nil {
		addE(b.Merge.Keep)
		for _, id := range b.Merge.Merged {
			addE(id)
		}
	}
	for _, rt := range b.Remove.Retractions {
		addE(rt.Source)
	}
	for _, id := range b.Remove.Relationships {
		relationship(id)
	}
	for _, ev := range b.Remove.Evidence {
		relationship(ev.Relationship)
	}
}

// Reclassified lists the entities of the batch that exist with another
// organization classification than the batch gives them: their stored
// relationships must be read (Stored.Attached) so that Decide can check the
// endpoint rules still hold. Sorted, no duplicates.
func (b *Batch) Reclassified(stored map[string]*Entity) []string {
	set := map[string]struct{}{}
	for i := range b.Entities {
		e := &b.Entities[i]
		if old, ok := stored[e.ID]; ok && old.Kind == e.Kind && old.Classification != e.Classification {
			set[e.ID] = struct{}{}
		}
	}
	return sortedKeys(set)
}

func sortedKeys[V any](m map[string]V) []string {
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
//   - KindInvalid: an end or an evidence source (article, dataset) of the wrong kind, an
//     outlet that is not a media outlet, evidence beyond MaxEvidence, or one
//     id given two kinds within the batch.
//
// Problems are located with b.Paths, so they name the caller's input.
func Decide(b *Batch, st Stored) (Decision, error) {
	// A batch of a hundred thousand relationships is decided in one call,
	// so the common path allocates little: problems' paths are built only
	// for problems, stored entities are read for their kind and
	// classification only, and relationships are kept in one slice.
	op := b.Op
	if op == "" {
		op = "apply"
	}
	if !b.Remove.Empty() {
		if len(b.Entities)+len(b.Relationships)+len(b.Evidence)+len(b.Proposals) > 0 {
			return Decision{}, Invalidf(op, "batch", "a write either stores or removes: this one does both")
		}
		d, err := decideRemoval(op, b, st)
		if err != nil {
			return Decision{}, err
		}
		d.RemoveProposals = proposalsOf(st.Proposals, d.RemoveEntities, nil)
		return d, nil
	}
	if !b.Merge.Empty() {
		if len(b.Entities)+len(b.Relationships)+len(b.Evidence) > 0 {
			return Decision{}, Invalidf(op, "batch", "a write either stores or merges: this one does both")
		}
		return decideMerge(op, b, st)
	}
	paths := b.Paths
	var p problems
	var missing []string

	// Entities: the last of an id wins; a kind never changes; sources
	// are the union of what was stored and every upsert of the id
	// (MergeSources), so re-importing a record changes nothing.
	batch := make(map[string]*Entity, len(b.Entities))
	var sources map[string][]Source // merged sources, for the ids that have any
	for i := range b.Entities {
		e := &b.Entities[i]
		prev, dup := batch[e.ID]
		if dup && prev.Kind != e.Kind {
			p.add(joinPath(paths.entity(i), "kind"), "entity %q appears twice in this write with kinds %s and %s", e.ID, prev.Kind, e.Kind)
		}
		old, stored := st.Entities[e.ID]
		if stored && old.Kind != e.Kind {
			return Decision{}, Conflict(op, e.ID, "entity %q is a %s and cannot become a %s", e.ID, old.Kind, e.Kind)
		}
		batch[e.ID] = e
		if len(e.Sources) > 0 || (stored && len(old.Sources) > 0) {
			if sources == nil {
				sources = map[string][]Source{}
			}
			have, seen := sources[e.ID]
			if !seen && stored {
				have = old.Sources
			}
			sources[e.ID] = MergeSources(have, e.Sources)
		}
	}
	// expect checks that id exists and that ep allows it; path locates
	// the reference, and is called only for a problem.
	expect := func(id string, ep Endpoint, path func() string) {
		var kind Kind
		var class OrgClass
		if e, ok := batch[id]; ok {
			kind, class = e.Kind, e.Classification
		} else if e, ok := st.Entities[id]; ok {
			kind, class = e.Kind, e.Classification
		} else {
			p.add(path(), "no %s with id %q", "entity", id)
			missing = append(missing, id)
			return
		}
		if ok, why := ep.allows(kind, class); !ok {
			p.add(path(), "%q %s", id, why)
		}
	}
	for i := range b.Proposals {
		expect(b.Proposals[i].Article, articleEnd, func() string { return "proposals" + index(i) + ".article" })
	}
	for i := range b.Entities {
		e := &b.Entities[i]
		if e.Outlet != "" {
			expect(e.Outlet, outletEnd, func() string { return joinPath(paths.entity(i), "outlet") })
		}
		if e.Speaker != "" {
			expect(e.Speaker, speakerEnd, func() string { return joinPath(paths.entity(i), "speaker") })
		}
		for j, src := range e.Sources {
			expect(src.Dataset, datasetEnd, func() string {
				return joinPath(paths.entity(i), "sources") + index(j) + ".dataset"
			})
		}
	}
	for id, srcs := range sources {
		if len(srcs) > MaxSources {
			p.add("entities", "entity %q would keep more than %d sources", id, MaxSources)
		}
	}

	// Relationships: type and ends are fixed once stored; evidence merges.
	// rels holds every relationship written, in the order first met; its
	// capacity is the most it can hold, so pointers into it stay valid.
	rels := make([]Relationship, 0, len(b.Relationships)+len(b.Evidence))
	final := make(map[string]*Relationship, len(b.Relationships)+len(b.Evidence))
	created := make(map[string]bool, len(b.Relationships))
	current := func(id string) *Relationship {
		if r, ok := final[id]; ok {
			return r
		}
		if r, ok := st.Relationships[id]; ok {
			r.Evidence = slices.Clone(r.Evidence)
			rels = append(rels, r)
			final[id] = &rels[len(rels)-1]
			return final[id]
		}
		return nil
	}
	for i := range b.Relationships {
		r := &b.Relationships[i]
		rule, _ := RuleFor(r.Type)
		expect(r.From, rule.From, func() string { return joinPath(paths.relationship(i), "from") })
		expect(r.To, rule.To, func() string { return joinPath(paths.relationship(i), "to") })
		for j, ev := range r.Evidence {
			expectSource(expect, &ev, func() string { return joinPath(paths.relationship(i), "evidence") + index(j) })
		}
		have := current(r.ID)
		if have == nil {
			rels = append(rels, *r)
			n := &rels[len(rels)-1]
			n.Evidence = MergeEvidence(nil, r.Evidence)
			n.Unsupported = r.Unsupported && len(n.Evidence) == 0
			final[r.ID] = n
			created[r.ID] = true
			continue
		}
		if have.Type != r.Type || have.From != r.From || have.To != r.To {
			return Decision{}, Conflict(op, r.ID,
				"relationship %q is %s -%s-> %s and cannot become %s -%s-> %s: delete it and create a new one",
				r.ID, have.From, have.Type, have.To, r.From, r.Type, r.To)
		}
		ev := MergeEvidence(have.Evidence, r.Evidence)
		unsupported := (have.Unsupported || r.Unsupported) && len(ev) == 0
		*have = *r
		have.Evidence = ev
		have.Unsupported = unsupported
	}
	for i, add := range b.Evidence {
		expectSource(expect, &add.Evidence, func() string { return paths.evidence(i) })
		r := current(add.Relationship)
		if r == nil {
			p.add(joinPath(paths.evidence(i), "relationship"), "no %s with id %q", "relationship", add.Relationship)
			missing = append(missing, add.Relationship)
			continue
		}
		r.Evidence = MergeEvidence(r.Evidence, []Evidence{add.Evidence})
		r.Unsupported = false // evidence again
	}
	for _, r := range final {
		if len(r.Evidence) > MaxEvidence {
			p.add(relPath(b, paths, r.ID), "relationship %q would keep more than %d pieces of evidence", r.ID, MaxEvidence)
		}
	}

	// A reclassified organization keeps the endpoint rules of what it is
	// tied to.
	for id, attached := range st.Attached {
		e, ok := batch[id]
		if !ok {
			continue
		}
		var broken []string
		for _, r := range attached {
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

	props, withdrawn, err := decideProposals(op, b, st)
	if err != nil {
		return Decision{}, err
	}

	// Sort pointers, not the records, then copy each once.
	ents := make([]*Entity, 0, len(batch))
	for _, e := range batch {
		ents = append(ents, e)
	}
	slices.SortFunc(ents, func(a, b *Entity) int { return cmp.Compare(a.ID, b.ID) })
	order := make([]*Relationship, len(rels))
	for i := range rels {
		order[i] = &rels[i]
	}
	slices.SortFunc(order, func(a, b *Relationship) int { return cmp.Compare(a.ID, b.ID) })
	d := Decision{
		Entities:        make([]Entity, len(ents)),
		Relationships:   make([]Relationship, len(order)),
		Created:         created,
		Proposals:       props,
		RemoveProposals: withdrawn,
	}
	for i, e := range ents {
		d.Entities[i] = *e
		if srcs, ok := sources[e.ID]; ok {
			d.Entities[i].Sources = srcs
		}
		// The ids merged into an entity keep redirecting to it whatever
		// an upsert sends: only a merge adds them, only a revert takes
		// them off.
		if old, ok := st.Entities[e.ID]; ok && len(old.MergedFrom) > 0 {
			d.Entities[i].MergedFrom = sortedUnique(append(slices.Clone(old.MergedFrom), e.MergedFrom...))
		}
	}
	for i, r := range order {
		d.Relationships[i] = *r
	}
	return d, nil
}

// expectSource checks the source of a piece of evidence: an article, or a
// dataset. path locates the piece.
func expectSource(expect func(string, Endpoint, func() string), ev *Evidence, path func() string) {
	if ev.Dataset != "" {
		expect(ev.Dataset, datasetEnd, func() string { return joinPath(path(), "dataset") })
		return
	}
	expect(ev.Article, articleEnd, func() string { return joinPath(path(), "article") })
}

var (
	datasetEnd = Endpoint{Kinds: []Kind{Dataset}}
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
