package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/kg"
)

// Merges (kg.Batch.Merge) through Apply: decided by kg.Decide, recorded
// with their before state, reverted exactly (unmerge), found by the ids
// merged (Redirects).

// withTwin is the fixture plus a second Han Dong, as an import would
// create him: his own ties, one the same as the first's (same type, ends
// and role once re-pointed), one only he has, one to the first Han Dong
// (a self-loop once merged), and a mention.
func withTwin(t *testing.T, st kg.Store) {
	t.Helper()
	ev := func(article, quote string) []kg.Evidence {
		return []kg.Evidence{{Article: article, Quote: quote, Confidence: 0.8}}
	}
	twin := kg.Entity{ID: "p-dong-twin", Kind: kg.Person, Name: "Han Dong MP", Aliases: []string{"Dong, Han"},
		Description: "Member of Parliament for Don Valley North",
		Identifiers: []kg.Identifier{{Scheme: "everypolitician", Value: "ep-dong"}, {Scheme: "wikidata", Value: "Q100001"}}}
	b := kg.Batch{
		Entities: []kg.Entity{twin},
		Relationships: []kg.Relationship{
			{Type: kg.MemberOf, From: "p-han-dong", To: "o-liberal", Role: "caucus member", Evidence: ev("a-bbc", "a Liberal MP")},
			{Type: kg.MemberOf, From: "p-dong-twin", To: "o-liberal", Role: "caucus member", Evidence: ev("a-globe", "the Liberal member")},
			{ID: "r-twin-china", Type: kg.CitizenOf, From: "p-dong-twin", To: "c-china", Since: kg.MustDate("1977")},
			{ID: "r-twin-spokes", Type: kg.SpokespersonFor, From: "p-dong-twin", To: "p-han-dong"},
			{Type: kg.Mentions, From: "a-globe", To: "p-dong-twin", Evidence: ev("a-globe", "Mr Dong")},
		},
	}
	for i := range b.Entities {
		b.Entities[i].Normalize()
	}
	for i := range b.Relationships {
		b.Relationships[i].Normalize()
	}
	mustApply(t, st, b)
}

// merge applies a merge with an audit record and returns its decision.
func merge(t *testing.T, st kg.Store, keep string, ids ...string) (kg.Decision, error) {
	t.Helper()
	var d kg.Decision
	err := st.Apply(context.Background(), kg.Batch{
		Merge:   &kg.Merge{Keep: keep, Merged: ids},
		Op:      "mergeEntities",
		Audit:   &kg.AuditMeta{Actor: "curator", Op: "mergeEntities"},
		Decided: func(x kg.Decision) { d = x },
	})
	return d, err
}

func (s suite) testMerge(t *testing.T) {
	ctx := context.Background()
	liberalID := kg.RelationshipID(kg.MemberOf, "p-han-dong", "o-liberal", "caucus member")
	twinLiberal := kg.RelationshipID(kg.MemberOf, "p-dong-twin", "o-liberal", "caucus member")
	twinMention := kg.RelationshipID(kg.Mentions, "a-globe", "p-dong-twin", "")
	dongMention := kg.RelationshipID(kg.Mentions, "a-globe", "p-han-dong", "")
	chinaID := kg.MergedRelationshipID(kg.CitizenOf, "r-twin-china", "p-han-dong", "c-china")

	t.Run("MergeThenUnmergeRestoresTheGraph", func(t *testing.T) {
		st := s.loaded(t)
		withTwin(t, st)
		before := snap(t, st)
		d, err := merge(t, st, "p-han-dong", "p-dong-twin")
		if err != nil {
			t.Fatalf("merge: %v", err)
		}
		wantRemoved := []string{twinLiberal, twinMention, "r-twin-china", "r-twin-spokes"}
		slices.Sort(wantRemoved)
		if diff := cmp.Diff(wantRemoved, d.RemoveRelationships); diff != "" {
			t.Errorf("relationships removed (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"p-dong-twin"}, d.RemoveEntities); diff != "" {
			t.Errorf("entities removed (-want +got):\n%s", diff)
		}

		after := snap(t, st)
		dong := ent(t, st, "p-han-dong")
		if diff := cmp.Diff([]string{"p-dong-twin"}, dong.MergedFrom); diff != "" {
			t.Errorf("MergedFrom (-want +got):\n%s", diff)
		}
		for _, a := range []string{"Han Dong MP", "Dong Han", "董晗"} {
			if !slices.Contains(dong.Aliases, a) {
				t.Errorf("the survivor's aliases %q lack %q", dong.Aliases, a)
			}
		}
		if !slices.Contains(dong.Identifiers, kg.Identifier{Scheme: "everypolitician", Value: "ep-dong"}) || len(dong.Identifiers) != 2 {
			t.Errorf("the survivor's identifiers: %v", dong.Identifiers)
		}
		if dong.Description != "Member of Parliament for Don Valley North" || dong.BirthDate != kg.MustDate("1977") {
			t.Errorf("the survivor's fields: description %q, birth %v", dong.Description, dong.BirthDate)
		}
		if relIn(after, "r-twin-spokes") != nil || relIn(after, "r-twin-china") != nil || relIn(after, twinLiberal) != nil {
			t.Error("the twin's relationships are still stored under their old ids")
		}
		if r := relIn(after, chinaID); r == nil || r.From != "p-han-dong" || r.To != "c-china" || r.Since != kg.MustDate("1977") {
			t.Errorf("the re-pointed citizenship: %+v", r)
		}
		if r := relIn(after, liberalID); r == nil || len(r.Evidence) != 2 {
			t.Errorf("the two caucus memberships should be one with both pieces of evidence: %+v", r)
		}
		if r := relIn(after, dongMention); r == nil || r.From != "a-globe" || len(r.Evidence) != 1 {
			t.Errorf("the re-pointed mention: %+v", r)
		}
		for _, r := range after.Relationships {
			if r.From == "p-dong-twin" || r.To == "p-dong-twin" || r.From == r.To {
				t.Errorf("relationship %s still ends at the twin or is a self-loop", r.ID)
			}
		}
		to, err := st.Redirects(ctx, []string{"p-dong-twin", "p-han-dong", "p-nobody"})
		if err != nil {
			t.Fatalf("Redirects: %v", err)
		}
		if diff := cmp.Diff(map[string]string{"p-dong-twin": "p-han-dong"}, to); diff != "" {
			t.Errorf("Redirects (-want +got):\n%s", diff)
		}
		if m, _ := st.Entities(ctx, []string{"p-dong-twin"}); len(m) != 0 {
			t.Error("the merged entity is still stored")
		}

		rec := lastRecord(t, st)
		if rec.Op != "mergeEntities" {
			t.Fatalf("last record is %s", rec.Op)
		}
		if _, err := st.Revert(ctx, rec.ID, kg.AuditMeta{Actor: "curator", Op: "unmergeEntity"}); err != nil {
			t.Fatalf("unmerge: %v", err)
		}
		if diff := cmp.Diff(before, snap(t, st), cmpOpts...); diff != "" {
			t.Errorf("after the unmerge (-before +after):\n%s", diff)
		}
		if to, _ := st.Redirects(ctx, []string{"p-dong-twin"}); len(to) != 0 {
			t.Errorf("redirects after the unmerge: %v", to)
		}
	})

	t.Run("MergedIDsFollowTheSurvivor", func(t *testing.T) {
		st := s.loaded(t)
		withTwin(t, st)
		if _, err := merge(t, st, "p-han-deng", "p-dong-twin"); err != nil {
			t.Fatal(err)
		}
		if _, err := merge(t, st, "p-michael-chong", "p-han-deng"); err != nil {
			t.Fatal(err)
		}
		if got := ent(t, st, "p-michael-chong").MergedFrom; !slices.Equal(got, []string{"p-dong-twin", "p-han-deng"}) {
			t.Errorf("MergedFrom after two merges: %v", got)
		}
		to, err := st.Redirects(ctx, []string{"p-dong-twin", "p-han-deng", "p-han-dong"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[string]string{"p-dong-twin": "p-michael-chong", "p-han-deng": "p-michael-chong"}, to); diff != "" {
			t.Errorf("Redirects (-want +got):\n%s", diff)
		}
		// An upsert of the survivor keeps its redirects.
		up := ent(t, st, "p-michael-chong")
		up.MergedFrom = nil
		up.Description = "edited"
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{up}})
		if got := ent(t, st, "p-michael-chong").MergedFrom; len(got) != 2 {
			t.Errorf("an upsert dropped the redirects: %v", got)
		}
	})

	t.Run("Refusals", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		cases := []struct {
			name string
			keep string
			ids  []string
			kind kg.ErrorKind
		}{
			{"MissingSurvivor", "p-nobody", []string{"p-han-deng"}, kg.KindNotFound},
			{"MissingMerged", "p-han-dong", []string{"p-nobody"}, kg.KindNotFound},
			{"OtherKind", "p-han-dong", []string{"o-liberal"}, kg.KindInvalid},
			{"Itself", "p-han-dong", []string{"p-han-dong"}, kg.KindInvalid},
			{"Twice", "p-han-dong", []string{"p-han-deng", "p-han-deng"}, kg.KindInvalid},
			// o-bbc is a-bbc's outlet and publisher: a party cannot be.
			{"BreaksRules", "o-liberal", []string{"o-bbc"}, kg.KindInvalid},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := merge(t, st, c.keep, c.ids...)
				if err == nil || kg.KindOf(err) != c.kind {
					t.Errorf("merge %s <- %v: %v, want %v", c.keep, c.ids, err, c.kind)
				}
			})
		}
		if diff := cmp.Diff(before, snap(t, st), cmpOpts...); diff != "" {
			t.Errorf("a refused merge wrote (-before +after):\n%s", diff)
		}
	})

	t.Run("MergingArticlesMovesTheirEvidence", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		if _, err := merge(t, st, "a-bbc", "a-globe"); err != nil {
			t.Fatalf("merge: %v", err)
		}
		for _, r := range snap(t, st).Relationships {
			if slices.ContainsFunc(r.Evidence, func(ev kg.Evidence) bool { return ev.Article == "a-globe" }) {
				t.Errorf("relationship %s still cites the merged article", r.ID)
			}
		}
		if r := rel(t, st, "r-dong-accused"); len(r.Evidence) != 2 || r.Evidence[1].Article != "a-bbc" {
			t.Errorf("r-dong-accused evidence: %+v", r.Evidence)
		}
		revertLast(t, st, before)
	})

	t.Run("OutletsAndSpeakersFollow", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		if _, err := merge(t, st, "o-globe", "o-bbc"); err != nil {
			t.Fatalf("merging an outlet: %v", err)
		}
		if got := ent(t, st, "a-bbc").Outlet; got != "o-globe" {
			t.Errorf("a-bbc's outlet is %q, want o-globe", got)
		}
		revertLast(t, st, before)
		// Han Dong is a statement's speaker.
		if _, err := merge(t, st, "p-michael-chong", "p-han-dong"); err != nil {
			t.Fatalf("merging a speaker: %v", err)
		}
		if got := ent(t, st, "st-dong-denial").Speaker; got != "p-michael-chong" {
			t.Errorf("the statement's speaker is %q, want p-michael-chong", got)
		}
		revertLast(t, st, before)
	})

	// An unmerge is a write like any: reverting it redoes the merge, and
	// the merge can then be undone again, by either id, exactly.
	t.Run("UnmergeAfterItsRevert", func(t *testing.T) {
		st := s.loaded(t)
		withTwin(t, st)
		svc := kg.NewService(st, kg.DefaultLimits)
		actx := kg.WithPrincipal(ctx, kg.Principal{Name: "curator", Role: kg.RoleAdmin, Authenticated: true})
		before := snap(t, st)
		if _, err := svc.MergeEntities(actx, "p-han-dong", []string{"p-dong-twin"}); err != nil {
			t.Fatalf("merge: %v", err)
		}
		merged := snap(t, st)
		for round, by := range []string{"p-dong-twin", "p-han-dong", "p-dong-twin"} {
			un, err := svc.UnmergeEntity(actx, by)
			if err != nil {
				t.Fatalf("round %d: unmerge by %s: %v", round, by, err)
			}
			if diff := cmp.Diff(before, snap(t, st), cmpOpts...); diff != "" {
				t.Fatalf("round %d: after the unmerge (-before +after):\n%s", round, diff)
			}
			if _, err := svc.RevertWrite(actx, un.ID); err != nil {
				t.Fatalf("round %d: reverting the unmerge: %v", round, err)
			}
			if diff := cmp.Diff(merged, snap(t, st), cmpOpts...); diff != "" {
				t.Fatalf("round %d: after reverting the unmerge (-merged +after):\n%s", round, diff)
			}
		}
		// Undone for good, there is nothing left to unmerge.
		if _, err := svc.UnmergeEntity(actx, "p-dong-twin"); err != nil {
			t.Fatalf("last unmerge: %v", err)
		}
		if _, err := svc.UnmergeEntity(actx, "p-han-dong"); err == nil {
			t.Error("unmerging an entity with nothing merged into it succeeded")
		}
	})

	t.Run("DeletingASurvivorNeedsForce", func(t *testing.T) {
		st := s.loaded(t)
		withTwin(t, st)
		if _, err := merge(t, st, "p-han-deng", "p-dong-twin"); err != nil {
			t.Fatal(err)
		}
		if _, err := removal(t, st, kg.Removal{Entities: []string{"p-han-deng"}}); kg.KindOf(err) != kg.KindConflict || err == nil {
			t.Fatalf("deleting a survivor without force: %v, want a conflict", err)
		}
		if _, err := removal(t, st, kg.Removal{Entities: []string{"p-han-deng"}, Force: true}); err != nil {
			t.Fatalf("deleting a survivor with force: %v", err)
		}
		if to, _ := st.Redirects(ctx, []string{"p-dong-twin"}); len(to) != 0 {
			t.Errorf("redirects after deleting the survivor: %v", to)
		}
	})
}

// ent reads one entity, failing the test when it is missing.
func ent(t *testing.T, st kg.Store, id string) kg.Entity {
	t.Helper()
	m, err := st.Entities(context.Background(), []string{id})
	if err != nil {
		t.Fatalf("Entities(%s): %v", id, err)
	}
	e, ok := m[id]
	if !ok {
		t.Fatalf("no entity %s", id)
	}
	return e
}
