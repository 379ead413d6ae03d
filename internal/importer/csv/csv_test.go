package csv_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/export"
	"github.com/polgraph/polgraph/internal/importer"
	icsv "github.com/polgraph/polgraph/internal/importer/csv"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/teststore"
)

func asEditor() context.Context {
	return kg.WithPrincipal(context.Background(), kg.Principal{Name: "csv-test", Role: kg.RoleEditor, Authenticated: true})
}

var fixtureEntities = []kg.Entity{
	{ID: "o-party", Kind: kg.Organization, Name: "A Party", Classification: kg.Party, Aliases: []string{"AP", "The Party"}},
	{ID: "o-paper", Kind: kg.Organization, Name: "The Paper", Classification: kg.MediaOutlet},
	{ID: "c-ca", Kind: kg.Country, Name: "Canada", CountryCode: "CA"},
	{ID: "p-ann", Kind: kg.Person, Name: "Ann Example", BirthDate: kg.MustDate("1970-03"), Description: "An MP, \"quoted\",\nwith two lines",
		Identifiers: []kg.Identifier{{Scheme: "wikidata", Value: "Q1"}, {Scheme: "isni", Value: "0000 0001"}}},
	{ID: "a-one", Kind: kg.Article, Name: "Ann joins", Title: "Ann joins", URL: "https://paper.example/ann", Outlet: "o-paper", Published: kg.MustDate("2020-01-02")},
	{ID: "al-one", Kind: kg.Allegation, Name: "Graft", Summary: "Ann took money", Status: kg.Denied},
	{ID: "ev-one", Kind: kg.Event, Name: "Election", Date: kg.MustDate("2019"), EventType: "election"},
	{ID: "st-one", Kind: kg.Statement, Name: "Ann said", Quote: "I did nothing", Speaker: "p-ann", Date: kg.MustDate("2020-02-03")},
	{ID: "ds-one", Kind: kg.Dataset, Name: "A dataset", URL: "https://data.example/", Publisher: "Data Org", Licence: "CC-BY-4.0", Retrieved: kg.MustDate("2024-05-01")},
	{ID: "p-bob", Kind: kg.Person, Name: "Bob Imported", Gender: "male", DeathDate: kg.MustDate("2001"),
		Attributes: []kg.Attribute{{Name: "email", Value: "bob@example.org"}, {Name: "link", Value: "https://bob.example/; his page"}},
		Sources:    []kg.Source{{Dataset: "ds-one", Record: "person/bob", File: "data.json", Imported: time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC)}}},
}

var fixtureRelationships = []kg.Relationship{
	{ID: "r-member", Type: kg.MemberOf, From: "p-ann", To: "o-party", Role: "member", Since: kg.MustDate("2015-06"), Until: kg.MustDate("2021"),
		Evidence: []kg.Evidence{{Article: "a-one", Quote: "Ann joins the party", Confidence: 0.875}, {Article: "a-one", Quote: "she is a member", Confidence: 0.5}}},
	{ID: "r-citizen", Type: kg.CitizenOf, From: "p-ann", To: "c-ca"},
	{ID: "r-accused", Type: kg.AccusedIn, From: "p-ann", To: "al-one", Evidence: []kg.Evidence{{Article: "a-one", Confidence: 1}}},
	{ID: "r-stated", Type: kg.Stated, From: "p-ann", To: "st-one"},
	{ID: "r-bob", Type: kg.MemberOf, From: "p-bob", To: "o-party", Since: kg.MustDate("1990"),
		Attributes: []kg.Attribute{{Name: "area", Value: "North"}},
		Evidence: []kg.Evidence{{Article: "a-one", Quote: "Bob too", Confidence: 0.25},
			{Dataset: "ds-one", Record: "membership/1", File: "data.json", Imported: time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC), Confidence: 1}}},
}

func scan(t *testing.T, st kg.Store) ([]kg.Entity, []kg.Relationship) {
	t.Helper()
	var es []kg.Entity
	var rs []kg.Relationship
	ctx := context.Background()
	if err := st.ScanEntities(ctx, func(e kg.Entity) error { es = append(es, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := st.ScanRelationships(ctx, func(r kg.Relationship) error { rs = append(rs, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return es, rs
}

// An export in the neo4j-admin layout, imported into an empty store, gives
// back the graph exported.
func TestExportRoundTrips(t *testing.T) {
	src := teststore.Open(t)
	svc := kg.NewService(src, kg.DefaultLimits)
	b := kg.Batch{Entities: fixtureEntities, Relationships: fixtureRelationships}
	if err := svc.Apply(asEditor(), "fixture", &b, kg.BatchPaths{}); err != nil {
		t.Fatal(err)
	}
	wantE, wantR := scan(t, src)

	dir := t.TempDir()
	x, err := export.Prepare(asEditor(), svc, export.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.WriteTo(asEditor(), export.NewCSV(&export.DirFiles{Dir: dir}), nil); err != nil {
		t.Fatal(err)
	}
	// An empty store (on Neo4j, the shared database emptied).
	dst := teststore.Open(t)
	inputs, err := icsv.Inputs([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	r, err := icsv.New(inputs)
	if err != nil {
		t.Fatal(err)
	}
	dsvc := kg.NewService(dst, kg.DefaultLimits)
	sum, err := importer.Run(asEditor(), dsvc, r, importer.Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, sum.String())
	}
	if sum.ErrorCount != 0 || sum.Entities.Created != len(fixtureEntities) || sum.Relationships.Created != len(fixtureRelationships) {
		t.Errorf("summary: %s", sum.String())
	}
	gotE, gotR := scan(t, dst)
	if diff := cmp.Diff(wantE, gotE); diff != "" {
		t.Errorf("entities (-exported +imported):\n%s", diff)
	}
	if diff := cmp.Diff(wantR, gotR); diff != "" {
		t.Errorf("relationships (-exported +imported):\n%s", diff)
	}
	// Again: nothing changes.
	r, _ = icsv.New(inputs)
	sum, err = importer.Run(asEditor(), dsvc, r, importer.Options{})
	if err != nil || sum.Entities.Created+sum.Entities.Updated+sum.Relationships.Created+sum.Relationships.Updated != 0 {
		t.Errorf("a second import wrote: %v %s", err, sum.String())
	}
}

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const actorsCSV = `id,kind,name,aliases,classification,country_code,birth_date,wikidata,description
ann,person,Ann Example,A. Example;Annie,,,1970-03-01,Q1,an MP
party,organization,A Party,AP,party,,,,
ca,country,Canada,,,CA,,,
bad1,planet,Mars,,,,,,
bad2,person,Bob,,,,1970-02-31,,
`

const tiesCSV = `from,type,to,role,since,until,source_url,quote
ann,MEMBER_OF,party,member,2015,2021,https://paper.example/ann,"Ann joined ""A Party"""
ann,citizen of,ca,,,,,born there
ann,MEMBER_OF,nobody,,,,,
ann,LIKES,party,,,,,
ann,MEMBER_OF,party,treasurer,2020,2019,,
bad1,MEMBER_OF,party,,,,,
`

// The spreadsheet layout imports with the dataset's provenance; bad rows
// are reported with their record and field, and nothing of them lands.
func TestSpreadsheet(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "actors.csv", actorsCSV)
	ti := write(t, dir, "ties.csv", tiesCSV)
	st := teststore.Open(t)
	svc := kg.NewService(st, kg.DefaultLimits)
	run := func() importer.Summary {
		inputs, err := icsv.Inputs([]string{ti, a}) // any order: actors are read first
		if err != nil {
			t.Fatal(err)
		}
		r, err := icsv.New(inputs)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := importer.Run(asEditor(), svc, r, importer.Options{Dataset: importer.Dataset{Name: "My sheet", Publisher: "Me"}})
		if err != nil {
			t.Fatalf("%v\n%s", err, sum.String())
		}
		return sum
	}
	sum := run()
	var fields []string
	for _, e := range sum.Errors {
		fields = append(fields, e.Record+" "+e.Field)
	}
	if sum.ErrorCount != 6 {
		t.Errorf("%d errors, want 6 (two actors, four ties): %v", sum.ErrorCount, fields)
	}
	for _, f := range []string{"bad1 kind", "bad2 birth_date"} {
		if !contains(fields, f) {
			t.Errorf("no error %q among %v", f, fields)
		}
	}
	for _, f := range []string{" type", " until", " to", " from"} {
		found := false
		for _, g := range fields {
			found = found || (strings.HasPrefix(g, "tie/") && strings.HasSuffix(g, f))
		}
		if !found {
			t.Errorf("no tie error on%s among %v", f, fields)
		}
	}
	if sum.Entities.Created != 4 || sum.Relationships.Created != 2 { // 3 actors + the source article; 2 ties
		t.Errorf("summary: %s", sum.String())
	}
	ents, rels := scan(t, st)
	var dataset *kg.Entity
	for i := range ents {
		if ents[i].Kind == kg.Dataset {
			dataset = &ents[i]
		}
	}
	if dataset == nil || dataset.Name != "My sheet" || dataset.Publisher != "Me" {
		t.Fatalf("dataset entity: %+v", dataset)
	}
	for _, r := range rels {
		var ds, art int
		for _, ev := range r.Evidence {
			if ev.Dataset == dataset.ID && strings.HasPrefix(ev.Record, "tie/") {
				ds++
			}
			if ev.Article != "" {
				art++
				if ev.Quote != `Ann joined "A Party"` {
					t.Errorf("article evidence quote %q", ev.Quote)
				}
			}
		}
		if ds != 1 {
			t.Errorf("%s has %d dataset evidence, want 1: %+v", r.ID, ds, r.Evidence)
		}
		if r.Type == kg.MemberOf && art != 1 {
			t.Errorf("the membership has %d article evidence, want 1", art)
		}
	}
	// A run that says less about the dataset keeps what it does not say.
	inputs, _ := icsv.Inputs([]string{a, ti})
	r, _ := icsv.New(inputs)
	if _, err := importer.Run(asEditor(), svc, r, importer.Options{Dataset: importer.Dataset{Name: "My sheet"}}); err != nil {
		t.Fatal(err)
	}
	if m, err := st.Entities(context.Background(), []string{dataset.ID}); err != nil || m[dataset.ID].Publisher != "Me" {
		t.Errorf("the dataset after a run without a publisher: %+v %v", m[dataset.ID], err)
	}
	if again := run(); again.Entities.Created+again.Entities.Updated+again.Relationships.Created+again.Relationships.Updated != 0 {
		t.Errorf("a second import wrote: %s", again.String())
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A header of neither layout, or an unknown column, is refused before
// anything is read.
func TestBadHeaders(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"neither.csv": "a,b,c\n1,2,3\n",
		"extra.csv":   "id,kind,name,colour\nx,person,X,red\n",
	} {
		p := write(t, dir, name, text)
		in, err := icsv.FileInput(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := icsv.New([]icsv.Input{in}); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v", name, err)
		}
	}
}
