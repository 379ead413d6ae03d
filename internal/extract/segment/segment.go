// Package segment splits an article's text into sentences and tokens,
// keeping every piece's rune offsets in the original text, so that a
// proposal can point at the exact passage it rests on.
package segment

import (
	"strings"
	"unicode"
)

// Token is a word, a number or one punctuation mark, with its rune offsets
// [Start, End) in the text.
type Token struct {
	Text       string
	Start, End int
}

// Sentence is a run of tokens ending at a full stop (outside quotes), or at
// the end of a line. Headline is set for a line without final punctuation
// whose words are mostly capitalised (a title, a breadcrumb, a byline).
type Sentence struct {
	Text       string
	Start, End int
	Tokens     []Token
	Paragraph  int // index of the line (paragraph) it belongs to
	Headline   bool
}

// abbreviations take their full stop with them and never end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "sen": true, "rep": true,
	"gov": true, "gen": true, "lt": true, "col": true, "capt": true, "sgt": true, "st": true,
	"jr": true, "sr": true, "inc": true, "ltd": true, "co": true, "corp": true, "vs": true,
	"no": true, "jan": true, "feb": true, "mar": true, "apr": true, "aug": true, "sept": true,
	"sep": true, "oct": true, "nov": true, "dec": true, "hon": true, "rt": true, "mt": true,
	"etc": true, "approx": true, "dept": true, "est": true, "fig": true, "pres": true,
}

// IsAbbreviation reports whether a word (with or without its full stop) is
// one of the abbreviations that do not end a sentence.
func IsAbbreviation(w string) bool {
	return abbreviations[strings.ToLower(strings.TrimSuffix(w, "."))]
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// Tokenize splits text into tokens. A word keeps inner hyphens, periods
// between letters ("U.S."), apostrophes before letters other than a
// possessive s ("O'Toole") and digit groups ("1,000", "2.5"); a possessive
// "'s" is a token of its own; an abbreviation keeps its full stop.
func Tokenize(text string) []Token {
	rs := []rune(text)
	return tokenize(rs, 0, len(rs))
}

func tokenize(rs []rune, from, to int) []Token {
	var toks []Token
	i := from
	for i < to {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case isWordRune(r):
			j := i + 1
			for j < to {
				c := rs[j]
				if isWordRune(c) {
					j++
					continue
				}
				if j+1 < to && isWordRune(rs[j+1]) {
					switch {
					case c == '-' || c == '‐':
						j++
						continue
					case c == '.' && unicode.IsLetter(rs[j+1]) && j-1 >= i && unicode.IsLetter(rs[j-1]) && (j-i == 1 || rs[j-2] == '.'):
						j++ // U.S.A
						continue
					case (c == ',' || c == '.') && unicode.IsDigit(rs[j-1]) && unicode.IsDigit(rs[j+1]):
						j++
						continue
					case (c == '\'' || c == '’') && unicode.IsLetter(rs[j+1]):
						// possessive 's stays apart; O'Toole, don't stay together
						if (rs[j+1] == 's' || rs[j+1] == 'S') && (j+2 >= to || !isWordRune(rs[j+2])) {
							break
						}
						j++
						continue
					}
				}
				break
			}
			// U.S. keeps its final stop; so do abbreviations.
			if j < to && rs[j] == '.' {
				w := string(rs[i:j])
				if IsAbbreviation(w) || (strings.Contains(w, ".") && j-i <= 6) || (j-i == 1 && unicode.IsUpper(rs[i])) {
					j++
				}
			}
			toks = append(toks, Token{Text: string(rs[i:j]), Start: i, End: j})
			i = j
		case (r == '\'' || r == '’') && i+1 < to && (rs[i+1] == 's' || rs[i+1] == 'S') && (i+2 >= to || !isWordRune(rs[i+2])) && len(toks) > 0 && toks[len(toks)-1].End == i:
			toks = append(toks, Token{Text: string(rs[i : i+2]), Start: i, End: i + 2})
			i += 2
		default:
			toks = append(toks, Token{Text: string(r), Start: i, End: i + 1})
			i++
		}
	}
	return toks
}

// IsOpenQuote and IsCloseQuote tell quotation marks apart; a straight
// double quote opens when no quote is open.
func IsOpenQuote(s string) bool  { return s == "“" || s == "«" || s == "„" }
func IsCloseQuote(s string) bool { return s == "”" || s == "»" }

// Split cuts text into sentences. A line break always ends a sentence (so
// headlines and datelines stand alone); within a line, a sentence ends at
// '.', '!' or '?' outside a quotation (or at a quotation's close that
// follows one), unless the next word starts in lower case.
func Split(text string) []Sentence {
	rs := []rune(text)
	var out []Sentence
	para := 0
	lineStart := 0
	for i := 0; i <= len(rs); i++ {
		if i < len(rs) && rs[i] != '\n' {
			continue
		}
		if toks := tokenize(rs, lineStart, i); len(toks) > 0 {
			out = append(out, splitLine(rs, toks, para)...)
			para++
		}
		lineStart = i + 1
	}
	return out
}

func splitLine(rs []rune, toks []Token, para int) []Sentence {
	var out []Sentence
	emit := func(ts []Token) {
		if len(ts) == 0 {
			return
		}
		s := Sentence{Start: ts[0].Start, End: ts[len(ts)-1].End, Tokens: ts, Paragraph: para}
		s.Text = string(rs[s.Start:s.End])
		out = append(out, s)
	}
	inQuote := false
	begin := 0
	for i, t := range toks {
		switch {
		case IsOpenQuote(t.Text):
			inQuote = true
		case IsCloseQuote(t.Text):
			inQuote = false
		case t.Text == "\"":
			inQuote = !inQuote
		}
		end := false
		switch t.Text {
		case ".", "!", "?":
			if !inQuote {
				end = true
			}
		}
		if (IsCloseQuote(t.Text) || t.Text == "\"" && !inQuote) && i > 0 {
			if p := toks[i-1].Text; p == "." || p == "!" || p == "?" {
				end = true
			}
		}
		if !end {
			continue
		}
		// A following closing bracket or quote belongs here; a following
		// lower-case word means this stop did not end the sentence.
		j := i + 1
		for j < len(toks) && (toks[j].Text == ")" || IsCloseQuote(toks[j].Text)) {
			j++
		}
		if j < len(toks) {
			if r := []rune(toks[j].Text)[0]; unicode.IsLower(r) {
				continue
			}
		}
		if j > i+1 {
			continue // the closing mark itself ends it below
		}
		emit(toks[begin : i+1])
		begin = i + 1
	}
	emit(toks[begin:])
	if len(out) == 1 && isHeadline(out[0].Tokens) {
		out[0].Headline = true
	}
	return out
}

func isHeadline(ts []Token) bool {
	last := ts[len(ts)-1].Text
	if last == "." || last == "!" || last == "?" || IsCloseQuote(last) || last == "\"" {
		return false
	}
	words, caps := 0, 0
	for _, t := range ts {
		r := []rune(t.Text)[0]
		if !unicode.IsLetter(r) {
			continue
		}
		words++
		if unicode.IsUpper(r) {
			caps++
		}
	}
	return words > 0 && caps*10 >= words*6
}
