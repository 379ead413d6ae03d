package graph_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/polgraph/polgraph/internal/kg"
)

// TestInputHygiene sends the inputs of issue 8 that used to be stored as
// they came, and checks each is rejected naming the field, with nothing
// written.
func TestInputHygiene(t *testing.T) {
	e := newEnv(t, true)
	mb := strings.Repeat("x", 1<<20)
	entity := func(m map[string]any) map[string]any {
		out := map[string]any{"id": "p1", "kind": "PERSON", "name": "P One"}
		for k, v := range m {
			out[k] = v
		}
		return map[string]any{"e": out}
	}
	art := func(m map[string]any) map[string]any {
		m2 := map[string]any{"kind": "ARTICLE", "id": "a9", "name": "A", "title": "A"}
		for k, v := range m {
			m2[k] = v
		}
		return entity(m2)
	}
	const upsertRel = `mutation($r: RelationshipInput!) { upsertRelationship(relationship: $r) { id } }`
	rel := func(m map[string]any) map[string]any {
		out := map[string]any{"type": "MEMBER_OF", "from": "han-dong", "to": "liberal-party"}
		for k, v := range m {
			out[k] = v
		}
		return map[string]any{"r": out}
	}
	tests := []struct {
		name, query string
		vars        map[string]any
		code, field string
	}{
		{"NUL in a name", upsertPerson, entity(map[string]any{"name": "Han\x00Dong"}), "BAD_USER_INPUT", "entity.name"},
		{"control character in an alias", upsertPerson, entity(map[string]any{"aliases": []any{"P\x07"}}), "BAD_USER_INPUT", "entity.aliases[0]"},
		{"newline in a name", upsertPerson, entity(map[string]any{"name": "P\nOne"}), "BAD_USER_INPUT", "entity.name"},
		{"NUL in a description", upsertPerson, entity(map[string]any{"description": "a\x00"}), "BAD_USER_INPUT", "entity.description"},
		{"U+00A0 in an id", upsertPerson, entity(map[string]any{"id": "p\u00a01"}), "BAD_USER_INPUT", "entity.id"},
		{"U+200B in an id", upsertPerson, entity(map[string]any{"id": "p\u200b1"}), "BAD_USER_INPUT", "entity.id"},
		{"U+2028 in an id", upsertPerson, entity(map[string]any{"id": "p\u20281"}), "BAD_USER_INPUT", "entity.id"},
		{"U+0085 in an id", upsertPerson, entity(map[string]any{"id": "p\u00851"}), "BAD_USER_INPUT", "entity.id"},
		{"Date +019", upsertPerson, entity(map[string]any{"birthDate": "+019"}), "BAD_USER_INPUT", "entity.birthDate"},
		{"Date 2019-+1", upsertPerson, entity(map[string]any{"birthDate": "2019-+1"}), "BAD_USER_INPUT", "entity.birthDate"},
		{"Date 2019-02-30", upsertPerson, entity(map[string]any{"birthDate": "2019-02-30"}), "BAD_USER_INPUT", "entity.birthDate"},
		{"1 MB title", upsertPerson, art(map[string]any{"title": mb}), "BAD_USER_INPUT", "entity.title"},
		{"1 MB url", upsertPerson, art(map[string]any{"url": "https://example.org/" + mb}), "BAD_USER_INPUT", "entity.url"},
		{"1 MB event type", upsertPerson, entity(map[string]any{"kind": "EVENT", "eventType": mb}), "BAD_USER_INPUT", "entity.eventType"},
		{"1 MB identifier value", upsertPerson, entity(map[string]any{"identifiers": []any{map[string]any{"scheme": "wikidata", "value": mb}}}), "BAD_USER_INPUT", "entity.identifiers[0].value"},
		{"NUL in a role", upsertRel, rel(map[string]any{"role": "MP\x00"}), "BAD_USER_INPUT", "relationship.role"},
		{"NUL in a quote", upsertRel, rel(map[string]any{"evidence": []any{map[string]any{"article": "article", "quote": "q\x00"}}}), "BAD_USER_INPUT", "relationship.evidence[0].quote"},
		{"Date asOf +019", `{ network(seeds: ["han-dong"], asOf: "+019") { truncated } }`, nil, "BAD_USER_INPUT", "asOf"},
		{"articles outlet empty", `{ articles(outlet: "") { totalCount } }`, nil, "BAD_USER_INPUT", "outlet"},
		{"articles mentions empty", `{ articles(mentions: "") { totalCount } }`, nil, "BAD_USER_INPUT", "mentions"},
		{"allegations accused empty", `{ allegations(accused: "") { totalCount } }`, nil, "BAD_USER_INPUT", "accused"},
		{"articles unknown outlet", `{ articles(outlet: "ghost") { totalCount } }`, nil, "NOT_FOUND", "outlet"},
		{"allegations unknown accused", `{ allegations(accused: "ghost") { totalCount } }`, nil, "NOT_FOUND", "accused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			before := e.counts()
			got := e.fails(tt.query, tt.vars, tt.code)
			if !strings.Contains(got.Message, tt.field) {
				t.Errorf("message %q does not name %s", got.Message, tt.field)
			}
			if strings.Contains(got.Message, `"entity"`) && tt.field != "entity" || strings.Contains(got.Message, "list:") {
				t.Errorf("message %q names an internal operation or argument", got.Message)
			}
			if len(got.Message) > 1000 {
				t.Errorf("message is %d bytes: it echoes the input", len(got.Message))
			}
			if after := e.counts(); !cmp.Equal(before, after) {
				t.Errorf("a rejected request wrote: %+v → %+v", before, after)
			}
		})
	}
}

// TestConfidenceNull: confidence null is the documented default 1, as is
// an omitted one; 0 stays 0.
func TestConfidenceNull(t *testing.T) {
	e := newEnv(t, true)
	var got struct {
		UpsertRelationship struct {
			Evidence []struct {
				Quote      string
				Confidence float64
			}
		}
	}
	e.ok(`mutation { upsertRelationship(relationship: {type: MEMBER_OF, from: "han-dong", to: "conservative-party", evidence: [
	  {article: "article", quote: "null", confidence: null}, {article: "article", quote: "omitted"}, {article: "article", quote: "zero", confidence: 0}]})
	  { evidence { quote confidence } } }`, nil, &got)
	want := map[string]float64{"null": 1, "omitted": 1, "zero": 0}
	for _, ev := range got.UpsertRelationship.Evidence {
		if w, ok := want[ev.Quote]; ok && ev.Confidence != w {
			t.Errorf("confidence of %q = %v, want %v", ev.Quote, ev.Confidence, w)
		}
	}
	id := kg.RelationshipID(kg.MemberOf, "han-dong", "conservative-party", "")
	var add struct {
		AddEvidence struct {
			Evidence []struct {
				Quote      string
				Confidence float64
			}
		}
	}
	e.ok(`mutation($id: ID!) { addEvidence(relationship: $id, evidence: {article: "article", quote: "via variables", confidence: null}) { evidence { quote confidence } } }`,
		map[string]any{"id": id}, &add)
	for _, ev := range add.AddEvidence.Evidence {
		if ev.Quote == "via variables" && ev.Confidence != 1 {
			t.Errorf("addEvidence with confidence null stored %v", ev.Confidence)
		}
	}
}
