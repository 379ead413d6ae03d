// Package storetest is the conformance suite every kg.Store runs: it pins
// down the contract documented on kg.Store with a small political graph
// (Fixture) whose answers are known. A backend's test calls Run with a
// constructor of empty stores and a Config declaring its quirks.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/polgraph/polgraph/internal/kg"
)

// Config declares what a backend does not promise, instead of tests
// branching on backend names.
type Config struct {
	// ExactTruncation: when Limit or PerHop cut a network, the nodes kept
	// are exactly the breadth-first prefix in which each hop visits the
	// frontier in order and each node's relationships in id order. Without
	// it only the bounds and invariants of a truncated network are checked.
	ExactTruncation bool
	// SerialWrites: the store cannot take a write while a Snapshot is open
	// (a test wrapper that closes and reopens the store after every
	// write). The Snapshot case then skips its writes during views.
	SerialWrites bool
}

type suite struct {
	newStore func(t *testing.T) kg.Store
	cfg      Config
}

// Run runs the suite. newStore must return a fresh, empty store; the suite
// closes it.
func Run(t *testing.T, newStore func(t *testing.T) kg.Store, cfg Config) {
	s := suite{newStore: newStore, cfg: cfg}
	t.Run("Apply", s.testApply)
	t.Run("Read", func(t *testing.T) {
		// Read-only cases share one loaded store.
		st := s.loaded(t)
		t.Run("Entities", func(t *testing.T) { testEntities(t, st) })
		t.Run("Relationships", func(t *testing.T) { testRelationships(t, st) })
		t.Run("FindEntities", func(t *testing.T) { testFindEntities(t, st) })
		t.Run("Search", func(t *testing.T) { testSearch(t, st) })
		t.Run("ListEntities", func(t *testing.T) { testListEntities(t, st) })
		t.Run("ListRelationships", func(t *testing.T) { testListRelationships(t, st) })
		t.Run("Network", func(t *testing.T) { s.testNetwork(t, st) })
		t.Run("Paths", func(t *testing.T) { testPaths(t, st) })
		t.Run("Scan", func(t *testing.T) { testScan(t, st) })
		t.Run("Counts", func(t *testing.T) { testCounts(t, st) })
		t.Run("ContextCanceled", func(t *testing.T) { testCanceled(t, st) })
	})
	t.Run("Concurrency", s.testConcurrency)
	t.Run("SearchPagination", s.testSearchPagination)
	t.Run("ListEntitiesStableUnderInserts", s.testListEntitiesInserts)
	t.Run("ListRelationshipsStableUnderInserts", s.testListRelationshipsInserts)
	t.Run("Keys", s.testKeys)
	t.Run("Audit", s.testAudit)
	t.Run("Snapshot", s.testSnapshot)
	t.Run("Curation", s.testCuration)
	t.Run("Provenance", s.testProvenance)
	t.Run("Merge", s.testMerge)
	t.Run("Duplicates", s.testDuplicates)
	t.Run("Proposals", s.testProposals)
}

// open returns a fresh store closed at the end of the test.
func (s suite) open(t *testing.T) kg.Store {
	t.Helper()
	st := s.newStore(t)
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return st
}

// loaded returns a fresh store holding the Fixture.
func (s suite) loaded(t *testing.T) kg.Store {
	t.Helper()
	st := s.open(t)
	mustApply(t, st, Fixture())
	return st
}

func mustApply(t *testing.T, st kg.Store, b kg.Batch) {
	t.Helper()
	if err := st.Apply(context.Background(), b); err != nil {
		t.Fatalf("Apply: %v", err)
	}
}

var cmpOpts = []cmp.Option{cmpopts.EquateEmpty()}

// snapshot is everything a store holds, in id order.
type snapshot struct {
	Entities      []kg.Entity
	Relationships []kg.Relationship
}

func snap(t *testing.T, st kg.Store) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	if err := st.ScanEntities(ctx, func(e kg.Entity) error { s.Entities = append(s.Entities, e); return nil }); err != nil {
		t.Fatalf("ScanEntities: %v", err)
	}
	if err := st.ScanRelationships(ctx, func(r kg.Relationship) error { s.Relationships = append(s.Relationships, r); return nil }); err != nil {
		t.Fatalf("ScanRelationships: %v", err)
	}
	return s
}

func rel(t *testing.T, st kg.Store, id string) kg.Relationship {
	t.Helper()
	m, err := st.Relationships(context.Background(), []string{id})
	if err != nil {
		t.Fatalf("Relationships(%s): %v", id, err)
	}
	r, ok := m[id]
	if !ok {
		t.Fatalf("relationship %s is missing", id)
	}
	return r
}

func entity(t *testing.T, st kg.Store, id string) (kg.Entity, bool) {
	t.Helper()
	m, err := st.Entities(context.Background(), []string{id})
	if err != nil {
		t.Fatalf("Entities(%s): %v", id, err)
	}
	e, ok := m[id]
	return e, ok
}

// wantNotFound checks that err is a KindNotFound error naming id.
func wantNotFound(t *testing.T, err error, id string) {
	t.Helper()
	var e *kg.Error
	if !errors.As(err, &e) || e.Kind != kg.KindNotFound || e.ID != id {
		t.Fatalf("error = %v, want a not-found error naming %q", err, id)
	}
}

func wantInvalid(t *testing.T, err error) {
	t.Helper()
	if kg.KindOf(err) != kg.KindInvalid {
		t.Fatalf("error = %v (kind %v), want an invalid-input error", err, kg.KindOf(err))
	}
}

func (s suite) testApply(t *testing.T) {
	ctx := context.Background()

	t.Run("RoundTrip", func(t *testing.T) {
		st := s.loaded(t)
		fx := Fixture()
		got := snap(t, st)
		want := snapshot{Entities: fx.Entities, Relationships: fx.Relationships}
		slices.SortFunc(want.Entities, func(a, b kg.Entity) int { return cmpString(a.ID, b.ID) })
		slices.SortFunc(want.Relationships, func(a, b kg.Relationship) int { return cmpString(a.ID, b.ID) })
		if d := cmp.Diff(want, got, cmpOpts...); d != "" {
			t.Errorf("stored graph differs from the fixture (-want +got):\n%s", d)
		}
	})

	t.Run("IdempotentReapply", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		mustApply(t, st, Fixture())
		if d := cmp.Diff(before, snap(t, st), cmpOpts...); d != "" {
			t.Errorf("applying the fixture twice changed the store (-first +second):\n%s", d)
		}
	})

	t.Run("DanglingEndWritesNothing", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		err := st.Apply(ctx, kg.Batch{
			Entities: []kg.Entity{{ID: "p-new", Kind: kg.Person, Name: "New Person"}},
			Relationships: []kg.Relationship{
				{ID: "r-new-ok", Type: kg.MemberOf, From: "p-new", To: "o-liberal"},
				{ID: "r-new-dangling", Type: kg.MemberOf, From: "p-new", To: "o-missing"},
			},
			Evidence: []kg.EvidenceAdd{{Relationship: "r-dong-commons", Evidence: kg.Evidence{Article: "a-globe", Confidence: 1}}},
		})
		wantNotFound(t, err, "o-missing")
		if d := cmp.Diff(before, snap(t, st), cmpOpts...); d != "" {
			t.Errorf("a failed batch wrote something (-before +after):\n%s", d)
		}
	})

	t.Run("DanglingEvidenceWritesNothing", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		err := st.Apply(ctx, kg.Batch{
			Entities: []kg.Entity{{ID: "p-new", Kind: kg.Person, Name: "New Person"}},
			Evidence: []kg.EvidenceAdd{{Relationship: "r-missing", Evidence: kg.Evidence{Article: "a-bbc", Confidence: 1}}},
		})
		wantNotFound(t, err, "r-missing")
		if d := cmp.Diff(before, snap(t, st), cmpOpts...); d != "" {
			t.Errorf("a failed batch wrote something (-before +after):\n%s", d)
		}
	})

	t.Run("ReferencesWithinBatch", func(t *testing.T) {
		st := s.loaded(t)
		mustApply(t, st, kg.Batch{
			Entities:      []kg.Entity{{ID: "p-new", Kind: kg.Person, Name: "New Person"}},
			Relationships: []kg.Relationship{{ID: "r-new", Type: kg.MemberOf, From: "p-new", To: "o-liberal"}},
			Evidence:      []kg.EvidenceAdd{{Relationship: "r-new", Evidence: kg.Evidence{Article: "a-bbc", Quote: "q", Confidence: 0.5}}},
		})
		want := kg.Relationship{ID: "r-new", Type: kg.MemberOf, From: "p-new", To: "o-liberal",
			Evidence: []kg.Evidence{{Article: "a-bbc", Quote: "q", Confidence: 0.5}}}
		if d := cmp.Diff(want, rel(t, st, "r-new"), cmpOpts...); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	})

	t.Run("EvidenceMerge", func(t *testing.T) {
		st := s.loaded(t)
		r := kg.Relationship{ID: "r-joly-canada", Type: kg.HoldsPosition, From: "p-melanie-joly", To: "c-canada",
			Role: "Minister of Foreign Affairs", Since: kg.MustDate("2021-10-26")}
		bbc := kg.Evidence{Article: "a-bbc", Quote: "Foreign Minister Mélanie Joly", Confidence: 0.8}
		globe := kg.Evidence{Article: "a-globe", Quote: "Ms Joly said", Confidence: 0.7}
		steps := []struct {
			name  string
			batch kg.Batch
			want  []kg.Evidence
		}{
			{"first article", kg.Batch{Relationships: []kg.Relationship{withEvidence(r, bbc)}}, []kg.Evidence{bbc}},
			{"second article", kg.Batch{Relationships: []kg.Relationship{withEvidence(r, globe)}}, []kg.Evidence{bbc, globe}},
			{"same evidence again", kg.Batch{Relationships: []kg.Relationship{withEvidence(r, globe, bbc)}}, []kg.Evidence{bbc, globe}},
			{"same evidence added", kg.Batch{Evidence: []kg.EvidenceAdd{{Relationship: r.ID, Evidence: bbc}}}, []kg.Evidence{bbc, globe}},
			{"new confidence", kg.Batch{Evidence: []kg.EvidenceAdd{{Relationship: r.ID, Evidence: kg.Evidence{Article: "a-bbc", Quote: bbc.Quote, Confidence: 0.3}}}},
				[]kg.Evidence{{Article: "a-bbc", Quote: bbc.Quote, Confidence: 0.3}, globe}},
			{"no evidence keeps evidence", kg.Batch{Relationships: []kg.Relationship{r}},
				[]kg.Evidence{{Article: "a-bbc", Quote: bbc.Quote, Confidence: 0.3}, globe}},
		}
		for _, step := range steps {
			mustApply(t, st, step.batch)
			got := rel(t, st, r.ID)
			if d := cmp.Diff(step.want, got.Evidence, cmpOpts...); d != "" {
				t.Fatalf("after %s: evidence (-want +got):\n%s", step.name, d)
			}
			if got.Role != r.Role || got.Since != r.Since {
				t.Fatalf("after %s: role %q since %v, want %q %v", step.name, got.Role, got.Since, r.Role, r.Since)
			}
		}
		page, err := st.ListRelationships(ctx, kg.RelQuery{Entity: "p-melanie-joly", Direction: kg.Both, MinSources: 2, First: 10})
		if err != nil {
			t.Fatal(err)
		}
		if got := relIDs(page); !slices.Equal(got, []string{r.ID}) {
			t.Errorf("relationships of Joly with two sources = %v, want [%s]", got, r.ID)
		}
	})

	t.Run("EntityHeads", func(t *testing.T) {
		st := s.loaded(t)
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{{ID: "a-long", Kind: kg.Article, Name: "Long read", Title: "Long read",
			Outlet: "o-bbc", Text: "The whole article, which evidence and relationship ends need not carry."}}})
		ids := []string{"a-long", "a-bbc", "p-han-dong", "o-liberal", "p-nobody"}
		full, err := st.Entities(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		heads, err := st.EntityHeads(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		if full["a-long"].Text == "" {
			t.Fatal("Entities lost the article's text")
		}
		want := map[string]kg.Entity{}
		for id, e := range full {
			e.Text = ""
			want[id] = e
		}
		if d := cmp.Diff(want, heads, cmpOpts...); d != "" {
			t.Errorf("EntityHeads is not Entities without the text (-want +got):\n%s", d)
		}
	})

	t.Run("EvidenceCap", func(t *testing.T) {
		st := s.loaded(t)
		r := kg.Relationship{ID: "r-capped", Type: kg.MemberOf, From: "p-han-dong", To: "o-liberal"}
		for i := range kg.MaxEvidence - 1 {
			r.Evidence = append(r.Evidence, kg.Evidence{Article: "a-bbc", Quote: fmt.Sprintf("quote %d", i), Confidence: 1})
		}
		mustApply(t, st, kg.Batch{Relationships: []kg.Relationship{r}})
		before := snap(t, st)
		two := []kg.EvidenceAdd{
			{Relationship: r.ID, Evidence: kg.Evidence{Article: "a-globe", Quote: "one more", Confidence: 1}},
			{Relationship: r.ID, Evidence: kg.Evidence{Article: "a-globe", Quote: "and another", Confidence: 1}},
		}
		wantInvalid(t, st.Apply(ctx, kg.Batch{Evidence: two}))
		if d := cmp.Diff(before, snap(t, st), cmpOpts...); d != "" {
			t.Errorf("a batch beyond the evidence cap wrote something (-before +after):\n%s", d)
		}
		mustApply(t, st, kg.Batch{Evidence: two[:1]})
		if got := len(rel(t, st, r.ID).Evidence); got != kg.MaxEvidence {
			t.Errorf("evidence after filling to the cap = %d, want %d", got, kg.MaxEvidence)
		}
	})

	t.Run("RelationshipUpdateInPlace", func(t *testing.T) {
		st := s.loaded(t)
		old := rel(t, st, "r-joly-liberal")
		upd := kg.Relationship{ID: old.ID, Type: old.Type, From: old.From, To: old.To,
			Role: "caucus member", Since: kg.MustDate("2015"), Until: kg.MustDate("2024-06"),
			Evidence: []kg.Evidence{{Article: "a-globe", Confidence: 1}}}
		mustApply(t, st, kg.Batch{Relationships: []kg.Relationship{upd}})
		want := upd
		want.Evidence = kg.MergeEvidence(old.Evidence, upd.Evidence)
		if d := cmp.Diff(want, rel(t, st, upd.ID), cmpOpts...); d != "" {
			t.Errorf("updated relationship (-want +got):\n%s", d)
		}
		page, err := st.ListRelationships(ctx, kg.RelQuery{Entity: old.From, Direction: kg.Out, Types: []kg.RelType{old.Type}, AsOf: kg.MustDate("2024-07"), First: 10})
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(relIDs(page), upd.ID) {
			t.Errorf("as of 2024-07 the relationship that ended 2024-06 is still listed: %v", relIDs(page))
		}
	})

	// Changing a stored relationship's type or ends would carry its
	// evidence over to a claim no source made: CONFLICT, nothing written.
	t.Run("RelationshipRetypeIsConflict", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		old := rel(t, st, "r-joly-liberal")
		for _, tc := range []struct {
			name string
			r    kg.Relationship
		}{
			{"type", kg.Relationship{ID: old.ID, Type: kg.WorksFor, From: old.From, To: old.To}},
			{"from", kg.Relationship{ID: old.ID, Type: old.Type, From: "p-michael-chong", To: old.To}},
			{"to", kg.Relationship{ID: old.ID, Type: old.Type, From: old.From, To: "o-commons"}},
		} {
			err := st.Apply(ctx, kg.Batch{Relationships: []kg.Relationship{tc.r}})
			var kerr *kg.Error
			if !errors.As(err, &kerr) || kerr.Kind != kg.KindConflict || kerr.ID != old.ID {
				t.Errorf("changing the %s: error = %v, want a conflict naming %s", tc.name, err, old.ID)
			}
		}
		if d := cmp.Diff(before, snap(t, st), cmpOpts...); d != "" {
			t.Errorf("a refused change wrote something (-before +after):\n%s", d)
		}
	})

	t.Run("KindChangeIsConflict", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		err := st.Apply(ctx, kg.Batch{Entities: []kg.Entity{{ID: "p-han-dong", Kind: kg.Organization, Name: "Han Dong"}}})
		if kg.KindOf(err) != kg.KindConflict {
			t.Errorf("changing an entity's kind: error = %v, want a conflict", err)
		}
		if d := cmp.Diff(before, snap(t, st), cmpOpts...); d != "" {
			t.Errorf("a refused change wrote something (-before +after):\n%s", d)
		}
	})

	t.Run("EndpointRules", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		// A person cannot be a member of a person; an article's outlet must
		// be a media outlet.
		err := st.Apply(ctx, kg.Batch{Relationships: []kg.Relationship{{ID: "r-bad", Type: kg.MemberOf, From: "p-han-dong", To: "p-michael-chong"}}})
		wantInvalid(t, err)
		if d := cmp.Diff(before, snap(t, st), cmpOpts...); d != "" {
			t.Errorf("a refused write wrote something (-before +after):\n%s", d)
		}
	})

	// Reclassifying an organization must keep the endpoint rules of its
	// relationships: an outlet that articles are PUBLISHED_BY cannot become
	// a party.
	t.Run("ReclassifyBreakingRulesIsConflict", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		outlet := publishedByOutlet(t, st)
		outlet.Classification = kg.Party
		err := st.Apply(ctx, kg.Batch{Entities: []kg.Entity{outlet}})
		var kerr *kg.Error
		if !errors.As(err, &kerr) || kerr.Kind != kg.KindConflict || kerr.ID != outlet.ID {
			t.Errorf("reclassifying %s: error = %v, want a conflict naming it", outlet.ID, err)
		}
		if d := cmp.Diff(before, snap(t, st), cmpOpts...); d != "" {
			t.Errorf("a refused change wrote something (-before +after):\n%s", d)
		}
	})

	t.Run("EntityReplace", func(t *testing.T) {
		st := s.loaded(t)
		meng := kg.Entity{ID: "p-meng-wanzhou", Kind: kg.Person, Name: "Wanzhou Meng",
			Identifiers: []kg.Identifier{{Scheme: "wikidata", Value: "Q100009"}}}
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{meng}})
		got, ok := entity(t, st, meng.ID)
		if !ok {
			t.Fatal("replaced entity is missing")
		}
		if d := cmp.Diff(meng, got, cmpOpts...); d != "" {
			t.Errorf("replaced entity (-want +got):\n%s", d)
		}
		// Indexes follow the replacement: the dropped alias no longer
		// finds it, the new identifier does.
		page, err := st.Search(ctx, kg.SearchQuery{Text: "Sabrina", First: 10})
		if err != nil {
			t.Fatal(err)
		}
		if ids := hitIDs(page); slices.Contains(ids, meng.ID) {
			t.Errorf("search for a dropped alias still finds the entity: %v", ids)
		}
		ids, err := st.FindEntities(ctx, kg.Match{Kind: kg.Person, Names: []string{"Sabrina Meng"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 0 {
			t.Errorf("FindEntities by a dropped alias = %v, want none", ids)
		}
		ids, err = st.FindEntities(ctx, kg.Match{Kind: kg.Person, Identifiers: []kg.Identifier{{Scheme: "wikidata", Value: "Q100009"}}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids, []string{meng.ID}) {
			t.Errorf("FindEntities by the new identifier = %v", ids)
		}
		// Relationships survive an entity's replacement.
		paths, err := st.Paths(ctx, kg.PathQuery{From: "p-han-dong", To: meng.ID, MaxLength: 2, First: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(paths) != 2 {
			t.Errorf("paths to the replaced entity = %v, want 2", pathIDs(paths))
		}
	})

	t.Run("CanceledApplyWritesNothing", func(t *testing.T) {
		st := s.open(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := st.Apply(cctx, Fixture()); !errors.Is(err, context.Canceled) {
			t.Fatalf("Apply with a canceled context = %v, want context.Canceled", err)
		}
		if got := snap(t, st); len(got.Entities)+len(got.Relationships) != 0 {
			t.Errorf("a canceled Apply wrote %d entities and %d relationships", len(got.Entities), len(got.Relationships))
		}
	})
}

func withEvidence(r kg.Relationship, ev ...kg.Evidence) kg.Relationship {
	r.Evidence = ev
	return r
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func relIDs(p kg.RelationshipPage) []string {
	var ids []string
	for _, e := range p.Edges {
		ids = append(ids, e.Relationship.ID)
	}
	return ids
}

// listing is what pagination tests need of one page of any listing.
type listing struct {
	ids   []string
	total int
	next  bool
	last  string // the cursor of the last edge
}

func entityPage(p kg.EntityPage, err error) (listing, error) {
	pg := listing{ids: hitIDs(p), total: p.TotalCount, next: p.HasNextPage}
	if n := len(p.Edges); n > 0 {
		pg.last = p.Edges[n-1].Cursor
	}
	return pg, err
}

func relationshipPage(p kg.RelationshipPage, err error) (listing, error) {
	pg := listing{ids: relIDs(p), total: p.TotalCount, next: p.HasNextPage}
	if n := len(p.Edges); n > 0 {
		pg.last = p.Edges[n-1].Cursor
	}
	return pg, err
}

// walkPages follows a listing page by page from the cursor after to its
// end, checking TotalCount on every page, and returns the ids seen.
func walkPages(t *testing.T, after string, wantTotal int, fetch func(after string) (listing, error)) []string {
	t.Helper()
	var got []string
	for pages := 0; ; pages++ {
		if pages > 50 {
			t.Fatal("pagination does not end")
		}
		p, err := fetch(after)
		if err != nil {
			t.Fatal(err)
		}
		if p.total != wantTotal {
			t.Errorf("page %d: TotalCount %d, want %d", pages, p.total, wantTotal)
		}
		got = append(got, p.ids...)
		if !p.next {
			return got
		}
		if len(p.ids) == 0 {
			t.Fatal("HasNextPage on an empty page")
		}
		after = p.last
	}
}

func hitIDs(p kg.EntityPage) []string {
	var ids []string
	for _, e := range p.Edges {
		ids = append(ids, e.Entity.ID)
	}
	return ids
}

func nodeIDs(es []kg.Entity) []string {
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	return ids
}

func edgeIDs(rs []kg.Relationship) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

// pathIDs renders paths as "a -r1- b -r2- c" for messages and comparisons.
func pathIDs(ps []kg.Path) []string {
	var out []string
	for _, p := range ps {
		s := ""
		for i, n := range p.Nodes {
			if i > 0 {
				s += fmt.Sprintf(" -%s- ", p.Edges[i-1].ID)
			}
			s += n.ID
		}
		out = append(out, s)
	}
	return out
}

func testEntities(t *testing.T, st kg.Store) {
	ctx := context.Background()
	m, err := st.Entities(ctx, []string{"p-han-dong", "p-nobody", "o-liberal", "p-han-dong"})
	if err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(m); !slices.Equal(got, []string{"o-liberal", "p-han-dong"}) {
		t.Errorf("Entities keys = %v, want [o-liberal p-han-dong]", got)
	}
	for id, e := range m {
		if e.ID != id {
			t.Errorf("Entities[%s].ID = %s", id, e.ID)
		}
	}
	// A caller mutating what it got must not change the store.
	dong := m["p-han-dong"]
	dong.Aliases[0] = "mutated"
	again, _ := entity(t, st, "p-han-dong")
	if again.Aliases[0] == "mutated" {
		t.Error("the store shares an entity's slices with callers")
	}
	m, err = st.Entities(ctx, nil)
	if err != nil || len(m) != 0 {
		t.Errorf("Entities(nil) = %v, %v; want empty", m, err)
	}
}

func testRelationships(t *testing.T, st kg.Store) {
	m, err := st.Relationships(context.Background(), []string{"r-dong-liberal", "r-nothing"})
	if err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(m); !slices.Equal(got, []string{"r-dong-liberal"}) {
		t.Fatalf("Relationships keys = %v", got)
	}
	var want kg.Relationship
	for _, r := range Fixture().Relationships {
		if r.ID == "r-dong-liberal" {
			want = r
		}
	}
	if d := cmp.Diff(want, m["r-dong-liberal"], cmpOpts...); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func testFindEntities(t *testing.T, st kg.Store) {
	wikidata := func(v string) []kg.Identifier { return []kg.Identifier{{Scheme: "wikidata", Value: v}} }
	tests := []struct {
		name string
		m    kg.Match
		want []string
	}{
		{"identifier", kg.Match{Kind: kg.Person, Identifiers: wikidata("Q100001")}, []string{"p-han-dong"}},
		{"identifier of another kind", kg.Match{Kind: kg.Organization, Identifiers: wikidata("Q100001")}, []string{"p-han-dong"}},
		{"unknown identifier", kg.Match{Kind: kg.Person, Identifiers: wikidata("Q999")}, nil},
		{"name case", kg.Match{Kind: kg.Person, Names: []string{"HAN  DONG"}}, []string{"p-han-dong"}},
		{"name accents", kg.Match{Kind: kg.Person, Names: []string{"Melanie Joly"}}, []string{"p-melanie-joly"}},
		{"alias", kg.Match{Kind: kg.Person, Names: []string{"sabrina meng"}}, []string{"p-meng-wanzhou"}},
		{"alias in another script", kg.Match{Kind: kg.Person, Names: []string{"董晗"}}, []string{"p-han-dong"}},
		{"name of another kind", kg.Match{Kind: kg.Organization, Names: []string{"Han Dong"}}, nil},
		{"partial name", kg.Match{Kind: kg.Person, Names: []string{"Dong"}}, nil},
		{"identifier and name, no duplicates", kg.Match{Kind: kg.Person, Identifiers: wikidata("Q100001"), Names: []string{"Han Dong", "Dong Han"}}, []string{"p-han-dong"}},
		{"identifiers first", kg.Match{Kind: kg.Organization, Identifiers: wikidata("Q100001"), Names: []string{"Liberals"}}, []string{"p-han-dong", "o-liberal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.FindEntities(context.Background(), tt.m)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got, cmpOpts...); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func testSearch(t *testing.T, st kg.Store) {
	ctx := context.Background()
	tests := []struct {
		name  string
		q     kg.SearchQuery
		first string   // the top hit, if not ""
		has   []string // hits that must be present
		not   []string // hits that must be absent
		exact []string // when set: exactly these hits, in this order
	}{
		{name: "exact name", q: kg.SearchQuery{Text: "Han Dong"}, first: "p-han-dong"},
		{name: "case and accents", q: kg.SearchQuery{Text: "JUSTIN TRÜDEAU"}, first: "p-justin-trudeau"},
		{name: "accented name", q: kg.SearchQuery{Text: "melanie"}, first: "p-melanie-joly"},
		{name: "one token", q: kg.SearchQuery{Text: "dong", Kinds: []kg.Kind{kg.Person}}, has: []string{"p-han-dong"}},
		{name: "typo transposition", q: kg.SearchQuery{Text: "Trudaeu"}, has: []string{"p-justin-trudeau", "p-pierre-trudeau"}},
		{name: "given name", q: kg.SearchQuery{Text: "Wanzhou"}, first: "p-meng-wanzhou"},
		{name: "prefix", q: kg.SearchQuery{Text: "trud"}, has: []string{"p-justin-trudeau", "p-pierre-trudeau"}},
		{name: "alias", q: kg.SearchQuery{Text: "Sabrina"}, first: "p-meng-wanzhou"},
		{name: "alias in another script", q: kg.SearchQuery{Text: "董晗"}, first: "p-han-dong"},
		{name: "exact above typo", q: kg.SearchQuery{Text: "han dong", Kinds: []kg.Kind{kg.Person}},
			exact: []string{"p-han-dong", "p-han-deng"}},
		{name: "alias of an organization", q: kg.SearchQuery{Text: "BBC", Kinds: []kg.Kind{kg.Organization}}, exact: []string{"o-bbc"}},
		{name: "kinds filter", q: kg.SearchQuery{Text: "liberal", Kinds: []kg.Kind{kg.Organization}}, exact: []string{"o-liberal"}},
		{name: "kinds filter other kinds", q: kg.SearchQuery{Text: "han dong", Kinds: []kg.Kind{kg.Article, kg.Event}},
			has: []string{"a-bbc", "ev-resignation"}, not: []string{"p-han-dong", "st-dong-denial"}},
		{name: "every token must match", q: kg.SearchQuery{Text: "justin meng"}, exact: []string{}},
		{name: "no match", q: kg.SearchQuery{Text: "xylophone"}, exact: []string{}},
		{name: "short tokens are not fuzzy", q: kg.SearchQuery{Text: "hax", Kinds: []kg.Kind{kg.Person}}, exact: []string{}},
		// Stop words are words like any other: full names with "of",
		// "the", "and" are found, and type-ahead does not stop at them.
		{name: "full name with stop words", q: kg.SearchQuery{Text: "House of Commons"}, first: "o-commons"},
		{name: "type-ahead through a stop word", q: kg.SearchQuery{Text: "house of", Kinds: []kg.Kind{kg.Organization}}, exact: []string{"o-commons"}},
		{name: "name starting with a stop word", q: kg.SearchQuery{Text: "The Globe and Mail"}, first: "o-globe"},
		{name: "party by full name", q: kg.SearchQuery{Text: "Liberal Party of Canada"}, first: "o-liberal"},
		// The typo budget (kg.TypoBudget): one edit from 4 letters, two
		// from 8, none below 4.
		{name: "one edit in four letters", q: kg.SearchQuery{Text: "dpng", Kinds: []kg.Kind{kg.Person}}, has: []string{"p-han-dong"}},
		{name: "two edits in seven letters", q: kg.SearchQuery{Text: "trudxyu", Kinds: []kg.Kind{kg.Person}}, exact: []string{}},
		{name: "two edits in eight letters", q: kg.SearchQuery{Text: "consulta", Kinds: []kg.Kind{kg.Organization}}, has: []string{"o-consulate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.First = 100
			page, err := st.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			got := hitIDs(page)
			if page.TotalCount != len(got) || page.HasNextPage {
				t.Errorf("TotalCount %d, HasNextPage %v for %d hits on one page", page.TotalCount, page.HasNextPage, len(got))
			}
			if tt.first != "" && (len(got) == 0 || got[0] != tt.first) {
				t.Errorf("hits %v, want %s first", got, tt.first)
			}
			for _, id := range tt.has {
				if !slices.Contains(got, id) {
					t.Errorf("hits %v lack %s", got, id)
				}
			}
			for _, id := range tt.not {
				if slices.Contains(got, id) {
					t.Errorf("hits %v include %s", got, id)
				}
			}
			if tt.exact != nil {
				if d := cmp.Diff(tt.exact, got, cmpOpts...); d != "" {
					t.Errorf("hits (-want +got):\n%s", d)
				}
			}
			for i := 1; i < len(page.Edges); i++ {
				if page.Edges[i].Score > page.Edges[i-1].Score {
					t.Errorf("hit %d scores %v above hit %d's %v", i, page.Edges[i].Score, i-1, page.Edges[i-1].Score)
				}
			}
		})
	}
	for _, cursor := range []string{"!!not base64!!", kg.EncodeCursor("only-one-part")} {
		_, err := st.Search(ctx, kg.SearchQuery{Text: "dong", First: 5, After: cursor})
		wantInvalid(t, err)
	}
}

func (s suite) testSearchPagination(t *testing.T) {
	ctx := context.Background()
	st := s.open(t)
	var b kg.Batch
	for i := range 23 {
		// Names chosen so that several hits tie on score and name and
		// only the id orders them.
		b.Entities = append(b.Entities, kg.Entity{
			ID: fmt.Sprintf("p-delegate-%02d", (i*7)%23), Kind: kg.Person, Name: fmt.Sprintf("Delegate %c", 'A'+rune(i%4)),
		})
	}
	b.Entities = append(b.Entities, kg.Entity{ID: "p-delegates", Kind: kg.Person, Name: "Delegates"},
		kg.Entity{ID: "p-delegat", Kind: kg.Person, Name: "Delegat Oxford"})
	mustApply(t, st, b)
	all, err := st.Search(ctx, kg.SearchQuery{Text: "delegate", First: 100})
	if err != nil {
		t.Fatal(err)
	}
	if all.TotalCount != 25 || len(all.Edges) != 25 {
		t.Fatalf("one page: %d hits of %d, want 25", len(all.Edges), all.TotalCount)
	}
	got := walkPages(t, "", 25, func(after string) (listing, error) {
		return entityPage(st.Search(ctx, kg.SearchQuery{Text: "delegate", First: 4, After: after}))
	})
	if d := cmp.Diff(hitIDs(all), got); d != "" {
		t.Errorf("pages differ from one big page (-one +pages):\n%s", d)
	}
}

func testListEntities(t *testing.T, st kg.Store) {
	ctx := context.Background()
	persons := []string{"p-han-deng", "p-han-dong", "p-justin-trudeau", "p-melanie-joly", "p-meng-wanzhou", "p-michael-chong", "p-pierre-trudeau"}
	tests := []struct {
		name string
		q    kg.ListQuery
		want []string
	}{
		{"kind", kg.ListQuery{Kind: kg.Person}, persons},
		{"allegation status", kg.ListQuery{Kind: kg.Allegation, Status: kg.Denied}, []string{"al-nomination"}},
		{"any status", kg.ListQuery{Kind: kg.Allegation}, []string{"al-interference", "al-nomination"}},
		{"linked out", kg.ListQuery{Kind: kg.Person, Link: &kg.Link{Type: kg.MemberOf, Entity: "o-liberal", Direction: kg.Out}},
			[]string{"p-han-dong", "p-melanie-joly"}},
		{"linked in", kg.ListQuery{Kind: kg.Organization, Link: &kg.Link{Type: kg.MemberOf, Entity: "p-han-dong", Direction: kg.In}},
			[]string{"o-commons", "o-liberal"}},
		{"linked in, wrong direction", kg.ListQuery{Kind: kg.Organization, Link: &kg.Link{Type: kg.MemberOf, Entity: "p-han-dong", Direction: kg.Out}}, nil},
		{"linked both", kg.ListQuery{Kind: kg.Article, Link: &kg.Link{Type: kg.Mentions, Entity: "p-han-dong", Direction: kg.Both}},
			[]string{"a-bbc", "a-globe"}},
		{"linked, other kinds left out", kg.ListQuery{Kind: kg.Person, Link: &kg.Link{Type: kg.Mentions, Entity: "a-bbc", Direction: kg.In}},
			[]string{"p-han-dong", "p-meng-wanzhou"}},
		{"linked allegation", kg.ListQuery{Kind: kg.Allegation, Link: &kg.Link{Type: kg.AccusedIn, Entity: "p-han-dong", Direction: kg.In}},
			[]string{"al-interference"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := walkPages(t, "", len(tt.want), func(after string) (listing, error) {
				q := tt.q
				q.First, q.After = 2, after
				return entityPage(st.ListEntities(ctx, q))
			})
			if d := cmp.Diff(tt.want, got, cmpOpts...); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	_, err := st.ListEntities(ctx, kg.ListQuery{Kind: kg.Person, First: 2, After: "%%%"})
	wantInvalid(t, err)
	_, err = st.ListEntities(ctx, kg.ListQuery{Kind: kg.Person, First: 2, Link: &kg.Link{Type: kg.MemberOf, Entity: "o-nothing", Direction: kg.Out}})
	wantNotFound(t, err, "o-nothing")
}

func (s suite) testListEntitiesInserts(t *testing.T) {
	ctx := context.Background()
	st := s.loaded(t)
	q := kg.ListQuery{Kind: kg.Person, First: 3}
	page, err := st.ListEntities(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	got := hitIDs(page)
	mustApply(t, st, kg.Batch{Entities: []kg.Entity{
		{ID: "p-aaa", Kind: kg.Person, Name: "Before Everyone"},
		{ID: "p-zzz", Kind: kg.Person, Name: "After Everyone"},
	}})
	q.After = page.Edges[len(page.Edges)-1].Cursor
	q.First = 100
	page, err = st.ListEntities(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, hitIDs(page)...)
	want := []string{"p-han-deng", "p-han-dong", "p-justin-trudeau", "p-melanie-joly", "p-meng-wanzhou", "p-michael-chong", "p-pierre-trudeau", "p-zzz"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("pages across an insert (-want +got):\n%s", d)
	}
}

func testListRelationships(t *testing.T, st kg.Store) {
	ctx := context.Background()
	d := kg.MustDate
	dongOut := []string{"r-dong-accused", "r-dong-citizen", "r-dong-commons", "r-dong-denied", "r-dong-liberal", "r-dong-participated", "r-dong-stated"}
	dongIn := []string{"r-bbc-mentions-dong", "r-globe-mentions-dong"}
	dongAll := []string{"r-bbc-mentions-dong", "r-dong-accused", "r-dong-citizen", "r-dong-commons", "r-dong-denied", "r-dong-liberal",
		"r-dong-participated", "r-dong-stated", "r-globe-mentions-dong"}
	member := []kg.RelType{kg.MemberOf}
	tests := []struct {
		name string
		q    kg.RelQuery
		want []string
	}{
		{"out", kg.RelQuery{Entity: "p-han-dong", Direction: kg.Out}, dongOut},
		{"in", kg.RelQuery{Entity: "p-han-dong", Direction: kg.In}, dongIn},
		{"both", kg.RelQuery{Entity: "p-han-dong", Direction: kg.Both}, dongAll},
		{"types", kg.RelQuery{Entity: "p-han-dong", Direction: kg.Both, Types: []kg.RelType{kg.MemberOf, kg.Mentions}},
			[]string{"r-bbc-mentions-dong", "r-dong-commons", "r-dong-liberal", "r-globe-mentions-dong"}},
		{"as of during both memberships", kg.RelQuery{Entity: "p-han-dong", Direction: kg.Out, Types: member, AsOf: d("2022-01-01")},
			[]string{"r-dong-commons", "r-dong-liberal"}},
		{"as of the month he left", kg.RelQuery{Entity: "p-han-dong", Direction: kg.Out, Types: member, AsOf: d("2023-03")},
			[]string{"r-dong-commons", "r-dong-liberal"}},
		{"as of the day he left", kg.RelQuery{Entity: "p-han-dong", Direction: kg.Out, Types: member, AsOf: d("2023-03-22")},
			[]string{"r-dong-commons", "r-dong-liberal"}},
		{"as of the day after", kg.RelQuery{Entity: "p-han-dong", Direction: kg.Out, Types: member, AsOf: d("2023-03-23")},
			[]string{"r-dong-commons"}},
		{"as of the month after", kg.RelQuery{Entity: "p-han-dong", Direction: kg.Out, Types: member, AsOf: d("2023-04")},
			[]string{"r-dong-commons"}},
		{"as of the year he joined", kg.RelQuery{Entity: "p-han-dong", Direction: kg.Out, Types: member, AsOf: d("2019")},
			[]string{"r-dong-commons", "r-dong-liberal"}},
		{"as of the day before the year", kg.RelQuery{Entity: "p-han-dong", Direction: kg.Out, Types: member, AsOf: d("2018-12-31")}, nil},
		{"as of keeps undated", kg.RelQuery{Entity: "p-han-dong", Direction: kg.Out, Types: []kg.RelType{kg.CitizenOf}, AsOf: d("1900")},
			[]string{"r-dong-citizen"}},
		{"article", kg.RelQuery{Source: "a-globe"},
			[]string{"r-dong-accused", "r-dong-liberal", "r-globe-mentions-dong", "r-globe-mentions-meng", "r-globe-published"}},
		{"article and entity", kg.RelQuery{Entity: "p-meng-wanzhou", Direction: kg.Both, Source: "a-bbc"}, []string{"r-bbc-mentions-meng"}},
		{"min sources", kg.RelQuery{Entity: "p-han-dong", Direction: kg.Both, MinSources: 2}, []string{"r-dong-accused", "r-dong-liberal"}},
		{"min sources one drops unsourced", kg.RelQuery{Entity: "p-han-dong", Direction: kg.Out, MinSources: 1},
			[]string{"r-dong-accused", "r-dong-commons", "r-dong-denied", "r-dong-liberal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := walkPages(t, "", len(tt.want), func(after string) (listing, error) {
				q := tt.q
				q.First, q.After = 2, after
				return relationshipPage(st.ListRelationships(ctx, q))
			})
			if d := cmp.Diff(tt.want, got, cmpOpts...); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	_, err := st.ListRelationships(ctx, kg.RelQuery{Entity: "p-han-dong", Direction: kg.Both, First: 2, After: "%%%"})
	wantInvalid(t, err)
	_, err = st.ListRelationships(ctx, kg.RelQuery{Entity: "p-nobody", Direction: kg.Both, First: 2})
	wantNotFound(t, err, "p-nobody")
}

func (s suite) testListRelationshipsInserts(t *testing.T) {
	ctx := context.Background()
	st := s.loaded(t)
	q := kg.RelQuery{Entity: "p-han-dong", Direction: kg.Both, First: 3}
	page, err := st.ListRelationships(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	got := relIDs(page)
	if !slices.Equal(got, []string{"r-bbc-mentions-dong", "r-dong-accused", "r-dong-citizen"}) {
		t.Fatalf("first page = %v", got)
	}
	// Between pages: one relationship sorting before the cursor, one
	// after it, one at the end.
	mustApply(t, st, kg.Batch{Relationships: []kg.Relationship{
		{ID: "r-dong-aaa", Type: kg.WorksFor, From: "p-han-dong", To: "o-huawei"},
		{ID: "r-dong-cm", Type: kg.WorksFor, From: "p-han-dong", To: "o-consulate"},
		{ID: "r-zzz", Type: kg.Mentions, From: "a-bbc", To: "p-han-dong"},
	}})
	got = append(got, walkPages(t, page.Edges[len(page.Edges)-1].Cursor, 12, func(after string) (listing, error) {
		q.After = after
		return relationshipPage(st.ListRelationships(ctx, q))
	})...)
	want := []string{"r-bbc-mentions-dong", "r-dong-accused", "r-dong-citizen", "r-dong-cm", "r-dong-commons", "r-dong-denied",
		"r-dong-liberal", "r-dong-participated", "r-dong-stated", "r-globe-mentions-dong", "r-zzz"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("pages across an insert (-want +got):\n%s", d)
	}
}

func (s suite) testNetwork(t *testing.T, st kg.Store) {
	ctx := context.Background()
	dongAll := []string{"r-bbc-mentions-dong", "r-dong-accused", "r-dong-citizen", "r-dong-commons", "r-dong-denied", "r-dong-liberal",
		"r-dong-participated", "r-dong-stated", "r-globe-mentions-dong"}
	membership := []kg.RelType{kg.MemberOf, kg.Leads}
	tests := []struct {
		name      string
		q         kg.NetworkQuery
		nodes     []string // the node set (seeds first, the rest in any order)
		exact     []string // with ExactTruncation: the node list in order
		edges     []string // edges that must be present
		truncated bool
		maxNodes  int // for truncated cases without exactness
	}{
		{name: "depth 1", q: kg.NetworkQuery{Seeds: []string{"p-han-dong"}, Depth: 1},
			nodes: []string{"p-han-dong", "a-bbc", "al-interference", "c-canada", "o-commons", "o-liberal", "ev-resignation", "st-dong-denial", "a-globe"},
			// Besides the nine it follows: the four among his neighbours,
			// reached at the last hop.
			edges: append(slices.Clone(dongAll), "r-interference-reported", "r-statement-reported", "r-statement-about", "r-event-about")},
		{name: "edges among last-hop nodes", q: kg.NetworkQuery{Seeds: []string{"a-bbc"}, Depth: 1},
			nodes: []string{"a-bbc", "p-han-dong", "p-meng-wanzhou", "o-bbc", "al-interference", "st-dong-denial"},
			edges: []string{"r-bbc-mentions-dong", "r-bbc-mentions-meng", "r-bbc-published", "r-interference-reported", "r-statement-reported",
				"r-dong-accused", "r-dong-denied", "r-dong-stated", "r-statement-about"}},
		{name: "edges among last-hop nodes within the types", q: kg.NetworkQuery{Seeds: []string{"a-bbc"}, Depth: 1, Types: []kg.RelType{kg.Mentions, kg.AccusedIn, kg.ReportedBy}},
			nodes: []string{"a-bbc", "p-han-dong", "p-meng-wanzhou", "al-interference", "st-dong-denial"},
			edges: []string{"r-bbc-mentions-dong", "r-bbc-mentions-meng", "r-interference-reported", "r-statement-reported", "r-dong-accused"}},
		{name: "depth 2 types", q: kg.NetworkQuery{Seeds: []string{"p-han-dong"}, Depth: 2, Types: membership},
			nodes: []string{"p-han-dong", "o-commons", "o-liberal", "p-justin-trudeau", "p-michael-chong", "p-melanie-joly"},
			edges: []string{"r-dong-commons", "r-dong-liberal", "r-trudeau-commons", "r-chong-commons", "r-joly-liberal"}},
		{name: "depth 3 types", q: kg.NetworkQuery{Seeds: []string{"p-han-dong"}, Depth: 3, Types: membership},
			nodes: []string{"p-han-dong", "o-commons", "o-liberal", "p-justin-trudeau", "p-michael-chong", "p-melanie-joly", "c-canada"},
			edges: []string{"r-dong-commons", "r-dong-liberal", "r-trudeau-commons", "r-chong-commons", "r-joly-liberal", "r-trudeau-canada"}},
		{name: "as of after he left the party", q: kg.NetworkQuery{Seeds: []string{"p-han-dong"}, Depth: 2, Types: membership, AsOf: kg.MustDate("2024-01-01")},
			nodes: []string{"p-han-dong", "o-commons", "p-justin-trudeau", "p-michael-chong"},
			edges: []string{"r-dong-commons", "r-trudeau-commons", "r-chong-commons"}},
		{name: "as of before anything", q: kg.NetworkQuery{Seeds: []string{"p-han-dong"}, Depth: 2, Types: membership, AsOf: kg.MustDate("2018")},
			nodes: []string{"p-han-dong"}},
		{name: "two seeds", q: kg.NetworkQuery{Seeds: []string{"p-meng-wanzhou", "o-huawei"}, Depth: 1},
			nodes: []string{"p-meng-wanzhou", "o-huawei", "a-bbc", "a-globe"},
			edges: []string{"r-meng-huawei", "r-bbc-mentions-meng", "r-globe-mentions-meng"}},
		{name: "limit", q: kg.NetworkQuery{Seeds: []string{"p-han-dong"}, Depth: 1, Limit: 3},
			exact: []string{"p-han-dong", "a-bbc", "al-interference"}, truncated: true, maxNodes: 3},
		{name: "per hop", q: kg.NetworkQuery{Seeds: []string{"p-han-dong"}, Depth: 2, PerHop: 2},
			exact: []string{"p-han-dong", "a-bbc", "al-interference", "p-meng-wanzhou", "o-bbc"}, truncated: true, maxNodes: 5},
		{name: "limit across hops", q: kg.NetworkQuery{Seeds: []string{"p-meng-wanzhou"}, Depth: 2, Limit: 5},
			exact: []string{"p-meng-wanzhou", "a-bbc", "a-globe", "o-huawei", "p-han-dong"}, truncated: true, maxNodes: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, err := st.Network(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			got := nodeIDs(sub.Nodes)
			checkSubgraph(t, tt.q, sub)
			checkInduced(t, tt.q, sub, Fixture().Relationships)
			if sub.Truncated != tt.truncated {
				t.Errorf("Truncated = %v, want %v (nodes %v)", sub.Truncated, tt.truncated, got)
			}
			if tt.nodes != nil {
				seeds := len(tt.q.Seeds)
				if len(got) < seeds || !slices.Equal(got[:seeds], tt.nodes[:seeds]) {
					t.Errorf("nodes %v do not start with the seeds %v", got, tt.nodes[:seeds])
				}
				if d := cmp.Diff(sorted(tt.nodes), sorted(got)); d != "" {
					t.Errorf("nodes (-want +got):\n%s", d)
				}
			}
			if tt.maxNodes > 0 && len(got) > tt.maxNodes {
				t.Errorf("%d nodes, want at most %d", len(got), tt.maxNodes)
			}
			if tt.exact != nil && s.cfg.ExactTruncation {
				if d := cmp.Diff(tt.exact, got); d != "" {
					t.Errorf("nodes (-want +got):\n%s", d)
				}
			}
			edges := edgeIDs(sub.Edges)
			for _, id := range tt.edges {
				if !slices.Contains(edges, id) {
					t.Errorf("edges %v lack %s", edges, id)
				}
			}
		})
	}
	_, err := st.Network(ctx, kg.NetworkQuery{Seeds: []string{"p-han-dong", "p-nobody"}, Depth: 1})
	wantNotFound(t, err, "p-nobody")
}

// checkSubgraph checks what holds of every network: seeds first, no
// duplicates, edges only among returned nodes and passing the filters,
// every node reachable within the depth.
func checkSubgraph(t *testing.T, q kg.NetworkQuery, sub kg.Subgraph) {
	t.Helper()
	ids := nodeIDs(sub.Nodes)
	if len(ids) < len(q.Seeds) || !slices.Equal(ids[:len(q.Seeds)], q.Seeds) {
		t.Errorf("nodes %v do not start with the seeds %v", ids, q.Seeds)
	}
	if q.Limit > 0 && len(ids) > q.Limit {
		t.Errorf("%d nodes above the limit %d", len(ids), q.Limit)
	}
	in := make(map[string]bool)
	for _, id := range ids {
		if in[id] {
			t.Errorf("node %s appears twice", id)
		}
		in[id] = true
	}
	seen := make(map[string]bool)
	for _, r := range sub.Edges {
		if seen[r.ID] {
			t.Errorf("edge %s appears twice", r.ID)
		}
		seen[r.ID] = true
		if !in[r.From] || !in[r.To] {
			t.Errorf("edge %s (%s -> %s) has an end outside the nodes", r.ID, r.From, r.To)
		}
		if len(q.Types) > 0 && !slices.Contains(q.Types, r.Type) {
			t.Errorf("edge %s of type %s outside the types %v", r.ID, r.Type, q.Types)
		}
		if !r.ValidAt(q.AsOf) {
			t.Errorf("edge %s is not valid as of %v", r.ID, q.AsOf)
		}
	}
	// Every node must be reachable from a seed through the edges, within
	// the depth.
	depth := make(map[string]int)
	frontier := slices.Clone(q.Seeds)
	for _, s := range q.Seeds {
		depth[s] = 0
	}
	for d := 1; len(frontier) > 0; d++ {
		var next []string
		for _, u := range frontier {
			for _, r := range sub.Edges {
				if r.From != u && r.To != u {
					continue
				}
				if v := r.Other(u); in[v] {
					if _, ok := depth[v]; !ok {
						depth[v] = d
						next = append(next, v)
					}
				}
			}
		}
		frontier = next
	}
	for _, id := range ids {
		if d, ok := depth[id]; !ok || d > q.Depth {
			t.Errorf("node %s is not reached within depth %d through the returned edges", id, q.Depth)
		}
	}
}

// checkInduced checks that a network's edges are its induced subgraph:
// every relationship of the store (all) that passes the query's types and
// asOf and has both ends among the nodes, each once, ordered by the earlier
// of its ends among the nodes, then by id.
func checkInduced(t *testing.T, q kg.NetworkQuery, sub kg.Subgraph, all []kg.Relationship) {
	t.Helper()
	pos := make(map[string]int, len(sub.Nodes))
	for i, e := range sub.Nodes {
		pos[e.ID] = i
	}
	first := func(r kg.Relationship) int { return min(pos[r.From], pos[r.To]) }
	var want []kg.Relationship
	for _, r := range all {
		_, from := pos[r.From]
		_, to := pos[r.To]
		if from && to && r.ValidAt(q.AsOf) && (len(q.Types) == 0 || slices.Contains(q.Types, r.Type)) {
			want = append(want, r)
		}
	}
	slices.SortFunc(want, func(a, b kg.Relationship) int {
		if a, b := first(a), first(b); a != b {
			return a - b
		}
		return cmpString(a.ID, b.ID)
	})
	if d := cmp.Diff(edgeIDs(want), edgeIDs(sub.Edges)); d != "" {
		t.Errorf("edges are not the induced subgraph in order (-want +got):\n%s", d)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func testPaths(t *testing.T, st kg.Store) {
	ctx := context.Background()
	membership := []kg.RelType{kg.MemberOf, kg.Leads}
	tests := []struct {
		name string
		q    kg.PathQuery
		want []string // every path, in any order
		n    int      // when want is nil: how many paths
		len  int      // their length
	}{
		{name: "two shortest through two articles", q: kg.PathQuery{From: "p-han-dong", To: "p-meng-wanzhou", MaxLength: 4, First: 10},
			want: []string{
				"p-han-dong -r-bbc-mentions-dong- a-bbc -r-bbc-mentions-meng- p-meng-wanzhou",
				"p-han-dong -r-globe-mentions-dong- a-globe -r-globe-mentions-meng- p-meng-wanzhou",
			}},
		{name: "first caps the count", q: kg.PathQuery{From: "p-han-dong", To: "p-meng-wanzhou", MaxLength: 4, First: 1}, n: 1, len: 2},
		{name: "reverse direction", q: kg.PathQuery{From: "p-meng-wanzhou", To: "p-han-dong", MaxLength: 4, First: 10}, n: 2, len: 2},
		{name: "three parties in common", q: kg.PathQuery{From: "p-han-dong", To: "p-justin-trudeau", MaxLength: 4, First: 10}, n: 3, len: 2},
		{name: "types", q: kg.PathQuery{From: "p-han-dong", To: "p-justin-trudeau", MaxLength: 4, First: 10, Types: membership},
			want: []string{
				"p-han-dong -r-dong-commons- o-commons -r-trudeau-commons- p-justin-trudeau",
				"p-han-dong -r-dong-liberal- o-liberal -r-trudeau-liberal- p-justin-trudeau",
			}},
		{name: "as of", q: kg.PathQuery{From: "p-han-dong", To: "p-justin-trudeau", MaxLength: 4, First: 10, Types: membership, AsOf: kg.MustDate("2024-01-01")},
			want: []string{"p-han-dong -r-dong-commons- o-commons -r-trudeau-commons- p-justin-trudeau"}},
		{name: "length three", q: kg.PathQuery{From: "p-han-dong", To: "o-huawei", MaxLength: 3, First: 10}, n: 2, len: 3},
		{name: "max length respected", q: kg.PathQuery{From: "p-han-dong", To: "o-huawei", MaxLength: 2, First: 10}, want: []string{}},
		{name: "adjacent", q: kg.PathQuery{From: "p-han-dong", To: "al-interference", MaxLength: 3, First: 10},
			want: []string{
				"p-han-dong -r-dong-accused- al-interference",
				"p-han-dong -r-dong-denied- al-interference",
			}},
		{name: "types leave no path", q: kg.PathQuery{From: "p-han-dong", To: "p-meng-wanzhou", MaxLength: 6, First: 10, Types: membership}, want: []string{}},
		{name: "odd length, against the edges", q: kg.PathQuery{From: "o-bbc", To: "o-consulate", MaxLength: 6, First: 10},
			want: []string{"o-bbc -r-bbc-published- a-bbc -r-interference-reported- al-interference -r-consulate-involved- o-consulate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			paths, err := st.Paths(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if paths == nil {
				t.Error("Paths returned nil; want an empty slice when there is no path")
			}
			for _, p := range paths {
				checkPath(t, tt.q, p)
			}
			got := pathIDs(paths)
			if tt.want != nil {
				if d := cmp.Diff(sorted(tt.want), sorted(got), cmpOpts...); d != "" {
					t.Errorf("paths (-want +got):\n%s", d)
				}
				return
			}
			if len(paths) != tt.n {
				t.Errorf("%d paths, want %d: %v", len(paths), tt.n, got)
			}
			for _, p := range paths {
				if len(p.Edges) != tt.len {
					t.Errorf("path %v has length %d, want %d", pathIDs([]kg.Path{p}), len(p.Edges), tt.len)
				}
			}
			if d := cmp.Diff(sorted(got), sorted(slices.Compact(sorted(got)))); d != "" {
				t.Errorf("duplicate paths: %v", got)
			}
		})
	}
	_, err := st.Paths(ctx, kg.PathQuery{From: "p-han-dong", To: "p-nobody", MaxLength: 2, First: 1})
	wantNotFound(t, err, "p-nobody")
}

// checkPath checks a path's shape: from From to To, each edge joining its
// neighbours and passing the filters, no node twice.
func checkPath(t *testing.T, q kg.PathQuery, p kg.Path) {
	t.Helper()
	ids := nodeIDs(p.Nodes)
	if len(p.Nodes) != len(p.Edges)+1 || ids[0] != q.From || ids[len(ids)-1] != q.To {
		t.Errorf("path %v does not run from %s to %s", pathIDs([]kg.Path{p}), q.From, q.To)
		return
	}
	if len(p.Edges) > q.MaxLength {
		t.Errorf("path %v is longer than %d", pathIDs([]kg.Path{p}), q.MaxLength)
	}
	if len(slices.Compact(sorted(ids))) != len(ids) {
		t.Errorf("path %v visits a node twice", ids)
	}
	for i, r := range p.Edges {
		a, b := ids[i], ids[i+1]
		if !(r.From == a && r.To == b) && !(r.From == b && r.To == a) {
			t.Errorf("edge %s (%s -> %s) does not join %s and %s", r.ID, r.From, r.To, a, b)
		}
		if len(q.Types) > 0 && !slices.Contains(q.Types, r.Type) {
			t.Errorf("edge %s of type %s outside the types", r.ID, r.Type)
		}
		if !r.ValidAt(q.AsOf) {
			t.Errorf("edge %s not valid as of %v", r.ID, q.AsOf)
		}
	}
}

func testScan(t *testing.T, st kg.Store) {
	ctx := context.Background()
	fx := Fixture()
	s := snap(t, st)
	var wantE, wantR []string
	for _, e := range fx.Entities {
		wantE = append(wantE, e.ID)
	}
	for _, r := range fx.Relationships {
		wantR = append(wantR, r.ID)
	}
	if d := cmp.Diff(sorted(wantE), nodeIDs(s.Entities)); d != "" {
		t.Errorf("ScanEntities not every entity in id order (-want +got):\n%s", d)
	}
	if d := cmp.Diff(sorted(wantR), edgeIDs(s.Relationships)); d != "" {
		t.Errorf("ScanRelationships not every relationship in id order (-want +got):\n%s", d)
	}
	stop := errors.New("stop")
	calls := 0
	err := st.ScanEntities(ctx, func(kg.Entity) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Errorf("ScanEntities with fn failing at 3: err %v after %d calls", err, calls)
	}
	calls = 0
	err = st.ScanRelationships(ctx, func(kg.Relationship) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 2 {
		t.Errorf("ScanRelationships with fn failing at 2: err %v after %d calls", err, calls)
	}
}

func testCounts(t *testing.T, st kg.Store) {
	c, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fx := Fixture()
	want := kg.Counts{Entities: len(fx.Entities), Relationships: len(fx.Relationships), ByKind: map[kg.Kind]int{}}
	for _, e := range fx.Entities {
		want.ByKind[e.Kind]++
	}
	if d := cmp.Diff(want, c); d != "" {
		t.Errorf("Counts (-want +got):\n%s", d)
	}
}

func testCanceled(t *testing.T, st kg.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := []struct {
		name string
		call func() error
	}{
		{"Entities", func() error { _, err := st.Entities(ctx, []string{"p-han-dong"}); return err }},
		{"Relationships", func() error { _, err := st.Relationships(ctx, []string{"r-dong-liberal"}); return err }},
		{"FindEntities", func() error {
			_, err := st.FindEntities(ctx, kg.Match{Kind: kg.Person, Names: []string{"Han Dong"}})
			return err
		}},
		{"Search", func() error { _, err := st.Search(ctx, kg.SearchQuery{Text: "dong", First: 5}); return err }},
		{"ListEntities", func() error { _, err := st.ListEntities(ctx, kg.ListQuery{Kind: kg.Person, First: 5}); return err }},
		{"ListRelationships", func() error {
			_, err := st.ListRelationships(ctx, kg.RelQuery{Entity: "p-han-dong", Direction: kg.Both, First: 5})
			return err
		}},
		{"Network", func() error {
			_, err := st.Network(ctx, kg.NetworkQuery{Seeds: []string{"p-han-dong"}, Depth: 2})
			return err
		}},
		{"Paths", func() error {
			_, err := st.Paths(ctx, kg.PathQuery{From: "p-han-dong", To: "o-huawei", MaxLength: 4, First: 1})
			return err
		}},
		{"ScanEntities", func() error { return st.ScanEntities(ctx, func(kg.Entity) error { return nil }) }},
		{"ScanRelationships", func() error { return st.ScanRelationships(ctx, func(kg.Relationship) error { return nil }) }},
		{"Counts", func() error { _, err := st.Counts(ctx); return err }},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context: %v, want context.Canceled", c.name, err)
		}
	}
}

// publishedByOutlet returns the outlet of some PUBLISHED_BY relationship.
func publishedByOutlet(t *testing.T, st kg.Store) kg.Entity {
	t.Helper()
	var outlet string
	err := st.ScanRelationships(context.Background(), func(r kg.Relationship) error {
		if r.Type == kg.PublishedBy && outlet == "" {
			outlet = r.To
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if outlet == "" {
		t.Fatal("the fixture has no PUBLISHED_BY relationship")
	}
	e, ok := entity(t, st, outlet)
	if !ok {
		t.Fatalf("outlet %s is missing", outlet)
	}
	return e
}

// testSnapshot: a view's scans read one state of the graph. While a writer
// adds entities and relationships to them, every view's relationships have
// both ends among its entities, and a view started before writes does not
// see them (on a store with snapshot isolation) or at least stays a graph.
func (s suite) testSnapshot(t *testing.T) {
	st := s.loaded(t)
	ctx := context.Background()
	// kept are the records no write of this test touches: every view
	// yields them exactly as stored, whatever is written meanwhile.
	kept := snap(t, st)
	check := func(v kg.View) (ents, rels int, err error) {
		seen := map[string]bool{}
		var got snapshot
		if err := v.ScanEntities(ctx, func(e kg.Entity) error {
			seen[e.ID] = true
			ents++
			if !strings.HasPrefix(e.ID, "snap-") {
				got.Entities = append(got.Entities, e)
			}
			return nil
		}); err != nil {
			return 0, 0, err
		}
		err = v.ScanRelationships(ctx, func(r kg.Relationship) error {
			rels++
			if !seen[r.From] || !seen[r.To] {
				return fmt.Errorf("relationship %s (%s -> %s) has an end the view's entities do not hold", r.ID, r.From, r.To)
			}
			if !strings.HasPrefix(r.ID, "rel-snap-") && r.ID != "snap-rel" {
				got.Relationships = append(got.Relationships, r)
			}
			return nil
		})
		if err == nil {
			if d := cmp.Diff(kept, got, cmpOpts...); d != "" {
				err = fmt.Errorf("the view does not hold the records no write touched as they are (-stored +view):\n%s", d)
			}
		}
		return ents, rels, err
	}

	// Same contents as the plain scans when nothing is written.
	var viaView, viaScan []string
	if err := st.Snapshot(ctx, func(v kg.View) error {
		if err := v.ScanEntities(ctx, func(e kg.Entity) error { viaView = append(viaView, "e:"+e.ID+"/"+e.Name); return nil }); err != nil {
			return err
		}
		return v.ScanRelationships(ctx, func(r kg.Relationship) error {
			viaView = append(viaView, fmt.Sprintf("r:%s/%s/%d", r.ID, r.Role, len(r.Evidence)))
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.ScanEntities(ctx, func(e kg.Entity) error { viaScan = append(viaScan, "e:"+e.ID+"/"+e.Name); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := st.ScanRelationships(ctx, func(r kg.Relationship) error {
		viaScan = append(viaScan, fmt.Sprintf("r:%s/%s/%d", r.ID, r.Role, len(r.Evidence)))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(viaScan, viaView); diff != "" {
		t.Fatalf("the view differs from the scans (-scan +view):\n%s", diff)
	}

	if s.cfg.SerialWrites {
		return
	}
	// A write between the entity scan and the relationship scan: a new
	// entity and a relationship to it.
	hub := Fixture().Entities[0]
	if err := st.Snapshot(ctx, func(v kg.View) error {
		seen := map[string]bool{}
		if err := v.ScanEntities(ctx, func(e kg.Entity) error { seen[e.ID] = true; return nil }); err != nil {
			return err
		}
		mustApply(t, st, kg.Batch{
			Entities:      []kg.Entity{{ID: "snap-new", Kind: kg.Organization, Name: "Snapshot Party", Classification: kg.Party}},
			Relationships: []kg.Relationship{{ID: "snap-rel", Type: kg.MemberOf, From: hub.ID, To: "snap-new"}},
		})
		return v.ScanRelationships(ctx, func(r kg.Relationship) error {
			if !seen[r.From] || !seen[r.To] {
				return fmt.Errorf("relationship %s written after the entity scan has an end the view did not yield", r.ID)
			}
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}

	// Views taken while a writer runs.
	done := make(chan struct{})
	werr := make(chan error, 1)
	go func() {
		defer close(werr)
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			id := fmt.Sprintf("snap-%04d", i)
			err := st.Apply(ctx, kg.Batch{
				Entities:      []kg.Entity{{ID: id, Kind: kg.Organization, Name: "Org " + id, Classification: kg.Party}},
				Relationships: []kg.Relationship{{ID: "rel-" + id, Type: kg.MemberOf, From: hub.ID, To: id}},
			})
			if err == nil && i%2 == 1 {
				// Removals too: the entity before, with its relationship.
				err = st.Apply(ctx, kg.Batch{Remove: kg.Removal{Entities: []string{fmt.Sprintf("snap-%04d", i-1)}}})
			}
			if err != nil {
				werr <- err
				return
			}
		}
	}()
	for range 5 {
		if err := st.Snapshot(ctx, func(v kg.View) error { _, _, err := check(v); return err }); err != nil {
			close(done)
			t.Fatal(err)
		}
	}
	close(done)
	if err := <-werr; err != nil {
		t.Fatalf("writer: %v", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if err := st.Snapshot(canceled, func(kg.View) error { return nil }); err == nil {
		t.Errorf("Snapshot with a canceled context: no error")
	}
}
