package gazetteer

import (
	"context"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

func TestStaticLookup(t *testing.T) {
	g := NewStatic([]kg.Entity{
		{ID: "han-dong", Kind: kg.Person, Name: "Han Dong", Aliases: []string{"Dong Han"}},
		{ID: "liberal", Kind: kg.Organization, Name: "Liberal Party of Canada", Aliases: []string{"Liberal Party"}},
		{ID: "art", Kind: kg.Article, Name: "Han Dong article", Title: "x"},
	})
	for _, tc := range []struct {
		name, want, how string
		kinds           []kg.Kind
	}{
		{"Han Dong", "han-dong", Exact, nil},
		{"Dong Han", "han-dong", Alias, nil},
		{"Han Dongg", "han-dong", Fuzzy, nil},
		{"the Liberal Party", "liberal", Alias, nil},
		{"Han Dong", "", "", []kg.Kind{kg.Organization}},
		{"Han Dong article", "", "", nil},
	} {
		got, err := g.Lookup(context.Background(), tc.name, tc.kinds)
		if err != nil {
			t.Fatal(err)
		}
		if tc.want == "" {
			if len(got) != 0 {
				t.Errorf("%q: got %v, want nothing", tc.name, got)
			}
			continue
		}
		if len(got) == 0 || got[0].Entity.ID != tc.want || got[0].How != tc.how {
			t.Errorf("%q: got %+v, want %s by %s", tc.name, got, tc.want, tc.how)
		}
	}
}
