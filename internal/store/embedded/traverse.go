package embedded

import (
	"cmp"
	"context"
	"math"
	"math/bits"
	"slices"

	"github.com/polgraph/polgraph/internal/kg"
)

// scratch is per-traversal working memory: per-node marks stamped with a
// generation, so that a traversal neither allocates nor clears arrays the
// size of the graph. Traversals take one from Store.scratch.
type scratch struct {
	gen          uint32
	markA, markB []uint32 // == gen: visited from the source (A) or the target (B) side
	distA, distB []int32
	headA, headB []int32  // first parent link of a node, -1 for none
	set          []uint64 // a bit per node, all zero between uses
	links        []link
}

// link is one way to reach a node one step closer to where a search began.
type link struct {
	node, rel, next int32
}

func (s *Store) getScratch(nodes int) *scratch {
	sc, _ := s.scratch.Get().(*scratch)
	if sc == nil || len(sc.markA) < nodes {
		// Room to grow before the next reallocation.
		n := max(nodes, 1024) * 5 / 4
		sc = &scratch{
			markA: make([]uint32, n), markB: make([]uint32, n),
			distA: make([]int32, n), distB: make([]int32, n),
			headA: make([]int32, n), headB: make([]int32, n),
		}
	}
	sc.gen++
	if sc.gen == 0 { // wrapped: old stamps could collide
		clear(sc.markA)
		clear(sc.markB)
		sc.gen = 1
	}
	sc.links = sc.links[:0]
	return sc
}

// bits returns the scratch bit set, room for n nodes; the caller leaves it
// all zero.
func (sc *scratch) bits(n int) []uint64 {
	if w := n/64 + 1; len(sc.set) < w {
		sc.set = make([]uint64, w*5/4)
	}
	return sc.set
}

// edgeFilter is a traversal's type and date filter, on adjacency entries.
type edgeFilter struct {
	mask   uint32
	lo, hi int32
}

func newEdgeFilter(types []kg.RelType, asOf kg.Date) edgeFilter {
	f := edgeFilter{mask: typeMask(types), lo: math.MinInt32, hi: math.MaxInt32}
	if !asOf.IsZero() {
		f.lo, f.hi = int32(asOf.Lo()), int32(asOf.Hi())
	}
	return f
}

// all reports whether f lets every relationship through.
func (f edgeFilter) all() bool {
	return f.mask == ^uint32(0) && f.lo == math.MinInt32 && f.hi == math.MaxInt32
}

// pass is kg.ValidDuring and the type filter.
func (f edgeFilter) pass(a *adj) bool {
	return f.mask&(1<<a.typ) != 0 && a.lo <= f.hi && a.hi >= f.lo
}

// Network expands breadth first from the seeds. Each hop visits the
// frontier in order and each node's relationships in id order; a node that
// would exceed Limit or the hop's PerHop ends the hop and marks the result
// truncated. Edges are then the induced subgraph (see inducedEdges): the
// walk itself follows no relationship lists beyond what it needs.
func (s *Store) Network(ctx context.Context, q kg.NetworkQuery) (kg.Subgraph, error) {
	const op = "network"
	if err := ctxErr(ctx, op); err != nil {
		return kg.Subgraph{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := s.g
	sc := s.getScratch(len(g.ents))
	defer s.scratch.Put(sc)
	gen := sc.gen
	limit := q.Limit
	if limit <= 0 {
		limit = math.MaxInt
	}
	nodes := make([]int32, 0, min(limit, 256))
	for _, id := range q.Seeds {
		i, ok := g.entIdx[id]
		if !ok {
			return kg.Subgraph{}, kg.NotFound(op, id)
		}
		if sc.markA[i] != gen {
			sc.markA[i] = gen
			nodes = append(nodes, i)
		}
	}
	perHop := q.PerHop
	if perHop <= 0 {
		perHop = math.MaxInt
	}
	f := newEdgeFilter(q.Types, q.AsOf)
	truncated := false
	frontier := nodes
	for hop := 1; hop <= q.Depth && len(frontier) > 0; hop++ {
		if err := ctxErr(ctx, op); err != nil {
			return kg.Subgraph{}, err
		}
		start := len(nodes)
	expand:
		for _, u := range frontier {
			for k := range g.adj[u] {
				a := &g.adj[u][k]
				if sc.markA[a.node] == gen || !f.pass(a) {
					continue
				}
				if len(nodes)-start >= perHop || len(nodes) >= limit {
					truncated = true
					break expand
				}
				sc.markA[a.node] = gen
				nodes = append(nodes, a.node)
			}
		}
		frontier = nodes[start:]
	}
	edges := g.inducedEdges(sc, nodes, f)
	sub := kg.Subgraph{
		Nodes:     make([]kg.Entity, len(nodes)),
		Edges:     make([]kg.Relationship, len(edges)),
		Truncated: truncated,
	}
	for k, i := range nodes {
		sub.Nodes[k] = g.entity(i)
	}
	for k, r := range edges {
		sub.Edges[k] = g.relationship(r)
	}
	return sub, nil
}

// inducedEdges lists every relationship passing f whose ends are both in
// nodes, ordered by the earlier of its ends in nodes, then by id.
//
// The nodes of an ego network are mostly hubs' neighbours, and so hubs
// themselves: reading every node's relationships would cost the sum of
// their degrees. Instead each relationship is found from the side of its
// lower-degree end. Nodes are ranked by degree; a node looks only for its
// relationships to nodes ranked above it, either by reading its own list
// (cheap for a small degree) or by binary search in it for each of those
// nodes (cheap for a hub, which has few nodes above it).
func (g *graph) inducedEdges(sc *scratch, nodes []int32, f edgeFilter) []int32 {
	if len(nodes) == 0 {
		return nil
	}
	// rank[u] is u's place in ranked; in marks the nodes.
	rank, in := sc.distA, sc.bits(len(g.ents))
	// Sort (degree, node) pairs packed in one integer.
	byDegree := make([]int64, len(nodes))
	for k, u := range nodes {
		byDegree[k] = int64(len(g.nbrs[u]))<<32 | int64(u)
	}
	slices.Sort(byDegree)
	ranked := make([]int32, len(nodes))
	for k, d := range byDegree {
		u := int32(d)
		ranked[k] = u
		rank[u] = int32(k)
		in[u>>6] |= 1 << (u & 63)
	}
	type found struct{ first, rel int32 }
	out := make([]found, 0, 2*len(nodes))
	pos := sc.distB
	keep := func(u, v, rel int32) {
		if f.all() || g.relPasses(f, rel) {
			out = append(out, found{first: min(pos[u], pos[v]), rel: rel})
		}
	}
	for k, u := range nodes {
		pos[u] = int32(k)
	}
	for k, u := range ranked {
		list := g.nbrs[u]
		above := ranked[k+1:]
		// Reading a list is sequential; a binary search misses the cache
		// at about every step.
		if len(list) <= 4*len(above)*bits.Len(uint(len(list))) {
			for j, n := range list {
				v := n.node
				if in[v>>6]&(1<<(v&63)) == 0 || rank[v] < int32(k) {
					continue
				}
				// A relationship to itself is listed twice: keep one.
				if v == u && j > 0 && list[j-1] == n {
					continue
				}
				keep(u, v, n.rel)
			}
			continue
		}
		search := func(v int32) {
			j, _ := slices.BinarySearchFunc(list, v, func(n nbr, v int32) int { return cmp.Compare(n.node, v) })
			for ; j < len(list) && list[j].node == v; j++ {
				if v == u && j > 0 && list[j-1] == list[j] {
					continue
				}
				keep(u, v, list[j].rel)
			}
		}
		search(u)
		for _, v := range above {
			search(v)
		}
	}
	for _, u := range nodes {
		in[u>>6] = 0
	}
	slices.SortFunc(out, func(a, b found) int {
		if c := cmp.Compare(a.first, b.first); c != 0 {
			return c
		}
		return g.relCmp(a.rel, b.rel)
	})
	edges := make([]int32, len(out))
	for k, e := range out {
		edges[k] = e.rel
	}
	return edges
}

// side is one end of a bidirectional search.
type side struct {
	mark, other []uint32
	dist        []int32
	head        []int32
	frontier    []int32
	cost        int // adjacency entries the next expansion of this side will read
	depth       int
}

// Paths finds the shortest undirected paths by breadth-first search from
// both ends at once, always expanding the side whose frontier has fewer
// relationships to read. The first layer in which the two searches meet
// gives the length; every shortest path passes through one of the meeting
// nodes of that layer, and is rebuilt from the parent links of both sides.
func (s *Store) Paths(ctx context.Context, q kg.PathQuery) ([]kg.Path, error) {
	const op = "paths"
	if err := ctxErr(ctx, op); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := s.g
	src, ok := g.entIdx[q.From]
	if !ok {
		return nil, kg.NotFound(op, q.From)
	}
	dst, ok := g.entIdx[q.To]
	if !ok {
		return nil, kg.NotFound(op, q.To)
	}
	if src == dst {
		return []kg.Path{{Nodes: []kg.Entity{g.entity(src)}}}, nil
	}
	first := max(q.First, 1)
	sc := s.getScratch(len(g.ents))
	defer s.scratch.Put(sc)
	gen := sc.gen
	a := &side{mark: sc.markA, other: sc.markB, dist: sc.distA, head: sc.headA, frontier: []int32{src}, cost: len(g.adj[src])}
	b := &side{mark: sc.markB, other: sc.markA, dist: sc.distB, head: sc.headB, frontier: []int32{dst}, cost: len(g.adj[dst])}
	for _, x := range []*side{a, b} {
		n := x.frontier[0]
		x.mark[n], x.dist[n], x.head[n] = gen, 0, -1
	}
	f := newEdgeFilter(q.Types, q.AsOf)

	var meet []int32
	for a.depth+b.depth < q.MaxLength && len(meet) == 0 {
		if err := ctxErr(ctx, op); err != nil {
			return nil, err
		}
		x := a
		if b.cost < a.cost {
			x = b
		}
		var next []int32
		cost := 0
	layer:
		for _, u := range x.frontier {
			du := x.dist[u]
			for k := range g.adj[u] {
				e := &g.adj[u][k]
				if !f.pass(e) {
					continue
				}
				v := e.node
				if x.mark[v] == gen {
					if x.dist[v] == du+1 { // another parent in this layer
						sc.links = append(sc.links, link{node: u, rel: e.rel, next: x.head[v]})
						x.head[v] = int32(len(sc.links) - 1)
					}
					continue
				}
				x.mark[v], x.dist[v] = gen, du+1
				sc.links = append(sc.links, link{node: u, rel: e.rel, next: -1})
				x.head[v] = int32(len(sc.links) - 1)
				next = append(next, v)
				cost += len(g.adj[v])
				if x.other[v] == gen {
					meet = append(meet, v)
					if first == 1 {
						// Every node where the searches first meet gives
						// the same length: one is enough for one path.
						break layer
					}
				}
			}
		}
		x.frontier, x.cost = next, cost
		x.depth++
		if len(next) == 0 {
			break // this side's component is exhausted: no path
		}
	}
	out := []kg.Path{}
	if len(meet) == 0 {
		return out, nil
	}
	length := a.depth + b.depth
	nodes := make([]int32, length+1)
	rels := make([]int32, length)
	emit := func() bool {
		p := kg.Path{Nodes: make([]kg.Entity, len(nodes)), Edges: make([]kg.Relationship, len(rels))}
		for k, n := range nodes {
			p.Nodes[k] = g.entity(n)
		}
		for k, r := range rels {
			p.Edges[k] = g.relationship(r)
		}
		out = append(out, p)
		return len(out) < first
	}
	// toTarget fills nodes[pos+1:] walking B's links from nodes[pos];
	// toSource fills nodes[:pos] walking A's links back from nodes[pos].
	var toTarget, toSource func(pos int) bool
	toTarget = func(pos int) bool {
		if pos == length {
			return emit()
		}
		for l := sc.headB[nodes[pos]]; l >= 0; l = sc.links[l].next {
			nodes[pos+1], rels[pos] = sc.links[l].node, sc.links[l].rel
			if !toTarget(pos + 1) {
				return false
			}
		}
		return true
	}
	var mid int
	toSource = func(pos int) bool {
		if pos == 0 {
			return toTarget(mid)
		}
		for l := sc.headA[nodes[pos]]; l >= 0; l = sc.links[l].next {
			nodes[pos-1], rels[pos-1] = sc.links[l].node, sc.links[l].rel
			if !toSource(pos - 1) {
				return false
			}
		}
		return true
	}
	mid = a.depth
	for _, m := range meet {
		nodes[mid] = m
		if !toSource(mid) {
			break
		}
	}
	return out, nil
}
