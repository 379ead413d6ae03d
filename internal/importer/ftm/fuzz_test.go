package ftm

import (
	"os"
	"testing"

	ftmmodel "github.com/polgraph/polgraph/internal/ftm"
	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/importer/importertest"
)

// FuzzReader feeds arbitrary bytes to the FtM reader: it never panics,
// every record it yields is an entity, relationships, a skip or a record
// error, and what it yields converts back to FtM without panicking. Seeds:
// an excerpt of the real zala file, the fixture, and broken lines.
func FuzzReader(f *testing.F) {
	for _, p := range []string{"testdata/zala-excerpt.ftm.json", "testdata/fixture.ftm.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"",
		"\n\n",
		`{"id": "x"}`,
		`{"id": "x", "schema": "Thing", "properties": {}}`,
		`{"id": "x", "schema": "Person", "properties": {"name": "one"}}`,
		`{"id": "x", "schema": "Person", "properties": {"name": [1]}}`,
		`{"id": "x", "schema": "Person", "properties": {"birthDate": ["2019-02-30"]}, "polgraph": {"properties": {"name": ["a"]}}}`,
		`{"id": "m", "schema": "Membership", "properties": {"member": ["m"], "organization": ["m"]}}`,
		`{"id": "o", "schema": "Occupancy", "properties": {"holder": ["p"], "post": ["q"]}}` + "\n" + `{"id": "q", "schema": "Position", "properties": {"name": ["Q"], "organization": ["o2"]}}` + "\n" + `{"id": "o2", "schema": "PublicBody", "properties": {"name": ["B"]}}` + "\n" + `{"id": "p", "schema": "Person", "properties": {"name": ["P"]}}`,
		`[1,2,3]`,
		"{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": [\"\\u0000\"]}}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		r, err := New(bytesOpener(data), int64(len(data)), "fuzz.ftm.json")
		if err != nil {
			return
		}
		defer r.Close()
		if err := importertest.ReadAll(t, r, func(rec importer.Record) {
			if rec.ID == "" || (rec.Entity == nil && len(rec.Relationships) == 0 && rec.Skip == "") {
				t.Fatalf("an empty record: %+v", rec)
			}
			if rec.Entity != nil {
				ftmmodel.FromEntity(rec.Entity)
			}
			for i := range rec.Relationships {
				ftmmodel.FromRelationship(&rec.Relationships[i], ftmmodel.LinkEnd{})
			}
		}); err != nil {
			t.Fatal(err)
		}
	})
}
