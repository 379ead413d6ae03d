package embedded

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

// TestMergeTail checks the galloping merge against a stable sort, over
// lists and tails of many shapes (empty, interleaved, all before, all
// after, duplicates, a long list gaining a few).
func TestMergeTail(t *testing.T) {
	type item struct{ key, tag int }
	byKey := func(a, b item) int { return cmp.Compare(a.key, b.key) }
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 2000 {
		n, k := rng.IntN(50), rng.IntN(50)
		if round%10 == 0 {
			n = 1000 + rng.IntN(1000)
		}
		span := 1 + rng.IntN(2*(n+k)+1)
		s := make([]item, 0, n+k)
		for i := range n {
			s = append(s, item{key: rng.IntN(span), tag: i})
		}
		slices.SortStableFunc(s, byKey)
		for i := range k {
			s = append(s, item{key: rng.IntN(span) + rng.IntN(3)*span/2, tag: n + i})
		}
		// What a stable merge gives: old elements before equal new ones.
		tail := slices.Clone(s[n:])
		slices.SortFunc(tail, byKey)
		want := append(slices.Clone(s[:n]), tail...)
		slices.SortStableFunc(want, byKey)
		got := mergeTail(slices.Clone(s), n, byKey)
		if !slices.IsSortedFunc(got, byKey) || len(got) != n+k {
			t.Fatalf("round %d: not sorted or wrong length", round)
		}
		for i := range got {
			if got[i].key != want[i].key || (got[i].tag < n) != (want[i].tag < n) {
				t.Fatalf("round %d (n=%d k=%d): at %d got %v, want %v", round, n, k, i, got[i], want[i])
			}
			if got[i].tag < n && got[i] != want[i] {
				t.Fatalf("round %d: old elements reordered at %d: %v, want %v", round, i, got[i], want[i])
			}
		}
	}
}

// TestLargeBatchesMatchRebuild writes batches large enough that apply
// merges adjacency lists on two goroutines, with ids that interleave with
// those already stored, and checks memory against a rebuild after each.
func TestLargeBatchesMatchRebuild(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	const ents = 6000
	var b kg.Batch
	for i := range ents {
		b.Entities = append(b.Entities, kg.Entity{ID: fmt.Sprintf("e-%d", i), Kind: kg.Person, Name: fmt.Sprintf("Person %d", i)})
	}
	if err := s.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	for batch := range 3 {
		var b kg.Batch
		for i := range 15000 {
			b.Relationships = append(b.Relationships, kg.Relationship{
				ID:   fmt.Sprintf("r-%d", i*3+batch), // each batch's ids fall between the others'
				Type: kg.SpokespersonFor, From: fmt.Sprintf("e-%d", rng.IntN(ents)), To: fmt.Sprintf("e-%d", rng.IntN(ents)),
			})
		}
		if err := s.Apply(ctx, b); err != nil {
			t.Fatal(err)
		}
		if err := s.verify(); err != nil {
			t.Fatalf("after batch %d: %v", batch, err)
		}
	}
}
