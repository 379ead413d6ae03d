package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/kg"
)

// The provenance cases: datasets as sources beside articles. Dataset
// evidence and entity sources are stored and read back whole, merge by
// (dataset, record) keeping the first import time (so re-importing changes
// nothing), are listed by dataset, and retracting a dataset takes its
// evidence off, deleting or flagging what it leaves unsupported.

var (
	imported1 = time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)
	imported2 = time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
)

// datasetBatch is an import of one dataset on top of the Fixture: the
// dataset, a person it is the only source of, Han Dong (also an article's)
// with a source record, ties with dataset evidence, one also an article's.
func datasetBatch(at time.Time) kg.Batch {
	d := kg.MustDate
	dsEv := func(record string) kg.Evidence {
		return kg.Evidence{Dataset: "ds-ep", Record: record, File: "ep-canada.json", Imported: at, Confidence: 1}
	}
	src := func(record string) []kg.Source {
		return []kg.Source{{Dataset: "ds-ep", Record: record, File: "ep-canada.json", Imported: at}}
	}
	dong := Fixture().Entities[0]
	dong.Sources = src("person/dong")
	b := kg.Batch{
		Entities: []kg.Entity{
			{ID: "ds-ep", Kind: kg.Dataset, Name: "EveryPolitician: Canada", URL: "https://everypolitician.org/canada/",
				Publisher: "mySociety", Licence: "CC0-1.0", Retrieved: d("2026-01-02"),
				Attributes: []kg.Attribute{{Name: "format", Value: "popolo"}}},
			dong,
			{ID: "p-jenny-kwan", Kind: kg.Person, Name: "Jenny Kwan", BirthDate: d("1966-06-17"), DeathDate: d("2099"), Gender: "female",
				Attributes: []kg.Attribute{{Name: "image", Value: "https://example.org/kwan.jpg"}, {Name: "email", Value: "jenny@example.org"}},
				Sources:    src("person/kwan")},
		},
		Relationships: []kg.Relationship{
			{ID: "r-kwan-commons", Type: kg.MemberOf, From: "p-jenny-kwan", To: "o-commons", Role: "MP", Since: d("2015-10-19"),
				Evidence: []kg.Evidence{dsEv("membership/kwan")}, Attributes: []kg.Attribute{{Name: "area", Value: "Vancouver East"}}},
			{ID: "r-kwan-dong", Type: kg.AssociateOf, From: "p-jenny-kwan", To: "p-han-dong", Evidence: []kg.Evidence{dsEv("assoc/1")}},
		},
		Evidence: []kg.EvidenceAdd{{Relationship: "r-dong-commons", Evidence: dsEv("membership/dong")}},
	}
	for i := range b.Entities {
		b.Entities[i].Normalize()
	}
	for i := range b.Relationships {
		b.Relationships[i].Normalize()
	}
	return b
}

func (s suite) testProvenance(t *testing.T) {
	ctx := context.Background()
	imported := func(t *testing.T) kg.Store {
		st := s.loaded(t)
		mustApply(t, st, datasetBatch(imported1))
		return st
	}

	t.Run("StoredAndReadBack", func(t *testing.T) {
		st := imported(t)
		b := datasetBatch(imported1)
		for _, want := range b.Entities {
			got, ok := entity(t, st, want.ID)
			if !ok {
				t.Fatalf("%s missing", want.ID)
			}
			if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
				t.Errorf("%s (-want +got):\n%s", want.ID, diff)
			}
		}
		for _, want := range b.Relationships {
			if diff := cmp.Diff(want, rel(t, st, want.ID), cmpOpts...); diff != "" {
				t.Errorf("%s (-want +got):\n%s", want.ID, diff)
			}
		}
		r := rel(t, st, "r-dong-commons")
		if len(r.Evidence) != 2 || r.Evidence[0].Article != "a-bbc" || r.Evidence[1] != b.Evidence[0].Evidence {
			t.Errorf("r-dong-commons evidence = %+v, want the article's then the dataset's", r.Evidence)
		}
		// What a scan and a snapshot read is the same.
		var scanned []kg.Relationship
		if err := st.Snapshot(ctx, func(v kg.View) error {
			return v.ScanRelationships(ctx, func(r kg.Relationship) error {
				if r.ID == "r-kwan-commons" {
					scanned = append(scanned, r)
				}
				return nil
			})
		}); err != nil {
			t.Fatal(err)
		}
		if len(scanned) != 1 || !cmp.Equal(scanned[0], b.Relationships[0], cmpOpts...) {
			t.Errorf("snapshot read %+v", scanned)
		}
	})

	t.Run("ReimportChangesNothing", func(t *testing.T) {
		st := imported(t)
		before := snap(t, st)
		n := len(auditLog(t, st, kg.AuditQuery{First: 100}))
		// The same records, imported again later: the first import time stays.
		mustApply(t, st, audited(datasetBatch(imported2), "importer", "importDataset"))
		if diff := cmp.Diff(before, snap(t, st), cmpOpts...); diff != "" {
			t.Errorf("re-import changed the store (-before +after):\n%s", diff)
		}
		if got := len(auditLog(t, st, kg.AuditQuery{First: 100})); got != n {
			t.Errorf("re-import wrote %d audit records, want none", got-n)
		}
	})

	t.Run("MergeIdentity", func(t *testing.T) {
		st := imported(t)
		// Another record of the same dataset adds a piece; the same record
		// with a new quote and confidence replaces those, keeping its file
		// and time.
		mustApply(t, st, kg.Batch{Evidence: []kg.EvidenceAdd{
			{Relationship: "r-kwan-commons", Evidence: kg.Evidence{Dataset: "ds-ep", Record: "membership/kwan-2", Imported: imported2, Confidence: 1}},
			{Relationship: "r-kwan-commons", Evidence: kg.Evidence{Dataset: "ds-ep", Record: "membership/kwan", Quote: "MP since 2015", File: "other.json", Imported: imported2, Confidence: 0.5}},
		}})
		got := rel(t, st, "r-kwan-commons").Evidence
		want := []kg.Evidence{
			{Dataset: "ds-ep", Record: "membership/kwan", Quote: "MP since 2015", File: "ep-canada.json", Imported: imported1, Confidence: 0.5},
			{Dataset: "ds-ep", Record: "membership/kwan-2", Imported: imported2, Confidence: 1},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("merged evidence (-want +got):\n%s", diff)
		}
		if n := (&kg.Relationship{Evidence: got}).Sources(); n != 1 {
			t.Errorf("Sources = %d, want 1 (one dataset)", n)
		}
	})

	t.Run("SourcesMerge", func(t *testing.T) {
		st := imported(t)
		// An upsert from another record (and a later import of the first)
		// keeps the union, each record's first time; one without sources
		// keeps what was stored.
		kwan, _ := entity(t, st, "p-jenny-kwan")
		kwan.Sources = []kg.Source{{Dataset: "ds-ep", Record: "person/kwan-alt", Imported: imported2}, {Dataset: "ds-ep", Record: "person/kwan", Imported: imported2}}
		plain := Fixture().Entities[0] // Han Dong as an article sees him
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{kwan, plain}})
		got, _ := entity(t, st, "p-jenny-kwan")
		want := []kg.Source{{Dataset: "ds-ep", Record: "person/kwan", File: "ep-canada.json", Imported: imported1}, {Dataset: "ds-ep", Record: "person/kwan-alt", Imported: imported2}}
		if diff := cmp.Diff(want, got.Sources); diff != "" {
			t.Errorf("sources (-want +got):\n%s", diff)
		}
		dong, _ := entity(t, st, "p-han-dong")
		if len(dong.Sources) != 1 || dong.Sources[0].Record != "person/dong" {
			t.Errorf("Han Dong's sources = %+v, want the dataset's record kept", dong.Sources)
		}
		// A source that is not a dataset is refused, naming the field.
		bad := kwan
		bad.Sources = []kg.Source{{Dataset: "a-bbc", Record: "x"}}
		err := st.Apply(ctx, kg.Batch{Entities: []kg.Entity{bad}})
		wantInvalid(t, err)
		if p := kg.ProblemsOf(err); len(p) == 0 || p[0].Path != "entities[0].sources[0].dataset" {
			t.Errorf("error %v does not name entities[0].sources[0].dataset", err)
		}
	})

	t.Run("ListByDataset", func(t *testing.T) {
		st := imported(t)
		page, err := st.ListRelationships(ctx, kg.RelQuery{Source: "ds-ep", First: 10})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"r-dong-commons", "r-kwan-commons", "r-kwan-dong"}, relIDs(page)); diff != "" || page.TotalCount != 3 {
			t.Errorf("relationships of ds-ep (total %d) (-want +got):\n%s", page.TotalCount, diff)
		}
		page, err = st.ListRelationships(ctx, kg.RelQuery{Source: "ds-ep", Entity: "p-han-dong", Direction: kg.Both, Types: []kg.RelType{kg.MemberOf}, First: 10})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"r-dong-commons"}, relIDs(page)); diff != "" {
			t.Errorf("ds-ep and Han Dong (-want +got):\n%s", diff)
		}
		page, err = st.ListRelationships(ctx, kg.RelQuery{Entity: "p-han-dong", Direction: kg.Both, Source: "ds-ep", MinSources: 2, First: 10})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"r-dong-commons"}, relIDs(page)); diff != "" {
			t.Errorf("two sources, one a dataset (-want +got):\n%s", diff)
		}
		ents, err := st.ListEntities(ctx, kg.ListQuery{Source: "ds-ep", First: 1})
		if err != nil {
			t.Fatal(err)
		}
		if ents.TotalCount != 2 || !ents.HasNextPage || len(ents.Edges) != 1 || ents.Edges[0].Entity.ID != "p-han-dong" {
			t.Errorf("entities of ds-ep: %+v", ents)
		}
		ents, err = st.ListEntities(ctx, kg.ListQuery{Source: "ds-ep", Kind: kg.Person, First: 10, After: ents.Edges[0].Cursor})
		if err != nil {
			t.Fatal(err)
		}
		if ents.TotalCount != 2 || len(ents.Edges) != 1 || ents.Edges[0].Entity.ID != "p-jenny-kwan" {
			t.Errorf("second page of entities of ds-ep: %+v", ents)
		}
		if _, err := st.ListEntities(ctx, kg.ListQuery{Source: "ds-nope", First: 10}); !kg.IsNotFound(err) {
			t.Errorf("entities of a missing dataset: %v, want not found", err)
		}
		if _, err := st.ListRelationships(ctx, kg.RelQuery{Source: "ds-nope", First: 10}); !kg.IsNotFound(err) {
			t.Errorf("relationships of a missing dataset: %v, want not found", err)
		}
	})

	t.Run("RetractDataset", func(t *testing.T) {
		st := imported(t)
		before := snap(t, st)
		d, err := removal(t, st, kg.Removal{Retractions: []kg.Retraction{{Source: "ds-ep", Kind: kg.Dataset}}})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"r-kwan-commons", "r-kwan-dong"}, d.RemoveRelationships); diff != "" {
			t.Errorf("removed (-want +got):\n%s", diff)
		}
		if r := rel(t, st, "r-dong-commons"); len(r.Evidence) != 1 || r.Evidence[0].Article != "a-bbc" || r.Unsupported {
			t.Errorf("r-dong-commons after the retraction: %+v", r)
		}
		if got := citedBy(t, st, "ds-ep"); len(got) != 0 {
			t.Errorf("ds-ep still asserts %v", got)
		}
		// Entities keep the dataset among their sources.
		if kwan, _ := entity(t, st, "p-jenny-kwan"); len(kwan.Sources) != 1 {
			t.Errorf("p-jenny-kwan lost its sources: %+v", kwan)
		}
		revertLast(t, st, before)
		if got := citedBy(t, st, "ds-ep"); len(got) != 3 {
			t.Errorf("after the revert ds-ep asserts %v", got)
		}
	})

	t.Run("RetractDatasetKeepUnsupported", func(t *testing.T) {
		st := imported(t)
		d, err := removal(t, st, kg.Removal{Retractions: []kg.Retraction{{Source: "ds-ep", Kind: kg.Dataset, KeepUnsupported: true}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.RemoveRelationships) != 0 {
			t.Errorf("removed %v, want none", d.RemoveRelationships)
		}
		if diff := cmp.Diff([]string{"r-kwan-commons", "r-kwan-dong"}, d.Unsupported); diff != "" {
			t.Errorf("unsupported (-want +got):\n%s", diff)
		}
		for _, id := range d.Unsupported {
			if r := rel(t, st, id); !r.Unsupported || len(r.Evidence) != 0 {
				t.Errorf("%s is stored as %+v, want flagged and without evidence", id, r)
			}
		}
		if r := rel(t, st, "r-dong-commons"); r.Unsupported {
			t.Errorf("r-dong-commons is flagged: it keeps an article's evidence")
		}
		// Listed by the flag, alone and with an entity.
		page, err := st.ListRelationships(ctx, kg.RelQuery{Unsupported: true, First: 1})
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalCount != 2 || !page.HasNextPage || relIDs(page)[0] != "r-kwan-commons" {
			t.Errorf("unsupported, first page: %v (total %d)", relIDs(page), page.TotalCount)
		}
		page, err = st.ListRelationships(ctx, kg.RelQuery{Unsupported: true, First: 5, After: page.Edges[0].Cursor})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"r-kwan-dong"}, relIDs(page)); diff != "" {
			t.Errorf("unsupported, second page (-want +got):\n%s", diff)
		}
		page, err = st.ListRelationships(ctx, kg.RelQuery{Entity: "p-han-dong", Direction: kg.Both, Unsupported: true, First: 5})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"r-kwan-dong"}, relIDs(page)); diff != "" {
			t.Errorf("Han Dong's unsupported (-want +got):\n%s", diff)
		}
		// An upsert without evidence keeps the flag; evidence clears it.
		r := rel(t, st, "r-kwan-dong")
		r.Role = "friend"
		r.Unsupported = false
		mustApply(t, st, kg.Batch{Relationships: []kg.Relationship{r}})
		if got := rel(t, st, "r-kwan-dong"); !got.Unsupported || got.Role != "friend" {
			t.Errorf("after an upsert without evidence: %+v, want still flagged", got)
		}
		mustApply(t, st, kg.Batch{Evidence: []kg.EvidenceAdd{{Relationship: "r-kwan-dong", Evidence: kg.Evidence{Article: "a-globe", Confidence: 0.6}}}})
		if got := rel(t, st, "r-kwan-dong"); got.Unsupported {
			t.Errorf("evidence added, still flagged: %+v", got)
		}
		page, err = st.ListRelationships(ctx, kg.RelQuery{Unsupported: true, First: 5})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"r-kwan-commons"}, relIDs(page)); diff != "" {
			t.Errorf("unsupported after new evidence (-want +got):\n%s", diff)
		}
	})

	t.Run("RetractDatasetAuditedAndReverted", func(t *testing.T) {
		st := imported(t)
		before := snap(t, st)
		if _, err := removal(t, st, kg.Removal{Retractions: []kg.Retraction{{Source: "ds-ep", Kind: kg.Dataset, KeepUnsupported: true}}}); err != nil {
			t.Fatal(err)
		}
		rec := lastRecord(t, st)
		if rec.Op != "curate" || len(rec.Relationships) != 3 {
			t.Errorf("audit record %s with %d relationship changes, want 3", rec.Op, len(rec.Relationships))
		}
		found := auditLog(t, st, kg.AuditQuery{Entity: "ds-ep", First: 10})
		if len(found) == 0 || found[0].ID != rec.ID {
			t.Errorf("the retraction is not found by its dataset: %v", recordIDs(found))
		}
		revertLast(t, st, before)
		if page, err := st.ListRelationships(ctx, kg.RelQuery{Unsupported: true, First: 5}); err != nil || page.TotalCount != 0 {
			t.Errorf("after the revert, unsupported: %v (%v)", relIDs(page), err)
		}
	})

	t.Run("RetractWrongKind", func(t *testing.T) {
		st := imported(t)
		_, err := removal(t, st, kg.Removal{Retractions: []kg.Retraction{{Source: "a-bbc", Kind: kg.Dataset}}})
		wantInvalid(t, err)
		_, err = removal(t, st, kg.Removal{Retractions: []kg.Retraction{{Source: "p-jenny-kwan"}}})
		wantInvalid(t, err)
	})

	t.Run("DeleteDatasetStillASource", func(t *testing.T) {
		st := imported(t)
		_, err := removal(t, st, kg.Removal{Retractions: []kg.Retraction{{Source: "ds-ep"}}, Entities: []string{"ds-ep"}})
		if kg.KindOf(err) != kg.KindConflict {
			t.Fatalf("deleting a dataset entities name as their source: %v, want a conflict", err)
		}
		// Once no entity names it, it goes.
		if _, err := removal(t, st, kg.Removal{Entities: []string{"p-jenny-kwan"}}); err != nil {
			t.Fatal(err)
		}
		dong := Fixture().Entities[0]
		if err := st.Apply(ctx, kg.Batch{Entities: []kg.Entity{dong}}); err != nil {
			t.Fatal(err)
		}
		_, err = removal(t, st, kg.Removal{Retractions: []kg.Retraction{{Source: "ds-ep"}}, Entities: []string{"ds-ep"}})
		if kg.KindOf(err) != kg.KindConflict {
			t.Fatalf("Han Dong keeps ds-ep among his sources (sources merge): %v, want a conflict", err)
		}
	})

	t.Run("BadDatasetEvidence", func(t *testing.T) {
		st := imported(t)
		for name, c := range map[string]struct {
			ev   kg.Evidence
			path string
		}{
			"no record":      {kg.Evidence{Dataset: "ds-ep", Confidence: 1}, "evidence[0].record"},
			"both sources":   {kg.Evidence{Dataset: "ds-ep", Article: "a-bbc", Record: "x", Confidence: 1}, "evidence[0].dataset"},
			"neither":        {kg.Evidence{Confidence: 1}, "evidence[0].article"},
			"record on text": {kg.Evidence{Article: "a-bbc", Record: "x", Confidence: 1}, "evidence[0].record"},
		} {
			if p := c.ev.Validate("evidence[0]"); len(p) == 0 || p[0].Path != c.path {
				t.Errorf("%s: problems %v, want one at %s", name, p, c.path)
			}
		}
		// Evidence naming an article as its dataset is refused by Decide.
		err := st.Apply(ctx, kg.Batch{Evidence: []kg.EvidenceAdd{{Relationship: "r-kwan-commons", Evidence: kg.Evidence{Dataset: "a-bbc", Record: "x", Confidence: 1}}}})
		wantInvalid(t, err)
	})
}
