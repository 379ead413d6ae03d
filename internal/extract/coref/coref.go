// Package coref ties an article's mentions of the same thing together:
// "Han Dong" / "Mr Dong" / "Dong", "Meng Wanzhou" / "Ms Meng", "the prime
// minister" / "Justin Trudeau", "Global" / "Global News", "Liberals" /
// "Liberal Party", and "Beijing" as China's government.
package coref

import (
	"slices"
	"strings"

	"github.com/polgraph/polgraph/internal/extract/lexicon"
	"github.com/polgraph/polgraph/internal/extract/ner"
	"github.com/polgraph/polgraph/internal/kg"
)

// Chain is one thing the article names, with every mention of it.
type Chain struct {
	Kind     kg.Kind
	Class    kg.OrgClass
	Name     string   // the fullest name the article gives
	Names    []string // every distinct form, Name first
	Titles   []string // roles written before its mentions ("prime minister")
	Mentions []int    // indices into the mentions, in order
	Country  *lexicon.CountryInfo
}

func words(s string) []string { return strings.Fields(strings.TrimPrefix(kg.NormalizeName(s), "the ")) }

// Resolve groups mentions into chains. of[i] is the chain of mention i, or
// -1 when it stands for nothing the article names (a city, an unknown
// word, a description nobody fits).
func Resolve(ms []ner.Mention) (chains []Chain, of []int) {
	of = make([]int, len(ms))
	byName := map[string]int{}
	add := func(i, c int) {
		of[i] = c
		ch := &chains[c]
		ch.Mentions = append(ch.Mentions, i)
		m := &ms[i]
		if m.Title != "" && !slices.Contains(ch.Titles, m.Title) {
			ch.Titles = append(ch.Titles, m.Title)
		}
		if !m.Description {
			n := m.CanonicalName()
			if !slices.ContainsFunc(ch.Names, func(x string) bool { return kg.NormalizeName(x) == kg.NormalizeName(n) }) {
				ch.Names = append(ch.Names, n)
			}
			if len(words(n)) > len(words(ch.Name)) || m.Name != "" && ch.Kind != kg.Country {
				ch.Name = n
			}
			byName[kg.NormalizeName(n)] = c
		}
		if ch.Kind == "" {
			ch.Kind, ch.Class = m.Kind, m.Class
		}
		if ch.Class == "" {
			ch.Class = m.Class
		}
	}
	newChain := func(i int) {
		chains = append(chains, Chain{Country: ms[i].Country})
		add(i, len(chains)-1)
	}
	// recent finds the latest chain (by its last mention) that fits.
	recent := func(fit func(*Chain) bool) int {
		best, at := -1, -1
		for c := range chains {
			ch := &chains[c]
			if fit(ch) {
				if last := ch.Mentions[len(ch.Mentions)-1]; last > at {
					best, at = c, last
				}
			}
		}
		return best
	}
	for i := range ms {
		m := &ms[i]
		of[i] = -1
		name := m.CanonicalName()
		w := words(name)
		if len(w) == 0 {
			continue
		}
		if c, ok := byName[kg.NormalizeName(name)]; ok && !m.Description && (m.Kind == "" || chains[c].Kind == m.Kind || m.Unknown) {
			add(i, c)
			continue
		}
		switch {
		case m.Description:
			if c := recent(func(ch *Chain) bool { return ch.Kind == kg.Person && slices.Contains(ch.Titles, m.Title) }); c >= 0 {
				add(i, c)
			}
		case m.Kind == kg.Country:
			newChain(i)
		case m.Kind == kg.Person && len(w) >= 2 && recent(func(ch *Chain) bool { return ch.Kind == kg.Person && isSuffix(words(ch.Name), w) }) >= 0:
			// "Ms de Vries" for Anna de Vries.
			add(i, recent(func(ch *Chain) bool { return ch.Kind == kg.Person && isSuffix(words(ch.Name), w) }))
		case m.Kind == kg.Person && len(w) >= 2:
			// A full name after its short form ("Mr Dong ... Han Dong").
			if c := recent(func(ch *Chain) bool {
				return ch.Kind == kg.Person && len(words(ch.Name)) == 1 && slices.Contains(w, words(ch.Name)[0])
			}); c >= 0 {
				add(i, c)
				chains[c].Name = name
				continue
			}
			newChain(i)
		case m.Kind == kg.Person || m.Unknown || m.Kind == "":
			// A surname, a given name ("Ms Meng" for Meng Wanzhou), a first
			// word of an organisation ("Global"), a plural of a party's
			// adjective ("Liberals").
			c := recent(func(ch *Chain) bool {
				return ch.Kind == kg.Person && len(w) == 1 && slices.Contains(words(ch.Name), w[0])
			})
			if c < 0 && m.Kind != kg.Person && len(w) == 1 {
				c = recent(func(ch *Chain) bool {
					cw := words(ch.Name)
					if ch.Kind != kg.Organization || len(cw) < 2 {
						return false
					}
					return cw[0] == w[0] || cw[0]+"s" == w[0]
				})
			}
			switch {
			case c >= 0:
				add(i, c)
			case m.Kind == kg.Person:
				newChain(i)
			}
		case m.Kind == kg.Organization:
			c := recent(func(ch *Chain) bool {
				if ch.Kind != kg.Organization {
					return false
				}
				cw := words(ch.Name)
				return hasPrefix(cw, w) || hasPrefix(w, cw)
			})
			if c >= 0 {
				add(i, c)
				continue
			}
			newChain(i)
		}
	}
	return chains, of
}

func hasPrefix(a, b []string) bool {
	if len(b) > len(a) || len(b) == 0 {
		return false
	}
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return len(b) >= 2 || len(a) == len(b)
}

// isSuffix reports whether short is a proper tail of long.
func isSuffix(long, short []string) bool {
	if len(short) >= len(long) {
		return false
	}
	return slices.Equal(long[len(long)-len(short):], short)
}
