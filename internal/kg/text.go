package kg

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Bounds of the text fields, in bytes (after NFC normalisation), and of
// the lists. Every string an entity or relationship stores is bounded by
// one of them.
const (
	MaxURLLen        = 2048
	MaxTitleLen      = 2000
	MaxEventTypeLen  = 200
	MaxSchemeLen     = 100
	MaxIdentValueLen = 500
)

// NormalizeText is how every stored text is normalised: Unicode NFC, so
// that "Zoë" typed with a combining diaeresis and with the precomposed
// letter are one string; in long text, CRLF and CR line ends become LF.
func NormalizeText(s string, long bool) string {
	if long && strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	if isASCII(s) {
		return s // ASCII is NFC
	}
	return norm.NFC.String(s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// textProblem says what is wrong with a text field, or "": invalid UTF-8,
// a control character (tab and newline are allowed in long text only),
// a line or paragraph separator outside long text, or more than max bytes.
func textProblem(s string, max int, long bool) string {
	if len(s) > max {
		return "longer than " + itoa(max) + " bytes"
	}
	// Printable ASCII, the common case, needs no decoding.
	i := 0
	for i < len(s) && s[i] >= ' ' && s[i] < 0x7f {
		i++
	}
	if i == len(s) {
		return ""
	}
	rest := s[i:]
	for j, r := range rest {
		switch {
		case r == utf8.RuneError:
			if _, n := utf8.DecodeRuneInString(rest[j:]); n == 1 {
				return "is not valid UTF-8"
			}
		case r == '\t' || r == '\n':
			if !long {
				return "contains a tab or line break (allowed only in long text)"
			}
		case r < ' ' || (r >= 0x7f && r <= 0x9f): // unicode.Cc
			return "contains the control character " + runeName(r)
		case r == '\u2028' || r == '\u2029':
			if !long {
				return "contains the line separator " + runeName(r)
			}
		}
	}
	return ""
}

// idProblem says what is wrong with an id, or "": ids are 1 to MaxIDLen
// bytes of visible characters (letters, marks, digits, punctuation,
// symbols), in NFC: no space of any kind (U+0020, U+00A0 ...), no
// invisible format character (U+200B, U+FEFF ...), no control or
// separator (U+0085, U+2028 ...).
func idProblem(id string) string {
	switch {
	case id == "":
		return "must not be empty"
	case len(id) > MaxIDLen:
		return "longer than " + itoa(MaxIDLen) + " bytes"
	case !utf8.ValidString(id):
		return "is not valid UTF-8"
	}
	for _, r := range id {
		if !visible(r) {
			return quoteID(id) + " contains " + runeName(r) + ", which is a space, a control or an invisible character; ids take visible characters only"
		}
	}
	if !isASCII(id) && !norm.NFC.IsNormalString(id) {
		return quoteID(id) + " is not in Unicode NFC; send it precomposed (" + quoteID(norm.NFC.String(id)) + ")"
	}
	return ""
}

// visible reports whether r is a letter, mark, digit, punctuation or
// symbol: graphic and not a space.
func visible(r rune) bool {
	if r < utf8.RuneSelf {
		return r > ' ' && r < 0x7f
	}
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S)
}

// runeName names a character by its code point ("U+00A0").
func runeName(r rune) string {
	const hex = "0123456789ABCDEF"
	b := []byte("U+")
	digits := 4
	if r > 0xFFFF {
		digits = 6
	}
	for i := digits - 1; i >= 0; i-- {
		b = append(b, hex[(r>>(4*uint(i)))&0xF])
	}
	return string(b)
}

// quoteID quotes an id for a message, escaping what cannot be seen.
func quoteID(id string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range id {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case visible(r) || r == ' ':
			b.WriteRune(r)
		default:
			b.WriteString(`\u{` + runeName(r)[2:] + `}`)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func itoa(i int) string { return strconv.Itoa(i) }
