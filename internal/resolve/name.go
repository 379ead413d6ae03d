// Package resolve is entity resolution: deciding whether two records name
// the same person or organization. It parses names into comparable forms
// (case, accents, honorifics, "Last, First" order, transliteration
// variants, initials), scores a pair of entities of one kind with the
// reasons behind the score (Score), and, at import time, matches an
// incoming entity against the graph (Resolver): by identifier first, then
// by kind and name with supporting evidence, attaching above a threshold
// and recording a duplicate candidate below it.
package resolve

import (
	"slices"
	"strings"
	"unicode"

	"github.com/polgraph/polgraph/internal/kg"
)

// Name is a name in comparable form.
type Name struct {
	// Tokens are the name's words: normalised (kg.NormalizeName), with
	// honorifics and post-nominals dropped, "Last, First" turned into
	// "First Last", and each word folded to one spelling of its
	// transliteration variants (fold). Plain are the same words unfolded.
	Tokens []string
	Plain  []string
}

// honorifics are titles and post-nominal letters that say nothing about
// which person a name is ("Mr Dong", "Hon. Michael Chong MP").
var honorifics = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "prof": true,
	"hon": true, "honourable": true, "honorable": true, "rt": true, "right": true,
	"sir": true, "dame": true, "lord": true, "lady": true, "rev": true,
	"mp": true, "mpp": true, "mla": true, "mna": true, "mha": true, "pc": true, "qc": true, "kc": true,
	"senator": true, "sen": true, "jr": true, "sr": true,
}

// ParseName parses a name. "Dong, Han" is read as "Han Dong" (a comma after
// the first part means family name first, as in registers and Popolo
// sort names); a comma before post-nominals ("Michael Chong, MP") is not.
func ParseName(s string) Name {
	if before, after, ok := strings.Cut(s, ","); ok {
		rest := words(after)
		if len(rest) > 0 && !allHonorifics(rest) && len(words(before)) > 0 {
			s = after + " " + before
		}
	}
	var plain []string
	for _, w := range words(s) {
		if !honorifics[w] {
			plain = append(plain, w)
		}
	}
	if len(plain) == 0 {
		plain = words(s) // a name that is only titles keeps them
	}
	wg := wadeGilesName(s, plain)
	toks := make([]string, len(plain))
	for i, w := range plain {
		toks[i] = fold(w, wg)
	}
	return Name{Tokens: toks, Plain: plain}
}

// wadeGilesName reports whether a name is spelled in Wade–Giles: a given
// name of syllables joined by a hyphen (Pinyin writes them as one word:
// Hsiao-p'ing, Xiaoping), or a syllable that Pinyin does not have.
func wadeGilesName(raw string, ws []string) bool {
	for _, w := range ws {
		if _, ok := wadeGilesOnly[w]; ok {
			return true
		}
	}
	rs := []rune(raw)
	for i := 1; i+1 < len(rs); i++ {
		if (rs[i] == '-' || rs[i] == '‐') && unicode.IsLetter(rs[i-1]) && unicode.IsLetter(rs[i+1]) {
			return true
		}
	}
	return false
}

func words(s string) []string { return strings.Fields(kg.NormalizeName(s)) }

func allHonorifics(ws []string) bool {
	for _, w := range ws {
		if !honorifics[w] {
			return false
		}
	}
	return true
}

// Key is the name's words in order.
func (n Name) Key() string { return strings.Join(n.Tokens, " ") }

// sortedKey is the name's words in alphabetical order: "Han Dong" and
// "Dong Han" (family name first or last) agree.
func (n Name) sortedKey() string {
	t := slices.Clone(n.Tokens)
	slices.Sort(t)
	return strings.Join(t, " ")
}

// compact is the name without spaces: "Xi Jin-ping" and "Xi Jinping" agree.
func (n Name) compact() string { return strings.Join(n.Tokens, "") }

// wadeGilesOnly maps Wade–Giles syllables (the older English spelling of
// Chinese names, still usual for Taiwan and in pre-1979 sources) that are
// not Pinyin syllables to their Hanyu Pinyin spelling: folding them never
// changes a Pinyin name.
var wadeGilesOnly = map[string]string{
	"hsi": "xi", "hsiao": "xiao", "hsien": "xian", "hsin": "xin", "hsing": "xing",
	"hsiung": "xiong", "hsu": "xu", "hsueh": "xue", "hsia": "xia", "hsiang": "xiang",
	"tse": "ze", "tsu": "zu", "tzu": "zi", "tsai": "cai", "tsao": "cao", "tseng": "zeng", "tsung": "zong",
	"tung": "dong", "chih": "zhi", "chiang": "jiang", "chin": "jin", "ching": "jing", "chieh": "jie",
	"chien": "jian", "kung": "gong", "jen": "ren", "jung": "rong", "jih": "ri",
	"yung": "yong", "lung": "long", "hung": "hong",
}

// wadeGilesBoth maps Wade–Giles syllables that are Pinyin syllables too
// (Wade–Giles "teng" is Pinyin "deng", but "teng" is also Pinyin): they
// are folded only in a name spelled in Wade–Giles (wadeGilesName). With
// the apostrophe lost, a syllable is read unaspirated (teng, not t'eng).
var wadeGilesBoth = map[string]string{
	"teng": "deng", "tuan": "duan", "tao": "dao", "chou": "zhou", "chu": "zhu", "chang": "zhang",
	"chao": "zhao", "cheng": "zheng", "chun": "jun", "kuo": "guo", "kuang": "guang", "kao": "gao",
}

// cyrillic folds the spelling variants of romanised Russian, Ukrainian
// and Belarusian names (BGN/PCGN, ISO 9, passport and French/German
// habits) to one spelling.
var cyrillic = strings.NewReplacer("tch", "ch", "kh", "h", "yo", "e", "yu", "iu", "ya", "ia")

// foldX spells an x between vowels ks (Alexei, Aleksei; Maxim, Maksim);
// an x elsewhere is kept (Pinyin Xi, Jinxi).
func foldX(w string) string {
	if !strings.Contains(w, "x") {
		return w
	}
	vowel := func(c byte) bool { return strings.IndexByte("aeiouy", c) >= 0 }
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		if w[i] == 'x' && i > 0 && i+1 < len(w) && vowel(w[i-1]) && vowel(w[i+1]) {
			b.WriteString("ks")
			continue
		}
		b.WriteByte(w[i])
	}
	return b.String()
}

// Fold maps a normalised word to one spelling of its transliteration
// variants, so that two spellings of one name compare equal: Wade–Giles
// syllables that Pinyin lacks to Pinyin (wadeGilesOnly), and the variants
// of romanised Russian and Ukrainian names: final -iy, -ii, -yy, -yi,
// -ij, -yj to -y (Dmitriy, Dmitrii, Dmitry; Zelenskyy, Zelenskiy,
// Zelensky), final -ei to -ey (Sergei, Sergey), -iya to -ia (Yuliya,
// Yulia), yu/iu and ya/ia to one spelling (Yulia, Iulia), an initial ye-
// to e- (Yevgeny, Evgeny), yo to e (Fyodor, Fedor; Pyotr, Petr), kh to h
// (Mikhail, Mihail), x between vowels to ks (Alexei, Aleksei), tch to ch (Tchaikovsky),
// -off to -ov (Ivanoff). Both sides of a comparison are folded alike, so
// a fold may give a spelling no one uses: what matters is that variants
// meet.
func Fold(w string) string { return fold(w, false) }

func fold(w string, wadeGiles bool) string {
	if p, ok := wadeGilesOnly[w]; ok {
		return p
	}
	if p, ok := wadeGilesBoth[w]; ok && wadeGiles {
		return p
	}
	if len(w) < 3 {
		return w
	}
	if strings.HasPrefix(w, "ye") && len(w) > 3 {
		w = "e" + w[2:]
	}
	w = cyrillic.Replace(foldX(w))
	for _, end := range []string{"iy", "ii", "yy", "yi", "ij", "yj"} {
		if strings.HasSuffix(w, end) && len(w) > len(end)+1 {
			w = w[:len(w)-len(end)] + "y"
			break
		}
	}
	switch {
	case strings.HasSuffix(w, "ei") && len(w) > 4:
		w = w[:len(w)-2] + "ey"
	case strings.HasSuffix(w, "iia"):
		w = w[:len(w)-3] + "ia"
	case strings.HasSuffix(w, "off") && len(w) > 4:
		w = w[:len(w)-3] + "ov"
	}
	return w
}

// NameMatch is how two names agree, strongest first.
type NameMatch string

const (
	NameExact          NameMatch = "EXACT"          // the same words in the same order
	NameTransliterated NameMatch = "TRANSLITERATED" // the same words once transliteration variants are folded
	NameReordered      NameMatch = "REORDERED"      // the same words in another order (family name first)
	NameSpacing        NameMatch = "SPACING"        // the same letters split into other words (Xi Jin-ping, Xi Jinping)
	NameInitials       NameMatch = "INITIALS"       // the same family name, given names as initials or left out
	NameTypo           NameMatch = "TYPO"           // a spelling or two apart (kg.TypoBudget per word)
	NameNone           NameMatch = ""               // no agreement
)

// CompareNames says how two names agree. Single-word names agree only
// exactly (a family name alone is not a person).
func CompareNames(a, b Name) NameMatch {
	if len(a.Tokens) == 0 || len(b.Tokens) == 0 {
		return NameNone
	}
	switch {
	case a.Key() == b.Key():
		if strings.Join(a.Plain, " ") == strings.Join(b.Plain, " ") {
			return NameExact
		}
		return NameTransliterated
	case a.compact() == b.compact():
		if strings.Join(a.Plain, "") == strings.Join(b.Plain, "") {
			return NameSpacing
		}
		return NameTransliterated
	case len(a.Tokens) == 1 || len(b.Tokens) == 1:
		return NameNone
	case a.sortedKey() == b.sortedKey():
		return NameReordered
	case initials(a.Tokens, b.Tokens) || initials(b.Tokens, a.Tokens):
		return NameInitials
	case typo(a.Tokens, b.Tokens):
		return NameTypo
	}
	return NameNone
}

// initials reports whether short is long with given names as initials or
// left out: the same last word, the same first word or its initial, and
// every other word of short an initial or a word of long, in order.
func initials(short, long []string) bool {
	if len(short) > len(long) || short[len(short)-1] != long[len(long)-1] || len(short[len(short)-1]) < 2 {
		return false
	}
	used := false
	j := 0
	for _, w := range short[:len(short)-1] {
		found := false
		for ; j < len(long)-1; j++ {
			if w == long[j] {
				found = true
				j++
				break
			}
			if len(w) == 1 && w[0] == long[j][0] {
				found, used = true, true
				j++
				break
			}
			if j == 0 {
				return false // the first given name is not left out
			}
			used = true
		}
		if !found {
			return false
		}
	}
	if len(short) == 1 {
		return false
	}
	return used || len(short) < len(long)
}

// minTypoWord is the shortest word a typo is allowed in.
const minTypoWord = 5

// typo reports whether two names of as many words are each within the
// typo budget of the other, word for word, with at least one word exact.
func typo(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	var d kg.Distance
	exact := false
	for i := range a {
		if a[i] == b[i] {
			exact = true
			continue
		}
		ra, rb := []rune(a[i]), []rune(b[i])
		// Short words one letter apart are often two names (Dong, Deng).
		n := min(len(ra), len(rb))
		budget := kg.TypoBudget(n)
		if n < minTypoWord || budget == 0 || d.Between(ra, rb, budget) > budget {
			return false
		}
	}
	return exact
}
