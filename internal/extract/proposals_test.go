package extract

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

// TestProposalsAreWellFormed checks what a reviewer (and the proposal
// store) relies on, for every test article: each quote is the article's
// text at [Start, End) in runes; entities and relationships pass the
// domain's validation; a relationship's ends are the article, its outlet
// or entities proposed alongside, of kinds its type allows; ids are unique
// and stable from one run to the next.
func TestProposalsAreWellFormed(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txt")
	if _, err := os.Stat(seedPath); err == nil {
		files = append(files, seedPath)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			text := string(b)
			a := Article{ID: "art-x", Text: text, Published: kg.MustDate("2025-01-15"), Outlet: "outlet-x"}
			props, err := Rules{}.Extract(context.Background(), a, nil)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := Rules{}.Extract(context.Background(), a, nil)
			if len(again) != len(props) {
				t.Fatalf("second run gave %d proposals, first %d", len(again), len(props))
			}
			rs := []rune(text)
			ents := map[string]*kg.Entity{"art-x": {ID: "art-x", Kind: kg.Article, Title: "t", Name: "t"},
				"outlet-x": {ID: "outlet-x", Kind: kg.Organization, Classification: kg.MediaOutlet, Name: "o"}}
			ids := map[string]bool{}
			for i, p := range props {
				if ids[p.ID] {
					t.Errorf("proposal id %s twice", p.ID)
				}
				ids[p.ID] = true
				if again[i].ID != p.ID {
					t.Errorf("proposal %d: id %s then %s", i, p.ID, again[i].ID)
				}
				if p.Start < 0 || p.End > len(rs) || p.Start >= p.End || string(rs[p.Start:p.End]) != p.Quote {
					t.Errorf("%s: quote %q is not text[%d:%d]", p.ID, p.Quote, p.Start, p.End)
				}
				if p.Confidence <= 0 || p.Confidence > 1 || p.Rule == "" || p.Article != "art-x" || p.Status != kg.ProposalPending {
					t.Errorf("%s: confidence %v rule %q article %q status %q", p.ID, p.Confidence, p.Rule, p.Article, p.Status)
				}
				if p.Kind == kg.ProposeEntity {
					e := *p.Entity
					e.Normalize()
					if probs := e.Validate("entity"); len(probs) > 0 {
						t.Errorf("%s: entity %q: %v", p.ID, e.Name, probs)
					}
					ents[e.ID] = p.Entity
				}
			}
			for _, p := range props {
				if p.Kind != kg.ProposeRelationship {
					continue
				}
				r := *p.Relationship
				r.Normalize()
				if probs := r.Validate("relationship"); len(probs) > 0 {
					t.Errorf("%s: %v", p.ID, probs)
				}
				from, to := ents[r.From], ents[r.To]
				if from == nil || to == nil {
					t.Errorf("%s %s -> %s: an end is not proposed", r.Type, r.From, r.To)
					continue
				}
				rule, _ := kg.RuleFor(r.Type)
				if ok, why := rule.From.Allows(from); !ok {
					t.Errorf("%s %s -> %s: from %s", r.Type, r.From, r.To, why)
				}
				if ok, why := rule.To.Allows(to); !ok {
					t.Errorf("%s %s -> %s: to %s", r.Type, r.From, r.To, why)
				}
			}
		})
	}
}
