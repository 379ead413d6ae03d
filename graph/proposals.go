package graph

import (
	"context"
	"errors"

	"github.com/vikstrous/dataloadgen"

	"github.com/polgraph/polgraph/graph/model"
	"github.com/polgraph/polgraph/internal/article"
	"github.com/polgraph/polgraph/internal/kg"
)

// maxSkipped is how many skipped proposals ingestArticle lists.
const maxSkipped = 100

// articleInput reads ingestArticle's input: the text, or the HTML page's
// main text and metadata, with the input's fields winning.
func articleInput(in model.ArticleInput) (kg.ArticleInput, error) {
	const op = "ingestArticle"
	var doc article.Document
	switch {
	case in.HTML != nil && in.Text != nil:
		return kg.ArticleInput{}, kg.Invalidf(op, "input", "give the article's text or its html, not both")
	case in.HTML != nil:
		if len(*in.HTML) > article.MaxSize {
			return kg.ArticleInput{}, kg.Invalidf(op, "input.html", "larger than %d bytes", article.MaxSize)
		}
		d, err := article.Parse([]byte(*in.HTML), deref(in.URL))
		if err != nil {
			return kg.ArticleInput{}, kg.Invalidf(op, "input.html", "%v", err)
		}
		doc = d
	case in.Text != nil:
		doc.Text = *in.Text
	default:
		return kg.ArticleInput{}, kg.Invalidf(op, "input.text", "the article's text or html is needed")
	}
	out := doc.Input()
	set := func(dst *string, v *string) {
		if v != nil && *v != "" {
			*dst = *v
		}
	}
	set(&out.Title, in.Title)
	set(&out.URL, in.URL)
	set(&out.Outlet, in.Outlet)
	set(&out.Byline, in.Byline)
	if in.Published != nil && !in.Published.IsZero() {
		out.Published = *in.Published
	}
	out.AutoAccept = in.AutoAccept
	return out, nil
}

func ingestedArticle(res kg.IngestedArticle) *model.ArticleIngestResult {
	out := &model.ArticleIngestResult{Proposed: len(res.Proposals), Pending: res.Pending(), Accepted: res.Accepted,
		Superseded: len(res.Superseded), Skipped: []string{}}
	if a, ok := model.FromEntity(res.Article).(*model.Article); ok {
		out.Article = a
	}
	for _, p := range res.Skipped[:min(len(res.Skipped), maxSkipped)] {
		out.Skipped = append(out.Skipped, p.String())
	}
	return out
}

func proposalConnection(page kg.ProposalPage) *model.ProposalConnection {
	c := &model.ProposalConnection{Edges: []model.ProposalEdge{}, TotalCount: page.TotalCount,
		PageInfo: &model.PageInfo{HasNextPage: page.HasNextPage}}
	for i := range page.Proposals {
		p := &page.Proposals[i]
		c.Edges = append(c.Edges, model.ProposalEdge{Cursor: kg.ProposalCursor(p), Node: p})
	}
	if n := len(c.Edges); n > 0 {
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &c.Edges[0].Cursor, &c.Edges[n-1].Cursor
	}
	return c
}

// optionalEntity loads an entity for a nullable field: one that no longer
// exists (a proposal outlives what it named) is null.
func optionalEntity(ctx context.Context, id string) (model.Entity, error) {
	l, err := loaders(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := l.Entities.Load(ctx, id); errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return loadEntity(ctx, id)
}
