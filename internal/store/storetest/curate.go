package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/kg"
)

// The curation cases: removals (kg.Removal) through Apply, decided by
// kg.Decide, recorded with their before state and reverted exactly.

// removal applies a removal with an audit record and returns its decision.
func removal(t *testing.T, st kg.Store, rm kg.Removal) (kg.Decision, error) {
	t.Helper()
	var d kg.Decision
	called := false
	err := st.Apply(context.Background(), kg.Batch{
		Remove:  rm,
		Op:      "curate",
		Audit:   &kg.AuditMeta{Actor: "curator", Op: "curate"},
		Decided: func(x kg.Decision) { d, called = x, true },
	})
	if err == nil && !called {
		t.Fatal("Apply did not report its decision")
	}
	return d, err
}

// without is s less the given entities and relationships.
func without(s snapshot, ents, rels []string) snapshot {
	var out snapshot
	for _, e := range s.Entities {
		if !slices.Contains(ents, e.ID) {
			out.Entities = append(out.Entities, e)
		}
	}
	for _, r := range s.Relationships {
		if !slices.Contains(rels, r.ID) {
			out.Relationships = append(out.Relationships, r)
		}
	}
	return out
}

// citedBy lists, in id order, the relationships with evidence from article.
func citedBy(t *testing.T, st kg.Store, article string) []string {
	t.Helper()
	page, err := st.ListRelationships(context.Background(), kg.RelQuery{Source: article, First: 100})
	if err != nil {
		t.Fatalf("ListRelationships(article %s): %v", article, err)
	}
	var ids []string
	for _, e := range page.Edges {
		ids = append(ids, e.Relationship.ID)
	}
	return ids
}

// revertLast reverts the newest write and checks the store is back at want.
func revertLast(t *testing.T, st kg.Store, want snapshot) {
	t.Helper()
	rec := lastRecord(t, st)
	if _, err := st.Revert(context.Background(), rec.ID, kg.AuditMeta{Actor: "root", Op: "revertWrite"}); err != nil {
		t.Fatalf("Revert(%s): %v", rec.ID, err)
	}
	if diff := cmp.Diff(want, snap(t, st), cmpOpts...); diff != "" {
		t.Errorf("after the revert (-want +got):\n%s", diff)
	}
}

func (s suite) testCuration(t *testing.T) {
	ctx := context.Background()

	t.Run("DeleteRelationship", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		d, err := removal(t, st, kg.Removal{Relationships: []string{"r-dong-liberal"}})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"r-dong-liberal"}, d.RemoveRelationships); diff != "" {
			t.Errorf("removed (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(without(before, nil, []string{"r-dong-liberal"}), snap(t, st), cmpOpts...); diff != "" {
			t.Errorf("after the delete (-want +got):\n%s", diff)
		}
		if ids := citedBy(t, st, "a-globe"); slices.Contains(ids, "r-dong-liberal") {
			t.Errorf("a-globe still cites the deleted relationship: %v", ids)
		}
		rec := lastRecord(t, st)
		want := []kg.RelationshipChange{{ID: "r-dong-liberal", Before: relIn(before, "r-dong-liberal")}}
		if diff := cmp.Diff(want, rec.Relationships, cmpOpts...); diff != "" || len(rec.Entities) > 0 {
			t.Errorf("audit record (-want +got):\n%s\nentities: %v", diff, rec.Entities)
		}
		revertLast(t, st, before)
		if ids := citedBy(t, st, "a-globe"); !slices.Contains(ids, "r-dong-liberal") {
			t.Errorf("after the revert a-globe does not cite r-dong-liberal: %v", ids)
		}
	})

	t.Run("DeleteMissingIsNotFound", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		_, err := removal(t, st, kg.Removal{Relationships: []string{"r-nope"}})
		wantNotFound(t, err, "r-nope")
		_, err = removal(t, st, kg.Removal{Entities: []string{"p-nope"}})
		wantNotFound(t, err, "p-nope")
		_, err = removal(t, st, kg.Removal{Evidence: []kg.EvidenceRef{{Relationship: "r-nope", Article: "a-bbc"}}})
		wantNotFound(t, err, "r-nope")
		_, err = removal(t, st, kg.Removal{Evidence: []kg.EvidenceRef{{Relationship: "r-dong-liberal", Article: "a-bbc", Quote: "not this one"}}})
		wantNotFound(t, err, "r-dong-liberal")
		_, err = removal(t, st, kg.Removal{Retractions: []kg.Retraction{{Source: "a-nope"}}})
		wantNotFound(t, err, "a-nope")
		// One missing id fails the whole removal.
		_, err = removal(t, st, kg.Removal{Relationships: []string{"r-dong-liberal", "r-nope"}})
		wantNotFound(t, err, "r-nope")
		if diff := cmp.Diff(before, snap(t, st), cmpOpts...); diff != "" {
			t.Errorf("a failed removal changed the store (-want +got):\n%s", diff)
		}
	})

	t.Run("DeleteEntityWithItsRelationships", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		d, err := removal(t, st, kg.Removal{Entities: []string{"p-melanie-joly"}})
		if err != nil {
			t.Fatal(err)
		}
		rels := []string{"r-joly-canada", "r-joly-liberal"}
		if diff := cmp.Diff(rels, d.RemoveRelationships); diff != "" {
			t.Errorf("removed relationships (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(without(before, []string{"p-melanie-joly"}, rels), snap(t, st), cmpOpts...); diff != "" {
			t.Errorf("after the delete (-want +got):\n%s", diff)
		}
		page, err := st.Search(ctx, kg.SearchQuery{Text: "Joly", First: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Edges) > 0 {
			t.Errorf("search still finds the deleted entity: %+v", page.Edges)
		}
		ids, err := st.FindEntities(ctx, kg.Match{Kind: kg.Person, Names: []string{"Mélanie Joly"}})
		if err != nil || len(ids) > 0 {
			t.Errorf("FindEntities = %v, %v; want none", ids, err)
		}
		c, err := st.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Entities != len(before.Entities)-1 || c.Relationships != len(before.Relationships)-2 || c.ByKind[kg.Person] != 6 {
			t.Errorf("counts = %+v", c)
		}
		sub, err := st.Network(ctx, kg.NetworkQuery{Seeds: []string{"c-canada"}, Depth: 1, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range sub.Nodes {
			if n.ID == "p-melanie-joly" {
				t.Error("the network still reaches the deleted entity")
			}
		}
		rec := lastRecord(t, st)
		if len(rec.Entities) != 1 || rec.Entities[0].Before == nil || rec.Entities[0].After != nil || len(rec.Relationships) != 2 {
			t.Errorf("audit record = %+v", rec)
		}
		revertLast(t, st, before)
		page, err = st.Search(ctx, kg.SearchQuery{Text: "Joly", First: 10})
		if err != nil || len(page.Edges) != 1 {
			t.Errorf("after the revert search finds %v, %v", page.Edges, err)
		}
	})

	t.Run("DeleteEntityInUseIsConflict", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		for _, id := range []string{
			"p-han-dong", // the speaker of st-dong-denial
			"o-bbc",      // the outlet of a-bbc
			"a-globe",    // evidence of relationships
		} {
			_, err := removal(t, st, kg.Removal{Entities: []string{id}})
			wantKind(t, err, kg.KindConflict)
		}
		if diff := cmp.Diff(before, snap(t, st), cmpOpts...); diff != "" {
			t.Errorf("a refused delete changed the store (-want +got):\n%s", diff)
		}
	})

	t.Run("RemoveEvidence", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		d, err := removal(t, st, kg.Removal{Evidence: []kg.EvidenceRef{{Relationship: "r-dong-liberal", Article: "a-globe"}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Relationships) != 1 || len(d.RemoveRelationships) > 0 {
			t.Errorf("decision = %+v", d)
		}
		got := rel(t, st, "r-dong-liberal")
		want := []kg.Evidence{{Article: "a-bbc", Quote: "quit the Liberal caucus", Confidence: 0.9}}
		if diff := cmp.Diff(want, got.Evidence); diff != "" {
			t.Errorf("evidence (-want +got):\n%s", diff)
		}
		if ids := citedBy(t, st, "a-globe"); slices.Contains(ids, "r-dong-liberal") {
			t.Errorf("a-globe still cites r-dong-liberal: %v", ids)
		}
		// The last piece goes too; the relationship stays.
		if _, err := removal(t, st, kg.Removal{Evidence: []kg.EvidenceRef{{Relationship: "r-dong-liberal", Article: "a-bbc", Quote: "quit the Liberal caucus"}}}); err != nil {
			t.Fatal(err)
		}
		if got := rel(t, st, "r-dong-liberal"); len(got.Evidence) > 0 || got.Sources() != 0 {
			t.Errorf("relationship = %+v, want it with no evidence", got)
		}
		// Reverting the second removal, then the first, gives the store back.
		recs := auditLog(t, st, kg.AuditQuery{})
		for _, i := range []int{len(recs) - 1, len(recs) - 2} {
			if _, err := st.Revert(ctx, recs[i].ID, kg.AuditMeta{Actor: "root", Op: "revertWrite"}); err != nil {
				t.Fatalf("Revert(%s): %v", recs[i].ID, err)
			}
		}
		if diff := cmp.Diff(before, snap(t, st), cmpOpts...); diff != "" {
			t.Errorf("after the reverts (-want +got):\n%s", diff)
		}
	})

	t.Run("RetractArticle", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		d, err := removal(t, st, kg.Removal{Retractions: []kg.Retraction{{Source: "a-globe"}}})
		if err != nil {
			t.Fatal(err)
		}
		gone := []string{"r-globe-mentions-dong", "r-globe-mentions-meng", "r-globe-published"}
		if diff := cmp.Diff(gone, d.RemoveRelationships); diff != "" {
			t.Errorf("removed (-want +got):\n%s", diff)
		}
		want := without(before, nil, gone)
		for i := range want.Relationships {
			r := &want.Relationships[i]
			r.Evidence = slices.DeleteFunc(slices.Clone(r.Evidence), func(ev kg.Evidence) bool { return ev.Article == "a-globe" })
		}
		if diff := cmp.Diff(want, snap(t, st), cmpOpts...); diff != "" {
			t.Errorf("after the retraction (-want +got):\n%s", diff)
		}
		if ids := citedBy(t, st, "a-globe"); len(ids) > 0 {
			t.Errorf("a-globe still cites %v", ids)
		}
		if _, ok := entity(t, st, "a-globe"); !ok {
			t.Error("the retracted article itself was deleted")
		}
		// The retraction is found in the log by its article.
		if recs := auditLog(t, st, kg.AuditQuery{Entity: "a-globe"}); len(recs) != 1 || recs[0].Op != "curate" {
			t.Errorf("auditLog(entity: a-globe) = %+v, want the retraction", recs)
		}
		revertLast(t, st, before)
		if diff := cmp.Diff([]string{"r-dong-accused", "r-dong-liberal", "r-globe-mentions-dong", "r-globe-mentions-meng", "r-globe-published"},
			citedBy(t, st, "a-globe")); diff != "" {
			t.Errorf("after the revert a-globe cites (-want +got):\n%s", diff)
		}
	})

	t.Run("RetractArticleKeepingUnsupported", func(t *testing.T) {
		st := s.loaded(t)
		d, err := removal(t, st, kg.Removal{Retractions: []kg.Retraction{{Source: "a-globe", KeepUnsupported: true}}})
		if err != nil {
			t.Fatal(err)
		}
		kept := []string{"r-globe-mentions-dong", "r-globe-mentions-meng", "r-globe-published"}
		if diff := cmp.Diff(kept, d.Unsupported); diff != "" || len(d.RemoveRelationships) > 0 {
			t.Errorf("unsupported (-want +got):\n%s\nremoved: %v", diff, d.RemoveRelationships)
		}
		for _, id := range kept {
			if r := rel(t, st, id); len(r.Evidence) > 0 {
				t.Errorf("%s kept evidence %v", id, r.Evidence)
			}
		}
	})

	t.Run("RetractWhatIsNotAnArticleIsInvalid", func(t *testing.T) {
		st := s.loaded(t)
		_, err := removal(t, st, kg.Removal{Retractions: []kg.Retraction{{Source: "o-bbc"}}})
		wantInvalid(t, err)
	})

	t.Run("RetractAndDeleteArticleInOneWrite", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		_, err := removal(t, st, kg.Removal{Retractions: []kg.Retraction{{Source: "a-globe"}}, Entities: []string{"a-globe"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := entity(t, st, "a-globe"); ok {
			t.Error("a-globe was not deleted")
		}
		if r := rel(t, st, "r-dong-accused"); len(r.Evidence) != 1 || r.Evidence[0].Article != "a-bbc" {
			t.Errorf("r-dong-accused evidence = %v", r.Evidence)
		}
		revertLast(t, st, before)
	})

	t.Run("StoreAndRemoveInOneWriteIsInvalid", func(t *testing.T) {
		st := s.loaded(t)
		err := st.Apply(ctx, kg.Batch{
			Entities: []kg.Entity{{ID: "p-new", Kind: kg.Person, Name: "New Person"}},
			Remove:   kg.Removal{Relationships: []string{"r-dong-liberal"}},
		})
		wantInvalid(t, err)
		if _, ok := entity(t, st, "p-new"); ok {
			t.Error("half of the refused write was stored")
		}
	})
}

func relIn(s snapshot, id string) *kg.Relationship {
	for i := range s.Relationships {
		if s.Relationships[i].ID == id {
			return &s.Relationships[i]
		}
	}
	return nil
}
