package link

import (
	"context"
	"testing"

	"github.com/polgraph/polgraph/internal/extract/coref"
	"github.com/polgraph/polgraph/internal/extract/gazetteer"
	"github.com/polgraph/polgraph/internal/kg"
)

func TestChains(t *testing.T) {
	g := gazetteer.NewStatic([]kg.Entity{
		{ID: "q-ana-costa-br", Kind: kg.Person, Name: "Ana Costa", Description: "Brazilian senator, Brazil"},
		{ID: "q-ana-costa-pt", Kind: kg.Person, Name: "Ana Costa", Description: "Portuguese MP, Portugal"},
		{ID: "q-justice", Kind: kg.Organization, Name: "Justice and Development Party", Aliases: []string{"Justice Party"}, Classification: kg.Party},
		{ID: "q-costa-org", Kind: kg.Organization, Name: "Costa", Classification: kg.Company},
	})
	chains := []coref.Chain{
		{Kind: kg.Country, Name: "Portugal", Names: []string{"Portugal"}},
		{Kind: kg.Person, Name: "Ana Costa", Names: []string{"Ana Costa", "Costa"}},
		{Kind: kg.Organization, Class: kg.Party, Name: "Justice Party", Names: []string{"Justice Party"}},
		{Kind: kg.Person, Name: "Joao Silva", Names: []string{"Joao Silva"}},
	}
	got, err := Chains(context.Background(), chains, g)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct{ linked, how, id string }{
		{"", "new", "portugal"},
		{"q-ana-costa-pt", gazetteer.Exact, "q-ana-costa-pt"}, // the article's country breaks the tie
		{"q-justice", gazetteer.Alias, "q-justice"},
		{"", "new", "joao-silva"},
	} {
		if got[i].LinkedTo != want.linked || got[i].How != want.how || got[i].Entity.ID != want.id {
			t.Errorf("chain %q: linked %q by %q as %q, want %q by %q as %q", chains[i].Name, got[i].LinkedTo, got[i].How, got[i].Entity.ID, want.linked, want.how, want.id)
		}
	}
	if got[0].Entity.CountryCode != "" {
		// The chain carries no lexicon entry here; a country chain from ner does.
		t.Errorf("unexpected country code %q", got[0].Entity.CountryCode)
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{"Han Dong": "han-dong", "Tomás Reis": "tomas-reis", "The Globe and Mail": "the-globe-and-mail", "O'Toole": "otoole"} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}
