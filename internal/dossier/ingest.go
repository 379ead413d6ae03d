package dossier

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// URLScheme is the identifier scheme under which an article's URL is kept,
// so that the same article ingested again (or cited by another dossier) is
// found by its URL through Store.FindEntities.
const URLScheme = "url"

// Result says what an ingest did.
type Result struct {
	Dossier       string
	Article       string            // the article's graph id
	IDs           map[string]string // dossier key → graph id
	Matched       []string          // keys that matched entities already in the graph
	Entities      Tally
	Relationships Tally
}

// Tally counts items by what the ingest did to them. Updated relationships
// include those that only gained evidence.
type Tally struct {
	Created   int
	Updated   int
	Unchanged int
}

// Changed reports whether the ingest wrote anything.
func (r Result) Changed() bool {
	return r.Entities.Created+r.Entities.Updated+r.Relationships.Created+r.Relationships.Updated > 0
}

// Ingest parses a dossier and loads it into the graph in one atomic write:
// all of it or, on any problem, nothing. See IngestDossier.
func Ingest(ctx context.Context, svc *kg.Service, data []byte) (Result, error) {
	d, err := Parse(data)
	if err != nil {
		return Result{}, err
	}
	return IngestDossier(ctx, svc, d)
}

// File is one dossier to ingest, named for error messages.
type File struct {
	Name string
	Data []byte
}

// IngestFiles parses every file first and writes nothing if any is invalid
// (the problems of all files are listed, each path prefixed with the file's
// name: "a.json:$.entities[0].kind"). Then it ingests the files in order,
// each in its own atomic write, so that a later file matches the entities
// an earlier one created. On a failure while writing, the results of the
// files already written are returned with the error.
func IngestFiles(ctx context.Context, svc *kg.Service, files []File) ([]Result, error) {
	const op = "ingest"
	dossiers, err := ParseFiles(files)
	if err != nil {
		return nil, err
	}
	var results []Result
	for i, d := range dossiers {
		res, err := IngestDossier(ctx, svc, d)
		if err != nil {
			return results, FileError(files[i].Name, err)
		}
		results = append(results, res)
	}
	return results, nil
}

// FileError puts the name of the file a failed ingest read in front of the
// error's problem paths ("a.json:$.entities[0].kind") or its operation.
func FileError(name string, err error) error {
	const op = "ingest"
	var ke *kg.Error
	if errors.As(err, &ke) && len(ke.Problems) > 0 {
		ps := make([]kg.Problem, len(ke.Problems))
		for j, q := range ke.Problems {
			ps[j] = kg.Problem{Path: name + ":" + q.Path, Reason: q.Reason}
		}
		return &kg.Error{Op: op, Kind: ke.Kind, ID: ke.ID, Problems: ps, Err: ke.Err}
	}
	return &kg.Error{Op: op + " " + name, Kind: kg.KindOf(err), Err: err}
}

// ParseFiles parses every file, and fails listing the problems of all of
// them (each path prefixed with the file's name) if any is invalid.
func ParseFiles(files []File) ([]*Dossier, error) {
	const op = "ingest"
	var all []kg.Problem
	dossiers := make([]*Dossier, len(files))
	for i, f := range files {
		d, err := Parse(f.Data)
		if err != nil {
			ps := kg.ProblemsOf(err)
			if len(ps) == 0 {
				return nil, err
			}
			for _, q := range ps {
				all = append(all, kg.Problem{Path: f.Name + ":" + q.Path, Reason: q.Reason})
			}
			continue
		}
		dossiers[i] = d
	}
	if len(all) > 0 {
		return nil, kg.Invalid(op, all...)
	}
	return dossiers, nil
}

// IngestDossier loads a parsed dossier into the graph.
//
// Each entity is matched against the graph: by its explicit id; else by an
// external identifier (an article also by its URL); else, for actors, by
// kind and normalised name or alias. Matched entities are merged (aliases
// and identifiers united; an actor keeps its stored fields and gains the
// ones it lacked; the dossier's own article, allegations, events and
// statements take the dossier's fields). Unmatched ones get ids: an actor
// its key, or a slug of its name when the key is taken; the article the
// dossier id; allegations, events and statements "<dossier>:<key>".
//
// Only what differs from the graph is written, so ingesting the same
// dossier again writes nothing and reports everything unchanged.
func IngestDossier(ctx context.Context, svc *kg.Service, d *Dossier) (Result, error) {
	const op = "ingestDossier"
	pl := buildPlan(d)
	st := svc.Store()
	var p problems

	ids, matched, err := resolve(ctx, st, pl, &p)
	if err != nil {
		return Result{}, err
	}
	if len(p.list) > 0 {
		return Result{}, kg.Invalid(op, p.list...)
	}
	res := Result{Dossier: d.ID, Article: ids[pl.items[0].key], IDs: map[string]string{}}
	for _, it := range pl.items {
		res.IDs[it.key] = ids[it.key]
		if matched[it.key] {
			res.Matched = append(res.Matched, it.key)
		}
	}

	// Entities: merge with what is stored, keep what changed.
	var b kg.Batch
	var entityPaths, relPaths []func(string) string
	entityIDs := make([]string, 0, len(pl.items))
	for _, it := range pl.items {
		entityIDs = append(entityIDs, ids[it.key])
	}
	stored, err := st.Entities(ctx, entityIDs)
	if err != nil {
		return Result{}, err
	}
	for _, it := range pl.items {
		e := it.entity
		e.ID = ids[it.key]
		if e.Outlet != "" {
			e.Outlet = ids[e.Outlet]
		}
		if e.Speaker != "" {
			e.Speaker = ids[e.Speaker]
		}
		if e.Kind == kg.Article && e.URL != "" {
			e.Identifiers = unionIdentifiers(e.Identifiers, []kg.Identifier{{Scheme: URLScheme, Value: e.URL}})
		}
		old, exists := stored[e.ID]
		if exists {
			e = mergeEntity(old, e, it.owned)
		}
		e.Normalize()
		switch {
		case !exists:
			res.Entities.Created++
		case sameEntity(old, e):
			res.Entities.Unchanged++
			continue
		default:
			res.Entities.Updated++
		}
		b.Entities = append(b.Entities, e)
		entityPaths = append(entityPaths, func(sub string) string { return mapPath(it.path, it.fields, sub) })
	}

	// Relationships: resolve ends, fold the dossier's duplicates together,
	// merge with what is stored.
	type pending struct {
		r   kg.Relationship
		src *rel
	}
	var order []string
	byID := map[string]*pending{}
	for _, r := range pl.rels {
		x := r.r
		x.Evidence = clone(x.Evidence)
		x.From, x.To = ids[r.from], ids[r.to]
		for i := range x.Evidence {
			x.Evidence[i].Article = res.Article
		}
		x.Normalize()
		if prev, dup := byID[x.ID]; dup {
			prev.r.Evidence = kg.MergeEvidence(prev.r.Evidence, x.Evidence)
			for _, f := range []struct {
				name     string
				have, in *kg.Date
			}{{"since", &prev.r.Since, &x.Since}, {"until", &prev.r.Until, &x.Until}} {
				switch {
				case f.in.IsZero():
				case f.have.IsZero():
					*f.have = *f.in
				case *f.have != *f.in:
					p.add(mapPath(r.path, r.fields, f.name), "%s %s contradicts %s %s given at %s for the same relationship", f.name, f.in, f.name, f.have, prev.src.path)
				}
			}
			continue
		}
		byID[x.ID] = &pending{r: x, src: r}
		order = append(order, x.ID)
	}
	if len(p.list) > 0 {
		return Result{}, kg.Invalid(op, p.list...)
	}
	storedRels, err := st.Relationships(ctx, order)
	if err != nil {
		return Result{}, err
	}
	for _, id := range order {
		pr := byID[id]
		r := pr.r
		old, exists := storedRels[id]
		if exists {
			if kg.NormalizeName(old.Role) == kg.NormalizeName(r.Role) {
				r.Role = old.Role // "Prime Minister" and "prime minister" are one role; the first spelling stays
			}
			if r.Since.IsZero() {
				r.Since = old.Since
			}
			if r.Until.IsZero() {
				r.Until = old.Until
			}
			r.Evidence = kg.MergeEvidence(old.Evidence, r.Evidence)
		}
		switch {
		case !exists:
			res.Relationships.Created++
		case sameRelationship(old, r):
			res.Relationships.Unchanged++
			continue
		default:
			res.Relationships.Updated++
		}
		b.Relationships = append(b.Relationships, r)
		src := pr.src
		relPaths = append(relPaths, func(sub string) string { return mapPath(src.path, src.fields, sub) })
	}
	if b.Empty() {
		return res, nil
	}

	// Service.Apply validates the batch again, against the graph, and
	// names items by synthetic prefixes that are mapped back to JSON paths.
	bp := kg.BatchPaths{
		Entity:       func(i int) string { return "#e" + strconv.Itoa(i) },
		Relationship: func(i int) string { return "#r" + strconv.Itoa(i) },
	}
	if err := svc.Apply(ctx, op, &b, bp); err != nil {
		var ke *kg.Error
		if errors.As(err, &ke) && len(ke.Problems) > 0 {
			out := *ke
			// The article's outlet is checked as a field and as its
			// PUBLISHED_BY tie: both land on $.article.outlet, said once.
			out.Problems = nil
			seen := map[kg.Problem]bool{}
			for _, q := range ke.Problems {
				q.Path = unprefix(q.Path, entityPaths, relPaths)
				if !seen[q] {
					seen[q] = true
					out.Problems = append(out.Problems, q)
				}
			}
			return Result{}, &out
		}
		return Result{}, err
	}
	return res, nil
}

// unprefix maps a problem path from Service.Apply ("#r3.to") to the
// dossier's JSON path.
func unprefix(path string, entities, rels []func(string) string) string {
	var table []func(string) string
	switch {
	case strings.HasPrefix(path, "#e"):
		table = entities
	case strings.HasPrefix(path, "#r"):
		table = rels
	default:
		return path
	}
	head, sub, _ := strings.Cut(path[2:], ".")
	if i := strings.IndexByte(head, '['); i >= 0 { // "#r3[0]" does not occur, but be safe
		head, sub = head[:i], head[i:]+sub
	}
	n, err := strconv.Atoi(head)
	if err != nil || n < 0 || n >= len(table) {
		return path
	}
	return table[n](sub)
}

// resolve gives every key of the dossier its graph id. Explicit ids come
// first, then matches in the graph, then new ids, so that a new id never
// takes one the dossier names or matches.
func resolve(ctx context.Context, st kg.Store, pl *plan, p *problems) (ids map[string]string, matched map[string]bool, err error) {
	ids = map[string]string{}
	matched = map[string]bool{}
	usedBy := map[string]*item{}
	idField := func(it *item) string {
		if it.explicitID != "" {
			return it.path + ".id"
		}
		return it.fields["id"]
	}
	claim := func(it *item, id string) {
		if other, taken := usedBy[id]; taken {
			p.add(idField(it), "resolves to the graph entity %q, as %s does; use one key for both", id, other.path)
			return
		}
		usedBy[id] = it
		ids[it.key] = id
	}

	// Candidates, looked up in one read: explicit ids, matches, defaults.
	found := map[string][]string{}
	lookup := map[string]bool{}
	for _, it := range pl.items {
		if it.explicitID != "" {
			lookup[it.explicitID] = true
			continue
		}
		m := kg.Match{Kind: it.entity.Kind, Identifiers: it.entity.Identifiers}
		if it.entity.Kind == kg.Article && it.entity.URL != "" {
			m.Identifiers = append(clone(m.Identifiers), kg.Identifier{Scheme: URLScheme, Value: it.entity.URL})
		}
		if it.matchByName {
			m.Names = it.entity.Names()
		}
		if len(m.Identifiers) > 0 || len(m.Names) > 0 {
			got, err := st.FindEntities(ctx, m)
			if err != nil {
				return nil, nil, err
			}
			found[it.key] = got
			for _, id := range got {
				lookup[id] = true
			}
		}
		for _, id := range defaultIDs(pl, it) {
			lookup[id] = true
		}
	}
	stored, err := st.Entities(ctx, keys(lookup))
	if err != nil {
		return nil, nil, err
	}

	for _, it := range pl.items {
		if it.explicitID == "" {
			continue
		}
		if old, ok := stored[it.explicitID]; ok {
			if old.Kind != it.entity.Kind {
				p.add(idField(it), "%q is a %s in the graph, not a %s", it.explicitID, old.Kind, it.entity.Kind)
				continue
			}
			matched[it.key] = true
		}
		claim(it, it.explicitID)
	}
	for _, it := range pl.items {
		if it.explicitID != "" {
			continue
		}
		for _, id := range found[it.key] {
			if old, ok := stored[id]; ok && old.Kind == it.entity.Kind {
				matched[it.key] = true
				claim(it, id)
				break
			}
		}
	}
	for _, it := range pl.items {
		if _, done := ids[it.key]; done || it.explicitID != "" || matched[it.key] {
			continue
		}
		// An owned item finding its default id stored with its kind is
		// this dossier ingested again, not a clash.
		chosen := ""
		for _, id := range defaultIDs(pl, it) {
			old, exists := stored[id]
			if _, used := usedBy[id]; used {
				continue
			}
			if !exists || (it.owned && old.Kind == it.entity.Kind) {
				chosen = id
				break
			}
			if it.owned {
				p.add(idField(it), "its id %q is taken by a %s in the graph; give an explicit id", id, old.Kind)
				chosen = "-"
				break
			}
		}
		for n := 2; chosen == ""; n++ {
			id := it.key + "-" + strconv.Itoa(n)
			if _, used := usedBy[id]; used {
				continue
			}
			m, err := st.Entities(ctx, []string{id})
			if err != nil {
				return nil, nil, err
			}
			if _, exists := m[id]; !exists {
				chosen = id
			}
		}
		if chosen != "-" {
			claim(it, chosen)
		}
	}
	return ids, matched, nil
}

// defaultIDs lists, best first, the ids an unmatched entity may take. The
// dossier's own article takes the dossier id; its allegations, events and
// statements "<dossier>:<key>", so that two dossiers' "allegation-1" never
// collide. An actor (or a cited article) takes its key, which reads well in
// queries ("han-dong"), or else a slug of its name.
func defaultIDs(pl *plan, it *item) []string {
	switch {
	case it.path == "$.article":
		return []string{pl.d.ID}
	case it.owned:
		return []string{pl.d.ID + ":" + it.key}
	}
	out := []string{it.key}
	if s := Slug(it.entity.Name); s != "" && s != it.key {
		out = append(out, s)
	}
	return out
}

// Slug turns a name into a readable id: "Liberal Party of Canada" →
// "liberal-party-of-canada" (accents dropped, punctuation removed).
func Slug(name string) string {
	return strings.Join(kg.Tokens(name), "-")
}

// mergeEntity merges an incoming entity into the stored one. Aliases and
// identifiers are united; for other fields, the stored values win for
// actors (the graph's canonical name stays, the dossier's becomes an alias)
// and the incoming values win for the dossier's own items; either way an
// empty field is filled from the other side, so no stored field is lost.
func mergeEntity(old, in kg.Entity, incomingWins bool) kg.Entity {
	primary, secondary := old, in
	if incomingWins {
		primary, secondary = in, old
	}
	out := primary
	pv, sv := reflect.ValueOf(&out).Elem(), reflect.ValueOf(secondary)
	for i := range pv.NumField() {
		switch pv.Type().Field(i).Name {
		case "ID", "Kind", "Aliases", "Identifiers":
			continue
		}
		if pv.Field(i).IsZero() {
			pv.Field(i).Set(sv.Field(i))
		}
	}
	out.ID, out.Kind = old.ID, old.Kind
	aliases := append(clone(primary.Aliases), secondary.Aliases...)
	if !incomingWins {
		aliases = append(aliases, in.Name)
	}
	out.Aliases = aliases
	out.Identifiers = unionIdentifiers(primary.Identifiers, secondary.Identifiers)
	return out
}

func unionIdentifiers(a, b []kg.Identifier) []kg.Identifier {
	out := clone(a)
	for _, x := range b {
		dup := false
		for _, y := range out {
			if x == y {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, x)
		}
	}
	return out
}

// sameEntity compares entities, an empty list equal to a missing one.
func sameEntity(a, b kg.Entity) bool {
	a.Aliases, b.Aliases = clone(a.Aliases), clone(b.Aliases)
	a.Identifiers, b.Identifiers = clone(a.Identifiers), clone(b.Identifiers)
	return reflect.DeepEqual(a, b)
}

func sameRelationship(a, b kg.Relationship) bool {
	a.Evidence, b.Evidence = clone(a.Evidence), clone(b.Evidence)
	return reflect.DeepEqual(a, b)
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
