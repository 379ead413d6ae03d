package popolo

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/polgraph/polgraph/internal/importer"
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
