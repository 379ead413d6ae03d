package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"github.com/polgraph/polgraph/internal/article"
	"github.com/polgraph/polgraph/internal/extract/llm"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/review"
)

// articleFlags are ingest's flags for --format article: what the document
// does not say (or says wrongly) about the article.
type articleFlags struct {
	url, outlet, published, title, byline string
	autoAccept                            optionalFloat
}

func (f *articleFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&f.url, "url", "", "article: its http(s) URL (wins over the page's canonical URL; the article's id derives from it)")
	fs.StringVar(&f.outlet, "outlet", "", "article: the publishing outlet, by entity id or name (a new media outlet when unknown)")
	fs.StringVar(&f.published, "published", "", "article: publication date, YYYY, YYYY-MM or YYYY-MM-DD")
	fs.StringVar(&f.title, "title", "", "article: the headline (default: the page's title, or the text's first line)")
	fs.StringVar(&f.byline, "byline", "", "article: who wrote it")
	fs.Var(&f.autoAccept, "auto-accept", "article: accept every proposal with at least this confidence (0..1; 0 accepts all); without it all wait for review")
}

// optionalFloat is a float flag that knows whether it was given.
type optionalFloat struct{ v *float64 }

func (o *optionalFloat) String() string {
	if o == nil || o.v == nil {
		return ""
	}
	return strconv.FormatFloat(*o.v, 'g', -1, 64)
}

func (o *optionalFloat) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || v > 1 {
		return fmt.Errorf("%q is not a number between 0 and 1", s)
	}
	o.v = &v
	return nil
}

// readArticle reads FILE ("-": standard input) as plain text or HTML and
// applies the flags over what the document says.
func readArticle(name string, f *articleFlags) (kg.ArticleInput, error) {
	data, err := readInput(name, article.MaxSize)
	if err != nil {
		return kg.ArticleInput{}, err
	}
	doc, err := article.Read(data, f.url)
	if err != nil {
		return kg.ArticleInput{}, fmt.Errorf("%s: %w", name, err)
	}
	in := doc.Input()
	for _, o := range []struct{ dst, v *string }{{&in.URL, &f.url}, {&in.Outlet, &f.outlet}, {&in.Title, &f.title}, {&in.Byline, &f.byline}} {
		if *o.v != "" {
			*o.dst = *o.v
		}
	}
	if f.published != "" {
		d, err := kg.ParseDate(f.published)
		if err != nil {
			return kg.ArticleInput{}, fmt.Errorf("%w: --published: %w", ErrUsage, err)
		}
		in.Published = d
	}
	in.AutoAccept = f.autoAccept.v
	return in, nil
}

// extractor is what the command line and the server read articles with:
// internal/extract's rule-based pipeline, or, with --llm-url and
// --llm-model (key from POLGRAPH_LLM_KEY), the chat model behind an
// OpenAI-compatible endpoint.
func (env *Env) extractor() (kg.Extractor, error) {
	c := env.Config
	switch {
	case c.LLMURL == "" && c.LLMModel == "":
		return review.Pipeline{}, nil
	case c.LLMURL == "":
		return nil, fmt.Errorf("%w: --llm-model needs --llm-url", ErrUsage)
	case c.LLMModel == "":
		return nil, fmt.Errorf("%w: --llm-url needs --llm-model", ErrUsage)
	}
	if c.LLMKey == "" {
		env.Logger.Warn("no POLGRAPH_LLM_KEY: the LLM endpoint is called without a key", "llm-url", c.LLMURL)
	}
	x, err := llm.New(llm.Config{URL: c.LLMURL, Model: c.LLMModel, Key: c.LLMKey})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	return review.Pipeline{X: x}, nil
}

// runIngestArticles ingests articles, each on its own (one article's
// failure leaves the ones before it stored).
func runIngestArticles(ctx context.Context, env *Env, f *articleFlags, files []string) (err error) {
	if len(files) > 1 && (f.url != "" || f.title != "") {
		return fmt.Errorf("%w: --url and --title name one article; give one FILE", ErrUsage)
	}
	inputs := make([]kg.ArticleInput, len(files))
	for i, name := range files {
		if inputs[i], err = readArticle(name, f); err != nil {
			return err
		}
	}
	rm, svc, ctx, done, err := env.serverOrService(ctx)
	if err != nil {
		return err
	}
	defer done(&err)
	// Refused before the extractor is built: its warnings (no key) would
	// be about an extractor that is never used.
	if rm != nil && env.Config.LLMURL != "" {
		return fmt.Errorf("%w: polgraph serve runs on this data directory and reads articles with its own extractor: give --llm-url to serve, or stop it", ErrUsage)
	}
	if svc != nil {
		x, err := env.extractor()
		if err != nil {
			return err
		}
		svc = svc.WithExtractor(x)
	}
	for i, in := range inputs {
		var res articleResult
		if rm != nil {
			res, err = rm.ingestArticle(ctx, in)
		} else {
			var got kg.IngestedArticle
			if got, err = svc.IngestArticle(ctx, in); err == nil {
				res = articleResultOf(got)
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", files[i], err)
		}
		superseded := ""
		if res.Superseded > 0 {
			superseded = fmt.Sprintf(", %d superseded", res.Superseded)
		}
		fmt.Fprintf(env.Stdout, "%s: article %s: %s (%d pending, %d accepted%s)\n", files[i], res.Article, plural(res.Proposed, "proposal"), res.Pending, res.Accepted, superseded)
		for _, s := range res.Skipped {
			fmt.Fprintf(env.Stdout, "  skipped %s\n", s)
		}
	}
	return nil
}

// articleResult is what ingesting one article did, as printed.
type articleResult struct {
	Article                                 string
	Proposed, Pending, Accepted, Superseded int
	Skipped                                 []string
}

func articleResultOf(r kg.IngestedArticle) articleResult {
	out := articleResult{Article: r.Article.ID, Proposed: len(r.Proposals), Pending: r.Pending(), Accepted: r.Accepted,
		Superseded: len(r.Superseded)}
	for _, p := range r.Skipped {
		out.Skipped = append(out.Skipped, p.String())
	}
	return out
}

// ingestArticle reads an article through the running server (which reads
// it with its own extractor).
func (r *remote) ingestArticle(ctx context.Context, in kg.ArticleInput) (articleResult, error) {
	vars := map[string]any{"text": in.Text}
	for k, v := range map[string]string{"title": in.Title, "url": in.URL, "outlet": in.Outlet, "byline": in.Byline} {
		if v != "" {
			vars[k] = v
		}
	}
	if !in.Published.IsZero() {
		vars["published"] = in.Published.String()
	}
	if in.AutoAccept != nil {
		vars["autoAccept"] = *in.AutoAccept
	}
	var d struct {
		IngestArticle struct {
			Article                                 struct{ ID string }
			Proposed, Pending, Accepted, Superseded int
			Skipped                                 []string
		}
	}
	err := r.graphql(ctx, `mutation($in: ArticleInput!) { ingestArticle(input: $in) { article { id } proposed pending accepted superseded skipped } }`,
		map[string]any{"in": vars}, &d)
	a := d.IngestArticle
	return articleResult{Article: a.Article.ID, Proposed: a.Proposed, Pending: a.Pending, Accepted: a.Accepted, Superseded: a.Superseded, Skipped: a.Skipped}, err
}
