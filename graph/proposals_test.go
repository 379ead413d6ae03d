package graph_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/polgraph/polgraph/internal/kg/kgtest"
	"github.com/polgraph/polgraph/internal/review"
	"github.com/polgraph/polgraph/internal/server"
)

// The review queue over GraphQL: an article is ingested, its proposals
// listed, some accepted (they become ordinary relationships with the
// article as evidence), one rejected, and re-ingesting does not propose
// it again.

func withExtractor(o *server.Options) { o.Service = o.Service.WithExtractor(kgtest.Extractor{}) }

const ingestArticleMutation = `mutation($in: ArticleInput!) { ingestArticle(input: $in) {
  article { id title url published outlet { id name } } proposed pending accepted skipped } }`

type ingestResult struct {
	IngestArticle struct {
		Article struct {
			ID, Title string
			URL       *string
			Published *string
			Outlet    *struct{ ID, Name string }
		}
		Proposed, Pending, Accepted int
		Skipped                     []string
	}
}

type proposalNode struct {
	ID, Kind, Quote, Rule, Status string
	Start, End                    int
	Confidence                    float64
	DecidedBy                     *string
	DecidedAt                     *string
	Article                       *struct{ ID string }
	Entity                        *struct{ ID, Kind, Name string }
	LinkedTo                      *struct{ ID string }
	Relationship                  *struct{ Type, From, To string }
}

const proposalFields = `id kind quote rule status start end confidence decidedBy decidedAt article { id }
  entity { id kind name } linkedTo { id } relationship { type from to }`

func (e *env) proposals(article, status string) (all []proposalNode, total int) {
	e.t.Helper()
	var after any
	for {
		var d struct {
			Proposals struct {
				Edges []struct {
					Cursor string
					Node   proposalNode
				}
				PageInfo   struct{ HasNextPage bool }
				TotalCount int
			}
		}
		vars := map[string]any{"a": article, "after": after}
		if status != "" {
			vars["s"] = status
		}
		e.ok(`query($a: ID, $s: ProposalStatus, $after: String) { proposals(article: $a, status: $s, first: 7, after: $after) {
		  edges { cursor node { `+proposalFields+` } } pageInfo { hasNextPage } totalCount } }`, vars, &d)
		for _, edge := range d.Proposals.Edges {
			all = append(all, edge.Node)
		}
		total = d.Proposals.TotalCount
		if !d.Proposals.PageInfo.HasNextPage {
			return all, total
		}
		after = d.Proposals.Edges[len(d.Proposals.Edges)-1].Cursor
	}
}

func TestReviewQueueRoundTrip(t *testing.T) {
	e := newEnv(t, false, withExtractor)
	text, err := os.ReadFile(filepath.Join("..", "examples", "articles", "mp-crosses-floor.txt"))
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"text": string(text), "url": "https://news.example/nz-mp-crosses-floor",
		"outlet": "Pacific Wire", "published": "2024-06-13"}
	var ing ingestResult
	e.ok(ingestArticleMutation, map[string]any{"in": in}, &ing)
	a := ing.IngestArticle
	if a.Article.Title != "Opposition MP crosses the floor in Wellington" || a.Article.Outlet == nil || a.Article.Outlet.Name != "Pacific Wire" ||
		*a.Article.Published != "2024-06-13" || a.Proposed == 0 || a.Pending != a.Proposed || a.Accepted != 0 {
		t.Fatalf("ingestArticle = %+v", a)
	}
	article := a.Article.ID
	props, total := e.proposals(article, "")
	if len(props) != a.Proposed || total != a.Proposed {
		t.Fatalf("listed %d proposals (total %d), ingest said %d", len(props), total, a.Proposed)
	}
	runes := []rune(string(text))
	var members []proposalNode
	var peter proposalNode
	for _, p := range props {
		if p.Article == nil || p.Article.ID != article || p.Status != "PENDING" || p.Rule == "" {
			t.Errorf("proposal = %+v", p)
		}
		if p.Start < 0 || p.End > len(runes) || p.Start > p.End {
			t.Errorf("proposal %s has offsets [%d, %d)", p.ID, p.Start, p.End)
		}
		if p.Relationship != nil && p.Relationship.Type == "MEMBER_OF" {
			members = append(members, p)
		}
		if p.Entity != nil && p.Entity.Name == "Peter Hale" {
			peter = p
		}
	}
	if len(members) < 2 || peter.ID == "" {
		t.Fatalf("want membership proposals and one for Peter Hale, got %+v", props)
	}

	// Accept the memberships: ordinary relationships, with evidence.
	for _, m := range members {
		var acc struct{ AcceptProposal proposalNode }
		e.ok(`mutation($id: ID!) { acceptProposal(id: $id) { `+proposalFields+` } }`, map[string]any{"id": m.ID}, &acc)
		if acc.AcceptProposal.Status != "ACCEPTED" || acc.AcceptProposal.DecidedAt == nil || acc.AcceptProposal.DecidedBy == nil {
			t.Errorf("acceptProposal = %+v", acc.AcceptProposal)
		}
	}
	var rels struct {
		Entity struct {
			Relationships struct {
				Edges []struct {
					Node struct {
						Type     string
						To       struct{ ID, Name string }
						Evidence []struct {
							Article    struct{ ID string }
							Quote      *string
							Confidence float64
						}
					}
				}
			}
		}
	}
	e.ok(`query($id: ID!) { entity(id: $id) { ... on Person { relationships(direction: OUT, types: [MEMBER_OF]) {
	  edges { node { type to { id name } evidence { article { id } quote confidence } } } } } } }`,
		map[string]any{"id": members[0].Relationship.From}, &rels)
	edges := rels.Entity.Relationships.Edges
	if len(edges) == 0 {
		t.Fatalf("no MEMBER_OF of %s after accepting", members[0].Relationship.From)
	}
	for _, edge := range edges {
		ev := edge.Node.Evidence
		if len(ev) != 1 || ev[0].Article.ID != article || ev[0].Quote == nil || *ev[0].Quote == "" || ev[0].Confidence != members[0].Confidence {
			t.Errorf("evidence of %s = %+v", edge.Node.To.ID, ev)
		}
	}

	// Reject Peter Hale; a relationship to him can no longer be accepted.
	var rej struct{ RejectProposal proposalNode }
	e.ok(`mutation($id: ID!) { rejectProposal(id: $id) { `+proposalFields+` } }`, map[string]any{"id": peter.ID}, &rej)
	if rej.RejectProposal.Status != "REJECTED" {
		t.Errorf("rejectProposal = %+v", rej.RejectProposal)
	}
	e.fails(`mutation($id: ID!) { acceptProposal(id: $id) { id } }`, map[string]any{"id": peter.ID}, "CONFLICT", "rejected")
	e.fails(`mutation($id: ID!) { rejectProposal(id: $id) { id } }`, map[string]any{"id": members[0].ID}, "CONFLICT", "accepted")

	// Re-ingesting proposes nothing rejected or accepted again.
	var again ingestResult
	e.ok(ingestArticleMutation, map[string]any{"in": in}, &again)
	// (Mentions of the entities accepted are now linked to them: those
	// proposals are not asked again either.)
	_, pendingNow := e.proposals(article, "PENDING")
	if again.IngestArticle.Article.ID != article || again.IngestArticle.Pending == 0 ||
		again.IngestArticle.Pending != pendingNow || pendingNow != a.Proposed-1-countAccepted(t, e, article) {
		t.Errorf("re-ingest = %+v (first %+v)", again.IngestArticle, a)
	}
	var one struct{ Proposal *proposalNode }
	e.ok(`query($id: ID!) { proposal(id: $id) { `+proposalFields+` } }`, map[string]any{"id": peter.ID}, &one)
	if one.Proposal == nil || one.Proposal.Status != "REJECTED" {
		t.Errorf("after re-ingest the rejected proposal is %+v", one.Proposal)
	}
	if rejected, _ := e.proposals(article, "REJECTED"); len(rejected) != 1 || rejected[0].ID != peter.ID {
		t.Errorf("rejected = %+v", rejected)
	}
	e.ok(`query { proposal(id: "nope") { id } }`, nil, &one)
	if one.Proposal != nil {
		t.Errorf("proposal(nope) = %+v", one.Proposal)
	}

	// Edit a pending one, with validation naming the field.
	var pending proposalNode
	for _, p := range props {
		if p.Relationship != nil && p.Relationship.Type == "MENTIONS" && p.Relationship.To != peter.Entity.ID {
			pending = p
			break
		}
	}
	var ed struct{ EditProposal proposalNode }
	e.ok(`mutation($id: ID!) { editProposal(id: $id, edit: {confidence: 0.42}) { `+proposalFields+` } }`, map[string]any{"id": pending.ID}, &ed)
	if ed.EditProposal.Confidence != 0.42 || ed.EditProposal.Status != "PENDING" {
		t.Errorf("editProposal = %+v", ed.EditProposal)
	}
	e.fails(`mutation($id: ID!) { editProposal(id: $id, edit: {confidence: 3}) { id } }`, map[string]any{"id": pending.ID}, "BAD_USER_INPUT", "confidence")

	// Auto-accept at ingest.
	var auto ingestResult
	in["autoAccept"] = 0.0
	e.ok(ingestArticleMutation, map[string]any{"in": in}, &auto)
	if auto.IngestArticle.Accepted == 0 || auto.IngestArticle.Pending != 0 && len(auto.IngestArticle.Skipped) == 0 {
		t.Errorf("auto-accept 0 = %+v", auto.IngestArticle)
	}
}

func countAccepted(t *testing.T, e *env, article string) int {
	t.Helper()
	_, n := e.proposals(article, "ACCEPTED")
	return n
}

func TestIngestArticleHTMLAndErrors(t *testing.T) {
	e := newEnv(t, false, withExtractor)
	page, err := os.ReadFile(filepath.Join("..", "internal", "article", "testdata", "minister.html"))
	if err != nil {
		t.Fatal(err)
	}
	var ing ingestResult
	e.ok(ingestArticleMutation, map[string]any{"in": map[string]any{"html": string(page)}}, &ing)
	a := ing.IngestArticle.Article
	if a.Title != "Finance minister resigns over contracts" || a.URL == nil || *a.URL != "https://herald.example/politics/finance-minister-resigns" ||
		a.Outlet == nil || a.Outlet.Name != "The Harbour Herald" || a.Published == nil || *a.Published != "2024-05-14" || ing.IngestArticle.Proposed == 0 {
		t.Errorf("ingestArticle(html) = %+v", ing.IngestArticle)
	}
	e.fails(ingestArticleMutation, map[string]any{"in": map[string]any{"text": "a", "html": "<p>b</p>"}}, "BAD_USER_INPUT", "not both")
	e.fails(ingestArticleMutation, map[string]any{"in": map[string]any{}}, "BAD_USER_INPUT", "input.text")
	e.fails(ingestArticleMutation, map[string]any{"in": map[string]any{"text": "x y", "autoAccept": 1.5}}, "BAD_USER_INPUT", "autoAccept")
	e.fails(`query { proposals(article: "missing") { totalCount } }`, nil, "NOT_FOUND", "missing")
	e.fails(`query { proposals(first: 100000) { totalCount } }`, nil, "BAD_USER_INPUT", "maximum page size")

	// Without an extractor the mutation says so.
	bare := newEnv(t, false)
	bare.fails(ingestArticleMutation, map[string]any{"in": map[string]any{"text": "x"}}, "UNAVAILABLE")
}

// The seed article (../shared, when present) goes through the same queue
// with the pipeline the server binds (internal/extract's rules).
func TestReviewQueueSeed(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("..", "..", "shared", "seed", "han-dong-bbc.txt"))
	if err != nil {
		t.Skipf("seed article not available: %v", err)
	}
	e := newEnv(t, false, func(o *server.Options) { o.Service = o.Service.WithExtractor(review.Pipeline{}) })
	var ing ingestResult
	e.ok(ingestArticleMutation, map[string]any{"in": map[string]any{"text": string(text), "outlet": "BBC", "autoAccept": 0.0}}, &ing)
	if ing.IngestArticle.Proposed == 0 || ing.IngestArticle.Accepted == 0 {
		t.Fatalf("seed ingest = %+v", ing.IngestArticle)
	}
	var d struct {
		Articles struct{ TotalCount int }
	}
	e.ok(`query { articles { totalCount } }`, nil, &d)
	if d.Articles.TotalCount != 1 {
		t.Errorf("articles = %d", d.Articles.TotalCount)
	}
	if c := e.counts(); c.Relationships == 0 {
		t.Errorf("auto-accepting the seed wrote no relationships: %+v", c)
	}
	// Han Dong is in the graph, tied to what the article says of him,
	// with the article as evidence (which ties the pipeline finds is
	// internal/extract's to score: see its eval-extract).
	var s struct {
		Search struct {
			Edges []struct {
				Node struct {
					ID            string
					Relationships struct {
						Edges []struct {
							Node struct {
								Type     string
								To       struct{ Name string }
								Evidence []struct{ Article struct{ ID string } }
							}
						}
					}
				}
			}
		}
	}
	e.ok(`query { search(query: "Han Dong", kinds: [PERSON], first: 1) { edges { node { id ... on Person {
	  relationships(direction: OUT, first: 100) { edges { node { type to { name } evidence { article { id } } } } } } } } } }`, nil, &s)
	if len(s.Search.Edges) == 0 {
		t.Fatal("no Han Dong after auto-accepting the seed")
	}
	rels := s.Search.Edges[0].Node.Relationships.Edges
	for _, edge := range rels {
		if r := edge.Node; len(r.Evidence) == 0 || r.Evidence[0].Article.ID != ing.IngestArticle.Article.ID {
			t.Errorf("%s to %s has evidence %+v, want the article", r.Type, r.To.Name, r.Evidence)
		}
	}
	if len(rels) == 0 || len(ing.IngestArticle.Skipped) > 0 {
		t.Errorf("Han Dong's relationships: %+v\nskipped: %v", s.Search.Edges[0].Node.Relationships, ing.IngestArticle.Skipped)
	}
}
