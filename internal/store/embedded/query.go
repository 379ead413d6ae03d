package embedded

import (
	"context"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/polgraph/polgraph/internal/kg"
)

// EntityHeads is Entities with articles' Text left out (held in memory
// either way, so only the answer is lighter).
func (s *Store) EntityHeads(ctx context.Context, ids []string) (map[string]kg.Entity, error) {
	out, err := s.Entities(ctx, ids)
	for id, e := range out {
		if e.Text != "" {
			e.Text = ""
			out[id] = e
		}
	}
	return out, err
}

// Entities returns the stored entities among ids.
func (s *Store) Entities(ctx context.Context, ids []string) (map[string]kg.Entity, error) {
	if err := ctxErr(ctx, "entities"); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]kg.Entity, len(ids))
	for _, id := range ids {
		if i, ok := s.g.entIdx[id]; ok {
			out[id] = s.g.entity(i)
		}
	}
	return out, nil
}

// Relationships returns the stored relationships among ids.
func (s *Store) Relationships(ctx context.Context, ids []string) (map[string]kg.Relationship, error) {
	if err := ctxErr(ctx, "relationships"); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]kg.Relationship, len(ids))
	for _, id := range ids {
		if i, ok := s.g.lookupRel(id); ok {
			out[id] = s.g.relationship(i)
		}
	}
	return out, nil
}

// Redirects finds the survivors of merges by the ids merged into them.
func (s *Store) Redirects(ctx context.Context, ids []string) (map[string]string, error) {
	if err := ctxErr(ctx, "redirects"); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := s.g
	out := map[string]string{}
	for _, id := range ids {
		if list := g.idents[redirectKey(id)]; len(list) > 0 {
			out[id] = g.ents[list[0]].e.ID
		}
	}
	return out, nil
}

// FindEntities returns identifier matches, then name matches of m.Kind,
// each group in id order.
func (s *Store) FindEntities(ctx context.Context, m kg.Match) ([]string, error) {
	if err := ctxErr(ctx, "findEntities"); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := s.g
	seen := make(map[int32]bool)
	var out []string
	add := func(group []int32) {
		slices.SortFunc(group, g.entCmp)
		for _, i := range group {
			out = append(out, g.ents[i].e.ID)
		}
	}
	var byID []int32
	for _, id := range m.Identifiers {
		for _, i := range g.idents[identKey(id)] {
			if !seen[i] {
				seen[i] = true
				byID = append(byID, i)
			}
		}
	}
	add(byID)
	var byName []int32
	for _, n := range m.Names {
		for _, i := range g.names[kg.NormalizeName(n)] {
			if !seen[i] && g.ents[i].e.Kind == m.Kind {
				seen[i] = true
				byName = append(byName, i)
			}
		}
	}
	add(byName)
	return out, nil
}

// ListEntities lists entities of a kind in id order.
func (s *Store) ListEntities(ctx context.Context, q kg.ListQuery) (kg.EntityPage, error) {
	const op = "listEntities"
	if err := ctxErr(ctx, op); err != nil {
		return kg.EntityPage{}, err
	}
	after, err := decodeIDCursor(op, q.After)
	if err != nil {
		return kg.EntityPage{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := s.g
	candidates := g.byKind[q.Kind]
	if q.Source != "" {
		if _, ok := g.entIdx[q.Source]; !ok {
			return kg.EntityPage{}, kg.NotFound(op, q.Source)
		}
		candidates = g.entsBySource[q.Source]
	}
	if l := q.Link; l != nil {
		e, ok := g.entIdx[l.Entity]
		if !ok {
			return kg.EntityPage{}, kg.NotFound(op, l.Entity)
		}
		t := relTypeIndex[l.Type]
		var linked []int32
		for _, a := range g.adj[e] {
			// Seen from the linked entity, "listed -> entity" is incoming.
			if a.typ == t && (l.Direction == kg.Both || a.out == (l.Direction == kg.In)) {
				linked = append(linked, a.node)
			}
		}
		slices.SortFunc(linked, g.entCmp)
		candidates = slices.Compact(linked)
	}
	match := func(i int32) bool {
		e := &g.ents[i].e
		return (e.Kind == q.Kind || (q.Kind == "" && q.Source != "")) && (q.Status == "" || e.Status == q.Status)
	}
	var page kg.EntityPage
	start := searchAfter(candidates, after, func(i int32) string { return g.ents[i].e.ID })
	for k, i := range candidates {
		if !match(i) {
			continue
		}
		page.TotalCount++
		if k < start {
			continue
		}
		if len(page.Edges) == q.First {
			page.HasNextPage = true
			continue
		}
		e := g.entity(i)
		page.Edges = append(page.Edges, kg.EntityEdge{Entity: e, Cursor: kg.EncodeCursor(e.ID)})
	}
	return page, nil
}

// ListRelationships lists relationships in id order with a keyset cursor:
// the cursor is the last id seen, so inserts elsewhere in the list cannot
// shift a page.
func (s *Store) ListRelationships(ctx context.Context, q kg.RelQuery) (kg.RelationshipPage, error) {
	const op = "listRelationships"
	if err := ctxErr(ctx, op); err != nil {
		return kg.RelationshipPage{}, err
	}
	after, err := decodeIDCursor(op, q.After)
	if err != nil {
		return kg.RelationshipPage{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := s.g
	var candidates []int32
	switch {
	case q.Entity != "":
		e, ok := g.entIdx[q.Entity]
		if !ok {
			return kg.RelationshipPage{}, kg.NotFound(op, q.Entity)
		}
		candidates = make([]int32, 0, len(g.adj[e]))
		for _, a := range g.adj[e] {
			if q.Direction == kg.Both || q.Direction == "" || a.out == (q.Direction == kg.Out) {
				candidates = append(candidates, a.rel)
			}
		}
	case q.Source != "":
		if _, ok := g.entIdx[q.Source]; !ok {
			return kg.RelationshipPage{}, kg.NotFound(op, q.Source)
		}
		candidates = g.bySource[q.Source]
	case q.Unsupported:
		candidates = make([]int32, 0, len(g.unsupported))
		for i := range g.unsupported {
			candidates = append(candidates, i)
		}
		slices.SortFunc(candidates, g.rankCmp)
	}
	mask := typeMask(q.Types)
	match := func(i int32) bool {
		r := &g.rels[i]
		if mask&(1<<r.typ) == 0 {
			return false
		}
		if !q.AsOf.IsZero() && !kg.ValidDuring(unpackDate(r.since), unpackDate(r.until), q.AsOf) {
			return false
		}
		if q.Source != "" && !slices.ContainsFunc(g.evidence[r.ev], func(ev kg.Evidence) bool { return ev.Source() == q.Source }) {
			return false
		}
		if q.Unsupported && r.flags&relUnsupported == 0 {
			return false
		}
		return q.MinSources <= 0 || sources(g.evidence[r.ev]) >= q.MinSources
	}
	var page kg.RelationshipPage
	start := searchAfter(candidates, after, func(i int32) string { return g.relID(i) })
	for k, i := range candidates {
		if !match(i) {
			continue
		}
		page.TotalCount++
		if k < start {
			continue
		}
		if len(page.Edges) == q.First {
			page.HasNextPage = true
			continue
		}
		r := g.relationship(i)
		page.Edges = append(page.Edges, kg.RelationshipEdge{Relationship: r, Cursor: kg.EncodeCursor(r.ID)})
	}
	return page, nil
}

func decodeIDCursor(op, cursor string) (string, error) {
	if cursor == "" {
		return "", nil
	}
	parts, err := kg.DecodeCursor(op, cursor, 1)
	if err != nil {
		return "", err
	}
	if parts[0] == "" {
		return "", kg.Invalidf(op, "after", "%q is not a cursor this query returned", cursor)
	}
	return parts[0], nil
}

// scanChunk is how many items a scan copies under one read lock: writers
// wait at most for one chunk, and fn runs without the lock held (so it may
// call the store).
const scanChunk = 512

// ScanEntities calls fn for every entity in id order.
func (s *Store) ScanEntities(ctx context.Context, fn func(kg.Entity) error) error {
	return scan(ctx, s, "scanEntities", func(g *graph) []int32 { return g.entOrder },
		func(g *graph, i int32) string { return g.ents[i].e.ID }, (*graph).entity, fn)
}

// ScanRelationships calls fn for every relationship in id order.
func (s *Store) ScanRelationships(ctx context.Context, fn func(kg.Relationship) error) error {
	return scan(ctx, s, "scanRelationships", func(g *graph) []int32 { return g.relOrder },
		func(g *graph, i int32) string { return g.relID(i) }, (*graph).relationship, fn)
}

// scan walks an id-ordered list chunk by chunk, resuming after the last id
// seen, so that writes between chunks neither repeat nor skip what was
// already there.
func scan[T any](ctx context.Context, s *Store, op string, list func(*graph) []int32,
	key func(*graph, int32) string, get func(*graph, int32) T, fn func(T) error) error {
	last := ""
	buf := make([]T, 0, scanChunk)
	for {
		if err := ctxErr(ctx, op); err != nil {
			return err
		}
		buf = buf[:0]
		s.mu.RLock()
		g := s.g
		l := list(g)
		start := searchAfter(l, last, func(i int32) string { return key(g, i) })
		for _, i := range l[start:min(start+scanChunk, len(l))] {
			buf = append(buf, get(g, i))
			last = key(g, i)
		}
		s.mu.RUnlock()
		if len(buf) == 0 {
			return nil
		}
		for _, v := range buf {
			if err := fn(v); err != nil {
				return err
			}
		}
	}
}

// Counts reports the number of entities (by kind) and relationships.
func (s *Store) Counts(ctx context.Context) (kg.Counts, error) {
	if err := ctxErr(ctx, "counts"); err != nil {
		return kg.Counts{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := kg.Counts{Entities: len(s.g.entOrder), Relationships: len(s.g.relOrder), ByKind: make(map[kg.Kind]int)}
	for k, l := range s.g.byKind {
		if len(l) > 0 {
			c.ByKind[k] = len(l)
		}
	}
	return c, nil
}

// Snapshot reads the graph in one bbolt read transaction, which sees the
// last committed state however long it stays open, and does not hold the
// in-memory graph's lock: writers go on while a slow client downloads an
// export. (bbolt makes a writer that must grow the file's memory map wait
// for open read transactions; an export is the only long one.)
func (s *Store) Snapshot(ctx context.Context, fn func(kg.View) error) error {
	const op = "snapshot"
	if err := ctxErr(ctx, op); err != nil {
		return err
	}
	tx, err := s.db.Begin(false)
	if err != nil {
		return kg.Unavailable(op, err)
	}
	defer tx.Rollback()
	return fn(boltView{tx: tx})
}

// boltView is a read transaction's view of the stored records.
type boltView struct{ tx *bolt.Tx }

func (v boltView) ScanEntities(ctx context.Context, fn func(kg.Entity) error) error {
	return scanBucket(ctx, v.tx.Bucket(bucketEntities), "scanEntities", decodeEntity, fn)
}

func (v boltView) ScanRelationships(ctx context.Context, fn func(kg.Relationship) error) error {
	return scanBucket(ctx, v.tx.Bucket(bucketRelationships), "scanRelationships", decodeRelationship, fn)
}

// scanBucket decodes a bucket's records in key (id) order.
func scanBucket[T any](ctx context.Context, b *bolt.Bucket, op string, decode func(k, v []byte) (T, error), fn func(T) error) error {
	c := b.Cursor()
	n := 0
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if n++; n%256 == 0 {
			if err := ctxErr(ctx, op); err != nil {
				return err
			}
		}
		rec, err := decode(k, v)
		if err != nil {
			return kg.Internal(op, err)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	return ctxErr(ctx, op)
}
