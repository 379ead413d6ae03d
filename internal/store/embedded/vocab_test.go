package embedded

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/polgraph/polgraph/internal/kg"
)

// TestVocabCandidates checks the vocabulary index against a scan of every
// token: prefixed and near must together offer every token that the
// search's rules match, over random words from a small alphabet (so that
// near misses abound), through additions and removals.
func TestVocabCandidates(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	letters := []rune("abcdeé董")
	word := func() string {
		var b strings.Builder
		for range 1 + rng.IntN(10) {
			b.WriteRune(letters[rng.IntN(len(letters))])
		}
		return b.String()
	}
	v := newVocab()
	live := map[string]bool{}
	var dl kg.Distance
	for round := range 20 {
		var added, removed []string
		for range 200 {
			w := word()
			if !live[w] {
				live[w] = true
				added = append(added, w)
			}
		}
		if round%3 == 2 {
			for w := range live {
				if rng.IntN(3) == 0 {
					delete(live, w)
					removed = append(removed, w)
					added = slices.DeleteFunc(added, func(a string) bool { return a == w })
				}
			}
		}
		v.update(added, removed)
		var all []string
		for w := range live {
			all = append(all, w)
		}
		slices.Sort(all)
		if !slices.Equal(v.sorted, all) {
			t.Fatalf("round %d: sorted vocabulary differs from the live tokens", round)
		}
		has := func(s string) bool { return live[s] }
		for k := range 100 {
			q := word()
			if k%2 == 0 { // a live token with one or two letters deleted or inserted
				r := []rune(all[rng.IntN(len(all))])
				for range 1 + rng.IntN(2) {
					if i := rng.IntN(len(r) + 1); rng.IntN(2) == 0 && i < len(r) && len(r) > 1 {
						r = slices.Delete(r, i, i+1)
					} else {
						r = slices.Insert(r, i, letters[rng.IntN(len(letters))])
					}
				}
				q = string(r)
			}
			qr := []rune(q)
			maxd := kg.TypoBudget(len(qr))
			offered := map[string]bool{}
			v.prefixed(q, func(s string) { offered[s] = true })
			v.near(q, maxd, has, func(s string) { offered[s] = true })
			for _, tok := range all {
				match := strings.HasPrefix(tok, q)
				if !match && maxd > 0 && abs(utf8.RuneCountInString(tok)-len(qr)) <= maxd {
					match = dl.Between(qr, []rune(tok), maxd) <= maxd
				}
				if match && !offered[tok] {
					t.Errorf("round %d: query %q matches %q, which the index does not offer", round, q, tok)
				}
			}
		}
	}
}
