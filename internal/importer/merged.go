package importer

import (
	"context"
	"slices"

	"github.com/polgraph/polgraph/internal/kg"
)

// Importing again after a curator merged (mergeEntities) an entity of the
// import into another must change nothing. Two things moved:
//
//   - the entity: its id is gone, and redirects to the survivor
//     (kg.RedirectStore). A record whose own id redirects lands in the
//     survivor, as a record matched to an entity another source made (it
//     fills what the survivor leaves empty, adds its names, identifiers
//     and source, and replaces nothing);
//   - its relationships: the merge re-pointed them at the survivor under
//     new ids (kg.MergedRelationshipID of the id the import gave them, and
//     again at each later merge). The import finds them by what stays: the
//     type, the ends as they are now, and the record's own evidence (its
//     dataset and record), among the relationships of the survivor.
//
// After an unmerge the entity and its relationships are back under their
// ids, and the import finds them as usual.

// redirectPage is how many relationships one lookup of re-pointed ones
// reads at a time.
const redirectPage = 500

// redirects returns, for the ids of missing that were merged into another
// entity, the survivor's id, and adds the survivors to stored.
func (run *runner) redirects(ctx context.Context, missing []string, stored map[string]kg.Entity) (map[string]string, error) {
	if len(missing) == 0 {
		return nil, nil
	}
	to, err := run.store().Redirects(ctx, missing)
	if err != nil || len(to) == 0 {
		return nil, err
	}
	var need []string
	for _, id := range to {
		if _, ok := stored[id]; !ok {
			need = append(need, id)
		}
	}
	if len(need) > 0 {
		got, err := run.store().Entities(ctx, need)
		if err != nil {
			return nil, err
		}
		for id, e := range got {
			stored[id] = e
		}
	}
	for from, id := range to {
		if _, ok := stored[id]; !ok {
			delete(to, from) // the survivor was deleted since
		}
	}
	return to, nil
}

// noteSurvivor remembers that an entity the import writes to has had
// entities merged into it: its relationships may be the import's,
// re-pointed.
func (run *runner) noteSurvivor(e kg.Entity) {
	if len(e.MergedFrom) == 0 {
		return
	}
	if run.survivors == nil {
		run.survivors = map[string]bool{}
	}
	run.survivors[e.ID] = true
}

// repointed finds, for the relationships of a batch that are not stored
// under their ids (stored) and have an end that is a survivor of merges,
// the stored relationship a merge made of them, and gives them its id
// (adding it to stored). rel and rec return the k-th relationship of the
// batch and its record; own holds the ids the batch gives its
// relationships, which are never taken for another's.
func (run *runner) repointed(ctx context.Context, n int, at func(k int) (*kg.Relationship, *Record), stored map[string]kg.Relationship) error {
	if len(run.survivors) == 0 {
		return nil
	}
	own := make(map[string]bool, n)
	for k := range n {
		r, _ := at(k)
		own[r.ID] = true
	}
	type key struct {
		entity string
		out    bool
		typ    kg.RelType
	}
	cands := map[key][]kg.Relationship{}
	claimed := map[string]bool{}
	for k := range n {
		r, rec := at(k)
		if _, ok := stored[r.ID]; ok {
			continue
		}
		var q key
		switch {
		case run.survivors[r.From]:
			q = key{r.From, true, r.Type}
		case run.survivors[r.To]:
			q = key{r.To, false, r.Type}
		default:
			continue
		}
		list, ok := cands[q]
		if !ok {
			var err error
			if list, err = run.relationshipsOf(ctx, q.entity, q.out, q.typ); err != nil {
				return err
			}
			cands[q] = list
		}
		// The record's own evidence tells its relationships from the
		// survivor's others; among several (a record with two ties of one
		// type between the same ends), the one agreeing on role and dates.
		best := -1
		for j := range list {
			c := &list[j]
			if c.From != r.From || c.To != r.To || own[c.ID] || claimed[c.ID] ||
				!slices.ContainsFunc(c.Evidence, func(ev kg.Evidence) bool { return ev.Dataset == run.dataset && ev.Record == rec.ID }) {
				continue
			}
			if best < 0 {
				best = j
			}
			if c.Role == r.Role && c.Since == r.Since && c.Until == r.Until {
				best = j
				break
			}
		}
		if best < 0 {
			continue
		}
		found := list[best]
		claimed[found.ID] = true
		r.ID = found.ID
		stored[found.ID] = found
	}
	return nil
}

// relationshipsOf lists the relationships of type typ from (out) or to an
// entity that have evidence from the import's dataset.
func (run *runner) relationshipsOf(ctx context.Context, entity string, out bool, typ kg.RelType) ([]kg.Relationship, error) {
	dir := kg.In
	if out {
		dir = kg.Out
	}
	q := kg.RelQuery{Op: Op, Entity: entity, Direction: dir, Types: []kg.RelType{typ}, Source: run.dataset, First: redirectPage}
	var list []kg.Relationship
	for {
		page, err := run.store().ListRelationships(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, e := range page.Edges {
			list = append(list, e.Relationship)
		}
		if !page.HasNextPage || len(page.Edges) == 0 {
			return list, nil
		}
		q.After = page.Edges[len(page.Edges)-1].Cursor
	}
}
