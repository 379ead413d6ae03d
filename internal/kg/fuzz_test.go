package kg

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The fuzz targets of the domain's parsers of outside input. Their seeds
// (f.Add and testdata/fuzz) run in every go test; go test -fuzz=FuzzX
// explores further.

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"", "2019", "2019-10", "2019-10-21", "2024-02-29", "2023-02-29", "+019", "2019-+1", "2019-02-30", "0000", "9999-12-31", "2019-1", "٢٠١٩", "2019-10-21T00:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if d != (Date{}) {
				t.Fatalf("ParseDate(%q) failed but returned %+v", s, d)
			}
			return
		}
		if !d.Valid() {
			t.Fatalf("ParseDate(%q) = %+v, which is not Valid", s, d)
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q).String() = %q: not a round trip", s, d.String())
		}
		for i := 0; i < len(s); i++ {
			if c := s[i]; c != '-' && (c < '0' || c > '9') {
				t.Fatalf("ParseDate accepted %q, which has %q", s, c)
			}
		}
		if d.Lo() > d.Hi() {
			t.Fatalf("%q: Lo %d after Hi %d", s, d.Lo(), d.Hi())
		}
	})
}

func FuzzCursor(f *testing.F) {
	f.Add("0.7", "Han Dong", "han-dong", "")
	f.Add("", "\x00", "a:b", "MTA6aGFuLWRvbmc")
	f.Add("1", "3:abc", "", "garbage!")
	f.Fuzz(func(t *testing.T, a, b, c, raw string) {
		cur := EncodeCursor(a, b, c)
		parts, err := DecodeCursor("test", cur, 3)
		if err != nil || len(parts) != 3 || parts[0] != a || parts[1] != b || parts[2] != c {
			t.Fatalf("round trip of %q %q %q: %q, %v", a, b, c, parts, err)
		}
		if _, err := DecodeCursor("test", cur, 2); err == nil {
			t.Fatalf("a 3-part cursor decoded as 2 parts")
		}
		// Any text at all: an error of kind invalid about "after", or parts
		// that encode back to the same cursor.
		for want := 1; want <= 3; want++ {
			parts, err := DecodeCursor("test", raw, want)
			if err != nil {
				if KindOf(err) != KindInvalid || ProblemsOf(err)[0].Path != "after" {
					t.Fatalf("DecodeCursor(%q): %v", raw, err)
				}
				continue
			}
			if EncodeCursor(parts...) != raw {
				t.Fatalf("DecodeCursor(%q) = %q, which encodes to %q", raw, parts, EncodeCursor(parts...))
			}
		}
	})
}

func FuzzSearchText(f *testing.F) {
	for _, s := range []string{"Han Dong", "  HAN   dong ", "Zoë Ñúñez", "Meng Wanzhou (孟晚舟)", "O'Toole", "Łukasz Øster-Straße", "!!!", "a\x00b", "\xff\xfe", "e\u0301", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeName(s)
		if NormalizeName(n) != n {
			t.Fatalf("NormalizeName is not idempotent on %q: %q then %q", s, n, NormalizeName(n))
		}
		if strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.Contains(n, "  ") {
			t.Fatalf("NormalizeName(%q) = %q has stray spaces", s, n)
		}
		toks := Tokens(s)
		if strings.Join(toks, " ") != n {
			t.Fatalf("Tokens(%q) = %q do not make %q", s, toks, n)
		}
		for _, tok := range toks {
			if tok == "" || TypoBudget(utf8.RuneCountInString(tok)) > 2 {
				t.Fatalf("bad token %q of %q", tok, s)
			}
		}
		e := Entity{Name: s, Aliases: []string{s}}
		if st := SearchText(&e); st != strings.TrimSpace(n+" "+n) && n != "" {
			t.Fatalf("SearchText = %q, want the tokens twice", st)
		}
	})
}

// FuzzText: normalised text is NFC and normalising it again changes
// nothing; validation never panics, and what it accepts has no control
// character outside long text; an id it accepts is visible characters.
func FuzzText(f *testing.F) {
	for _, s := range []string{"Han Dong", "Zoe\u0308", "a\r\nb", "a\x00b", "han\u00a0dong", "han\u200bdong", "x\u2028y", "\u0085", "\xff", "l\tm\nn"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, long := range []bool{false, true} {
			n := NormalizeText(s, long)
			if utf8.ValidString(s) && !norm.NFC.IsNormalString(n) {
				t.Fatalf("NormalizeText(%q) = %q is not NFC", s, n)
			}
			if NormalizeText(n, long) != n {
				t.Fatalf("NormalizeText is not idempotent on %q", s)
			}
			if textProblem(n, MaxFieldLen, long) == "" {
				for _, r := range n {
					if r < 0x20 && (!long || (r != '\t' && r != '\n')) || r == 0x7f || (r >= 0x80 && r < 0xa0) {
						t.Fatalf("accepted %q (long %v) with %U", n, long, r)
					}
				}
			}
		}
		if idProblem(s) == "" {
			for _, r := range s {
				if !visible(r) || r == ' ' || r == '\u00a0' || r == '\u200b' {
					t.Fatalf("id %q accepted with %U", s, r)
				}
			}
		}
		e := Entity{ID: s, Kind: Person, Name: s, Aliases: []string{s}, Description: s}
		e.Normalize()
		_ = e.Validate("e")
		r := Relationship{ID: s, Type: MemberOf, From: s, To: "x", Role: s, Evidence: []Evidence{{Article: s, Quote: s, Confidence: 1}}}
		r.Normalize()
		_ = r.Validate("r")
	})
}
