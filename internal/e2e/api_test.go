package e2e_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/polgraph/polgraph/internal/kg"
)

// The API's arguments over HTTP on the demo: asOf, search, paths, network,
// pagination and error codes.

func TestAsOf(t *testing.T) {
	c := demoServer(t)
	const q = `query($asOf: Date) {
	  entity(id: "han-dong") {
	    relationships(direction: OUT, types: [MEMBER_OF], asOf: $asOf) { totalCount edges { node { to { id } } } }
	  }
	  network(seeds: ["han-dong"], types: [MEMBER_OF], asOf: $asOf) { nodes { id } }
	}`
	for _, tc := range []struct {
		asOf string
		want []string // what Han Dong is a member of
	}{
		{"2022-01-01", []string{"house-of-commons", "liberal-party"}}, // a Liberal MP
		{"2019", []string{"house-of-commons", "liberal-party"}},       // elected in 2019
		{"2023-03", []string{"house-of-commons", "liberal-party"}},    // left in March 2023
		{"2023-03-23", []string{"house-of-commons"}},                  // the day after he left
		{"2023-04-01", []string{"house-of-commons"}},                  // an independent
		{"2018-12-31", []string{"liberal-party"}},                     // not yet in the House; the membership's start is unknown
	} {
		t.Run(tc.asOf, func(t *testing.T) {
			var d struct {
				Entity struct {
					Relationships relConnection `json:"relationships"`
				} `json:"entity"`
				Network struct {
					Nodes []ref `json:"nodes"`
				} `json:"network"`
			}
			c.with(t).query(q, map[string]any{"asOf": tc.asOf}, &d)
			var got []string
			for _, r := range d.Entity.Relationships.nodes() {
				got = append(got, r.To.ID)
			}
			if diff := cmp.Diff(tc.want, sorted(got)); diff != "" || d.Entity.Relationships.TotalCount != len(tc.want) {
				t.Errorf("MEMBER_OF as of %s (totalCount %d) (-want +got):\n%s", tc.asOf, d.Entity.Relationships.TotalCount, diff)
			}
			netWant := append([]string{"han-dong"}, tc.want...)
			if diff := cmp.Diff(sorted(netWant), sorted(ids(d.Network.Nodes))); diff != "" {
				t.Errorf("network as of %s (-want +got):\n%s", tc.asOf, diff)
			}
		})
	}
}

func TestSearch(t *testing.T) {
	c := demoServer(t)
	const q = `query($q: String!, $kinds: [EntityKind!]) {
	  search(query: $q, kinds: $kinds) { totalCount edges { cursor score node { id kind name } } }
	}`
	for _, tc := range []struct {
		query string
		kinds []string
		want  string // the best hit
	}{
		{"dong", nil, "han-dong"},
		{"Wanzhou", nil, "meng-wanzhou"},
		{"Trudaeu", nil, "justin-trudeau"}, // a typo
		{"HAN DONG", nil, "han-dong"},
		{"mèng wánzhōu", nil, "meng-wanzhou"}, // accents
		{"MENG", []string{"PERSON"}, "meng-wanzhou"},
		{"trud", nil, "justin-trudeau"}, // a prefix
		{"Beijing", nil, "china"},       // an alias
		{"globe", []string{"ORGANIZATION"}, "globe-and-mail"},
		{"consulate toronto", []string{"ORGANIZATION"}, "chinese-consulate-toronto"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			var d struct {
				Search entityConnection `json:"search"`
			}
			c.with(t).query(q, map[string]any{"q": tc.query, "kinds": tc.kinds}, &d)
			got := d.Search.ids()
			if len(got) == 0 || got[0] != tc.want {
				t.Fatalf("search(%q) = %q, want %s first", tc.query, got, tc.want)
			}
			last := 0.0
			for i, e := range d.Search.Edges {
				if e.Score == nil {
					t.Errorf("hit %s has no score", e.Node.ID)
					continue
				}
				if i > 0 && *e.Score > last {
					t.Errorf("hits not ranked: %s scores %v after %v", e.Node.ID, *e.Score, last)
				}
				last = *e.Score
				if tc.kinds != nil && !slices.Contains(tc.kinds, e.Node.Kind) {
					t.Errorf("kinds %q let through %s (%s)", tc.kinds, e.Node.ID, e.Node.Kind)
				}
			}
			if d.Search.TotalCount < len(got) {
				t.Errorf("totalCount %d < %d hits", d.Search.TotalCount, len(got))
			}
		})
	}
}

// allButMentions is every relationship type except MENTIONS, so paths go
// through what the article says rather than through the article itself.
var allButMentions = []string{
	"MEMBER_OF", "LEADS", "HOLDS_POSITION", "PART_OF", "REPRESENTS", "WORKS_FOR", "SPOKESPERSON_FOR",
	"ACCUSED_IN", "INVOLVED_IN", "REPORTED_BY", "DENIED", "PUBLISHED_BY", "CITES",
	"PARTICIPATED_IN", "STATED", "ABOUT", "CITIZEN_OF",
}

type path struct {
	Length int            `json:"length"`
	Nodes  []ref          `json:"nodes"`
	Edges  []relationship `json:"edges"`
}

func TestPaths(t *testing.T) {
	c := demoServer(t)
	text := articleText(c)
	const q = `query($types: [RelationshipType!], $maxLength: Int) {
	  paths(from: "han-dong", to: "meng-wanzhou", types: $types, maxLength: $maxLength, first: 50) {
	    length nodes { id name } edges { ` + relFields + ` }
	  }
	}`
	for _, tc := range []struct {
		name      string
		types     []string
		maxLength int
		want      [][]string // the nodes of every path, in order
	}{
		{"through the article", nil, 0, [][]string{{"han-dong", articleID, "meng-wanzhou"}}},
		{"without MENTIONS", allButMentions, 6, [][]string{{"han-dong", "house-of-commons", "canada", "han-dong-bbc:meng-arrest", "meng-wanzhou"}}},
		{"without MENTIONS, too short", allButMentions, 3, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]any{"types": tc.types}
			if tc.maxLength > 0 {
				vars["maxLength"] = tc.maxLength
			}
			var d struct {
				Paths []path `json:"paths"`
			}
			c.with(t).query(q, vars, &d)
			var got [][]string
			for i, p := range d.Paths {
				got = append(got, ids(p.Nodes))
				if p.Length != len(p.Edges) || len(p.Nodes) != len(p.Edges)+1 {
					t.Errorf("path %d: length %d, %d nodes, %d edges", i, p.Length, len(p.Nodes), len(p.Edges))
					continue
				}
				if i > 0 && p.Length < d.Paths[i-1].Length {
					t.Errorf("path %d (length %d) after a longer one (%d): not shortest first", i, p.Length, d.Paths[i-1].Length)
				}
				for j, e := range p.Edges {
					a, b := p.Nodes[j].ID, p.Nodes[j+1].ID
					if !(e.From.ID == a && e.To.ID == b) && !(e.From.ID == b && e.To.ID == a) {
						t.Errorf("path %d edge %d (%s %s %s) does not join %s and %s", i, j, e.From.ID, e.Type, e.To.ID, a, b)
					}
					if tc.types != nil && !slices.Contains(tc.types, e.Type) {
						t.Errorf("path %d edge %d is a %s, outside the types asked for", i, j, e.Type)
					}
					checkEvidence(t, e, text, "")
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
		})
	}
}

type subgraph struct {
	Nodes     []ref          `json:"nodes"`
	Edges     []relationship `json:"edges"`
	Truncated bool           `json:"truncated"`
}

func TestNetwork(t *testing.T) {
	c := demoServer(t)
	text := articleText(c)
	const q = `query($seeds: [ID!]!, $depth: Int, $types: [RelationshipType!], $limit: Int) {
	  network(seeds: $seeds, depth: $depth, types: $types, limit: $limit) {
	    truncated nodes { id name } edges { ` + relFields + ` }
	  }
	}`
	// Han Dong's neighbours: everything he touches, the article included.
	var hop1 struct {
		Entity struct {
			Relationships relConnection `json:"relationships"`
		} `json:"entity"`
	}
	c.query(`{ entity(id: "han-dong") { relationships(first: 500) { edges { node { from { id } to { id } } } } } }`, nil, &hop1)
	neighbours := map[string]bool{}
	for _, r := range hop1.Entity.Relationships.nodes() {
		neighbours[r.From.ID], neighbours[r.To.ID] = true, true
	}
	delete(neighbours, "han-dong")

	for _, tc := range []struct {
		name      string
		vars      map[string]any
		wantNodes []string // exactly these, seeds first; nil to check only the shape
		wantEdges []string // "from TYPE to", exactly these
		truncated bool
		check     func(t *testing.T, g subgraph)
	}{
		{
			name:      "depth 2, party, legislature and state",
			vars:      map[string]any{"seeds": []string{"han-dong"}, "depth": 2, "types": []string{"MEMBER_OF", "LEADS", "PART_OF"}},
			wantNodes: []string{"han-dong", "canada", "house-of-commons", "justin-trudeau", "liberal-party"},
			wantEdges: []string{
				"han-dong MEMBER_OF house-of-commons", "han-dong MEMBER_OF liberal-party",
				"house-of-commons PART_OF canada", "justin-trudeau LEADS liberal-party",
			},
		},
		{
			name: "depth 1, every type",
			vars: map[string]any{"seeds": []string{"han-dong"}},
			check: func(t *testing.T, g subgraph) {
				got := map[string]bool{}
				for _, n := range g.Nodes[1:] {
					got[n.ID] = true
				}
				if diff := cmp.Diff(neighbours, got); diff != "" {
					t.Errorf("depth 1 is not Han Dong's neighbours (-want +got):\n%s", diff)
				}
			},
		},
		{
			name:      "depth 2 truncated by limit",
			vars:      map[string]any{"seeds": []string{"han-dong"}, "depth": 2, "limit": 3},
			truncated: true,
			check: func(t *testing.T, g subgraph) {
				if len(g.Nodes) != 3 {
					t.Errorf("%d nodes, want the limit, 3", len(g.Nodes))
				}
				for _, n := range g.Nodes[1:] {
					if !neighbours[n.ID] {
						t.Errorf("%s is not a neighbour of Han Dong: breadth first should fill the limit from hop 1", n.ID)
					}
				}
			},
		},
		{
			name:      "two seeds",
			vars:      map[string]any{"seeds": []string{"han-tao", "wang-wenbin"}, "types": []string{"HOLDS_POSITION", "SPOKESPERSON_FOR"}},
			wantNodes: []string{"han-tao", "wang-wenbin", "china-mfa", "chinese-consulate-toronto"},
			wantEdges: []string{"han-tao HOLDS_POSITION chinese-consulate-toronto", "wang-wenbin SPOKESPERSON_FOR china-mfa"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d struct {
				Network subgraph `json:"network"`
			}
			c.with(t).query(q, tc.vars, &d)
			g := d.Network
			seeds := tc.vars["seeds"].([]string)
			if len(g.Nodes) < len(seeds) || !slices.Equal(ids(g.Nodes[:len(seeds)]), seeds) {
				t.Fatalf("nodes %q do not start with the seeds %q", ids(g.Nodes), seeds)
			}
			if g.Truncated != tc.truncated {
				t.Errorf("truncated = %v, want %v", g.Truncated, tc.truncated)
			}
			in := map[string]bool{}
			for _, n := range g.Nodes {
				if in[n.ID] {
					t.Errorf("node %s twice", n.ID)
				}
				in[n.ID] = true
			}
			var edges []string
			for _, e := range g.Edges {
				edges = append(edges, e.From.ID+" "+e.Type+" "+e.To.ID)
				if !in[e.From.ID] || !in[e.To.ID] {
					t.Errorf("edge %s %s %s leaves the subgraph", e.From.ID, e.Type, e.To.ID)
				}
				if types, ok := tc.vars["types"].([]string); ok && !slices.Contains(types, e.Type) {
					t.Errorf("edge %s %s %s is outside the types asked for", e.From.ID, e.Type, e.To.ID)
				}
				checkEvidence(t, e, text, "")
			}
			if tc.wantNodes != nil {
				got := ids(g.Nodes)
				if diff := cmp.Diff(tc.wantNodes[:len(seeds)], got[:len(seeds)]); diff != "" {
					t.Errorf("seeds (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(sorted(tc.wantNodes), sorted(got)); diff != "" {
					t.Errorf("nodes (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(sorted(tc.wantEdges), sorted(edges)); diff != "" {
					t.Errorf("edges (-want +got):\n%s", diff)
				}
			}
			if tc.check != nil {
				tc.check(t, g)
			}
		})
	}
}

// relPage is one page of Han Dong's relationships.
const relPage = `query($first: Int, $after: String) {
  entity(id: "han-dong") {
    relationships(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id type from { id } to { id } } }
    }
  }
}`

// walk pages through Han Dong's relationships first at a time, and
// returns the ids in order. before runs before each page after the first.
func walk(t *testing.T, c *client, first int, before func(page int)) []string {
	t.Helper()
	var got []string
	var after any
	for page := 0; ; page++ {
		if page > 100 {
			t.Fatal("more than 100 pages: the cursor does not advance")
		}
		if page > 0 && before != nil {
			before(page)
		}
		var d struct {
			Entity struct {
				Relationships relConnection `json:"relationships"`
			} `json:"entity"`
		}
		c.query(relPage, map[string]any{"first": first, "after": after}, &d)
		conn := d.Entity.Relationships
		if len(conn.Edges) > first {
			t.Errorf("page %d: %d edges, more than first (%d)", page, len(conn.Edges), first)
		}
		if conn.PageInfo.HasPreviousPage != (page > 0) {
			t.Errorf("page %d: hasPreviousPage = %v", page, conn.PageInfo.HasPreviousPage)
		}
		for _, e := range conn.Edges {
			got = append(got, e.Node.ID)
		}
		if n := len(conn.Edges); n > 0 {
			if str(conn.PageInfo.StartCursor) != conn.Edges[0].Cursor || str(conn.PageInfo.EndCursor) != conn.Edges[n-1].Cursor {
				t.Errorf("page %d: pageInfo cursors %q..%q, edges %q..%q", page, str(conn.PageInfo.StartCursor), str(conn.PageInfo.EndCursor), conn.Edges[0].Cursor, conn.Edges[n-1].Cursor)
			}
		}
		if !conn.PageInfo.HasNextPage {
			return got
		}
		if len(conn.Edges) == 0 {
			t.Fatalf("page %d: empty, yet hasNextPage", page)
		}
		after = str(conn.PageInfo.EndCursor)
	}
}

func TestRelationshipPagination(t *testing.T) {
	c := demoServer(t)
	var all struct {
		Entity struct {
			Relationships relConnection `json:"relationships"`
		} `json:"entity"`
	}
	c.query(relPage, map[string]any{"first": 500}, &all)
	want := all.Entity.Relationships
	// Every relationship of Han Dong the checklist names, at least.
	if want.TotalCount != len(want.Edges) || want.TotalCount < 12 {
		t.Fatalf("all of Han Dong's relationships: totalCount %d, %d edges; want them all, at least 12", want.TotalCount, len(want.Edges))
	}
	wantIDs := make([]string, len(want.Edges))
	for i, e := range want.Edges {
		wantIDs[i] = e.Node.ID
	}
	if !slices.IsSorted(wantIDs) {
		t.Errorf("relationships not in id order: %q", wantIDs)
	}
	for _, first := range []int{1, 5, 11, want.TotalCount} {
		t.Run(fmt.Sprint("first=", first), func(t *testing.T) {
			got := walk(t, c.with(t), first, nil)
			if diff := cmp.Diff(wantIDs, got); diff != "" {
				t.Errorf("walk (-want +got):\n%s", diff)
			}
		})
	}

	// The cursor is a keyset: relationships inserted before and after it
	// while walking neither repeat nor skip the others.
	t.Run("stable under inserts", func(t *testing.T) {
		if c.external {
			t.Skip("writes to the graph; not against " + externalEnv)
		}
		c := c.with(t)
		inserted := map[string]bool{}
		got := walk(t, c, 4, func(page int) {
			for _, id := range []string{"aaa-e2e-first", "zzz-e2e-last"} {
				id := fmt.Sprintf("%s-%d", id, page)
				var d struct {
					UpsertRelationship relationship `json:"upsertRelationship"`
				}
				c.query(`mutation($id: ID!) {
				  upsertRelationship(relationship: {id: $id, type: MENTIONS, from: "article", to: "han-dong",
				    evidence: [{article: "article", quote: "Han Dong"}]}) { id }
				}`, map[string]any{"id": id}, &d)
				if d.UpsertRelationship.ID != id {
					t.Fatalf("upsertRelationship returned %q, want %q", d.UpsertRelationship.ID, id)
				}
				inserted[id] = true
			}
		})
		var old []string
		seen := map[string]bool{}
		for _, id := range got {
			if seen[id] {
				t.Errorf("%s twice", id)
			}
			seen[id] = true
			if !inserted[id] {
				old = append(old, id)
			}
		}
		if diff := cmp.Diff(wantIDs, old); diff != "" {
			t.Errorf("the relationships there before the walk (-want +got):\n%s", diff)
		}
		for id := range inserted {
			if strings.HasPrefix(id, "zzz") && !seen[id] {
				t.Errorf("%s, inserted after the cursor, was not reached", id)
			}
		}
	})
}

func TestErrorCodes(t *testing.T) {
	c := demoServer(t)
	for _, tc := range []struct {
		name  string
		query string
		vars  map[string]any
		code  string
		arg   string // the argument BAD_USER_INPUT names
		id    string // the id NOT_FOUND names
	}{
		{name: "first -1", query: `{ entity(id: "han-dong") { relationships(first: -1) { totalCount } } }`, code: "BAD_USER_INPUT", arg: "first"},
		{name: "first above the cap", query: `{ search(query: "dong", first: 100000) { totalCount } }`, code: "BAD_USER_INPUT", arg: "first"},
		{name: "depth 99", query: `{ network(seeds: ["han-dong"], depth: 99) { truncated } }`, code: "BAD_USER_INPUT", arg: "depth"},
		{name: "asOf 2019-13", query: `{ entity(id: "han-dong") { relationships(asOf: "2019-13") { totalCount } } }`, code: "BAD_USER_INPUT", arg: "asOf"},
		{name: "asOf 2019-13 in a variable", query: `query($d: Date) { network(seeds: ["han-dong"], asOf: $d) { truncated } }`, vars: map[string]any{"d": "2019-13"}, code: "BAD_USER_INPUT", arg: "asOf"},
		{name: "bad cursor", query: `{ entity(id: "han-dong") { relationships(after: "not a cursor") { totalCount } } }`, code: "BAD_USER_INPUT", arg: "after"},
		{name: "network unknown seed", query: `{ network(seeds: ["han-dong", "no-such-person"]) { truncated } }`, code: "NOT_FOUND", id: "no-such-person"},
		{name: "paths unknown end", query: `{ paths(from: "han-dong", to: "no-such-person") { length } }`, code: "NOT_FOUND", id: "no-such-person"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := c.with(t).post(tc.query, tc.vars)
			if len(errs) != 1 {
				t.Fatalf("%d errors, want 1: %+v", len(errs), errs)
			}
			e := errs[0]
			if e.Extensions.Code != tc.code {
				t.Errorf("extensions.code = %q, want %q (%s)", e.Extensions.Code, tc.code, e.Message)
			}
			if tc.arg != "" {
				if !slices.ContainsFunc(e.Extensions.Problems, func(p kg.Problem) bool { return p.Path == tc.arg }) {
					t.Errorf("extensions.problems %+v do not name the argument %q", e.Extensions.Problems, tc.arg)
				}
				if !strings.Contains(e.Message, `"`+tc.arg+`"`) {
					t.Errorf("message %q does not name the argument %q", e.Message, tc.arg)
				}
			}
			if tc.id != "" && (e.Extensions.ID != tc.id || !strings.Contains(e.Message, tc.id)) {
				t.Errorf("extensions.id = %q, message %q; want both to name %q", e.Extensions.ID, e.Message, tc.id)
			}
		})
	}
}
