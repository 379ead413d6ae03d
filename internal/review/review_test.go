package review_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/review"
	"github.com/polgraph/polgraph/internal/store/teststore"
)

// The pipeline reads the graph through the Service's gazetteer: a mention
// of a stored person is linked to it (no duplicate is proposed), and a
// relationship to them names the stored id.
func TestPipelineLinksToTheGraph(t *testing.T) {
	ctx := context.Background()
	svc := kg.NewService(teststore.Open(t), kg.DefaultLimits).WithExtractor(review.Pipeline{})
	if _, err := svc.UpsertEntity(ctx, kg.Entity{ID: "person-42", Kind: kg.Person, Name: "Tom Berger", Aliases: []string{"Thomas Berger"}}); err != nil {
		t.Fatal(err)
	}
	text := "MP leaves party\nTom Berger, a member of the Freedom Party, said on Monday he would leave the Freedom Party.\n\"I have no choice,\" Mr Berger said."
	res, err := svc.IngestArticle(ctx, kg.ArticleInput{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	linked, new := 0, 0
	for _, p := range res.Proposals {
		if p.Kind == kg.ProposeEntity && p.Entity.Kind == kg.Person {
			if p.LinkedTo == "person-42" {
				linked++
			} else {
				new++
			}
		}
	}
	if linked != 1 || new != 0 {
		t.Fatalf("person proposals: %d linked to person-42, %d new; want 1 and 0\n%+v", linked, new, res.Proposals)
	}
	zero := 0.0
	if _, err := svc.IngestArticle(ctx, kg.ArticleInput{Text: text, AutoAccept: &zero}); err != nil {
		t.Fatal(err)
	}
	page, err := svc.Relationships(ctx, kg.RelQuery{Entity: "person-42", Direction: kg.Both}, nil)
	if err != nil || len(page.Edges) == 0 {
		t.Fatalf("relationships of the stored person after accepting: %+v, %v", page, err)
	}
	if m, _ := svc.Store().FindEntities(ctx, kg.Match{Kind: kg.Person, Names: []string{"Tom Berger"}}); len(m) != 1 {
		t.Errorf("persons named Tom Berger: %v, want only person-42", m)
	}
}

// BenchmarkIngestArticle reads the example article into proposals and
// stores them (embedded store, or Neo4j with NEO4J_URI), a new article
// each time: the review queue's cost on top of the pipeline's.
func BenchmarkIngestArticle(b *testing.B) {
	text, err := os.ReadFile(filepath.Join("..", "..", "examples", "articles", "mp-crosses-floor.txt"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	svc := kg.NewService(teststore.Open(b), kg.DefaultLimits).WithExtractor(review.Pipeline{})
	b.ResetTimer()
	for i := range b.N {
		if _, err := svc.IngestArticle(ctx, kg.ArticleInput{Text: string(text), URL: fmt.Sprintf("https://news.example/%d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}
