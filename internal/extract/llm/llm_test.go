package llm

// These tests talk to a local httptest server standing in for an
// OpenAI-compatible endpoint; no model is called.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/extract"
	"github.com/polgraph/polgraph/internal/extract/gazetteer"
	"github.com/polgraph/polgraph/internal/kg"
)

const text = "Labour MP Anna Berg has left the Labour Party. “I am done,” Ms Berg said."

func server(t *testing.T, status int, content string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer sekrit" {
			http.Error(w, "bad request path or key", http.StatusUnauthorized)
			return
		}
		var req struct {
			Model    string `json:"model"`
			Messages []struct{ Role, Content string }
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model != "test-model" || len(req.Messages) != 2 || !strings.Contains(req.Messages[1].Content, "Anna Berg") {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]string{"role": "assistant", "content": content}}}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func extractWith(t *testing.T, status int, content string, g gazetteer.Gazetteer) ([]kg.Proposal, error) {
	srv := server(t, status, content)
	x, err := New(Config{URL: srv.URL + "/v1", Model: "test-model", Key: "sekrit"})
	if err != nil {
		t.Fatal(err)
	}
	return x.Extract(context.Background(), extract.Article{ID: "art-1", Text: text}, g)
}

func TestValidAnswer(t *testing.T) {
	ans := "```json\n" + `{"entities":[
	  {"key":"a","kind":"PERSON","name":"Anna Berg","quote":"Labour MP Anna Berg has left the Labour Party.","confidence":0.9},
	  {"key":"l","kind":"ORGANIZATION","name":"Labour Party","classification":"PARTY","quote":"Labour MP Anna Berg has left the Labour Party."},
	  {"key":"s","kind":"STATEMENT","name":"Berg: I am done","statement":"I am done","speaker":"a","quote":" “I am done,” Ms Berg said. "}],
	 "relationships":[
	  {"from":"a","type":"MEMBER_OF","to":"l","until":"2025","quote":"Labour MP Anna Berg has left the Labour Party."},
	  {"from":"a","type":"STATED","to":"s","quote":"“I am done,” Ms Berg said."},
	  {"from":"article","type":"MENTIONS","to":"a","quote":"Labour MP Anna Berg has left the Labour Party."}]}` + "\n```"
	g := gazetteer.NewStatic([]kg.Entity{{ID: "anna-berg-se", Kind: kg.Person, Name: "Anna Berg"}})
	props, err := extractWith(t, 200, ans, g)
	if err != nil {
		t.Fatal(err)
	}
	if len(props) != 6 {
		t.Fatalf("%d proposals, want 6", len(props))
	}
	if p := props[0]; p.LinkedTo != "anna-berg-se" || p.Start != 0 || p.End != 46 || p.Rule != "llm:test-model" || p.Confidence != 0.9 {
		t.Errorf("person proposal %+v", p)
	}
	if r := props[3].Relationship; r.From != "anna-berg-se" || r.To != "labour-party" || r.Until.String() != "2025" {
		t.Errorf("membership %+v", r)
	}
	if e := props[2].Entity; e.Speaker != "anna-berg-se" || e.Quote != "I am done" {
		t.Errorf("statement %+v", e)
	}
	if p := props[2]; p.Start != 47 || p.End != 73 || p.Quote != "“I am done,” Ms Berg said." { // offsets in runes, after a multi-byte quotation mark; the quote trimmed to them
		t.Errorf("statement quote %q at %d-%d, want 47-73", p.Quote, p.Start, p.End)
	}
	if r := props[5].Relationship; r.From != "art-1" {
		t.Errorf("article end %q, want art-1", r.From)
	}
}

func TestBadAnswersRejected(t *testing.T) {
	for _, tc := range []struct{ name, content, want string }{
		{"not json", "I think Anna Berg left.", "not the JSON asked for"},
		{"unknown type", `{"entities":[{"key":"a","kind":"PERSON","name":"Anna Berg","quote":"Labour MP Anna Berg has left the Labour Party."}],"relationships":[{"from":"a","type":"FRIENDS_WITH","to":"article","quote":"Labour MP Anna Berg has left the Labour Party."}]}`, `$.relationships[0].type: "FRIENDS_WITH" is not in the vocabulary`},
		{"wrong end kind", `{"entities":[{"key":"a","kind":"PERSON","name":"Anna Berg","quote":"Labour MP Anna Berg has left the Labour Party."}],"relationships":[{"from":"article","type":"PUBLISHED_BY","to":"a","quote":"Labour MP Anna Berg has left the Labour Party."}]}`, "$.relationships[0].to"},
		{"invented quote", `{"entities":[{"key":"a","kind":"PERSON","name":"Anna Berg","quote":"Anna Berg was arrested."}],"relationships":[]}`, "is not a passage of the article"},
		{"bad kind", `{"entities":[{"key":"a","kind":"CITY","name":"Oslo","quote":"I am done"}],"relationships":[]}`, `$.entities[0].kind: "CITY"`},
		{"unknown key", `{"entities":[],"relationships":[{"from":"x","type":"MENTIONS","to":"article","quote":"I am done"}]}`, `unknown key "x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := extractWith(t, 200, tc.content, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to say %q", err, tc.want)
			}
		})
	}
}

func TestEndpointErrors(t *testing.T) {
	if _, err := extractWith(t, 500, "{}", nil); err == nil || kg.KindOf(err) != kg.KindUnavailable {
		t.Errorf("HTTP 500: err = %v, want unavailable", err)
	}
	if _, err := New(Config{URL: "ftp://x", Model: "m"}); err == nil {
		t.Error("ftp URL accepted")
	}
	if _, err := New(Config{URL: "http://127.0.0.1:1", Model: ""}); err == nil {
		t.Error("empty model accepted")
	}
}
