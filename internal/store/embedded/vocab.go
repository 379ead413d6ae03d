package embedded

import (
	"hash/maphash"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"
)

// vocab indexes the distinct search tokens so that a search reads only the
// tokens a query token can match, never the whole vocabulary:
//
//   - sorted: every token in order; the tokens a query token is a prefix of
//     are one range of it, found by binary search.
//   - del1: every token under the hash of each of its one-letter deletions
//     (symmetric deletion). Two tokens within one edit (insertion, deletion,
//     substitution or transposition of adjacent letters) are equal after
//     deleting at most one letter from each: a query token finds them as
//     itself or its deletions, looked up here and among the tokens. A hash
//     collision only adds a candidate, which the distance then rejects.
//   - long: the tokens of at least minLong letters, by length, each with a
//     bit set of its letters, for distance 2 (query tokens of 8 letters or
//     more): a bucket of a near length is read, skipping tokens whose
//     letters differ by more than two edits can explain.
//
// Every candidate is still checked with the same distance as before, so the
// index changes what is read, not what matches.
type vocab struct {
	seed   maphash.Seed
	sorted []string
	del1   map[uint64][]string
	long   map[int]*lenBucket
}

// minLong is the shortest token a distance-2 match can reach: query tokens
// get distance 2 from 8 letters (kg.TypoBudget), and lengths differ by at
// most the distance.
const minLong = 6

type lenBucket struct {
	toks    []string
	letters []uint64
}

func newVocab() *vocab {
	return &vocab{seed: maphash.MakeSeed(), del1: make(map[uint64][]string), long: make(map[int]*lenBucket)}
}

// letterSet maps each letter to one of 64 bits. An edit changes at most two
// bits of the set (a substitution removes one letter and adds another), so
// tokens within d edits have sets differing in at most 2d bits; letters
// sharing a bit only make sets look closer.
func letterSet(t string) uint64 {
	var m uint64
	for _, r := range t {
		m |= 1 << (uint32(r) % 64)
	}
	return m
}

// deletions calls fn with the hash of t with each one of its letters
// deleted (once per distinct result of deleting one of a run of equal
// letters).
func (v *vocab) deletions(t string, fn func(uint64)) {
	var h maphash.Hash
	h.SetSeed(v.seed)
	prev := rune(-1)
	for i, r := range t {
		if r == prev {
			continue
		}
		prev = r
		h.Reset()
		h.WriteString(t[:i])
		h.WriteString(t[i+utf8.RuneLen(r):])
		fn(h.Sum64())
	}
}

func (v *vocab) hash(t string) uint64 { return maphash.String(v.seed, t) }

// update adds tokens new to the vocabulary and removes tokens no longer
// used; added may hold duplicates, and holds no token already indexed.
//
// Its cost is linear in the lists it touches: each deletion list and length
// bucket that loses tokens is filtered once, however many of its tokens go,
// and a new token is appended without searching the list it joins (it is
// in none yet). Many tokens share deletion keys and lengths ("Person 1" to
// "Person 300000"), so a search of the list per token would be quadratic.
func (v *vocab) update(added, removed []string) {
	if len(removed) > 0 {
		gone := make(map[string]bool, len(removed))
		for _, t := range removed {
			gone[t] = true
		}
		isGone := func(t string) bool { return gone[t] }
		v.sorted = slices.DeleteFunc(v.sorted, isGone)
		hashes := make(map[uint64]bool)
		lengths := make(map[int]bool)
		for t := range gone {
			v.deletions(t, func(h uint64) { hashes[h] = true })
			if n := utf8.RuneCountInString(t); n >= minLong {
				lengths[n] = true
			}
		}
		for h := range hashes {
			if list := slices.DeleteFunc(v.del1[h], isGone); len(list) > 0 {
				v.del1[h] = list
			} else {
				delete(v.del1, h)
			}
		}
		for n := range lengths {
			if b := v.long[n]; b != nil {
				k := 0
				for j, t := range b.toks {
					if !gone[t] {
						b.toks[k], b.letters[k] = t, b.letters[j]
						k++
					}
				}
				clear(b.toks[k:])
				b.toks, b.letters = b.toks[:k], b.letters[:k]
			}
		}
	}
	old := len(v.sorted)
	v.sorted = append(v.sorted, added...)
	v.sorted = slices.Compact(mergeTail(v.sorted, old, strings.Compare))
	seen := make(map[string]bool, len(added))
	for _, t := range added {
		if seen[t] {
			continue
		}
		seen[t] = true
		v.deletions(t, func(h uint64) {
			// Two deletions of t land on one list only by a hash
			// collision, one right after the other: t goes in once.
			if list := v.del1[h]; len(list) == 0 || list[len(list)-1] != t {
				v.del1[h] = append(list, t)
			}
		})
		if n := utf8.RuneCountInString(t); n >= minLong {
			b := v.long[n]
			if b == nil {
				b = &lenBucket{}
				v.long[n] = b
			}
			b.toks = append(b.toks, t)
			b.letters = append(b.letters, letterSet(t))
		}
	}
}

// prefixed calls fn with every token that starts with p.
func (v *vocab) prefixed(p string, fn func(string)) {
	i, _ := slices.BinarySearch(v.sorted, p)
	for ; i < len(v.sorted) && strings.HasPrefix(v.sorted[i], p); i++ {
		fn(v.sorted[i])
	}
}

// near calls fn with every token within maxd edits of q (and maybe others,
// and maybe some twice); has reports whether a string is a token.
func (v *vocab) near(q string, maxd int, has func(string) bool, fn func(string)) {
	switch {
	case maxd <= 0:
		return
	case maxd == 1:
		for _, t := range v.del1[v.hash(q)] {
			fn(t) // q plus one letter
		}
		prev := rune(-1)
		for i, r := range q {
			if r == prev {
				continue
			}
			prev = r
			d := q[:i] + q[i+utf8.RuneLen(r):]
			if has(d) {
				fn(d) // q minus one letter
			}
			for _, t := range v.del1[v.hash(d)] {
				fn(t) // one letter replaced, or two swapped
			}
		}
	default:
		n, qs := utf8.RuneCountInString(q), letterSet(q)
		for l := max(n-maxd, minLong); l <= n+maxd; l++ {
			b := v.long[l]
			if b == nil {
				continue
			}
			for k, m := range b.letters {
				if bits.OnesCount64(m^qs) <= 2*maxd {
					fn(b.toks[k])
				}
			}
		}
	}
}
