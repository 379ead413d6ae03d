package graph_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/polgraph/polgraph/examples"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/server"
)

func TestEntityAndNode(t *testing.T) {
	e := newEnv(t, true)
	var got struct {
		Entity struct {
			Typename string `json:"__typename"`
			ID, Kind string
			Name     string
		}
		Node struct {
			Typename string `json:"__typename"`
			ID       string
			Title    string
		}
		Missing *struct{ ID string }
		Outlet  struct {
			Outlet struct{ ID, Classification string }
		} `json:"article"`
	}
	e.ok(`{
	  entity(id: "han-dong") { __typename id kind name }
	  node(id: "article") { __typename id ... on Article { title } }
	  missing: entity(id: "no-such-entity") { id }
	  article(id: "article") { outlet { id classification } }
	}`, nil, &got)
	if got.Entity.Typename != "Person" || got.Entity.Kind != "PERSON" || got.Entity.Name != "Han Dong" {
		t.Errorf("entity = %+v", got.Entity)
	}
	if got.Node.Typename != "Article" || !strings.Contains(got.Node.Title, "Han Dong") {
		t.Errorf("node = %+v", got.Node)
	}
	if got.Missing != nil {
		t.Errorf("a missing entity should be null, got %+v", got.Missing)
	}
	if got.Outlet.Outlet.ID != "bbc" || got.Outlet.Outlet.Classification != "MEDIA_OUTLET" {
		t.Errorf("outlet = %+v", got.Outlet.Outlet)
	}
}

func TestSearch(t *testing.T) {
	e := newEnv(t, true)
	for _, tc := range []struct{ query, want string }{
		{"dong", "han-dong"},
		{"Wanzhou", "meng-wanzhou"},
		{"Trudaeu", "justin-trudeau"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			var got struct {
				Search struct {
					TotalCount int
					Edges      []struct {
						Score float64
						Node  struct{ ID string }
					}
				}
			}
			e.ok(`query($q: String!) { search(query: $q, kinds: [PERSON], first: 5) { totalCount edges { score node { id } } } }`, map[string]any{"q": tc.query}, &got)
			if len(got.Search.Edges) == 0 || got.Search.Edges[0].Node.ID != tc.want {
				t.Fatalf("search %q = %+v, want %s first", tc.query, got.Search, tc.want)
			}
			if got.Search.TotalCount < 1 || got.Search.Edges[0].Score <= 0 {
				t.Errorf("totalCount/score missing: %+v", got.Search)
			}
		})
	}
}

type relPage struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
	Edges []struct {
		Cursor string
		Node   struct {
			ID, Type string
			To       struct{ ID string }
		}
	}
}

func TestRelationshipsAsOf(t *testing.T) {
	e := newEnv(t, true)
	query := `query($at: Date) { entity(id: "han-dong") { relationships(direction: OUT, types: [MEMBER_OF], asOf: $at) { edges { node { to { id } } } } } }`
	memberOf := func(at any) []string {
		var got struct {
			Entity struct{ Relationships relPage }
		}
		e.ok(query, map[string]any{"at": at}, &got)
		var ids []string
		for _, edge := range got.Entity.Relationships.Edges {
			ids = append(ids, edge.Node.To.ID)
		}
		return ids
	}
	has := func(ids []string, id string) bool {
		for _, x := range ids {
			if x == id {
				return true
			}
		}
		return false
	}
	if ids := memberOf("2022-01-01"); !has(ids, "liberal-party") || !has(ids, "house-of-commons") {
		t.Errorf("as of 2022-01-01 Han Dong should be a Liberal MP, got %v", ids)
	}
	if ids := memberOf("2024"); has(ids, "liberal-party") {
		t.Errorf("as of 2024 Han Dong has left the Liberal caucus, got %v", ids)
	}
	if ids := memberOf("2018"); has(ids, "house-of-commons") {
		t.Errorf("as of 2018 Han Dong was not yet an MP, got %v", ids)
	}
}

func TestRelationshipsPagination(t *testing.T) {
	e := newEnv(t, true)
	page := func(first int, after *string) relPage {
		var got struct {
			Entity struct{ Relationships relPage }
		}
		e.ok(`query($first: Int, $after: String) { entity(id: "article") { relationships(first: $first, after: $after) {
		  totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } } }`,
			map[string]any{"first": first, "after": after}, &got)
		return got.Entity.Relationships
	}
	all := page(500, nil)
	if all.TotalCount < 5 || len(all.Edges) != all.TotalCount || all.PageInfo.HasNextPage || all.PageInfo.HasPreviousPage {
		t.Fatalf("full page: total %d, %d edges, pageInfo %+v", all.TotalCount, len(all.Edges), all.PageInfo)
	}
	var want, got []string
	for _, edge := range all.Edges {
		want = append(want, edge.Node.ID)
	}
	var after *string
	for i := 0; ; i++ {
		p := page(2, after)
		if p.TotalCount != all.TotalCount {
			t.Fatalf("page %d: totalCount %d, want %d", i, p.TotalCount, all.TotalCount)
		}
		if p.PageInfo.HasPreviousPage != (after != nil) {
			t.Errorf("page %d: hasPreviousPage = %v", i, p.PageInfo.HasPreviousPage)
		}
		for _, edge := range p.Edges {
			got = append(got, edge.Node.ID)
		}
		if len(p.Edges) > 0 && (*p.PageInfo.EndCursor != p.Edges[len(p.Edges)-1].Cursor || *p.PageInfo.StartCursor != p.Edges[0].Cursor) {
			t.Errorf("page %d: cursors in pageInfo do not match edges", i)
		}
		if !p.PageInfo.HasNextPage {
			break
		}
		after = p.PageInfo.EndCursor
		if i > 100 {
			t.Fatal("pagination does not end")
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paging by 2 differs from one page (-want +got):\n%s", diff)
	}
}

func TestNetworkAndPaths(t *testing.T) {
	e := newEnv(t, true)
	var got struct {
		Network struct {
			Truncated bool
			Nodes     []struct{ ID string }
			Edges     []struct {
				Type     string
				From, To struct{ ID string }
				Evidence []struct{ Article struct{ ID string } }
			}
		}
		Small struct{ Truncated bool }
		Paths []struct {
			Length int
			Nodes  []struct{ ID string }
			Edges  []struct{ Evidence []struct{ Quote string } }
		}
	}
	e.ok(`{
	  network(seeds: ["han-dong"], depth: 1) { truncated nodes { id } edges { type from { id } to { id } evidence { article { id } } } }
	  small: network(seeds: ["han-dong"], depth: 2, limit: 2) { truncated }
	  paths(from: "han-dong", to: "meng-wanzhou", maxLength: 4) { length nodes { id } edges { evidence { quote } } }
	}`, nil, &got)
	n := got.Network
	if len(n.Nodes) < 3 || n.Nodes[0].ID != "han-dong" || n.Truncated {
		t.Errorf("network nodes = %+v truncated %v", n.Nodes, n.Truncated)
	}
	ids := map[string]bool{}
	for _, node := range n.Nodes {
		ids[node.ID] = true
	}
	for _, want := range []string{"liberal-party", "allegation-1"} {
		if !ids[want] {
			t.Errorf("network of han-dong lacks %s", want)
		}
	}
	for _, edge := range n.Edges {
		if !ids[edge.From.ID] || !ids[edge.To.ID] || len(edge.Evidence) == 0 {
			t.Errorf("edge %+v: ends outside the subgraph or no evidence", edge)
		}
	}
	if !got.Small.Truncated {
		t.Error("a network cut by limit should say truncated")
	}
	if len(got.Paths) == 0 {
		t.Fatal("no path from Han Dong to Meng Wanzhou")
	}
	for _, p := range got.Paths {
		if p.Length != len(p.Edges) || len(p.Nodes) != p.Length+1 || p.Nodes[0].ID != "han-dong" || p.Nodes[len(p.Nodes)-1].ID != "meng-wanzhou" {
			t.Errorf("bad path %+v", p)
		}
	}
}

func TestArticlesAllegationsStats(t *testing.T) {
	e := newEnv(t, true)
	var got struct {
		Articles struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID       string
					Mentions struct{ TotalCount int }
					Asserts  struct{ TotalCount int }
				}
			}
		}
		Allegations struct {
			Edges []struct {
				Node struct {
					ID, Status string
					Accused    []struct{ ID string }
				}
			}
		}
		Stats struct {
			Entities, Relationships int
			ByKind                  []struct {
				Kind  string
				Count int
			}
		}
	}
	e.ok(`{
	  articles(outlet: "bbc") { totalCount edges { node { id ... on Article { mentions(first: 1) { totalCount } asserts { totalCount } } } } }
	  allegations(accused: "han-dong") { edges { node { id ... on Allegation { status accused { id } } } } }
	  stats { entities relationships byKind { kind count } }
	}`, nil, &got)
	if got.Articles.TotalCount != 1 || got.Articles.Edges[0].Node.ID != "article" || got.Articles.Edges[0].Node.Mentions.TotalCount < 15 || got.Articles.Edges[0].Node.Asserts.TotalCount < 10 {
		t.Errorf("articles = %+v", got.Articles)
	}
	if len(got.Allegations.Edges) == 0 || got.Allegations.Edges[0].Node.Accused[0].ID != "han-dong" {
		t.Errorf("allegations accusing han-dong = %+v", got.Allegations)
	}
	c := e.counts()
	if got.Stats.Entities != c.Entities || got.Stats.Relationships != c.Relationships || len(got.Stats.ByKind) != len(kg.Kinds) {
		t.Errorf("stats = %+v, store counts %+v", got.Stats, c)
	}
}

const upsertPerson = `mutation($e: EntityInput!) { upsertEntity(entity: $e) { id kind name description ... on Person { birthDate } } }`

func TestMutations(t *testing.T) {
	e := newEnv(t, true)
	var ent struct {
		UpsertEntity struct {
			ID, Kind, Name string
			Description    *string
			BirthDate      *string
		}
	}
	e.ok(upsertPerson, map[string]any{"e": map[string]any{"id": "jane-doe", "kind": "PERSON", "name": " Jane Doe ", "birthDate": "1970-05"}}, &ent)
	if ent.UpsertEntity.Name != "Jane Doe" || ent.UpsertEntity.Description != nil || *ent.UpsertEntity.BirthDate != "1970-05" {
		t.Errorf("upsertEntity = %+v", ent.UpsertEntity)
	}

	var rel struct {
		UpsertRelationship struct {
			ID, Role, Since string
			Sources         int
			From            struct{ ID string }
			Evidence        []struct{ Confidence float64 }
		}
	}
	e.ok(`mutation($r: RelationshipInput!) { upsertRelationship(relationship: $r) { id role since sources from { id } evidence { confidence } } }`,
		map[string]any{"r": map[string]any{"type": "MEMBER_OF", "from": "jane-doe", "to": "liberal-party", "role": "member", "since": "2015",
			"evidence": []any{map[string]any{"article": "article", "quote": "Jane is a Liberal"}}}}, &rel)
	r := rel.UpsertRelationship
	if r.ID == "" || r.Role != "member" || r.Since != "2015" || r.From.ID != "jane-doe" || r.Sources != 1 || r.Evidence[0].Confidence != 1 {
		t.Errorf("upsertRelationship = %+v", r)
	}

	var ev struct {
		AddEvidence struct {
			Evidence []struct {
				Quote      *string
				Confidence float64
			}
		}
	}
	e.ok(`mutation($id: ID!) { addEvidence(relationship: $id, evidence: {article: "article", quote: "another passage", confidence: 0.5}) { evidence { quote confidence } } }`,
		map[string]any{"id": r.ID}, &ev)
	if len(ev.AddEvidence.Evidence) != 2 || ev.AddEvidence.Evidence[1].Confidence != 0.5 {
		t.Errorf("addEvidence = %+v", ev.AddEvidence)
	}

	var ing struct {
		IngestDossier struct {
			Created, Updated, Unchanged int
			Entities, Relationships     []string
		}
	}
	e.ok(`mutation($d: String!) { ingestDossier(dossier: $d) { created updated unchanged entities relationships } }`,
		map[string]any{"d": string(examples.Demo())}, &ing)
	if d := ing.IngestDossier; d.Created != 0 || d.Unchanged == 0 || len(d.Entities) < 15 || len(d.Relationships) < 10 {
		t.Errorf("re-ingesting the demo should change nothing: %+v", d)
	}
}

func TestIngestDossierIntoEmptyStore(t *testing.T) {
	e := newEnv(t, false)
	var ing struct{ IngestDossier struct{ Created int } }
	e.ok(`mutation($d: String!) { ingestDossier(dossier: $d) { created } }`, map[string]any{"d": string(examples.Demo())}, &ing)
	if ing.IngestDossier.Created < 30 || e.counts().Entities < 15 {
		t.Errorf("ingest created %d, store %+v", ing.IngestDossier.Created, e.counts())
	}
}

// TestBadInput sends a bad value to every argument and checks the error's
// code and that its message names the argument (or the id).
func TestBadInput(t *testing.T) {
	e := newEnv(t, true)
	person := func(extra map[string]any) map[string]any {
		m := map[string]any{"id": "p1", "kind": "PERSON", "name": "P One"}
		for k, v := range extra {
			m[k] = v
		}
		return map[string]any{"e": m}
	}
	rel := func(extra map[string]any) map[string]any {
		m := map[string]any{"type": "MEMBER_OF", "from": "han-dong", "to": "liberal-party"}
		for k, v := range extra {
			m[k] = v
		}
		return map[string]any{"r": m}
	}
	const upsertRel = `mutation($r: RelationshipInput!) { upsertRelationship(relationship: $r) { id } }`
	const addEv = `mutation($id: ID!, $ev: EvidenceInput!) { addEvidence(relationship: $id, evidence: $ev) { id } }`
	relID := kg.RelationshipID(kg.MemberOf, "han-dong", "liberal-party", "")
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		code  string
		want  []string
	}{
		{"search query empty", `{ search(query: "  ") { totalCount } }`, nil, "BAD_USER_INPUT", []string{`"query"`}},
		{"search query too long", `query($q: String!) { search(query: $q) { totalCount } }`, map[string]any{"q": strings.Repeat("a", 201)}, "BAD_USER_INPUT", []string{`"query"`}},
		{"search first negative", `{ search(query: "dong", first: -1) { totalCount } }`, nil, "BAD_USER_INPUT", []string{`"first"`}},
		{"search first too big", `{ search(query: "dong", first: 501) { totalCount } }`, nil, "BAD_USER_INPUT", []string{`"first"`, "500"}},
		{"search after", `{ search(query: "dong", after: "garbage!") { totalCount } }`, nil, "BAD_USER_INPUT", []string{`"after"`}},
		{"entity id empty", `{ entity(id: "") { id } }`, nil, "BAD_USER_INPUT", []string{`"id"`}},
		{"node id empty", `{ node(id: "") { id } }`, nil, "BAD_USER_INPUT", []string{`"id"`}},
		{"article id empty", `{ article(id: "") { id } }`, nil, "BAD_USER_INPUT", []string{`"id"`}},
		{"relationship id empty", `{ relationship(id: "") { id } }`, nil, "BAD_USER_INPUT", []string{`"id"`}},
		{"relationships first", `{ entity(id: "han-dong") { relationships(first: 501) { totalCount } } }`, nil, "BAD_USER_INPUT", []string{`"first"`}},
		{"relationships after", `{ entity(id: "han-dong") { relationships(after: "not a cursor!") { totalCount } } }`, nil, "BAD_USER_INPUT", []string{`"after"`}},
		{"relationships asOf", `{ entity(id: "han-dong") { relationships(asOf: "2019-02-30") { totalCount } } }`, nil, "BAD_USER_INPUT", []string{`"asOf"`}},
		{"mentions first", `{ article(id: "article") { mentions(first: -2) { totalCount } } }`, nil, "BAD_USER_INPUT", []string{`"first"`}},
		{"mentions after", `{ article(id: "article") { mentions(after: "not a cursor!") { totalCount } } }`, nil, "BAD_USER_INPUT", []string{`"after"`}},
		{"asserts first", `{ article(id: "article") { asserts(first: 9999) { totalCount } } }`, nil, "BAD_USER_INPUT", []string{`"first"`}},
		{"asserts after", `{ article(id: "article") { asserts(after: "not a cursor!") { totalCount } } }`, nil, "BAD_USER_INPUT", []string{`"after"`}},
		{"network no seeds", `{ network(seeds: []) { truncated } }`, nil, "BAD_USER_INPUT", []string{`"seeds"`}},
		{"network unknown seed", `{ network(seeds: ["han-dong", "ghost"]) { truncated } }`, nil, "NOT_FOUND", []string{`"ghost"`, "seeds"}},
		{"network depth", `{ network(seeds: ["han-dong"], depth: 9) { truncated } }`, nil, "BAD_USER_INPUT", []string{`"depth"`}},
		{"network limit", `{ network(seeds: ["han-dong"], limit: 0) { truncated } }`, nil, "BAD_USER_INPUT", []string{`"limit"`}},
		{"network perHop", `{ network(seeds: ["han-dong"], perHop: -1) { truncated } }`, nil, "BAD_USER_INPUT", []string{`"perHop"`}},
		{"network asOf", `{ network(seeds: ["han-dong"], asOf: "2019-13") { truncated } }`, nil, "BAD_USER_INPUT", []string{`"asOf"`, "2019-13"}},
		{"network asOf variable", `query($d: Date) { network(seeds: ["han-dong"], asOf: $d) { truncated } }`, map[string]any{"d": "yesterday"}, "BAD_USER_INPUT", []string{`"asOf"`}},
		{"paths unknown from", `{ paths(from: "ghost", to: "han-dong") { length } }`, nil, "NOT_FOUND", []string{`"ghost"`, "from"}},
		{"paths unknown to", `{ paths(from: "han-dong", to: "ghost") { length } }`, nil, "NOT_FOUND", []string{`"ghost"`, "to"}},
		{"paths from empty", `{ paths(from: "", to: "han-dong") { length } }`, nil, "BAD_USER_INPUT", []string{`"from"`}},
		{"paths maxLength", `{ paths(from: "han-dong", to: "china", maxLength: 99) { length } }`, nil, "BAD_USER_INPUT", []string{`"maxLength"`}},
		{"paths first", `{ paths(from: "han-dong", to: "china", first: 0) { length } }`, nil, "BAD_USER_INPUT", []string{`"first"`}},
		{"paths asOf", `{ paths(from: "han-dong", to: "china", asOf: "20") { length } }`, nil, "BAD_USER_INPUT", []string{`"asOf"`}},
		{"articles both filters", `{ articles(outlet: "bbc", mentions: "han-dong") { totalCount } }`, nil, "BAD_USER_INPUT", []string{`"mentions"`}},
		{"articles first", `{ articles(first: 501) { totalCount } }`, nil, "BAD_USER_INPUT", []string{`"first"`}},
		{"articles after", `{ articles(after: "not a cursor!") { totalCount } }`, nil, "BAD_USER_INPUT", []string{`"after"`}},
		{"allegations first", `{ allegations(first: -1) { totalCount } }`, nil, "BAD_USER_INPUT", []string{`"first"`}},
		{"allegations after", `{ allegations(after: "not a cursor!") { totalCount } }`, nil, "BAD_USER_INPUT", []string{`"after"`}},
		{"upsertEntity empty name", upsertPerson, person(map[string]any{"name": " "}), "BAD_USER_INPUT", []string{`"entity.name"`}},
		{"upsertEntity bad id", upsertPerson, person(map[string]any{"id": "has space"}), "BAD_USER_INPUT", []string{`"entity.id"`}},
		{"upsertEntity bad birthDate", upsertPerson, person(map[string]any{"birthDate": "1970-13"}), "BAD_USER_INPUT", []string{`"entity.birthDate"`}},
		{"upsertEntity field of another kind", upsertPerson, person(map[string]any{"summary": "x"}), "BAD_USER_INPUT", []string{`"entity.summary"`}},
		{"upsertEntity long alias", upsertPerson, person(map[string]any{"aliases": []any{strings.Repeat("x", 501)}}), "BAD_USER_INPUT", []string{`"entity.aliases[0]"`}},
		{"upsertEntity identifier", upsertPerson, person(map[string]any{"identifiers": []any{map[string]any{"scheme": "", "value": "Q1"}}}), "BAD_USER_INPUT", []string{`"entity.identifiers[0].scheme"`}},
		{"upsertEntity article url", upsertPerson, map[string]any{"e": map[string]any{"id": "a2", "kind": "ARTICLE", "name": "A", "title": "A", "url": "ftp://x"}}, "BAD_USER_INPUT", []string{`"entity.url"`}},
		{"upsertEntity article outlet", upsertPerson, map[string]any{"e": map[string]any{"id": "a2", "kind": "ARTICLE", "name": "A", "title": "A", "outlet": "han-dong"}}, "BAD_USER_INPUT", []string{`"entity.outlet"`}},
		{"upsertEntity kind change", upsertPerson, map[string]any{"e": map[string]any{"id": "han-dong", "kind": "COUNTRY", "name": "Han Dong"}}, "CONFLICT", []string{`"han-dong"`}},
		{"upsertRelationship unknown from", upsertRel, rel(map[string]any{"from": "ghost"}), "NOT_FOUND", []string{"relationship.from", "ghost"}},
		{"upsertRelationship wrong kind", upsertRel, rel(map[string]any{"to": "canada"}), "BAD_USER_INPUT", []string{`"relationship.to"`}},
		{"upsertRelationship self loop", upsertRel, rel(map[string]any{"to": "han-dong"}), "BAD_USER_INPUT", []string{`"relationship.to"`}},
		{"upsertRelationship until before since", upsertRel, rel(map[string]any{"since": "2020", "until": "2019"}), "BAD_USER_INPUT", []string{`"relationship.until"`}},
		{"upsertRelationship bad since", upsertRel, rel(map[string]any{"since": "soon"}), "BAD_USER_INPUT", []string{`"relationship.since"`}},
		{"upsertRelationship evidence not an article", upsertRel, rel(map[string]any{"evidence": []any{map[string]any{"article": "bbc"}}}), "BAD_USER_INPUT", []string{`"relationship.evidence[0].article"`}},
		{"upsertRelationship evidence confidence", upsertRel, rel(map[string]any{"evidence": []any{map[string]any{"article": "article", "confidence": 1.5}}}), "BAD_USER_INPUT", []string{`"relationship.evidence[0].confidence"`}},
		{"addEvidence unknown relationship", addEv, map[string]any{"id": "rel-ghost", "ev": map[string]any{"article": "article"}}, "NOT_FOUND", []string{`"rel-ghost"`}},
		{"addEvidence empty relationship", addEv, map[string]any{"id": "", "ev": map[string]any{"article": "article"}}, "BAD_USER_INPUT", []string{`"evidence.relationship"`}},
		{"addEvidence unknown article", addEv, map[string]any{"id": relID, "ev": map[string]any{"article": "ghost"}}, "NOT_FOUND", []string{"evidence.article", "ghost"}},
		{"addEvidence confidence", addEv, map[string]any{"id": relID, "ev": map[string]any{"article": "article", "confidence": -0.1}}, "BAD_USER_INPUT", []string{`"evidence.confidence"`}},
		{"ingestDossier not JSON", `mutation { ingestDossier(dossier: "{") { created } }`, nil, "BAD_USER_INPUT", nil},
		{"ingestDossier invalid", `mutation($d: String!) { ingestDossier(dossier: $d) { created } }`, map[string]any{"d": `{"article": {"key": "a"}, "entities": [{"key": "x", "kind": "NOPE"}]}`}, "BAD_USER_INPUT", []string{"$."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			before := e.counts()
			got := e.fails(tt.query, tt.vars, tt.code, tt.want...)
			if tt.code == "BAD_USER_INPUT" && got.Extensions["problems"] == nil {
				t.Errorf("no extensions.problems in %+v", got)
			}
			if after := e.counts(); !cmp.Equal(before, after) {
				t.Errorf("a rejected request wrote: before %+v, after %+v", before, after)
			}
		})
	}
}

// TestMutationAtomic checks that a mutation with one bad part writes none
// of its good parts.
func TestMutationAtomic(t *testing.T) {
	e := newEnv(t, true)
	before := e.counts()
	e.fails(`mutation { upsertRelationship(relationship: {type: MEMBER_OF, from: "han-dong", to: "conservative-party",
	  evidence: [{article: "article", quote: "fine"}, {article: "ghost", quote: "bad"}]}) { id } }`, nil, "NOT_FOUND", "ghost")
	if after := e.counts(); !cmp.Equal(before, after) {
		t.Fatalf("counts changed: %+v → %+v", before, after)
	}
	var got struct{ Relationship *struct{ ID string } }
	e.ok(fmt.Sprintf(`{ relationship(id: %q) { id } }`, kg.RelationshipID(kg.MemberOf, "han-dong", "conservative-party", "")), nil, &got)
	if got.Relationship != nil {
		t.Errorf("the relationship was written: %+v", got.Relationship)
	}
}

func TestInternalErrorsDoNotLeak(t *testing.T) {
	e := newEnv(t, true)
	e.store.failSearch = errSecret
	got := e.fails(`{ search(query: "dong") { totalCount } }`, nil, "INTERNAL")
	if got.Message != "internal error" || strings.Contains(fmt.Sprint(got), "secret") {
		t.Errorf("internal error leaks: %+v", got)
	}
	if !strings.Contains(e.logs.String(), "secret/path") {
		t.Errorf("the real error was not logged: %s", e.logs.String())
	}
}

func TestUnavailable(t *testing.T) {
	e := newEnv(t, true)
	e.store.failSearch = kg.Unavailable("search", fmt.Errorf("dial tcp 10.0.0.7:7687: connection refused"))
	got := e.fails(`{ search(query: "dong") { totalCount } }`, nil, "UNAVAILABLE")
	if strings.Contains(got.Message, "10.0.0.7") {
		t.Errorf("unavailable error leaks the cause: %q", got.Message)
	}
}

func TestComplexityAndDepthLimits(t *testing.T) {
	e := newEnv(t, true)
	e.fails(`{ search(query: "dong", first: 500) { edges { node { relationships(first: 500) { edges { node {
	  from { relationships(first: 500) { totalCount } } } } } } } } }`, nil, "COMPLEXITY_LIMIT_EXCEEDED")
	e.fails(`{ entity(id: "han-dong") { relationships(first: 1) { edges { node { from { relationships(first: 1) { edges { node { from {
	  relationships(first: 1) { edges { node { from { relationships(first: 1) { edges { node { id } } } } } } } } } } } } } } } } }`, nil, "DEPTH_LIMIT_EXCEEDED", "above the limit of 15")
	// A realistic page query passes.
	var ok struct{ Network struct{ Truncated bool } }
	e.ok(`{ network(seeds: ["han-dong"], depth: 2, limit: 500) { truncated nodes { id name kind }
	  edges { id type role since until from { id } to { id } evidence { quote confidence article { id title url } } } } }`, nil, &ok)
}

// TestNoNPlusOne builds a network of a few hundred nodes whose edges carry
// evidence from many articles, and checks the whole response costs a
// handful of store reads.
// TestEvidenceArticlesWithoutText: evidence articles and relationship ends
// are read without the articles' text (kg.Store.EntityHeads); asking for
// an article's text reads it whole.
func TestEvidenceArticlesWithoutText(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	long := strings.Repeat("A long article. ", 200)
	b := kg.Batch{
		Entities: []kg.Entity{
			{ID: "p-x", Kind: kg.Person, Name: "X"},
			{ID: "o-x", Kind: kg.Organization, Name: "Party X", Classification: kg.Party},
			{ID: "a-x", Kind: kg.Article, Name: "a-x", Title: "On X", Text: long},
		},
		Relationships: []kg.Relationship{{ID: "r-x", Type: kg.MemberOf, From: "p-x", To: "o-x",
			Evidence: []kg.Evidence{{Article: "a-x", Quote: "q", Confidence: 1}}}},
	}
	if err := e.svc.Apply(ctx, "test", &b, kg.BatchPaths{}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Relationship struct {
			Evidence []struct {
				Article struct {
					Title string
					Text  *string
				}
			}
		}
	}
	e.store.reset()
	e.ok(`{ relationship(id: "r-x") { evidence { article { title } } } }`, nil, &got)
	if got.Relationship.Evidence[0].Article.Title != "On X" {
		t.Fatalf("evidence article = %+v", got.Relationship.Evidence)
	}
	if n := e.store.whole.Load(); n != 0 {
		t.Errorf("a query without the text read %d articles whole", n)
	}
	e.store.reset()
	e.ok(`{ relationship(id: "r-x") { evidence { article { title text } } } }`, nil, &got)
	if a := got.Relationship.Evidence[0].Article; a.Text == nil || *a.Text != long {
		t.Errorf("the evidence article's text = %v, want the whole text", a.Text)
	}
	if n := e.store.whole.Load(); n != 1 {
		t.Errorf("asking for the text read articles whole %d times, want once", n)
	}
}

func TestNoNPlusOne(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	var b kg.Batch
	b.Entities = append(b.Entities,
		kg.Entity{ID: "hub", Kind: kg.Person, Name: "Hub"},
		kg.Entity{ID: "outlet", Kind: kg.Organization, Name: "Outlet", Classification: kg.MediaOutlet})
	const n = 300
	for i := range n {
		org := fmt.Sprintf("org-%03d", i)
		art := fmt.Sprintf("art-%03d", i)
		b.Entities = append(b.Entities,
			kg.Entity{ID: org, Kind: kg.Organization, Name: "Org " + org, Classification: kg.Party},
			kg.Entity{ID: art, Kind: kg.Article, Name: art, Title: "Article " + art, Outlet: "outlet"})
		b.Relationships = append(b.Relationships, kg.Relationship{Type: kg.MemberOf, From: "hub", To: org,
			Evidence: []kg.Evidence{{Article: art, Quote: "q", Confidence: 1}}})
	}
	if err := e.svc.Apply(ctx, "test", &b, kg.BatchPaths{}); err != nil {
		t.Fatal(err)
	}
	e.store.reset()
	var got struct {
		Network struct {
			Nodes []struct{ ID string }
			Edges []struct {
				From, To struct{ Name string }
				Evidence []struct {
					Article struct {
						Title  string
						Outlet struct{ Name string }
					}
				}
			}
		}
	}
	e.ok(`{ network(seeds: ["hub"], types: [MEMBER_OF], limit: 1000) { nodes { id }
	  edges { from { name } to { name } evidence { article { title outlet { name } } } } } }`, nil, &got)
	if len(got.Network.Nodes) != n+1 || len(got.Network.Edges) != n {
		t.Fatalf("network has %d nodes, %d edges", len(got.Network.Nodes), len(got.Network.Edges))
	}
	for _, edge := range got.Network.Edges {
		if edge.From.Name != "Hub" || edge.Evidence[0].Article.Outlet.Name != "Outlet" {
			t.Fatalf("bad edge %+v", edge)
		}
	}
	// Service checks the seeds (1), the evidence articles are loaded in one
	// batch (1), and their outlet (1). Anything near n would be N+1.
	if reads := e.store.reads(); reads > 3 {
		t.Errorf("%d store reads for a network of %d nodes (entities %d, relationships %d, lists %d); want a handful",
			reads, n, e.store.entities.Load(), e.store.relationships.Load(), e.store.lists.Load())
	}
}

// TestOverHTTP runs queries through a real HTTP server on loopback: POST
// and GET transports, GraphiQL and its vendored assets, health, and the
// body limit.
func TestOverHTTP(t *testing.T) {
	e := newEnv(t, true, func(o *server.Options) { o.MaxBodyBytes = 64 << 10 })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(e.handler)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	defer srv.Close()

	resp, err := http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(`{"query":"{ entity(id: \"han-dong\") { name } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	r := decode(t, resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(r.Data), "Han Dong") {
		t.Errorf("POST: %s %+v", r.Data, r.Errors)
	}
	resp, err = http.Get(srv.URL + "/graphql?query=" + strings.ReplaceAll(`{stats{entities}}`, " ", "%20"))
	if err != nil {
		t.Fatal(err)
	}
	r = decode(t, resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(r.Data), "entities") {
		t.Errorf("GET: %s %+v", r.Data, r.Errors)
	}
	for path, want := range map[string]string{
		"/graphiql":                             "graphiql.min.js",
		"/graphiql/graphiql.min.css":            ".graphiql-container",
		"/graphiql/react.production.min.js":     "React",
		"/graphiql/react-dom.production.min.js": "react-dom",
		"/healthz":                              "ok",
	} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body := new(strings.Builder)
		_, _ = io_Copy(body, resp)
		if resp.StatusCode != 200 || !strings.Contains(body.String(), want) {
			t.Errorf("GET %s: %d, body lacks %q", path, resp.StatusCode, want)
		}
	}
	big := `{"query":"{ stats { entities } }","variables":{"pad":"` + strings.Repeat("x", 70<<10) + `"}}`
	resp, err = http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: status %d, want 413", resp.StatusCode)
	}
}

// TestResolvedFieldsThroughFragmentsAndAliases: ends and evidence articles
// are resolved where the list is, also when the query asks for them only
// through a fragment or under an alias, and a nested page costs one store
// read for its ends, not one per relationship.
func TestResolvedFieldsThroughFragmentsAndAliases(t *testing.T) {
	e := newEnv(t, true)
	type rel struct {
		From, To struct{ ID, Name string }
		Evidence []struct {
			Quote   *string
			Article struct{ Title string }
		}
	}
	var got struct {
		Entity struct {
			Relationships struct {
				A []struct{ Node rel }
				B []struct{ Node rel }
			}
		}
	}
	e.store.reset()
	e.ok(`{ entity(id: "han-dong") { ... on Person { relationships(direction: OUT, first: 5) {
	  a: edges { node { ...Ends } }
	  b: edges { node { ... on Relationship { evidence { quote article { title } } } } } } } } }
	  fragment Ends on Relationship { from { id } to { id name } }`, nil, &got)
	a, b := got.Entity.Relationships.A, got.Entity.Relationships.B
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("edges: %d under a, %d under b", len(a), len(b))
	}
	for i := range a {
		if a[i].Node.From.ID != "han-dong" || a[i].Node.To.ID == "" || a[i].Node.To.Name == "" {
			t.Errorf("a[%d] ends not resolved: %+v", i, a[i].Node)
		}
		if len(b[i].Node.Evidence) == 0 {
			t.Errorf("b[%d] has no evidence", i)
		}
		for _, ev := range b[i].Node.Evidence {
			if ev.Article.Title == "" {
				t.Errorf("b[%d] evidence article not resolved: %+v", i, ev)
			}
		}
	}
	// The entity (1), its page (1), the page's ends and articles (1).
	if reads := e.store.reads(); reads > 3 {
		t.Errorf("%d store reads (entities %d, lists %d); want at most 3", reads, e.store.entities.Load(), e.store.lists.Load())
	}
}
