package embedded

import (
	"hash/maphash"
	"slices"

	"github.com/polgraph/polgraph/internal/kg"
)

// Removal in memory. A removal, a merge, or a revert that takes back what
// a write created deletes entities and relationships; memory forgets them
// in place, after the transaction that deleted them from storage has
// committed (so readers never see memory ahead of storage, and a failed
// transaction leaves memory as it was).
//
// Indices stay dense and are never reused: a removed entity's or
// relationship's slot is left empty (a tombstone, holding no strings but
// the relationship id bytes already in the arena), and every index that
// named it forgets it: the id lookups, the orders (and the relationships'
// ranks after the first one removed), kinds, sources, adjacency and
// neighbour lists, search tokens, names and identifiers (redirects
// included). A tombstone costs a few dozen bytes until the next Open,
// which builds memory afresh.

// remove forgets the entities and relationships with the given ids;
// unknown ids are skipped. The caller holds mu (and writeMu), and calls it
// before folding the rest of the same write in with apply. An entity's
// relationships are removed with it by the write (kg.Decide removes or
// re-points them all), so none is left pointing at a tombstone.
func (g *graph) remove(entIDs, relIDs []string) {
	if len(entIDs)+len(relIDs) == 0 {
		return
	}
	dead := make(map[int32]bool, len(relIDs))
	for _, id := range relIDs {
		if i, ok := g.lookupRel(id); ok {
			dead[i] = true
		}
	}
	if len(dead) > 0 {
		g.removeRels(dead)
	}
	gone := make(map[int32]bool, len(entIDs))
	for _, id := range entIDs {
		if i, ok := g.entIdx[id]; ok {
			gone[i] = true
		}
	}
	if len(gone) > 0 {
		g.removeEnts(gone)
	}
	g.syncVocab()
}

// removeRels forgets the relationships of dead.
func (g *graph) removeRels(dead map[int32]bool) {
	isDead := func(i int32) bool { return dead[i] }
	// Each list that holds one is filtered once.
	ends := map[int32]bool{}
	sources := map[string]bool{}
	for i := range dead {
		r := &g.rels[i]
		ends[r.from], ends[r.to] = true, true
		for _, ev := range g.evidence[r.ev] {
			sources[ev.Source()] = true
		}
	}
	for n := range ends {
		g.adj[n] = slices.DeleteFunc(g.adj[n], func(a adj) bool { return dead[a.rel] })
		g.nbrs[n] = slices.DeleteFunc(g.nbrs[n], func(x nbr) bool { return dead[x.rel] })
	}
	for src := range sources {
		if l := slices.DeleteFunc(g.bySource[src], isDead); len(l) > 0 {
			g.bySource[src] = l
		} else {
			delete(g.bySource, src)
		}
	}
	// The places in id order from the first one removed on move down.
	first := len(g.relOrder)
	for i := range dead {
		first = min(first, int(g.relRank[i]))
	}
	g.relOrder = slices.DeleteFunc(g.relOrder, isDead)
	for k := first; k < len(g.relOrder); k++ {
		g.relRank[g.relOrder[k]] = int32(k)
	}
	for i := range dead {
		g.unindexRel(i)
		delete(g.relAttrs, i)
		delete(g.unsupported, i)
		if r := &g.rels[i]; r.ev != 0 {
			g.evidence[r.ev] = nil
		}
		g.rels[i] = relRec{id: g.rels[i].id}
		g.relRank[i] = -1
	}
}

// removeEnts forgets the entities of gone.
func (g *graph) removeEnts(gone map[int32]bool) {
	isGone := func(i int32) bool { return gone[i] }
	kinds := map[kg.Kind]bool{}
	sources := map[string]bool{}
	for i := range gone {
		e := &g.ents[i].e
		g.unindexEntity(i)
		delete(g.entIdx, e.ID)
		for _, ds := range datasetsOf(e) {
			sources[ds] = true
		}
		kinds[e.Kind] = true
	}
	g.entOrder = slices.DeleteFunc(g.entOrder, isGone)
	for k, list := range g.byKind {
		if kinds[k] {
			g.byKind[k] = slices.DeleteFunc(list, isGone)
		}
	}
	for ds := range sources {
		if l := slices.DeleteFunc(g.entsBySource[ds], isGone); len(l) > 0 {
			g.entsBySource[ds] = l
		} else {
			delete(g.entsBySource, ds)
		}
	}
	for i := range gone {
		g.ents[i] = entRec{}
		g.entIDs[i] = ""
		g.adj[i], g.nbrs[i] = nil, nil
	}
}

// unindexRel deletes relationship i from the id index, shifting back the
// entries probed past it (linear probing keeps no tombstones: a lookup
// stops at the first empty slot).
func (g *graph) unindexRel(i int32) {
	x := &g.relIdx
	if len(x.slots) == 0 {
		return
	}
	h := maphash.String(x.seed, g.relID(i))
	mask := uint64(len(x.slots) - 1)
	want := h>>32<<32 | uint64(uint32(i)+1)
	k := h & mask
	for x.slots[k] != want {
		if x.slots[k] == 0 {
			return // not indexed
		}
		k = (k + 1) & mask
	}
	for j := (k + 1) & mask; x.slots[j] != 0; j = (j + 1) & mask {
		s := x.slots[j]
		home := maphash.String(x.seed, g.relID(int32(uint32(s)-1))) & mask
		// The entry at j may fill the hole at k unless its home lies in
		// (k, j], cyclically: it would then be found before the hole.
		var stays bool
		if j > k {
			stays = home > k && home <= j
		} else {
			stays = home > k || home <= j
		}
		if !stays {
			x.slots[k] = s
			k = j
		}
	}
	x.slots[k] = 0
	x.n--
}
