package embedded

import (
	"context"
	"math"
	"math/bits"
	"slices"
	"unsafe"

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
	// Network's nodes, and the working lists of inducedEdges.
	nodes, above []int32
	keys, sorted []uint64
	found        []edgeKey
	start, edges []int32
	sink         byte // see touch
}

// edgeKey is an induced edge with the place of its earlier end in the
// nodes.
type edgeKey struct {
	first, rel int32
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
	nodes := sc.nodes[:0]
	defer func() { sc.nodes = nodes }()
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
	var sink byte
	for _, i := range nodes {
		sink += touch(&g.ents[i])
	}
	edges := g.inducedEdges(sc, nodes, f)
	sc.sink += sink
	sub := kg.Subgraph{
		Nodes:     make([]kg.Entity, len(nodes)),
		Edges:     make([]kg.Relationship, len(edges)),
		Truncated: truncated,
	}
	for k, i := range nodes {
		sub.Nodes[k] = g.entity(i)
	}
	pos := sc.distB // from inducedEdges
	for k, i := range edges {
		r := &g.rels[i]
		// The ends are returned nodes: their ids are at hand.
		sub.Edges[k] = g.relationshipWith(i, sub.Nodes[pos[r.from]].ID, sub.Nodes[pos[r.to]].ID)
	}
	return sub, nil
}

// inducedEdges lists every relationship passing f whose ends are both in
// nodes, ordered by the earlier of its ends in nodes, then by id. It leaves
// each node's place in nodes in sc.distB. The list is scratch memory, valid
// until sc is used again.
//
// The nodes of an ego network are mostly hubs' neighbours, and so hubs
// themselves: reading every node's relationships would cost the sum of
// their degrees. Instead each relationship is found from the side of its
// lower-degree end. Nodes are ranked by degree; a node looks only for its
// relationships to nodes ranked above it (and to itself), either by reading
// its own list (cheap for a small degree) or by searching it for each of
// those nodes in order of node, a search starting where the previous one
// ended (cheap for a hub, which has few nodes above it).
//
// The lists are scattered in memory: they are touched first, in a loop of
// independent reads (see touch), so that their cache misses overlap.
func (g *graph) inducedEdges(sc *scratch, nodes []int32, f edgeFilter) []int32 {
	if len(nodes) == 0 {
		return nil
	}
	// in marks the nodes ranked at or above the one at hand; pos[u] is u's
	// place in nodes.
	in, pos := sc.bits(len(g.ents)), sc.distB
	// Sort (degree, node) pairs packed in one integer.
	ranked := sc.keys[:0]
	for k, u := range nodes {
		ranked = append(ranked, uint64(len(g.nbrs[u]))<<32|uint64(u))
		pos[u] = int32(k)
	}
	slices.Sort(ranked)
	// Reading a list is sequential and cheap per entry; a search misses
	// the cache at about every step.
	scan := func(degree, above int) bool { return degree <= 4*above*bits.Len(uint(degree)) }
	var sink byte
	for k, r := range ranked {
		if list := g.nbrs[int32(r)]; scan(len(list), len(ranked)-k) {
			sink += touchAll(list)
		}
	}
	all := f.all()
	found := sc.found[:0]
	above := sc.above
	for k := len(ranked) - 1; k >= 0; k-- {
		u := int32(ranked[k])
		in[u>>6] |= 1 << (u & 63)
		list, pu := g.nbrs[u], pos[u]
		keep := func(v, rel int32) {
			if all || g.relPasses(f, rel) {
				found = append(found, edgeKey{first: min(pu, pos[v]), rel: rel})
			}
		}
		if scan(len(list), len(ranked)-k) {
			for j, n := range list {
				v := n.node
				if in[v>>6]&(1<<(v&63)) == 0 {
					continue
				}
				// A relationship to itself is listed twice: keep one.
				if v == u && j > 0 && list[j-1] == n {
					continue
				}
				keep(v, n.rel)
			}
			continue
		}
		// The nodes marked in in, sorted. Hubs rank last: the few of them
		// that get here have few nodes above them.
		above = above[:0]
		for _, r := range ranked[k:] {
			above = append(above, int32(r))
		}
		slices.Sort(above)
		j := 0
		for _, v := range above {
			// Gallop from j to the first entry for v or beyond.
			lo, hi, step := j, j, 1
			for hi < len(list) && list[hi].node < v {
				lo = hi + 1
				hi += step
				step *= 2
			}
			hi = min(hi, len(list))
			for lo < hi {
				mid := int(uint(lo+hi) >> 1)
				if list[mid].node < v {
					lo = mid + 1
				} else {
					hi = mid
				}
			}
			for j = lo; j < len(list) && list[j].node == v; j++ {
				if v == u && j > lo && list[j-1] == list[j] {
					continue
				}
				keep(v, list[j].rel)
			}
			if j == len(list) {
				break
			}
		}
	}
	for _, u := range nodes {
		in[u>>6] = 0
	}
	// Order by the earlier end's place: a counting sort, the places being
	// few. Within a place, order by id: by place in relOrder, looked up
	// (with the records that the caller reads next touched) apart from
	// finding the edges so that the cache misses overlap.
	start := slices.Grow(sc.start[:0], len(nodes)+1)[:len(nodes)+1]
	clear(start)
	for _, e := range found {
		start[e.first+1]++
	}
	for k := 1; k < len(start); k++ {
		start[k] += start[k-1]
	}
	// sorted holds (place in id order, relationship) packed in one integer.
	sorted := slices.Grow(sc.sorted[:0], len(found))[:len(found)]
	for _, e := range found {
		sorted[start[e.first]] = uint64(g.relRank[e.rel])<<32 | uint64(e.rel)
		start[e.first]++
		r := &g.rels[e.rel]
		sink += touch(r)
		sink += touchAll(g.evidence[r.ev])
	}
	// Now start[p] is where the edges of place p end.
	edges := slices.Grow(sc.edges[:0], len(found))[:len(found)]
	lo := 0
	for _, hi := range start[:len(nodes)] {
		group := sorted[lo:hi]
		if len(group) > 1 {
			slices.Sort(group)
		}
		for k, e := range group {
			edges[lo+k] = int32(e)
		}
		lo = int(hi)
	}
	sc.keys, sc.found, sc.sorted, sc.start, sc.above, sc.edges = ranked, found, sorted, start, above, edges
	sc.sink += sink
	return edges
}

// touch reads a byte of every cache line of *p. A loop whose iterations
// touch scattered records makes the processor wait for their cache misses
// together; the loop that then works on them would wait for one after the
// other. The sum goes to scratch.sink, so that the reads are not optimised
// away.
func touch[T any](p *T) byte {
	b := unsafe.Slice((*byte)(unsafe.Pointer(p)), unsafe.Sizeof(*p))
	if len(b) == 0 {
		return 0
	}
	var s byte
	for i := 0; i < len(b); i += 64 {
		s += b[i]
	}
	return s + b[len(b)-1]
}

// touchAll is touch for every element of a slice.
func touchAll[T any](list []T) byte {
	if len(list) == 0 || unsafe.Sizeof(list[0]) == 0 {
		return 0
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&list[0])), uintptr(len(list))*unsafe.Sizeof(list[0]))
	var s byte
	for i := 0; i < len(b); i += 64 {
		s += b[i]
	}
	return s + b[len(b)-1]
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
