package export

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/polgraph/polgraph/internal/kg"
)

// clean makes s safe for every format: invalid UTF-8 and the characters XML
// 1.0 forbids (control characters other than tab, newline and carriage
// return; surrogates; U+FFFE and U+FFFF) become U+FFFD. The same rule is
// applied to all formats so that they agree on every value.
func clean(s string) string {
	ok := true
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || !xmlChar(r) {
			ok = false
			break
		}
		i += n
	}
	if ok {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || !xmlChar(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
		i += n
	}
	return b.String()
}

// xmlChar reports whether r is a Char of the XML 1.0 grammar.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) ||
		(r >= 0x10000 && r <= 0x10FFFF)
}

// xmlText writes s escaped for element content or a double-quoted attribute
// value (newlines and tabs as character references, so that attribute
// value normalisation keeps them).
func xmlText(w io.Writer, s string) error {
	return xml.EscapeText(w, []byte(clean(s)))
}

func itoa(i int) string { return strconv.Itoa(i) }

func quote(s string) string { return strconv.Quote(s) }

// nmtoken turns an id into an XML NMTOKEN (what GraphML requires of node
// and edge ids), injectively, so that two ids never share a GraphML id, and
// deterministically, so that the same id always gets the same one.
//
// An id made only of NMTOKEN characters, with nothing in it that looks
// like an escape ("_" then upper-case letters or digits then "_"), is kept
// as it is: the usual case (han-dong, rel-member_of-3fa2…). Any other id
// is escaped whole: each character that is not an NMTOKEN character, and
// each "_", becomes _HEX_ (its code point: "qa/x" is "qa_2F_x", and the id
// "qa_2F_x" itself is "qa_5F_2F_5F_x"); a byte that is not UTF-8 becomes
// _Zhh_, and the empty id "_Z_". An escaped id always holds an escape and a
// kept one never does, so no two ids meet. GraphML also carries the
// original id as data whenever it was escaped.
func nmtoken(id string) string {
	if id != "" && utf8.ValidString(id) && strings.IndexFunc(id, func(r rune) bool { return !nmChar(r) }) < 0 && !hasEscape(id) {
		return id
	}
	if id == "" {
		return "_Z_"
	}
	var b strings.Builder
	for i := 0; i < len(id); {
		r, n := utf8.DecodeRuneInString(id[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString("_Z" + strings.ToUpper(hex2(id[i])) + "_")
		case nmChar(r) && r != '_':
			b.WriteRune(r)
		default:
			b.WriteString("_" + strings.ToUpper(strconv.FormatInt(int64(r), 16)) + "_")
		}
		i += n
	}
	return b.String()
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xF]})
}

// hasEscape reports whether s holds "_", one or more of [0-9A-Z], "_".
func hasEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '_' {
			continue
		}
		j := i + 1
		for j < len(s) && ((s[j] >= '0' && s[j] <= '9') || (s[j] >= 'A' && s[j] <= 'Z')) {
			j++
		}
		if j > i+1 && j < len(s) && s[j] == '_' {
			return true
		}
	}
	return false
}

// nmChar reports whether r is an XML NameChar (what an NMTOKEN is made of),
// leaving out the combining-mark ranges beyond Latin for simplicity.
func nmChar(r rune) bool {
	return r == '.' || r == '-' || r == '_' || r == ':' ||
		(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') ||
		(r >= 0xC0 && r <= 0x2FF && r != 0xD7 && r != 0xF7) || (r >= 0x370 && r <= 0x1FFF && r != 0x37E) ||
		(r >= 0x3001 && r <= 0xD7FF) || (r >= 0xF900 && r <= 0xFDCF) || (r >= 0xFDF0 && r <= 0xFFFD && r != utf8.RuneError)
}

// identifiers renders identifiers as "scheme:value" strings.
func identifiers(ids []kg.Identifier) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, clean(id.Scheme)+":"+clean(id.Value))
	}
	return out
}
