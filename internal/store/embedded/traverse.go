package embedded

import (
	"context"
	"math"

	"github.com/polgraph/polgraph/internal/kg"
)

// scratch is per-traversal working memory: per-node marks stamped with a
// generation, so that a traversal neither allocates nor clears arrays the
// size of the graph. Traversals take one from Store.scratch.
type scratch struct {
	gen          uint32
	markA, markB []uint32 // == gen: visited from the source (A) or the target (B) side
	relMark      []uint32 // == gen: relationship already followed (Network)
	distA, distB []int32
	headA, headB []int32 // first parent link of a node, -1 for none
	links        []link
}

// link is one way to reach a node one step closer to where a search began.
type link struct {
	node, rel, next int32
}

func (s *Store) getScratch(nodes, rels int) *scratch {
	sc, _ := s.scratch.Get().(*scratch)
	if sc == nil || len(sc.markA) < nodes || len(sc.relMark) < rels {
		// Room to grow before the next reallocation.
		n, r := max(nodes, 1024)*5/4, max(rels, 1024)*5/4
		sc = &scratch{
			markA: make([]uint32, n), markB: make([]uint32, n),
			distA: make([]int32, n), distB: make([]int32, n),
			headA: make([]int32, n), headB: make([]int32, n),
			relMark: make([]uint32, r),
		}
	}
	sc.gen++
	if sc.gen == 0 { // wrapped: old stamps could collide
		clear(sc.markA)
		clear(sc.markB)
		clear(sc.relMark)
		sc.gen = 1
	}
	sc.links = sc.links[:0]
	return sc
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

// pass is kg.ValidDuring and the type filter.
func (f edgeFilter) pass(a *adj) bool {
	return f.mask&(1<<a.typ) != 0 && a.lo <= f.hi && a.hi >= f.lo
}

// Network expands breadth first from the seeds. Each hop visits the
// frontier in order and each node's relationships in id order; a node that
// would exceed Limit or the hop's PerHop ends the hop and marks the result
// truncated. Edges are the relationships the expansion followed between
// returned nodes.
func (s *Store) Network(ctx context.Context, q kg.NetworkQuery) (kg.Subgraph, error) {
	const op = "network"
	if err := ctxErr(ctx, op); err != nil {
		return kg.Subgraph{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := s.g
	sc := s.getScratch(len(g.ents), len(g.rels))
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
	edges := make([]int32, 0, cap(nodes))
	follow := func(rel int32) {
		if sc.relMark[rel] != gen {
			sc.relMark[rel] = gen
			edges = append(edges, rel)
		}
	}
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
				if !f.pass(a) {
					continue
				}
				if sc.markA[a.node] == gen {
					follow(a.rel)
					continue
				}
				if len(nodes)-start >= perHop || len(nodes) >= limit {
					truncated = true
					break expand
				}
				sc.markA[a.node] = gen
				nodes = append(nodes, a.node)
				follow(a.rel)
			}
		}
		frontier = nodes[start:]
	}
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
	sc := s.getScratch(len(g.ents), len(g.rels))
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
