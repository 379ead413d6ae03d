package kg

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormalizeName folds a name for matching and search: accents removed
// ("Zoë" → "zoe"), lower case, punctuation turned into spaces, runs of
// spaces collapsed. Two names that normalise alike name the same thing for
// the purposes of entity matching.
func NormalizeName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // combining mark: the accent of the previous letter
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(foldRune(unicode.ToLower(r)))
		case r == '\'' || r == '’':
			// "O'Toole" and "OToole" match; an apostrophe joins.
		default:
			space = true
		}
	}
	return b.String()
}

// foldRune maps the few letters that NFD does not decompose to their usual
// Latin transliteration.
func foldRune(r rune) rune {
	switch r {
	case 'ø':
		return 'o'
	case 'ł':
		return 'l'
	case 'đ':
		return 'd'
	case 'ß':
		return 's'
	case 'ı':
		return 'i'
	}
	return r
}

// Tokens splits a name into its normalised words.
func Tokens(s string) []string {
	return strings.Fields(NormalizeName(s))
}

// TypoBudget is how many edits (Damerau-Levenshtein: a transposition counts
// as one) a search word of n letters may be from a word of a name and still
// match it: none below 4 letters (too many short words are one edit apart),
// one up to 7, two beyond. Every store applies this one rule.
func TypoBudget(n int) int {
	switch {
	case n < 4:
		return 0
	case n <= 7:
		return 1
	}
	return 2
}

// SearchText is what full-text search matches an entity by: the tokens of
// its name and aliases, separated by spaces. A store whose index tokenizes
// text itself is fed this and splits it on spaces only, so that every store
// searches the same words (no stop words dropped, the same folding).
func SearchText(e *Entity) string {
	toks := Tokens(e.Name)
	for _, a := range e.Aliases {
		toks = append(toks, Tokens(a)...)
	}
	return strings.Join(toks, " ")
}
