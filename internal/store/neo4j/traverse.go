package neo4j

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/polgraph/polgraph/internal/kg"
)

// maxPathRows bounds how many shortest paths Paths reads before choosing
// the first ones in a stable order.
const maxPathRows = 1000

// Network expands the ego network breadth first, one Cypher round trip per
// hop inside one read transaction. The hop's statement returns, per
// frontier node, only the new neighbours the hop can use (type and asOf
// filters and the per-node bound applied by the server); the walk itself
// is done here so that it
// is exactly the embedded store's: the frontier in order, each node's
// relationships in id order, a node beyond Limit or PerHop ending the hop
// and marking the result truncated. One more statement then reads the
// induced edges (every relationship among the kept nodes that passes the
// filters), and only the entities and relationships kept are read in full.
func (s *Store) Network(ctx context.Context, q kg.NetworkQuery) (kg.Subgraph, error) {
	const op = "network"
	types, err := typeNames(q.Types)
	if err != nil {
		return kg.Subgraph{}, err
	}
	lo, hi := asOfBounds(q.AsOf)
	limit := q.Limit
	if limit <= 0 {
		limit = math.MaxInt
	}
	perHop := q.PerHop
	if perHop <= 0 {
		perHop = math.MaxInt
	}
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (kg.Subgraph, error) {
		seeds, err := entitiesByID(ctx, tx, q.Seeds)
		if err != nil {
			return kg.Subgraph{}, err
		}
		seen := map[string]bool{}
		var nodes []string
		for _, id := range q.Seeds {
			if _, ok := seeds[id]; !ok {
				return kg.Subgraph{}, kg.NotFound(op, id)
			}
			if !seen[id] {
				seen[id] = true
				nodes = append(nodes, id)
			}
		}
		truncated := false
		frontier := nodes
		for hop := 1; hop <= q.Depth && len(frontier) > 0; hop++ {
			// The hop adds at most need nodes. Each frontier node's first
			// need+1 new neighbours are enough to add them exactly as a
			// walk over all its relationships would, and to see whether
			// one more was left out: of the nodes it must skip (added
			// earlier in this hop) there are fewer than the places left.
			need := min(perHop, limit-len(nodes))
			adj, err := hopAdjacency(ctx, tx, frontier, nodes, int64(min(need, math.MaxInt32-1)+1), types, lo, hi)
			if err != nil {
				return kg.Subgraph{}, err
			}
			start := len(nodes)
		expand:
			for _, a := range adj {
				if seen[a.other] {
					continue
				}
				if len(nodes)-start >= perHop || len(nodes) >= limit {
					truncated = true
					break expand
				}
				seen[a.other] = true
				nodes = append(nodes, a.other)
			}
			frontier = nodes[start:]
		}
		edges, err := inducedEdges(ctx, tx, nodes, types, lo, hi)
		if err != nil {
			return kg.Subgraph{}, err
		}
		return fillSubgraph(ctx, tx, nodes, edges, truncated)
	})
}

// inducedEdges reads the relationships among nodes that pass the filters,
// ordered as kg.Subgraph says: by the earlier of their ends in nodes, then
// by id.
func inducedEdges(ctx context.Context, tx neo4j.ManagedTransaction, nodes []string, types []any, lo, hi int64) ([]string, error) {
	pos := make(map[string]int, len(nodes))
	ids := make([]any, len(nodes))
	for i, id := range nodes {
		pos[id] = i
		ids[i] = id
	}
	recs, err := run(ctx, tx, stNetworkEdges, map[string]any{"ids": ids, "types": types, "at_lo": lo, "at_hi": hi})
	if err != nil {
		return nil, err
	}
	type edge struct {
		first int
		rel   string
	}
	found := make([]edge, 0, len(recs))
	for _, rec := range recs {
		var rel, src, dst string
		if rel, err = recordString(rec, "rel"); err != nil {
			return nil, err
		}
		if src, err = recordString(rec, "src"); err != nil {
			return nil, err
		}
		if dst, err = recordString(rec, "dst"); err != nil {
			return nil, err
		}
		a, okA := pos[src]
		b, okB := pos[dst]
		if !okA || !okB {
			return nil, fmt.Errorf("relationship %q joins %q and %q, not both among the nodes", rel, src, dst)
		}
		found = append(found, edge{first: min(a, b), rel: rel})
	}
	slices.SortFunc(found, func(a, b edge) int {
		if a.first != b.first {
			return a.first - b.first
		}
		return strings.Compare(a.rel, b.rel)
	})
	out := make([]string, len(found))
	for i, e := range found {
		out[i] = e.rel
	}
	return out, nil
}

// hopEdge is one relationship of a frontier node, seen from it.
type hopEdge struct {
	i     int64 // the frontier node's position
	rel   string
	other string
}

// hopAdjacency reads, for each frontier node, its first perNode neighbours
// outside seen through relationships that pass the filters (each at its
// lowest-id relationship), ordered by frontier position and then
// relationship id (byte order, as the embedded store sorts).
func hopAdjacency(ctx context.Context, tx neo4j.ManagedTransaction, frontier, seen []string, perNode int64, types []any, lo, hi int64) ([]hopEdge, error) {
	rows := make([]any, len(frontier))
	for i, id := range frontier {
		rows[i] = map[string]any{"i": int64(i), "id": id}
	}
	seenIDs := make([]any, len(seen))
	for i, id := range seen {
		seenIDs[i] = id
	}
	recs, err := run(ctx, tx, stNetworkHop, map[string]any{"frontier": rows, "seen": seenIDs, "per_node": perNode,
		"types": types, "at_lo": lo, "at_hi": hi})
	if err != nil {
		return nil, err
	}
	out := make([]hopEdge, 0, len(recs))
	for _, rec := range recs {
		var e hopEdge
		if e.i, err = recordInt(rec, "i"); err != nil {
			return nil, err
		}
		if e.rel, err = recordString(rec, "rel"); err != nil {
			return nil, err
		}
		if e.other, err = recordString(rec, "other"); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b hopEdge) int {
		if a.i != b.i {
			return int(a.i - b.i)
		}
		return strings.Compare(a.rel, b.rel)
	})
	return out, nil
}

func fillSubgraph(ctx context.Context, tx neo4j.ManagedTransaction, nodes, edges []string, truncated bool) (kg.Subgraph, error) {
	ents, err := entitiesByID(ctx, tx, nodes)
	if err != nil {
		return kg.Subgraph{}, err
	}
	rels, err := relationshipsByID(ctx, tx, edges)
	if err != nil {
		return kg.Subgraph{}, err
	}
	sub := kg.Subgraph{Nodes: make([]kg.Entity, len(nodes)), Edges: make([]kg.Relationship, len(edges)), Truncated: truncated}
	for i, id := range nodes {
		e, ok := ents[id]
		if !ok {
			return kg.Subgraph{}, fmt.Errorf("entity %q vanished during the read", id)
		}
		sub.Nodes[i] = e
	}
	for i, id := range edges {
		r, ok := rels[id]
		if !ok {
			return kg.Subgraph{}, fmt.Errorf("relationship %q vanished during the read", id)
		}
		sub.Edges[i] = r
	}
	return sub, nil
}

// Paths finds the shortest undirected paths with allShortestPaths, the
// type and asOf filters evaluated during the search. The statement for the
// query's MaxLength is chosen from those generated per length (a
// variable-length bound cannot be a parameter). Paths come back ordered by
// their node ids, then relationship ids, so that First picks the same ones
// every time.
func (s *Store) Paths(ctx context.Context, q kg.PathQuery) ([]kg.Path, error) {
	const op = "paths"
	if q.MaxLength < 1 || q.MaxLength > MaxPathLength {
		return nil, kg.Invalidf(op, "maxLength", "%d is outside 1..%d", q.MaxLength, MaxPathLength)
	}
	types, err := typeNames(q.Types)
	if err != nil {
		return nil, err
	}
	lo, hi := asOfBounds(q.AsOf)
	first := max(q.First, 1)
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, op, func(tx neo4j.ManagedTransaction) ([]kg.Path, error) {
		ends, err := entitiesByID(ctx, tx, []string{q.From, q.To})
		if err != nil {
			return nil, err
		}
		for _, id := range []string{q.From, q.To} {
			if _, ok := ends[id]; !ok {
				return nil, kg.NotFound(op, id)
			}
		}
		if q.From == q.To {
			return []kg.Path{{Nodes: []kg.Entity{ends[q.From]}}}, nil
		}
		recs, err := run(ctx, tx, fmt.Sprintf("%s%d", prefixPaths, q.MaxLength), map[string]any{
			"src": q.From, "dst": q.To, "types": types, "at_lo": lo, "at_hi": hi, "limit": int64(maxPathRows),
		})
		if err != nil {
			return nil, err
		}
		type idPath struct{ nodes, rels []string }
		var found []idPath
		for _, rec := range recs {
			var p idPath
			if p.nodes, err = recordStrings(rec, "nodes"); err != nil {
				return nil, err
			}
			if p.rels, err = recordStrings(rec, "rels"); err != nil {
				return nil, err
			}
			if len(p.nodes) != len(p.rels)+1 {
				return nil, fmt.Errorf("path of %d nodes and %d relationships", len(p.nodes), len(p.rels))
			}
			found = append(found, p)
		}
		slices.SortFunc(found, func(a, b idPath) int {
			if c := slices.Compare(a.nodes, b.nodes); c != 0 {
				return c
			}
			return slices.Compare(a.rels, b.rels)
		})
		if len(found) > first {
			found = found[:first]
		}
		var nodeIDs, relIDs []string
		for _, p := range found {
			nodeIDs = append(nodeIDs, p.nodes...)
			relIDs = append(relIDs, p.rels...)
		}
		ents, err := entitiesByID(ctx, tx, nodeIDs)
		if err != nil {
			return nil, err
		}
		rels, err := relationshipsByID(ctx, tx, relIDs)
		if err != nil {
			return nil, err
		}
		out := make([]kg.Path, 0, len(found))
		for _, p := range found {
			path := kg.Path{Nodes: make([]kg.Entity, len(p.nodes)), Edges: make([]kg.Relationship, len(p.rels))}
			for i, id := range p.nodes {
				path.Nodes[i] = ents[id]
			}
			for i, id := range p.rels {
				path.Edges[i] = rels[id]
			}
			out = append(out, path)
		}
		return out, nil
	})
}

// recordStrings reads a list of strings from a record.
func recordStrings(rec *neo4j.Record, key string) ([]string, error) {
	raw, _, err := neo4j.GetRecordValue[[]any](rec, key)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(raw))
	for i, v := range raw {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("record value %s[%d] is a %T, not a string", key, i, v)
		}
		out[i] = s
	}
	return out, nil
}
