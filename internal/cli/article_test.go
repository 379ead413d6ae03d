package cli_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
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
	// --llm-url cannot apply to the server's extractor: refused before an
	// extractor is built, so without a warning about its missing key.
	t.Setenv("POLGRAPH_LLM_KEY", "")
	_, err := polgraph(t, "ingest", "--data", dir, "--format", "article", file, "--llm-url", "http://127.0.0.1:9/v1", "--llm-model", "m")
	if err == nil || !strings.Contains(err.Error(), "polgraph serve runs on this data directory") || strings.Contains(err.Error(), "POLGRAPH_LLM_KEY") {
		t.Errorf("--llm-url next to a running server: %v", err)
	}
}

// --llm-url reads the article with a chat model. This test talks to a
// local httptest server standing in for an OpenAI-compatible endpoint; no
// model is called.
func TestIngestArticleWithLLM(t *testing.T) {
	text := "MP leaves party\nTom Berger, a member of the Freedom Party, said on Monday he would leave the Freedom Party.\n"
	answer := `{"entities":[{"key":"tom","kind":"PERSON","name":"Tom Berger","quote":"Tom Berger, a member of the Freedom Party, said on Monday he would leave the Freedom Party.","confidence":0.9},
	  {"key":"fp","kind":"ORGANIZATION","name":"Freedom Party","classification":"PARTY","quote":"Tom Berger, a member of the Freedom Party, said on Monday he would leave the Freedom Party.","confidence":0.9}],
	 "relationships":[{"from":"tom","type":"MEMBER_OF","to":"fp","quote":"Tom Berger, a member of the Freedom Party, said on Monday he would leave the Freedom Party.","confidence":0.8}]}`
	var gotKey atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotKey.Store(r.Header.Get("Authorization"))
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]string{"role": "assistant", "content": answer}}}})
	}))
	defer srv.Close()
	t.Setenv("POLGRAPH_LLM_KEY", "sekrit")
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "mp.txt")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustPolgraph(t, "ingest", "--data", dir, "--format", "article", file, "--llm-url", srv.URL+"/v1", "--llm-model", "test-model", "--auto-accept", "0")
	if !regexp.MustCompile(`: [1-9][0-9]* proposals \(0 pending, [1-9][0-9]* accepted\)`).MatchString(out) {
		t.Errorf("ingest with the LLM: %q", out)
	}
	if gotKey.Load() != "Bearer sekrit" {
		t.Errorf("the endpoint got Authorization %q", gotKey.Load())
	}
	export := mustPolgraph(t, "export", "--data", dir, "--format", "json")
	if !strings.Contains(export, `"MEMBER_OF"`) || !strings.Contains(export, "Tom Berger") {
		t.Errorf("the LLM's proposals were not accepted into the graph:\n%s", export)
	}
	if _, err := polgraph(t, "ingest", "--data", dir, "--format", "article", file, "--llm-url", srv.URL); err == nil || !strings.Contains(err.Error(), "--llm-model") {
		t.Errorf("--llm-url without --llm-model: %v", err)
	}
}
