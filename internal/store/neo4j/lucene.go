package neo4j

import (
	"strings"
	"unicode/utf8"

	"github.com/polgraph/polgraph/internal/kg"
)

// luceneQuery turns search text into a query for the full-text index: every
// word must match, exactly (ranked highest), as a prefix, or within a small
// edit distance (typos; transpositions count as one edit). The words are the
// text's normalised tokens (lower case, accents folded, as the index's
// standard-folding analyzer stores names), escaped so that no character of
// the user's text is read as query syntax. "" when there is no word.
func luceneQuery(text string) string {
	var clauses []string
	for _, t := range kg.Tokens(text) {
		w := escapeLucene(t)
		c := w + "^4 OR " + w + "*^2"
		switch n := utf8.RuneCountInString(t); {
		case n >= 6:
			c += " OR " + w + "~2"
		case n >= 3:
			c += " OR " + w + "~1"
		}
		clauses = append(clauses, "+("+c+")")
	}
	return strings.Join(clauses, " ")
}

// luceneSpecial are the characters the Lucene classic query parser gives a
// meaning to.
const luceneSpecial = `+-&|!(){}[]^"~*?:\/ `

// escapeLucene backslash-escapes Lucene's special characters.
func escapeLucene(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(luceneSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
