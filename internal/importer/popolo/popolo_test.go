package popolo

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/importer/importertest"
	"github.com/polgraph/polgraph/internal/kg"
)

func sharedFile(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "..", "shared", "data", "popolo", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data absent: %v", err)
	}
	return p
}

// drain reads every record of a reader.
func drain(t testing.TB, r importer.Reader) (recs []importer.Record, errs []*importer.RecordError) {
	t.Helper()
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return
		}
		var re *importer.RecordError
		if errors.As(err, &re) {
			errs = append(errs, re)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
}

func TestRealFilesRead(t *testing.T) {
	for _, name := range []string{"australia-representatives.json", "new-zealand-house.json"} {
		t.Run(name, func(t *testing.T) {
			r, err := Open(sharedFile(t, name))
			if err != nil {
				t.Fatal(err)
			}
			recs, errs := drain(t, r)
			kinds := map[string]int{}
			for _, rec := range recs {
				switch {
				case rec.Skip != "":
					kinds["skip"]++
				case rec.Entity != nil:
					kinds[string(rec.Entity.Kind)]++
				default:
					kinds["rels"] += len(rec.Relationships)
				}
			}
			t.Logf("%d records, %d errors: %v; %v", len(recs), len(errs), kinds, errs)
		})
	}
}

func textReader(t testing.TB, doc string) (*Reader, error) {
	t.Helper()
	return New(func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(doc)), nil }, int64(len(doc)), "test.json")
}

// Malformed records are reported with their id and the field at fault,
// and nothing of them is yielded; the reader goes on with the rest.
func TestMalformedRecords(t *testing.T) {
	doc := `{
 "persons": [
  {"id": "p1", "name": "Ann One"},
  {"id": "p2", "name": "Bob Two", "birth_date": 1970},
  {"id": "p3", "name": "Cy Three", "birth_date": "1970-02-30"},
  {"id": "p4", "name": "Di Four", "birth_date": "1980", "death_date": "1970"},
  {"id": "p5"},
  {"name": "No Id"}
 ],
 "organizations": [
  {"id": "leg", "name": "House", "classification": "legislature"},
  {"id": "party/a", "name": "A Party", "classification": "party"}
 ],
 "events": [{"id": "term/1", "name": "First", "classification": "legislative period", "start_date": "2000-01-01", "end_date": "2004-01-01", "organization_id": "leg"}],
 "memberships": [
  {"person_id": "p1", "organization_id": "leg", "on_behalf_of_id": "party/a", "legislative_period_id": "term/1"},
  {"person_id": "p9", "organization_id": "leg"},
  {"person_id": "p1", "organization_id": "leg", "on_behalf_of_id": "party/z"},
  {"person_id": "p1", "organization_id": "leg", "legislative_period_id": "term/9"},
  {"person_id": "p1", "organization_id": "leg", "start_date": "2005-01-01", "end_date": "2001-01-01"},
  {"person_id": "p1", "organization_id": "leg", "area_id": "area/x"}
 ]
}`
	r, err := textReader(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := drain(t, r)
	var got []string
	for _, e := range errs {
		got = append(got, e.Field)
	}
	want := []string{
		"persons[1].birth_date", "persons[2].birth_date", "persons[3].death_date", "persons[4].name", "persons[5].id",
		"memberships[1].person_id", "memberships[2].on_behalf_of_id", "memberships[3].legislative_period_id",
		"memberships[4].end_date", "memberships[5].area_id",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields of the errors (-want +got):\n%s\n%v", diff, errs)
	}
	if errs[0].Record != "p2" {
		t.Errorf("the error names record %q, want p2", errs[0].Record)
	}
	// Yielded: 2 organizations, the event, p1, and the one good membership
	// (to the legislature and the party, dated by its period).
	if len(recs) != 5 {
		t.Fatalf("%d records yielded, want 5: %+v", len(recs), recs)
	}
	m := recs[4]
	if len(m.Relationships) != 2 || m.Relationships[0].Since != kg.MustDate("2000-01-01") || m.Relationships[1].To != "party/a" || m.Relationships[1].Until != kg.MustDate("2004-01-01") {
		t.Errorf("the membership is %+v", m.Relationships)
	}
}

// Broken JSON ends the read with an error saying where.
func TestBrokenJSON(t *testing.T) {
	for name, doc := range map[string]string{
		"Truncated":   `{"persons": [{"id": "p1", "name": "Ann"}, {"id": "p2"`,
		"NotAnObject": `[1, 2]`,
		"NotAnArray":  `{"persons": {"id": "p1"}}`,
		"Garbage":     `{"persons": [}`,
	} {
		t.Run(name, func(t *testing.T) {
			r, err := textReader(t, doc)
			if err == nil {
				for {
					_, err = r.Next()
					var re *importer.RecordError
					if err == io.EOF || (err != nil && !errors.As(err, &re)) {
						break
					}
				}
			}
			if err == nil || err == io.EOF {
				t.Fatalf("no error for %s", doc)
			}
			if !strings.Contains(err.Error(), "test.json") {
				t.Errorf("the error does not name the file: %v", err)
			}
		})
	}
}

// FuzzReader feeds the reader any bytes: it never panics, and what it
// yields is whole (every relationship has both ends and a type).
func FuzzReader(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"persons":[{"id":"p","name":"P","birth_date":"1999-02-29"}],"memberships":[{"person_id":"p","organization_id":"x"}]}`))
	f.Add([]byte(`{"persons":null,"organizations":[{"id":1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := New(func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(string(data))), nil }, int64(len(data)), "fuzz.json")
		if err != nil {
			return
		}
		// an error that ends the reading is allowed: the input is arbitrary
		_ = importertest.ReadAll(t, r, func(rec importer.Record) {
			if rec.ID == "" {
				t.Fatalf("a record without id: %+v", rec)
			}
			for _, rel := range rec.Relationships {
				if rel.From == "" || rel.To == "" || !rel.Type.Valid() {
					t.Fatalf("a half relationship: %+v", rel)
				}
			}
		})
	})
}

// The committed excerpts of the real files read without errors.
func TestExcerpts(t *testing.T) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	if len(seeds) == 0 {
		t.Fatal("no excerpts")
	}
	for _, s := range seeds {
		r, err := Open(s)
		if err != nil {
			t.Fatal(err)
		}
		recs, errs := drain(t, r)
		if len(errs) > 0 || len(recs) == 0 {
			t.Errorf("%s: %d records, errors %v", s, len(recs), errs)
		}
	}
}

// A generated file reads whole, with every membership's references known.
func TestGenerate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gen.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Generate(f, 50, 150, 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := drain(t, r)
	if len(errs) > 0 || len(recs) != 50+21+10+150+150 {
		t.Errorf("%d records, errors %v", len(recs), errs)
	}
}
