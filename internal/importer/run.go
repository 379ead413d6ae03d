package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/polgraph/polgraph/internal/kg"
)

// runner is one import in progress.
type runner struct {
	ctx      context.Context
	svc      *kg.Service
	opt      Options
	imported time.Time
	sum      Summary

	dataset     string // the DATASET entity's id
	datasetDone bool
	// refs maps the file's entity references to graph ids, for the
	// relationships that name them (one string pair per entity record:
	// what an import must remember, not the file).
	refs map[string]string
	// landed counts the records of this import each entity received.
	landed   map[string]int
	deferred []Record
	final    bool // no more entity records: a missing end is an error
	// added lists the references and landings of the batch being
	// written, so that a batch the store could not take in time is undone
	// here and retried in halves.
	added []string
	// survivors are the entities written to that others were merged
	// into (merged.go).
	survivors map[string]bool
}

// write writes a batch of records. When the store cannot take it in time
// (KindUnavailable: a transaction timeout, on a loaded Neo4j), nothing of
// it was written: what the runner noted about it is undone and each half
// is written on its own (records in the first half that name entities of
// the second are deferred as usual).
func (run *runner) write(recs []Record) error {
	sum, deferred, datasetDone := run.sum, len(run.deferred), run.datasetDone
	run.added = run.added[:0]
	err := run.batch(recs)
	if err == nil || kg.KindOf(err) != kg.KindUnavailable || len(recs) < 2 || run.ctx.Err() != nil {
		return err
	}
	run.sum, run.deferred, run.datasetDone = sum, run.deferred[:deferred], datasetDone
	for _, ref := range run.added {
		if target, ok := run.refs[ref]; ok {
			delete(run.refs, ref)
			if run.landed[target]--; run.landed[target] <= 0 {
				delete(run.landed, target)
			}
		}
	}
	h := len(recs) / 2
	if err := run.write(recs[:h]); err != nil {
		return err
	}
	return run.write(recs[h:])
}

// Op is the operation imports are recorded as in the audit log.
const Op = "importDataset"

// slug makes a dataset name into an id part: lower-case letters, digits
// and dashes.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(kg.NormalizeName(name)) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if s == "" {
		s = "h" + hash(name)
	}
	return s
}

func hash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// DatasetID is the id of the DATASET entity of a dataset name.
func DatasetID(name string) string { return "dataset-" + slug(name) }

// EntityID is the graph id an entity record of a dataset gets when the
// Resolver matches it to nothing stored: the dataset's slug and the
// record's reference, or a hash of the reference when it would not make a
// readable id.
func EntityID(dataset, ref string) string {
	s := slug(dataset)
	ok := len(s)+1+len(ref) <= 120 && ref != ""
	for i := 0; ok && i < len(ref); i++ {
		ok = ref[i] > ' ' && ref[i] < 0x7f
	}
	if ok {
		return s + ":" + ref
	}
	return s + ":h" + hash(ref)
}

// RelationshipID is the graph id of the i-th relationship of a record.
func RelationshipID(dataset, record string, i int) string {
	return "rel-" + slug(dataset) + "-" + hash(record, strconv.Itoa(i))
}

func (run *runner) store() kg.Store { return run.svc.Store() }

// datasetEntity is the DATASET entity of the import.
func (run *runner) datasetEntity() kg.Entity {
	d := run.opt.Dataset
	return kg.Entity{ID: run.dataset, Kind: kg.Dataset, Name: d.Name, URL: d.URL,
		Publisher: d.Publisher, Licence: d.Licence, Retrieved: d.Retrieved}
}

// batch writes one batch of records in one kg.Batch.
func (run *runner) batch(recs []Record) error {
	ctx := run.ctx
	store := run.store()
	needDataset := false
	for i := range recs {
		if !recs[i].Verbatim {
			needDataset = true
			break
		}
	}
	if needDataset && run.dataset == "" {
		if strings.TrimSpace(run.opt.Dataset.Name) == "" {
			return ErrNoDataset
		}
		run.dataset = DatasetID(run.opt.Dataset.Name)
		run.sum.Dataset = run.dataset
	}

	// 1. Which stored entities the records may be: their own ids first.
	type entRec struct {
		rec        *Record
		derived    string
		target     string
		redirected bool // derived was merged into target
	}
	var ents []entRec
	ids := []string{}
	if needDataset && !run.datasetDone {
		ids = append(ids, run.dataset)
	}
	for i := range recs {
		r := &recs[i]
		if r.Entity == nil {
			continue
		}
		er := entRec{rec: r}
		if r.Verbatim {
			er.derived = r.Entity.ID
		} else {
			er.derived = EntityID(run.opt.Dataset.Name, r.Entity.ID)
		}
		ents = append(ents, er)
		ids = append(ids, er.derived)
	}
	stored, err := store.Entities(ctx, ids)
	if err != nil {
		return err
	}
	var merged []string
	for _, er := range ents {
		if _, ok := stored[er.derived]; !ok && !er.rec.Verbatim {
			merged = append(merged, er.derived)
		}
	}
	redirect, err := run.redirects(ctx, merged, stored)
	if err != nil {
		return err
	}
	var cands []Candidate
	var candOf []int
	for i, er := range ents {
		if _, ok := stored[er.derived]; ok || er.rec.Verbatim {
			continue
		}
		if to, ok := redirect[er.derived]; ok {
			ents[i].target, ents[i].redirected = to, true
			continue
		}
		cands = append(cands, Candidate{Entity: er.rec.Entity, Dataset: run.dataset, Record: er.rec.ID})
		candOf = append(candOf, i)
	}
	if len(cands) > 0 {
		matches, err := run.opt.Resolver.Resolve(ctx, store, cands)
		if err != nil {
			return err
		}
		var more []string
		for _, m := range matches {
			for _, id := range m {
				if _, ok := stored[id]; !ok {
					more = append(more, id)
				}
			}
		}
		if len(more) > 0 {
			got, err := store.Entities(ctx, more)
			if err != nil {
				return err
			}
			for id, e := range got {
				stored[id] = e
			}
		}
		for j, m := range matches {
			er := &ents[candOf[j]]
			for _, id := range m {
				if e, ok := stored[id]; ok && e.Kind == er.rec.Entity.Kind && run.mayLand(&e, er.rec.ID) {
					er.target = id
					break
				}
			}
		}
	}

	// 2. The entities as they must be stored.
	building := map[string]*kg.Entity{}
	var order []string
	write := func(e kg.Entity) {
		if _, ok := building[e.ID]; !ok {
			order = append(order, e.ID)
		}
		building[e.ID] = &e
	}
	if needDataset && !run.datasetDone {
		de := run.datasetEntity()
		if old, ok := stored[run.dataset]; ok {
			// What this run does not say about the dataset, it keeps.
			de = mergeEntity(&old, de, run.dataset, true, kg.Source{})
			de.Sources = old.Sources
		}
		de.Normalize()
		if probs := de.Validate("dataset"); len(probs) > 0 {
			return kg.Invalid(Op, probs...)
		}
		write(de)
	}
	inBatch := map[string]map[string]bool{} // target -> records of this dataset landed in it in this batch
	for _, er := range ents {
		rec := er.rec
		target := er.derived
		foreign := false
		if er.target != "" {
			target, foreign = er.target, true
			// A record of this dataset never folds into another record
			// of it that the Resolver matched.
			if other := inBatch[target]; len(other) > 0 && !other[rec.ID] && !er.redirected {
				target, foreign = er.derived, false
			}
		}
		base := building[target]
		if base == nil {
			if e, ok := stored[target]; ok {
				base = &e
			}
		}
		var next kg.Entity
		if rec.Verbatim {
			next = *rec.Entity
		} else {
			src := kg.Source{Dataset: run.dataset, Record: rec.ID, File: run.opt.Dataset.File, Imported: run.imported}
			next = mergeEntity(base, *rec.Entity, target, !foreign, src)
		}
		next.ID = target
		next.Normalize()
		next.Aliases = capAliases(next.Aliases)
		if probs := next.Validate(""); len(probs) > 0 {
			run.sum.fail(&RecordError{Record: rec.ID, Field: probs[0].Path, Reason: problemsText(probs)})
			continue
		}
		if e, ok := stored[target]; ok && next.Kind != e.Kind {
			run.sum.fail(Recordf(rec.ID, "kind", "%q is stored as a %s and cannot become a %s", target, e.Kind, next.Kind))
			continue
		}
		if !rec.Verbatim {
			if inBatch[target] == nil {
				inBatch[target] = map[string]bool{}
			}
			inBatch[target][rec.ID] = true
		}
		switch {
		case run.landed[target] > 0:
			run.sum.Entities.Merged++
		case foreign:
			run.sum.Entities.Matched++
		}
		run.landed[target]++
		write(next)
		run.noteSurvivor(next)
		if _, seen := run.refs[rec.Entity.ID]; !seen {
			run.added = append(run.added, rec.Entity.ID)
		}
		run.refs[rec.Entity.ID] = target
	}
	var batch kg.Batch
	var entRecord []string
	for _, id := range order {
		e := building[id]
		if old, ok := stored[id]; ok {
			if kg.SameEntity(&old, e) {
				if id != run.dataset {
					run.sum.Entities.Unchanged++
				}
				continue
			}
			if id != run.dataset {
				run.sum.Entities.Updated++
			}
		} else if id != run.dataset {
			run.sum.Entities.Created++
		}
		batch.Entities = append(batch.Entities, *e)
		entRecord = append(entRecord, id)
	}

	// 3. The relationships.
	type relRec struct {
		rec *Record
		rel kg.Relationship
	}
	var rels []relRec
	var relIDs []string
	for i := range recs {
		r := &recs[i]
		if len(r.Relationships) == 0 {
			continue
		}
		out, ok, rerr := run.relationships(r)
		if rerr != nil {
			run.sum.fail(rerr)
			continue
		}
		if !ok {
			// Its entity, if it has one, is written now; its
			// relationships wait for their ends.
			run.deferred = append(run.deferred, Record{ID: r.ID, Relationships: r.Relationships, Verbatim: r.Verbatim})
			continue
		}
		for _, rel := range out {
			rels = append(rels, relRec{rec: r, rel: rel})
			relIDs = append(relIDs, rel.ID)
		}
	}
	storedRels, err := store.Relationships(ctx, relIDs)
	if err != nil {
		return err
	}
	if err := run.repointed(ctx, len(rels), func(k int) (*kg.Relationship, *Record) { return &rels[k].rel, rels[k].rec }, storedRels); err != nil {
		return err
	}
	relBuilding := map[string]*kg.Relationship{}
	var relOrder []string
	relRecord := map[string]string{}
	for _, rr := range rels {
		next := rr.rel
		base := relBuilding[next.ID]
		if base == nil {
			if old, ok := storedRels[next.ID]; ok {
				base = &old
			}
		}
		if base != nil {
			if base.Type != next.Type || base.From != next.From || base.To != next.To {
				run.sum.fail(Recordf(rr.rec.ID, "type", "relationship %q is stored as %s -%s-> %s", next.ID, base.From, base.Type, base.To))
				continue
			}
			next.Evidence = mergeEvidence(base.Evidence, next.Evidence)
		}
		if relBuilding[next.ID] == nil {
			relOrder = append(relOrder, next.ID)
		}
		relBuilding[next.ID] = &next
		relRecord[next.ID] = rr.rec.ID
	}
	var relRecords []string
	for _, id := range relOrder {
		r := relBuilding[id]
		if old, ok := storedRels[id]; ok {
			if kg.SameRelationship(&old, r) {
				run.sum.Relationships.Unchanged++
				continue
			}
			run.sum.Relationships.Updated++
		} else {
			run.sum.Relationships.Created++
		}
		batch.Relationships = append(batch.Relationships, *r)
		relRecords = append(relRecords, relRecord[id])
	}

	run.sum.Batches++
	if needDataset {
		run.datasetDone = true
	}
	if batch.Empty() {
		return nil
	}
	paths := kg.BatchPaths{
		Entity:       func(i int) string { return "entity " + strconv.Quote(entRecord[i]) },
		Relationship: func(i int) string { return "record " + strconv.Quote(relRecords[i]) },
	}
	if err := run.svc.Apply(ctx, Op, &batch, paths); err != nil {
		return fmt.Errorf("batch %d: %w", run.sum.Batches, err)
	}
	return nil
}

// mayLand reports whether a record of this import may land in a stored
// entity the Resolver matched: not when the entity holds other records of
// this dataset and not this one (records of one dataset are distinct
// things, even when their names agree).
func (run *runner) mayLand(e *kg.Entity, record string) bool {
	ours := false
	for _, s := range e.Sources {
		if s.Dataset == run.dataset {
			if s.Record == record {
				return true
			}
			ours = true
		}
	}
	return !ours
}

// relationships resolves a record's relationships' ends and adds its
// provenance. ok is false when an end is not known yet (a later entity
// record may bring it).
func (run *runner) relationships(r *Record) (_ []kg.Relationship, ok bool, _ *RecordError) {
	out := make([]kg.Relationship, 0, len(r.Relationships))
	for i, rel := range r.Relationships {
		if !r.Verbatim {
			from, okF := run.refs[rel.From]
			to, okT := run.refs[rel.To]
			if !okF || !okT {
				if !run.final {
					return nil, false, nil
				}
				field, ref := "from", rel.From
				if okF {
					field, ref = "to", rel.To
				}
				return nil, false, Recordf(r.ID, field, "no entity %q in the dataset (or its record failed)", ref)
			}
			rel.From, rel.To = from, to
			if rel.ID == "" {
				rel.ID = RelationshipID(run.opt.Dataset.Name, r.ID, i)
			}
			// Evidence naming an article names an entity record; evidence
			// naming no source is the record's own.
			own := kg.Evidence{Dataset: run.dataset, Record: r.ID, File: run.opt.Dataset.File, Imported: run.imported, Confidence: 1}
			ev := make([]kg.Evidence, 0, len(rel.Evidence)+1)
			for j, e := range rel.Evidence {
				switch {
				case e.Article != "":
					id, ok := run.refs[e.Article]
					if !ok {
						if !run.final {
							return nil, false, nil
						}
						return nil, false, Recordf(r.ID, fmt.Sprintf("evidence[%d].article", j), "no entity %q in the dataset (or its record failed)", e.Article)
					}
					e.Article = id
				case e.Dataset == "":
					own.Quote = e.Quote
					continue
				}
				ev = append(ev, e)
			}
			rel.Evidence = append(ev, own)
		}
		rel.Normalize()
		if probs := rel.Validate(""); len(probs) > 0 {
			return nil, true, &RecordError{Record: r.ID, Field: probs[0].Path, Reason: problemsText(probs)}
		}
		out = append(out, rel)
	}
	return out, true, nil
}

func slicesClone[T any](s []T) []T { return append([]T(nil), s...) }

func problemsText(probs []kg.Problem) string {
	parts := make([]string, len(probs))
	for i, p := range probs {
		if p.Path != "" {
			parts[i] = p.Path + ": " + p.Reason
		} else {
			parts[i] = p.Reason
		}
	}
	return strings.Join(parts, "; ")
}

// mergeEvidence adds evidence to what a relationship has: dataset evidence
// is keyed by (dataset, record) and the first kept (so the first Imported
// stays), article evidence as kg.MergeEvidence does.
func mergeEvidence(have, add []kg.Evidence) []kg.Evidence {
	out := slicesClone(have)
	for _, ev := range add {
		if ev.Dataset == "" {
			out = kg.MergeEvidence(out, []kg.Evidence{ev})
			continue
		}
		found := false
		for _, h := range out {
			if h.Dataset == ev.Dataset && h.Record == ev.Record {
				found = true
				break
			}
		}
		if !found {
			out = append(out, ev)
		}
	}
	return out
}

// mergeEntity folds a record into what is stored (base, nil when nothing
// is). own says the entity is the record's own (its derived id): the
// record's values then replace the stored ones; in an entity another
// source made, they only fill what it leaves empty. Names, aliases,
// identifiers, attributes and sources are united (sources as the store
// unites them, kg.MergeSources).
func mergeEntity(base *kg.Entity, rec kg.Entity, id string, own bool, src kg.Source) kg.Entity {
	rec.ID = id
	if base == nil {
		rec.Sources = kg.MergeSources(nil, append(slicesClone(rec.Sources), src))
		return rec
	}
	out := *base
	out.Aliases = slicesClone(base.Aliases)
	if own {
		out.Name = rec.Name
	} else if kg.NormalizeName(rec.Name) != kg.NormalizeName(base.Name) {
		out.Aliases = append(out.Aliases, rec.Name)
	}
	out.Aliases = append(out.Aliases, rec.Aliases...)
	out.Identifiers = slicesClone(base.Identifiers)
	for _, idf := range rec.Identifiers {
		if !slices.Contains(out.Identifiers, idf) && len(out.Identifiers) < kg.MaxIdentifiers {
			out.Identifiers = append(out.Identifiers, idf)
		}
	}
	out.Attributes = slicesClone(base.Attributes)
	for _, a := range rec.Attributes {
		if !slices.Contains(out.Attributes, a) {
			out.Attributes = append(out.Attributes, a)
		}
	}
	out.Sources = kg.MergeSources(base.Sources, append(slicesClone(rec.Sources), src))
	str := func(dst *string, v string) {
		if v != "" && (own || *dst == "") {
			*dst = v
		}
	}
	date := func(dst *kg.Date, v kg.Date) {
		if !v.IsZero() && (own || dst.IsZero()) {
			*dst = v
		}
	}
	str(&out.Description, rec.Description)
	date(&out.BirthDate, rec.BirthDate)
	date(&out.DeathDate, rec.DeathDate)
	str(&out.Gender, rec.Gender)
	if out.Classification == "" || own {
		if rec.Classification != "" {
			out.Classification = rec.Classification
		}
	}
	str(&out.CountryCode, rec.CountryCode)
	str(&out.Title, rec.Title)
	str(&out.URL, rec.URL)
	date(&out.Published, rec.Published)
	str(&out.Summary, rec.Summary)
	date(&out.Date, rec.Date)
	str(&out.EventType, rec.EventType)
	str(&out.Publisher, rec.Publisher)
	str(&out.Licence, rec.Licence)
	date(&out.Retrieved, rec.Retrieved)
	return out
}

func capAliases(a []string) []string {
	if len(a) > kg.MaxAliases {
		return a[:kg.MaxAliases]
	}
	return a
}
