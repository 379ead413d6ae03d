package extract

import (
	"context"
	"testing"

	"github.com/polgraph/polgraph/internal/extract/gazetteer"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/teststore"
)

// TestLinksToGraph reads an article (written for this test) against a
// small graph through gazetteer.Searched over the Service's gazetteer, i.e. the store's full-text
// search: on the embedded store, or on Neo4j when NEO4J_URI is set. The
// people and bodies the graph already holds are linked, not proposed anew.
func TestLinksToGraph(t *testing.T) {
	svc := kg.NewService(teststore.Open(t), kg.DefaultLimits)
	for _, e := range []kg.Entity{
		{ID: "han-dong", Kind: kg.Person, Name: "Han Dong", Description: "Member of Parliament for Don Valley North, Canada"},
		{ID: "justin-trudeau", Kind: kg.Person, Name: "Justin Trudeau"},
		{ID: "justin-trudeau-namesake", Kind: kg.Person, Name: "Justin Trudeaux"}, // a fuzzy decoy; the exact name wins
		{ID: "house-of-commons", Kind: kg.Organization, Name: "House of Commons of Canada", Aliases: []string{"House of Commons"}, Classification: kg.Legislature},
		{ID: "liberal-party", Kind: kg.Organization, Name: "Liberal Party of Canada", Aliases: []string{"Liberal Party", "Liberals"}, Classification: kg.Party},
	} {
		if _, err := svc.UpsertEntity(context.Background(), e); err != nil {
			t.Fatalf("storing %s: %v", e.ID, err)
		}
	}
	text := "Canadian MP Han Dong met Prime Minister Justin Trudeau on Friday.\n\n" +
		"Mr Dong, who now sits as an independent in the House of Commons, said the Liberal Party had treated him unfairly.\n\n" +
		"“I was never disloyal,” Mr Dong said. Mr Trudeau did not comment."
	props, err := Rules{}.Extract(context.Background(), Article{ID: "test-article", Text: text}, gazetteer.Searched{G: svc.Gazetteer()})
	if err != nil {
		t.Fatal(err)
	}
	linked := map[string]bool{}
	for _, p := range props {
		if p.Kind != kg.ProposeEntity || !p.Entity.Kind.Actor() {
			continue
		}
		if p.LinkedTo == "" {
			if p.Entity.Kind == kg.Person {
				t.Errorf("person %q proposed as new; the graph holds it", p.Entity.Name)
			}
			continue
		}
		linked[p.LinkedTo] = true
		if p.Entity.ID != p.LinkedTo {
			t.Errorf("linked proposal carries entity %q, not the linked %q", p.Entity.ID, p.LinkedTo)
		}
	}
	for _, id := range []string{"han-dong", "justin-trudeau", "house-of-commons", "liberal-party"} {
		if !linked[id] {
			t.Errorf("%s not linked; linked: %v", id, linked)
		}
	}
	// Relationships point at the linked ids.
	found := false
	for _, p := range props {
		if r := p.Relationship; r != nil && r.Type == kg.Stated && r.From == "han-dong" {
			found = true
		}
	}
	if !found {
		t.Error("no STATED from han-dong: relationships do not use the linked id")
	}
}
