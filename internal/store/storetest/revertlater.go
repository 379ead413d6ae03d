package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/kg"
)

// Reverts after later writes: a relationship's evidence changed by the
// write and by later writes is merged (the write's own change undone, the
// later ones kept); anything else changed since is a conflict naming the
// later writes; a removal is reverted whatever changed elsewhere since.

func evidenceAdd(rel, article, quote string) kg.Batch {
	return kg.Batch{Evidence: []kg.EvidenceAdd{{Relationship: rel, Evidence: kg.Evidence{Article: article, Quote: quote, Confidence: 0.5}}}}
}

func quotes(r kg.Relationship) []string {
	var out []string
	for _, ev := range r.Evidence {
		out = append(out, ev.Article+"/"+ev.Quote)
	}
	slices.Sort(out)
	return out
}

func (s suite) testRevertLater(t *testing.T) {
	ctx := context.Background()
	admin := kg.AuditMeta{Actor: "root", Op: "revertWrite"}
	revert := func(t *testing.T, st kg.Store, id string) kg.AuditRecord {
		t.Helper()
		rec, err := st.Revert(ctx, id, admin)
		if err != nil {
			t.Fatalf("Revert(%s): %v", id, err)
		}
		return rec
	}

	t.Run("EvidenceAddedSinceIsKept", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		mustApply(t, st, audited(evidenceAdd("r-chong-commons", "a-globe", "first"), "alice", "addEvidence"))
		first := lastRecord(t, st)
		mustApply(t, st, audited(evidenceAdd("r-chong-commons", "a-bbc", "second"), "bob", "addEvidence"))
		second := lastRecord(t, st)
		out := revert(t, st, first.ID)
		if d := cmp.Diff([]string{"a-bbc/second"}, quotes(rel(t, st, "r-chong-commons"))); d != "" {
			t.Errorf("after reverting the first addition (-want +got):\n%s", d)
		}
		if len(out.Relationships) != 1 || out.Relationships[0].Before == nil || len(out.Relationships[0].Before.Evidence) != 2 {
			t.Errorf("the revert's record: %+v", out.Relationships)
		}
		revert(t, st, second.ID)
		if d := cmp.Diff(before, snap(t, st), cmpOpts...); d != "" {
			t.Errorf("after reverting both (-before +after):\n%s", d)
		}
	})

	t.Run("EvidenceRemovedIsRestoredBesideLaterEvidence", func(t *testing.T) {
		st := s.loaded(t)
		was := quotes(*relIn(snap(t, st), "r-dong-liberal"))
		if _, err := removal(t, st, kg.Removal{Evidence: []kg.EvidenceRef{{Relationship: "r-dong-liberal", Article: "a-globe"}}}); err != nil {
			t.Fatal(err)
		}
		removed := lastRecord(t, st)
		mustApply(t, st, audited(evidenceAdd("r-dong-liberal", "a-bbc", "later"), "bob", "addEvidence"))
		revert(t, st, removed.ID)
		want := append(was, "a-bbc/later")
		slices.Sort(want)
		if d := cmp.Diff(want, quotes(rel(t, st, "r-dong-liberal"))); d != "" {
			t.Errorf("evidence after the revert (-want +got):\n%s", d)
		}
		if ids := citedBy(t, st, "a-globe"); !slices.Contains(ids, "r-dong-liberal") {
			t.Errorf("a-globe does not cite r-dong-liberal again: %v", ids)
		}
	})

	t.Run("EvidenceOfTheWriteChangedSinceIsConflict", func(t *testing.T) {
		st := s.loaded(t)
		mustApply(t, st, audited(evidenceAdd("r-chong-commons", "a-globe", "first"), "alice", "addEvidence"))
		first := lastRecord(t, st)
		changed := evidenceAdd("r-chong-commons", "a-globe", "first")
		changed.Evidence[0].Evidence.Confidence = 0.9
		mustApply(t, st, audited(changed, "bob", "addEvidence"))
		second := lastRecord(t, st)
		_, err := st.Revert(ctx, first.ID, admin)
		wantKind(t, err, kg.KindConflict)
		if !strings.Contains(err.Error(), second.ID) || !strings.Contains(err.Error(), "addEvidence by bob") {
			t.Errorf("the conflict does not name the later write %s: %v", second.ID, err)
		}
	})

	t.Run("ConflictNamesTheLaterWrites", func(t *testing.T) {
		st := s.loaded(t)
		mustApply(t, st, audited(kg.Batch{Relationships: []kg.Relationship{{ID: "r-new", Type: kg.MemberOf, From: "p-michael-chong", To: "o-liberal"}}}, "alice", "upsertRelationship"))
		created := lastRecord(t, st)
		mustApply(t, st, audited(evidenceAdd("r-new", "a-globe", "later"), "bob", "addEvidence"))
		later := lastRecord(t, st)
		before := snap(t, st)
		_, err := st.Revert(ctx, created.ID, admin)
		wantKind(t, err, kg.KindConflict)
		if !strings.Contains(err.Error(), `relationship "r-new"`) || !strings.Contains(err.Error(), later.ID+" (addEvidence by bob)") {
			t.Errorf("the conflict does not name what blocks: %v", err)
		}
		if d := cmp.Diff(before, snap(t, st), cmpOpts...); d != "" {
			t.Errorf("a refused revert wrote something (-before +after):\n%s", d)
		}
		// Newest first works.
		revert(t, st, later.ID)
		revert(t, st, created.ID)
		if m, err := st.Relationships(ctx, []string{"r-new"}); err != nil || len(m) > 0 {
			t.Errorf("after both reverts r-new is %v (%v)", m, err)
		}
	})

	// A removal is reverted although its ends and neighbours changed since.
	t.Run("DeleteEntityAfterLaterWrites", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		if _, err := removal(t, st, kg.Removal{Entities: []string{"p-melanie-joly"}}); err != nil {
			t.Fatal(err)
		}
		deleted := lastRecord(t, st)
		canada, _ := entity(t, st, "c-canada")
		canada.Description = "changed after the delete"
		mustApply(t, st, audited(kg.Batch{Entities: []kg.Entity{canada}}, "bob", "upsertEntity"))
		mustApply(t, st, audited(evidenceAdd("r-trudeau-canada", "a-globe", "later"), "bob", "addEvidence"))
		revert(t, st, deleted.ID)
		if e, ok := entity(t, st, "p-melanie-joly"); !ok || e.Name != "Mélanie Joly" {
			t.Errorf("the deleted entity is not back: %+v", e)
		}
		for _, id := range []string{"r-joly-canada", "r-joly-liberal"} {
			if d := cmp.Diff(relIn(before, id), ptr(rel(t, st, id)), cmpOpts...); d != "" {
				t.Errorf("%s after the revert (-before +after):\n%s", id, d)
			}
		}
		if e, _ := entity(t, st, "c-canada"); e.Description != "changed after the delete" {
			t.Errorf("the later change to c-canada was lost: %q", e.Description)
		}
	})

	t.Run("RetractArticleAfterLaterWrites", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		if _, err := removal(t, st, kg.Removal{Retractions: []kg.Retraction{{Source: "a-globe"}}}); err != nil {
			t.Fatal(err)
		}
		retracted := lastRecord(t, st)
		dong, _ := entity(t, st, "p-han-dong")
		dong.Description = "changed after the retraction"
		mustApply(t, st, audited(kg.Batch{Entities: []kg.Entity{dong}}, "bob", "upsertEntity"))
		// Evidence from another article on a relationship the retraction kept.
		mustApply(t, st, audited(evidenceAdd("r-dong-liberal", "a-bbc", "later"), "bob", "addEvidence"))
		revert(t, st, retracted.ID)
		for _, r := range before.Relationships {
			got := quotes(rel(t, st, r.ID))
			want := quotes(r)
			if r.ID == "r-dong-liberal" {
				want = append(want, "a-bbc/later")
				slices.Sort(want)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s evidence after the revert (-want +got):\n%s", r.ID, d)
			}
		}
		if e, _ := entity(t, st, "p-han-dong"); e.Description != "changed after the retraction" {
			t.Errorf("the later change to p-han-dong was lost: %q", e.Description)
		}
	})
}

func ptr[T any](v T) *T { return &v }
