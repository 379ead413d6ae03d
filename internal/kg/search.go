package kg

import (
	"cmp"
	"strings"
	"unicode/utf8"
)

// How a search word matched a word of a name. An exact match of the whole
// name adds ExactNameBonus, so that it ranks above any partial match. Every
// store ranks with these (through NameScore), so that one query returns the
// same entities in the same order whatever the store.
const (
	ScoreExact     = 1.0
	ScorePrefix    = 0.7
	ScoreTypo1     = 0.5
	ScoreTypo2     = 0.4
	ExactNameBonus = 1.0
	CoverageWeight = 0.1 // share of the name's words matched: "Han Dong" above "Han Dong Memorial Fund"
)

// NameScore scores one name (its tokens) against a query whose k-th word
// matches the name words in matches[k] with the scores above: 0 unless
// every query word matches one of the name's words. whole is the query's
// tokens joined by spaces.
func NameScore(name []string, matches []map[string]float64, whole string) float64 {
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
	score := sum/float64(len(matches)) + CoverageWeight*float64(n)/float64(len(name))
	if strings.Join(name, " ") == whole {
		score += ExactNameBonus
	}
	return score
}

// Hit is one search result as the ranking sees it.
type Hit struct {
	Score float64
	Name  string
	ID    string
}

// CompareHits orders hits best first, then by name and id: the order of
// every store's search results and of their cursors.
func CompareHits(a, b Hit) int {
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// Scorer ranks candidate entities against one search text. A store whose
// index only finds candidates (Neo4j's full-text index) ranks them with it,
// the same way the embedded store ranks its own.
type Scorer struct {
	words   []string
	runes   [][]rune
	whole   string
	matches []map[string]float64
	dist    Distance
	buf     []rune
}

// NewScorer prepares the ranking of text's words (Tokens).
func NewScorer(text string) *Scorer {
	words := Tokens(text)
	s := &Scorer{words: words, whole: strings.Join(words, " ")}
	for _, w := range words {
		s.runes = append(s.runes, []rune(w))
		s.matches = append(s.matches, map[string]float64{})
	}
	return s
}

// Score is the best score of an entity over its names (the tokens of its
// name and of each alias), 0 when no name matches every word.
func (s *Scorer) Score(names [][]string) float64 {
	best := 0.0
	for _, name := range names {
		for _, t := range name {
			for k := range s.words {
				if _, done := s.matches[k][t]; !done {
					s.matches[k][t] = s.wordScore(k, t)
				}
			}
		}
		best = max(best, NameScore(name, s.matches, s.whole))
	}
	return best
}

// wordScore is how well query word k matches the name word t: exactly, as
// a prefix, or within the typo budget (TypoBudget).
func (s *Scorer) wordScore(k int, t string) float64 {
	w := s.words[k]
	switch {
	case t == w:
		return ScoreExact
	case strings.HasPrefix(t, w):
		return ScorePrefix
	}
	qr := s.runes[k]
	maxd := TypoBudget(len(qr))
	if maxd == 0 {
		return 0
	}
	if d := utf8.RuneCountInString(t) - len(qr); d > maxd || -d > maxd {
		return 0
	}
	s.buf = append(s.buf[:0], []rune(t)...)
	// Between answers maxd+1 for "too far": only distances within the
	// budget score.
	switch d := s.dist.Between(qr, s.buf, maxd); {
	case d == 1:
		return ScoreTypo1
	case d == 2 && maxd >= 2:
		return ScoreTypo2
	}
	return 0
}

// Distance computes optimal-string-alignment (Damerau-Levenshtein)
// distances: insertions, deletions, substitutions and transpositions of
// adjacent letters. Its rows are reused from one call to the next.
type Distance struct {
	prev2, prev, cur []int
}

// Between is the distance between a and b, or maxd+1 as soon as it is
// known to exceed maxd.
func (s *Distance) Between(a, b []rune, maxd int) int {
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
