package dossier_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/examples"
	"github.com/polgraph/polgraph/internal/dossier"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/embedded"
)

// openService opens a fresh embedded store in a temporary directory.
func openService(t *testing.T) *kg.Service {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatalf("open embedded store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return kg.NewService(st, kg.DefaultLimits)
}

// snapshot is everything a store holds.
type snapshot struct {
	Entities      []kg.Entity
	Relationships []kg.Relationship
}

func takeSnapshot(t *testing.T, svc *kg.Service) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	if err := svc.Store().ScanEntities(ctx, func(e kg.Entity) error { s.Entities = append(s.Entities, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := svc.Store().ScanRelationships(ctx, func(r kg.Relationship) error { s.Relationships = append(s.Relationships, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return s
}

func ingestDemo(t *testing.T, svc *kg.Service) dossier.Result {
	t.Helper()
	res, err := dossier.Ingest(context.Background(), svc, examples.Demo())
	if err != nil {
		t.Fatalf("ingest demo: %v", err)
	}
	return res
}

func TestIngestDemoIsIdempotent(t *testing.T) {
	svc := openService(t)
	first := ingestDemo(t, svc)
	if first.Entities.Created == 0 || first.Relationships.Created == 0 || first.Entities.Updated+first.Relationships.Updated != 0 {
		t.Fatalf("first ingest: %+v", first)
	}
	before := takeSnapshot(t, svc)
	if len(before.Entities) != first.Entities.Created || len(before.Relationships) != first.Relationships.Created {
		t.Errorf("store holds %d entities and %d relationships; result says %+v", len(before.Entities), len(before.Relationships), first)
	}

	second := ingestDemo(t, svc)
	want := dossier.Tally{Unchanged: first.Entities.Created}
	if second.Entities != want {
		t.Errorf("second ingest entities = %+v, want %+v", second.Entities, want)
	}
	if want := (dossier.Tally{Unchanged: first.Relationships.Created}); second.Relationships != want {
		t.Errorf("second ingest relationships = %+v, want %+v", second.Relationships, want)
	}
	if second.Changed() {
		t.Errorf("second ingest reports changes")
	}
	if diff := cmp.Diff(before, takeSnapshot(t, svc)); diff != "" {
		t.Errorf("store changed on re-ingest (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(first.IDs, second.IDs); diff != "" {
		t.Errorf("ids changed on re-ingest:\n%s", diff)
	}
}

// trudeauDossier is a second article about Justin Trudeau, written as
// another curator would: other keys, the short name, its own allegation-1.
const trudeauDossier = `{
  "dossier": "trudeau-cbc",
  "article": {"title": "Trudeau faces questions", "url": "https://example.org/trudeau", "outlet": "cbc",
    "published": "2023-03-25",
    "text": "Prime Minister Trudeau, the leader of the Liberals, faced questions on Friday. Opposition MPs allege he ignored warnings."},
  "entities": [
    {"key": "pm", "kind": "PERSON", "name": "Trudeau", "description": "A different description.",
     "identifiers": [{"scheme": "wikidata", "value": "Q3099714"}]},
    {"key": "liberals", "kind": "ORGANIZATION", "name": "Liberals"},
    {"key": "cbc", "kind": "ORGANIZATION", "classification": "MEDIA_OUTLET", "name": "CBC"}
  ],
  "relationships": [
    {"from": "pm", "type": "LEADS", "to": "liberals", "role": "prime minister", "quote": "Prime Minister Trudeau, the leader of the Liberals", "confidence": 0.9}
  ],
  "allegations": [
    {"key": "allegation-1", "summary": "Trudeau ignored warnings.", "quote": "Opposition MPs allege he ignored warnings.",
     "accused": [{"key": "pm"}]}
  ]
}`

func TestSecondDossierAttachesToSameNode(t *testing.T) {
	ctx := context.Background()
	svc := openService(t)
	ingestDemo(t, svc)
	before, err := svc.Entity(ctx, "justin-trudeau")
	if err != nil {
		t.Fatal(err)
	}

	res, err := dossier.Ingest(ctx, svc, []byte(trudeauDossier))
	if err != nil {
		t.Fatalf("ingest second dossier: %v", err)
	}
	wantIDs := map[string]string{
		"pm":           "justin-trudeau", // by wikidata id (and "Trudeau" is not his stored name)
		"liberals":     "liberal-party",  // by kind and alias
		"cbc":          "cbc",            // new: its key
		"article":      "trudeau-cbc",    // new: the dossier id
		"allegation-1": "trudeau-cbc:allegation-1",
	}
	if diff := cmp.Diff(wantIDs, res.IDs); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"pm", "liberals"}, res.Matched); diff != "" {
		t.Errorf("matched (-want +got):\n%s", diff)
	}

	after, err := svc.Entity(ctx, "justin-trudeau")
	if err != nil {
		t.Fatal(err)
	}
	if after.Name != "Justin Trudeau" || after.Description != before.Description {
		t.Errorf("stored fields lost: name %q, description %q", after.Name, after.Description)
	}
	if !slices.Contains(after.Aliases, "Trudeau") || !slices.Contains(after.Aliases, "Mr Trudeau") {
		t.Errorf("aliases = %v, want the union with \"Trudeau\"", after.Aliases)
	}

	// The LEADS tie is one relationship with the evidence of both articles.
	id := kg.RelationshipID(kg.Leads, "justin-trudeau", "liberal-party", "Prime Minister")
	r, err := svc.Relationship(ctx, id)
	if err != nil {
		t.Fatalf("LEADS relationship: %v", err)
	}
	var articles []string
	for _, ev := range r.Evidence {
		articles = append(articles, ev.Article)
	}
	if diff := cmp.Diff([]string{"article", "trudeau-cbc"}, articles); diff != "" {
		t.Errorf("evidence articles (-want +got):\n%s", diff)
	}

	// The demo's allegation-1 is untouched by the other dossier's.
	a1, err := svc.Entity(ctx, "allegation-1")
	if err != nil || a1.Summary == "Trudeau ignored warnings." {
		t.Errorf("allegation-1 = %+v, %v", a1, err)
	}

	// Ingesting again, or the demo again, changes nothing.
	snap := takeSnapshot(t, svc)
	for _, data := range [][]byte{[]byte(trudeauDossier), examples.Demo()} {
		res, err := dossier.Ingest(ctx, svc, data)
		if err != nil || res.Changed() {
			t.Errorf("re-ingest: %+v, %v", res, err)
		}
	}
	if diff := cmp.Diff(snap, takeSnapshot(t, svc)); diff != "" {
		t.Errorf("store changed on re-ingest:\n%s", diff)
	}
}

func TestInvalidDossierWritesNothing(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		input string
		want  []want
	}{
		{
			name:  "parse problems",
			input: `{"dossier": "bad", "article": {"title": "T", "outlet": "nobody"}}`,
			want:  []want{{"$.article.outlet", `no entity with key "nobody"`}},
		},
		{
			// Only the graph knows that liberal-party is a party and
			// han-dong a person: these are found by Service.Apply and by
			// matching, and mapped back to the dossier's paths.
			name: "problems against the graph",
			input: `{"dossier": "bad", "article": {"title": "T", "outlet": "lib"},
				"entities": [
					{"key": "lib", "id": "liberal-party", "kind": "ORGANIZATION", "name": "Liberal Party of Canada"},
					{"key": "hd", "id": "han-dong", "kind": "ORGANIZATION", "name": "Han Dong Inc"},
					{"key": "x", "kind": "PERSON", "name": "Xavier"}],
				"relationships": [{"from": "x", "type": "MEMBER_OF", "to": "lib", "quote": "q"}]}`,
			want: []want{{"$.entities[1].id", `"han-dong" is a PERSON in the graph, not a ORGANIZATION`}},
		},
		{
			name: "classification from the graph",
			input: `{"dossier": "bad", "article": {"title": "T", "outlet": "lib"},
				"entities": [
					{"key": "lib", "id": "liberal-party", "kind": "ORGANIZATION", "name": "Liberal Party of Canada"},
					{"key": "other", "kind": "ARTICLE", "name": "Another article", "title": "Another article"}],
				"relationships": [{"from": "other", "type": "PUBLISHED_BY", "to": "lib", "quote": "q"}]}`,
			want: []want{
				{"$.article.outlet", `"liberal-party" is an organization classified "PARTY"`},
				{"$.relationships[0].to", `"liberal-party" is an organization classified "PARTY"`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := openService(t)
			ingestDemo(t, svc)
			before := takeSnapshot(t, svc)
			res, err := dossier.Ingest(ctx, svc, []byte(tt.input))
			checkProblems(t, err, tt.want)
			if res.Changed() {
				t.Errorf("result reports changes: %+v", res)
			}
			if diff := cmp.Diff(before, takeSnapshot(t, svc)); diff != "" {
				t.Errorf("store changed (-before +after):\n%s", diff)
			}
		})
	}
}

func TestIngestFiles(t *testing.T) {
	ctx := context.Background()
	svc := openService(t)
	files := []dossier.File{
		{Name: "demo.json", Data: examples.Demo()},
		{Name: "bad.json", Data: []byte(`{"dossier": "bad", "article": {"title": "T"}, "extra": 1}`)},
	}
	_, err := dossier.IngestFiles(ctx, svc, files)
	checkProblems(t, err, []want{{"bad.json:$.extra", "unknown field"}})
	if snap := takeSnapshot(t, svc); len(snap.Entities) != 0 {
		t.Fatalf("an invalid file let %d entities be written", len(snap.Entities))
	}

	files[1].Data = []byte(trudeauDossier)
	results, err := dossier.IngestFiles(ctx, svc, files)
	if err != nil {
		t.Fatalf("IngestFiles: %v", err)
	}
	if len(results) != 2 || results[1].IDs["pm"] != "justin-trudeau" {
		t.Errorf("results = %+v", results)
	}
}
