package embedded

import (
	"context"
	"fmt"
	"slices"
	"unsafe"

	bolt "go.etcd.io/bbolt"

	"github.com/polgraph/polgraph/internal/kg"
)

// checkEvery is how many records build reads between looks at its
// context: often enough to stop within milliseconds, rarely enough to cost
// nothing.
const checkEvery = 1 << 13

// build makes the in-memory graph from storage in one pass over each
// bucket. bbolt hands records out in key order, which is id order, so the
// id orders, the kind lists and the adjacency lists come out sorted as they
// are filled, and every index is sized once from the record counts: the
// cost is linear in the size of the store. apply, which folds a batch into
// a graph that already holds data, builds the same indexes (verify checks
// that the two agree).
func build(ctx context.Context, tx *bolt.Tx) (*graph, error) {
	eb, rb := tx.Bucket(bucketEntities), tx.Bucket(bucketRelationships)
	nEnt, nRel := eb.Stats().KeyN, rb.Stats().KeyN
	g := newGraph()
	g.ents = make([]entRec, 0, nEnt)
	g.entIDs = make([]string, 0, nEnt)
	g.entIdx = make(map[string]int32, nEnt)
	g.tokens = make(map[string][]int32, nEnt)
	g.names = make(map[string][]int32, nEnt)

	n := 0
	check := func() error {
		if n++; n%checkEvery == 0 {
			return ctx.Err()
		}
		return nil
	}

	c := eb.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := check(); err != nil {
			return nil, err
		}
		e, err := decodeEntity(k, v)
		if err != nil {
			return nil, err
		}
		i := int32(len(g.ents))
		g.ents = append(g.ents, entRec{e: e})
		g.entIDs = append(g.entIDs, e.ID)
		g.entIdx[e.ID] = i
		g.byKind[e.Kind] = append(g.byKind[e.Kind], i)
		g.indexEntity(i)
		for _, ds := range datasetsOf(&g.ents[i].e) {
			g.entsBySource[ds] = append(g.entsBySource[ds], i)
		}
	}
	g.entOrder = iota32(len(g.ents))
	g.tokAdded = nil
	toks := make([]string, 0, len(g.tokens))
	for t := range g.tokens {
		toks = append(toks, t)
	}
	slices.Sort(toks)
	g.vocab.update(toks, nil)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	g.rels = make([]relRec, 0, nRel)
	deg := make([]int32, len(g.ents))
	c = rb.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := check(); err != nil {
			return nil, err
		}
		if err := g.addStored(k, v, deg); err != nil {
			return nil, err
		}
	}

	// Adjacency: each list is a window of one pointer-free array, sized by
	// the degrees; a list that grows later moves out of it. Relationships
	// are visited in id order, so each list is filled sorted.
	g.adj = make([][]adj, len(g.ents))
	g.nbrs = make([][]nbr, len(g.ents))
	adjs := make([]adj, 2*len(g.rels))
	nbrs := make([]nbr, 2*len(g.rels))
	off := 0
	for u, d := range deg {
		g.adj[u] = adjs[off:off:min(off+int(d), len(adjs))]
		g.nbrs[u] = nbrs[off:off:min(off+int(d), len(nbrs))]
		off += int(d)
	}
	for i := range g.rels {
		r := &g.rels[i]
		lo, hi := int32(unpackDate(r.since).Lo()), int32(unpackDate(r.until).Hi())
		g.adj[r.from] = append(g.adj[r.from], adj{rel: int32(i), node: r.to, lo: lo, hi: hi, typ: r.typ, out: true})
		g.adj[r.to] = append(g.adj[r.to], adj{rel: int32(i), node: r.from, lo: lo, hi: hi, typ: r.typ})
	}
	// nbrs[v] lists (u, relationship) sorted by u, then relationship:
	// visiting u in order, and each u's relationships in id order, fills
	// them sorted.
	for u := range g.adj {
		for _, a := range g.adj[u] {
			g.nbrs[a.node] = append(g.nbrs[a.node], nbr{node: int32(u), rel: a.rel})
		}
	}
	g.relOrder = iota32(len(g.rels))
	g.relRank = iota32(len(g.rels))
	g.relIdx.slots = make([]uint64, max(1024, pow2(2*(len(g.rels)+1))))
	for i := range g.rels {
		g.indexRel(int32(i))
	}
	return g, ctx.Err()
}

// addStored appends the relationship stored under key, counting its ends'
// degrees. It reads the record in place and copies only what it keeps.
func (g *graph) addStored(key, v []byte, deg []int32) error {
	f, isJSON, err := readRelationship(unsafe.String(unsafe.SliceData(v), len(v)))
	if err != nil {
		return fmt.Errorf("relationship %q: %w", key, err)
	}
	var evidence []kg.Evidence
	var extra relExtra
	if isJSON {
		r, err := decodeRelationship(key, v)
		if err != nil {
			return err
		}
		f = relFields{typ: string(r.Type), from: r.From, to: r.To, role: r.Role, since: r.Since, until: r.Until}
		evidence = r.Evidence
		extra = relExtra{attributes: r.Attributes, unsupported: r.Unsupported}
	} else if evidence, err = f.readEvidence(true); err != nil {
		return fmt.Errorf("relationship %q: %w", key, err)
	} else if extra, err = f.readExtra(true); err != nil {
		return fmt.Errorf("relationship %q: %w", key, err)
	}
	from, okFrom := g.entIdx[f.from]
	to, okTo := g.entIdx[f.to]
	if !okFrom || !okTo {
		return fmt.Errorf("relationship %q: unknown end", key)
	}
	typ, ok := relTypeIndex[kg.RelType(f.typ)]
	if !ok {
		return fmt.Errorf("relationship %q: unknown type %q", key, f.typ)
	}
	i := int32(len(g.rels))
	g.rels = append(g.rels, relRec{
		id:   g.strs.add(unsafe.String(unsafe.SliceData(key), len(key))),
		role: g.strs.add(f.role),
		ev:   g.setEvidence(0, evidence),
		from: from, to: to,
		since: packDate(f.since), until: packDate(f.until),
		typ: typ,
	})
	g.setRelExtras(i, &kg.Relationship{Attributes: extra.attributes, Unsupported: extra.unsupported})
	deg[from]++
	deg[to]++
	for _, a := range sourcesOf(evidence) {
		g.bySource[a] = append(g.bySource[a], i)
	}
	return nil
}

// sourcesOf lists the sources (articles, datasets) evidence cites, each once, in the order
// first cited. Lists are short; a long one is checked with a set.
func sourcesOf(evidence []kg.Evidence) []string {
	if len(evidence) == 1 {
		return []string{evidence[0].Source()}
	}
	var out []string
	var seen map[string]bool
	if len(evidence) > 16 {
		seen = make(map[string]bool, len(evidence))
	}
	for j, ev := range evidence {
		dup := false
		if seen != nil {
			dup = seen[ev.Source()]
			seen[ev.Source()] = true
		} else {
			for _, p := range evidence[:j] {
				if p.Source() == ev.Source() {
					dup = true
					break
				}
			}
		}
		if !dup {
			out = append(out, ev.Source())
		}
	}
	return out
}

func iota32(n int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(i)
	}
	return s
}

func pow2(n int) int {
	p := 1
	for p < n {
		p <<= 1
	}
	return p
}
