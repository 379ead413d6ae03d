// Package gazetteer is extraction's view of the graph: the names, aliases
// and kinds of the entities already stored, looked up by a name read in an
// article. Static holds a list in memory (tests, a dossier); Searched asks
// the graph's full-text search, so a graph of imported parliaments is
// never loaded whole.
package gazetteer

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// How a candidate's name matched.
const (
	Exact = "exact"
	Alias = "alias"
	Fuzzy = "fuzzy"
)

// Candidate is an entity a name may stand for.
type Candidate struct {
	Entity kg.Entity
	How    string  // Exact, Alias or Fuzzy
	Score  float64 // 1 exact, 0.95 alias, 0.8 fuzzy
}

// Gazetteer finds the entities a name may stand for. kinds restricts the
// kinds (none: actors: persons, organisations, countries).
type Gazetteer interface {
	Lookup(ctx context.Context, name string, kinds []kg.Kind) ([]Candidate, error)
}

// MaxNameWords is the longest name (in words) looked up.
const MaxNameWords = 8

var actorKinds = []kg.Kind{kg.Person, kg.Organization, kg.Country}

// Match compares a name read in an article with an entity's name and
// aliases: exact (normalised), alias, or fuzzy (every word within
// kg.TypoBudget of the entity's word, same number of words).
func Match(name string, e *kg.Entity) (how string, score float64) {
	n := strings.TrimPrefix(kg.NormalizeName(name), "the ")
	if n == "" {
		return "", 0
	}
	norm := func(s string) string { return strings.TrimPrefix(kg.NormalizeName(s), "the ") }
	if norm(e.Name) == n {
		return Exact, 1
	}
	for _, a := range e.Aliases {
		if norm(a) == n {
			return Alias, 0.95
		}
	}
	var d kg.Distance
	words := strings.Fields(n)
	for _, cand := range append([]string{e.Name}, e.Aliases...) {
		cw := strings.Fields(norm(cand))
		if len(cw) != len(words) {
			continue
		}
		ok := true
		for i := range cw {
			a, b := []rune(words[i]), []rune(cw[i])
			budget := kg.TypoBudget(min(len(a), len(b)))
			if d.Between(a, b, budget) > budget {
				ok = false
				break
			}
		}
		if ok {
			return Fuzzy, 0.8
		}
	}
	return "", 0
}

// Static is a gazetteer over entities held in memory.
type Static struct {
	entities []kg.Entity
	byWord   map[string][]int // a normalised word of a name or alias -> entities
}

// NewStatic indexes entities (of actor kinds; others are skipped).
func NewStatic(entities []kg.Entity) *Static {
	s := &Static{byWord: map[string][]int{}}
	for _, e := range entities {
		if !e.Kind.Actor() {
			continue
		}
		i := len(s.entities)
		s.entities = append(s.entities, e)
		seen := map[string]bool{}
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			for _, w := range kg.Tokens(n) {
				if !seen[w] {
					seen[w] = true
					s.byWord[w] = append(s.byWord[w], i)
				}
			}
		}
	}
	return s
}

// Lookup matches name against every entity sharing a word with it (or,
// for fuzzy matches, whose first letter agrees: a typo rarely hits it).
func (s *Static) Lookup(_ context.Context, name string, kinds []kg.Kind) ([]Candidate, error) {
	if len(kinds) == 0 {
		kinds = actorKinds
	}
	seen := map[int]bool{}
	var cands []int
	for _, w := range kg.Tokens(name) {
		for _, i := range s.byWord[w] {
			if !seen[i] {
				seen[i] = true
				cands = append(cands, i)
			}
		}
	}
	if len(cands) == 0 { // maybe a typo in every word: scan
		for i := range s.entities {
			cands = append(cands, i)
		}
	}
	var out []Candidate
	for _, i := range cands {
		e := &s.entities[i]
		if !slices.Contains(kinds, e.Kind) {
			continue
		}
		if how, score := Match(name, e); how != "" {
			out = append(out, Candidate{Entity: *e, How: how, Score: score})
		}
	}
	sortCandidates(out)
	return out, nil
}

func sortCandidates(c []Candidate) {
	slices.SortStableFunc(c, func(a, b Candidate) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return strings.Compare(a.Entity.ID, b.Entity.ID)
	})
}

// Searched is a gazetteer over the graph's kg.Gazetteer (what
// kg.Service.IngestArticle hands an extractor, or kg.Service.Gazetteer):
// each lookup is one full-text search (typo tolerant, at most First hits),
// whose hits are then matched by Match so that a hit sharing one word only
// is not taken for the name. Best first; ties keep the search's order.
type Searched struct {
	G     kg.Gazetteer
	First int // hits read per lookup; 0: 20
}

// Lookup searches the graph for name.
func (g Searched) Lookup(ctx context.Context, name string, kinds []kg.Kind) ([]Candidate, error) {
	if len(kinds) == 0 {
		kinds = actorKinds
	}
	first := g.First
	if first <= 0 {
		first = 20
	}
	// A name is a few words; a longer run of capitals (a headline, a
	// title-cased list) is not worth a search.
	if n := len(kg.Tokens(name)); n == 0 || n > MaxNameWords {
		return nil, nil
	}
	found, err := g.G.Search(ctx, name, first, kinds...)
	if err != nil {
		return nil, err
	}
	var out []Candidate
	for i := range found {
		if how, score := Match(name, &found[i]); how != "" {
			out = append(out, Candidate{Entity: found[i], How: how, Score: score})
		}
	}
	slices.SortStableFunc(out, func(a, b Candidate) int { return cmp.Compare(b.Score, a.Score) })
	return out, nil
}
