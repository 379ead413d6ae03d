// Package review binds the extraction pipeline (internal/extract) to the
// review queue (kg.Service.IngestArticle): a kg.Extractor over the
// rule-based pipeline, reading the graph through the Service's gazetteer.
// The CLI and the server bind it with kg.Service.WithExtractor.
package review

import (
	"context"

	"github.com/polgraph/polgraph/internal/extract"
	"github.com/polgraph/polgraph/internal/extract/gazetteer"
	"github.com/polgraph/polgraph/internal/kg"
)

// Pipeline is a kg.Extractor over an internal/extract extractor (the
// rule-based pipeline when X is nil).
type Pipeline struct {
	X extract.Extractor
}

// Extract implements kg.Extractor.
func (p Pipeline) Extract(ctx context.Context, a kg.ArticleText, g kg.Gazetteer) ([]kg.Proposal, error) {
	x := p.X
	if x == nil {
		x = extract.Rules{}
	}
	return x.Extract(ctx, extract.Article{ID: a.ID, Title: a.Title, Text: a.Text, Published: a.Published, Outlet: a.Outlet},
		gazetteer.Searched{G: g})
}
