package graph_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/server"
)

// TestProvenance: a dataset as a source through the API. Dataset evidence
// and entity sources are written with the ordinary mutations, read back
// with Evidence.dataset and Entity.sources, listed by Dataset.asserts and
// Query.relationships(source:), and retractDataset withdraws them, keeping
// and flagging what it leaves unsupported when asked; an admin reverts it.
func TestProvenance(t *testing.T) {
	e := newEnv(t, true, func(o *server.Options) { o.Auth = server.Auth{AnonymousWrites: server.AnonymousWritesWithoutKeys} })
	reader, editor, admin := e.key("rita", kg.RoleReader), e.key("ed", kg.RoleEditor), e.key("ada", kg.RoleAdmin)
	ctx := context.Background()

	e.okAs(editor, `mutation { upsertEntity(entity: {id: "ds-ep", kind: DATASET, name: "EveryPolitician: Canada",
		url: "https://everypolitician.org/canada/", publisher: "mySociety", licence: "CC0-1.0", retrieved: "2026-01-02",
		attributes: [{name: "format", value: "popolo"}]}) { id } }`, nil, nil)
	e.okAs(editor, `mutation { upsertEntity(entity: {id: "jane-doe", kind: PERSON, name: "Jane Doe", deathDate: "2090", gender: "female",
		attributes: [{name: "email", value: "jane@example.org"}],
		sources: [{dataset: "ds-ep", record: "person/jane", file: "ep.json", imported: "2026-01-02T03:04:05Z"}]}) { id } }`, nil, nil)
	var up struct{ UpsertRelationship struct{ ID string } }
	e.okAs(editor, `mutation { upsertRelationship(relationship: {type: MEMBER_OF, from: "jane-doe", to: "liberal-party", role: "member",
		attributes: [{name: "area", value: "Ottawa"}],
		evidence: [{dataset: "ds-ep", record: "membership/jane", file: "ep.json", imported: "2026-01-02T03:04:05Z"}]}) { id } }`, nil, &up)
	relID := up.UpsertRelationship.ID
	// The same record again, imported later: nothing changes.
	writes := e.writes()
	e.okAs(editor, `mutation($id: ID!) { addEvidence(relationship: $id, evidence: {dataset: "ds-ep", record: "membership/jane", file: "ep.json", imported: "2026-03-01T00:00:00Z"}) { id } }`,
		map[string]any{"id": relID}, nil)
	if e.writes() != writes {
		t.Error("re-adding the same dataset record wrote something")
	}
	// Dataset evidence needs its record, and names the field.
	e.failsAs(editor, `mutation($id: ID!) { addEvidence(relationship: $id, evidence: {dataset: "ds-ep"}) { id } }`, map[string]any{"id": relID}, "BAD_USER_INPUT")

	var got struct {
		Dataset struct {
			Publisher, Licence, Retrieved, URL string
			Attributes                         []struct{ Name, Value string }
			Asserts                            struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						ID          string
						Unsupported bool
						Sources     int
						Attributes  []struct{ Name, Value string }
						Evidence    []struct {
							Article  *struct{ ID string }
							Dataset  *struct{ ID, Name string }
							Record   string
							File     string
							Imported string
						}
					}
				}
			}
			Entities struct {
				TotalCount int
				Edges      []struct{ Node struct{ ID string } }
			}
		}
		Entity struct {
			DeathDate, Gender string
			Attributes        []struct{ Name, Value string }
			Sources           []struct {
				Dataset          struct{ ID string }
				Record, Imported string
				File             *string
			}
		}
	}
	e.okAs(reader, `query { dataset(id: "ds-ep") { publisher licence retrieved url attributes { name value }
		asserts { totalCount edges { node { id unsupported sources attributes { name value }
			evidence { article { id } dataset { id name } record file imported } } } }
		entities(kind: PERSON) { totalCount edges { node { id } } } }
		entity(id: "jane-doe") { ... on Person { deathDate gender attributes { name value } sources { dataset { id } record file imported } } } }`, nil, &got)
	ds := got.Dataset
	if ds.Publisher != "mySociety" || ds.Licence != "CC0-1.0" || ds.Retrieved != "2026-01-02" || ds.URL != "https://everypolitician.org/canada/" || len(ds.Attributes) != 1 {
		t.Errorf("dataset = %+v", ds)
	}
	if ds.Asserts.TotalCount != 1 || len(ds.Asserts.Edges) != 1 {
		t.Fatalf("asserts = %+v", ds.Asserts)
	}
	n := ds.Asserts.Edges[0].Node
	if n.ID != relID || n.Unsupported || n.Sources != 1 || len(n.Attributes) != 1 || n.Attributes[0].Value != "Ottawa" || len(n.Evidence) != 1 {
		t.Errorf("asserted relationship = %+v", n)
	}
	if ev := n.Evidence[0]; ev.Article != nil || ev.Dataset == nil || ev.Dataset.Name != "EveryPolitician: Canada" ||
		ev.Record != "membership/jane" || ev.File != "ep.json" || ev.Imported != "2026-01-02T03:04:05Z" {
		t.Errorf("evidence = %+v", ev)
	}
	if ds.Entities.TotalCount != 1 || ds.Entities.Edges[0].Node.ID != "jane-doe" {
		t.Errorf("entities = %+v", ds.Entities)
	}
	if p := got.Entity; p.DeathDate != "2090" || p.Gender != "female" || len(p.Attributes) != 1 || len(p.Sources) != 1 ||
		p.Sources[0].Dataset.ID != "ds-ep" || p.Sources[0].Record != "person/jane" || p.Sources[0].File == nil || p.Sources[0].Imported != "2026-01-02T03:04:05Z" {
		t.Errorf("person = %+v", p)
	}

	// Query.relationships by source, and its argument check.
	var bySource struct{ Relationships struct{ TotalCount int } }
	e.okAs(reader, `query { relationships(source: "ds-ep") { totalCount } }`, nil, &bySource)
	if bySource.Relationships.TotalCount != 1 {
		t.Errorf("relationships(source: ds-ep) = %+v", bySource)
	}
	e.failsAs(reader, `query { relationships { totalCount } }`, nil, "BAD_USER_INPUT")
	e.failsAs(reader, `query { relationships(source: "nope") { totalCount } }`, nil, "NOT_FOUND")

	// retractDataset: editor only, a dataset only, audited.
	const retract = `mutation($d: ID!, $keep: Boolean) { retractDataset(dataset: $d, keepUnsupported: $keep) {
		deletedRelationships unsupportedRelationships { id unsupported sources } } }`
	e.failsAs(reader, retract, map[string]any{"d": "ds-ep"}, "FORBIDDEN")
	e.failsAs(editor, retract, map[string]any{"d": "article"}, "BAD_USER_INPUT")
	e.failsAs(editor, retract, map[string]any{"d": "nope"}, "NOT_FOUND")
	var rd struct {
		RetractDataset struct {
			DeletedRelationships     []string
			UnsupportedRelationships []struct {
				ID          string
				Unsupported bool
				Sources     int
			}
		}
	}
	e.okAs(editor, retract, map[string]any{"d": "ds-ep", "keep": true}, &rd)
	if r := rd.RetractDataset; len(r.DeletedRelationships) != 0 || len(r.UnsupportedRelationships) != 1 ||
		r.UnsupportedRelationships[0].ID != relID || !r.UnsupportedRelationships[0].Unsupported || r.UnsupportedRelationships[0].Sources != 0 {
		t.Errorf("retractDataset = %+v", r)
	}
	rec := lastWrite(t, e)
	if rec.Actor != "ed" || rec.Op != "retractDataset" {
		t.Errorf("retractDataset recorded as %s by %s", rec.Op, rec.Actor)
	}
	var flagged struct {
		Relationships struct {
			TotalCount int
			Edges      []struct{ Node struct{ ID string } }
		}
	}
	e.okAs(reader, `query { relationships(unsupported: true) { totalCount edges { node { id } } } }`, nil, &flagged)
	if flagged.Relationships.TotalCount != 1 || flagged.Relationships.Edges[0].Node.ID != relID {
		t.Errorf("relationships(unsupported: true) = %+v", flagged)
	}
	// An admin undoes it: the evidence is back, the flag gone.
	e.okAs(admin, `mutation($id: ID!) { revertWrite(id: $id) { id } }`, map[string]any{"id": rec.ID}, nil)
	r, err := e.svc.Relationship(ctx, relID)
	if err != nil || r.Unsupported || len(r.Evidence) != 1 || r.Evidence[0].Dataset != "ds-ep" {
		t.Errorf("after the revert: %+v (%v)", r, err)
	}
	// Without keepUnsupported the relationship goes.
	e.okAs(editor, retract, map[string]any{"d": "ds-ep"}, &rd)
	if r := rd.RetractDataset; len(r.DeletedRelationships) != 1 || r.DeletedRelationships[0] != relID {
		t.Errorf("retractDataset without keepUnsupported = %+v", r)
	}
	// removeDatasetEvidence on a fresh piece.
	e.okAs(editor, `mutation { upsertRelationship(relationship: {type: MEMBER_OF, from: "jane-doe", to: "liberal-party", role: "member",
		evidence: [{dataset: "ds-ep", record: "m/2"}, {article: "article", quote: "Jane"}]}) { id } }`, nil, &up)
	var rm struct {
		RemoveDatasetEvidence struct{ Sources int }
	}
	e.okAs(editor, `mutation($r: ID!) { removeDatasetEvidence(relationship: $r, dataset: "ds-ep", record: "m/2") { sources } }`, map[string]any{"r": up.UpsertRelationship.ID}, &rm)
	if rm.RemoveDatasetEvidence.Sources != 1 {
		t.Errorf("removeDatasetEvidence = %+v", rm)
	}
	e.failsAs(editor, `mutation($r: ID!) { removeDatasetEvidence(relationship: $r, dataset: "ds-ep", record: "m/2") { sources } }`, map[string]any{"r": up.UpsertRelationship.ID}, "NOT_FOUND")
}

// The README's provenance examples (section "Provenance: dataset sources"
// and "Curation"), verbatim: TestReadmeProvenance runs them.
const (
	readmeDatasetUpsert = `mutation {
  upsertEntity(entity: {id: "ds-ep-ca", kind: DATASET, name: "EveryPolitician: Canada",
    url: "https://everypolitician.org/canada/", publisher: "mySociety", licence: "CC0-1.0", retrieved: "2026-01-02"}) { id }
}`
	readmeDatasetQuery = `{
  dataset(id: "ds-ep-ca") {
    name publisher licence retrieved
    asserts(first: 20) {
      totalCount
      edges { node { type from { name } to { name } evidence { record file imported dataset { name } article { title } } } }
    }
    entities(kind: PERSON, first: 20) { totalCount edges { node { id name sources { record imported } } } }
  }
  relationships(source: "ds-ep-ca", types: [MEMBER_OF]) { totalCount }
}`
	readmeRetractDataset = `mutation {
  retractDataset(dataset: "ds-ep-ca", keepUnsupported: true) {
    deletedRelationships
    unsupportedRelationships { id type unsupported from { name } to { name } }
  }
}`
	readmeUnsupported = `{ relationships(unsupported: true, first: 50) { totalCount edges { node { id type from { name } to { name } } } } }`
)

func TestReadmeProvenance(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{readmeDatasetUpsert, readmeDatasetQuery, readmeRetractDataset, readmeUnsupported} {
		if !strings.Contains(string(readme), "```graphql\n"+q+"\n```") {
			t.Errorf("README.md does not show this query verbatim:\n%s", q)
		}
	}
	e := newEnv(t, true)
	var sink map[string]any
	e.ok(readmeDatasetUpsert, nil, &sink)
	// Han Dong's seat in the House, also asserted by the dataset.
	var seat struct {
		Entity struct {
			Relationships struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	e.ok(`{ entity(id: "han-dong") { relationships(direction: OUT, types: [MEMBER_OF], asOf: "2023-04-01") { edges { node { id } } } } }`, nil, &seat)
	if len(seat.Entity.Relationships.Edges) != 1 {
		t.Fatalf("seat: %+v", seat)
	}
	id := seat.Entity.Relationships.Edges[0].Node.ID
	e.ok(`mutation($id: ID!) { addEvidence(relationship: $id, evidence: {dataset: "ds-ep-ca", record: "membership/123",
    file: "ep-popolo-v1.0.json", imported: "2026-01-02T10:00:00Z"}) { id sources } }`, map[string]any{"id": id}, &sink)
	e.ok(`mutation { upsertEntity(entity: {id: "mp-x", kind: PERSON, name: "An MP", sources: [{dataset: "ds-ep-ca", record: "person/x"}]}) { id } }`, nil, &sink)
	var got struct {
		Dataset struct {
			Asserts  struct{ TotalCount int }
			Entities struct{ TotalCount int }
		}
		Relationships struct{ TotalCount int }
	}
	e.ok(readmeDatasetQuery, nil, &got)
	if got.Dataset.Asserts.TotalCount != 1 || got.Dataset.Entities.TotalCount != 1 || got.Relationships.TotalCount != 1 {
		t.Errorf("README dataset query = %+v", got)
	}
	var rd struct {
		RetractDataset struct{ UnsupportedRelationships []struct{ ID string } }
	}
	e.ok(readmeRetractDataset, nil, &rd)
	if len(rd.RetractDataset.UnsupportedRelationships) != 0 {
		t.Errorf("the seat keeps the article's evidence, yet: %+v", rd)
	}
	var un struct{ Relationships struct{ TotalCount int } }
	e.ok(readmeUnsupported, nil, &un)
	if un.Relationships.TotalCount != 0 {
		t.Errorf("unsupported = %+v", un)
	}
}
