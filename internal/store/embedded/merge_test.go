package embedded

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/storetest"
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

// TestRemovalsMatchRebuild mixes creates, merges, unmerges, deletes and
// retractions, and after each checks memory, updated in place, against a
// fresh build from storage (verify), and that what is gone is not found.
func TestRemovalsMatchRebuild(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	audit := &kg.AuditMeta{Actor: "test", Op: "test"}
	last := func(step string) string {
		t.Helper()
		page, err := s.AuditLog(ctx, kg.AuditQuery{First: 10000})
		if err != nil || len(page.Records) == 0 {
			t.Fatalf("%s: the log: %v", step, err)
		}
		return page.Records[len(page.Records)-1].ID
	}
	apply := func(step string, b kg.Batch) string {
		t.Helper()
		b.Audit = audit
		if err := s.Apply(ctx, b); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if err := s.verify(); err != nil {
			t.Fatalf("after %s: %v", step, err)
		}
		return last(step)
	}
	revert := func(step, id string) {
		t.Helper()
		if _, err := s.Revert(ctx, id, kg.AuditMeta{Actor: "test", Op: "revertWrite"}); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if err := s.verify(); err != nil {
			t.Fatalf("after %s: %v", step, err)
		}
	}
	gone := func(step string, ents []string, rels []string) {
		t.Helper()
		if m, _ := s.Entities(ctx, ents); len(m) != 0 {
			t.Errorf("after %s: removed entities still found: %v", step, m)
		}
		if m, _ := s.Relationships(ctx, rels); len(m) != 0 {
			t.Errorf("after %s: removed relationships still found: %v", step, m)
		}
	}
	people := func(from, to int) kg.Batch {
		var b kg.Batch
		for i := from; i < to; i++ {
			b.Entities = append(b.Entities, kg.Entity{ID: fmt.Sprintf("p-%03d", i), Kind: kg.Person, Name: fmt.Sprintf("Person %d Example", i%7)})
		}
		for i := from; i < to; i++ {
			for _, j := range []int{(i + 1) % to, (i * 7) % to, 0} {
				if j != i {
					b.Relationships = append(b.Relationships, kg.Relationship{ID: fmt.Sprintf("r-%03d-%03d", i, j), Type: kg.SpokespersonFor,
						From: fmt.Sprintf("p-%03d", i), To: fmt.Sprintf("p-%03d", j)})
				}
			}
		}
		return b
	}
	apply("create", storetest.Fixture())
	apply("create people", people(0, 60))
	apply("merge", kg.Batch{Merge: &kg.Merge{Keep: "p-001", Merged: []string{"p-002", "p-003"}}})
	gone("merge", []string{"p-002", "p-003"}, []string{"r-002-003", "r-003-004"})
	hub := apply("merge the hub", kg.Batch{Merge: &kg.Merge{Keep: "p-010", Merged: []string{"p-000"}}})
	art := apply("merge an article", kg.Batch{Merge: &kg.Merge{Keep: "a-bbc", Merged: []string{"a-globe"}}})
	revert("unmerge the article", art)
	revert("unmerge the hub", hub)
	apply("create more", people(60, 90))
	del := apply("delete", kg.Batch{Remove: kg.Removal{Entities: []string{"p-070", "p-005"}, Relationships: []string{"r-010-011"}}})
	gone("delete", []string{"p-070", "p-005"}, []string{"r-010-011", "r-070-071", "r-005-006"})
	ret := apply("retract", kg.Batch{Remove: kg.Removal{Retractions: []kg.Retraction{{Source: "a-bbc"}}}})
	revert("revert the retraction", ret)
	revert("revert the delete", del)
	apply("delete a survivor", kg.Batch{Remove: kg.Removal{Entities: []string{"p-001"}, Force: true}})
	apply("create again", people(0, 30))
	again := apply("merge again", kg.Batch{Merge: &kg.Merge{Keep: "p-020", Merged: []string{"p-021", "p-022", "p-023"}}})
	if to, err := s.Redirects(ctx, []string{"p-021", "p-002"}); err != nil || to["p-021"] != "p-020" || to["p-002"] != "" {
		t.Errorf("redirects: %v, %v", to, err)
	}
	revert("unmerge again", again)
}
