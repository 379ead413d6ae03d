package kg

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestHygiene: every text field rejects control characters (tab and
// newline only in long text), look-alike spaces in ids, and more than its
// bound; the problem names the field.
func TestHygiene(t *testing.T) {
	mb := strings.Repeat("x", 1<<20)
	person := func(f func(*Entity)) Entity {
		e := Entity{ID: "p", Kind: Person, Name: "P"}
		f(&e)
		return e
	}
	article := func(f func(*Entity)) Entity {
		e := Entity{ID: "a", Kind: Article, Name: "A", Title: "A"}
		f(&e)
		return e
	}
	tests := []struct {
		name string
		e    Entity
		want string // the problem's path; "" means valid
	}{
		{"NUL in name", person(func(e *Entity) { e.Name = "Han\x00Dong" }), "e.name"},
		{"newline in name", person(func(e *Entity) { e.Name = "Han\nDong" }), "e.name"},
		{"tab in name", person(func(e *Entity) { e.Name = "Han\tDong" }), "e.name"},
		{"U+0085 in name", person(func(e *Entity) { e.Name = "Han\u0085Dong" }), "e.name"},
		{"U+2028 in name", person(func(e *Entity) { e.Name = "Han\u2028Dong" }), "e.name"},
		{"invalid UTF-8 in name", person(func(e *Entity) { e.Name = "Han\xffDong" }), "e.name"},
		{"ESC in alias", person(func(e *Entity) { e.Aliases = []string{"Dong\x1b[31m"} }), "e.aliases[0]"},
		{"newline in description", person(func(e *Entity) { e.Description = "line one\nline two\twith a tab" }), ""},
		{"NUL in description", person(func(e *Entity) { e.Description = "a\x00b" }), "e.description"},
		{"DEL in identifier", person(func(e *Entity) { e.Identifiers = []Identifier{{Scheme: "wikidata", Value: "Q1\x7f"}} }), "e.identifiers[0].value"},
		{"1 MB identifier", person(func(e *Entity) { e.Identifiers = []Identifier{{Scheme: "wikidata", Value: mb}} }), "e.identifiers[0].value"},
		{"1 MB scheme", person(func(e *Entity) { e.Identifiers = []Identifier{{Scheme: mb, Value: "Q1"}} }), "e.identifiers[0].scheme"},
		{"1 MB title", article(func(e *Entity) { e.Title = mb }), "e.title"},
		{"1 MB url", article(func(e *Entity) { e.URL = "https://example.org/" + mb }), "e.url"},
		{"newline in url", article(func(e *Entity) { e.URL = "https://example.org/a\nb" }), "e.url"},
		{"article text with newlines", article(func(e *Entity) { e.Text = "para one\n\npara two" }), ""},
		{"NUL in article text", article(func(e *Entity) { e.Text = "a\x00" }), "e.text"},
		{"1 MB event type", Entity{ID: "ev", Kind: Event, Name: "E", EventType: mb}, "e.eventType"},
		{"newline in event type", Entity{ID: "ev", Kind: Event, Name: "E", EventType: "ar\nrest"}, "e.eventType"},
		{"NUL in quote", Entity{ID: "s", Kind: Statement, Name: "S", Quote: "said\x00"}, "e.quote"},
		{"NUL in summary", Entity{ID: "al", Kind: Allegation, Name: "Al", Summary: "x\x00"}, "e.summary"},
	}
	for _, sp := range []struct{ name, id string }{
		{"U+00A0", "han\u00a0dong"}, {"U+200B", "han\u200bdong"}, {"U+2028", "han\u2028dong"},
		{"U+0085", "han\u0085dong"}, {"U+FEFF", "\ufeffhan-dong"}, {"U+3000", "han\u3000dong"},
		{"tab", "han\tdong"}, {"NUL", "han\x00dong"}, {"private use", "han\ue000"},
		{"not NFC", "zoe\u0308"}, {"invalid UTF-8", "han\xff"},
	} {
		tests = append(tests, struct {
			name string
			e    Entity
			want string
		}{"id with " + sp.name, Entity{ID: sp.id, Kind: Person, Name: "P"}, "e.id"})
	}
	tests = append(tests, struct {
		name string
		e    Entity
		want string
	}{"id with visible Unicode", Entity{ID: "zoë-孟晚舟:2023/é", Kind: Person, Name: "P"}, ""})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.e
			e.Normalize()
			got := e.Validate("e")
			if tt.want == "" {
				if len(got) > 0 {
					t.Fatalf("want valid, got %v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Path != tt.want {
				t.Fatalf("problems = %v, want one at %s", got, tt.want)
			}
			if len(got[0].Reason) > 400 {
				t.Errorf("the reason echoes the input: %d bytes", len(got[0].Reason))
			}
		})
	}
}

func TestNormalizeNFC(t *testing.T) {
	e := Entity{ID: "z", Kind: Person, Name: "Zoe\u0308 Ñu\u0301n\u0303ez", Aliases: []string{" Zoë "}, Description: "a\r\nb\rc"}
	e.Normalize()
	if e.Name != "Zoë Ñúñez" {
		t.Errorf("name = %q, want NFC", e.Name)
	}
	if e.Aliases != nil { // "Zoë" is not the name; but an alias equal to the name is dropped
		if e.Aliases[0] != "Zoë" {
			t.Errorf("alias = %q", e.Aliases[0])
		}
	}
	if e.Description != "a\nb\nc" {
		t.Errorf("description = %q", e.Description)
	}
	r := Relationship{Type: MemberOf, From: "a", To: "b", Role: " Zoe\u0308 ", Evidence: []Evidence{{Article: "x", Quote: " e\u0301 ", Confidence: 1}}}
	r.Normalize()
	if r.Role != "Zoë" || r.Evidence[0].Quote != "é" {
		t.Errorf("relationship = %+v", r)
	}
	if bad := (&Relationship{ID: "r", Type: MemberOf, From: "a", To: "b", Role: "x\x00"}).Validate("r"); len(bad) != 1 || bad[0].Path != "r.role" {
		t.Errorf("NUL in role: %v", bad)
	}
	if bad := (&Evidence{Article: "a", Quote: "x\x00", Confidence: 1}).Validate("ev"); len(bad) != 1 || bad[0].Path != "ev.quote" {
		t.Errorf("NUL in quote: %v", bad)
	}
}

// TestTextProblemControls keeps textProblem's control-character test equal
// to Unicode's Cc category, on both its ASCII fast path and its slow path.
func TestTextProblemControls(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		if r == '\t' || r == '\n' || r == utf8.RuneError {
			continue
		}
		for _, s := range []string{string(r), "abc" + string(r), "é" + string(r) + "x"} {
			got := strings.Contains(textProblem(s, 100, true), "control character")
			if want := unicode.Is(unicode.Cc, r); got != want {
				t.Fatalf("textProblem(%q): control %v, want %v", s, got, want)
			}
		}
	}
	if p := textProblem("ok\xffbad", 100, false); p != "is not valid UTF-8" {
		t.Fatalf("invalid UTF-8 after ASCII: %q", p)
	}
}
