// Package importertest holds what the importer's tests and the formats'
// tests share: a snapshot of the stored graph, and the reading of a
// Reader to its end under fuzzing.
package importertest

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/kg"
)

// Graph is the whole stored graph, import times left out (they differ
// between runs by design).
type Graph struct {
	Entities      []kg.Entity
	Relationships []kg.Relationship
}

// Snapshot reads st's whole graph.
func Snapshot(ctx context.Context, t testing.TB, st kg.Store) Graph {
	t.Helper()
	var g Graph
	if err := st.ScanEntities(ctx, func(e kg.Entity) error {
		for i := range e.Sources {
			e.Sources[i].Imported = time.Time{}
		}
		g.Entities = append(g.Entities, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.ScanRelationships(ctx, func(r kg.Relationship) error {
		for i := range r.Evidence {
			r.Evidence[i].Imported = time.Time{}
		}
		g.Relationships = append(g.Relationships, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return g
}

// MaxRecords is how many records ReadAll reads before it takes the
// reader for one that does not end.
const MaxRecords = 100000

// ReadAll reads r to its end, as a fuzz test does: each record it yields
// goes to check, a *importer.RecordError is skipped (t fails when it names
// no record or no reason), and t fails when r yields more than MaxRecords.
// It returns the error that ended the reading: nil at io.EOF.
func ReadAll(t testing.TB, r importer.Reader, check func(importer.Record)) error {
	t.Helper()
	for i := 0; i < MaxRecords; i++ {
		rec, err := r.Next()
		if err == io.EOF {
			return nil
		}
		var re *importer.RecordError
		if errors.As(err, &re) {
			if re.Record == "" || re.Reason == "" {
				t.Fatalf("a record error without record or reason: %+v", re)
			}
			continue
		}
		if err != nil {
			return err
		}
		check(rec)
	}
	t.Fatal("the reader does not end")
	return nil
}
