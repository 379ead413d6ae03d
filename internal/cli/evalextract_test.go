package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/extract"
	"github.com/polgraph/polgraph/internal/extract/eval"
)

// eval-extract prints the score of the rule-based pipeline on an article
// against its gold annotation: the report eval.Evaluate makes of the
// pipeline's proposals, whatever order the flags come in.
func TestEvalExtract(t *testing.T) {
	const dir = "../extract/testdata"
	gold, text := filepath.Join(dir, "mp-changes-party.gold.json"), filepath.Join(dir, "mp-changes-party.txt")
	g, err := eval.Load(gold)
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(text)
	if err != nil {
		t.Fatal(err)
	}
	props, err := extract.Rules{NoModel: true}.Extract(context.Background(),
		extract.Article{ID: g.Article, Title: g.Title, Text: string(body), Published: g.Published, Outlet: g.Outlet}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	report := eval.Evaluate(g, props)
	report.Print(&want)
	if len(report) == 0 || report[0].TP == 0 {
		t.Fatalf("the pipeline found nothing of the gold: %+v", report)
	}

	out := mustPolgraph(t, "eval-extract", "--no-model", "--gold", gold, text)
	if diff := cmp.Diff(want.String(), out); diff != "" {
		t.Errorf("eval-extract (-want +got):\n%s", diff)
	}
	if after := mustPolgraph(t, "eval-extract", text, "--gold", gold, "--no-model"); after != out {
		t.Errorf("flags after the article changed the report:\n%s", after)
	}

	noArticle := filepath.Join(t.TempDir(), "gold.json")
	if err := os.WriteFile(noArticle, []byte(`{"title": "x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no gold", []string{text}, "needs --gold FILE"},
		{"two articles", []string{"--gold", gold, text, text}, "one ARTICLE"},
		{"missing article file", []string{"--gold", gold, filepath.Join(dir, "no-such.txt")}, "no-such.txt"},
		{"gold without article id", []string{"--gold", noArticle, text}, `needs "article"`},
		{"bad date", []string{"--gold", gold, "--published", "2024-13-40", text}, "--published"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := polgraph(t, append([]string{"eval-extract"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one naming %q", err, tc.want)
			}
		})
	}
}
