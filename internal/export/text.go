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
// and edge ids): letters, digits, '.', '-', '_' and ':' are kept, any other
// character becomes _HEX_. Ids made of kept characters (the usual case)
// are unchanged; GraphML carries the original id as data when they are not.
func nmtoken(id string) string {
	keep := func(r rune) bool {
		return r == '.' || r == '-' || r == '_' || r == ':' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') ||
			(r >= 0xC0 && r <= 0x2FF && r != 0xD7 && r != 0xF7) || (r >= 0x370 && r <= 0x1FFF && r != 0x37E) ||
			(r >= 0x3001 && r <= 0xD7FF) || (r >= 0xF900 && r <= 0xFDCF) || (r >= 0xFDF0 && r <= 0xFFFD)
	}
	if id != "" && strings.IndexFunc(id, func(r rune) bool { return !keep(r) }) < 0 {
		return id
	}
	var b strings.Builder
	for _, r := range id {
		if keep(r) && r != utf8.RuneError {
			b.WriteRune(r)
		} else {
			b.WriteString("_" + strings.ToUpper(strconv.FormatInt(int64(r), 16)) + "_")
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// identifiers renders identifiers as "scheme:value" strings.
func identifiers(ids []kg.Identifier) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, clean(id.Scheme)+":"+clean(id.Value))
	}
	return out
}
