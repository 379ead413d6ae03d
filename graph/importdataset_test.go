package graph_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/server"
)

const importDataset = `mutation($doc: String!, $name: String) {
  importDataset(format: POPOLO, document: $doc, dataset: {name: $name, file: "file.json"}) {
    dataset records batches skippedCount errorCount
    entities { created updated unchanged matched merged }
    relationships { created updated unchanged }
    errors { record field reason }
  }
}`

type importSummary struct {
	ImportDataset struct {
		Dataset                        string
		Records, Batches, SkippedCount int
		ErrorCount                     int
		Entities, Relationships        struct{ Created, Updated, Unchanged, Matched, Merged int }
		Errors                         []struct{ Record, Field, Reason string }
	}
}

func popoloDoc(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "shared", "data", "popolo", name))
	if err != nil {
		t.Skipf("shared data absent: %v", err)
	}
	return string(b)
}

// popoloFile is a Popolo file parsed here, independently of the reader.
type popoloFile struct {
	Persons []struct {
		ID, Name string
	}
	Events []struct {
		ID        string
		StartDate string `json:"start_date"`
		EndDate   string `json:"end_date"`
	}
	Memberships []struct {
		PersonID     string `json:"person_id"`
		OnBehalfOfID string `json:"on_behalf_of_id"`
		Period       string `json:"legislative_period_id"`
		StartDate    string `json:"start_date"`
		EndDate      string `json:"end_date"`
	}
}

type spell struct {
	Party        string
	Since, Until string
}

// spells are the party memberships of the file with their dates as an
// import must date them: the membership's own, else its period's.
func (f *popoloFile) spells(t *testing.T) map[string][]spell {
	periods := map[string][2]string{}
	for _, e := range f.Events {
		periods[e.ID] = [2]string{e.StartDate, e.EndDate}
	}
	out := map[string][]spell{}
	for _, m := range f.Memberships {
		if m.OnBehalfOfID == "" {
			continue
		}
		s := spell{Party: m.OnBehalfOfID, Since: m.StartDate, Until: m.EndDate}
		if s.Since == "" {
			s.Since = periods[m.Period][0]
		}
		if s.Until == "" {
			s.Until = periods[m.Period][1]
		}
		out[m.PersonID] = append(out[m.PersonID], s)
	}
	return out
}

func date(t *testing.T, s string) kg.Date {
	if s == "" {
		return kg.Date{}
	}
	d, err := kg.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Both EveryPolitician files import through importDataset; the members of
// a party as of a date and a person's party history read back over
// GraphQL match the file.
func TestImportDatasetPopolo(t *testing.T) {
	// An import is a long mutation (on a loaded Neo4j, longer than the
	// default write timeout): serve with room for it.
	e := newEnv(t, false, func(o *server.Options) { o.WriteTimeout, o.RequestTimeout = 10*time.Minute, 10*time.Minute })
	for _, c := range []struct{ file, name, party, asOf string }{
		{"australia-representatives.json", "EveryPolitician Australia", "party/australian_labor_party", "2014-06-01"},
		{"new-zealand-house.json", "EveryPolitician New Zealand", "party/national_party", "2016-01-01"},
	} {
		doc := popoloDoc(t, c.file)
		var sum importSummary
		e.ok(importDataset, map[string]any{"doc": doc, "name": c.name}, &sum)
		s := sum.ImportDataset
		if s.ErrorCount != 0 || s.Entities.Created == 0 || s.Relationships.Created == 0 || s.Dataset != importer.DatasetID(c.name) {
			t.Fatalf("%s: %+v", c.file, s)
		}
		var f popoloFile
		if err := json.Unmarshal([]byte(doc), &f); err != nil {
			t.Fatal(err)
		}
		spells := f.spells(t)

		// Members of the party as of the date.
		at := date(t, c.asOf)
		want := map[string]bool{}
		for person, list := range spells {
			for _, s := range list {
				if s.Party == c.party && kg.ValidDuring(date(t, s.Since), date(t, s.Until), at) {
					want[importer.EntityID(c.name, person)] = true
				}
			}
		}
		if len(want) == 0 {
			t.Fatalf("%s: the file has no members of %s on %s", c.file, c.party, c.asOf)
		}
		var members struct {
			Entity struct {
				Relationships struct {
					TotalCount int
					Edges      []struct {
						Node struct{ From struct{ ID string } }
					}
				}
			}
		}
		e.ok(`query($id: ID!, $at: Date!) { entity(id: $id) { ... on Organization {
		  relationships(direction: IN, types: [MEMBER_OF], asOf: $at, first: 500) { totalCount edges { node { from { id } } } } } } }`,
			map[string]any{"id": importer.EntityID(c.name, c.party), "at": c.asOf}, &members)
		got := map[string]bool{}
		for _, ed := range members.Entity.Relationships.Edges {
			got[ed.Node.From.ID] = true
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: members of %s on %s (-file +graph):\n%s", c.file, c.party, c.asOf, diff)
		}

		// The party history of the person with the most spells.
		person, most := "", 0
		for p, list := range spells {
			if len(list) > most || (len(list) == most && p < person) {
				person, most = p, len(list)
			}
		}
		var hist struct {
			Entity struct {
				Relationships struct {
					Edges []struct {
						Node struct {
							To           struct{ ID string }
							Since, Until *string
						}
					}
				}
			}
		}
		e.ok(`query($id: ID!) { entity(id: $id) { ... on Person {
		  relationships(direction: OUT, types: [MEMBER_OF], first: 500) { edges { node { to { id } since until } } } } } }`,
			map[string]any{"id": importer.EntityID(c.name, person)}, &hist)
		var gotH, wantH []spell
		legislature := importer.EntityID(c.name, "legislature")
		for _, ed := range hist.Entity.Relationships.Edges {
			if ed.Node.To.ID == legislature {
				continue
			}
			gotH = append(gotH, spell{Party: ed.Node.To.ID, Since: deref(ed.Node.Since), Until: deref(ed.Node.Until)})
		}
		for _, s := range spells[person] {
			s.Party = importer.EntityID(c.name, s.Party)
			wantH = append(wantH, s)
		}
		sortSpells(gotH)
		sortSpells(wantH)
		if diff := cmp.Diff(wantH, gotH); diff != "" {
			t.Errorf("%s: party history of %s (-file +graph):\n%s", c.file, person, diff)
		}
	}

	// Importing again writes nothing.
	var again importSummary
	e.ok(importDataset, map[string]any{"doc": popoloDoc(t, "new-zealand-house.json"), "name": "EveryPolitician New Zealand"}, &again)
	if s := again.ImportDataset; s.Entities.Created+s.Entities.Updated+s.Relationships.Created+s.Relationships.Updated != 0 {
		t.Errorf("a second import wrote: %+v", s)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func sortSpells(s []spell) {
	sort.Slice(s, func(i, j int) bool {
		if s[i].Since != s[j].Since {
			return s[i].Since < s[j].Since
		}
		return s[i].Party < s[j].Party
	})
}

// importDataset needs the editor role, a dataset name and a document
// within bounds; bad records are reported with their id and field.
func TestImportDatasetErrors(t *testing.T) {
	// A server that takes larger bodies still bounds the document.
	e := newEnv(t, false, func(o *server.Options) { o.MaxBodyBytes = 32 << 20 })
	doc := `{"persons": [{"id": "p1", "name": "Ann"}, {"id": "p2", "name": "Bob", "birth_date": "1970-13-01"}],
	  "organizations": [{"id": "leg", "name": "House", "classification": "legislature"}],
	  "memberships": [{"person_id": "p1", "organization_id": "leg"}, {"person_id": "p3", "organization_id": "leg"}]}`
	e.fails(importDataset, map[string]any{"doc": doc}, "BAD_USER_INPUT", "dataset.name")
	e.fails(importDataset, map[string]any{"doc": "{", "name": "x"}, "BAD_USER_INPUT", "document")
	e.fails(importDataset, map[string]any{"doc": strings.Repeat(" ", 8<<20+1), "name": "x"}, "BAD_USER_INPUT", "document")
	var sum importSummary
	e.ok(importDataset, map[string]any{"doc": doc, "name": "Small"}, &sum)
	s := sum.ImportDataset
	if s.Entities.Created != 2 || s.Relationships.Created != 1 || s.ErrorCount != 2 {
		t.Errorf("summary %+v", s)
	}
	var fields []string
	for _, er := range s.Errors {
		rec := er.Record
		if strings.HasPrefix(rec, "membership/p3/leg/") {
			rec = "membership/p3/leg/..."
		}
		fields = append(fields, rec+" "+er.Field)
	}
	sort.Strings(fields)
	if want := []string{"membership/p3/leg/... memberships[1].person_id", "p2 persons[1].birth_date"}; !cmp.Equal(fields, want) {
		t.Errorf("errors %v, want %v", fields, want)
	}

	reader := e.key("rita", kg.RoleReader)
	e.failsAs(reader, importDataset, map[string]any{"doc": doc, "name": "Small"}, "FORBIDDEN")
}
