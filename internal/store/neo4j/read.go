package neo4j

import (
	"container/heap"
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/polgraph/polgraph/internal/kg"
)

// scanPage is how many entities or relationships a scan reads per
// transaction.
const scanPage = 1000

// Entities returns the entities that exist among ids.
func (s *Store) Entities(ctx context.Context, ids []string) (map[string]kg.Entity, error) {
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, "entities", func(tx neo4j.ManagedTransaction) (map[string]kg.Entity, error) {
		return entitiesByID(ctx, tx, ids)
	})
}

// EntityHeads reads the entities without their text property: the server
// does not send it.
func (s *Store) EntityHeads(ctx context.Context, ids []string) (map[string]kg.Entity, error) {
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, "entityHeads", func(tx neo4j.ManagedTransaction) (map[string]kg.Entity, error) {
		out := make(map[string]kg.Entity, len(ids))
		if len(ids) == 0 {
			return out, nil
		}
		recs, err := run(ctx, tx, stEntityHeadsByID, map[string]any{"ids": anyStrings(ids)})
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			props, isNil, err := neo4j.GetRecordValue[map[string]any](rec, "e")
			if err != nil || isNil {
				return nil, fmt.Errorf("entity head: %v", err)
			}
			delete(props, "text") // null: not sent
			e, err := entityFromNode(neo4j.Node{Props: props})
			if err != nil {
				return nil, err
			}
			out[e.ID] = e
		}
		return out, nil
	})
}

func entitiesByID(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]kg.Entity, error) {
	out := make(map[string]kg.Entity, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	recs, err := run(ctx, tx, stEntitiesByID, map[string]any{"ids": anyStrings(ids)})
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		e, err := entityFromRecord(rec, "e")
		if err != nil {
			return nil, err
		}
		out[e.ID] = e
	}
	return out, nil
}

func entityFromRecord(rec *neo4j.Record, key string) (kg.Entity, error) {
	n, err := recordNode(rec, key)
	if err != nil {
		return kg.Entity{}, err
	}
	return entityFromNode(n)
}

// Relationships returns the relationships that exist among ids.
func (s *Store) Relationships(ctx context.Context, ids []string) (map[string]kg.Relationship, error) {
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, "relationships", func(tx neo4j.ManagedTransaction) (map[string]kg.Relationship, error) {
		return relationshipsByID(ctx, tx, ids)
	})
}

// Redirects looks the ids up among the Key nodes of merged ids.
func (s *Store) Redirects(ctx context.Context, ids []string) (map[string]string, error) {
	if len(ids) == 0 {
		return map[string]string{}, nil
	}
	rows := make([]any, len(ids))
	for i, id := range ids {
		rows[i] = map[string]any{"i": int64(i), "key": redirectKey(id)}
	}
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, "redirects", func(tx neo4j.ManagedTransaction) (map[string]string, error) {
		recs, err := run(ctx, tx, stFindKeys, map[string]any{"keys": rows})
		if err != nil {
			return nil, err
		}
		out := map[string]string{}
		for _, rec := range recs {
			i, _, err := neo4j.GetRecordValue[int64](rec, "i")
			if err != nil || i < 0 || int(i) >= len(ids) {
				return nil, fmt.Errorf("redirect record: bad index (%v)", err)
			}
			id, err := recordString(rec, "id")
			if err != nil {
				return nil, err
			}
			if id != ids[i] {
				out[ids[i]] = id
			}
		}
		return out, nil
	})
}

// FindEntities looks the match's identifiers and normalised names up among
// the Key nodes (unique, so each lookup is an index seek).
func (s *Store) FindEntities(ctx context.Context, m kg.Match) ([]string, error) {
	keys := matchKeys(m)
	if len(keys) == 0 {
		return nil, nil
	}
	rows := make([]any, len(keys))
	for i, k := range keys {
		rows[i] = map[string]any{"i": int64(i), "key": k}
	}
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, "findEntities", func(tx neo4j.ManagedTransaction) ([]string, error) {
		recs, err := run(ctx, tx, stFindKeys, map[string]any{"keys": rows})
		if err != nil {
			return nil, err
		}
		var ids []string
		seen := map[string]bool{}
		for _, rec := range recs {
			id, err := recordString(rec, "id")
			if err != nil {
				return nil, err
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		return ids, nil
	})
}

// findEntitiesChunk is how many matches one FindEntitiesEach statement
// looks up (a few keys each): an import's batch of new records is a few
// statements, each well within the query timeout.
const findEntitiesChunk = 4096

// FindEntitiesEach is FindEntities for each of ms, in one statement per
// findEntitiesChunk matches instead of a transaction per match: an import
// asks about thousands of records a batch, and a round trip each cost more
// than the lookups. out[i] is what FindEntities(ms[i]) returns.
func (s *Store) FindEntitiesEach(ctx context.Context, ms []kg.Match) ([][]string, error) {
	out := make([][]string, len(ms))
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	for lo := 0; lo < len(ms); lo += findEntitiesChunk {
		hi := min(lo+findEntitiesChunk, len(ms))
		// One row per key, numbered across the chunk in match order and,
		// within a match, identifiers first: the statement's order (by
		// row, then id) is then each match's FindEntities order.
		var rows []any
		var matchOf []int
		for m := lo; m < hi; m++ {
			for _, k := range matchKeys(ms[m]) {
				rows = append(rows, map[string]any{"i": int64(len(rows)), "key": k})
				matchOf = append(matchOf, m)
			}
		}
		if len(rows) == 0 {
			continue
		}
		_, err := readTx(s, ctx, "findEntities", func(tx neo4j.ManagedTransaction) (struct{}, error) {
			for m := lo; m < hi; m++ {
				out[m] = nil // the driver may run this again
			}
			recs, err := run(ctx, tx, stFindKeys, map[string]any{"keys": rows})
			if err != nil {
				return struct{}{}, err
			}
			for _, rec := range recs {
				i, err := recordInt(rec, "i")
				if err != nil {
					return struct{}{}, err
				}
				if i < 0 || i >= int64(len(matchOf)) {
					return struct{}{}, fmt.Errorf("neo4j: find_entities_by_key returned row %d of %d", i, len(matchOf))
				}
				id, err := recordString(rec, "id")
				if err != nil {
					return struct{}{}, err
				}
				m := matchOf[i]
				if !slices.Contains(out[m], id) {
					out[m] = append(out[m], id)
				}
			}
			return struct{}{}, nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// maxSearchCandidates bounds how many entities one search reads from the
// full-text index before ranking them (a one-letter word matches nearly
// every name by prefix).
const maxSearchCandidates = 100_000

// Search finds candidates with the full-text index (every word of the text
// exactly, as a prefix or within the typo budget, in the name and aliases)
// and ranks them with the domain's scorer (kg.Scorer), which also drops
// candidates whose words are spread over several names: the same hits in
// the same order as the embedded store. The cursor is the last hit's
// score, name and id.
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) (kg.EntityPage, error) {
	const op = "search"
	lucene := luceneQuery(q.Text)
	if lucene == "" {
		return kg.EntityPage{}, nil
	}
	var after *kg.Hit
	if q.After != "" {
		parts, err := kg.DecodeCursor(op, q.After, 3)
		if err != nil {
			return kg.EntityPage{}, err
		}
		sc, perr := strconv.ParseFloat(parts[0], 64)
		if perr != nil || parts[2] == "" {
			return kg.EntityPage{}, kg.Invalidf(op, "after", "%q is not a cursor this query returned", q.After)
		}
		after = &kg.Hit{Score: sc, Name: parts[1], ID: parts[2]}
	}
	kinds := make([]any, len(q.Kinds))
	for i, k := range q.Kinds {
		kinds[i] = string(k)
	}
	params := map[string]any{"lucene": lucene, "kinds": kinds, "max_candidates": int64(maxSearchCandidates)}
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (kg.EntityPage, error) {
		recs, err := run(ctx, tx, stSearch, params)
		if err != nil {
			return kg.EntityPage{}, err
		}
		scorer := kg.NewScorer(q.Text)
		hits := make([]kg.Hit, 0, len(recs))
		for _, rec := range recs {
			id, err := recordString(rec, "id")
			if err != nil {
				return kg.EntityPage{}, err
			}
			name, err := recordString(rec, "name")
			if err != nil {
				return kg.EntityPage{}, err
			}
			aliases, err := recordStrings(rec, "aliases")
			if err != nil {
				return kg.EntityPage{}, err
			}
			names := make([][]string, 0, 1+len(aliases))
			names = append(names, kg.Tokens(name))
			for _, a := range aliases {
				names = append(names, kg.Tokens(a))
			}
			if sc := scorer.Score(names); sc > 0 {
				hits = append(hits, kg.Hit{Score: sc, Name: name, ID: id})
			}
		}
		slices.SortFunc(hits, kg.CompareHits)
		page := kg.EntityPage{TotalCount: len(hits)}
		start := 0
		if after != nil {
			start, _ = slices.BinarySearchFunc(hits, *after, kg.CompareHits)
			if start < len(hits) && kg.CompareHits(hits[start], *after) == 0 {
				start++
			}
		}
		end := min(start+q.First, len(hits))
		page.HasNextPage = end < len(hits)
		ids := make([]any, 0, end-start)
		for _, h := range hits[start:end] {
			ids = append(ids, h.ID)
		}
		if len(ids) == 0 {
			return page, nil
		}
		recs, err = run(ctx, tx, stEntitiesByID, map[string]any{"ids": ids})
		if err != nil {
			return kg.EntityPage{}, err
		}
		byID := make(map[string]kg.Entity, len(recs))
		for _, rec := range recs {
			e, err := entityFromRecord(rec, "e")
			if err != nil {
				return kg.EntityPage{}, err
			}
			byID[e.ID] = e
		}
		for _, h := range hits[start:end] {
			e, ok := byID[h.ID]
			if !ok {
				continue // gone since the index answered: not in this read
			}
			page.Edges = append(page.Edges, kg.EntityEdge{
				Entity: e, Score: h.Score,
				Cursor: kg.EncodeCursor(strconv.FormatFloat(h.Score, 'g', -1, 64), h.Name, h.ID),
			})
		}
		return page, nil
	})
}

// ListEntities lists entities of a kind, or of a dataset, in id order.
func (s *Store) ListEntities(ctx context.Context, q kg.ListQuery) (kg.EntityPage, error) {
	const op = "list"
	after, err := idCursor(op, q.After)
	if err != nil {
		return kg.EntityPage{}, err
	}
	if _, err := kindLabel(q.Kind); err != nil && (q.Source == "" || q.Kind != "") {
		return kg.EntityPage{}, kg.Invalidf(op, "kind", "%v", err)
	}
	params := map[string]any{"kind": string(q.Kind), "status": string(q.Status)}
	count, page := stListEntitiesCount, stListEntitiesPage
	if q.Source != "" {
		// The dataset anchors the match: its SOURCE_OF links name the
		// entities imported from it.
		params["source"] = q.Source
		count, page = stListSourcedCount, stListSourcedPage
	} else if q.Link != nil {
		if _, err := relPattern([]kg.RelType{q.Link.Type}); err != nil {
			return kg.EntityPage{}, kg.Invalidf(op, "type", "%v", err)
		}
		params["link_entity"] = q.Link.Entity
		params["link_type"] = string(q.Link.Type)
		params["direction"] = string(q.Link.Direction)
		count, page = stListLinkedCount, stListLinkedPage
	}
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (kg.EntityPage, error) {
		if q.Source != "" {
			if err := mustExist(ctx, tx, op, q.Source); err != nil {
				return kg.EntityPage{}, err
			}
		} else if q.Link != nil {
			if err := mustExist(ctx, tx, op, q.Link.Entity); err != nil {
				return kg.EntityPage{}, err
			}
		}
		total, err := countOf(ctx, tx, count, params)
		if err != nil {
			return kg.EntityPage{}, err
		}
		pp := with(params, map[string]any{"after": after, "limit": int64(q.First + 1)})
		recs, err := run(ctx, tx, page, pp)
		if err != nil {
			return kg.EntityPage{}, err
		}
		out := kg.EntityPage{TotalCount: total}
		for _, rec := range recs {
			if len(out.Edges) == q.First {
				out.HasNextPage = true
				break
			}
			e, err := entityFromRecord(rec, "e")
			if err != nil {
				return kg.EntityPage{}, err
			}
			out.Edges = append(out.Edges, kg.EntityEdge{Entity: e, Cursor: kg.EncodeCursor(e.ID)})
		}
		return out, nil
	})
}

// ListRelationships lists relationships of an entity, or asserted by an
// article, in id order.
func (s *Store) ListRelationships(ctx context.Context, q kg.RelQuery) (kg.RelationshipPage, error) {
	const op = "relationships"
	after, err := idCursor(op, q.After)
	if err != nil {
		return kg.RelationshipPage{}, err
	}
	types, err := typeNames(q.Types)
	if err != nil {
		return kg.RelationshipPage{}, err
	}
	dir := q.Direction
	if dir == "" {
		dir = kg.Both
	}
	lo, hi := asOfBounds(q.AsOf)
	params := map[string]any{
		"entity": q.Entity, "direction": string(dir), "types": types,
		"at_lo": lo, "at_hi": hi, "min_sources": int64(q.MinSources), "source": q.Source,
		"unsupported": q.Unsupported,
	}
	count, page := stRelsOfEntityCount, stRelsOfEntityPage
	switch {
	case q.Source != "":
		// The source anchors the match: its ASSERTS links name exactly
		// the relationships it gives evidence for.
		count, page = stRelsOfArticleCnt, stRelsOfArticlePage
	case q.Entity == "" && q.Unsupported:
		// The per-type unsupported indexes name the flagged ones.
		count, page = stUnsupportedCount, stUnsupportedPage
	}
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (kg.RelationshipPage, error) {
		if err := mustExist(ctx, tx, op, q.Entity, q.Source); err != nil {
			return kg.RelationshipPage{}, err
		}
		total, err := countOf(ctx, tx, count, params)
		if err != nil {
			return kg.RelationshipPage{}, err
		}
		recs, err := run(ctx, tx, page, with(params, map[string]any{"after": after, "limit": int64(q.First + 1)}))
		if err != nil {
			return kg.RelationshipPage{}, err
		}
		out := kg.RelationshipPage{TotalCount: total}
		for _, rec := range recs {
			if len(out.Edges) == q.First {
				out.HasNextPage = true
				break
			}
			r, err := relationshipFromRecord(rec)
			if err != nil {
				return kg.RelationshipPage{}, err
			}
			out.Edges = append(out.Edges, kg.RelationshipEdge{Relationship: r, Cursor: kg.EncodeCursor(r.ID)})
		}
		return out, nil
	})
}

// mustExist fails with KindNotFound naming the first of ids (empty ones
// skipped) that is not an entity: a listing anchored on a missing entity is
// an error, not an empty page.
func mustExist(ctx context.Context, tx neo4j.ManagedTransaction, op string, ids ...string) error {
	var want []any
	for _, id := range ids {
		if id != "" {
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return nil
	}
	recs, err := run(ctx, tx, stEntitiesByID, map[string]any{"ids": want})
	if err != nil {
		return err
	}
	found := map[string]bool{}
	for _, rec := range recs {
		e, err := entityFromRecord(rec, "e")
		if err != nil {
			return err
		}
		found[e.ID] = true
	}
	for _, id := range want {
		if !found[id.(string)] {
			return kg.NotFound(op, id.(string))
		}
	}
	return nil
}

func countOf(ctx context.Context, tx neo4j.ManagedTransaction, name string, params map[string]any) (int, error) {
	recs, err := run(ctx, tx, name, params)
	if err != nil {
		return 0, err
	}
	if len(recs) != 1 {
		return 0, fmt.Errorf("%s: %d records, want 1", name, len(recs))
	}
	n, err := recordInt(recs[0], "total")
	return int(n), err
}

func idCursor(op, after string) (string, error) {
	if after == "" {
		return "", nil
	}
	parts, err := kg.DecodeCursor(op, after, 1)
	if err != nil {
		return "", err
	}
	if parts[0] == "" {
		return "", kg.Invalidf(op, "after", "%q is not a cursor this query returned", after)
	}
	return parts[0], nil
}

// with returns a copy of a with b's entries added.
func with(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// ScanEntities calls fn for every entity in id order, reading a page per
// transaction so that neither side holds the graph.
func (s *Store) ScanEntities(ctx context.Context, fn func(kg.Entity) error) error {
	after := ""
	for {
		page, err := s.entityPage(ctx, after)
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(page) < scanPage {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

func (s *Store) entityPage(ctx context.Context, after string) ([]kg.Entity, error) {
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, "scanEntities", func(tx neo4j.ManagedTransaction) ([]kg.Entity, error) {
		return readEntityPage(ctx, tx, after)
	})
}

func readEntityPage(ctx context.Context, tx runner, after string) ([]kg.Entity, error) {
	recs, err := run(ctx, tx, stScanEntities, map[string]any{"after": after, "limit": int64(scanPage)})
	if err != nil {
		return nil, err
	}
	out := make([]kg.Entity, 0, len(recs))
	for _, rec := range recs {
		e, err := entityFromRecord(rec, "e")
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// ScanRelationships calls fn for every relationship in id order: one
// index-ordered stream per type, merged.
func (s *Store) ScanRelationships(ctx context.Context, fn func(kg.Relationship) error) error {
	return scanRelationships(ctx, func(ctx context.Context, name string, params map[string]any) ([]kg.Relationship, error) {
		ctx, cancel := s.deadline(ctx, 0)
		defer cancel()
		return readTx(s, ctx, "scanRelationships", func(tx neo4j.ManagedTransaction) ([]kg.Relationship, error) {
			return readRelPage(ctx, tx, name, params)
		})
	}, fn)
}

// relPager reads one page of a per-type relationship scan.
type relPager func(ctx context.Context, name string, params map[string]any) ([]kg.Relationship, error)

func readRelPage(ctx context.Context, tx runner, name string, params map[string]any) ([]kg.Relationship, error) {
	recs, err := run(ctx, tx, name, params)
	if err != nil {
		return nil, err
	}
	out := make([]kg.Relationship, 0, len(recs))
	for _, rec := range recs {
		r, err := relationshipFromRecord(rec)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// scanRelationships merges the per-type streams (each in id order) into
// one in id order.
func scanRelationships(ctx context.Context, page relPager, fn func(kg.Relationship) error) error {
	h := &relHeap{}
	for _, t := range kg.RelTypes {
		st := &relStream{page: page, typ: t}
		if err := st.fill(ctx); err != nil {
			return err
		}
		if len(st.buf) > 0 {
			heap.Push(h, st)
		}
	}
	for h.Len() > 0 {
		st := (*h)[0]
		if err := fn(st.buf[0]); err != nil {
			return err
		}
		st.buf = st.buf[1:]
		if len(st.buf) == 0 {
			if err := st.fill(ctx); err != nil {
				return err
			}
		}
		if len(st.buf) == 0 {
			heap.Pop(h)
		} else {
			heap.Fix(h, 0)
		}
	}
	return nil
}

// relStream pages through the relationships of one type in id order.
type relStream struct {
	page  relPager
	typ   kg.RelType
	after string
	done  bool
	buf   []kg.Relationship
}

func (st *relStream) fill(ctx context.Context) error {
	if st.done {
		return nil
	}
	name := prefixScanRels + mustRelPattern([]kg.RelType{st.typ})
	page, err := st.page(ctx, name, map[string]any{"after": st.after, "limit": int64(scanPage)})
	if err != nil {
		return err
	}
	st.buf = page
	st.done = len(page) < scanPage
	if len(page) > 0 {
		st.after = page[len(page)-1].ID
	}
	return nil
}

type relHeap []*relStream

func (h relHeap) Len() int           { return len(h) }
func (h relHeap) Less(i, j int) bool { return h[i].buf[0].ID < h[j].buf[0].ID }
func (h relHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *relHeap) Push(x any)        { *h = append(*h, x.(*relStream)) }
func (h *relHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Counts reports how many entities (by kind) and relationships there are.
func (s *Store) Counts(ctx context.Context) (kg.Counts, error) {
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, "counts", func(tx neo4j.ManagedTransaction) (kg.Counts, error) {
		c := kg.Counts{ByKind: map[kg.Kind]int{}}
		recs, err := run(ctx, tx, stCountEntities, nil)
		if err != nil {
			return c, err
		}
		for _, rec := range recs {
			kind, err := recordString(rec, "kind")
			if err != nil {
				return c, err
			}
			n, err := recordInt(rec, "n")
			if err != nil {
				return c, err
			}
			if n > 0 {
				c.ByKind[kg.Kind(kind)] = int(n)
			}
			c.Entities += int(n)
		}
		recs, err = run(ctx, tx, stCountRels, nil)
		if err != nil {
			return c, err
		}
		if len(recs) != 1 {
			return c, fmt.Errorf("counts: %d records, want 1", len(recs))
		}
		n, err := recordInt(recs[0], "n")
		c.Relationships = int(n)
		return c, err
	})
}

// Snapshot reads the graph in one explicit read transaction (not a managed
// one, which the driver would retry, repeating what fn already wrote).
// Neo4j's isolation is read committed, so the transaction alone does not
// stop an entity and a relationship to it that are committed between the
// two scans from appearing in the second only: the view therefore leaves
// out any relationship whose ends its entity scan did not yield, so what it
// yields is always a graph.
func (s *Store) Snapshot(ctx context.Context, fn func(kg.View) error) error {
	const op = "snapshot"
	if err := ctx.Err(); err != nil {
		return mapError(op, err)
	}
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.Background())
	var cfg []func(*neo4j.TransactionConfig)
	if _, ok := ctx.Deadline(); ok {
		cfg = append(cfg, s.txTimeout(ctx))
	}
	tx, err := sess.BeginTransaction(ctx, cfg...)
	if err != nil {
		return mapError(op, ctxCause(ctx, err))
	}
	defer tx.Close(context.Background())
	v := &snapshotView{tx: tx}
	if err := fn(v); err != nil {
		return err
	}
	return nil
}

type snapshotView struct {
	tx      neo4j.ExplicitTransaction
	seen    map[string]struct{} // ids the entity scan yielded
	scanned bool                // the entity scan ran to its end
}

func (v *snapshotView) ScanEntities(ctx context.Context, fn func(kg.Entity) error) error {
	seen := map[string]struct{}{}
	after := ""
	for {
		page, err := readEntityPage(ctx, v.tx, after)
		if err != nil {
			return mapError("scanEntities", ctxCause(ctx, err))
		}
		for _, e := range page {
			seen[e.ID] = struct{}{}
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(page) < scanPage {
			v.seen, v.scanned = seen, true
			return nil
		}
		after = page[len(page)-1].ID
	}
}

func (v *snapshotView) ScanRelationships(ctx context.Context, fn func(kg.Relationship) error) error {
	page := func(ctx context.Context, name string, params map[string]any) ([]kg.Relationship, error) {
		rels, err := readRelPage(ctx, v.tx, name, params)
		if err != nil {
			return nil, mapError("scanRelationships", ctxCause(ctx, err))
		}
		return rels, nil
	}
	return scanRelationships(ctx, page, func(r kg.Relationship) error {
		if v.scanned {
			if _, ok := v.seen[r.From]; !ok {
				return nil
			}
			if _, ok := v.seen[r.To]; !ok {
				return nil
			}
		}
		return fn(r)
	})
}
