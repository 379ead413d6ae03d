package csv_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/polgraph/polgraph/internal/importer"
	icsv "github.com/polgraph/polgraph/internal/importer/csv"
	"github.com/polgraph/polgraph/internal/importer/importertest"
)

// FuzzReader feeds the reader any pair of files: it never panics, and
// what it yields is whole.
func FuzzReader(f *testing.F) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		return string(b)
	}
	f.Add(read("nodes.csv"), read("relationships.csv"))
	f.Add(read("actors.csv"), read("ties.csv"))
	f.Add("id,name\nx,\"unterminated\n", "from,type,to\nx,MEMBER_OF\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		r, err := icsv.New([]icsv.Input{icsv.TextInput("a.csv", a), icsv.TextInput("b.csv", b)})
		if err != nil {
			return
		}
		// an error that ends the reading is allowed: the input is arbitrary
		_ = importertest.ReadAll(t, r, func(rec importer.Record) {
			if rec.ID == "" || (rec.Entity == nil && len(rec.Relationships) == 0) {
				t.Fatalf("an empty record: %+v", rec)
			}
			for _, rel := range rec.Relationships {
				if !rel.Type.Valid() {
					t.Fatalf("a relationship of no type: %+v", rel)
				}
			}
		})
	})
}

// The committed seed files read without errors.
func TestSeeds(t *testing.T) {
	for _, pair := range [][2]string{{"nodes.csv", "relationships.csv"}, {"actors.csv", "ties.csv"}} {
		var inputs []icsv.Input
		for _, n := range pair {
			in, err := icsv.FileInput(filepath.Join("testdata", n))
			if err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, in)
		}
		r, err := icsv.New(inputs)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%v: %v", pair, err)
			}
			n++
		}
		if n == 0 {
			t.Errorf("%v: no records", pair)
		}
	}
}
