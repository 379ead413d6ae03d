package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/polgraph/polgraph/internal/extract"
	"github.com/polgraph/polgraph/internal/extract/eval"
	"github.com/polgraph/polgraph/internal/kg"
)

func evalExtractCommand() Command {
	var gold, published, outlet string
	var noModel bool
	return Command{
		Name:         "eval-extract",
		Args:         "ARTICLE",
		Interspersed: true,
		Summary:      "score article extraction against a gold annotation (precision, recall, F1 per category)",
		Flags: func(fs *flag.FlagSet) {
			fs.StringVar(&gold, "gold", "", "the gold annotation (JSON, see docs/extract.md); required")
			fs.StringVar(&published, "published", "", "the article's publication date (default: the gold's)")
			fs.StringVar(&outlet, "outlet", "", "id of the article's outlet (default: the gold's, else read from the text)")
			fs.BoolVar(&noModel, "no-model", false, "do not use prose's statistical model (lexicon and gazetteer only)")
		},
		Run: func(ctx context.Context, env *Env, args []string) error {
			if gold == "" || len(args) != 1 {
				return fmt.Errorf("%w: eval-extract needs --gold FILE and one ARTICLE file", ErrUsage)
			}
			g, err := eval.Load(gold)
			if err != nil {
				return err
			}
			text, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			a := extract.Article{ID: g.Article, Title: g.Title, Text: string(text), Published: g.Published, Outlet: g.Outlet}
			if a.ID == "" {
				return errors.New(gold + `: the gold needs "article", the article's id`)
			}
			if published != "" {
				if a.Published, err = kg.ParseDate(published); err != nil {
					return fmt.Errorf("%w: --published: %w", ErrUsage, err)
				}
			}
			if outlet != "" {
				a.Outlet = outlet
			}
			props, err := extract.Rules{NoModel: noModel}.Extract(ctx, a, nil)
			if err != nil {
				return err
			}
			eval.Evaluate(g, props).Print(env.Stdout)
			return nil
		},
	}
}
