package export

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/polgraph/polgraph/internal/kg"
)

// FuzzQueryParams: the export's query string and Accept header never make
// it panic; a bad one is invalid input naming a parameter.
func FuzzQueryParams(f *testing.F) {
	for _, s := range [][2]string{
		{"format=graphml&seed=han-dong&depth=2&types=MEMBER_OF,LEADS&asOf=2022-01-01&limit=500", ""},
		{"seed=han-dong", "application/gexf+xml;q=0.9, application/graphml+xml"},
		{"format=nope&depth=x&asOf=+019&types=,,bad&x=1", "*/*"},
		{"seed=%00&seed=,,&limit=-1", "text/csv; q=abc, application/json;;"},
		{"%zz", ";;;"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, raw, accept string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		fm, sel, err := parseQuery(q, accept)
		if err != nil {
			if kg.KindOf(err) != kg.KindInvalid || len(kg.ProblemsOf(err)) == 0 {
				t.Fatalf("parseQuery(%q, %q): %v", raw, accept, err)
			}
			return
		}
		if fm == nil {
			t.Fatalf("parseQuery(%q, %q) gave no format and no error", raw, accept)
		}
		if !sel.AsOf.Valid() {
			t.Fatalf("an invalid asOf passed: %+v", sel.AsOf)
		}
		for _, s := range sel.Seeds {
			if s == "" || strings.TrimSpace(s) != s {
				t.Fatalf("seed %q", s)
			}
		}
	})
}

// FuzzNmtoken: GraphML ids are NMTOKENs, one per id (nmtoken is
// injective: it reads back), and the same every time.
func FuzzNmtoken(f *testing.F) {
	for _, s := range []string{"han-dong", "qa/x", "qa_2F_x", "", "_Z_", "\xff", "a_B_c", "rel-member_of-3fa2", "孟晚舟"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		tok := nmtoken(id)
		if tok == "" {
			t.Fatal("empty NMTOKEN")
		}
		for _, r := range tok {
			if !nmChar(r) {
				t.Fatalf("nmtoken(%q) = %q holds %U", id, tok, r)
			}
		}
		if back, ok := unNmtoken(tok); !ok || back != id {
			t.Fatalf("nmtoken(%q) = %q reads back as %q", id, tok, back)
		}
	})
}

// FuzzXMLText: any stored text, escaped, is well-formed XML in element
// content and in an attribute, and reads back as clean(text).
func FuzzXMLText(f *testing.F) {
	for _, s := range []string{"Han Dong", `<&>"'`, "a\x00b\x01", "\xff\xfe", "line\nbreak\ttab\r", "\ufffe\uffff", "]]>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var esc bytes.Buffer
		if err := xmlText(&esc, s); err != nil {
			t.Fatal(err)
		}
		doc := `<a v="` + esc.String() + `">` + esc.String() + `</a>`
		var got struct {
			V    string `xml:"v,attr"`
			Text string `xml:",chardata"`
		}
		if err := xml.Unmarshal([]byte(doc), &got); err != nil {
			t.Fatalf("escaped %q is not well-formed: %v\n%s", s, err, doc)
		}
		want := clean(s)
		// XML reads CR (and CRLF) as LF in content.
		wantContent := strings.ReplaceAll(strings.ReplaceAll(want, "\r\n", "\n"), "\r", "\n")
		if got.Text != want && got.Text != wantContent {
			t.Fatalf("content of %q reads back as %q, want %q", s, got.Text, want)
		}
		if got.V != want {
			t.Fatalf("attribute of %q reads back as %q, want %q", s, got.V, want)
		}
		if !utf8.ValidString(want) {
			t.Fatalf("clean(%q) is not UTF-8", s)
		}
	})
}
