package neo4j

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/storetest"
)

// The importer's Resolver asks the store for a batch at once.
var _ importer.EachFinder = (*Store)(nil)

// TestFindEntitiesEach: each answer is FindEntities' for that match, in
// its order, across more than one statement's worth of matches.
func TestFindEntitiesEach(t *testing.T) {
	cfg := serverConfig(t)
	s := emptyStore(t, cfg)
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := s.Apply(ctx, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	wikidata := func(v string) []kg.Identifier { return []kg.Identifier{{Scheme: "wikidata", Value: v}} }
	base := []kg.Match{
		{Kind: kg.Person, Identifiers: wikidata("Q100001")},
		{Kind: kg.Person, Identifiers: wikidata("Q999")},
		{Kind: kg.Person, Names: []string{"HAN  DONG"}},
		{Kind: kg.Person},
		{Kind: kg.Person, Names: []string{"董晗"}},
		{Kind: kg.Organization, Names: []string{"Han Dong"}},
		{Kind: kg.Person, Identifiers: wikidata("Q100001"), Names: []string{"Han Dong", "Dong Han"}},
		{Kind: kg.Organization, Identifiers: wikidata("Q100001"), Names: []string{"Liberals"}},
	}
	want := make([][]string, len(base))
	found := 0
	for i, m := range base {
		ids, err := s.FindEntities(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = ids
		found += len(ids)
	}
	if found < 5 {
		t.Fatalf("the fixture matched only %d ids: %v", found, want)
	}
	var ms []kg.Match
	for len(ms) <= findEntitiesChunk+len(base) {
		ms = append(ms, base...)
	}
	got, err := s.FindEntitiesEach(ctx, ms)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ms) {
		t.Fatalf("%d answers for %d matches", len(got), len(ms))
	}
	for i := range ms {
		if w := want[i%len(base)]; !slices.Equal(got[i], w) {
			t.Fatalf("match %d (%+v): FindEntitiesEach = %v, FindEntities = %v", i, ms[i], got[i], w)
		}
	}
	if got, err := s.FindEntitiesEach(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("FindEntitiesEach(nil) = %v, %v", got, err)
	}
}
