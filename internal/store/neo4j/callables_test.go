package neo4j

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// lintCallablesFile holds the procedures and functions of Neo4j 5.26 in the
// form the Cypher lint's schema takes (@neo4j-cypher/language-support's
// Neo4jProcedure / Neo4jFunction), so that the lint rejects a misspelt or
// absent procedure or function. It is written from the real server by
// TestLintCallablesMatchServer with POLGRAPH_UPDATE_LINT=1.
const lintCallablesFile = "../../../tools/cypherlint/neo4j-5.26-callables.json"

type lintCallables struct {
	Procedures map[string]map[string]any `json:"procedures"`
	Functions  map[string]map[string]any `json:"functions"`
}

func loadLintCallables(t *testing.T) lintCallables {
	t.Helper()
	data, err := os.ReadFile(lintCallablesFile)
	if err != nil {
		t.Fatal(err)
	}
	var c lintCallables
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatalf("%s: %v", lintCallablesFile, err)
	}
	if len(c.Procedures) == 0 || len(c.Functions) == 0 {
		t.Fatalf("%s lists no procedures or no functions", lintCallablesFile)
	}
	return c
}

// TestLintCallablesMatchServer: the lint's list of procedures and functions
// is the test server's own (SHOW PROCEDURES / SHOW FUNCTIONS), so the lint
// checks statements against what the Neo4j that CI runs really has.
func TestLintCallablesMatchServer(t *testing.T) {
	cfg := serverConfig(t)
	s := emptyStore(t, cfg)
	defer s.Close()
	ctx := context.Background()
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(ctx)
	query := func(text string) []map[string]any {
		res, err := sess.Run(ctx, text, nil)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var rows []map[string]any
		for _, r := range recs {
			rows = append(rows, r.AsMap())
		}
		return rows
	}
	got := lintCallables{Procedures: map[string]map[string]any{}, Functions: map[string]map[string]any{}}
	for _, p := range query(`SHOW PROCEDURES YIELD name, description, mode, worksOnSystem, argumentDescription, returnDescription, signature, admin, option, deprecatedBy`) {
		if p["deprecatedBy"] == nil {
			delete(p, "deprecatedBy")
		}
		got.Procedures[p["name"].(string)] = p
	}
	for _, f := range query(`SHOW FUNCTIONS YIELD name, category, description, isBuiltIn, argumentDescription, returnDescription, signature, aggregating, isDeprecated, deprecatedBy`) {
		if f["deprecatedBy"] == nil {
			delete(f, "deprecatedBy")
		}
		got.Functions[f["name"].(string)] = f
	}
	data, err := json.MarshalIndent(got, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	if os.Getenv("POLGRAPH_UPDATE_LINT") == "1" {
		if err := os.WriteFile(lintCallablesFile, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(lintCallablesFile)
	if err != nil {
		t.Fatal(err)
	}
	// Compare as values: the committed file's key order is json's.
	var a, b any
	if err := json.Unmarshal(old, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Errorf("%s differs from the server's procedures and functions: regenerate it with POLGRAPH_UPDATE_LINT=1 go test -run TestLintCallablesMatchServer ./internal/store/neo4j/", lintCallablesFile)
	}
}
