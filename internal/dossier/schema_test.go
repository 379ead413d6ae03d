package dossier_test

import (
	"encoding/json"
	"github.com/polgraph/polgraph/internal/testtool"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/examples"
	"github.com/polgraph/polgraph/internal/dossier"
	"github.com/polgraph/polgraph/internal/kg"
)

type schemaDoc struct {
	Schema     string                     `json:"$schema"`
	Properties map[string]json.RawMessage `json:"properties"`
	Defs       map[string]struct {
		Properties map[string]json.RawMessage `json:"properties"`
	} `json:"$defs"`
}

// The schema and the Go types must name the same fields, so that neither
// drifts from the other.
func TestSchemaMatchesTypes(t *testing.T) {
	var s schemaDoc
	if err := json.Unmarshal(dossier.Schema(), &s); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	if s.Schema != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %q, want draft 2020-12", s.Schema)
	}
	props := func(m map[string]json.RawMessage) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	fields := func(v any) []string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
		slices.Sort(out)
		return out
	}
	checks := map[string]any{
		"article": dossier.Article{}, "entity": dossier.Entity{}, "relationship": dossier.Relationship{},
		"link": dossier.Link{}, "allegation": dossier.Allegation{}, "event": dossier.Event{}, "statement": dossier.Statement{},
	}
	if diff := cmp.Diff(fields(dossier.Dossier{}), props(s.Properties)); diff != "" {
		t.Errorf("top level (-go +schema):\n%s", diff)
	}
	for def, v := range checks {
		if diff := cmp.Diff(fields(v), props(s.Defs[def].Properties)); diff != "" {
			t.Errorf("$defs/%s (-go +schema):\n%s", def, diff)
		}
	}
}

// The schema's relationship types are the vocabulary's, in its order.
func TestSchemaRelTypes(t *testing.T) {
	var s struct {
		Defs map[string]struct {
			Properties struct {
				Type struct {
					Enum []string `json:"enum"`
				} `json:"type"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(dossier.Schema(), &s); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, rt := range kg.RelTypes {
		want = append(want, string(rt))
	}
	if diff := cmp.Diff(want, s.Defs["relationship"].Properties.Type.Enum); diff != "" {
		t.Errorf("$defs/relationship.type (-kg.RelTypes +schema):\n%s", diff)
	}
}

// The demo validates against the schema, and a broken dossier does not,
// by an independent JSON Schema implementation (python3-jsonschema).
func TestSchemaValidatesDemo(t *testing.T) {
	py := testtool.Python(t, "jsonschema", "python3-jsonschema")
	dir := t.TempDir()
	schemaPath := filepath.Join(dir, "schema.json")
	if err := os.WriteFile(schemaPath, dossier.Schema(), 0o644); err != nil {
		t.Fatal(err)
	}
	const script = `
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
doc = json.load(open(sys.argv[2]))
errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
for e in errors:
    print("/".join(str(p) for p in e.absolute_path), e.message)
sys.exit(1 if errors else 0)
`
	validate := func(doc []byte) (string, bool) {
		p := filepath.Join(dir, "doc.json")
		if err := os.WriteFile(p, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(py, "-c", script, schemaPath, p).CombinedOutput()
		return string(out), err == nil
	}
	if out, ok := validate(examples.Demo()); !ok {
		t.Errorf("the demo does not validate against the schema:\n%s", out)
	}
	bad := `{"dossier": "d", "article": {"title": "T", "published": "March"}, "entities": [{"key": "a", "kind": "ROBOT", "name": "A", "x": 1}]}`
	out, ok := validate([]byte(bad))
	if ok {
		t.Errorf("the schema accepts an invalid dossier")
	}
	for _, want := range []string{"article/published", "entities/0/kind", "'x' was unexpected"} {
		if !strings.Contains(out, want) {
			t.Errorf("schema validation output lacks %q:\n%s", want, out)
		}
	}
}
