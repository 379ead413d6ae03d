package ftm

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	ftmmodel "github.com/polgraph/polgraph/internal/ftm"
	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/kg"
)

// records reads every record of an FtM file.
type records struct {
	Entities      map[string]kg.Entity
	Relationships map[string]kg.Relationship
	Skipped       map[string]string
	Errors        []string
}

func readAll(t *testing.T, open func() (io.ReadCloser, error), name string) records {
	t.Helper()
	r, err := New(open, 0, name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := records{Entities: map[string]kg.Entity{}, Relationships: map[string]kg.Relationship{}, Skipped: map[string]string{}}
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out
		}
		var re *importer.RecordError
		if errors.As(err, &re) {
			out.Errors = append(out.Errors, re.Error())
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec.Skip != "" {
			out.Skipped[rec.ID] = rec.Skip
		}
		if rec.Entity != nil {
			out.Entities[rec.Entity.ID] = *rec.Entity
		}
		for i, rel := range rec.Relationships {
			id := rel.ID
			if id == "" {
				// As the exporter names them: a link by its record's id.
				id = rec.ID
				if len(rel.Attributes) > 0 && rel.Attributes[0].Name == ftmmodel.AttrDerived {
					id = importer.RelationshipID("test", rec.ID, i)
				}
				rel.ID = id
			}
			out.Relationships[id] = rel
		}
	}
}

// zalaPath is the real OpenSanctions excerpt shared with the repository
// (../shared from the repository root).
var zalaPath = filepath.Join("..", "..", "..", "..", "shared", "data", "ftm", "zala.ftm.json")

func fileOpener(path string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

func bytesOpener(b []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

// writeBack exports records as FtM lines with the ftm package's mapping.
func writeBack(t *testing.T, rs records) []byte {
	t.Helper()
	var buf bytes.Buffer
	seen := map[string]bool{}
	emit := func(xs []*ftmmodel.Entity) {
		for _, x := range xs {
			if seen[x.ID] {
				continue
			}
			seen[x.ID] = true
			b, err := x.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			buf.Write(b)
			buf.WriteByte('\n')
		}
	}
	for _, e := range rs.Entities {
		xs, ok := ftmmodel.FromEntity(&e)
		if ok {
			emit(xs)
		}
	}
	for _, r := range rs.Relationships {
		to := rs.Entities[r.To]
		xs, ok := ftmmodel.FromRelationship(&r, ftmmodel.LinkEnd{Kind: to.Kind, Name: to.Name})
		if ok {
			emit(xs)
		}
	}
	return buf.Bytes()
}

func TestMappingRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		path   string
		errors []string
	}{
		{path: filepath.Join("testdata", "fixture.ftm.json"), errors: []string{
			"record o-3: properties.asset: vessel-1 is a Vessel, which polgraph does not import (line 29, Ownership)",
		}},
		{path: zalaPath},
	} {
		path := tc.path
		t.Run(filepath.Base(path), func(t *testing.T) {
			if _, err := os.Stat(path); err != nil {
				t.Skipf("shared data absent: %v", err)
			}
			first := readAll(t, fileOpener(path), "in.ftm.json")
			if len(first.Entities) == 0 || len(first.Relationships) == 0 {
				t.Fatalf("the first read made %d entities and %d relationships: nothing to round-trip", len(first.Entities), len(first.Relationships))
			}
			if d := cmp.Diff(tc.errors, first.Errors); d != "" {
				t.Errorf("errors of the first read (-want +got):\n%s", d)
			}
			out := writeBack(t, first)
			second := readAll(t, bytesOpener(out), "out.ftm.json")
			for _, e := range second.Errors {
				t.Errorf("second read: %s", e)
			}
			if d := cmp.Diff(first.Entities, second.Entities); d != "" {
				t.Errorf("entities differ (-first +second):\n%s", d)
			}
			if d := cmp.Diff(first.Relationships, second.Relationships); d != "" {
				t.Errorf("relationships differ (-first +second):\n%s", d)
			}
			t.Logf("%d entities, %d relationships, %d skipped", len(first.Entities), len(first.Relationships), len(first.Skipped))
			if testing.Verbose() {
				b, _ := json.MarshalIndent(first.Skipped, "", " ")
				t.Logf("skipped: %s", b)
			}
		})
	}
}
