package embedded

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/polgraph/polgraph/internal/kg"
)

// graph is the in-memory copy of the store with its indexes. Entities and
// relationships are addressed by dense int32 indices (never reused: a
// removed one leaves an empty slot, remove.go), so that traversals can
// mark nodes in flat arrays.
type graph struct {
	ents   []entRec
	entIDs []string // ents[i].e.ID, packed densely for relationship()'s lookups of ends
	entIdx map[string]int32
	rels   []relRec
	relIdx relIndex
	// strs holds the relationships' ids and roles, evidence their
	// evidence (evidence[0] is the empty list): the records stay free of
	// pointers, for the garbage collector's sake.
	strs     arena
	evidence [][]kg.Evidence

	// adj holds, per entity, its relationships in both directions, sorted
	// by relationship id.
	adj [][]adj
	// nbrs holds the same relationships per entity as (other end,
	// relationship) pairs sorted by other end: compact to read, and a
	// binary search answers "which relationships join these two?"
	// (Network's induced edges).
	nbrs [][]nbr

	entOrder []int32             // every entity, by id
	byKind   map[kg.Kind][]int32 // entities of each kind, by id
	relOrder []int32             // every relationship, by id
	relRank  []int32             // relRank[i] is relationship i's place in relOrder
	bySource map[string][]int32  // relationships with evidence from a source (article, dataset), by id
	// entsBySource lists, per dataset, the entities with a source record
	// from it, by id.
	entsBySource map[string][]int32
	// relAttrs holds the attributes of the few relationships that have
	// any; unsupported the relationships flagged Unsupported.
	relAttrs    map[int32][]kg.Attribute
	unsupported map[int32]struct{}

	// pending is apply's scratch: per entity, the length of its adjacency
	// list before the batch, plus one, while the batch is folded in.
	pending []int32

	tokens map[string][]int32 // search token → entities with it in a name or alias
	vocab  *vocab             // the keys of tokens, indexed for Search
	// Keys added to and deleted from tokens since the last syncVocab.
	tokAdded, tokDeleted []string
	names                map[string][]int32 // normalised name or alias → entities
	idents               map[string][]int32 // identifier key → entities
}

type entRec struct {
	e     kg.Entity
	names [][]string // the tokens of each name: the name first, then the aliases
}

// relRec is a relationship in compact form: a million of them must fit in
// memory comfortably, and cost the garbage collector nothing, so it holds
// no pointers.
type relRec struct {
	id, role     sref  // in graph.strs
	ev           int32 // index into graph.evidence
	from, to     int32
	since, until int32 // packed dates, see packDate
	typ          uint8 // index into kg.RelTypes
	flags        uint8 // relUnsupported
}

// relRec flags.
const relUnsupported = 1

// adj is one relationship as seen from one of its ends. It repeats what a
// traversal filters on (type, validity interval) so that walking does not
// chase a pointer per edge.
type adj struct {
	rel    int32
	node   int32 // the other end
	lo, hi int32 // kg.Date Lo of since and Hi of until
	typ    uint8
	out    bool // the relationship goes from this entity to node
}

// nbr is one relationship as seen from one end, in nbrs.
type nbr struct{ node, rel int32 }

func nbrCmp(a, b nbr) int {
	if c := cmp.Compare(a.node, b.node); c != 0 {
		return c
	}
	return cmp.Compare(a.rel, b.rel)
}

func newGraph() *graph {
	return &graph{
		entIdx:       make(map[string]int32),
		relIdx:       newRelIndex(),
		byKind:       make(map[kg.Kind][]int32),
		bySource:     make(map[string][]int32),
		entsBySource: make(map[string][]int32),
		relAttrs:     make(map[int32][]kg.Attribute),
		unsupported:  make(map[int32]struct{}),
		tokens:       make(map[string][]int32),
		evidence:     [][]kg.Evidence{nil},
		vocab:        newVocab(),
		names:        make(map[string][]int32),
		idents:       make(map[string][]int32),
	}
}

var relTypeIndex = func() map[kg.RelType]uint8 {
	m := make(map[kg.RelType]uint8, len(kg.RelTypes))
	for i, t := range kg.RelTypes {
		m[t] = uint8(i)
	}
	return m
}()

// typeMask turns a type filter into a bit set; none means all.
func typeMask(types []kg.RelType) uint32 {
	if len(types) == 0 {
		return ^uint32(0)
	}
	var m uint32
	for _, t := range types {
		if i, ok := relTypeIndex[t]; ok {
			m |= 1 << i
		}
	}
	return m
}

func packDate(d kg.Date) int32 { return int32(d.Year*10000 + d.Month*100 + d.Day) }

func unpackDate(p int32) kg.Date {
	return kg.Date{Year: int(p / 10000), Month: int(p / 100 % 100), Day: int(p % 100)}
}

func (g *graph) relationship(i int32) kg.Relationship {
	r := &g.rels[i]
	return g.relationshipWith(i, g.entIDs[r.from], g.entIDs[r.to])
}

// relationshipWith is relationship for a caller that has the ids of the
// ends at hand.
func (g *graph) relationshipWith(i int32, from, to string) kg.Relationship {
	r := &g.rels[i]
	return kg.Relationship{
		ID:       g.strs.str(r.id),
		Type:     kg.RelTypes[r.typ],
		From:     from,
		To:       to,
		Role:     g.strs.str(r.role),
		Since:    unpackDate(r.since),
		Until:    unpackDate(r.until),
		Evidence: slices.Clone(g.evidence[r.ev]),
		// A nil map (a graph built before attributes) reads as empty.
		Attributes:  slices.Clone(g.relAttrs[i]),
		Unsupported: r.flags&relUnsupported != 0,
	}
}

// setRelExtras records a relationship's attributes and flags beside its
// record.
func (g *graph) setRelExtras(i int32, r *kg.Relationship) {
	if len(r.Attributes) > 0 {
		g.relAttrs[i] = slices.Clone(r.Attributes)
	} else {
		delete(g.relAttrs, i)
	}
	if r.Unsupported {
		g.rels[i].flags |= relUnsupported
		g.unsupported[i] = struct{}{}
	} else {
		g.rels[i].flags &^= relUnsupported
		delete(g.unsupported, i)
	}
}

// datasetsOf lists the datasets of an entity's sources, each once.
func datasetsOf(e *kg.Entity) []string {
	var out []string
	for _, s := range e.Sources {
		if !slices.Contains(out, s.Dataset) {
			out = append(out, s.Dataset)
		}
	}
	return out
}

// relPasses is edgeFilter.pass on a relationship record, for the few
// relationships found without their adjacency entry.
func (g *graph) relPasses(f edgeFilter, i int32) bool {
	r := &g.rels[i]
	return f.mask&(1<<r.typ) != 0 &&
		int32(unpackDate(r.since).Lo()) <= f.hi && int32(unpackDate(r.until).Hi()) >= f.lo
}

// entity returns a copy that shares no slices with the store.
func (g *graph) entity(i int32) kg.Entity {
	e := g.ents[i].e
	e.Aliases = slices.Clone(e.Aliases)
	e.Identifiers = slices.Clone(e.Identifiers)
	e.Attributes = slices.Clone(e.Attributes)
	e.Sources = slices.Clone(e.Sources)
	e.MergedFrom = slices.Clone(e.MergedFrom)
	return e
}

// relID is relationship i's id.
func (g *graph) relID(i int32) string { return g.strs.str(g.rels[i].id) }

// relEvidence is relationship i's evidence, shared with the store.
func (g *graph) relEvidence(i int32) []kg.Evidence { return g.evidence[g.rels[i].ev] }

func (g *graph) relCmp(a, b int32) int  { return strings.Compare(g.relID(a), g.relID(b)) }
func (g *graph) entCmp(a, b int32) int  { return strings.Compare(g.ents[a].e.ID, g.ents[b].e.ID) }
func (g *graph) rankCmp(a, b int32) int { return cmp.Compare(g.relRank[a], g.relRank[b]) }
func (g *graph) adjCmp(a, b adj) int    { return g.rankCmp(a.rel, b.rel) }
func identKey(id kg.Identifier) string  { return id.Scheme + "\x00" + id.Value }

// redirectKey indexes an id merged into an entity among the identifier
// keys: no scheme starts with a control character (kg.Entity.Validate), so
// it cannot collide with one.
func redirectKey(id string) string       { return "\x01merged\x00" + id }
func sources(evidence []kg.Evidence) int { return (&kg.Relationship{Evidence: evidence}).Sources() }

// staged is a batch resolved against the store: the final value of every
// entity and relationship it writes, in id order.
type staged struct {
	ents []kg.Entity
	rels []kg.Relationship
	// record is the write's audit record, when the batch asked for one and
	// changes something (ID and Time still to be set).
	record *kg.AuditRecord
	// removeEnts and removeRels are deleted (a removal, a merge): memory
	// forgets them in place (remove.go) before the rest is folded in.
	removeEnts, removeRels []string
	decision               kg.Decision
}

// detachedStored reads the ties of the entities a removal deletes or
// retracts (kg.Stored.Attached, Citing, Naming). The caller holds writeMu.
func (g *graph) detachedStored(ids []string, st *kg.Stored) {
	if st.Attached == nil {
		st.Attached = map[string][]kg.Relationship{}
	}
	st.Citing = map[string][]kg.Relationship{}
	st.Naming = map[string][]string{}
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		i, ok := g.entIdx[id]
		if !ok {
			continue
		}
		want[id] = true
		for _, a := range g.adj[i] {
			st.Attached[id] = append(st.Attached[id], g.relationship(a.rel))
		}
		for _, ri := range g.bySource[id] {
			if slices.ContainsFunc(g.relEvidence(ri), func(ev kg.Evidence) bool { return ev.Source() == id }) {
				st.Citing[id] = append(st.Citing[id], g.relationship(ri))
			}
		}
	}
	if len(want) == 0 {
		return
	}
	// Outlets and speakers have no reverse index: removals are rare enough
	// to scan for them.
	for i := range g.ents {
		e := &g.ents[i].e
		if want[e.Outlet] {
			st.Naming[e.Outlet] = append(st.Naming[e.Outlet], e.ID)
		}
		if e.Speaker != e.Outlet && want[e.Speaker] {
			st.Naming[e.Speaker] = append(st.Naming[e.Speaker], e.ID)
		}
	}
	// Entities imported from a dataset name it as their source.
	for id := range want {
		for _, i := range g.entsBySource[id] {
			st.Naming[id] = append(st.Naming[id], g.ents[i].e.ID)
		}
	}
}

// stage decides a batch with kg.Decide against what the graph holds. The
// caller holds writeMu, so nothing changes between this read and the
// write. Nothing is changed here.
func (g *graph) stage(b *kg.Batch, proposals map[string]kg.Proposal) (*staged, error) {
	st := kg.Stored{
		Entities:      make(map[string]*kg.Entity, len(b.Entities)+len(b.Relationships)),
		Relationships: make(map[string]kg.Relationship), // most writes create
		Proposals:     proposals,
	}
	// What b.Reads lists, without sorting it: nothing here locks.
	b.EachRead(func(id string) {
		if _, done := st.Entities[id]; !done {
			if i, ok := g.entIdx[id]; ok {
				st.Entities[id] = &g.ents[i].e // read only: writeMu keeps g.ents still
			}
		}
	}, func(id string) {
		if _, done := st.Relationships[id]; !done {
			if i, ok := g.lookupRel(id); ok {
				st.Relationships[id] = g.relationship(i)
			}
		}
	})
	if ids := b.Reclassified(st.Entities); len(ids) > 0 {
		st.Attached = make(map[string][]kg.Relationship, len(ids))
		for _, id := range ids {
			for _, a := range g.adj[g.entIdx[id]] {
				st.Attached[id] = append(st.Attached[id], g.relationship(a.rel))
			}
		}
	}
	if ids := b.Detached(); len(ids) > 0 {
		g.detachedStored(ids, &st)
	}
	if b.Merge != nil {
		// A merge re-points the outlets and speakers that name what it
		// merges (kg.Stored.Entities).
		for _, ids := range st.Naming {
			for _, id := range ids {
				if i, ok := g.entIdx[id]; ok {
					st.Entities[id] = &g.ents[i].e
				}
			}
		}
	}
	d, err := kg.Decide(b, st)
	if err != nil {
		return nil, err
	}
	// The store keeps the values: they must not share the caller's slices.
	for i := range d.Entities {
		d.Entities[i].Aliases = slices.Clone(d.Entities[i].Aliases)
		d.Entities[i].Identifiers = slices.Clone(d.Entities[i].Identifiers)
		d.Entities[i].Attributes = slices.Clone(d.Entities[i].Attributes)
		d.Entities[i].Sources = slices.Clone(d.Entities[i].Sources)
		d.Entities[i].MergedFrom = slices.Clone(d.Entities[i].MergedFrom)
	}
	out := &staged{ents: d.Entities, rels: d.Relationships, decision: d,
		removeEnts: d.RemoveEntities, removeRels: d.RemoveRelationships}
	if b.Audit != nil {
		if rec, ok := kg.NewWriteRecord(*b.Audit, st, d); ok {
			out.record = &rec
		}
	}
	return out, nil
}

// apply folds staged values into the graph. It fails only on a relationship
// whose end is unknown, which stage rules out.
func (g *graph) apply(st *staged) error {
	newByKind := make(map[kg.Kind][]int32)
	newBySource := make(map[string][]int32)
	var newEnts []int32
	for _, e := range st.ents {
		i, ok := g.entIdx[e.ID]
		var oldSources []string
		if ok {
			old := &g.ents[i]
			oldSources = datasetsOf(&old.e)
			g.unindexEntity(i)
			if old.e.Kind != e.Kind {
				g.byKind[old.e.Kind] = slices.DeleteFunc(g.byKind[old.e.Kind], func(x int32) bool { return x == i })
				newByKind[e.Kind] = append(newByKind[e.Kind], i)
			}
		} else {
			i = int32(len(g.ents))
			g.ents = append(g.ents, entRec{})
			g.entIDs = append(g.entIDs, e.ID)
			g.adj = append(g.adj, nil)
			g.nbrs = append(g.nbrs, nil)
			g.entIdx[e.ID] = i
			newEnts = append(newEnts, i)
			newByKind[e.Kind] = append(newByKind[e.Kind], i)
		}
		g.ents[i].e = e
		g.indexEntity(i)
		newSources := datasetsOf(&e)
		for _, ds := range oldSources {
			if !slices.Contains(newSources, ds) { // a revert takes a source back
				if l := slices.DeleteFunc(g.entsBySource[ds], func(x int32) bool { return x == i }); len(l) > 0 {
					g.entsBySource[ds] = l
				} else {
					delete(g.entsBySource, ds)
				}
			}
		}
		for _, ds := range newSources {
			if !slices.Contains(oldSources, ds) {
				newBySource[ds] = append(newBySource[ds], i)
			}
		}
	}
	for ds, add := range newBySource {
		slices.SortFunc(add, g.entCmp)
		list := g.entsBySource[ds]
		g.entsBySource[ds] = mergeTail(append(list, add...), len(list), g.entCmp)
	}
	g.syncVocab()
	g.entOrder = mergeTail(append(g.entOrder, newEnts...), len(g.entOrder), g.entCmp)
	for k, add := range newByKind {
		list := g.byKind[k]
		g.byKind[k] = mergeTail(append(list, add...), len(list), g.entCmp)
	}

	// New adjacency entries are appended to their lists, whose sorted
	// length before the batch is kept in g.pending (plus one; 0 for a list
	// not touched), and merged in once the batch's relationships are
	// ranked: no map of per-node lists, one merge per list touched.
	if n := len(g.adj) - len(g.pending); n > 0 {
		g.pending = append(g.pending, make([]int32, n)...)
	}
	var touched []int32
	addAdj := func(n int32, a adj) {
		if g.pending[n] == 0 {
			g.pending[n] = int32(len(g.adj[n])) + 1
			touched = append(touched, n)
		}
		g.adj[n] = append(g.adj[n], a)
	}
	newByArticle := make(map[string][]int32)
	var newRels []int32
	for _, r := range st.rels {
		from, okFrom := g.entIdx[r.From]
		to, okTo := g.entIdx[r.To]
		if !okFrom || !okTo {
			return fmt.Errorf("relationship %q: unknown end", r.ID)
		}
		rec := relRec{
			from: from, to: to,
			since: packDate(r.Since), until: packDate(r.Until),
			typ: relTypeIndex[r.Type],
		}
		lo, hi := int32(r.Since.Lo()), int32(r.Until.Hi())
		i, ok := g.lookupRel(r.ID)
		cited := sourcesOf(r.Evidence)
		if ok {
			old := &g.rels[i]
			rec.id = old.id
			if r.Role == g.strs.str(old.role) {
				rec.role = old.role
			} else {
				rec.role = g.strs.add(r.Role)
			}
			kept := make(map[string]bool, len(r.Evidence))
			for _, ev := range r.Evidence {
				kept[ev.Source()] = true
			}
			for _, ev := range g.evidence[old.ev] {
				if !kept[ev.Source()] {
					// No longer cited (a revert takes evidence back).
					if l := slices.DeleteFunc(g.bySource[ev.Source()], func(x int32) bool { return x == i }); len(l) > 0 {
						g.bySource[ev.Source()] = l
					} else {
						delete(g.bySource, ev.Source())
					}
					kept[ev.Source()] = true // once per article
				}
			}
			cited = slices.DeleteFunc(cited, func(a string) bool {
				return slices.ContainsFunc(g.evidence[old.ev], func(ev kg.Evidence) bool { return ev.Source() == a }) // already indexed
			})
			rec.ev = g.setEvidence(old.ev, r.Evidence)
			if old.from != from || old.to != to {
				notI := func(a adj) bool { return a.rel == i }
				for _, end := range []int32{old.from, old.to} {
					before := len(g.adj[end])
					g.adj[end] = slices.DeleteFunc(g.adj[end], notI)
					if p := g.pending[end]; p != 0 {
						g.pending[end] = p - int32(before-len(g.adj[end])) // i was in the sorted part
					}
				}
				notN := func(n nbr) bool { return n.rel == i }
				g.nbrs[old.from] = slices.DeleteFunc(g.nbrs[old.from], notN)
				g.nbrs[old.to] = slices.DeleteFunc(g.nbrs[old.to], notN)
				ok = false // re-add below
			} else {
				for _, end := range []int32{from, to} {
					// i was stored before this batch: its entries are in
					// the list's sorted part, found by its (old) place.
					list := g.adj[end]
					if p := g.pending[end]; p != 0 {
						list = list[:p-1]
					}
					k, _ := slices.BinarySearchFunc(list, g.relRank[i], func(a adj, rank int32) int { return cmp.Compare(g.relRank[a.rel], rank) })
					for ; k < len(list) && list[k].rel == i; k++ {
						list[k].typ, list[k].lo, list[k].hi = rec.typ, lo, hi
					}
				}
			}
			g.rels[i] = rec
			g.setRelExtras(i, &r)
		} else {
			i = int32(len(g.rels))
			rec.id, rec.role = g.strs.add(r.ID), g.strs.add(r.Role)
			rec.ev = g.setEvidence(0, r.Evidence)
			g.rels = append(g.rels, rec)
			g.setRelExtras(i, &r)
			g.indexRel(i)
			newRels = append(newRels, i)
		}
		if !ok {
			addAdj(from, adj{rel: i, node: to, lo: lo, hi: hi, typ: rec.typ, out: true})
			addAdj(to, adj{rel: i, node: from, lo: lo, hi: hi, typ: rec.typ})
		}
		for _, a := range cited {
			newByArticle[a] = append(newByArticle[a], i)
		}
	}
	g.relOrder = mergeTail(append(g.relOrder, newRels...), len(g.relOrder), g.relCmp)
	g.rankRels(newRels)
	// From here every relationship has its place in id order: lists are
	// merged by comparing places, not ids.
	// Each list is merged on its own, so a large batch's lists are split
	// between two goroutines (they write disjoint elements of g.adj,
	// g.nbrs and g.pending, and only read the ranks).
	merge := func(nodes []int32) {
		for _, n := range nodes {
			old := int(g.pending[n] - 1)
			g.pending[n] = 0
			ns := g.nbrs[n]
			oldNs := len(ns)
			for _, a := range g.adj[n][old:] {
				ns = append(ns, nbr{node: a.node, rel: a.rel})
			}
			g.nbrs[n] = mergeTail(ns, oldNs, nbrCmp)
			g.adj[n] = mergeTail(g.adj[n], old, g.adjCmp)
		}
	}
	if len(touched) < 4096 {
		merge(touched)
	} else {
		half := len(touched) / 2
		var wg sync.WaitGroup
		wg.Go(func() { merge(touched[half:]) })
		merge(touched[:half])
		wg.Wait()
	}
	for a, add := range newByArticle {
		list := g.bySource[a]
		g.bySource[a] = mergeTail(append(list, add...), len(list), g.rankCmp)
	}
	return nil
}

// setEvidence stores a relationship's evidence in place of the list at slot
// (0 for none) and returns its slot.
func (g *graph) setEvidence(slot int32, evidence []kg.Evidence) int32 {
	switch {
	case len(evidence) == 0:
		if slot != 0 {
			g.evidence[slot] = nil
		}
		return 0
	case slot != 0:
		g.evidence[slot] = evidence
		return slot
	}
	g.evidence = append(g.evidence, evidence)
	return int32(len(g.evidence) - 1)
}

// rankRels brings relRank up to date after the relationships added are
// merged into relOrder: only places from the lowest id added on have moved.
func (g *graph) rankRels(added []int32) {
	if len(added) == 0 {
		return
	}
	for len(g.relRank) < len(g.rels) {
		g.relRank = append(g.relRank, 0)
	}
	first := g.relID(slices.MinFunc(added, g.relCmp))
	from, _ := slices.BinarySearchFunc(g.relOrder, first, func(x int32, id string) int { return strings.Compare(g.relID(x), id) })
	for k := from; k < len(g.relOrder); k++ {
		g.relRank[g.relOrder[k]] = int32(k)
	}
}

// indexKeys lists the search tokens, normalised names and identifier keys
// an entity is found under, each once.
func indexKeys(e *kg.Entity) (names [][]string, tokens, normNames, idents []string) {
	for _, n := range e.Names() {
		toks := kg.Tokens(n)
		names = append(names, toks)
		tokens = append(tokens, toks...)
		if nn := strings.Join(toks, " "); nn != "" {
			normNames = append(normNames, nn)
		}
	}
	for _, id := range e.Identifiers {
		idents = append(idents, identKey(id))
	}
	for _, id := range e.MergedFrom {
		idents = append(idents, redirectKey(id))
	}
	return names, uniq(tokens), uniq(normNames), uniq(idents)
}

func uniq(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

func (g *graph) indexEntity(i int32) {
	names, tokens, normNames, idents := indexKeys(&g.ents[i].e)
	g.ents[i].names = names
	for _, t := range tokens {
		list, ok := g.tokens[t]
		if !ok {
			g.tokAdded = append(g.tokAdded, t)
		}
		g.tokens[t] = append(list, i)
	}
	for _, n := range normNames {
		g.names[n] = append(g.names[n], i)
	}
	for _, k := range idents {
		g.idents[k] = append(g.idents[k], i)
	}
}

// syncVocab brings the vocabulary index up to date with the keys of
// tokens: a token deleted and added again within a batch stays indexed.
func (g *graph) syncVocab() {
	var added, removed []string
	for _, t := range g.tokDeleted {
		if _, ok := g.tokens[t]; !ok {
			removed = append(removed, t)
		}
	}
	for _, t := range g.tokAdded {
		if _, ok := g.tokens[t]; !ok {
			continue
		}
		if _, indexed := slices.BinarySearch(g.vocab.sorted, t); !indexed {
			added = append(added, t)
		}
	}
	g.tokAdded, g.tokDeleted = nil, nil
	g.vocab.update(added, removed)
}

func (g *graph) unindexEntity(i int32) {
	_, tokens, normNames, idents := indexKeys(&g.ents[i].e)
	drop := func(m map[string][]int32, keys []string) []string {
		var deleted []string
		for _, k := range keys {
			list := slices.DeleteFunc(m[k], func(x int32) bool { return x == i })
			if len(list) == 0 {
				delete(m, k)
				deleted = append(deleted, k)
			} else {
				m[k] = list
			}
		}
		return deleted
	}
	g.tokDeleted = append(g.tokDeleted, drop(g.tokens, tokens)...)
	drop(g.names, normNames)
	drop(g.idents, idents)
}

// mergeTail sorts s[old:] and merges it into s[:old], which is sorted, in
// place: a small batch costs one pass over the list, not a full sort.
//
// The tail is placed from its largest element down; each finds its place
// among the old elements by a search that starts at the end and gallops
// (1, 2, 4 ... back, then binary), and the old elements above it move up
// as one block. So merging k elements into a list of n costs about
// k·log(n/k) comparisons and one copy of what lies above the first
// insertion point: a hub's long list gaining a few relationships is not
// compared element by element.
func mergeTail[T any](s []T, old int, cmpf func(a, b T) int) []T {
	tail := s[old:]
	slices.SortFunc(tail, cmpf)
	if old == 0 || len(tail) == 0 || cmpf(s[old-1], tail[0]) <= 0 {
		return s
	}
	tail = slices.Clone(tail)
	i, end := old, len(s) // s[:i] holds the old elements not yet moved; s[end:] is final
	for j := len(tail) - 1; j >= 0; j-- {
		t := tail[j]
		// Old elements above t (s[hi:i]) go after it; equal ones stay
		// before it, as a stable merge keeps them.
		hi, step := i, 1
		lo := i - 1
		for lo >= 0 && cmpf(s[lo], t) > 0 {
			hi = lo
			lo -= step
			step *= 2
		}
		lo = max(lo+1, 0) // s[:lo] are at most t
		p := lo + sort.Search(hi-lo, func(x int) bool { return cmpf(s[lo+x], t) > 0 })
		n := i - p
		copy(s[end-n:end], s[p:i])
		end -= n + 1
		s[end] = t
		i = p
		if i == 0 {
			copy(s[:end], tail[:j])
			break
		}
	}
	return s
}

// searchAfter returns the position of the first item of a sorted list whose
// key is above after ("" for the start).
func searchAfter(list []int32, after string, key func(int32) string) int {
	if after == "" {
		return 0
	}
	i, _ := slices.BinarySearchFunc(list, after, func(x int32, t string) int { return cmp.Compare(key(x), t) })
	if i < len(list) && key(list[i]) == after {
		i++
	}
	return i
}

// revertStored reads what kg.DecideRevert needs. The caller holds writeMu.
func (g *graph) revertStored(rr kg.RevertReads) kg.RevertStored {
	st := kg.RevertStored{
		Entities:      map[string]*kg.Entity{},
		Relationships: map[string]kg.Relationship{},
		Attached:      map[string][]kg.Relationship{},
		Citing:        map[string][]string{},
		Naming:        map[string][]string{},
	}
	for _, ids := range [][]string{rr.Written, rr.Referenced} {
		for _, id := range ids {
			if i, ok := g.entIdx[id]; ok {
				e := g.entity(i)
				st.Entities[id] = &e
			}
		}
	}
	for _, id := range rr.Relationships {
		if i, ok := g.lookupRel(id); ok {
			st.Relationships[id] = g.relationship(i)
		}
	}
	for _, ids := range [][]string{rr.Removed, rr.Reclassified} {
		for _, id := range ids {
			if i, ok := g.entIdx[id]; ok {
				for _, a := range g.adj[i] {
					st.Attached[id] = append(st.Attached[id], g.relationship(a.rel))
				}
			}
		}
	}
	if len(rr.Removed) == 0 {
		return st
	}
	removed := make(map[string]bool, len(rr.Removed))
	for _, id := range rr.Removed {
		removed[id] = true
		for _, ri := range g.bySource[id] {
			for _, ev := range g.relEvidence(ri) {
				if ev.Source() == id {
					st.Citing[id] = append(st.Citing[id], g.relID(ri))
					break
				}
			}
		}
	}
	// Outlets and speakers have no reverse index: a revert that removes
	// entities is rare enough to scan for them.
	for i := range g.ents {
		e := &g.ents[i].e
		if removed[e.Outlet] {
			st.Naming[e.Outlet] = append(st.Naming[e.Outlet], e.ID)
		}
		if e.Speaker != e.Outlet && removed[e.Speaker] {
			st.Naming[e.Speaker] = append(st.Naming[e.Speaker], e.ID)
		}
	}
	for id := range removed {
		for _, i := range g.entsBySource[id] {
			st.Naming[id] = append(st.Naming[id], g.ents[i].e.ID)
		}
	}
	return st
}
