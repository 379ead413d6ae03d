package importer

import (
	"context"
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
// normalised name (kg.Store.FindEntities). Lookups run a few at a time, so
// that a store over the network is not asked one record after another.
type DefaultResolver struct {
	// Parallel is how many lookups are in flight (default 8).
	Parallel int
}

// Resolve implements Resolver.
func (d DefaultResolver) Resolve(ctx context.Context, store kg.Store, cands []Candidate) ([][]string, error) {
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
				e := cands[i].Entity
				ids, err := store.FindEntities(ctx, kg.Match{Kind: e.Kind, Identifiers: e.Identifiers, Names: []string{e.Name}})
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
	return out, ferr
}
