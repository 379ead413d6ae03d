package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// ingest --format article next to a running server goes through it: the
// server reads the article with its extractor, and the proposals it stores
// are what its proposals query lists.
func TestIngestArticleNextToServe(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "mp.txt")
	text := "MP leaves party over budget vote\nTom Berger, a member of the Freedom Party, said on Monday he would leave the Freedom Party after voting against the budget.\n"
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := startServe(t, dir)
	out := mustPolgraph(t, "ingest", "--data", dir, "--format", "article", file, "--outlet", "Alpine Post", "--published", "2024-10-07")
	m := regexp.MustCompile(`article (article-[0-9a-f]+): ([1-9][0-9]*) proposals \(([1-9][0-9]*) pending, 0 accepted\)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("ingest through the server: %q", out)
	}
	res := post(t, addr, "", `query { proposals(article: "`+m[1]+`", first: 500) { totalCount edges { node { status article { id published outlet { name } } } } } }`)
	data, _ := res["data"].(map[string]any)
	props, _ := data["proposals"].(map[string]any)
	if props == nil || props["totalCount"] != float64(len(props["edges"].([]any))) {
		t.Fatalf("proposals after ingest: %v", res)
	}
	edge := props["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)
	art := edge["article"].(map[string]any)
	if art["published"] != "2024-10-07" || art["outlet"].(map[string]any)["name"] != "Alpine Post" {
		t.Errorf("the article as the server stored it: %v", art)
	}
}
