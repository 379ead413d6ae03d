// Package transfer moves a whole graph from one store to another (embedded
// to Neo4j and back, or any pair of kg.Store): streaming, in batches, safe to
// run again, and checked by counting both sides at the end.
package transfer

import (
	"context"
	"fmt"

	"github.com/polgraph/polgraph/internal/kg"
)

// DefaultBatchSize is how many entities or relationships one write carries.
const DefaultBatchSize = 2000

// Options tune a copy.
type Options struct {
	// BatchSize is the number of items per to.Apply (DefaultBatchSize when 0).
	BatchSize int
	// Progress, if set, is called after every batch written.
	Progress func(Progress)
}

// Progress is how far a copy has come.
type Progress struct {
	Phase string // "entities" or "relationships"
	Done  int    // items of this phase written so far
	Total int    // items of this phase in the source when the copy began
}

// Stats is what a copy did.
type Stats struct {
	Entities      int       // entities written
	Relationships int       // relationships written
	Source        kg.Counts // the source's counts
	TargetBefore  kg.Counts // the target's counts before the copy
	Target        kg.Counts // the target's counts after the copy
}

// Source is what Copy reads: a kg.Store, or anything else that can count
// and scan a whole graph (a running server's polgraph-format export).
type Source interface {
	Counts(ctx context.Context) (kg.Counts, error)
	ScanEntities(ctx context.Context, fn func(kg.Entity) error) error
	ScanRelationships(ctx context.Context, fn func(kg.Relationship) error) error
}

// Target is what Copy writes to: a kg.Store, or anything else that takes
// atomic batches and counts what it holds (a running server's importGraph).
type Target interface {
	Counts(ctx context.Context) (kg.Counts, error)
	Apply(ctx context.Context, b kg.Batch) error
}

// Copy writes every entity of from into to, then every relationship, in
// batches through to.Apply. Entities are upserted whole and relationships'
// evidence merged, so running Copy again changes nothing. An entity stored
// in to under the same id with another kind is a KindConflict (kg.Decide),
// and that batch is not written. Copy ends by comparing counts: a target that was
// empty must hold exactly what the source holds; one that was not must hold
// at least as much of every kind.
func Copy(ctx context.Context, from Source, to Target, opts Options) (Stats, error) {
	const op = "copy"
	size := opts.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	progress := opts.Progress
	if progress == nil {
		progress = func(Progress) {}
	}
	var st Stats
	var err error
	if st.Source, err = from.Counts(ctx); err != nil {
		return st, err
	}
	if st.TargetBefore, err = to.Counts(ctx); err != nil {
		return st, err
	}

	var ents []kg.Entity
	flushEntities := func() error {
		if len(ents) == 0 {
			return nil
		}
		if err := to.Apply(ctx, kg.Batch{Op: op, Entities: ents}); err != nil {
			return err
		}
		st.Entities += len(ents)
		ents = ents[:0]
		progress(Progress{Phase: "entities", Done: st.Entities, Total: st.Source.Entities})
		return nil
	}
	// Entities that refer to others (an article's outlet, a statement's
	// speaker) go in a second pass, after everything they can refer to.
	for _, refers := range []bool{false, true} {
		err = from.ScanEntities(ctx, func(e kg.Entity) error {
			if (e.Outlet != "" || e.Speaker != "") != refers {
				return nil
			}
			ents = append(ents, e)
			if len(ents) >= size {
				return flushEntities()
			}
			return nil
		})
		if err == nil {
			err = flushEntities()
		}
		if err != nil {
			return st, err
		}
	}

	var rels []kg.Relationship
	flushRels := func() error {
		if len(rels) == 0 {
			return nil
		}
		if err := to.Apply(ctx, kg.Batch{Op: op, Relationships: rels}); err != nil {
			return err
		}
		st.Relationships += len(rels)
		rels = rels[:0]
		progress(Progress{Phase: "relationships", Done: st.Relationships, Total: st.Source.Relationships})
		return nil
	}
	err = from.ScanRelationships(ctx, func(r kg.Relationship) error {
		rels = append(rels, r)
		if len(rels) >= size {
			return flushRels()
		}
		return nil
	})
	if err == nil {
		err = flushRels()
	}
	if err != nil {
		return st, err
	}

	if st.Target, err = to.Counts(ctx); err != nil {
		return st, err
	}
	return st, checkCounts(op, st)
}

func checkCounts(op string, st Stats) error {
	src, dst := st.Source, st.Target
	wasEmpty := st.TargetBefore.Entities == 0 && st.TargetBefore.Relationships == 0
	bad := func(what string, s, d int) error {
		if wasEmpty && d != s || d < s {
			return kg.Internal(op, fmt.Errorf("count check failed: the source holds %d %s, the target %d", s, what, d))
		}
		return nil
	}
	if err := bad("entities", src.Entities, dst.Entities); err != nil {
		return err
	}
	if err := bad("relationships", src.Relationships, dst.Relationships); err != nil {
		return err
	}
	for _, k := range kg.Kinds {
		if err := bad("entities of kind "+string(k), src.ByKind[k], dst.ByKind[k]); err != nil {
			return err
		}
	}
	return nil
}
