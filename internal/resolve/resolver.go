package resolve

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/kg"
)

// Mode says how widely the Resolver looks for the stored entity an
// incoming record is.
type Mode string

const (
	// MatchExact looks up identifiers, then names and aliases whose
	// normalised form is the record's (or its "First Last" reading, with
	// honorifics dropped): index lookups only.
	MatchExact Mode = "exact"
	// MatchFuzzy also searches the full-text index for each name (typos,
	// other word orders) and scores what it finds, transliteration
	// variants and initials included.
	MatchFuzzy Mode = "fuzzy"
)

// ParseMode reads a mode by name.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(s)); m {
	case MatchExact, MatchFuzzy:
		return m, nil
	}
	return "", fmt.Errorf("unknown match mode %q: want exact or fuzzy", s)
}

// Options tune a Resolver. The zero value is exact matching at the
// default threshold.
type Options struct {
	Mode Mode
	// Threshold is the score at or above which a record attaches to the
	// stored entity (default DefaultThreshold). Below it, nothing is
	// merged automatically.
	Threshold float64
	// CandidateAt is the score at or above which a pair below the
	// threshold is recorded as a possible duplicate (default
	// DefaultCandidateAt).
	CandidateAt float64
}

func (o Options) withDefaults() Options {
	if o.Mode == "" {
		o.Mode = MatchExact
	}
	if o.Threshold <= 0 {
		o.Threshold = DefaultThreshold
	}
	if o.CandidateAt <= 0 {
		o.CandidateAt = DefaultCandidateAt
	}
	return o
}

// Resolver is the importer's Resolver (importer.Options.Resolver) with
// entity resolution: for each entity record it looks up identifiers first
// (a merged-away id finds its survivor), then names; it scores every
// stored entity found (Score) and returns those at or above the
// threshold, best first, for the record to attach to. A name match to an
// entity that only other datasets made is capped below the threshold
// (every country has a "National Party": across datasets, identifiers
// link records).
//
// What scores below the threshold is remembered as a pending pair; Settle,
// after the import, scores them again with the ties the import wrote
// (shared parties and countries) and either merges (at or above the
// threshold) or records a duplicate candidate for a curator.
type Resolver struct {
	svc *kg.Service
	opt Options

	mu      sync.Mutex
	pending map[[2]string]pendingPair // (record's id, stored id)
}

type pendingPair struct {
	record, stored string
	dataset        string
	score          float64
}

// New returns a Resolver writing through svc (Settle's merges and
// candidates).
func New(svc *kg.Service, opt Options) *Resolver {
	return &Resolver{svc: svc, opt: opt.withDefaults(), pending: map[[2]string]pendingPair{}}
}

// maxSearchHits is how many full-text hits per name fuzzy matching scores.
const maxSearchHits = 10

// otherDatasetsCap is the most a match by name alone to an entity that
// only other datasets made scores.
const otherDatasetsCap = 0.8

var _ importer.Resolver = (*Resolver)(nil)

// Resolve implements importer.Resolver.
func (r *Resolver) Resolve(ctx context.Context, store kg.Store, cands []importer.Candidate) ([][]string, error) {
	out := make([][]string, len(cands))
	found := make([][]string, len(cands))
	derived := make([]string, len(cands))
	var all []string
	for i, c := range cands {
		e := c.Entity
		derived[i] = importer.EntityID(strings.TrimPrefix(c.Dataset, "dataset-"), e.ID)
		ids, err := store.FindEntities(ctx, kg.Match{Kind: e.Kind, Identifiers: e.Identifiers, Names: nameVariants(e)})
		if err != nil {
			return nil, err
		}
		if r.opt.Mode == MatchFuzzy {
			for _, n := range e.Names() {
				if kg.NormalizeName(n) == "" {
					continue
				}
				page, err := store.Search(ctx, kg.SearchQuery{Text: clip(n), Kinds: []kg.Kind{e.Kind}, First: maxSearchHits})
				if err != nil {
					return nil, err
				}
				for _, h := range page.Edges {
					ids = append(ids, h.Entity.ID)
				}
			}
		}
		found[i] = dedupe(ids)
		all = append(all, found[i]...)
	}
	redirects, err := store.Redirects(ctx, derived)
	if err != nil {
		return nil, err
	}
	heads := map[string]kg.Entity{}
	if len(all) > 0 {
		if heads, err = store.EntityHeads(ctx, dedupe(all)); err != nil {
			return nil, err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, c := range cands {
		if to, ok := redirects[derived[i]]; ok {
			// The record's entity was merged into another: it lands there.
			out[i] = []string{to}
			continue
		}
		type scored struct {
			id    string
			score float64
		}
		var above []scored
		for _, id := range found[i] {
			h, ok := heads[id]
			if !ok || h.Kind != c.Entity.Kind || id == derived[i] {
				continue
			}
			score, reasons := Score(Subject{Entity: *c.Entity}, Subject{Entity: h})
			if !hasReason(reasons, ReasonIdentifier) && fromOtherDatasets(&h, c.Dataset) {
				score = min(score, otherDatasetsCap)
			}
			switch {
			case score >= r.opt.Threshold:
				above = append(above, scored{id, score})
			case score >= r.opt.CandidateAt:
				key := [2]string{derived[i], id}
				if p, ok := r.pending[key]; !ok || p.score < score {
					r.pending[key] = pendingPair{record: derived[i], stored: id, dataset: c.Dataset, score: score}
				}
			}
		}
		slices.SortStableFunc(above, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
		for _, s := range above {
			out[i] = append(out[i], s.id)
		}
	}
	return out, nil
}

// nameVariants are the names FindEntities looks up for e: its names and
// aliases, and each one's parsed reading ("Dong, Han" as "Han Dong",
// honorifics dropped).
func nameVariants(e *kg.Entity) []string {
	var out []string
	for _, n := range e.Names() {
		out = append(out, n)
		if p := strings.Join(ParseName(n).Plain, " "); p != "" {
			out = append(out, p)
		}
	}
	return dedupe(out)
}

// clip keeps a search within the service's query limits.
func clip(s string) string {
	w := strings.Fields(s)
	if len(w) > 8 {
		w = w[:8]
	}
	s = strings.Join(w, " ")
	if len(s) > 150 {
		s = s[:150]
	}
	return s
}

func hasReason(rs []kg.MatchReason, kind string) bool {
	return slices.ContainsFunc(rs, func(r kg.MatchReason) bool { return r.Kind == kind })
}

// fromOtherDatasets reports whether e was made by datasets only, none of
// them dataset.
func fromOtherDatasets(e *kg.Entity, dataset string) bool {
	if len(e.Sources) == 0 {
		return false
	}
	return !slices.ContainsFunc(e.Sources, func(s kg.Source) bool { return s.Dataset == dataset })
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Settled says what Settle did.
type Settled struct {
	// Merged are the stored entities merged into an imported one, keyed by
	// the stored id.
	Merged map[string]string
	// Candidates are the pairs recorded for a curator.
	Candidates []kg.DuplicatePair
}

// Settle scores the pairs Resolve left below the threshold again, now with
// the ties the import wrote (parties, countries): a pair at or above the
// threshold is merged, the stored entity into the imported one (so that
// importing the file again finds its own ids; the stored id redirects), an
// entity merged at most once; the others at or above CandidateAt are
// recorded as possible duplicates. It needs the editor role, as the
// merges and the candidates are writes; each merge is audited and undone
// by unmergeEntity.
func (r *Resolver) Settle(ctx context.Context) (Settled, error) {
	r.mu.Lock()
	pairs := make([]pendingPair, 0, len(r.pending))
	for _, p := range r.pending {
		pairs = append(pairs, p)
	}
	r.pending = map[[2]string]pendingPair{}
	r.mu.Unlock()
	out := Settled{Merged: map[string]string{}}
	if len(pairs) == 0 {
		return out, nil
	}
	var ids []string
	for _, p := range pairs {
		ids = append(ids, p.record, p.stored)
	}
	subjects, err := Subjects(ctx, r.svc, dedupe(ids))
	if err != nil {
		return out, err
	}
	type rescored struct {
		pendingPair
		reasons []kg.MatchReason
	}
	var list []rescored
	for _, p := range pairs {
		a, okA := subjects[p.record]
		b, okB := subjects[p.stored]
		if !okA || !okB {
			continue // the record did not land, or the entity is gone
		}
		score, reasons := Score(a, b)
		if !hasReason(reasons, ReasonIdentifier) && fromOtherDatasets(&b.Entity, p.dataset) {
			score = min(score, otherDatasetsCap)
		}
		p.score = score
		list = append(list, rescored{p, reasons})
	}
	// Best first, so that an entity merges with its best match.
	slices.SortFunc(list, func(x, y rescored) int {
		if c := cmp.Compare(y.score, x.score); c != 0 {
			return c
		}
		if c := cmp.Compare(x.record, y.record); c != 0 {
			return c
		}
		return cmp.Compare(x.stored, y.stored)
	})
	used := map[string]bool{}
	for _, p := range list {
		if p.score >= r.opt.Threshold && !used[p.record] && !used[p.stored] {
			if _, err := r.svc.MergeEntities(ctx, p.record, []string{p.stored}); err != nil {
				return out, fmt.Errorf("merge %s into %s: %w", p.stored, p.record, err)
			}
			used[p.record], used[p.stored] = true, true
			out.Merged[p.stored] = p.record
			continue
		}
		if p.score < r.opt.CandidateAt || used[p.stored] {
			continue
		}
		a, b := kg.Pair(p.record, p.stored)
		out.Candidates = append(out.Candidates, kg.DuplicatePair{A: a, B: b, Kind: subjects[p.record].Entity.Kind, Score: p.score, Reasons: p.reasons})
	}
	if err := r.svc.RecordDuplicates(ctx, out.Candidates); err != nil {
		return out, err
	}
	return out, nil
}

// maxTies is how many relationships of an entity Subjects reads for
// supporting evidence.
const maxTies = 200

// Subjects reads entities with the ties that support a match: the parties
// they are members of (MEMBER_OF an organization classified PARTY) and
// the countries they are citizens of.
func Subjects(ctx context.Context, svc *kg.Service, ids []string) (map[string]Subject, error) {
	ents, err := svc.Store().EntityHeads(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Subject, len(ents))
	first := min(maxTies, svc.Limits().MaxPageSize)
	var others []string
	memberOf := map[string][]string{}
	for id, e := range ents {
		s := Subject{Entity: e}
		page, err := svc.Relationships(ctx, kg.RelQuery{Entity: id, Direction: kg.Out, Types: []kg.RelType{kg.MemberOf, kg.CitizenOf}}, &first)
		if err != nil {
			return nil, err
		}
		for _, edge := range page.Edges {
			rel := edge.Relationship
			if rel.Type == kg.CitizenOf {
				s.Countries = append(s.Countries, rel.To)
			} else {
				memberOf[id] = append(memberOf[id], rel.To)
				others = append(others, rel.To)
			}
		}
		out[id] = s
	}
	if len(others) > 0 {
		orgs, err := svc.Store().EntityHeads(ctx, dedupe(others))
		if err != nil {
			return nil, err
		}
		for id, tos := range memberOf {
			s := out[id]
			for _, to := range tos {
				if o, ok := orgs[to]; ok && o.Kind == kg.Organization && o.Classification == kg.Party {
					s.Parties = append(s.Parties, to)
				}
			}
			out[id] = s
		}
	}
	return out, nil
}
