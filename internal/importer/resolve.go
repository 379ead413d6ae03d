package importer

import (
	"context"
	"fmt"
	"sync"

	"github.com/polgraph/polgraph/internal/kg"
)

// Candidate is an entity record the Resolver is asked about.
type Candidate struct {
	Entity  *kg.Entity // as the reader made it (ID is the file's reference)
	Dataset string     // the DATASET entity's id
	Record  string
}

// Resolver decides which stored entities an entity record may be. For each
// candidate it returns stored entity ids, best first; Run takes the first
// of the record's kind that no other record of the same dataset landed in,
// or creates a new entity when none is left. Fuzzy matching plugs in here.
type Resolver interface {
	Resolve(ctx context.Context, store kg.Store, cands []Candidate) ([][]string, error)
}

// DefaultResolver matches by external identifier, then by kind and
// normalised name (kg.Store.FindEntities). A name alone is weak evidence,
// so a name match is dropped when the two disagree on an identifier of the
// same scheme or on a birth date, or when the stored entity comes only
// from other datasets (every country has a "National Party": across
// datasets, identifiers link records; an entity written by hand or from an
// article is matched by name). A store that looks many matches up at once
// (EachFinder: Neo4j) is asked once for the batch; any other is asked a few
// records at a time, so that a store over the network is not asked one
// record after another.
type DefaultResolver struct {
	// Parallel is how many lookups are in flight (default 8).
	Parallel int
}

// EachFinder is a store that runs FindEntities for many matches in a few
// round trips: out[i] is what FindEntities(ms[i]) returns.
type EachFinder interface {
	FindEntitiesEach(ctx context.Context, ms []kg.Match) ([][]string, error)
}

// Resolve implements Resolver.
func (d DefaultResolver) Resolve(ctx context.Context, store kg.Store, cands []Candidate) ([][]string, error) {
	out, err := d.find(ctx, store, cands)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range out {
		ids = append(ids, m...)
	}
	if len(ids) == 0 {
		return out, nil
	}
	heads, err := store.EntityHeads(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, m := range out {
		kept := m[:0]
		for _, id := range m {
			if h, ok := heads[id]; ok && (sharesIdentifier(cands[i].Entity, &h) || nameMatchHolds(cands[i].Entity, &h, cands[i].Dataset)) {
				kept = append(kept, id)
			}
		}
		out[i] = kept
	}
	return out, nil
}

// candidateMatch is what a record is looked up by.
func candidateMatch(e *kg.Entity) kg.Match {
	return kg.Match{Kind: e.Kind, Identifiers: e.Identifiers, Names: []string{e.Name}}
}

// find looks each candidate up by identifiers and name: in one call to an
// EachFinder, else d.Parallel lookups at a time.
func (d DefaultResolver) find(ctx context.Context, store kg.Store, cands []Candidate) ([][]string, error) {
	if f, ok := store.(EachFinder); ok {
		ms := make([]kg.Match, len(cands))
		for i, c := range cands {
			ms[i] = candidateMatch(c.Entity)
		}
		out, err := f.FindEntitiesEach(ctx, ms)
		if err == nil && len(out) != len(cands) {
			err = fmt.Errorf("importer: FindEntitiesEach answered %d of %d matches", len(out), len(cands))
		}
		return out, err
	}
	out := make([][]string, len(cands))
	n := d.Parallel
	if n <= 0 {
		n = 8
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		ferr error
	)
	next := make(chan int)
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				ids, err := store.FindEntities(ctx, candidateMatch(cands[i].Entity))
				if err != nil {
					mu.Lock()
					if ferr == nil {
						ferr = err
					}
					mu.Unlock()
					continue
				}
				out[i] = ids
			}
		}()
	}
	for i := range cands {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if ferr == nil {
		ferr = ctx.Err()
	}
	if ferr != nil {
		return nil, ferr
	}
	return out, nil
}

func sharesIdentifier(a, b *kg.Entity) bool {
	for _, x := range a.Identifiers {
		for _, y := range b.Identifiers {
			if x == y {
				return true
			}
		}
	}
	return false
}

// nameMatchHolds reports whether a match by name alone stands (see
// DefaultResolver).
func nameMatchHolds(rec, stored *kg.Entity, dataset string) bool {
	for _, x := range rec.Identifiers {
		for _, y := range stored.Identifiers {
			if x.Scheme == y.Scheme && x.Value != y.Value {
				return false
			}
		}
	}
	if !rec.BirthDate.IsZero() && !stored.BirthDate.IsZero() &&
		(rec.BirthDate.Lo() > stored.BirthDate.Hi() || stored.BirthDate.Lo() > rec.BirthDate.Hi()) {
		return false
	}
	if len(stored.Sources) == 0 {
		return true
	}
	for _, s := range stored.Sources {
		if s.Dataset == dataset {
			return true
		}
	}
	return false
}
