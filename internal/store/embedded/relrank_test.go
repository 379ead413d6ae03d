package embedded

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

// TestRelRankFollowsIDOrder writes relationships in batches whose ids fall
// before, between and after those already stored, and checks that relRank,
// which orders Network's induced edges, stays each relationship's place in
// id order, and that a network's edges come out in id order.
func TestRelRankFollowsIDOrder(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	const n = 6
	var b kg.Batch
	for i := range n {
		b.Entities = append(b.Entities, kg.Entity{ID: fmt.Sprintf("e-%d", i), Kind: kg.Person, Name: fmt.Sprintf("Person %d", i)})
	}
	if err := s.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ids := rng.Perm(60)
	for len(ids) > 0 {
		size := min(1+rng.IntN(8), len(ids))
		var b kg.Batch
		for _, id := range ids[:size] {
			b.Relationships = append(b.Relationships, kg.Relationship{
				ID: fmt.Sprintf("r-%03d", id), Type: kg.SpokespersonFor,
				From: fmt.Sprintf("e-%d", rng.IntN(n)), To: fmt.Sprintf("e-%d", rng.IntN(n)),
			})
		}
		ids = ids[size:]
		if err := s.Apply(ctx, b); err != nil {
			t.Fatal(err)
		}
		g := s.g
		if len(g.relRank) != len(g.rels) {
			t.Fatalf("%d ranks for %d relationships", len(g.relRank), len(g.rels))
		}
		for k, i := range g.relOrder {
			if g.relRank[i] != int32(k) {
				t.Fatalf("relationship %s ranked %d, is at %d in id order", g.relID(i), g.relRank[i], k)
			}
		}
	}
	sub, err := s.Network(ctx, kg.NetworkQuery{Seeds: []string{"e-0"}, Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(sub.Nodes) < 2 {
		t.Fatalf("network of e-0 has %d nodes", len(sub.Nodes))
	}
	// The seed's edges come first, in id order.
	var seedEdges []string
	for _, r := range sub.Edges {
		if r.From != "e-0" && r.To != "e-0" {
			break
		}
		seedEdges = append(seedEdges, r.ID)
	}
	if len(seedEdges) < 2 || !slices.IsSorted(seedEdges) {
		t.Errorf("edges of the seed %v: want at least 2, in id order", seedEdges)
	}
}
