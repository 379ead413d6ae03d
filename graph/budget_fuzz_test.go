package graph

import (
	"os"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// FuzzDocumentBudget: the budget scanner never panics, never calls a
// document the parser accepts unreadable (so no parseable document slips
// past the budget), and a document it lets through and the parser accepts
// is within the limits when counted on the parsed tree.
func FuzzDocumentBudget(f *testing.F) {
	intro, err := os.ReadFile("testdata/introspection.graphql")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(intro))
	for _, s := range []string{
		`{ entity(id: "han-dong") { name ... on Person { birthDate } } }`,
		`query Q($id: ID! = "x", $t: [RelationshipType!] @d) @op { a: entity(id: $id) { ...F } } fragment F on Entity { id __typename }`,
		`mutation { upsertEntity(entity: {id: "x", kind: PERSON, name: "X", aliases: ["a", "b"]}) { id } }`,
		`{ network(seeds: ["a"], types: [MEMBER_OF], asOf: "2019") { nodes { id } edges { from { id } } } }`,
		`subscription S { x }`,
		`{ a: __typename b: __typename }`,
		`{ ...on Query { __typename } ... @include(if: true) { __typename } }`,
		`# comment
		{ x(a: """block
		string""", b: -1.5e3, c: null, d: {e: [1, 2, {f: $v}]}) }`,
		`{`, `}`, `{ a(: 1) }`, `fragment on on Query { a }`, `query { }`,
	} {
		f.Add(s)
	}
	lim := DocumentLimits{MaxTokens: 2000, MaxAliases: 20, MaxSelections: 200, MaxDepth: 15, MaxFragmentSpreads: 50, MaxIntrospection: 1, Introspection: true}
	f.Fuzz(func(t *testing.T, q string) {
		s := &docScanner{lim: lim, frags: map[string]*shape{}}
		s.lx = newLexer(q)
		s.document()
		doc, perr := parser.ParseQuery(&ast.Source{Input: q})
		if perr != nil || s.err != nil {
			return
		}
		if s.syntax {
			t.Fatalf("the parser reads %q but the budget scanner does not", q)
		}
		if gerr := CheckDocument(q, lim); gerr != nil {
			return
		}
		frags := map[string]*ast.FragmentDefinition{}
		for _, fd := range doc.Fragments {
			frags[fd.Name] = fd
		}
		for _, op := range doc.Operations {
			var c treeCounts
			c.walk(op.SelectionSet, frags, 1, 0)
			if !c.cyclic && c.aliases > lim.MaxAliases || c.fields > lim.MaxSelections || c.depth > lim.MaxDepth || c.introspection > lim.MaxIntrospection {
				t.Fatalf("%q passed the budget but counts %+v", q, c)
			}
		}
	})
}

// treeCounts counts a parsed operation; a fragment cycle (which validation
// rejects before anything runs) makes it cyclic and the counts moot.
type treeCounts struct {
	fields, aliases, depth, introspection int
	cyclic                                bool
	path                                  []string
}

func (c *treeCounts) walk(set ast.SelectionSet, frags map[string]*ast.FragmentDefinition, level, guard int) {
	if guard > 64 || c.fields > 1<<20 || c.cyclic {
		return
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			c.fields++
			if s.Alias != "" && s.Alias != s.Name {
				c.aliases++
			}
			if s.Name == "__schema" || s.Name == "__type" {
				c.introspection++
			}
			c.depth = max(c.depth, level)
			c.walk(s.SelectionSet, frags, level+1, guard+1)
		case *ast.InlineFragment:
			c.walk(s.SelectionSet, frags, level, guard+1)
		case *ast.FragmentSpread:
			for _, p := range c.path {
				if p == s.Name {
					c.cyclic = true
					return
				}
			}
			if fd := frags[s.Name]; fd != nil {
				c.path = append(c.path, s.Name)
				c.walk(fd.SelectionSet, frags, level, guard+1)
				c.path = c.path[:len(c.path)-1]
			}
		}
	}
}

func TestBudgetReadsWhatTheParserReads(t *testing.T) {
	// An alias equal to its name still counts as an alias for the budget.
	if err := CheckDocument("{"+strings.Repeat(" a: a", 30)+" }", DocumentLimits{MaxTokens: 1000, MaxAliases: 20, MaxSelections: 100, MaxDepth: 5, MaxFragmentSpreads: 5, MaxIntrospection: 1}); err == nil || err.Extensions["code"] != CodeAliasLimit {
		t.Errorf("30 aliases a: a passed a limit of 20: %v", err)
	}
}
