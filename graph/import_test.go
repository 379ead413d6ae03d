package graph_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/export"
	"github.com/polgraph/polgraph/internal/kg"
)

const importGraph = `mutation($dump: String!) { importGraph(dump: $dump) { entities relationships } }`

func dumpOf(t *testing.T, ents []kg.Entity, rels []kg.Relationship) string {
	t.Helper()
	var b bytes.Buffer
	if err := export.WriteDump(&b, ents, rels); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var importEntities = []kg.Entity{
	{ID: "o-party", Kind: kg.Organization, Name: "A Party", Classification: kg.Party, Aliases: []string{"AP"}},
	{ID: "o-paper", Kind: kg.Organization, Name: "A Paper", Classification: kg.MediaOutlet},
	{ID: "p-one", Kind: kg.Person, Name: "Person One", Identifiers: []kg.Identifier{{Scheme: "wikidata", Value: "Q1"}}},
	{ID: "a-one", Kind: kg.Article, Name: "An article", Title: "An article", Outlet: "o-paper", Text: "Person One joined A Party."},
}

var importRelationships = []kg.Relationship{
	{ID: "r-one-party", Type: kg.MemberOf, From: "p-one", To: "o-party", Role: "member",
		Evidence: []kg.Evidence{{Article: "a-one", Quote: "joined A Party", Confidence: 0.8}}},
}

// importGraph writes a batch of the polgraph format for an admin only, as
// one write: a bad line fails the whole batch, with nothing written.
func TestImportGraph(t *testing.T) {
	e := newEnv(t, false)
	admin := e.key("root", kg.RoleAdmin)
	editor := e.key("alice", kg.RoleEditor)
	dump := dumpOf(t, importEntities, importRelationships)
	vars := map[string]any{"dump": dump}

	e.failsAs("", importGraph, vars, "UNAUTHENTICATED")
	e.failsAs(editor, importGraph, vars, "FORBIDDEN")
	if c := e.counts(); c.Entities+c.Relationships != 0 {
		t.Fatalf("a refused import wrote %+v", c)
	}

	t.Run("BadBatchWritesNothing", func(t *testing.T) {
		bad := append([]kg.Entity(nil), importEntities...)
		bad = append(bad, kg.Entity{ID: "p-bad", Kind: kg.Person, Name: "bad\x00name"})
		err := e.failsAs(admin, importGraph, map[string]any{"dump": dumpOf(t, bad, importRelationships)}, "BAD_USER_INPUT")
		if !strings.Contains(err.Message, "dump line 5.entity.name") {
			t.Errorf("the error does not name the line and field: %q", err.Message)
		}
		missing := []kg.Relationship{importRelationships[0], {ID: "r-nowhere", Type: kg.MemberOf, From: "p-one", To: "o-missing"}}
		e.failsAs(admin, importGraph, map[string]any{"dump": dumpOf(t, importEntities, missing)}, "NOT_FOUND")
		truncated := strings.TrimSuffix(dump, "\n")
		truncated = truncated[:strings.LastIndex(truncated, "\n")+1] // no end line
		e.failsAs(admin, importGraph, map[string]any{"dump": truncated}, "BAD_USER_INPUT")
		e.failsAs(admin, importGraph, map[string]any{"dump": "not the format\n"}, "BAD_USER_INPUT")
		if c := e.counts(); c.Entities+c.Relationships != 0 {
			t.Fatalf("a failed import wrote %+v", c)
		}
	})

	var got struct {
		ImportGraph struct{ Entities, Relationships int }
	}
	e.okAs(admin, importGraph, vars, &got)
	if got.ImportGraph.Entities != 4 || got.ImportGraph.Relationships != 1 {
		t.Errorf("importGraph = %+v", got.ImportGraph)
	}
	ents, err := e.store.Entities(context.Background(), []string{"o-party", "o-paper", "p-one", "a-one"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range importEntities {
		if d := cmp.Diff(want, ents[want.ID]); d != "" {
			t.Errorf("entity %s as stored (-sent +stored):\n%s", want.ID, d)
		}
	}
	rels, err := e.store.Relationships(context.Background(), []string{"r-one-party"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(importRelationships[0], rels["r-one-party"]); d != "" {
		t.Errorf("relationship as stored (-sent +stored):\n%s", d)
	}
	rec := lastWrite(t, e)
	if rec.Actor != "root" || rec.Op != "importGraph" || len(rec.Entities) != 4 || len(rec.Relationships) != 1 {
		t.Errorf("audit record = %s by %s, %d entities, %d relationships", rec.Op, rec.Actor, len(rec.Entities), len(rec.Relationships))
	}
	// Again: nothing changes, nothing more is recorded.
	writes := e.writes()
	e.okAs(admin, importGraph, vars, nil)
	if c := e.counts(); c.Entities != 4 || c.Relationships != 1 || e.writes() != writes {
		t.Errorf("after importing twice: %+v, %d writes recorded (was %d)", c, e.writes(), writes)
	}
}
