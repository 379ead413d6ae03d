package extract

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/extract/eval"
	"github.com/polgraph/polgraph/internal/kg"
)

// seedPath is the seed article in the shared directory next to the repo.
const seedPath = "../../../shared/seed/han-dong-bbc.txt"

func run(t testing.TB, textPath, goldPath string) (eval.Report, []kg.Proposal) {
	t.Helper()
	text, err := os.ReadFile(textPath)
	if err != nil {
		t.Skipf("no article: %v", err)
	}
	g, err := eval.Load(goldPath)
	if err != nil {
		t.Fatal(err)
	}
	props, err := Rules{}.Extract(context.Background(), Article{ID: g.Article, Title: g.Title, Text: string(text), Published: g.Published, Outlet: g.Outlet}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return eval.Evaluate(g, props), props
}

func logReport(t *testing.T, rep eval.Report) {
	var b strings.Builder
	rep.Print(&b)
	t.Log("\n" + b.String())
	for _, s := range rep {
		if len(s.Missed) > 0 {
			t.Logf("%s missed: %v", s.Category, s.Missed)
		}
		if len(s.Spurious) > 0 {
			t.Logf("%s spurious: %v", s.Category, s.Spurious)
		}
	}
}

func TestSeedScores(t *testing.T) {
	rep, _ := run(t, seedPath, "testdata/han-dong-bbc.gold.json")
	logReport(t, rep)
	floors := map[string]float64{"entities": 0.9, "relationships": 0.8, "mp-party": 0.5, "diplomat-consulate": 0.5, "accused-allegation": 0.5, "article-source": 0.5}
	for cat, floor := range floors {
		if f := rep.Get(cat).F1(); f < floor {
			t.Errorf("%s F1 %.2f below %.2f", cat, f, floor)
		}
	}
}

func TestOwnArticles(t *testing.T) {
	golds, _ := filepath.Glob("testdata/*.gold.json")
	for _, g := range golds {
		base := strings.TrimSuffix(filepath.Base(g), ".gold.json")
		txt := filepath.Join("testdata", base+".txt")
		if _, err := os.Stat(txt); err != nil {
			continue // the seed: its text lives in ../shared
		}
		// Articles the rules were developed against must stay high; the
		// held-out ones (heldout-*: golds committed before the first run,
		// rules never tuned on them) measure generalisation, with lower
		// floors.
		entFloor, relFloor := 0.9, 0.85
		if strings.HasPrefix(base, "heldout-") {
			entFloor, relFloor = 0.75, 0.7
		}
		t.Run(base, func(t *testing.T) {
			rep, _ := run(t, txt, g)
			logReport(t, rep)
			if f := rep.Get("entities").F1(); f < entFloor {
				t.Errorf("entity F1 %.2f below %.2f", f, entFloor)
			}
			if f := rep.Get("relationships").F1(); f < relFloor {
				t.Errorf("relationship F1 %.2f below %.2f", f, relFloor)
			}
		})
	}
}
