package embedded

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/polgraph/polgraph/internal/kg"
)

// How a query token matched a token of a name. An exact match of the whole
// name adds exactNameBonus, so that it ranks above any partial match.
const (
	scoreExact     = 1.0
	scorePrefix    = 0.7
	scoreTypo1     = 0.5
	scoreTypo2     = 0.4
	exactNameBonus = 1.0
	coverageWeight = 0.1 // share of the name's tokens matched: "Han Dong" above "Han Dong Memorial Fund"
)

type hit struct {
	i     int32
	score float64
	name  string
	id    string
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
		after = &hit{score: score, name: parts[1], id: parts[2]}
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
	var dl dlScratch
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
			m[qt] = scoreExact
		}
		g.vocab.prefixed(qt, func(t string) {
			if t != qt {
				m[t] = scorePrefix
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
			switch dl.distance(qr, tr, maxd) {
			case 1:
				m[t] = scoreTypo1
			case 2:
				if maxd >= 2 {
					m[t] = scoreTypo2
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
				best = max(best, nameScore(name, matches, whole))
			}
			if best > 0 {
				hits = append(hits, hit{i: i, score: best, name: rec.e.Name, id: rec.e.ID})
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
			Cursor: kg.EncodeCursor(strconv.FormatFloat(h.score, 'g', -1, 64), h.name, h.id),
			Score:  h.score,
		})
	}
	return page, nil
}

// hitCmp orders hits best first, then by name and id.
func hitCmp(a, b hit) int {
	if c := cmp.Compare(b.score, a.score); c != 0 {
		return c
	}
	if c := strings.Compare(a.name, b.name); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// nameScore scores one name (its tokens) against the query: 0 unless every
// query token matches one of the name's tokens.
func nameScore(name []string, matches []map[string]float64, whole string) float64 {
	if len(name) == 0 {
		return 0
	}
	sum := 0.0
	used := make([]bool, len(name))
	for _, m := range matches {
		best, at := 0.0, -1
		for j, t := range name {
			if sc := m[t]; sc > best {
				best, at = sc, j
			}
		}
		if at < 0 {
			return 0
		}
		sum += best
		used[at] = true
	}
	n := 0
	for _, u := range used {
		if u {
			n++
		}
	}
	score := sum/float64(len(matches)) + coverageWeight*float64(n)/float64(len(name))
	if strings.Join(name, " ") == whole {
		score += exactNameBonus
	}
	return score
}

// dlScratch holds the rows of the distance computation, reused across the
// candidates of one search.
type dlScratch struct {
	prev2, prev, cur []int
}

// distance is the optimal-string-alignment (Damerau-Levenshtein) distance
// between a and b: insertions, deletions, substitutions and transpositions
// of adjacent letters; maxd+1 as soon as it is known to exceed maxd.
func (s *dlScratch) distance(a, b []rune, maxd int) int {
	if d := len(a) - len(b); d > maxd || -d > maxd {
		return maxd + 1
	}
	n := len(b) + 1
	if cap(s.cur) < n {
		s.prev2, s.prev, s.cur = make([]int, n), make([]int, n), make([]int, n)
	}
	// Three rows: two back (for transpositions), previous, current.
	prev2, prev, cur := s.prev2[:n], s.prev[:n], s.cur[:n]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > maxd {
			return maxd + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], maxd+1)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
