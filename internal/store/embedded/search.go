package embedded

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/polgraph/polgraph/internal/kg"
)

type hit struct {
	i int32
	kg.Hit
}

// Search ranks entities whose name or alias matches every query token:
// exactly, as a prefix, or within a small edit distance.
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) (kg.EntityPage, error) {
	const op = "search"
	if err := ctxErr(ctx, op); err != nil {
		return kg.EntityPage{}, err
	}
	var after *hit
	if q.After != "" {
		parts, err := kg.DecodeCursor(op, q.After, 3)
		if err != nil {
			return kg.EntityPage{}, err
		}
		score, err := strconv.ParseFloat(parts[0], 64)
		if err != nil || parts[2] == "" {
			return kg.EntityPage{}, kg.Invalidf(op, "after", "%q is not a cursor this query returned", q.After)
		}
		after = &hit{Hit: kg.Hit{Score: score, Name: parts[1], ID: parts[2]}}
	}
	qtoks := kg.Tokens(q.Text)
	if len(qtoks) == 0 {
		return kg.EntityPage{}, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := s.g

	// For each query token, the vocabulary tokens it matches and how well.
	matches := make([]map[string]float64, len(qtoks))
	var dl kg.Distance
	tr := make([]rune, 0, 64)
	has := func(t string) bool { _, ok := g.tokens[t]; return ok }
	for k, qt := range qtoks {
		// Each word is matched against the whole vocabulary: a request
		// that was cancelled or ran out of time stops here.
		if err := ctxErr(ctx, op); err != nil {
			return kg.EntityPage{}, err
		}
		m := make(map[string]float64)
		matches[k] = m
		qr := []rune(qt)
		maxd := kg.TypoBudget(len(qr))
		// Exact beats prefix beats typo, whatever order tokens come in.
		if has(qt) {
			m[qt] = kg.ScoreExact
		}
		g.vocab.prefixed(qt, func(t string) {
			if t != qt {
				m[t] = kg.ScorePrefix
			}
		})
		g.vocab.near(qt, maxd, has, func(t string) {
			if _, done := m[t]; done || abs(utf8.RuneCountInString(t)-len(qr)) > maxd {
				return
			}
			tr = tr[:0]
			for _, r := range t {
				tr = append(tr, r)
			}
			switch dl.Between(qr, tr, maxd) {
			case 1:
				m[t] = kg.ScoreTypo1
			case 2:
				if maxd >= 2 {
					m[t] = kg.ScoreTypo2
				}
			}
		})
		if len(matches[k]) == 0 {
			return kg.EntityPage{}, nil // a token nothing matches: no name has them all
		}
	}
	kinds := make(map[kg.Kind]bool, len(q.Kinds))
	for _, k := range q.Kinds {
		kinds[k] = true
	}
	// Candidates come from the query token whose matches name the fewest
	// entities: "persno 4242" must not score every "Person".
	driver, least := 0, math.MaxInt
	for k, m := range matches {
		n := 0
		for t := range m {
			n += len(g.tokens[t])
		}
		if n < least {
			driver, least = k, n
		}
	}
	whole := strings.Join(qtoks, " ")
	seen := make(map[int32]bool)
	var hits []hit
	for t := range matches[driver] {
		if err := ctxErr(ctx, op); err != nil {
			return kg.EntityPage{}, err
		}
		for _, i := range g.tokens[t] {
			if seen[i] {
				continue
			}
			seen[i] = true
			rec := &g.ents[i]
			if len(kinds) > 0 && !kinds[rec.e.Kind] {
				continue
			}
			best := 0.0
			for _, name := range rec.names {
				best = max(best, kg.NameScore(name, matches, whole))
			}
			if best > 0 {
				hits = append(hits, hit{i: i, Hit: kg.Hit{Score: best, Name: rec.e.Name, ID: rec.e.ID}})
			}
		}
	}
	slices.SortFunc(hits, hitCmp)
	page := kg.EntityPage{TotalCount: len(hits)}
	start := 0
	if after != nil {
		start, _ = slices.BinarySearchFunc(hits, *after, hitCmp)
		if start < len(hits) && hitCmp(hits[start], *after) == 0 {
			start++
		}
	}
	for _, h := range hits[start:] {
		if len(page.Edges) == q.First {
			page.HasNextPage = true
			break
		}
		page.Edges = append(page.Edges, kg.EntityEdge{
			Entity: g.entity(h.i),
			Cursor: kg.EncodeCursor(strconv.FormatFloat(h.Score, 'g', -1, 64), h.Name, h.ID),
			Score:  h.Score,
		})
	}
	return page, nil
}

func hitCmp(a, b hit) int { return kg.CompareHits(a.Hit, b.Hit) }

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
