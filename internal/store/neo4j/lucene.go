package neo4j

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/polgraph/polgraph/internal/kg"
)

// luceneQuery turns search text into a query for the full-text index: every
// word must match, exactly (ranked highest), as a prefix, or within the
// domain's typo budget (kg.TypoBudget; Lucene's fuzzy query counts a
// transposition as one edit, as the embedded store does). The words are the
// text's domain tokens (kg.Tokens), the same the index holds (kg.SearchText
// through the whitespace analyzer), escaped so that no character of the
// user's text is read as query syntax. "" when there is no word.
func luceneQuery(text string) string {
	var clauses []string
	for _, t := range kg.Tokens(text) {
		w := escapeLucene(t)
		c := w + "^4 OR " + w + "*^2"
		if d := kg.TypoBudget(utf8.RuneCountInString(t)); d > 0 {
			c += " OR " + w + "~" + strconv.Itoa(d)
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
