// Package review binds the extraction pipeline (internal/extract) to the
// review queue (kg.Service.IngestArticle): a kg.Extractor over the
// rule-based pipeline, reading the graph through the Service's gazetteer.
// The CLI and the server bind it with kg.Service.WithExtractor.
package review

import (
	"cmp"
	"context"
	"slices"

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
		graphGazetteer{g})
}

// graphGazetteer is the pipeline's gazetteer over the Service's: a
// full-text search per name, whose hits are kept only when the name
// matches theirs (gazetteer.Match).
type graphGazetteer struct{ g kg.Gazetteer }

// hits is how many search hits one lookup reads.
const hits = 20

func (gg graphGazetteer) Lookup(ctx context.Context, name string, kinds []kg.Kind) ([]gazetteer.Candidate, error) {
	if len(kinds) == 0 {
		kinds = []kg.Kind{kg.Person, kg.Organization, kg.Country}
	}
	found, err := gg.g.Search(ctx, name, hits, kinds...)
	if err != nil {
		return nil, err
	}
	var out []gazetteer.Candidate
	for i := range found {
		if how, score := gazetteer.Match(name, &found[i]); how != "" {
			out = append(out, gazetteer.Candidate{Entity: found[i], How: how, Score: score})
		}
	}
	// Best first, as the pipeline expects; ties keep the search's order.
	slices.SortStableFunc(out, func(a, b gazetteer.Candidate) int { return cmp.Compare(b.Score, a.Score) })
	return out, nil
}
