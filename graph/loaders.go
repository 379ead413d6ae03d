package graph

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/polgraph/polgraph/graph/model"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/vikstrous/dataloadgen"
)

// Loaders batch and cache, for one request, the lookups that fields of many
// objects make (Relationship.from/to, Evidence.article, Article.outlet ...),
// so a response costs a handful of store calls however many objects it holds.
// They are mapped loaders: the store returns a map keyed by id, so a missing
// or reordered row can never hand a field the wrong object.
type Loaders struct {
	Entities      *dataloadgen.Loader[string, kg.Entity]
	Relationships *dataloadgen.Loader[string, kg.Relationship]
}

// NewLoaders builds fresh loaders over a store.
func NewLoaders(store kg.Store) *Loaders {
	const wait = time.Millisecond
	return &Loaders{
		Entities:      dataloadgen.NewMappedLoader(store.Entities, dataloadgen.WithWait(wait), dataloadgen.WithBatchCapacity(1000)),
		Relationships: dataloadgen.NewMappedLoader(store.Relationships, dataloadgen.WithWait(wait), dataloadgen.WithBatchCapacity(1000)),
	}
}

// primeEntities seeds the entity cache with entities a resolver already has
// (network nodes, search hits), so that their relationships' ends cost nothing.
func (l *Loaders) primeEntities(list []kg.Entity) {
	for _, e := range list {
		l.Entities.Prime(e.ID, e)
	}
}

// clear forgets everything cached; mutations call it after a write.
func (l *Loaders) clear() {
	l.Entities.ClearAll()
	l.Relationships.ClearAll()
}

type loadersKey struct{}

// WithLoaders returns a context carrying loaders.
func WithLoaders(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, loadersKey{}, l)
}

// LoaderMiddleware gives every request its own loaders, so nothing cached
// outlives the request that fetched it.
func LoaderMiddleware(store kg.Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(WithLoaders(r.Context(), NewLoaders(store))))
	})
}

// loaders returns the request's loaders. Without the middleware (a bug in
// wiring) it fails loudly with an internal error rather than silently
// falling back to one query per field.
func loaders(ctx context.Context) (*Loaders, error) {
	l, ok := ctx.Value(loadersKey{}).(*Loaders)
	if !ok {
		return nil, kg.Internal("loaders", errors.New("no dataloaders in the request context: wrap the handler in graph.LoaderMiddleware"))
	}
	return l, nil
}

// loadEntity returns one entity through the request's loader. A missing id
// here is a dangling reference inside the store, hence internal.
func loadEntity(ctx context.Context, id string) (kg.Entity, error) {
	l, err := loaders(ctx)
	if err != nil {
		return kg.Entity{}, err
	}
	e, err := l.Entities.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return kg.Entity{}, kg.Internal("load", errors.New("dangling reference to entity "+id))
	}
	return e, err
}

// loadEntities loads several entities in one batch, in the order of ids.
func loadEntities(ctx context.Context, ids []string) ([]model.Entity, error) {
	l, err := loaders(ctx)
	if err != nil {
		return nil, err
	}
	thunks := make([]func() (kg.Entity, error), len(ids))
	for i, id := range ids {
		thunks[i] = l.Entities.LoadThunk(ctx, id)
	}
	out := make([]model.Entity, 0, len(ids))
	for i, th := range thunks {
		e, err := th()
		if errors.Is(err, dataloadgen.ErrNotFound) {
			return nil, kg.Internal("load", errors.New("dangling reference to entity "+ids[i]))
		}
		if err != nil {
			return nil, err
		}
		out = append(out, model.FromEntity(e))
	}
	return out, nil
}
