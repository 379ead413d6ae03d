package graph

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/polgraph/polgraph/graph/model"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/vikstrous/dataloadgen"
)

// Loaders cache, for one request, the entities it has seen, and batch the
// lookups that are left.
//
// Lists resolve what their items point at in one batch where the list is
// resolved (resolveRelationships: a page's ends and evidence articles), so
// those cost one store call per list and no wait. What genuinely fans out —
// single-id fields of sibling objects resolved concurrently, such as
// Article.outlet or Statement.speaker, and relationship(id) — goes through
// dataloaders whose short wait gathers the siblings into one call.
//
// The loaders are mapped: the store returns a map keyed by id, so a missing
// or reordered row can never hand a field the wrong object.
type Loaders struct {
	Entities      *dataloadgen.Loader[string, kg.Entity]
	Relationships *dataloadgen.Loader[string, kg.Relationship]

	store kg.Store
	mu    sync.Mutex
	known map[string]model.Entity // every entity the request has seen, wrapped once
	wants map[wantsKey]wants      // what each query field asks of its relationships
}

// siblingWait is how long a dataloader waits for the concurrent siblings of
// a single-id lookup. Lists never wait on it.
const siblingWait = 250 * time.Microsecond

// NewLoaders builds fresh loaders over a store.
func NewLoaders(store kg.Store) *Loaders {
	l := &Loaders{store: store, known: map[string]model.Entity{}, wants: map[wantsKey]wants{}}
	l.Entities = dataloadgen.NewMappedLoader(l.fetchEntities, dataloadgen.WithWait(siblingWait), dataloadgen.WithBatchCapacity(1000))
	l.Relationships = dataloadgen.NewMappedLoader(store.Relationships, dataloadgen.WithWait(siblingWait), dataloadgen.WithBatchCapacity(1000))
	return l
}

// fetchEntities is the entity loader's batch function: it also remembers
// what it fetched, so later lists find it.
func (l *Loaders) fetchEntities(ctx context.Context, ids []string) (map[string]kg.Entity, error) {
	m, err := l.store.Entities(ctx, ids)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	for id, e := range m {
		if k, ok := l.known[id]; !ok || isBrief(k) {
			l.known[id] = model.FromEntity(e)
		}
	}
	l.mu.Unlock()
	return m, nil
}

// isBrief reports whether e was read without its article text.
func isBrief(e model.Entity) bool {
	b, ok := e.(interface{ Brief() bool })
	return ok && b.Brief()
}

// loadWhole loads an entity with everything (an article's text included),
// batched with its siblings.
func loadWhole(ctx context.Context, id string) (kg.Entity, error) {
	l, err := loaders(ctx)
	if err != nil {
		return kg.Entity{}, err
	}
	e, err := l.Entities.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return kg.Entity{}, dangling(id)
	}
	return e, err
}

// remember records entities a resolver already has (network nodes, path
// nodes, search hits), so that what points at them costs nothing.
func (l *Loaders) remember(list []kg.Entity) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range list {
		if _, ok := l.known[e.ID]; !ok {
			l.known[e.ID] = model.FromEntity(e)
		}
	}
}

// rememberWrapped records entities already wrapped in their kinds' types.
func (l *Loaders) rememberWrapped(list []model.Entity) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range list {
		if d := e.Domain(); d != nil {
			if _, ok := l.known[d.ID]; !ok {
				l.known[d.ID] = e
			}
		}
	}
}

// ensure makes every id known, fetching those not yet seen in one store
// call (without articles' text). Ids the store does not have stay unknown.
func (l *Loaders) ensure(ctx context.Context, ids []string) error {
	l.mu.Lock()
	var missing []string
	for _, id := range ids {
		if _, ok := l.known[id]; !ok {
			missing = append(missing, id)
		}
	}
	l.mu.Unlock()
	if len(missing) == 0 {
		return nil
	}
	// Heads: ends and evidence articles rarely need an article's text,
	// and Article.text reads the whole entity when asked.
	m, err := l.store.EntityHeads(ctx, missing)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, e := range m {
		if _, ok := l.known[id]; !ok {
			l.known[id] = model.FromHead(e)
		}
	}
	return nil
}

// clear forgets everything cached; mutations call it after a write.
func (l *Loaders) clear() {
	l.Entities.ClearAll()
	l.Relationships.ClearAll()
	l.mu.Lock()
	clear(l.known)
	l.mu.Unlock()
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

func dangling(id string) error {
	return kg.Internal("load", errors.New("dangling reference to entity "+id))
}

// loadEntity returns one entity for a single-id field, from what the
// request has seen or through the entity loader, which gathers concurrent
// siblings into one call. A missing id here is a dangling reference inside
// the store, hence internal.
func loadEntity(ctx context.Context, id string) (model.Entity, error) {
	l, err := loaders(ctx)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	e, ok := l.known[id]
	l.mu.Unlock()
	if ok {
		return e, nil
	}
	if _, err := l.Entities.Load(ctx, id); errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, dangling(id)
	} else if err != nil {
		return nil, err
	}
	l.mu.Lock()
	e = l.known[id]
	l.mu.Unlock()
	if e == nil {
		return nil, dangling(id)
	}
	return e, nil
}

// loadEntities loads several entities in one call, in the order of ids.
func loadEntities(ctx context.Context, ids []string) ([]model.Entity, error) {
	l, err := loaders(ctx)
	if err != nil {
		return nil, err
	}
	if err := l.ensure(ctx, ids); err != nil {
		return nil, err
	}
	out := make([]model.Entity, 0, len(ids))
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		e, ok := l.known[id]
		if !ok || e == nil {
			return nil, dangling(id)
		}
		out = append(out, e)
	}
	return out, nil
}
