package neo4j

import (
	"bytes"
	"encoding/json"
	"github.com/polgraph/polgraph/internal/testtool"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

// paramSamples gives every statement parameter a value of the type the
// package sends, so that the lint type-checks the statements as they run.
var paramSamples = map[string]any{
	"rows":           []any{map[string]any{"id": "x", "props": map[string]any{"id": "x"}, "keys": []any{"k"}, "src": "a", "dst": "b", "source": "art", "rel": "r"}},
	"ids":            []any{"x"},
	"articles":       []any{"x"},
	"keys":           []any{map[string]any{"i": 0, "key": "k"}},
	"frontier":       []any{map[string]any{"i": 0, "id": "x"}},
	"lucene":         "+(dong^4 OR dong*^2 OR dong~1)",
	"kinds":          []any{"PERSON"},
	"types":          []any{"MEMBER_OF"},
	"after_id":       "",
	"after_score":    1.5,
	"after":          "",
	"limit":          10,
	"kind":           "PERSON",
	"status":         "",
	"link_entity":    "x",
	"link_type":      "MEMBER_OF",
	"direction":      "BOTH",
	"entity":         "x",
	"source":         "",
	"article":        "",
	"unsupported":    false,
	"at_lo":          0,
	"at_hi":          99991231,
	"min_sources":    0,
	"src":            "a",
	"dst":            "b",
	"seconds":        300,
	"max_candidates": 100000,
	"seen":           []any{"x"},
	"per_node":       51,
	"batch":          10000,
	"props":          map[string]any{"name": "alice", "role": "editor", "hash": "ab", "created": "2025-01-01T00:00:00Z", "created_by": "cli"},
	"name":           "alice",
	"hash":           "ab",
	"revoked":        "2025-01-01T00:00:00Z",
	"revoked_by":     "cli",
	"id":             "20250101T000000.000000000Z-00000000",
	"actor":          "alice",
	"data":           "{}",
	"subjects":       []any{"x"},
	"floor":          "",
	"names":          []any{"alice"},
	"hashes":         []any{"ab"},
	"key_rows":       []any{map[string]any{"name": "alice", "role": "editor", "hash": "ab", "created": "2025-01-01T00:00:00Z", "created_by": "cli"}},
	"min_score":      0.5,
	"has_after":      false,
	"after_b":        "",
	"pair":           "a\x00b",
	"a":              "a",
	"b":              "b",
	"verdict":        "SAME",
	"judged_by":      "alice",
	"judged_at":      "2025-01-01T00:00:00Z",
	"audit_rows":     []any{map[string]any{"id": "20250101T000000.000000000Z-00000000", "actor": "alice", "data": "{}", "subjects": []any{"x"}}},
}

type lintInput struct {
	Schema     lintSchema      `json:"schema"`
	Statements []lintStatement `json:"statements"`
}

type lintSchema struct {
	Labels            []string                  `json:"labels"`
	RelationshipTypes []string                  `json:"relationshipTypes"`
	PropertyKeys      []string                  `json:"propertyKeys"`
	Procedures        map[string]map[string]any `json:"procedures"`
	Functions         map[string]map[string]any `json:"functions"`
}

type lintStatement struct {
	Name   string         `json:"name"`
	Text   string         `json:"text"`
	Params map[string]any `json:"params"`
}

type lintOutput struct {
	Checked     []string `json:"checked"`
	Diagnostics []struct {
		Statement string `json:"statement"`
		Severity  string `json:"severity"`
		Message   string `json:"message"`
		Line      int    `json:"line"`
		Column    int    `json:"column"`
		Excerpt   string `json:"excerpt"`
	} `json:"diagnostics"`
}

// lintInputFor describes every registered statement and the schema they
// run against: the vocabulary's labels and types and the package's
// property keys.
func lintInputFor(t *testing.T) lintInput {
	callables := loadLintCallables(t)
	in := lintInput{Schema: lintSchema{
		Labels:            slices.Clone(internalLabels),
		RelationshipTypes: slices.Clone(internalRelTypes),
		PropertyKeys:      append(slices.Clone(propertyKeys), rowKeys...),
		Procedures:        callables.Procedures,
		Functions:         callables.Functions,
	}}
	for _, k := range kg.Kinds {
		in.Schema.Labels = append(in.Schema.Labels, k.Label())
	}
	for _, rt := range kg.RelTypes {
		in.Schema.RelationshipTypes = append(in.Schema.RelationshipTypes, string(rt))
	}
	for _, name := range statementNames() {
		st := registry[name]
		params := map[string]any{}
		for _, p := range st.Params {
			v, ok := paramSamples[p]
			if !ok {
				t.Fatalf("statement %s: parameter $%s has no sample value in paramSamples", name, p)
			}
			params[p] = v
		}
		in.Statements = append(in.Statements, lintStatement{Name: name, Text: st.Text, Params: params})
	}
	return in
}

// TestCypherLint runs Neo4j's Cypher front end over every statement and
// fails on any diagnostic: errors, warnings and deprecations alike.
func TestCypherLint(t *testing.T) {
	node, toolDir := lintTool(t)
	in := lintInputFor(t)
	out, runErr, stderr := runLint(t, node, toolDir, in)
	for _, d := range out.Diagnostics {
		t.Errorf("%s:%d:%d: %s: %s\n    %s", d.Statement, d.Line, d.Column, d.Severity, d.Message, d.Excerpt)
	}
	if runErr != nil && len(out.Diagnostics) == 0 {
		t.Errorf("cypherlint failed: %v\n%s", runErr, stderr)
	}
	want := statementNames()
	got := slices.Clone(out.Checked)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("the lint checked %d statements, the registry holds %d: a statement was not linted", len(got), len(want))
	}
	t.Logf("cypherlint: %d statements, %d diagnostics", len(out.Checked), len(out.Diagnostics))
}

// TestCypherLintCatches: the lint knows Neo4j 5.26's procedures and
// functions, so a misspelt one is a diagnostic, not a surprise on the
// server.
func TestCypherLintCatches(t *testing.T) {
	node, toolDir := lintTool(t)
	in := lintInputFor(t)
	in.Statements = []lintStatement{
		{Name: "misspelt_procedure", Text: "CALL db.index.fulltext.queryNode('entity_search', $q) YIELD node RETURN node", Params: map[string]any{"q": "x"}},
		{Name: "misspelt_function", Text: "MATCH (e:Entity) RETURN sise(e.aliases) AS n", Params: map[string]any{}},
		{Name: "correct", Text: "CALL db.index.fulltext.queryNodes('entity_search', $q) YIELD node RETURN size(node.aliases) AS n", Params: map[string]any{"q": "x"}},
	}
	out, _, stderr := runLint(t, node, toolDir, in)
	flagged := map[string]bool{}
	for _, d := range out.Diagnostics {
		flagged[d.Statement] = true
	}
	for name, want := range map[string]bool{"misspelt_procedure": true, "misspelt_function": true, "correct": false} {
		if flagged[name] != want {
			t.Errorf("lint flagged %s: %v, want %v\n%s", name, flagged[name], want, stderr)
		}
	}
}

// lintTool finds node and tools/cypherlint with its npm packages, or skips
// (fails in CI) naming what to install.
func lintTool(t *testing.T) (node, toolDir string) {
	t.Helper()
	toolDir, err := filepath.Abs("../../../tools/cypherlint")
	if err != nil {
		t.Fatal(err)
	}
	node = testtool.Need(t, "node", "apt-get install nodejs")
	if _, err := os.Stat(filepath.Join(toolDir, "node_modules", "@neo4j-cypher", "language-support")); err != nil {
		testtool.Missing(t, "the Cypher lint's npm packages", "cd tools/cypherlint && npm ci")
	}
	return node, toolDir
}

// runLint runs tools/cypherlint on in.
func runLint(t *testing.T, node, toolDir string, in lintInput) (out lintOutput, runErr error, stderrText string) {
	t.Helper()
	data, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "statements.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(toolDir, "lint.mjs"), file)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr = cmd.Run()
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("cypherlint output is not JSON (%v; run error %v):\n%s\n%s", err, runErr, stdout.String(), stderr.String())
	}
	return out, runErr, stderr.String()
}

// TestOnlyRegisteredCypher checks that the registry is the only way the
// package sends Cypher: the driver's Run and ExecuteQuery are called in one
// place, the function run, which looks its text up by name.
func TestOnlyRegisteredCypher(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	sent := map[string]bool{"Run": true, "ExecuteQuery": true}
	calls := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				var name string
				switch f := call.Fun.(type) {
				case *ast.SelectorExpr:
					name = f.Sel.Name
				case *ast.IndexExpr: // neo4j.ExecuteQuery[T]
					if sel, ok := f.X.(*ast.SelectorExpr); ok {
						name = sel.Sel.Name
					}
				}
				if !sent[name] {
					return true
				}
				calls++
				if fn.Name.Name != "run" {
					t.Errorf("%s: %s called in %s; Cypher may only be sent by run, from the registry", fset.Position(call.Pos()), name, fn.Name.Name)
				} else if len(call.Args) < 2 || types(call.Args[1]) != "st.Text" {
					t.Errorf("%s: run must send the registered statement's text (st.Text)", fset.Position(call.Pos()))
				}
				return true
			})
		}
	}
	if calls != 1 {
		t.Errorf("found %d calls that send Cypher, want exactly the one in run", calls)
	}
}

func types(e ast.Expr) string {
	if sel, ok := e.(*ast.SelectorExpr); ok {
		if id, ok := sel.X.(*ast.Ident); ok {
			return id.Name + "." + sel.Sel.Name
		}
	}
	return ""
}
