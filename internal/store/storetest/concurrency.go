package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

// concurrent runs f(0) … f(n-1) at once and returns their errors.
func concurrent(n int, f func(i int) error) []error {
	errs := make([]error, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			errs[i] = f(i)
		}()
	}
	start.Done()
	done.Wait()
	return errs
}

// testConcurrency: writes that race on one relationship or one new id lose
// nothing, duplicate nothing and break no rule (the store's transaction
// serialises what kg.Decide reads and what it decides).
func (s suite) testConcurrency(t *testing.T) {
	ctx := context.Background()
	const n = 8

	t.Run("AddEvidence", func(t *testing.T) {
		st := s.loaded(t)
		before := rel(t, st, "r-dong-commons")
		errs := concurrent(n, func(i int) error {
			return st.Apply(ctx, kg.Batch{Evidence: []kg.EvidenceAdd{{Relationship: "r-dong-commons",
				Evidence: kg.Evidence{Article: "a-bbc", Quote: fmt.Sprintf("concurrent quote %d", i), Confidence: 0.5}}}})
		})
		for i, err := range errs {
			if err != nil {
				t.Errorf("addEvidence %d: %v", i, err)
			}
		}
		got := rel(t, st, "r-dong-commons")
		if len(got.Evidence) != len(before.Evidence)+n {
			t.Errorf("after %d concurrent additions: %d pieces of evidence, want %d: %+v", n, len(got.Evidence), len(before.Evidence)+n, got.Evidence)
		}
		for i := range n {
			q := fmt.Sprintf("concurrent quote %d", i)
			if !slices.ContainsFunc(got.Evidence, func(e kg.Evidence) bool { return e.Quote == q }) {
				t.Errorf("evidence %q was lost", q)
			}
		}
		wantOnce(t, st, "p-han-dong", "r-dong-commons")
	})

	t.Run("UpsertNewRelationship", func(t *testing.T) {
		st := s.loaded(t)
		errs := concurrent(n, func(i int) error {
			return st.Apply(ctx, kg.Batch{Relationships: []kg.Relationship{{ID: "r-concurrent", Type: kg.MemberOf, From: "p-han-dong", To: "o-liberal",
				Evidence: []kg.Evidence{{Article: "a-globe", Quote: fmt.Sprintf("upsert %d", i), Confidence: 1}}}}})
		})
		for i, err := range errs {
			if err != nil {
				t.Errorf("upsert %d: %v", i, err)
			}
		}
		if got := rel(t, st, "r-concurrent"); len(got.Evidence) != n {
			t.Errorf("after %d concurrent upserts: %d pieces of evidence, want %d", n, len(got.Evidence), n)
		}
		wantOnce(t, st, "p-han-dong", "r-concurrent")
	})

	t.Run("CreateOneIDWithTwoKinds", func(t *testing.T) {
		st := s.loaded(t)
		kinds := []kg.Kind{kg.Person, kg.Organization}
		for round := range 4 {
			id := fmt.Sprintf("x-race-%d", round)
			errs := concurrent(len(kinds), func(i int) error {
				return st.Apply(ctx, kg.Batch{Entities: []kg.Entity{{ID: id, Kind: kinds[i], Name: "Race " + string(kinds[i])}}})
			})
			var won []kg.Kind
			for i, err := range errs {
				switch {
				case err == nil:
					won = append(won, kinds[i])
				case kg.KindOf(err) != kg.KindConflict:
					t.Errorf("%s as %s: %v, want success or a conflict", id, kinds[i], err)
				}
			}
			if len(won) != 1 {
				t.Fatalf("%s: %d of the concurrent creates with different kinds succeeded (%v), want exactly one", id, len(won), won)
			}
			m, err := st.Entities(ctx, []string{id})
			if err != nil {
				t.Fatal(err)
			}
			if got := m[id].Kind; got != won[0] {
				t.Errorf("%s is stored as %s, but the create that succeeded made it %s", id, got, won[0])
			}
		}
	})

	// A delete racing writes that tie new things to what it deletes leaves
	// nothing dangling: either the write comes first and its relationship
	// or evidence goes with the delete, or it comes second and fails.
	t.Run("DeleteEntityAgainstNewRelationships", func(t *testing.T) {
		st := s.loaded(t)
		errs := concurrent(n, func(i int) error {
			if i == 0 {
				return st.Apply(ctx, kg.Batch{Remove: kg.Removal{Entities: []string{"p-melanie-joly"}}})
			}
			return st.Apply(ctx, kg.Batch{Relationships: []kg.Relationship{{ID: fmt.Sprintf("r-joly-race-%d", i), Type: kg.MemberOf,
				From: "p-melanie-joly", To: "o-commons"}}})
		})
		if errs[0] != nil {
			t.Fatalf("delete: %v", errs[0])
		}
		for i, err := range errs[1:] {
			if err != nil && !kg.IsNotFound(err) {
				t.Errorf("upsert %d: %v, want success or not found", i+1, err)
			}
		}
		if _, ok := entity(t, st, "p-melanie-joly"); ok {
			t.Fatal("the deleted entity is back")
		}
		wantNoDangling(t, st)
	})

	// Writes of an id queued behind its delete: the first recreates it,
	// every later one reads what the earlier ones wrote (sources are the
	// union of every upsert's), so none is overwritten unread.
	t.Run("DeleteEntityAgainstRecreates", func(t *testing.T) {
		st := s.loaded(t)
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{{ID: "ds-race", Kind: kg.Dataset, Name: "Race dataset"}}})
		src := func(record string) []kg.Source { return []kg.Source{{Dataset: "ds-race", Record: record}} }
		for round := range 6 {
			id := fmt.Sprintf("p-recreate-%d", round)
			mustApply(t, st, kg.Batch{Entities: []kg.Entity{{ID: id, Kind: kg.Person, Name: "Recreated", Sources: src("seed")}}})
			var mu sync.Mutex
			afterDelete := map[string]bool{} // records of the writes decided after the delete
			errs := concurrent(n, func(i int) error {
				if i == 0 {
					return st.Apply(ctx, kg.Batch{Remove: kg.Removal{Entities: []string{id}}})
				}
				record := fmt.Sprintf("writer-%d", i)
				return st.Apply(ctx, kg.Batch{
					Entities: []kg.Entity{{ID: id, Kind: kg.Person, Name: "Recreated", Sources: src(record)}},
					Decided: func(d kg.Decision) {
						if len(d.Entities) == 1 && !slices.ContainsFunc(d.Entities[0].Sources, func(s kg.Source) bool { return s.Record == "seed" }) {
							mu.Lock()
							afterDelete[record] = true
							mu.Unlock()
						}
					},
				})
			})
			for i, err := range errs {
				if err != nil {
					t.Errorf("%s: write %d: %v", id, i, err)
				}
			}
			got, ok := entity(t, st, id)
			if !ok {
				if len(afterDelete) > 0 {
					t.Errorf("%s: %d writes came after the delete, but it is not stored", id, len(afterDelete))
				}
				continue
			}
			have := map[string]bool{}
			for _, s := range got.Sources {
				have[s.Record] = true
			}
			if len(afterDelete) > 0 && have["seed"] {
				t.Errorf("%s still has the source deleted with it: %+v", id, got.Sources)
			}
			for record := range afterDelete {
				if !have[record] {
					t.Errorf("%s: the source of %s, written after the delete, was lost: stored %+v", id, record, got.Sources)
				}
			}
		}
	})

	t.Run("RetractArticleAgainstNewEvidence", func(t *testing.T) {
		st := s.loaded(t)
		errs := concurrent(n, func(i int) error {
			if i == 0 {
				return st.Apply(ctx, kg.Batch{Remove: kg.Removal{Retractions: []kg.Retraction{{Source: "a-globe"}}}})
			}
			return st.Apply(ctx, kg.Batch{Evidence: []kg.EvidenceAdd{{Relationship: "r-dong-commons",
				Evidence: kg.Evidence{Article: "a-globe", Quote: fmt.Sprintf("race %d", i), Confidence: 1}}}})
		})
		for i, err := range errs {
			if err != nil {
				t.Errorf("write %d: %v", i, err)
			}
		}
		// Whatever came after the retraction cites a-globe; what came
		// before was retracted. Either way the index and the values agree.
		cited := citedBy(t, st, "a-globe")
		r := rel(t, st, "r-dong-commons")
		has := slices.ContainsFunc(r.Evidence, func(ev kg.Evidence) bool { return ev.Article == "a-globe" })
		if has != slices.Contains(cited, "r-dong-commons") {
			t.Errorf("r-dong-commons evidence %v, but a-globe cites %v", r.Evidence, cited)
		}
		for _, id := range cited {
			if id != "r-dong-commons" {
				t.Errorf("a-globe still cites %s after its retraction", id)
			}
		}
	})
}

// wantNoDangling checks every relationship's ends and evidence articles
// exist.
func wantNoDangling(t *testing.T, st kg.Store) {
	t.Helper()
	s := snap(t, st)
	ids := map[string]bool{}
	for _, e := range s.Entities {
		ids[e.ID] = true
	}
	for _, r := range s.Relationships {
		if !ids[r.From] || !ids[r.To] {
			t.Errorf("relationship %s dangles: %s -> %s", r.ID, r.From, r.To)
		}
		for _, ev := range r.Evidence {
			if !ids[ev.Article] {
				t.Errorf("relationship %s has evidence from missing %s", r.ID, ev.Article)
			}
		}
	}
}

// wantOnce checks that entity's relationships list id exactly once.
func wantOnce(t *testing.T, st kg.Store, entity, id string) {
	t.Helper()
	page, err := st.ListRelationships(context.Background(), kg.RelQuery{Entity: entity, Direction: kg.Both, First: 1000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range page.Edges {
		if e.Relationship.ID == id {
			n++
		}
	}
	if n != 1 {
		t.Errorf("relationships of %s list %s %d times, want once", entity, id, n)
	}
}
