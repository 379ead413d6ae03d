package coref

import (
	"context"
	"testing"

	"github.com/polgraph/polgraph/internal/extract/ner"
	"github.com/polgraph/polgraph/internal/extract/segment"
	"github.com/polgraph/polgraph/internal/kg"
)

func TestResolve(t *testing.T) {
	text := "Prime Minister Ana Lopes spoke to Beijing. Ms Lopes said China was wrong. The prime minister also thanked broadcaster Canal Uno, and Canal listeners. The Socialist Party lost; Socialists were angry."
	ms, err := ner.Recognize(context.Background(), segment.Split(text), ner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	chains, of := Resolve(ms)
	chainOf := func(s string) int {
		for i, m := range ms {
			if m.Text == s {
				return of[i]
			}
		}
		t.Fatalf("no mention %q", s)
		return -1
	}
	same := [][2]string{{"Ana Lopes", "Lopes"}, {"Ana Lopes", "The prime minister"}, {"Beijing", "China"}, {"Canal Uno", "Canal"}, {"Socialist Party", "Socialists"}}
	for _, p := range same {
		a, b := chainOf(p[0]), chainOf(p[1])
		if a < 0 || a != b {
			t.Errorf("%q (chain %d) and %q (chain %d) should corefer", p[0], a, p[1], b)
		}
	}
	if c := chains[chainOf("Beijing")]; c.Kind != kg.Country || c.Name != "China" {
		t.Errorf("Beijing's chain is %s %q, want COUNTRY China", c.Kind, c.Name)
	}
}
