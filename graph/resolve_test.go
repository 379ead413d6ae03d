package graph_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/kg"
)

const (
	possibleDuplicates = `query($kind: EntityKind, $min: Float, $first: Int, $after: String) {
		possibleDuplicates(kind: $kind, minScore: $min, first: $first, after: $after) {
			edges { cursor node { a { id } b { id } kind score reasons { kind detail weight } verdict judgedBy } }
			pageInfo { hasNextPage endCursor } } }`
	judgeDuplicate = `mutation($a: ID!, $b: ID!, $v: Verdict!) { judgeDuplicate(a: $a, b: $b, verdict: $v) { a { id } b { id } verdict judgedBy } }`
	mergeEntities  = `mutation($keep: ID!, $merge: [ID!]!) { mergeEntities(keep: $keep, merge: $merge) {
		entity { id name aliases } merged removedRelationships relationships { id from { id } to { id } } } }`
	unmergeEntity = `mutation($id: ID!) { unmergeEntity(id: $id) { id } }`
	lookup        = `query($id: ID!) { lookup(id: $id) { entity { id name } redirected redirectedFrom mergedFrom } entity(id: $id) { id } }`
)

type pairJSON struct {
	A, B     struct{ ID string }
	Kind     string
	Score    float64
	Reasons  []kg.MatchReason
	Verdict  *string
	JudgedBy *string
}

type duplicatesJSON struct {
	PossibleDuplicates struct {
		Edges []struct {
			Cursor string
			Node   pairJSON
		}
		PageInfo struct {
			HasNextPage bool
			EndCursor   *string
		}
	}
}

func TestDuplicatesMergeUnmerge(t *testing.T) {
	e := newEnv(t, true)
	ctx := context.Background()
	var ignored any
	e.ok(`mutation { upsertEntity(entity: {id: "dong-han", kind: PERSON, name: "Dong, Han", aliases: ["Hon. Han Dong MP"]}) { id } }`, nil, &ignored)
	e.ok(`mutation { upsertRelationship(relationship: {type: CITIZEN_OF, from: "dong-han", to: "china"}) { id } }`, nil, &ignored)
	editor := kg.WithPrincipal(ctx, kg.Principal{Name: "test", Role: kg.RoleEditor, Authenticated: true})
	if err := e.svc.RecordDuplicates(editor, []kg.DuplicatePair{
		{A: "han-dong", B: "dong-han", Kind: kg.Person, Score: 0.7, Reasons: []kg.MatchReason{{Kind: "NAME_EXACT", Detail: "Han Dong ~ Dong, Han", Weight: 0.7}}},
		{A: "michael-kovrig", B: "michael-spavor", Kind: kg.Person, Score: 0.45},
	}); err != nil {
		t.Fatal(err)
	}

	// Listed best first, a page at a time, with the reasons.
	var page duplicatesJSON
	e.ok(possibleDuplicates, map[string]any{"kind": "PERSON", "first": 1}, &page)
	edges := page.PossibleDuplicates.Edges
	if len(edges) != 1 || edges[0].Node.A.ID != "dong-han" || edges[0].Node.B.ID != "han-dong" || edges[0].Node.Score != 0.7 ||
		len(edges[0].Node.Reasons) != 1 || edges[0].Node.Reasons[0].Kind != "NAME_EXACT" || !page.PossibleDuplicates.PageInfo.HasNextPage {
		t.Fatalf("first page: %+v", page)
	}
	e.ok(possibleDuplicates, map[string]any{"kind": "PERSON", "first": 1, "after": *page.PossibleDuplicates.PageInfo.EndCursor}, &page)
	if edges := page.PossibleDuplicates.Edges; len(edges) != 1 || edges[0].Node.A.ID != "michael-kovrig" || page.PossibleDuplicates.PageInfo.HasNextPage {
		t.Errorf("second page: %+v", page)
	}
	e.fails(possibleDuplicates, map[string]any{"min": 1.5}, "BAD_USER_INPUT")

	// DIFFERENT: never listed again.
	var judged struct{ JudgeDuplicate pairJSON }
	e.ok(judgeDuplicate, map[string]any{"a": "michael-spavor", "b": "michael-kovrig", "v": "DIFFERENT"}, &judged)
	if judged.JudgeDuplicate.Verdict == nil || *judged.JudgeDuplicate.Verdict != "DIFFERENT" {
		t.Errorf("judged: %+v", judged)
	}
	e.ok(possibleDuplicates, map[string]any{"kind": "PERSON"}, &page)
	if n := len(page.PossibleDuplicates.Edges); n != 1 {
		t.Errorf("after DIFFERENT, %d pairs listed, want 1", n)
	}
	e.fails(judgeDuplicate, map[string]any{"a": "han-dong", "b": "nobody", "v": "SAME"}, "NOT_FOUND")

	// Merge, look up by the old id, unmerge.
	before := e.counts()
	var merged struct {
		MergeEntities struct {
			Entity struct {
				ID, Name string
				Aliases  []string
			}
			Merged               []string
			RemovedRelationships []string
			Relationships        []struct {
				ID       string
				From, To struct{ ID string }
			}
		}
	}
	e.ok(mergeEntities, map[string]any{"keep": "han-dong", "merge": []string{"dong-han"}}, &merged)
	m := merged.MergeEntities
	if m.Entity.ID != "han-dong" || !cmp.Equal(m.Merged, []string{"dong-han"}) || len(m.RemovedRelationships) != 1 ||
		len(m.Relationships) != 1 || m.Relationships[0].From.ID != "han-dong" || m.Relationships[0].To.ID != "china" {
		t.Errorf("merge: %+v", m)
	}
	var look struct {
		Lookup struct {
			Entity         struct{ ID, Name string }
			Redirected     bool
			RedirectedFrom *string
			MergedFrom     []string
		}
		Entity struct{ ID string }
	}
	e.ok(lookup, map[string]any{"id": "dong-han"}, &look)
	if !look.Lookup.Redirected || look.Lookup.Entity.ID != "han-dong" || look.Lookup.RedirectedFrom == nil ||
		*look.Lookup.RedirectedFrom != "dong-han" || look.Entity.ID != "han-dong" || !cmp.Equal(look.Lookup.MergedFrom, []string{"dong-han"}) {
		t.Errorf("lookup by the merged id: %+v", look)
	}
	// The merged pair is no longer listed (one entity is gone).
	e.ok(possibleDuplicates, nil, &page)
	if n := len(page.PossibleDuplicates.Edges); n != 0 {
		t.Errorf("after the merge, %d pairs listed", n)
	}
	// The survivor of a merge is deleted only with force.
	e.fails(`mutation { deleteEntity(id: "han-dong") { deletedEntities } }`, nil, "CONFLICT")

	var un struct{ UnmergeEntity []struct{ ID string } }
	e.ok(unmergeEntity, map[string]any{"id": "dong-han"}, &un)
	if len(un.UnmergeEntity) != 2 {
		t.Errorf("unmerge restored %+v", un)
	}
	if d := cmp.Diff(before, e.counts()); d != "" {
		t.Errorf("counts after merge and unmerge (-before +after):\n%s", d)
	}
	e.ok(lookup, map[string]any{"id": "dong-han"}, &look)
	if look.Lookup.Redirected || look.Lookup.Entity.ID != "dong-han" {
		t.Errorf("lookup after the unmerge: %+v", look)
	}
	e.fails(unmergeEntity, map[string]any{"id": "dong-han"}, "BAD_USER_INPUT")
	e.fails(mergeEntities, map[string]any{"keep": "han-dong", "merge": []string{"liberal-party"}}, "BAD_USER_INPUT")
}
